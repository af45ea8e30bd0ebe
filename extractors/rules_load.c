/* Rule files: YAML (libyaml's document API, which keeps line numbers) to compiled rules.
 * Every selector and regex is compiled here, so a bad one is a load error with file, line
 * and field, never a crawl-time surprise. Loading goes on after an error to report them all. */
#include "core/rm.h"

#include <math.h>
#include <stddef.h>
#include <yaml.h>

#include "extractors/rules_int.h"

#define P(rec, name, kind, type, field, doc) {rec, name, kind, offsetof(type, field), doc}
static const rm_field_def field_defs[] = {
    P(RM_REC_PRODUCT, "url", RM_F_URL, rm_product, url, "the item's URL (default: the page)"),
    P(RM_REC_PRODUCT, "schema_type", RM_F_TEXT, rm_product, schema_type, "kind of item"),
    P(RM_REC_PRODUCT, "name", RM_F_TEXT, rm_product, name, "name"),
    P(RM_REC_PRODUCT, "sku", RM_F_TEXT, rm_product, sku, "the site's item code"),
    P(RM_REC_PRODUCT, "brand", RM_F_TEXT, rm_product, brand, "brand or maker"),
    P(RM_REC_PRODUCT, "category", RM_F_TEXT, rm_product, category, "category"),
    P(RM_REC_PRODUCT, "price", RM_F_PRICE, rm_product, price, "price; a currency in it counts"),
    P(RM_REC_PRODUCT, "currency", RM_F_CURRENCY, rm_product, currency, "code, sign or word"),
    P(RM_REC_PRODUCT, "rating", RM_F_RATING, rm_product, rating, "average rating (scale:)"),
    P(RM_REC_PRODUCT, "rating_count", RM_F_INT, rm_product, rating_count, "number of ratings"),
    P(RM_REC_PRODUCT, "review_count", RM_F_INT, rm_product, review_count, "number of reviews"),
    P(RM_REC_REVIEW, "product", RM_F_REF, rm_review, product,
      "the item's URL or SKU (default: the page's item)"),
    P(RM_REC_REVIEW, "id", RM_F_TEXT, rm_review, id, "the site's review id"),
    P(RM_REC_REVIEW, "author", RM_F_TEXT, rm_review, author, "author's name"),
    P(RM_REC_REVIEW, "author_url", RM_F_URL, rm_review, author_url, "author's profile URL"),
    P(RM_REC_REVIEW, "rating", RM_F_RATING, rm_review, rating, "the review's rating (scale:)"),
    P(RM_REC_REVIEW, "date", RM_F_DATE, rm_review, date, "date written"),
    P(RM_REC_REVIEW, "title", RM_F_TEXT, rm_review, title, "title"),
    P(RM_REC_REVIEW, "body", RM_F_PARA, rm_review, body, "text, line breaks kept"),
    P(RM_REC_PROFILE, "url", RM_F_URL, rm_profile, url, "profile URL (default: the page)"),
    P(RM_REC_PROFILE, "platform", RM_F_TEXT, rm_profile, platform, "site name"),
    P(RM_REC_PROFILE, "handle", RM_F_HANDLE, rm_profile, handle, "user name, '@' dropped"),
    P(RM_REC_PROFILE, "name", RM_F_TEXT, rm_profile, name, "display name"),
    P(RM_REC_PROFILE, "city", RM_F_TEXT, rm_profile, city, "city"),
    P(RM_REC_PROFILE, "country", RM_F_TEXT, rm_profile, country, "country"),
    P(RM_REC_PROFILE, "gender", RM_F_GENDER, rm_profile, gender, "female, male, the site's word"),
    P(RM_REC_PROFILE, "birth_year", RM_F_YEAR, rm_profile, birth_year, "year, or a birth date"),
    P(RM_REC_PROFILE, "bio", RM_F_PARA, rm_profile, bio, "about text, line breaks kept"),
    P(RM_REC_PROFILE, "interests", RM_F_TEXTS, rm_profile, interests, "list: every match"),
    P(RM_REC_PROFILE, "followers", RM_F_INT, rm_profile, followers, "followers count"),
    P(RM_REC_PROFILE, "following", RM_F_INT, rm_profile, following, "following count"),
    P(RM_REC_PROFILE, "joined", RM_F_DATE, rm_profile, joined, "date joined"),
    P(RM_REC_PROFILE, "links", RM_F_URLS, rm_profile, links, "list: other profiles"),
};
#undef P

/* Keys of a field mapping (and of a link rule, with rel). */
static const char *const field_keys[] = {
    "css", "xpath", "jsonpath", "regex", "value", "all", "join", "match", "replace",
    "trim", "norm", "scale", "worst", "default", "required", "page", "rel"};

static const char *const norm_names[] = {
    [RM_NORM_DEFAULT] = "default", [RM_NORM_RAW] = "raw", [RM_NORM_TEXT] = "text",
    [RM_NORM_PRICE] = "price", [RM_NORM_CURRENCY] = "currency", [RM_NORM_RATING] = "rating",
    [RM_NORM_DATE] = "date", [RM_NORM_INT] = "int", [RM_NORM_URL] = "url"};

typedef struct loader {
    const char *file;
    yaml_document_t doc;
    rm_diag *diag;
    int errors;
    rm_rules *r;
} loader;

typedef struct path {
    char s[256];
} path;

static path sub(const path *p, const char *fmt, ...) RM_PRINTF(2, 3);
static path sub(const path *p, const char *fmt, ...)
{
    path out;
    va_list ap;
    int n = snprintf(out.s, sizeof(out.s), "%s%s", p->s, p->s[0] ? "." : "");
    va_start(ap, fmt);
    vsnprintf(out.s + n, sizeof(out.s) - (size_t)n, fmt, ap);
    va_end(ap);
    return out;
}

/* "links[2]": list items read as indices, not as keys. */
static path item(const path *p, size_t i)
{
    path out = *p;
    char idx[32];
    size_t n = strlen(out.s), k;

    snprintf(idx, sizeof(idx), "[%zu]", i);
    k = strlen(idx);
    if (n + k < sizeof(out.s))
        memcpy(out.s + n, idx, k + 1);
    return out;
}

static void problem(loader *L, const yaml_node_t *n, const path *at, const char *fmt, ...)
    RM_PRINTF(4, 5);
static void problem(loader *L, const yaml_node_t *n, const path *at, const char *fmt, ...)
{
    rm_buf msg;
    va_list ap;

    rm_buf_init(&msg, 1024);
    va_start(ap, fmt);
    (void)rm_buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    rm_diag_add(L->diag, L->file, n ? (int)n->start_mark.line + 1 : 0, at->s, "%s", msg.ptr);
    rm_buf_release(&msg);
    L->errors++;
}

static yaml_node_t *node_at(loader *L, int id)
{
    return yaml_document_get_node(&L->doc, id);
}

static const char *scalar(loader *L, yaml_node_t *n, const path *at)
{
    if (n && n->type == YAML_SCALAR_NODE)
        return (const char *)n->data.scalar.value;
    problem(L, n, at, "expected a single value");
    return NULL;
}

static bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool boolean(loader *L, yaml_node_t *n, const path *at, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    const char *v = scalar(L, n, at);

    for (size_t i = 0; v && is_plain(n) && i < RM_ARRAY_LEN(yes); i++) {
        if (!strcasecmp(v, yes[i]))
            return *out = true, true;
        if (!strcasecmp(v, no[i]))
            return *out = false, true;
    }
    if (v)
        problem(L, n, at, "expected true or false, got '%s'", v);
    return false;
}

static bool number(loader *L, yaml_node_t *n, const path *at, double *out)
{
    const char *v = scalar(L, n, at);
    char *end;

    if (!v)
        return false;
    *out = strtod(v, &end);
    if (end == v || *end || !isfinite(*out)) {
        problem(L, n, at, "expected a number, got '%s'", v);
        return false;
    }
    return true;
}

static bool mapping(loader *L, yaml_node_t *n, const path *at)
{
    if (n && n->type == YAML_MAPPING_NODE)
        return true;
    problem(L, n, at, "expected a mapping of keys to values");
    return false;
}

static const char *key_name(loader *L, yaml_node_pair_t *p)
{
    yaml_node_t *k = node_at(L, p->key);
    return k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
}

/* Each key of n once; with keys, only those (the others are reported with the list). */
static void check_keys(loader *L, yaml_node_t *n, const path *at, const char *const *keys,
                       size_t nkeys)
{
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *name = key_name(L, p);
        bool known = !keys;
        path kp;
        if (!name) {
            problem(L, node_at(L, p->key), at, "keys must be plain names");
            continue;
        }
        kp = sub(at, "%s", name);
        for (size_t i = 0; i < nkeys && !known; i++)
            known = !strcmp(name, keys[i]);
        if (!known) {
            rm_buf list;
            rm_buf_init(&list, 1024);
            for (size_t i = 0; i < nkeys; i++)
                (void)rm_buf_addf(&list, "%s%s", i ? ", " : "", keys[i]);
            problem(L, node_at(L, p->key), &kp, "unknown key (expected one of: %s)", list.ptr);
            rm_buf_release(&list);
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
            if (key_name(L, q) && !strcmp(key_name(L, q), name))
                problem(L, node_at(L, p->key), &kp, "key given twice");
    }
}

static yaml_node_t *get(loader *L, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(L, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return node_at(L, p->value);
    }
    return NULL;
}

/* --- compiling --- */

static pcre2_code *regex(loader *L, yaml_node_t *n, const path *at)
{
    const char *v = scalar(L, n, at);
    PCRE2_UCHAR msg[256];
    PCRE2_SIZE off;
    int code;
    pcre2_code *re;

    if (!v)
        return NULL;
    /* UCP: \w and \d know Cyrillic; MATCH_INVALID_UTF: a bad byte in a page is no error. */
    re = pcre2_compile((PCRE2_SPTR)v, PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    if (!re) {
        pcre2_get_error_message(code, msg, sizeof(msg));
        problem(L, n, at, "bad regex at offset %zu: %s", (size_t)off, (const char *)msg);
        return NULL;
    }
    /* No JIT: rule regexes are short and run a few times per page, and JIT code is opaque to
     * valgrind (false "uninitialised" reports) and needs a JIT stack per worker. */
    return re;
}

static void sel_release(rm_rule_sel *s)
{
    rm_xsel_free(s->x);
    rm_jsonpath_free(s->j);
    pcre2_code_free(s->re);
    free(s->value);
    memset(s, 0, sizeof(*s));
}

static void compile_sel(loader *L, yaml_node_t *n, rm_sel_kind kind, const path *at,
                        rm_rule_sel *s)
{
    const char *v = scalar(L, n, at);
    char err[256];
    rm_jsonpath_err jerr;

    if (!v)
        return;
    s->kind = kind;
    switch (kind) {
    case RM_SEL_CSS:
    case RM_SEL_XPATH:
        if (rm_xsel_compile(v, kind == RM_SEL_CSS, &s->x, err, sizeof(err)) != RM_OK)
            problem(L, n, at, "bad %s selector: %s", kind == RM_SEL_CSS ? "CSS" : "XPath", err);
        break;
    case RM_SEL_JSONPATH:
        if (rm_jsonpath_compile(v, &s->j, &jerr) != RM_OK)
            problem(L, n, at, "bad JSONPath: %s", jerr.msg);
        break;
    case RM_SEL_REGEX:
        s->re = regex(L, n, at);
        break;
    case RM_SEL_VALUE:
        s->value = rm_xstrdup(v);
        break;
    case RM_SEL_NONE:
        break;
    }
}

/* A selector written as a bare string: "$..." is JSONPath, "/..." "./..." "(..." XPath,
 * anything else CSS. */
static rm_sel_kind shorthand_kind(const char *v)
{
    if (v[0] == '$')
        return RM_SEL_JSONPATH;
    if (v[0] == '/' || v[0] == '(' || (v[0] == '.' && v[1] == '/'))
        return RM_SEL_XPATH;
    return RM_SEL_CSS;
}

static const char *const sel_keys[] = {"css", "xpath", "jsonpath", "regex", "value"};

/* The one selector key of a mapping (or a bare string); reports none or several. */
static void selector(loader *L, yaml_node_t *n, const path *at, rm_rule_sel *s, bool allow_value)
{
    yaml_node_t *found = NULL;
    size_t which = 0;

    if (n->type == YAML_SCALAR_NODE) {
        compile_sel(L, n, shorthand_kind((const char *)n->data.scalar.value), at, s);
        return;
    }
    for (size_t i = 0; i < RM_ARRAY_LEN(sel_keys) - !allow_value; i++) {
        yaml_node_t *v = get(L, n, sel_keys[i]);
        if (v && found) {
            problem(L, v, at, "give one selector, not both %s and %s", sel_keys[which],
                    sel_keys[i]);
            return;
        }
        if (v)
            found = v, which = i;
    }
    if (!found) {
        problem(L, n, at, "needs a selector (css, xpath, jsonpath, regex%s)",
                allow_value ? " or value" : "");
        return;
    }
    {
        path sp = sub(at, "%s", sel_keys[which]);
        compile_sel(L, found, (rm_sel_kind)(RM_SEL_CSS + which), &sp, s);
    }
}

static bool norm_fits(rm_norm norm, rm_fkind kind)
{
    switch (norm) {
    case RM_NORM_DEFAULT: return true;
    case RM_NORM_RAW: case RM_NORM_TEXT:
        return kind == RM_F_TEXT || kind == RM_F_PARA || kind == RM_F_HANDLE ||
               kind == RM_F_GENDER || kind == RM_F_REF || kind == RM_F_TEXTS;
    case RM_NORM_URL: return kind == RM_F_URL || kind == RM_F_REF || kind == RM_F_URLS;
    case RM_NORM_PRICE: return kind == RM_F_PRICE;
    case RM_NORM_CURRENCY: return kind == RM_F_CURRENCY;
    case RM_NORM_RATING: return kind == RM_F_RATING;
    case RM_NORM_DATE: return kind == RM_F_DATE || kind == RM_F_YEAR;
    case RM_NORM_INT: return kind == RM_F_INT || kind == RM_F_YEAR;
    }
    return false;
}

static void field_norm(loader *L, yaml_node_t *n, const path *at, rm_rule_field *f)
{
    const char *v = scalar(L, n, at);

    if (!v)
        return;
    for (size_t i = 1; i < RM_ARRAY_LEN(norm_names); i++)
        if (!strcmp(v, norm_names[i]))
            f->norm = (rm_norm)i;
    if (!f->norm)
        problem(L, n, at, "unknown normaliser '%s' (raw, text, price, currency, rating, date, "
                          "int, url)", v);
    else if (f->def && !norm_fits(f->norm, f->def->kind))
        problem(L, n, at, "normaliser %s does not fit field %s", v, f->def->name);
}

static void field_replace(loader *L, yaml_node_t *n, const path *at, rm_rule_field *f)
{
    yaml_node_item_t *it;

    if (n->type != YAML_SEQUENCE_NODE ||
        n->data.sequence.items.top - n->data.sequence.items.start != 2) {
        problem(L, n, at, "expected [pattern, replacement]");
        return;
    }
    it = n->data.sequence.items.start;
    f->replace = regex(L, node_at(L, it[0]), at);
    if (scalar(L, node_at(L, it[1]), at))
        f->replace_with = rm_xstrdup((const char *)node_at(L, it[1])->data.scalar.value);
}

static void field_rel(loader *L, yaml_node_t *n, const path *at, rm_rule_field *f)
{
    static const char *const rels[] = {"other", "next", "product", "review", "profile"};
    const char *v = scalar(L, n, at);

    for (size_t i = 0; v && i < RM_ARRAY_LEN(rels); i++)
        if (!strcmp(v, rels[i])) {
            f->rel = rm_link_rel_parse(v);
            return;
        }
    if (v)
        problem(L, n, at, "unknown rel '%s' (next, product, review, profile, other)", v);
}

static void field_options(loader *L, yaml_node_t *n, const path *at, rm_rule_field *f)
{
    yaml_node_t *v;
    path op;

#define OPT(key) ((v = get(L, n, key)) != NULL && (op = sub(at, "%s", key), true))
    if (OPT("all"))
        (void)boolean(L, v, &op, &f->all);
    if (OPT("join") && scalar(L, v, &op))
        f->join = rm_xstrdup((const char *)v->data.scalar.value), f->all = true;
    if (OPT("match"))
        f->match = regex(L, v, &op);
    if (OPT("replace"))
        field_replace(L, v, &op, f);
    if (OPT("trim"))
        (void)boolean(L, v, &op, &f->trim);
    if (OPT("norm"))
        field_norm(L, v, &op, f);
    if (OPT("scale") && number(L, v, &op, &f->scale) && f->scale <= 0)
        problem(L, v, &op, "scale must be above 0");
    if (OPT("worst"))
        (void)number(L, v, &op, &f->worst);
    if (OPT("default") && scalar(L, v, &op))
        f->dflt = rm_xstrdup((const char *)v->data.scalar.value);
    if (OPT("required"))
        (void)boolean(L, v, &op, &f->required);
    if (OPT("page"))
        (void)boolean(L, v, &op, &f->whole_page);
    if (OPT("rel")) {
        if (f->def)
            problem(L, v, &op, "rel belongs to link rules");
        else
            field_rel(L, v, &op, f);
    }
#undef OPT
}

static void field_init(rm_rule_field *f, const rm_field_def *def)
{
    memset(f, 0, sizeof(*f));
    f->def = def;
    f->trim = true;
    f->scale = f->worst = NAN;
    f->all = def && (def->kind == RM_F_TEXTS || def->kind == RM_F_URLS);
}

static void compile_field(loader *L, yaml_node_t *n, const path *at, rm_rule_field *f)
{
    if (n->type == YAML_MAPPING_NODE) {
        check_keys(L, n, at, field_keys, RM_ARRAY_LEN(field_keys));
        selector(L, n, at, &f->sel, true);
        field_options(L, n, at, f);
    } else if (n->type == YAML_SCALAR_NODE) {
        selector(L, n, at, &f->sel, false);
    } else {
        problem(L, n, at, "expected a selector or a mapping");
    }
}

static const rm_field_def *find_def(rm_rec_type rec, const char *name)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(field_defs); i++)
        if (field_defs[i].rec == rec && !strcmp(field_defs[i].name, name))
            return &field_defs[i];
    return NULL;
}

static void unknown_field(loader *L, yaml_node_t *k, const path *at, rm_rec_type rec,
                          const char *name)
{
    rm_buf list;

    rm_buf_init(&list, 2048);
    for (size_t i = 0; i < RM_ARRAY_LEN(field_defs); i++)
        if (field_defs[i].rec == rec)
            (void)rm_buf_addf(&list, "%s%s", list.len ? ", " : "", field_defs[i].name);
    problem(L, k, at, "unknown %s field '%s' (fields: %s)", rm_rec_type_str(rec), name, list.ptr);
    rm_buf_release(&list);
}

static bool xml_selector(const rm_rule_sel *sel)
{
    return sel->kind == RM_SEL_CSS || sel->kind == RM_SEL_XPATH;
}

/* What the page type's queries need (needs_doc, needs_copy). in_element: sel runs inside each
 * element a CSS or XPath "each" selects. */
static void note_selector(rm_rule_page *pt, const rm_rule_sel *sel, bool in_element)
{
    pt->needs_doc |= xml_selector(sel);
    pt->needs_copy |= (xml_selector(sel) && sel->x && !rm_xsel_native(sel->x)) ||
                      (sel->kind == RM_SEL_REGEX && in_element);
}

static void compile_fields(loader *L, yaml_node_t *n, const path *at, rm_rule_record *rec,
                           rm_rule_page *pt)
{
    size_t count;

    if (!mapping(L, n, at))
        return;
    count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (count > RM_RULES_MAX_FIELDS) {
        problem(L, n, at, "more than %d fields", RM_RULES_MAX_FIELDS);
        return;
    }
    check_keys(L, n, at, NULL, 0); /* duplicates; names are checked below */
    rec->fields = rm_xcalloc(count ? count : 1, sizeof(*rec->fields));
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key);
        const char *name = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
                                                             : "";
        const rm_field_def *def = find_def(rec->type, name);
        path fp = sub(at, "%s", name);
        rm_rule_field *f;
        if (!def) {
            unknown_field(L, k, &fp, rec->type, name);
            continue;
        }
        f = &rec->fields[rec->n_fields++];
        field_init(f, def);
        compile_field(L, node_at(L, p->value), &fp, f);
        note_selector(pt, &f->sel, xml_selector(&rec->each) && !f->whole_page);
    }
}

static const char *const record_keys[] = {"product", "products", "review", "reviews",
                                          "profile", "profiles"};
static const char *const each_keys[] = {"each", "fields"};

static void compile_record(loader *L, yaml_node_t *n, const path *at, rm_rule_page *pt,
                           const char *key)
{
    rm_rule_record *rec = &pt->records[pt->n_records++];
    size_t len = strlen(key);
    bool many = key[len - 1] == 's';

    rec->type = key[1] == 'e' ? RM_REC_REVIEW : !strncmp(key, "prod", 4) ? RM_REC_PRODUCT
                                                                        : RM_REC_PROFILE;
    if (!many) {
        compile_fields(L, n, at, rec, pt);
        return;
    }
    if (!mapping(L, n, at))
        return;
    check_keys(L, n, at, each_keys, RM_ARRAY_LEN(each_keys));
    if (!get(L, n, "each") || !get(L, n, "fields")) {
        problem(L, n, at, "repeated records need 'each' (one record per match) and 'fields'");
        return;
    }
    {
        path ep = sub(at, "each");
        path fp = sub(at, "fields");
        selector(L, get(L, n, "each"), &ep, &rec->each, false);
        if (rec->each.kind == RM_SEL_REGEX)
            problem(L, get(L, n, "each"), &ep, "each needs css, xpath or jsonpath");
        note_selector(pt, &rec->each, false);
        compile_fields(L, get(L, n, "fields"), &fp, rec, pt);
    }
}

static void compile_links(loader *L, yaml_node_t *n, const path *at, rm_rule_page *pt)
{
    yaml_node_item_t *it;
    size_t count;

    if (n->type != YAML_SEQUENCE_NODE) {
        problem(L, n, at, "expected a list of link rules");
        return;
    }
    count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count > RM_RULES_MAX_LINKS) {
        problem(L, n, at, "more than %d link rules", RM_RULES_MAX_LINKS);
        return;
    }
    pt->links = rm_xcalloc(count ? count : 1, sizeof(*pt->links));
    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        path lp = item(at, (size_t)(it - n->data.sequence.items.start));
        rm_rule_field *f = &pt->links[pt->n_links++];
        field_init(f, NULL);
        f->all = true;
        compile_field(L, node_at(L, *it), &lp, f);
        note_selector(pt, &f->sel, false);
    }
}

static const char *const page_keys[] = {"type", "url", "structured", "links", "product",
                                        "products", "review", "reviews", "profile", "profiles"};

static void compile_page(loader *L, yaml_node_t *n, const path *at, rm_rule_page *pt)
{
    yaml_node_t *v;
    path p;

    pt->owner = L->r;
    pt->structured = true;
    if (!mapping(L, n, at))
        return;
    check_keys(L, n, at, page_keys, RM_ARRAY_LEN(page_keys));
    v = get(L, n, "type");
    p = sub(at, "type");
    if (!v)
        problem(L, n, at, "a page needs a type (its name)");
    else if (scalar(L, v, &p))
        pt->name = rm_xstrdup((const char *)v->data.scalar.value);
    p = sub(at, "url");
    if (!(v = get(L, n, "url")))
        problem(L, n, at, "a page needs url (a regex its URLs match)");
    else
        pt->url = regex(L, v, &p);
    if ((v = get(L, n, "structured")) != NULL) {
        p = sub(at, "structured");
        (void)boolean(L, v, &p, &pt->structured);
    }
    pt->records = rm_xcalloc(RM_ARRAY_LEN(record_keys), sizeof(*pt->records));
    for (size_t i = 0; i < RM_ARRAY_LEN(record_keys); i++) {
        if ((v = get(L, n, record_keys[i])) != NULL) {
            p = sub(at, "%s", record_keys[i]);
            compile_record(L, v, &p, pt, record_keys[i]);
        }
    }
    if ((v = get(L, n, "links")) != NULL) {
        p = sub(at, "links");
        compile_links(L, v, &p, pt);
    }
}

static void compile_pages(loader *L, yaml_node_t *n, const path *at)
{
    rm_rules *r = L->r;
    size_t count;

    if (n->type != YAML_SEQUENCE_NODE) {
        problem(L, n, at, "expected a list of page types");
        return;
    }
    count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (!count || count > RM_RULES_MAX_PAGES) {
        problem(L, n, at, "expected 1 to %d page types", RM_RULES_MAX_PAGES);
        return;
    }
    r->pages = rm_xcalloc(count, sizeof(*r->pages));
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *pn = node_at(L, n->data.sequence.items.start[i]);
        yaml_node_t *tn = pn && pn->type == YAML_MAPPING_NODE ? get(L, pn, "type") : NULL;
        path pp = tn && tn->type == YAML_SCALAR_NODE
                      ? sub(at, "%s", (const char *)tn->data.scalar.value)
                      : item(at, i);
        compile_page(L, pn, &pp, &r->pages[r->n_pages++]);
    }
}

static const char *const top_keys[] = {"site", "match", "lang", "platform", "pages"};

static void compile_top(loader *L, yaml_node_t *root)
{
    path top = {""}, p;
    yaml_node_t *v;
    rm_rules *r = L->r;

    if (!mapping(L, root, &top))
        return;
    check_keys(L, root, &top, top_keys, RM_ARRAY_LEN(top_keys));
    p = sub(&top, "site");
    if (!(v = get(L, root, "site")))
        problem(L, root, &p, "missing: the site's name");
    else if (scalar(L, v, &p))
        r->site = rm_xstrdup((const char *)v->data.scalar.value);
    p = sub(&top, "match");
    if (!(v = get(L, root, "match")))
        problem(L, root, &p, "missing: a regex the site's URLs match");
    else
        r->match = regex(L, v, &p);
    p = sub(&top, "lang");
    if ((v = get(L, root, "lang")) != NULL && scalar(L, v, &p))
        r->lang = rm_xstrdup((const char *)v->data.scalar.value);
    p = sub(&top, "platform");
    if ((v = get(L, root, "platform")) != NULL && scalar(L, v, &p))
        r->platform = rm_xstrdup((const char *)v->data.scalar.value);
    p = sub(&top, "pages");
    if (!(v = get(L, root, "pages")))
        problem(L, root, &p, "missing: the list of page types");
    else
        compile_pages(L, v, &p);
}

static void free_field(rm_rule_field *f)
{
    sel_release(&f->sel);
    free(f->join);
    pcre2_code_free(f->match);
    pcre2_code_free(f->replace);
    free(f->replace_with);
    free(f->dflt);
}

static void free_page(rm_rule_page *pt)
{
    free(pt->name);
    pcre2_code_free(pt->url);
    for (size_t i = 0; i < pt->n_records; i++) {
        sel_release(&pt->records[i].each);
        for (size_t j = 0; j < pt->records[i].n_fields; j++)
            free_field(&pt->records[i].fields[j]);
        free(pt->records[i].fields);
    }
    free(pt->records);
    for (size_t i = 0; i < pt->n_links; i++)
        free_field(&pt->links[i]);
    free(pt->links);
}

void rm_rules_free(rm_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_pages; i++)
        free_page(&r->pages[i]);
    free(r->pages);
    free(r->file);
    free(r->site);
    free(r->lang);
    free(r->platform);
    pcre2_code_free(r->match);
    pcre2_match_context_free(r->mctx);
    free(r);
}

static bool parse_yaml(loader *L, const char *text, size_t len)
{
    yaml_parser_t parser;
    bool ok;

    if (!yaml_parser_initialize(&parser))
        return false;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    ok = yaml_parser_load(&parser, &L->doc) != 0;
    if (!ok) {
        rm_diag_add(L->diag, L->file, (int)parser.problem_mark.line + 1, NULL, "YAML: %s%s%s",
                    parser.problem ? parser.problem : "cannot parse",
                    parser.context ? " " : "", parser.context ? parser.context : "");
        L->errors++;
    }
    yaml_parser_delete(&parser);
    return ok;
}

rm_err rm_rules_load(const char *name, const char *text, size_t len, rm_diag *diag,
                     rm_rules **out)
{
    loader L = {.file = name, .diag = diag};
    yaml_node_t *root;
    rm_rules *r = rm_xcalloc(1, sizeof(*r));

    r->file = rm_xstrdup(name);
    r->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(r->mctx, RM_RULES_MATCH_LIMIT);
    pcre2_set_depth_limit(r->mctx, RM_RULES_MATCH_LIMIT / 10);
    L.r = r;
    if (parse_yaml(&L, text, len)) {
        root = yaml_document_get_root_node(&L.doc);
        if (!root)
            rm_diag_add(diag, name, 0, NULL, "empty rule file"), L.errors++;
        else
            compile_top(&L, root);
        yaml_document_delete(&L.doc);
    }
    if (L.errors) {
        rm_rules_free(r);
        return RM_ECONFIG;
    }
    *out = r;
    return RM_OK;
}
