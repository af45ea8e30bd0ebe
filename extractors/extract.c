/* rm_extract(): decode, parse, one walk over the tree, the readers, then merging.
 *
 * DESIGN. Zero-config extraction must cost little beside parsing, so the Gumbo tree is walked
 * once, iteratively, collecting what the readers need: JSON-LD script texts, microdata and
 * microformats roots, OpenGraph meta tags, <base>, anchors. The readers then look only at
 * those nodes. The libxml2 document that CSS and XPath rules query is built only when a rule
 * file matches the page (rules.c). */
#include "core/rm.h"

#include <ctype.h>
#include <errno.h>
#include <libxml/parser.h>

#include "core/embed.h"
#include "extractors/charset.h"
#include "extractors/extract_int.h"
#include "extractors/html.h"
#include "extractors/values.h"

/* A rule file larger than this is certainly not hand-written. */
#define RULE_FILE_MAX ((size_t)1 << 20)
#define MAX_LD_BLOCKS 256

struct rm_extractor {
    rm_rules **rules;
    size_t n_rules;
};

/* --- loading --- */

static char *read_file(const char *path, size_t *len, int *err)
{
    FILE *f = fopen(path, "rb");
    rm_buf b;
    char chunk[8192];
    size_t n;

    if (!f) {
        *err = errno;
        return NULL;
    }
    rm_buf_init(&b, RULE_FILE_MAX);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.err)
        (void)rm_buf_add(&b, chunk, n);
    *err = ferror(f) ? EIO : b.err ? EFBIG : 0;
    fclose(f);
    if (*err) {
        rm_buf_release(&b);
        return NULL;
    }
    return rm_buf_detach(&b, len);
}

/* A built-in rule file: "market-fixture" or "market-fixture.yaml" names
 * configs/sites/market-fixture.yaml. */
static const rm_embed_file *builtin(const char *name)
{
    char path[256];
    const rm_embed_file *e;

    if (strchr(name, '/'))
        return NULL;
    snprintf(path, sizeof(path), "sites/%s", name);
    if ((e = rm_embed_find(path)) != NULL)
        return e;
    snprintf(path, sizeof(path), "sites/%s.yaml", name);
    return rm_embed_find(path);
}

static rm_err load_one(const char *name, rm_diag *diag, rm_rules **out)
{
    const rm_embed_file *e;
    size_t len = 0;
    int syserr;
    char *text = read_file(name, &len, &syserr);
    rm_err err;

    if (!text && syserr == ENOENT && (e = builtin(name)) != NULL)
        return rm_rules_load(name, e->data, e->len, diag, out);
    if (!text) {
        rm_diag_add(diag, name, 0, NULL, "cannot read rule file: %s",
                    syserr == EFBIG ? "larger than 1 MiB" : strerror(syserr));
        return RM_ECONFIG;
    }
    err = rm_rules_load(name, text, len, diag, out);
    free(text);
    return err;
}

rm_err rm_extractor_new(const char *const *rule_files, size_t n, rm_diag *diag,
                        rm_extractor **out)
{
    rm_extractor *ex = rm_xcalloc(1, sizeof(*ex));
    rm_err err = RM_OK;

    /* libxml2 sets up its globals here, before any worker thread parses. */
    xmlInitParser();
    ex->rules = rm_xcalloc(n ? n : 1, sizeof(*ex->rules));
    for (size_t i = 0; i < n; i++) {
        rm_rules *r = NULL;
        /* Every file is read so one run reports every broken file. */
        if (load_one(rule_files[i], diag, &r) != RM_OK)
            err = RM_ECONFIG;
        else
            ex->rules[ex->n_rules++] = r;
    }
    if (err) {
        rm_extractor_free(ex);
        return err;
    }
    *out = ex;
    return RM_OK;
}

void rm_extractor_free(rm_extractor *ex)
{
    if (!ex)
        return;
    for (size_t i = 0; i < ex->n_rules; i++)
        rm_rules_free(ex->rules[i]);
    free(ex->rules);
    free(ex);
}

int rm_extractor_page_type(const rm_extractor *ex, const char *url, char *out, size_t size)
{
    const rm_rules *file = NULL;
    const rm_rule_page *pt = rm_rules_match(ex->rules, ex->n_rules, url, &file);

    if (!pt)
        return -1;
    snprintf(out, size, "%s/%s", rm_rules_name(file), rm_rule_page_name(pt));
    return 0;
}

/* --- pending records --- */

rm_x_prod *rm_extract_product(rm_x_page *x, rm_x_src src)
{
    rm_x_prod *xp;

    if (x->n_prods >= RM_X_MAX_ITEMS)
        return NULL;
    RM_GROW(x->prods, x->cap_prods, x->n_prods + 1);
    xp = &x->prods[x->n_prods++];
    memset(xp, 0, sizeof(*xp));
    xp->p.price = xp->p.rating = NAN;
    xp->p.rating_count = xp->p.review_count = -1;
    xp->src = src;
    return xp;
}

rm_x_rev *rm_extract_review(rm_x_page *x, long prod, rm_x_src src)
{
    rm_x_rev *xr;

    if (x->n_revs >= RM_X_MAX_ITEMS)
        return NULL;
    RM_GROW(x->revs, x->cap_revs, x->n_revs + 1);
    xr = &x->revs[x->n_revs++];
    memset(xr, 0, sizeof(*xr));
    xr->r.rating = NAN;
    xr->r.url = x->url;
    xr->prod = prod;
    xr->src = src;
    return xr;
}

rm_x_prof *rm_extract_profile(rm_x_page *x, rm_x_src src)
{
    rm_x_prof *pr;

    if (x->n_profs >= RM_X_MAX_ITEMS)
        return NULL;
    RM_GROW(x->profs, x->cap_profs, x->n_profs + 1);
    pr = &x->profs[x->n_profs++];
    memset(pr, 0, sizeof(*pr));
    pr->p.followers = pr->p.following = -1;
    pr->src = src;
    return pr;
}

static void list_add(rm_x_page *x, const char ***list, size_t *n, size_t *cap, const char *s)
{
    if (!s || *n >= RM_X_MAX_LIST)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i], s))
            return;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        *list = rm_arena_realloc(x->out->arena, *list, *cap * sizeof(**list),
                                 ncap * sizeof(**list));
        *cap = ncap;
    }
    (*list)[(*n)++] = s;
}

void rm_extract_profile_link(rm_x_page *x, rm_x_prof *pr, const char *url)
{
    if (!url || !strcmp(url, pr->p.url ? pr->p.url : ""))
        return;
    list_add(x, &pr->p.links, &pr->p.n_links, &pr->cap_links, url);
    rm_extract_link(x, url, RM_REL_PROFILE);
}

void rm_extract_profile_interest(rm_x_page *x, rm_x_prof *pr, const char *s)
{
    list_add(x, &pr->p.interests, &pr->p.n_interests, &pr->cap_interests, s);
}

const char *rm_extract_text(rm_x_page *x, const char *s, unsigned flags)
{
    return rm_values_text(s, flags, x->out->arena);
}

const char *rm_extract_handle(rm_x_page *x, const char *s)
{
    const char *h = rm_extract_text(x, s, 0);
    while (h && *h == '@')
        h++;
    return h && *h ? h : NULL;
}

/* Gender words as profiles write them (vCard F/M, schema.org Female/Male, Russian forms);
 * strcasecmp folds ASCII only, so Cyrillic capitals are listed. */
static const char *const female_words[] = {"f", "female", "woman", "w", "ж", "Ж", "жен",
                                           "Жен", "женский", "Женский", "женщина", "Женщина"};
static const char *const male_words[] = {"m", "male", "man", "м", "М", "муж", "Муж",
                                         "мужской", "Мужской", "мужчина", "Мужчина"};

static bool listed(const char *g, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(g, words[i]))
            return true;
    return false;
}

const char *rm_extract_gender(rm_x_page *x, const char *s)
{
    const char *g = rm_extract_text(x, s, 0);

    if (!g)
        return NULL;
    g = rm_extract_schema_local(g);
    if (listed(g, female_words, RM_ARRAY_LEN(female_words)))
        return "female";
    if (listed(g, male_words, RM_ARRAY_LEN(male_words)))
        return "male";
    return g;
}

/* How a rule file's lang reads "03/04/2024": month first in the US, day first in every other
 * language a rule file names; without one, the normaliser picks the reading that is not in
 * the future. */
static rm_date_order date_order(const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    bool region = n > 3 && (lang[n - 3] == '-' || lang[n - 3] == '_');

    if (region && !strcasecmp(lang + n - 2, "us"))
        return RM_DATE_MDY;
    /* Plain "en" may be either side of the Atlantic. */
    if (!n || (!region && !strcasecmp(lang, "en")))
        return RM_DATE_AUTO;
    return RM_DATE_DMY;
}

const char *rm_extract_date(rm_x_page *x, const char *s)
{
    rm_date_opts o = {.now = x->page->fetched_at, .order = date_order(x->lang)};
    char d[RM_DATE_ISO_SIZE];

    if (!rm_values_date(s, &o, d))
        return NULL;
    return rm_arena_strdup(x->out->arena, d);
}

int rm_extract_year(rm_x_page *x, const char *s)
{
    const char *d = rm_extract_date(x, s);
    int64_t y = 0;

    if (d)
        y = strtol(d, NULL, 10);
    else if (!rm_values_int(s, &y))
        return 0;
    return y > 1850 && y < 2200 ? (int)y : 0;
}

/* --- the walk --- */

typedef struct anchor {
    const char *href;
    bool next, me;
} anchor;

typedef struct collected {
    const char *base_href;
    rm_x_meta *meta;
    size_t n_meta, cap_meta;
    const GumboNode **ld, **items, **mf;
    size_t n_ld, cap_ld, n_items, cap_items, n_mf, cap_mf;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
} collected;

static void collected_release(collected *c)
{
    free(c->meta);
    free(c->ld);
    free(c->items);
    free(c->mf);
    free(c->anchors);
}

static void push_node(const GumboNode ***v, size_t *n, size_t *cap, const GumboNode *e,
                      size_t max)
{
    if (*n >= max)
        return;
    RM_GROW(*v, *cap, *n + 1);
    (*v)[(*n)++] = e;
}

/* <link rel> values that name page resources, not pages to crawl. */
static bool resource_link(const char *rel)
{
    static const char *const skip[] = {"stylesheet", "icon", "preload", "prefetch",
                                       "preconnect", "dns-prefetch", "modulepreload",
                                       "manifest", "apple-touch-icon", "mask-icon"};
    for (size_t i = 0; i < RM_ARRAY_LEN(skip); i++)
        if (rm_html_has_token(rel, skip[i], true))
            return true;
    return false;
}

static bool is_jsonld_type(const char *t)
{
    while (t && isspace((unsigned char)*t))
        t++;
    return t && !strncasecmp(t, "application/ld+json", 19) &&
           (!t[19] || t[19] == ';' || isspace((unsigned char)t[19]));
}

static bool inside_mf2_root(const GumboNode *n)
{
    for (const GumboNode *p = n->parent; p && p->type == GUMBO_NODE_ELEMENT; p = p->parent)
        if (rm_extract_mf2_is_root(rm_html_attr(p, "class")))
            return true;
    return false;
}

static void meta_tag(collected *c, const GumboNode *e)
{
    const char *key = rm_html_attr(e, "property"), *content = rm_html_attr(e, "content");

    if (!key || !strchr(key, ':'))
        key = rm_html_attr(e, "name");
    if (!key || !content || c->n_meta >= 512)
        return;
    if (strncasecmp(key, "og:", 3) && strncasecmp(key, "product:", 8) &&
        strncasecmp(key, "profile:", 8))
        return;
    RM_GROW(c->meta, c->cap_meta, c->n_meta + 1);
    c->meta[c->n_meta].prop = key;
    c->meta[c->n_meta++].content = content;
}

static void anchor_tag(collected *c, const GumboNode *e)
{
    const char *href = rm_html_attr(e, "href"), *rel = rm_html_attr(e, "rel");

    if (!href || c->n_anchors >= 2 * RM_X_MAX_LINKS)
        return;
    /* A <link> without rel is no hyperlink (microdata uses it for values like InStock). */
    if (rm_html_is(e, GUMBO_TAG_LINK) && (!rel || resource_link(rel)))
        return;
    RM_GROW(c->anchors, c->cap_anchors, c->n_anchors + 1);
    c->anchors[c->n_anchors].href = href;
    c->anchors[c->n_anchors].next = rm_html_has_token(rel, "next", true);
    c->anchors[c->n_anchors++].me = rm_html_has_token(rel, "me", true);
}

static void element(collected *c, const GumboNode *e)
{
    const GumboVector *attrs = &e->v.element.attributes;
    bool scope = false, prop = false;
    const char *cls = NULL;

    /* One pass over the attributes instead of a lookup per name: this runs on every element. */
    for (size_t i = 0; i < attrs->length; i++) {
        const char *n = ((const GumboAttribute *)attrs->data[i])->name;
        if (n[0] == 'i' && !strcmp(n, "itemscope"))
            scope = true;
        else if (n[0] == 'i' && !strcmp(n, "itemprop"))
            prop = true;
        else if (n[0] == 'c' && !strcmp(n, "class"))
            cls = ((const GumboAttribute *)attrs->data[i])->value;
    }
    switch (e->v.element.tag) {
    case GUMBO_TAG_BASE:
        if (!c->base_href)
            c->base_href = rm_html_attr(e, "href");
        break;
    case GUMBO_TAG_META:
        meta_tag(c, e);
        break;
    case GUMBO_TAG_SCRIPT:
        if (is_jsonld_type(rm_html_attr(e, "type")))
            push_node(&c->ld, &c->n_ld, &c->cap_ld, e, MAX_LD_BLOCKS);
        return;
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_LINK:
        anchor_tag(c, e);
        break;
    default:
        break;
    }
    if (scope && !prop)
        push_node(&c->items, &c->n_items, &c->cap_items, e, RM_X_MAX_ITEMS);
    if (cls && rm_extract_mf2_is_root(cls) && !inside_mf2_root(e))
        push_node(&c->mf, &c->n_mf, &c->cap_mf, e, RM_X_MAX_ITEMS);
}

static void walk(collected *c, const GumboNode *root)
{
    for (const GumboNode *n = root; n; n = rm_html_next(n, root))
        if (n->type == GUMBO_NODE_ELEMENT)
            element(c, n);
}

/* --- readers over what the walk collected --- */

static const char *script_text(const GumboNode *e, size_t *len)
{
    const GumboVector *kids = &e->v.element.children;
    const GumboNode *t = kids->length ? kids->data[0] : NULL;

    if (!t || (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_WHITESPACE))
        return NULL;
    *len = strlen(t->v.text.text);
    return t->v.text.text;
}

static void read_jsonld(rm_x_page *x, const collected *c)
{
    json_t *docs[MAX_LD_BLOCKS], *ids = json_object();
    size_t n = 0, len;

    for (size_t i = 0; i < c->n_ld; i++) {
        const char *text = script_text(c->ld[i], &len);
        /* One broken block costs only itself. */
        json_t *d = text ? rm_extract_jsonld_parse(text, len) : NULL;
        if (d) {
            rm_extract_jsonld_index(ids, d);
            docs[n++] = d;
        }
    }
    for (size_t i = 0; i < n; i++) {
        rm_extract_schema(x, docs[i], ids, RM_X_JSONLD);
        json_decref(docs[i]);
    }
    json_decref(ids);
}

static void read_structured(rm_x_page *x, const collected *c, const GumboNode *doc)
{
    read_jsonld(x, c);
    for (size_t i = 0; i < c->n_items; i++) {
        json_t *item = rm_extract_microdata(x, c->items[i], doc);
        rm_extract_schema(x, item, NULL, RM_X_MICRODATA);
        json_decref(item);
    }
    for (size_t i = 0; i < c->n_mf; i++)
        rm_extract_mf2(x, c->mf[i]);
    rm_extract_og(x, c->meta, c->n_meta);
}

static void read_anchors(rm_x_page *x, const collected *c)
{
    for (size_t i = 0; i < c->n_anchors; i++) {
        const anchor *a = &c->anchors[i];
        const char *u = rm_extract_resolve(x, a->href);
        if (!u)
            continue;
        if (a->me) {
            RM_GROW(x->me, x->cap_me, x->n_me + 1);
            x->me[x->n_me++] = u;
            rm_extract_link(x, u, RM_REL_PROFILE);
        } else {
            rm_extract_link_anchor(x, u, a->next ? RM_REL_NEXT : RM_REL_OTHER);
        }
    }
}

static void set_base(rm_x_page *x, const char *base_href)
{
    const char *b = base_href ? rm_extract_resolve(x, base_href) : NULL;
    CURLU *h;

    if (!b || !(h = curl_url()))
        return;
    if (curl_url_set(h, CURLUPART_URL, b, 0) != CURLUE_OK) {
        curl_url_cleanup(h);
        return;
    }
    curl_url_cleanup(x->base);
    x->base = h;
    /* Resolutions against the old base no longer hold. */
    x->hrefs = NULL;
    x->origin = NULL;
}

static const char *site_name(const collected *c)
{
    for (size_t i = 0; i < c->n_meta; i++)
        if (!strcasecmp(c->meta[i].prop, "og:site_name") && c->meta[i].content[0])
            return c->meta[i].content;
    return NULL;
}

static rm_err extract_html(rm_x_page *x, const rm_rule_page *pt, const char *body, size_t len)
{
    char charset[RM_CHARSET_MAX];
    size_t skip = rm_charset_sniff(x->page->content_type, body, len, charset);
    const char *html;
    size_t hlen;
    GumboOutput *doc;
    collected c = {0};
    rm_err err;

    /* A charset iconv does not know is read as UTF-8: most of such a page is ASCII. */
    if (rm_charset_to_utf8(charset, body + skip, len - skip, x->scratch, &html, &hlen) != RM_OK)
        html = rm_charset_utf8(body + skip, len - skip, x->scratch, &hlen);
    err = rm_html_parse(html, hlen, x->scratch, &doc);
    if (err)
        return err;
    walk(&c, doc->document);
    set_base(x, c.base_href);
    if (site_name(&c))
        x->platform = rm_extract_text(x, site_name(&c), 0);
    x->rule_links = pt && rm_rules_has_links(pt);
    read_anchors(x, &c);
    if (!pt || rm_rules_structured(pt))
        read_structured(x, &c, doc->document);
    if (pt)
        rm_rules_apply_html(x, pt, doc, html, hlen);
    collected_release(&c);
    return RM_OK;
}

static rm_err extract_json(rm_x_page *x, const rm_rule_page *pt, const char *body, size_t len)
{
    const char *text;
    size_t tlen;
    json_error_t jerr;
    json_t *doc;

    text = rm_charset_utf8(body, len, x->scratch, &tlen);
    doc = json_loadb(text, tlen, JSON_DECODE_ANY, &jerr);
    if (!doc)
        return RM_EPARSE;
    x->rule_links = pt && rm_rules_has_links(pt);
    if (!pt || rm_rules_structured(pt))
        rm_extract_json_doc(x, doc);
    if (pt)
        rm_rules_apply_json(x, pt, doc, text, tlen);
    json_decref(doc);
    return RM_OK;
}

typedef enum page_kind { KIND_HTML, KIND_JSON, KIND_OTHER } page_kind;

static page_kind kind_of(const rm_page *page)
{
    const char *ct = page->content_type;
    size_t i = 0;

    if (ct) {
        while (isspace((unsigned char)*ct))
            ct++;
        if (strcasestr(ct, "json"))
            return KIND_JSON;
        if (!strncasecmp(ct, "text/", 5) || strcasestr(ct, "html") || strcasestr(ct, "xml"))
            return KIND_HTML;
        if (*ct && strncasecmp(ct, "application/octet-stream", 24))
            return KIND_OTHER;
    }
    while (i < page->len && isspace((unsigned char)page->body[i]))
        i++;
    if (i < page->len && (page->body[i] == '{' || page->body[i] == '['))
        return KIND_JSON;
    /* Binary bodies (images, archives) carry NUL bytes early; UTF-16 text has a BOM. */
    if (page->len >= 2 && ((unsigned char)page->body[0] == 0xFE ||
                           (unsigned char)page->body[0] == 0xFF))
        return KIND_HTML;
    return memchr(page->body, '\0', RM_MIN(page->len, 1024)) ? KIND_OTHER : KIND_HTML;
}

/* --- merging and output --- */

#define FILL(dst, src, f) \
    do { if (!(dst)->f || (over && (src)->f)) (dst)->f = (src)->f; } while (0)
#define FILL_D(dst, src, f) \
    do { if (!rm_has_d((dst)->f) || (over && rm_has_d((src)->f))) (dst)->f = (src)->f; } while (0)
#define FILL_N(dst, src, f) \
    do { if ((dst)->f < 0 || (over && (src)->f >= 0)) (dst)->f = (src)->f; } while (0)

static void merge_product(rm_x_prod *d, const rm_x_prod *s)
{
    bool over = s->src < d->src;
    rm_product *dp = &d->p;
    const rm_product *sp = &s->p;

    if (s->url_given && (!d->url_given || over)) {
        dp->url = sp->url;
        d->url_given = true;
    }
    FILL(dp, sp, schema_type);
    FILL(dp, sp, name);
    FILL(dp, sp, sku);
    FILL(dp, sp, brand);
    FILL(dp, sp, category);
    if (!rm_has_d(dp->price) || (over && rm_has_d(sp->price))) {
        dp->price = sp->price;
        dp->currency = sp->currency;
    }
    FILL(dp, sp, currency);
    FILL_D(dp, sp, rating);
    FILL_N(dp, sp, rating_count);
    FILL_N(dp, sp, review_count);
    FILL(d, s, id);
    d->main |= s->main;
    if (over)
        d->src = s->src;
}

static bool same_str(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Names that may belong to one item: absent on one side, or one starting with the other
 * ("Drill 18V" and "Drill 18V (2 batteries)"). */
static bool names_agree(const char *a, const char *b)
{
    return !a || !b || !strncmp(a, b, RM_MIN(strlen(a), strlen(b)));
}

/* Two descriptions of one item: same given URL, @id or SKU; two syntaxes describing the
 * page's item (neither names a URL of its own); or the page's own item (OpenGraph, a rule's
 * product) and the one item structured data describes. */
static bool same_product(const rm_x_page *x, const rm_x_prod *a, const rm_x_prod *b,
                         size_t n_kept)
{
    if (a->url_given && b->url_given && same_str(a->p.url, b->p.url))
        return true;
    if (same_str(a->id, b->id) || same_str(a->p.sku, b->p.sku))
        return true;
    if (!a->url_given && !b->url_given && a->src != b->src && names_agree(a->p.name, b->p.name))
        return true;
    if (b->main && !(a->main && a->src == b->src))
        return same_str(a->p.url, b->p.url) || !a->url_given || !b->url_given || n_kept == 1 ||
               same_str(a->p.url, x->url);
    return false;
}

static void merge_products(rm_x_page *x, long *remap)
{
    size_t kept = 0;

    for (size_t i = 0; i < x->n_prods; i++) {
        size_t j;
        for (j = 0; j < kept; j++)
            if (same_product(x, &x->prods[j], &x->prods[i], kept))
                break;
        if (j < kept) {
            merge_product(&x->prods[j], &x->prods[i]);
        } else {
            x->prods[kept] = x->prods[i];
            j = kept++;
        }
        remap[i] = (long)j;
    }
    x->n_prods = kept;
}

static void merge_review(rm_x_rev *d, const rm_x_rev *s)
{
    bool over = s->src < d->src;
    FILL(&d->r, &s->r, id);
    FILL(&d->r, &s->r, author);
    FILL(&d->r, &s->r, author_url);
    FILL_D(&d->r, &s->r, rating);
    FILL(&d->r, &s->r, date);
    FILL(&d->r, &s->r, title);
    FILL(&d->r, &s->r, body);
    if (over)
        d->src = s->src;
}

/* The same review read twice (JSON-LD and a rule, microdata and mf2): same id, or the same
 * author and text (ids of one review differ between syntaxes: "901" and ".../review/901"). */
static bool same_review(const rm_review *a, const rm_review *b)
{
    if (!same_str(a->product, b->product) && (a->product || b->product))
        return false;
    if (same_str(a->id, b->id))
        return true;
    if (!same_str(a->author, b->author) && a->author && b->author)
        return false;
    if (!same_str(a->date, b->date) && a->date && b->date)
        return false;
    if (a->body || b->body)
        return same_str(a->body, b->body);
    return same_str(a->title, b->title) && !(a->id && b->id);
}

/* The page's own item: the one OpenGraph or a rule named, else the only one. */
static const char *page_item(const rm_x_page *x)
{
    for (size_t i = 0; i < x->n_prods; i++)
        if (x->prods[i].main)
            return x->prods[i].p.url;
    return x->n_prods == 1 ? x->prods[0].p.url : NULL;
}

static void finish_reviews(rm_x_page *x, const long *remap)
{
    size_t kept = 0;

    for (size_t i = 0; i < x->n_revs; i++) {
        rm_x_rev *r = &x->revs[i];
        size_t j;
        if (r->prod >= 0)
            r->r.product = x->prods[remap[r->prod]].p.url;
        else if (r->prod == RM_X_PAGE_ITEM)
            r->r.product = page_item(x);
        for (j = 0; j < kept; j++)
            if (same_review(&x->revs[j].r, &r->r))
                break;
        if (j < kept)
            merge_review(&x->revs[j], r);
        else
            x->revs[kept++] = *r;
    }
    x->n_revs = kept;
}

static void merge_profile(rm_x_page *x, rm_x_prof *d, rm_x_prof *s)
{
    bool over = s->src < d->src;
    FILL(&d->p, &s->p, platform);
    FILL(&d->p, &s->p, handle);
    FILL(&d->p, &s->p, name);
    FILL(&d->p, &s->p, city);
    FILL(&d->p, &s->p, country);
    FILL(&d->p, &s->p, gender);
    FILL(&d->p, &s->p, bio);
    FILL(&d->p, &s->p, joined);
    FILL_N(&d->p, &s->p, followers);
    FILL_N(&d->p, &s->p, following);
    if (!d->p.birth_year || (over && s->p.birth_year))
        d->p.birth_year = s->p.birth_year;
    for (size_t i = 0; i < s->p.n_interests; i++)
        rm_extract_profile_interest(x, d, s->p.interests[i]);
    for (size_t i = 0; i < s->p.n_links; i++)
        rm_extract_profile_link(x, d, s->p.links[i]);
    if (over)
        d->src = s->src;
}

static void finish_profiles(rm_x_page *x)
{
    size_t kept = 0, page = SIZE_MAX;

    for (size_t i = 0; i < x->n_profs; i++) {
        size_t j;
        for (j = 0; j < kept; j++)
            if (same_str(x->profs[j].p.url, x->profs[i].p.url))
                break;
        if (j < kept)
            merge_profile(x, &x->profs[j], &x->profs[i]);
        else
            x->profs[kept++] = x->profs[i];
    }
    x->n_profs = kept;
    for (size_t i = 0; i < kept && page == SIZE_MAX; i++)
        if (same_str(x->profs[i].p.url, x->url))
            page = i;
    if (page == SIZE_MAX && kept == 1)
        page = 0;
    /* A page's rel="me" links are its own profile's other profiles. */
    for (size_t i = 0; page != SIZE_MAX && i < x->n_me; i++)
        rm_extract_profile_link(x, &x->profs[page], x->me[i]);
    for (size_t i = 0; i < kept; i++) {
        if (!x->profs[i].p.platform)
            x->profs[i].p.platform = x->platform;
        /* A profile described here but living elsewhere is worth a visit. */
        if (x->profs[i].p.url && !same_str(x->profs[i].p.url, x->url))
            rm_extract_link(x, x->profs[i].p.url, RM_REL_PROFILE);
    }
}

static void emit(rm_x_page *x)
{
    for (size_t i = 0; i < x->n_prods; i++)
        rm_recs_add(x->out, RM_REC_PRODUCT)->u.product = x->prods[i].p;
    for (size_t i = 0; i < x->n_revs; i++)
        rm_recs_add(x->out, RM_REC_REVIEW)->u.review = x->revs[i].r;
    for (size_t i = 0; i < x->n_profs; i++)
        rm_recs_add(x->out, RM_REC_PROFILE)->u.profile = x->profs[i].p;
    for (size_t i = 0; i < x->n_links; i++) {
        if (x->rule_links && !x->links[i].chosen && !x->links[i].data)
            continue;
        rm_rec *r = rm_recs_add(x->out, RM_REC_LINK);
        r->u.link.url = x->links[i].url;
        r->u.link.rel = x->links[i].rel;
    }
}

static void finish(rm_x_page *x)
{
    long *remap = rm_xcalloc(x->n_prods ? x->n_prods : 1, sizeof(*remap));

    merge_products(x, remap);
    finish_reviews(x, remap);
    finish_profiles(x);
    emit(x);
    free(remap);
}

static void page_release(rm_x_page *x)
{
    curl_url_cleanup(x->base);
    free(x->prods);
    free(x->revs);
    free(x->profs);
    free(x->links);
    free(x->linkset.slots);
    free(x->me);
}

static void page_init(rm_x_page *x, const rm_extractor *ex, const rm_page *page,
                      rm_arena *scratch, rm_recs *out)
{
    memset(x, 0, sizeof(*x));
    x->ex = ex;
    x->page = page;
    x->scratch = scratch;
    x->out = out;
    x->base = curl_url();
    if (x->base &&
        (!page->url ||
         curl_url_set(x->base, CURLUPART_URL, page->url, CURLU_URLENCODE) != CURLUE_OK)) {
        curl_url_cleanup(x->base);
        x->base = NULL;
    }
    x->url = page->url ? rm_extract_resolve(x, page->url) : NULL;
    x->platform = x->url ? rm_extract_host(x, x->url) : NULL;
}

rm_err rm_extract(const rm_extractor *ex, const rm_page *page, rm_arena *scratch, rm_recs *out)
{
    const rm_rules *file = NULL;
    const rm_rule_page *pt;
    page_kind kind = kind_of(page);
    rm_x_page x;
    rm_err err;

    if (page->len > RM_EXTRACT_MAX_PAGE)
        return RM_ETOOBIG;
    if (kind == KIND_OTHER)
        return RM_EPARSE;
    page_init(&x, ex, page, scratch, out);
    pt = page->url ? rm_rules_match(ex->rules, ex->n_rules, page->url, &file) : NULL;
    x.lang = file ? rm_rules_lang(file) : NULL;
    if (kind == KIND_JSON)
        err = extract_json(&x, pt, page->body, page->len);
    else
        err = extract_html(&x, pt, page->body, page->len);
    if (!err)
        finish(&x);
    page_release(&x);
    return err;
}
