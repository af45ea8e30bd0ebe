/* microformats2: h-card, h-review, h-product (with h-review-aggregate, h-item, h-adr), and
 * h-entry / h-feed holding them.
 *
 * A root is parsed into the mf2 JSON shape first ({"type": [...], "properties": {name:
 * [values]}, "children": [...]}, as mf2py and the spec's test suite write it): p-/u-/dt-/e-
 * properties, nested roots as property values or children, the value-class pattern and the
 * implied name and url. The records come from that shape. */
#include "core/rm.h"

#include <ctype.h>
#include <math.h>

#include "extractors/extract_int.h"
#include "extractors/html.h"
#include "extractors/values.h"

typedef struct mf {
    rm_x_page *x;
    int depth;
    size_t budget; /* property values left for this root */
    rm_buf text;
} mf;

/* Calls fn for each class token with the given prefix ("h-", "p-"...), minus the prefix.
 * Only well-formed names count: lower-case letters and digits with inner hyphens. */
typedef void (*token_fn)(void *ctx, const char *prefix, const char *name);

static bool mf_name(const char *s, size_t n)
{
    if (!n || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

static void each_class(const char *cls, const char *const *prefixes, size_t np, token_fn fn,
                       void *ctx)
{
    const char *p = cls;
    char name[64];

    while (p && *p) {
        const char *s;
        while (rm_html_space(*p))
            p++;
        s = p;
        while (*p && !rm_html_space(*p))
            p++;
        for (size_t i = 0; i < np; i++) {
            size_t k = strlen(prefixes[i]), n = (size_t)(p - s);
            if (n > k && n - k < sizeof(name) && !strncmp(s, prefixes[i], k) &&
                mf_name(s + k, n - k)) {
                memcpy(name, s + k, n - k);
                name[n - k] = '\0';
                fn(ctx, prefixes[i], name);
            }
        }
    }
}

static void note_root(void *ctx, const char *prefix, const char *name)
{
    (void)prefix;
    (void)name;
    *(bool *)ctx = true;
}

bool rm_extract_mf2_is_root(const char *cls)
{
    static const char *const h[] = {"h-"};
    bool found = false;
    if (cls && strstr(cls, "h-"))
        each_class(cls, h, 1, note_root, &found);
    return found;
}

static const char *squashed_text(mf *m, const GumboNode *el)
{
    rm_buf_reset(&m->text);
    rm_html_text(el, &m->text);
    return rm_html_squash(m->text.ptr);
}

/* Value-class pattern: the values of descendants with class "value" (or "value-title"), or
 * NULL when there are none. */
static const char *value_class(mf *m, const GumboNode *el)
{
    rm_buf b;
    const char *out = NULL;

    rm_buf_init(&b, 1 << 20);
    for (const GumboNode *n = rm_html_next(el, el); n;) {
        const char *cls = rm_html_attr(n, "class"), *v = NULL;
        if (n->type != GUMBO_NODE_ELEMENT) {
            n = rm_html_next(n, el);
            continue;
        }
        if (rm_html_has_token(cls, "value-title", false))
            v = rm_html_attr(n, "title");
        else if (rm_html_has_token(cls, "value", false))
            v = (rm_html_is(n, GUMBO_TAG_IMG) || rm_html_is(n, GUMBO_TAG_AREA))
                    ? rm_html_attr(n, "alt")
                : (rm_html_is(n, GUMBO_TAG_DATA) && rm_html_attr(n, "value"))
                    ? rm_html_attr(n, "value")
                : rm_html_is(n, GUMBO_TAG_ABBR) && rm_html_attr(n, "title")
                    ? rm_html_attr(n, "title")
                    : squashed_text(m, n);
        if (v) {
            (void)rm_buf_adds(&b, v);
            n = rm_html_next_skip(n, el);
        } else {
            n = rm_html_next(n, el);
        }
    }
    if (b.len && !b.err)
        out = rm_arena_strdup(m->x->scratch, b.ptr);
    rm_buf_release(&b);
    return out;
}

static const char *attr_of(const GumboNode *el, GumboTag t, const char *name)
{
    return rm_html_is(el, t) ? rm_html_attr(el, name) : NULL;
}

static const char *p_value(mf *m, const GumboNode *el)
{
    const char *v = value_class(m, el);
    if (!v)
        v = attr_of(el, GUMBO_TAG_ABBR, "title");
    if (!v)
        v = attr_of(el, GUMBO_TAG_LINK, "title");
    if (!v)
        v = attr_of(el, GUMBO_TAG_DATA, "value");
    if (!v)
        v = attr_of(el, GUMBO_TAG_INPUT, "value");
    if (!v)
        v = attr_of(el, GUMBO_TAG_IMG, "alt");
    if (!v)
        v = attr_of(el, GUMBO_TAG_AREA, "alt");
    return v ? v : squashed_text(m, el);
}

static const char *u_attr(const GumboNode *el)
{
    static const struct { GumboTag t; const char *attr; } map[] = {
        {GUMBO_TAG_A, "href"}, {GUMBO_TAG_AREA, "href"}, {GUMBO_TAG_LINK, "href"},
        {GUMBO_TAG_IMG, "src"}, {GUMBO_TAG_AUDIO, "src"}, {GUMBO_TAG_VIDEO, "src"},
        {GUMBO_TAG_SOURCE, "src"}, {GUMBO_TAG_IFRAME, "src"}, {GUMBO_TAG_VIDEO, "poster"},
        {GUMBO_TAG_OBJECT, "data"},
    };
    for (size_t i = 0; i < RM_ARRAY_LEN(map); i++) {
        const char *v = attr_of(el, map[i].t, map[i].attr);
        if (v)
            return v;
    }
    return NULL;
}

static const char *u_value(mf *m, const GumboNode *el)
{
    const char *v = u_attr(el), *u;
    if (!v)
        v = value_class(m, el);
    if (!v)
        v = attr_of(el, GUMBO_TAG_ABBR, "title");
    if (!v)
        v = attr_of(el, GUMBO_TAG_DATA, "value");
    if (!v)
        v = squashed_text(m, el);
    u = rm_extract_resolve(m->x, v);
    return u ? u : v;
}

static const char *dt_value(mf *m, const GumboNode *el)
{
    const char *v = value_class(m, el);
    if (!v)
        v = attr_of(el, GUMBO_TAG_TIME, "datetime");
    if (!v)
        v = attr_of(el, GUMBO_TAG_INS, "datetime");
    if (!v)
        v = attr_of(el, GUMBO_TAG_DEL, "datetime");
    if (!v)
        v = attr_of(el, GUMBO_TAG_ABBR, "title");
    if (!v)
        v = attr_of(el, GUMBO_TAG_DATA, "value");
    return v ? v : squashed_text(m, el);
}

static const char *value_of(mf *m, const GumboNode *el, const char *prefix)
{
    switch (prefix[0]) {
    case 'u': return u_value(m, el);
    case 'd': return dt_value(m, el);
    case 'e': return squashed_text(m, el);
    default: return p_value(m, el);
    }
}

static void add_value(json_t *props, const char *name, json_t *v)
{
    json_t *list = json_object_get(props, name);
    if (!v)
        return;
    if (!list) {
        list = json_array();
        json_object_set_new(props, name, list);
    }
    json_array_append_new(list, v);
}

typedef struct found {
    const char *names[16];
    const char *prefixes[16];
    size_t n;
    rm_arena *a;
} found;

static void note(void *ctx, const char *prefix, const char *name)
{
    found *f = ctx;
    if (f->n < RM_ARRAY_LEN(f->names)) {
        f->prefixes[f->n] = prefix;
        f->names[f->n++] = rm_arena_strdup(f->a, name);
    }
}

static json_t *parse_root(mf *m, const GumboNode *el);

/* A nested root used as a property keeps a plain "value" beside its own properties. */
static void nested_value(json_t *item, const char *prefix)
{
    json_t *props = json_object_get(item, "properties");
    json_t *pick = json_object_get(props, prefix[0] == 'u' ? "url" : "name");
    if (json_is_array(pick) && json_is_string(json_array_get(pick, 0)))
        json_object_set(item, "value", json_array_get(pick, 0));
}

static void element(mf *m, json_t *props, json_t *children, const GumboNode *el, bool *skip)
{
    static const char *const pre[] = {"p-", "u-", "dt-", "e-"};
    const char *cls = rm_html_attr(el, "class");
    found f = {.n = 0, .a = m->x->scratch};
    bool root = rm_extract_mf2_is_root(cls);

    *skip = false;
    if (cls && strchr(cls, '-'))
        each_class(cls, pre, RM_ARRAY_LEN(pre), note, &f);
    if (root) {
        json_t *item = parse_root(m, el);
        *skip = true;
        if (!item)
            return;
        for (size_t i = 0; i < f.n; i++) {
            json_t *copy = json_deep_copy(item);
            nested_value(copy, f.prefixes[i]);
            add_value(props, f.names[i], copy);
        }
        if (!f.n)
            json_array_append(children, item);
        json_decref(item);
        return;
    }
    for (size_t i = 0; i < f.n && m->budget; i++, m->budget--)
        add_value(props, f.names[i], json_string(value_of(m, el, f.prefixes[i])));
}

/* Root types keep their prefix, as the mf2 JSON shape writes them ("h-card"). */
static void collect(void *ctx, const char *prefix, const char *name)
{
    char t[80];
    snprintf(t, sizeof(t), "%s%s", prefix, name);
    json_array_append_new(ctx, json_string(t));
}

/* Implied name and url (mf2 spec, "parsing for implied properties"), simplified to the cases
 * pages use: the root's own alt/title/href, a lone child <a>/<img>, else the root's text. */
static void implied(mf *m, const GumboNode *el, json_t *props, bool has_p, bool has_u)
{
    const GumboVector *kids = &el->v.element.children;
    const GumboNode *only = NULL;
    size_t n_elements = 0;
    const char *v;

    for (size_t i = 0; i < kids->length; i++) {
        const GumboNode *k = kids->data[i];
        if (k->type == GUMBO_NODE_ELEMENT) {
            only = k;
            n_elements++;
        }
    }
    if (n_elements != 1 || rm_extract_mf2_is_root(rm_html_attr(only, "class")))
        only = NULL;
    if (!has_p && !json_object_get(props, "name")) {
        v = attr_of(el, GUMBO_TAG_IMG, "alt");
        if (!v)
            v = attr_of(el, GUMBO_TAG_ABBR, "title");
        if (!v && only)
            v = attr_of(only, GUMBO_TAG_IMG, "alt");
        if (!v)
            v = squashed_text(m, el);
        if (*v)
            add_value(props, "name", json_string(v));
    }
    if (!has_u && !json_object_get(props, "url")) {
        v = attr_of(el, GUMBO_TAG_A, "href");
        if (!v)
            v = attr_of(el, GUMBO_TAG_AREA, "href");
        if (!v && only)
            v = attr_of(only, GUMBO_TAG_A, "href");
        if (v && (v = rm_extract_resolve(m->x, v)) != NULL)
            add_value(props, "url", json_string(v));
    }
}

static bool has_prefixed(const GumboNode *root, const char *prefix)
{
    for (const GumboNode *n = rm_html_next(root, root); n;) {
        const char *cls = rm_html_attr(n, "class");
        if (cls && strstr(cls, prefix)) {
            const char *const pre[] = {prefix};
            bool hit = false;
            each_class(cls, pre, 1, note_root, &hit);
            if (hit)
                return true;
        }
        n = rm_extract_mf2_is_root(cls) ? rm_html_next_skip(n, root) : rm_html_next(n, root);
    }
    return false;
}

static json_t *parse_root(mf *m, const GumboNode *el)
{
    static const char *const h[] = {"h-"};
    json_t *item, *types, *props, *children;

    if (m->depth >= RM_X_MAX_DEPTH || !m->budget)
        return NULL;
    m->depth++;
    item = json_object();
    types = json_array();
    props = json_object();
    children = json_array();
    each_class(rm_html_attr(el, "class"), h, 1, collect, types);
    for (const GumboNode *n = rm_html_next(el, el); n;) {
        bool skip = false;
        if (n->type == GUMBO_NODE_ELEMENT)
            element(m, props, children, n, &skip);
        n = skip ? rm_html_next_skip(n, el) : rm_html_next(n, el);
    }
    implied(m, el, props, has_prefixed(el, "p-") || has_prefixed(el, "e-"),
            has_prefixed(el, "u-"));
    json_object_set_new(item, "type", types);
    json_object_set_new(item, "properties", props);
    json_object_set_new(item, "children", children);
    m->depth--;
    return item;
}

/* --- records from the mf2 shape --- */

static bool has_type(json_t *item, const char *t)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(item, "type"), i, v)
        if (!strcmp(json_string_value(v), t))
            return true;
    return false;
}

static json_t *pval(json_t *item, const char *name)
{
    return json_array_get(json_object_get(json_object_get(item, "properties"), name), 0);
}

/* A property's text: the string, or a nested item's "value". */
static const char *pstr(json_t *item, const char *name)
{
    json_t *v = pval(item, name);
    if (json_is_object(v))
        v = json_object_get(v, "value");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *ptext(rm_x_page *x, json_t *item, const char *name)
{
    return rm_extract_text(x, pstr(item, name), 0);
}

static double pnum(json_t *item, const char *name)
{
    double d;
    return rm_values_number(pstr(item, name), &d) ? d : NAN;
}

/* p-rating is text ("4.5", "4 из 5", "★★★★☆") on the scale p-best and p-worst give. */
static void rating_into(json_t *item, double *out)
{
    (void)rm_values_rating(pstr(item, "rating"), pnum(item, "best"), pnum(item, "worst"), out);
}

static void aggregate_into(json_t *agg, rm_product *p)
{
    int64_t n;
    if (isnan(p->rating))
        rating_into(agg, &p->rating);
    if (p->rating_count < 0 && rm_values_int(pstr(agg, "votes"), &n))
        p->rating_count = n;
    if (p->review_count < 0 && rm_values_int(pstr(agg, "count"), &n))
        p->review_count = n;
}

static void map_review(rm_x_page *x, json_t *item, long prod);

static long map_product(rm_x_page *x, json_t *item)
{
    rm_x_prod *xp = rm_extract_product(x, RM_X_MF2);
    json_t *reviews, *r, *brand;
    rm_product *p;
    long idx;
    size_t i;

    if (!xp)
        return -1;
    idx = (long)(x->n_prods - 1);
    p = &xp->p;
    p->name = ptext(x, item, "name");
    p->url = rm_extract_resolve(x, pstr(item, "url"));
    xp->url_given = p->url != NULL;
    if (!p->url)
        p->url = x->url;
    xp->id = rm_recs_str(x->out, pstr(item, "uid"));
    brand = pval(item, "brand");
    p->brand = json_is_object(brand) ? ptext(x, brand, "name") : ptext(x, item, "brand");
    p->category = ptext(x, item, "category");
    p->sku = ptext(x, item, "identifier");
    (void)rm_values_price(pstr(item, "price"), NULL, &p->price, &p->currency);
    if (xp->url_given)
        rm_extract_link(x, p->url, RM_REL_PRODUCT);
    reviews = json_object_get(json_object_get(item, "properties"), "review");
    json_array_foreach(reviews, i, r) {
        if (has_type(r, "h-review-aggregate"))
            aggregate_into(r, &x->prods[idx].p);
        else if (has_type(r, "h-review"))
            map_review(x, r, idx);
    }
    return idx;
}

static void review_author(rm_x_page *x, rm_review *r, json_t *item)
{
    json_t *a = pval(item, "author");

    if (json_is_object(a)) {
        r->author = ptext(x, a, "name");
        r->author_url = rm_extract_resolve(x, pstr(a, "url"));
    } else {
        r->author = ptext(x, item, "author");
    }
    if (r->author_url)
        rm_extract_link(x, r->author_url, RM_REL_PROFILE);
}

static void map_review(rm_x_page *x, json_t *item, long prod)
{
    json_t *it = pval(item, "item");
    rm_x_rev *xr;
    rm_review *r;
    const char *direct = NULL;

    if (prod < 0 && json_is_object(it))
        prod = map_product(x, it);
    else if (prod < 0)
        direct = ptext(x, item, "item");
    xr = rm_extract_review(x, prod, RM_X_MF2);
    if (!xr)
        return;
    r = &xr->r;
    r->product = direct;
    r->id = ptext(x, item, "uid");
    if (!r->id)
        r->id = rm_extract_resolve(x, pstr(item, "url"));
    review_author(x, r, item);
    rating_into(item, &r->rating);
    r->date = rm_extract_date(x, pstr(item, "published"));
    r->title = ptext(x, item, "name");
    if (!r->title)
        r->title = ptext(x, item, "summary");
    r->body = rm_extract_text(x, pstr(item, "content"), RM_VALUES_BREAKS);
    if (!r->body)
        r->body = rm_extract_text(x, pstr(item, "description"), RM_VALUES_BREAKS);
}

static void card_place(rm_x_page *x, rm_profile *p, json_t *card)
{
    json_t *adr = pval(card, "adr");
    json_t *src = json_is_object(adr) ? adr : card;
    p->city = ptext(x, src, "locality");
    p->country = ptext(x, src, "country-name");
    if (!p->city)
        p->city = ptext(x, card, "locality");
    if (!p->country)
        p->country = ptext(x, card, "country-name");
}

static void card_lists(rm_x_page *x, rm_x_prof *pr, json_t *card)
{
    json_t *props = json_object_get(card, "properties"), *v;
    size_t i;

    json_array_foreach(json_object_get(props, "category"), i, v)
        rm_extract_profile_interest(x, pr, rm_extract_text(x, json_string_value(v), 0));
    json_array_foreach(json_object_get(props, "url"), i, v) {
        const char *u = rm_extract_resolve(x, json_string_value(v));
        if (u && strcmp(u, pr->p.url))
            rm_extract_profile_link(x, pr, u);
    }
}

/* p-followers, p-following and dt-joined are no h-card properties, but profile pages that
 * extend h-card write them so, as Mastodon's and ActivityPub's names for the same counts. */
static void card_counts(rm_x_page *x, rm_profile *p, json_t *card)
{
    int64_t n;

    if (rm_values_int(pstr(card, "followers"), &n))
        p->followers = n;
    if (rm_values_int(pstr(card, "following"), &n))
        p->following = n;
    p->joined = rm_extract_date(x, pstr(card, "joined"));
}

static void map_card(rm_x_page *x, json_t *card)
{
    rm_x_prof *pr = rm_extract_profile(x, RM_X_MF2);
    const char *url;
    rm_profile *p;

    if (!pr)
        return;
    p = &pr->p;
    url = rm_extract_resolve(x, pstr(card, "uid"));
    if (!url)
        url = rm_extract_resolve(x, pstr(card, "url"));
    p->url = url ? url : x->url;
    p->name = ptext(x, card, "name");
    p->handle = rm_extract_handle(x, pstr(card, "nickname"));
    card_place(x, p, card);
    p->gender = rm_extract_gender(x, pstr(card, "gender-identity"));
    if (!p->gender)
        p->gender = rm_extract_gender(x, pstr(card, "sex"));
    p->birth_year = rm_extract_year(x, pstr(card, "bday"));
    p->bio = rm_extract_text(x, pstr(card, "note"), RM_VALUES_BREAKS);
    card_counts(x, p, card);
    card_lists(x, pr, card);
}

static void dispatch(rm_x_page *x, json_t *item, int depth)
{
    json_t *c;
    size_t i;

    if (depth > RM_X_MAX_DEPTH)
        return;
    if (has_type(item, "h-review"))
        map_review(x, item, -1);
    else if (has_type(item, "h-product"))
        map_product(x, item);
    else if (has_type(item, "h-review-aggregate") && json_is_object(pval(item, "item"))) {
        long idx = map_product(x, pval(item, "item"));
        if (idx >= 0)
            aggregate_into(item, &x->prods[idx].p);
    } else if (has_type(item, "h-card"))
        map_card(x, item);
    else
        json_array_foreach(json_object_get(item, "children"), i, c)
            dispatch(x, c, depth + 1);
}

void rm_extract_mf2(rm_x_page *x, const GumboNode *el)
{
    mf m = {.x = x, .depth = 0, .budget = 20000};
    json_t *item;

    rm_buf_init(&m.text, RM_EXTRACT_MAX_PAGE);
    item = parse_root(&m, el);
    rm_buf_release(&m.text);
    if (item)
        dispatch(x, item, 0);
    json_decref(item);
}
