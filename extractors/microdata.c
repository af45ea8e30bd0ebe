/* HTML microdata (itemscope, itemtype, itemprop, itemid, itemref) turned into JSON-LD shape,
 * so schema.c maps both syntaxes alike. Values follow the microdata spec (meta content, link
 * href, time datetime, ...) plus the content attribute on any element, which schema.org's own
 * examples use ("<span itemprop=ratingValue content=4.5>4,5</span>"). */
#include "core/rm.h"

#include "core/hash.h"
#include "extractors/extract_int.h"
#include "extractors/html.h"

/* Every itemscope met while turning one item, so itemref loops stop. */
typedef struct conv {
    rm_x_page *x;
    const GumboNode *doc;
    const GumboNode *stack[RM_X_MAX_DEPTH];
    int depth;
    size_t budget; /* property values left; bounds work on pages that nest and refer wildly */
    rm_buf text;
} conv;

/* Elements by id, built on the first itemref of a page. */
struct rm_x_idmap {
    const GumboNode **slots;
    size_t cap;
};
typedef struct rm_x_idmap idmap;

static idmap *build_idmap(const GumboNode *doc, rm_arena *a)
{
    idmap *m = rm_arena_calloc(a, 1, sizeof(*m));
    size_t n = 0;
    const GumboNode *e;

    for (e = doc; e; e = rm_html_next(e, doc))
        n += rm_html_attr(e, "id") != NULL;
    m->cap = 16;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->slots = rm_arena_calloc(a, m->cap, sizeof(*m->slots));
    for (e = doc; e; e = rm_html_next(e, doc)) {
        const char *id = rm_html_attr(e, "id");
        size_t j;
        if (!id)
            continue;
        j = rm_hash64_fast(id, strlen(id)) & (m->cap - 1);
        while (m->slots[j] && strcmp(rm_html_attr(m->slots[j], "id"), id))
            j = (j + 1) & (m->cap - 1);
        /* The first element with an id wins, as getElementById does. */
        if (!m->slots[j])
            m->slots[j] = e;
    }
    return m;
}

static const GumboNode *by_id(conv *c, const char *id, size_t len)
{
    idmap *m = c->x->idmap;
    size_t j;

    if (!m)
        m = c->x->idmap = build_idmap(c->doc, c->x->scratch);
    j = rm_hash64_fast(id, len) & (m->cap - 1);
    for (; m->slots[j]; j = (j + 1) & (m->cap - 1)) {
        const char *v = rm_html_attr(m->slots[j], "id");
        if (strlen(v) == len && !memcmp(v, id, len))
            return m->slots[j];
    }
    return NULL;
}

static json_t *item(conv *c, const GumboNode *el);

static json_t *text_value(conv *c, const GumboNode *el)
{
    rm_buf_reset(&c->text);
    rm_html_text(el, &c->text);
    return json_string(rm_html_squash(c->text.ptr));
}

/* A URL attribute, absolute when it resolves, as written otherwise (mailto:, tel:). */
static json_t *url_value(conv *c, const char *v)
{
    const char *u = rm_extract_resolve(c->x, v);
    return json_string(u ? u : v ? v : "");
}

static json_t *prop_value(conv *c, const GumboNode *el)
{
    GumboTag t = el->v.element.tag;
    const char *v;

    if (rm_html_attr(el, "itemscope"))
        return item(c, el);
    if (t == GUMBO_TAG_META)
        return json_string((v = rm_html_attr(el, "content")) ? v : "");
    if (t == GUMBO_TAG_AUDIO || t == GUMBO_TAG_EMBED || t == GUMBO_TAG_IFRAME ||
        t == GUMBO_TAG_IMG || t == GUMBO_TAG_SOURCE || t == GUMBO_TAG_TRACK ||
        t == GUMBO_TAG_VIDEO)
        return url_value(c, rm_html_attr(el, "src"));
    if (t == GUMBO_TAG_A || t == GUMBO_TAG_AREA || t == GUMBO_TAG_LINK)
        return url_value(c, rm_html_attr(el, "href"));
    if (t == GUMBO_TAG_OBJECT)
        return url_value(c, rm_html_attr(el, "data"));
    if ((t == GUMBO_TAG_DATA || t == GUMBO_TAG_METER) && (v = rm_html_attr(el, "value")))
        return json_string(v);
    if (t == GUMBO_TAG_TIME && (v = rm_html_attr(el, "datetime")))
        return json_string(v);
    if ((v = rm_html_attr(el, "content")) != NULL)
        return json_string(v);
    return text_value(c, el);
}

/* Several values of one property become an array, as JSON-LD writes them. */
static void add(json_t *o, const char *name, json_t *v)
{
    json_t *old = json_object_get(o, name), *arr;

    if (!v)
        return;
    if (!old) {
        json_object_set_new(o, name, v);
    } else if (json_is_array(old)) {
        json_array_append_new(old, v);
    } else {
        arr = json_array();
        json_array_append(arr, old);
        json_array_append_new(arr, v);
        json_object_set_new(o, name, arr);
    }
}

static void add_props(conv *c, json_t *o, const GumboNode *el)
{
    const char *names = rm_html_attr(el, "itemprop"), *p = names;
    json_t *v;

    if (!c->budget)
        return;
    c->budget--;
    v = prop_value(c, el);
    if (!v)
        return;
    /* itemprop="name headline" gives one value to both. */
    while (*p) {
        const char *s;
        char name[128];
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
            p++;
        if (p == s || (size_t)(p - s) >= sizeof(name))
            continue;
        memcpy(name, s, (size_t)(p - s));
        name[p - s] = '\0';
        add(o, rm_extract_schema_local(name), json_incref(v));
    }
    json_decref(v);
}

/* Properties under start (and start itself when self): nested items keep theirs. */
static void crawl(conv *c, json_t *o, const GumboNode *start, bool self)
{
    const GumboNode *n;

    if (self && rm_html_attr(start, "itemprop")) {
        add_props(c, o, start);
        if (rm_html_attr(start, "itemscope"))
            return;
    }
    for (n = rm_html_next(start, start); n;) {
        if (n->type != GUMBO_NODE_ELEMENT) {
            n = rm_html_next(n, start);
            continue;
        }
        if (rm_html_attr(n, "itemprop"))
            add_props(c, o, n);
        n = rm_html_attr(n, "itemscope") ? rm_html_next_skip(n, start) : rm_html_next(n, start);
    }
}

static void item_refs(conv *c, json_t *o, const char *refs)
{
    const char *p = refs;

    while (*p) {
        const char *s;
        const GumboNode *ref;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
            p++;
        if (p > s && (ref = by_id(c, s, (size_t)(p - s))) != NULL)
            crawl(c, o, ref, true);
    }
}

static void item_types(json_t *o, const char *types)
{
    json_t *arr = json_array();
    const char *p = types;

    while (*p) {
        const char *s;
        char t[256];
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
            p++;
        if (p == s || (size_t)(p - s) >= sizeof(t))
            continue;
        memcpy(t, s, (size_t)(p - s));
        t[p - s] = '\0';
        json_array_append_new(arr, json_string(rm_extract_schema_local(t)));
    }
    if (json_array_size(arr) == 1)
        json_object_set(o, "@type", json_array_get(arr, 0));
    else if (json_array_size(arr) > 1)
        json_object_set(o, "@type", arr);
    json_decref(arr);
}

static json_t *item(conv *c, const GumboNode *el)
{
    json_t *o;
    const char *v;

    for (int i = 0; i < c->depth; i++)
        if (c->stack[i] == el)
            return json_string("");
    if (c->depth >= RM_X_MAX_DEPTH)
        return json_string("");
    c->stack[c->depth++] = el;
    o = json_object();
    if ((v = rm_html_attr(el, "itemtype")) != NULL)
        item_types(o, v);
    if ((v = rm_html_attr(el, "itemid")) != NULL && *v)
        json_object_set_new(o, "@id", json_string(v));
    crawl(c, o, el, false);
    if ((v = rm_html_attr(el, "itemref")) != NULL)
        item_refs(c, o, v);
    c->depth--;
    return o;
}

json_t *rm_extract_microdata(rm_x_page *x, const GumboNode *el, const GumboNode *doc)
{
    conv c = {.x = x, .doc = doc, .depth = 0, .budget = 20000};
    json_t *o;

    rm_buf_init(&c.text, RM_EXTRACT_MAX_PAGE);
    o = item(&c, el);
    rm_buf_release(&c.text);
    return o;
}
