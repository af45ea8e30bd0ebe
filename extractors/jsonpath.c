/* JSONPath subset: a recursive-descent compiler into segments, and a walker over jansson. */
#include "core/rm.h"
#include "extractors/jsonpath.h"

/* RFC 9535 §2.1: indexes stay within I-JSON's exact integer range. */
#define MAX_INDEX 9007199254740991LL
/* No real path has more steps; the cap bounds evaluation recursion. */
#define MAX_SEGMENTS 256

typedef enum sel_kind {
    SEL_NAME,
    SEL_INDEX,
    SEL_WILD
} sel_kind;

typedef struct selector {
    sel_kind kind;
    char *name;      /* SEL_NAME; owned; may hold NUL bytes (\u0000) */
    size_t name_len;
    int64_t index;   /* SEL_INDEX; negative counts from the end */
} selector;

typedef struct segment {
    bool descendant; /* ".." : the selectors apply to the node and all its descendants */
    selector *sel;   /* owned */
    size_t nsel, cap;
} segment;

struct rm_jsonpath {
    segment *seg; /* owned */
    size_t nseg, cap;
};

/* ---- compiler ---- */

typedef struct parser {
    const char *s;
    size_t len, i;
    rm_jsonpath *jp;
    rm_jsonpath_err *err;
} parser;

static rm_err fail(parser *p, size_t pos, const char *what)
{
    if (p->err) {
        p->err->pos = pos;
        snprintf(p->err->msg, sizeof(p->err->msg), "position %zu: %s", pos, what);
    }
    return RM_EPARSE;
}

static bool name_char(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           u == '_' || u == '@' || u == '$' || u == '-' || u == ':' || u >= 0x80;
}

static selector *add_selector(segment *sg, sel_kind kind)
{
    selector *sel;
    RM_GROW(sg->sel, sg->cap, sg->nsel + 1);
    sel = &sg->sel[sg->nsel++];
    memset(sel, 0, sizeof(*sel));
    sel->kind = kind;
    return sel;
}

static rm_err add_segment(parser *p, bool descendant, segment **out)
{
    rm_jsonpath *jp = p->jp;
    if (jp->nseg == MAX_SEGMENTS)
        return fail(p, p->i, "too many steps (at most 256)");
    RM_GROW(jp->seg, jp->cap, jp->nseg + 1);
    *out = &jp->seg[jp->nseg++];
    memset(*out, 0, sizeof(**out));
    (*out)->descendant = descendant;
    return RM_OK;
}

static void parse_bare_name(parser *p, segment *sg)
{
    size_t start = p->i;
    selector *sel = add_selector(sg, SEL_NAME);
    while (p->i < p->len && name_char(p->s[p->i]))
        p->i++;
    sel->name_len = p->i - start;
    sel->name = rm_xstrndup(p->s + start, sel->name_len);
}

static int hex4(const char *s, size_t len, size_t i)
{
    int v = 0;
    if (len < 4 || i > len - 4)
        return -1;
    for (size_t k = i; k < i + 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9' ? c - '0'
              : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(rm_buf *b, uint32_t cp)
{
    char enc[4];
    size_t n;
    if (cp < 0x80) {
        enc[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xC0 | (cp >> 6)), enc[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xE0 | (cp >> 12)), enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        enc[0] = (char)(0xF0 | (cp >> 18)), enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), enc[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    (void)rm_buf_add(b, enc, n);
}

/* "\uXXXX" at p->i (after the backslash and 'u'), with a following low surrogate when the
 * first is high (RFC 8259 §7). */
static rm_err parse_u_escape(parser *p, rm_buf *b)
{
    size_t at = p->i - 2;
    int hi = hex4(p->s, p->len, p->i), lo;

    if (hi < 0)
        return fail(p, at, "expected four hex digits after \\u");
    p->i += 4;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return fail(p, at, "unpaired surrogate in \\u escape");
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        if (p->i + 1 >= p->len || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u' ||
            (lo = hex4(p->s, p->len, p->i + 2)) < 0xDC00 || lo > 0xDFFF)
            return fail(p, at, "unpaired surrogate in \\u escape");
        p->i += 6;
        put_utf8(b, 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00));
        return RM_OK;
    }
    put_utf8(b, (uint32_t)hi);
    return RM_OK;
}

static rm_err parse_escape(parser *p, rm_buf *b)
{
    static const char from[] = "\\'\"/bfnrt", to[] = "\\'\"/\b\f\n\r\t";
    const char *k;
    char c;

    if (p->i + 1 >= p->len)
        return fail(p, p->i, "unterminated string");
    c = p->s[p->i + 1];
    p->i += 2;
    if (c == 'u')
        return parse_u_escape(p, b);
    k = c ? strchr(from, c) : NULL;
    if (!k)
        return fail(p, p->i - 2, "unknown escape in string");
    (void)rm_buf_addc(b, to[k - from]);
    return RM_OK;
}

/* 'name' or "name" at p->i. */
static rm_err parse_quoted(parser *p, segment *sg)
{
    char q = p->s[p->i];
    size_t start = p->i;
    rm_buf b;
    selector *sel;
    rm_err err = RM_OK;

    rm_buf_init(&b, RM_JSONPATH_MAX_LEN);
    p->i++;
    while (!err) {
        char c = p->i < p->len ? p->s[p->i] : '\0';
        if (p->i >= p->len)
            err = fail(p, start, "unterminated string");
        else if (c == q)
            break;
        else if (c == '\\')
            err = parse_escape(p, &b);
        else if ((unsigned char)c < 0x20)
            err = fail(p, p->i, "control character in string");
        else
            (void)rm_buf_addc(&b, c), p->i++;
    }
    if (err)
        goto cleanup;
    p->i++;
    sel = add_selector(sg, SEL_NAME);
    sel->name = rm_buf_detach(&b, &sel->name_len);
cleanup:
    rm_buf_release(&b);
    return err;
}

/* RFC 9535 int: "0" or an optional '-' and digits without a leading zero. */
static rm_err parse_index(parser *p, segment *sg)
{
    size_t start = p->i;
    bool neg = p->s[p->i] == '-';
    int64_t v = 0;

    p->i += neg;
    if (p->i >= p->len || p->s[p->i] < '0' || p->s[p->i] > '9')
        return fail(p, start, "expected digits in index");
    if (p->s[p->i] == '0' && (neg || (p->i + 1 < p->len && p->s[p->i + 1] >= '0' &&
                                      p->s[p->i + 1] <= '9')))
        return fail(p, start, "index with a leading zero");
    for (; p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9'; p->i++) {
        v = v * 10 + (p->s[p->i] - '0');
        if (v > MAX_INDEX)
            return fail(p, start, "index out of range");
    }
    add_selector(sg, SEL_INDEX)->index = neg ? -v : v;
    return RM_OK;
}

static void skip_blank(parser *p)
{
    while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                             p->s[p->i] == '\r'))
        p->i++;
}

/* '[' selector (',' selector)* ']' at p->i. */
static rm_err parse_bracket(parser *p, segment *sg)
{
    size_t open = p->i++;
    rm_err err;

    for (;;) {
        char c;
        skip_blank(p);
        c = p->i < p->len ? p->s[p->i] : '\0';
        if (c == '\'' || c == '"')
            err = parse_quoted(p, sg);
        else if (c == '-' || (c >= '0' && c <= '9'))
            err = parse_index(p, sg);
        else if (c == '*')
            err = (add_selector(sg, SEL_WILD), p->i++, RM_OK);
        else if (p->i >= p->len)
            err = fail(p, open, "'[' is never closed");
        else
            err = fail(p, p->i, "expected a quoted name, an index or '*'");
        if (err)
            return err;
        skip_blank(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->len && p->s[p->i] == ']') {
            p->i++;
            return RM_OK;
        }
        return fail(p, p->i, p->i < p->len ? "expected ',' or ']'" : "'[' is never closed");
    }
}

/* After '.' or '..': a name, '*', or (after '..' only) a bracket. */
static rm_err parse_dotted(parser *p, bool descendant)
{
    segment *sg;
    rm_err err = add_segment(p, descendant, &sg);
    char c = p->i < p->len ? p->s[p->i] : '\0';

    if (err)
        return err;
    if (c == '*') {
        add_selector(sg, SEL_WILD);
        p->i++;
        return RM_OK;
    }
    if (descendant && c == '[')
        return parse_bracket(p, sg);
    if (p->i < p->len && name_char(c)) {
        parse_bare_name(p, sg);
        return RM_OK;
    }
    return fail(p, p->i, descendant ? "expected a name, '*' or '[' after '..'"
                                    : "expected a name or '*' after '.'");
}

static rm_err parse_segment(parser *p)
{
    segment *sg;
    rm_err err;

    if (p->s[p->i] == '.') {
        bool descendant = p->i + 1 < p->len && p->s[p->i + 1] == '.';
        p->i += descendant ? 2 : 1;
        return parse_dotted(p, descendant);
    }
    if (p->s[p->i] == '[') {
        err = add_segment(p, false, &sg);
        return err ? err : parse_bracket(p, sg);
    }
    return fail(p, p->i, "expected '.', '..' or '['");
}

rm_err rm_jsonpath_compile(const char *expr, rm_jsonpath **out, rm_jsonpath_err *err)
{
    parser p = {expr, strnlen(expr, RM_JSONPATH_MAX_LEN + 1), 0, NULL, err};
    rm_err e = RM_OK;

    if (p.len > RM_JSONPATH_MAX_LEN) {
        fail(&p, RM_JSONPATH_MAX_LEN, "expression longer than 4096 bytes");
        return RM_ETOOBIG;
    }
    p.jp = rm_xcalloc(1, sizeof(*p.jp));
    if (p.len > 0 && p.s[0] == '$')
        p.i = 1;
    else if (p.len > 0 && name_char(p.s[0]))
        e = parse_dotted(&p, false); /* "offers.price" reads as "$.offers.price" */
    else if (p.len == 0)
        e = fail(&p, 0, "empty expression");
    while (!e && p.i < p.len)
        e = parse_segment(&p);
    if (e) {
        rm_jsonpath_free(p.jp);
        return e;
    }
    *out = p.jp;
    return RM_OK;
}

void rm_jsonpath_free(rm_jsonpath *jp)
{
    if (!jp)
        return;
    for (size_t k = 0; k < jp->nseg; k++) {
        for (size_t j = 0; j < jp->seg[k].nsel; j++)
            free(jp->seg[k].sel[j].name);
        free(jp->seg[k].sel);
    }
    free(jp->seg);
    free(jp);
}

/* ---- evaluation ---- */

typedef struct walker {
    const rm_jsonpath *jp;
    rm_jsonpath_cb cb;
    void *ctx;
    bool stop;
    rm_err err;
} walker;

static void visit(walker *w, size_t seg, json_t *node, size_t depth);

static bool too_deep(walker *w, size_t depth)
{
    if (depth <= RM_JSONPATH_MAX_DEPTH)
        return false;
    w->err = RM_ETOOBIG;
    w->stop = true;
    return true;
}

static void select_one(walker *w, const selector *sel, size_t seg, json_t *node, size_t depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (sel->kind == SEL_NAME) {
        if ((v = json_object_getn(node, sel->name, sel->name_len)) != NULL)
            visit(w, seg + 1, v, depth + 1);
    } else if (sel->kind == SEL_INDEX) {
        int64_t n = json_is_array(node) ? (int64_t)json_array_size(node) : 0;
        int64_t idx = sel->index < 0 ? n + sel->index : sel->index;
        if (idx >= 0 && idx < n)
            visit(w, seg + 1, json_array_get(node, (size_t)idx), depth + 1);
    } else if (json_is_object(node)) {
        json_object_foreach(node, key, v) {
            if (w->stop)
                break;
            visit(w, seg + 1, v, depth + 1);
        }
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, v) {
            if (w->stop)
                break;
            visit(w, seg + 1, v, depth + 1);
        }
    }
}

static void select_all(walker *w, size_t seg, json_t *node, size_t depth)
{
    const segment *sg = &w->jp->seg[seg];
    for (size_t k = 0; k < sg->nsel && !w->stop; k++)
        select_one(w, &sg->sel[k], seg, node, depth);
}

/* RFC 9535 §2.5.2.2: the node first, then its descendants, arrays in order. */
static void descend(walker *w, size_t seg, json_t *node, size_t depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (too_deep(w, depth))
        return;
    select_all(w, seg, node, depth);
    if (json_is_object(node)) {
        json_object_foreach(node, key, v) {
            if (w->stop)
                break;
            descend(w, seg, v, depth + 1);
        }
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, v) {
            if (w->stop)
                break;
            descend(w, seg, v, depth + 1);
        }
    }
}

static void visit(walker *w, size_t seg, json_t *node, size_t depth)
{
    if (w->stop)
        return;
    if (seg == w->jp->nseg) {
        if (!w->cb(node, w->ctx))
            w->stop = true;
        return;
    }
    if (too_deep(w, depth))
        return;
    if (w->jp->seg[seg].descendant)
        descend(w, seg, node, depth);
    else
        select_all(w, seg, node, depth);
}

rm_err rm_jsonpath_eval(const rm_jsonpath *jp, json_t *root, rm_jsonpath_cb cb, void *ctx)
{
    walker w = {jp, cb, ctx, false, RM_OK};
    if (root)
        visit(&w, 0, root, 0);
    return w.err;
}

static bool collect_one(json_t *value, void *ctx)
{
    return json_array_append((json_t *)ctx, value) == 0;
}

rm_err rm_jsonpath_collect(const rm_jsonpath *jp, json_t *root, json_t *arr)
{
    if (!json_is_array(arr))
        return RM_EINVAL;
    return rm_jsonpath_eval(jp, root, collect_one, arr);
}

static bool first_one(json_t *value, void *ctx)
{
    *(json_t **)ctx = value;
    return false;
}

json_t *rm_jsonpath_first(const rm_jsonpath *jp, json_t *root)
{
    json_t *found = NULL;
    /* The walk stops at the first match, so an error means nothing was found before it. */
    if (rm_jsonpath_eval(jp, root, first_one, &found) != RM_OK)
        return NULL;
    return found;
}
