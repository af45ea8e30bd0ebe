#include "core/rm.h"
#include "extractors/jsonsel.h"

#include <ctype.h>

typedef enum step_kind { STEP_KEY, STEP_INDEX, STEP_ALL } step_kind;

typedef struct step {
    step_kind kind;
    bool descend; /* ".." before it: apply at every depth */
    char *key;
    long index;
} step;

struct rm_jsonsel {
    step steps[RM_JSONSEL_MAX_STEPS];
    size_t n;
};

static rm_err bad(rm_jsonsel_err *err, const char *expr, const char *p, const char *what)
{
    if (err) {
        err->pos = (size_t)(p - expr);
        snprintf(err->msg, sizeof(err->msg), "position %zu: %s", err->pos + 1, what);
    }
    return RM_EPARSE;
}

static bool name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '@' || c == '$' || c == ':' || c >= 0x80;
}

/* ['name'], ["name"], [n], [*] after the '[' at *pp. */
static const char *bracket(const char *expr, const char *p, step *s, rm_jsonsel_err *err,
                           rm_err *rc)
{
    char *end;

    if (*p == '*') {
        s->kind = STEP_ALL;
        p++;
    } else if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);
        if (!q) {
            *rc = bad(err, expr, p, "unterminated name");
            return NULL;
        }
        s->kind = STEP_KEY;
        s->key = rm_xstrndup(p + 1, (size_t)(q - p - 1));
        p = q + 1;
    } else if (*p == '-' || isdigit((unsigned char)*p)) {
        s->kind = STEP_INDEX;
        s->index = strtol(p, &end, 10);
        p = end;
    } else {
        *rc = bad(err, expr, p, "expected '*', a quoted name or an index");
        return NULL;
    }
    if (*p != ']') {
        *rc = bad(err, expr, p, "expected ']'");
        return NULL;
    }
    return p + 1;
}

static const char *dotted(const char *expr, const char *p, step *s, rm_jsonsel_err *err,
                          rm_err *rc)
{
    const char *start = p;

    if (*p == '*') {
        s->kind = STEP_ALL;
        return p + 1;
    }
    while (name_char((unsigned char)*p))
        p++;
    if (p == start) {
        *rc = bad(err, expr, p, "expected a name");
        return NULL;
    }
    s->kind = STEP_KEY;
    s->key = rm_xstrndup(start, (size_t)(p - start));
    return p;
}

rm_err rm_jsonsel_compile(const char *expr, rm_jsonsel **out, rm_jsonsel_err *err)
{
    rm_jsonsel *js;
    const char *p = expr;
    rm_err rc = RM_OK;

    if (strlen(expr) > RM_JSONSEL_MAX_LEN)
        return bad(err, expr, expr, "expression too long");
    js = rm_xcalloc(1, sizeof(*js));
    if (*p == '$') {
        p++;
    } else if (*p && *p != '.' && *p != '[') {
        /* "a.b" is "$.a.b": the first name has no dot before it. */
        p = dotted(expr, p, &js->steps[0], err, &rc);
        js->n += !rc;
    }
    while (p && *p && !rc) {
        step *s;
        bool descend = false;
        if (js->n == RM_JSONSEL_MAX_STEPS) {
            rc = bad(err, expr, p, "too many steps");
            break;
        }
        s = &js->steps[js->n];
        if (p[0] == '.' && p[1] == '.') {
            descend = true;
            p += 2;
            p = *p == '[' ? bracket(expr, p + 1, s, err, &rc) : dotted(expr, p, s, err, &rc);
        } else if (*p == '.') {
            p = dotted(expr, p + 1, s, err, &rc);
        } else if (*p == '[') {
            p = bracket(expr, p + 1, s, err, &rc);
        } else {
            rc = bad(err, expr, p, "expected '.' or '['");
        }
        if (rc)
            break;
        s->descend = descend;
        js->n++;
    }
    if (rc) {
        rm_jsonsel_free(js);
        return rc;
    }
    *out = js;
    return RM_OK;
}

void rm_jsonsel_free(rm_jsonsel *js)
{
    if (!js)
        return;
    /* Every slot: a step that failed half-way has its name but is not counted in n. */
    for (size_t i = 0; i < RM_JSONSEL_MAX_STEPS; i++)
        free(js->steps[i].key);
    free(js);
}

typedef struct run {
    const rm_jsonsel *js;
    rm_jsonsel_cb cb;
    void *ctx;
    bool stopped;
} run;

static void from(run *r, json_t *v, size_t i);

/* One step's matches directly on v. */
static void apply(run *r, json_t *v, size_t i)
{
    const step *s = &r->js->steps[i];
    json_t *e;
    const char *k;
    size_t j;

    if (s->kind == STEP_KEY) {
        if ((e = json_object_get(v, s->key)) != NULL)
            from(r, e, i + 1);
    } else if (s->kind == STEP_INDEX && json_is_array(v)) {
        long n = (long)json_array_size(v), at = s->index < 0 ? n + s->index : s->index;
        if (at >= 0 && at < n)
            from(r, json_array_get(v, (size_t)at), i + 1);
    } else if (s->kind == STEP_ALL) {
        json_array_foreach(v, j, e) {
            if (r->stopped)
                return;
            from(r, e, i + 1);
        }
        json_object_foreach(v, k, e) {
            if (r->stopped)
                return;
            from(r, e, i + 1);
        }
    }
}

static void descend(run *r, json_t *v, size_t i, int depth)
{
    json_t *e;
    const char *k;
    size_t j;

    if (r->stopped || depth > RM_JSONSEL_MAX_DEPTH)
        return;
    apply(r, v, i);
    json_array_foreach(v, j, e)
        descend(r, e, i, depth + 1);
    json_object_foreach(v, k, e)
        descend(r, e, i, depth + 1);
}

static void from(run *r, json_t *v, size_t i)
{
    if (r->stopped)
        return;
    if (i == r->js->n) {
        r->stopped = !r->cb(v, r->ctx);
        return;
    }
    if (r->js->steps[i].descend)
        descend(r, v, i, 0);
    else
        apply(r, v, i);
}

void rm_jsonsel_eval(const rm_jsonsel *js, json_t *root, rm_jsonsel_cb cb, void *ctx)
{
    run r = {js, cb, ctx, false};
    if (root)
        from(&r, root, 0);
}
