/* Link resolution and the page's deduplicated link list. */
#include "core/rm.h"

#include <ctype.h>

#include "core/hash.h"
#include "extractors/extract_int.h"

/* HTML strips leading and trailing ASCII white space from href, and the URL standard drops
 * tabs and newlines anywhere in it. */
static char *clean_href(rm_arena *a, const char *href)
{
    size_t n = strlen(href), o = 0;
    char *s;

    while (n && strchr(" \t\n\r\f", href[n - 1]))
        n--;
    while (n && strchr(" \t\n\r\f", *href))
        href++, n--;
    s = rm_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        if (href[i] != '\t' && href[i] != '\n' && href[i] != '\r')
            s[o++] = href[i];
    s[o] = '\0';
    return s;
}

static bool http_scheme(CURLU *h)
{
    char *scheme = NULL;
    bool ok;

    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        return false;
    ok = !strcmp(scheme, "http") || !strcmp(scheme, "https");
    curl_free(scheme);
    return ok;
}

/* The absolute URL in h without its fragment, copied into a. */
static const char *url_of(CURLU *h, rm_arena *a)
{
    char *u = NULL;
    const char *s = NULL;

    if (!http_scheme(h) || curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK)
        return NULL;
    if (curl_url_get(h, CURLUPART_URL, &u, 0) == CURLUE_OK)
        s = rm_arena_strdup(a, u);
    curl_free(u);
    return s;
}

/* href as written -> resolved URL or NULL. Pages repeat links (menus, the microdata url of
 * an item beside its anchor), and each libcurl resolution costs several allocations. The
 * table lives in scratch, starts small for small pages and stops growing at HREF_MAX. */
#define HREF_FIRST 64
#define HREF_MAX 16384

typedef struct href_entry {
    const char *href, *url;
    uint64_t hash;
} href_entry;

struct rm_x_hrefs {
    href_entry *slots;
    size_t cap, used;
};

static href_entry *href_slot(const struct rm_x_hrefs *t, const char *href, uint64_t hash)
{
    size_t j = hash & (t->cap - 1);
    while (t->slots[j].href && (t->slots[j].hash != hash || strcmp(t->slots[j].href, href)))
        j = (j + 1) & (t->cap - 1);
    return &t->slots[j];
}

static void hrefs_grow(rm_x_page *x)
{
    struct rm_x_hrefs *t = x->hrefs, *n = rm_arena_calloc(x->scratch, 1, sizeof(*n));

    n->cap = t ? t->cap * 2 : HREF_FIRST;
    n->slots = rm_arena_calloc(x->scratch, n->cap, sizeof(*n->slots));
    for (size_t i = 0; t && i < t->cap; i++)
        if (t->slots[i].href)
            *href_slot(n, t->slots[i].href, t->slots[i].hash) = t->slots[i];
    n->used = t ? t->used : 0;
    x->hrefs = n;
}

static const char *resolve(rm_x_page *x, const char *href);

const char *rm_extract_resolve(rm_x_page *x, const char *href)
{
    uint64_t hash;
    href_entry *e;

    if (!href)
        return NULL;
    if (!x->hrefs || (x->hrefs->used + 1) * 2 > x->hrefs->cap) {
        if (x->hrefs && x->hrefs->cap >= HREF_MAX)
            return resolve(x, href);
        hrefs_grow(x);
    }
    hash = rm_hash64_fast(href, strlen(href));
    e = href_slot(x->hrefs, href, hash);
    if (!e->href) {
        e->url = resolve(x, href);
        e->href = rm_arena_strdup(x->scratch, href);
        e->hash = hash;
        x->hrefs->used++;
    }
    return e->url;
}

/* scheme://host[:port] of the base, computed once per page. */
static const char *origin_of(rm_x_page *x)
{
    char *u = NULL;
    const char *p;

    if (x->origin || !x->base)
        return x->origin;
    if (curl_url_get(x->base, CURLUPART_URL, &u, 0) == CURLUE_OK && (p = strstr(u, "://"))) {
        p += 3;
        x->origin = rm_arena_strndup(x->scratch, u, (size_t)(p - u) + strcspn(p, "/?#"));
    }
    curl_free(u);
    return x->origin;
}

/* A root-relative path of plain characters without dot segments resolves to origin + path
 * (RFC 3986 §5.2.2 leaves nothing else to do), which is most links of most pages; anything
 * else goes through libcurl. */
static bool plain_path(const char *c)
{
    static const char ok[] = "-._~/?=&%:+,;@!$*()'";
    bool query = false;
    if (c[0] != '/' || c[1] == '/')
        return false;
    for (const char *p = c; *p && *p != '#'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(ok, *p)))
            return false;
        if (*p == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
            return false;
        query = query || *p == '?';
        if (!query && p[0] == '/' && p[1] == '.' &&
            (!p[2] || strchr("/?#", p[2]) || (p[2] == '.' && (!p[3] || strchr("/?#", p[3])))))
            return false;
    }
    return true;
}

static const char *resolve(rm_x_page *x, const char *href)
{
    CURLU *h;
    const char *s, *origin;
    char *c;

    c = clean_href(x->scratch, href);
    if (plain_path(c) && (origin = origin_of(x)) != NULL) {
        size_t ol = strlen(origin), pl = strcspn(c, "#");
        char *u = rm_arena_alloc(x->out->arena, ol + pl + 1);
        memcpy(u, origin, ol);
        memcpy(u + ol, c, pl);
        u[ol + pl] = '\0';
        return u;
    }
    h = x->base ? curl_url_dup(x->base) : curl_url();
    if (!h)
        return NULL;
    /* libcurl resolves "" and "#frag" to the base's directory; RFC 3986 says the base itself. */
    if ((!*c || *c == '#') && x->base)
        s = url_of(h, x->out->arena);
    else if (curl_url_set(h, CURLUPART_URL, c, CURLU_URLENCODE) == CURLUE_OK)
        s = url_of(h, x->out->arena);
    else
        s = NULL;
    curl_url_cleanup(h);
    return s;
}

const char *rm_extract_host(rm_x_page *x, const char *url)
{
    CURLU *h = curl_url();
    char *host = NULL, *port = NULL;
    const char *s = NULL;

    if (!h)
        return NULL;
    if (curl_url_set(h, CURLUPART_URL, url, CURLU_URLENCODE) == CURLUE_OK &&
        curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        /* Without CURLU_DEFAULT_PORT only an explicit port comes back. */
        if (curl_url_get(h, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
            rm_buf b;
            rm_buf_init(&b, 512);
            (void)rm_buf_addf(&b, "%s:%s", host, port);
            s = b.err ? NULL : rm_arena_strdup(x->out->arena, b.ptr);
            rm_buf_release(&b);
        } else {
            s = rm_arena_strdup(x->out->arena, host);
        }
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(h);
    return s;
}

static int rel_rank(rm_link_rel rel)
{
    switch (rel) {
    case RM_REL_NEXT: return 4;
    case RM_REL_REVIEW: return 3;
    case RM_REL_PRODUCT: return 2;
    case RM_REL_PROFILE: return 1;
    case RM_REL_OTHER: return 0;
    }
    return 0;
}

static void linkset_grow(rm_x_page *x)
{
    rm_x_linkset *s = &x->linkset;
    size_t cap = s->cap ? s->cap * 2 : 256;

    free(s->slots);
    s->slots = rm_xcalloc(cap, sizeof(*s->slots));
    s->cap = cap;
    for (size_t i = 0; i < x->n_links; i++) {
        const char *u = x->links[i].url;
        size_t j = rm_hash64_fast(u, strlen(u)) & (cap - 1);
        while (s->slots[j])
            j = (j + 1) & (cap - 1);
        s->slots[j] = (uint32_t)i + 1;
    }
}

typedef enum how { ANCHOR, DATA, CHOSEN } how;

static void add_link(rm_x_page *x, const char *url, rm_link_rel rel, how h)
{
    rm_x_linkset *s = &x->linkset;
    size_t j;

    if (!url)
        return;
    if ((x->n_links + 1) * 2 > s->cap)
        linkset_grow(x);
    j = rm_hash64_fast(url, strlen(url)) & (s->cap - 1);
    for (; s->slots[j]; j = (j + 1) & (s->cap - 1)) {
        rm_x_link *l = &x->links[s->slots[j] - 1];
        if (!strcmp(l->url, url)) {
            if (rel_rank(rel) > rel_rank(l->rel))
                l->rel = rel;
            l->chosen |= h == CHOSEN;
            l->data |= h == DATA;
            return;
        }
    }
    if (x->n_links >= RM_X_MAX_LINKS)
        return;
    RM_GROW(x->links, x->cap_links, x->n_links + 1);
    x->links[x->n_links].url = url;
    x->links[x->n_links].rel = rel;
    x->links[x->n_links].chosen = h == CHOSEN;
    x->links[x->n_links].data = h == DATA;
    s->slots[j] = (uint32_t)++x->n_links;
}

void rm_extract_link(rm_x_page *x, const char *url, rm_link_rel rel)
{
    add_link(x, url, rel, DATA);
}

void rm_extract_link_anchor(rm_x_page *x, const char *url, rm_link_rel rel)
{
    add_link(x, url, rel, ANCHOR);
}

void rm_extract_link_chosen(rm_x_page *x, const char *url, rm_link_rel rel)
{
    add_link(x, url, rel, CHOSEN);
}
