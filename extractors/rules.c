/* Running rule files on a page: pick the page type by URL, select values (CSS/XPath on the
 * libxml2 copy, JSONPath on JSON, regex on the source), post-process them (capture, replace,
 * trim, join), normalise them by the field's kind and fill records and links. */
#include "core/rm.h"

#include <math.h>

#include "extractors/html.h"
#include "extractors/rules_int.h"
#include "extractors/values.h"

/* True when re finds a match in s (len bytes). */
static bool re_find(const rm_rules *r, const pcre2_code *re, const char *s, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc;

    if (!md)
        return false;
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, r->mctx);
    pcre2_match_data_free(md);
    return rc >= 0;
}

const rm_rule_page *rm_rules_match(rm_rules *const *files, size_t n, const char *url,
                                   const rm_rules **file)
{
    size_t len = strlen(url);

    for (size_t i = 0; i < n; i++) {
        const rm_rules *r = files[i];
        if (!re_find(r, r->match, url, len))
            continue;
        for (size_t j = 0; j < r->n_pages; j++) {
            if (re_find(r, r->pages[j].url, url, len)) {
                *file = r;
                return &r->pages[j];
            }
        }
    }
    return NULL;
}

bool rm_rules_structured(const rm_rule_page *pt)
{
    return pt->structured;
}

bool rm_rules_has_links(const rm_rule_page *pt)
{
    return pt->n_links > 0;
}

const char *rm_rules_lang(const rm_rules *r)
{
    return r->lang;
}

const char *rm_rules_name(const rm_rules *r)
{
    return r->site;
}

const char *rm_rule_page_name(const rm_rule_page *pt)
{
    return pt->name;
}

/* --- one page --- */

typedef struct app {
    rm_x_page *x;
    const rm_rule_page *pt;
    const rm_rules *r;
    rm_xquery q;
    bool have_q;
    json_t *json;       /* the document, on JSON pages */
    const char *src;    /* page source (decoded), for regex selectors */
    size_t src_len;
    long product;       /* index of the page's rule product, or -1 */
} app;

/* Where a selector runs: an element of the tree the query reads (Gumbo's or the libxml2
 * copy), or a JSON value. NULL node and NULL json: the whole page. */
typedef struct where {
    const rm_xnode *node;
    json_t *json;
} where;

typedef struct values {
    const char **v;
    size_t n, max;
    app *a;
} values;

static void put(values *vs, const char *s)
{
    if (s && vs->n < vs->max)
        vs->v[vs->n++] = s;
}

static const char *json_text(app *a, json_t *v)
{
    char buf[64];
    char *dump;
    const char *s;

    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return rm_arena_strdup(a->x->scratch, buf);
    case JSON_REAL:
        snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
        return rm_arena_strdup(a->x->scratch, buf);
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_OBJECT:
    case JSON_ARRAY:
        dump = json_dumps(v, JSON_COMPACT);
        s = dump ? rm_arena_strdup(a->x->scratch, dump) : NULL;
        free(dump);
        return s;
    default:
        return NULL;
    }
}

/* A matched array of plain values gives each of them ("$.tags" → "a", "b"). */
static bool json_value(json_t *v, void *ctx)
{
    values *vs = ctx;
    json_t *e;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
            if (!json_is_object(e) && !json_is_array(e))
                put(vs, json_text(vs->a, e));
        if (json_array_size(v) && (json_is_object(json_array_get(v, 0)) ||
                                   json_is_array(json_array_get(v, 0))))
            put(vs, json_text(vs->a, v));
    } else {
        put(vs, json_text(vs->a, v));
    }
    return vs->n < vs->max;
}

/* The capture a regex keeps: group "value", else group 1, else the whole match. */
static int kept_group(const pcre2_code *re)
{
    uint32_t groups = 0;
    int named = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "value");

    if (named > 0)
        return named;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    return groups ? 1 : 0;
}

static void regex_values(app *a, const pcre2_code *re, const char *s, size_t len, values *vs)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int group = kept_group(re);
    size_t off = 0;

    while (md && off <= len && vs->n < vs->max) {
        PCRE2_SIZE *ov, start, end;
        int rc = pcre2_match(re, (PCRE2_SPTR)s, len, off, 0, md, a->r->mctx);
        if (rc < 0)
            break;
        ov = pcre2_get_ovector_pointer(md);
        start = ov[2 * group];
        end = ov[2 * group + 1];
        if (start != PCRE2_UNSET && end >= start)
            put(vs, rm_arena_strndup(a->x->scratch, s + start, end - start));
        off = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
    }
    pcre2_match_data_free(md);
}

/* JSON nested deeper than the JSONPath walk goes (RM_ETOOBIG) gives no values rather than
 * the ones found before the walk stopped. */
static void jsonpath_values(const rm_jsonpath *jp, json_t *root, values *vs)
{
    size_t before = vs->n;

    if (rm_jsonpath_eval(jp, root, json_value, vs) != RM_OK)
        vs->n = before;
}

static void select_values(app *a, const rm_rule_sel *sel, where w, values *vs)
{
    const char *s;

    switch (sel->kind) {
    case RM_SEL_CSS:
    case RM_SEL_XPATH:
        if (a->have_q && !w.json)
            vs->n += rm_xsel_values(sel->x, &a->q, w.node, vs->v + vs->n, vs->max - vs->n);
        break;
    case RM_SEL_JSONPATH:
        if (a->json)
            jsonpath_values(sel->j, w.json ? w.json : a->json, vs);
        break;
    case RM_SEL_REGEX:
        s = w.node && a->have_q ? rm_xdoc_html(&a->q, w.node)
            : w.json            ? json_text(a, w.json)
                                : a->src;
        if (s)
            regex_values(a, sel->re, s, s == a->src ? a->src_len : strlen(s), vs);
        break;
    case RM_SEL_VALUE:
        put(vs, sel->value);
        break;
    case RM_SEL_NONE:
        break;
    }
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Only the ends: the text normaliser squashes the inside, "raw" keeps it. */
static const char *trim(app *a, const char *s)
{
    const char *e;

    while (blank(*s))
        s++;
    e = s + strlen(s);
    while (e > s && blank(e[-1]))
        e--;
    return rm_arena_strndup(a->x->scratch, s, (size_t)(e - s));
}

static const char *replace(app *a, const rm_rule_field *f, const char *s)
{
    PCRE2_SIZE len = strlen(s) * 2 + 64;
    PCRE2_UCHAR *out;
    int rc;

    for (int attempt = 0; attempt < 2; attempt++) {
        out = rm_arena_alloc(a->x->scratch, len);
        rc = pcre2_substitute(f->replace, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0,
                              PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL,
                              a->r->mctx, (PCRE2_SPTR)f->replace_with, PCRE2_ZERO_TERMINATED,
                              out, &len);
        if (rc >= 0)
            return (const char *)out;
        if (rc != PCRE2_ERROR_NOMEMORY)
            return s;
    }
    return s;
}

/* match, replace, trim: NULL when match finds nothing. */
static const char *post(app *a, const rm_rule_field *f, const char *s)
{
    if (f->match) {
        const char *got[1];
        values vs = {got, 0, 1, a};
        regex_values(a, f->match, s, strlen(s), &vs);
        if (!vs.n)
            return NULL;
        s = got[0];
    }
    if (f->replace)
        s = replace(a, f, s);
    if (f->trim)
        s = trim(a, s);
    return *s ? s : NULL;
}

typedef struct fval {
    const char **v; /* post-processed values; one unless the field takes all */
    size_t n;
} fval;

static fval field_values(app *a, const rm_rule_field *f, where w)
{
    size_t max = f->all ? RM_RULES_MAX_VALUES : 1 + 8; /* a few spare: empty ones drop */
    values vs = {rm_arena_alloc(a->x->scratch, max * sizeof(char *)), 0, max, a};
    fval out = {vs.v, 0};

    select_values(a, &f->sel, w, &vs);
    for (size_t i = 0; i < vs.n; i++) {
        const char *s = post(a, f, vs.v[i]);
        if (s)
            out.v[out.n++] = s;
        if (!f->all && out.n)
            break;
    }
    if (f->join && out.n > 1) {
        rm_buf b;
        rm_buf_init(&b, RM_EXTRACT_MAX_PAGE);
        for (size_t i = 0; i < out.n; i++)
            (void)rm_buf_addf(&b, "%s%s", i ? f->join : "", out.v[i]);
        out.v[0] = rm_arena_strndup(a->x->scratch, b.ptr, b.len);
        out.n = 1;
        rm_buf_release(&b);
    }
    if (!out.n && f->dflt)
        out.v[out.n++] = f->dflt;
    return out;
}

/* --- values into records --- */

typedef struct filling {
    char *base;            /* the rm_product / rm_review / rm_profile being filled */
    rm_x_prof *prof;       /* for list fields */
    const char *cur_field; /* the record's currency field as selected: the price's hint */
    const char *price_cur; /* static code of the price: written in it, else the hint's */
} filling;

#define AT(fl, off, type) ((type *)(void *)((fl)->base + (off)))

/* CSS and XPath give text the HTML parser decoded already; regex and JSONPath values are
 * source text that may hold tags and entities. */
static unsigned markup(const rm_rule_field *f)
{
    return f->sel.kind == RM_SEL_REGEX || f->sel.kind == RM_SEL_JSONPATH ? RM_VALUES_HTML : 0;
}

static const char *ref_value(app *a, const rm_rule_field *f, const char *s)
{
    if (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || s[0] == '/' ||
        !strncmp(s, "./", 2) || !strncmp(s, "../", 3) || s[0] == '?')
        return rm_extract_resolve(a->x, s);
    return rm_extract_text(a->x, s, markup(f));
}

static void set_text(app *a, filling *fl, const rm_rule_field *f, const char *s)
{
    unsigned flags = markup(f) | (f->def->kind == RM_F_PARA ? RM_VALUES_BREAKS : 0);
    const char *v = f->norm == RM_NORM_RAW ? rm_arena_strdup(a->x->out->arena, s)
                    : f->def->kind == RM_F_HANDLE ? rm_extract_handle(a->x, s)
                    : f->def->kind == RM_F_GENDER ? rm_extract_gender(a->x, s)
                                                   : rm_extract_text(a->x, s, flags);
    *AT(fl, f->def->off, const char *) = v;
}

static void set_one(app *a, filling *fl, const rm_rule_field *f, const char *s)
{
    size_t off = f->def->off;
    double d;
    int64_t n;
    const char *cur;

    switch (f->def->kind) {
    case RM_F_TEXT:
    case RM_F_PARA:
    case RM_F_HANDLE:
    case RM_F_GENDER:
        set_text(a, fl, f, s);
        break;
    case RM_F_URL:
        *AT(fl, off, const char *) = rm_extract_resolve(a->x, s);
        break;
    case RM_F_REF:
        *AT(fl, off, const char *) = f->norm == RM_NORM_URL ? rm_extract_resolve(a->x, s)
                                                            : ref_value(a, f, s);
        break;
    case RM_F_PRICE:
        if (rm_values_price(s, fl->cur_field, &d, &cur)) {
            *AT(fl, off, double) = d;
            fl->price_cur = cur;
        }
        break;
    case RM_F_CURRENCY:
        if (rm_values_currency(s, &cur))
            *AT(fl, off, const char *) = cur;
        break;
    case RM_F_RATING:
        if (rm_values_rating(s, f->scale, f->worst, &d))
            *AT(fl, off, double) = d;
        break;
    case RM_F_DATE:
        *AT(fl, off, const char *) = rm_extract_date(a->x, s);
        break;
    case RM_F_INT:
        if (rm_values_int(s, &n))
            *AT(fl, off, int64_t) = n;
        break;
    case RM_F_YEAR:
        *AT(fl, off, int) = rm_extract_year(a->x, s);
        break;
    case RM_F_TEXTS:
    case RM_F_URLS:
        break;
    }
}

static void set_field(app *a, filling *fl, const rm_rule_field *f, const fval *fv)
{
    for (size_t i = 0; i < fv->n; i++) {
        if (f->def->kind == RM_F_TEXTS && fl->prof)
            rm_extract_profile_interest(a->x, fl->prof, rm_extract_text(a->x, fv->v[i], markup(f)));
        else if (f->def->kind == RM_F_URLS && fl->prof)
            rm_extract_profile_link(a->x, fl->prof, rm_extract_resolve(a->x, fv->v[i]));
        else if (i == 0)
            set_one(a, fl, f, fv->v[i]);
    }
}

/* Creates the record and returns where its fields go; NULL at the page's record cap. */
static bool start_record(app *a, const rm_rule_record *rec, bool single, filling *fl)
{
    rm_x_prod *xp;
    rm_x_rev *xr;
    rm_x_prof *pr;

    memset(fl, 0, sizeof(*fl));
    switch (rec->type) {
    case RM_REC_PRODUCT:
        if (!(xp = rm_extract_product(a->x, RM_X_RULES)))
            return false;
        xp->main = single;
        fl->base = (char *)&xp->p;
        if (single)
            a->product = (long)(a->x->n_prods - 1);
        return true;
    case RM_REC_REVIEW:
        xr = rm_extract_review(a->x, a->product >= 0 ? a->product : RM_X_PAGE_ITEM, RM_X_RULES);
        if (!xr)
            return false;
        fl->base = (char *)&xr->r;
        return true;
    case RM_REC_PROFILE:
        if (!(pr = rm_extract_profile(a->x, RM_X_RULES)))
            return false;
        fl->base = (char *)&pr->p;
        fl->prof = pr;
        return true;
    case RM_REC_LINK:
        break;
    }
    return false;
}

/* What the record needs after its fields: defaults, links to follow. */
static void end_record(app *a, const rm_rule_record *rec, bool single, filling *fl)
{
    rm_x_page *x = a->x;

    if (rec->type == RM_REC_PRODUCT) {
        rm_x_prod *xp = &x->prods[x->n_prods - 1];
        xp->url_given = xp->p.url != NULL;
        if (xp->url_given)
            rm_extract_link(x, xp->p.url, RM_REL_PRODUCT);
        else
            xp->p.url = x->url;
        if (!xp->p.currency)
            xp->p.currency = fl->price_cur;
    } else if (rec->type == RM_REC_REVIEW) {
        rm_x_rev *xr = &x->revs[x->n_revs - 1];
        if (xr->r.product)
            xr->prod = -1;
        if (xr->r.author_url)
            rm_extract_link(x, xr->r.author_url, RM_REL_PROFILE);
    } else if (rec->type == RM_REC_PROFILE && single && !fl->prof->p.url) {
        fl->prof->p.url = x->url;
    }
}

/* Fields that read the whole page (page: true) have the same values for every repeated
 * record: selecting them once keeps a page of N records linear, not N page scans. */
static const fval *page_values(app *a, const rm_rule_record *rec)
{
    fval *pv = rm_arena_calloc(a->x->scratch, rec->n_fields + 1, sizeof(*pv));

    for (size_t i = 0; i < rec->n_fields; i++)
        if (rec->fields[i].whole_page)
            pv[i] = field_values(a, &rec->fields[i], (where){NULL, NULL});
    return pv;
}

/* pv: page_values() of a repeated record, or NULL for the page's single record. */
static void one_record(app *a, const rm_rule_record *rec, where w, const fval *pv)
{
    fval *vals = rm_arena_alloc(a->x->scratch, (rec->n_fields + 1) * sizeof(*vals));
    bool single = pv == NULL;
    filling fl;

    for (size_t i = 0; i < rec->n_fields; i++) {
        const rm_rule_field *f = &rec->fields[i];
        vals[i] = f->whole_page && pv ? pv[i]
                  : field_values(a, f, f->whole_page ? (where){NULL, NULL} : w);
        if (!vals[i].n && f->required)
            return;
    }
    if (!start_record(a, rec, single, &fl))
        return;
    for (size_t i = 0; i < rec->n_fields; i++)
        if (rec->fields[i].def->kind == RM_F_CURRENCY && vals[i].n)
            fl.cur_field = vals[i].v[0];
    for (size_t i = 0; i < rec->n_fields; i++)
        set_field(a, &fl, &rec->fields[i], &vals[i]);
    end_record(a, rec, single, &fl);
}

typedef struct items {
    json_t **v;
    size_t n, max;
} items;

static bool json_each(json_t *v, void *ctx)
{
    items *it = ctx;
    if (it->n < it->max)
        it->v[it->n++] = v;
    return it->n < it->max;
}

static void run_record(app *a, const rm_rule_record *rec)
{
    if (rec->each.kind == RM_SEL_NONE) {
        one_record(a, rec, (where){NULL, NULL}, NULL);
    } else if (rec->each.kind == RM_SEL_JSONPATH && a->json) {
        items it = {rm_arena_alloc(a->x->scratch, RM_RULES_MAX_EACH * sizeof(json_t *)), 0,
                    RM_RULES_MAX_EACH};
        const fval *pv;
        if (rm_jsonpath_eval(rec->each.j, a->json, json_each, &it) != RM_OK)
            it.n = 0; /* as for field values: nothing rather than part */
        pv = page_values(a, rec);
        for (size_t i = 0; i < it.n; i++)
            one_record(a, rec, (where){NULL, it.v[i]}, pv);
    } else if (a->have_q && rec->each.x) {
        const rm_xnode **nodes =
            rm_arena_alloc(a->x->scratch, RM_RULES_MAX_EACH * sizeof(*nodes));
        size_t n = rm_xsel_nodes(rec->each.x, &a->q, NULL, nodes, RM_RULES_MAX_EACH);
        const fval *pv = page_values(a, rec);
        for (size_t i = 0; i < n; i++)
            one_record(a, rec, (where){nodes[i], NULL}, pv);
    }
}

static void run_links(app *a)
{
    for (size_t i = 0; i < a->pt->n_links; i++) {
        const rm_rule_field *f = &a->pt->links[i];
        fval fv = field_values(a, f, (where){NULL, NULL});
        for (size_t j = 0; j < fv.n; j++)
            rm_extract_link_chosen(a->x, rm_extract_resolve(a->x, fv.v[j]), f->rel);
    }
}

/* Single products first: reviews of the page point at the page's product. */
static void run(app *a)
{
    if (a->r->platform)
        a->x->platform = rm_arena_strdup(a->x->out->arena, a->r->platform);
    for (size_t i = 0; i < a->pt->n_records; i++)
        if (a->pt->records[i].type == RM_REC_PRODUCT && a->pt->records[i].each.kind == RM_SEL_NONE)
            run_record(a, &a->pt->records[i]);
    for (size_t i = 0; i < a->pt->n_records; i++)
        if (!(a->pt->records[i].type == RM_REC_PRODUCT &&
              a->pt->records[i].each.kind == RM_SEL_NONE))
            run_record(a, &a->pt->records[i]);
    run_links(a);
}

/* Queries run on the Gumbo tree itself when every selector of the page type can; the libxml2
 * copy is built only for the others (and for pages nested past its depth cap). */
static bool start_query(app *a, const GumboOutput *doc, xmlDocPtr *copy)
{
    *copy = NULL;
    if (!a->pt->needs_doc)
        return false;
    if (!a->pt->needs_copy) {
        if (rm_xquery_init_gumbo(&a->q, doc->document, a->x->scratch) == 0)
            return true;
        rm_xquery_release(&a->q);
    }
    if (!(*copy = rm_xdoc_new(doc->document)))
        return false;
    if (rm_xquery_init(&a->q, *copy, a->x->scratch) == 0)
        return true;
    rm_xquery_release(&a->q);
    return false;
}

void rm_rules_apply_html(rm_x_page *x, const rm_rule_page *pt, const GumboOutput *doc,
                         const char *html, size_t len)
{
    app a = {.x = x, .pt = pt, .r = pt->owner, .src = html, .src_len = len, .product = -1};
    xmlDocPtr copy;

    a.have_q = start_query(&a, doc, &copy);
    run(&a);
    if (a.have_q)
        rm_xquery_release(&a.q);
    if (copy)
        xmlFreeDoc(copy);
}

void rm_rules_apply_json(rm_x_page *x, const rm_rule_page *pt, json_t *doc, const char *text,
                         size_t len)
{
    app a = {.x = x, .pt = pt, .r = pt->owner, .json = doc, .src = text, .src_len = len,
             .product = -1};
    run(&a);
}
