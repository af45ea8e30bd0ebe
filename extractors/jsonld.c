/* JSON-LD blocks as pages write them: strict JSON when it is, repaired when it is not. */
#include "core/rm.h"

#include "extractors/extract_int.h"

typedef struct repair {
    const char *s, *end;
    rm_buf out;
} repair;

/* A trailing comma before '}' or ']' (JavaScript style) is dropped. */
static void drop_trailing_comma(rm_buf *b)
{
    size_t n = b->len;
    while (n && strchr(" \t\r\n", b->ptr[n - 1]))
        n--;
    if (n && b->ptr[n - 1] == ',')
        rm_buf_truncate(b, n - 1);
}

static bool starts(const repair *r, const char *p, const char *word)
{
    size_t k = strlen(word);
    return (size_t)(r->end - p) >= k && !memcmp(p, word, k);
}

/* Skips a comment or markup wrapper at p; returns where reading goes on, or p. */
static const char *skip_noise(const repair *r, const char *p)
{
    static const char *const marks[] = {"<!--", "-->", "<![CDATA[", "]]>"};
    const char *q;

    for (size_t i = 0; i < RM_ARRAY_LEN(marks); i++)
        if (starts(r, p, marks[i]))
            return p + strlen(marks[i]);
    if (starts(r, p, "//")) {
        q = memchr(p, '\n', (size_t)(r->end - p));
        return q ? q : r->end;
    }
    if (starts(r, p, "/*")) {
        for (q = p + 2; q + 1 < r->end; q++)
            if (q[0] == '*' && q[1] == '/')
                return q + 2;
        return r->end;
    }
    return p;
}

/* Copies a string literal starting at p (the opening quote); returns the byte after it. */
static const char *copy_string(repair *r, const char *p)
{
    (void)rm_buf_addc(&r->out, *p++);
    while (p < r->end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' && p + 1 < r->end) {
            /* JSON knows only these escapes; "\'" and friends lose the backslash. */
            if (strchr("\"\\/bfnrtu", p[1]))
                (void)rm_buf_add(&r->out, p, 2);
            else
                (void)rm_buf_addc(&r->out, p[1]);
            p += 2;
        } else if (c < 0x20) {
            (void)rm_buf_addf(&r->out, "\\u%04x", c);
            p++;
        } else {
            (void)rm_buf_addc(&r->out, (char)c);
            p++;
        }
    }
    if (p < r->end)
        (void)rm_buf_addc(&r->out, *p++);
    return p;
}

static void repair_run(repair *r)
{
    const char *p = r->s, *q;

    while (p < r->end && !r->out.err) {
        if (*p == '"') {
            p = copy_string(r, p);
            continue;
        }
        q = skip_noise(r, p);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == '}' || *p == ']')
            drop_trailing_comma(&r->out);
        (void)rm_buf_addc(&r->out, *p++);
    }
}

static json_t *load(const char *text, size_t len, size_t flags)
{
    json_error_t jerr;
    return json_loadb(text, len, flags, &jerr);
}

json_t *rm_extract_jsonld_parse(const char *text, size_t len)
{
    repair r;
    json_t *doc = load(text, len, 0);

    if (doc)
        return doc;
    r.s = text;
    r.end = text + len;
    /* Repairs only remove or escape, so the page size bounds the output. */
    rm_buf_init(&r.out, len * 6 + 16);
    repair_run(&r);
    if (!r.out.err)
        doc = load(r.out.ptr, r.out.len, JSON_DECODE_INT_AS_REAL);
    rm_buf_release(&r.out);
    return doc;
}

static void index_node(json_t *ids, json_t *node, int depth)
{
    json_t *v;
    const char *k;
    size_t i;

    if (depth > RM_X_MAX_DEPTH)
        return;
    if (json_is_array(node)) {
        json_array_foreach(node, i, v)
            index_node(ids, v, depth + 1);
        return;
    }
    if (!json_is_object(node))
        return;
    v = json_object_get(node, "@id");
    /* A node with more than its @id defines the entity; a bare {"@id"} only points at it. */
    if (json_is_string(v) && json_object_size(node) > 1 &&
        !json_object_get(ids, json_string_value(v)))
        json_object_set(ids, json_string_value(v), node);
    json_object_foreach(node, k, v)
        index_node(ids, v, depth + 1);
}

void rm_extract_jsonld_index(json_t *ids, json_t *doc)
{
    index_node(ids, doc, 0);
}
