#include "core/rm.h"
#include "extractors/xfast.h"

/* Bounds on what is worth matching natively; longer expressions go to libxml2. */
#define MAX_PATHS 16
#define MAX_STEPS 16
#define MAX_CONDS 64

typedef enum cond_kind { C_HAS, C_EQ, C_PREFIX, C_CONTAINS, C_TOKEN } cond_kind;

typedef struct cond {
    cond_kind kind;
    const char *attr;  /* into the pool */
    const char *value; /* into the pool; NULL for C_HAS */
} cond;

typedef struct step {
    const char *name; /* NULL: any element */
    size_t first, n;  /* its conditions in conds[] */
} step;

typedef struct path {
    bool self;       /* self::*: the context element only */
    size_t first, n; /* its steps in steps[] */
} path;

typedef enum tail { TAIL_ELEMENT, TAIL_ATTR, TAIL_TEXT } tail;

struct rm_xfast {
    path paths[MAX_PATHS];
    step steps[MAX_STEPS];
    cond conds[MAX_CONDS];
    size_t n_paths, n_steps, n_conds;
    tail tail;
    const char *attr; /* TAIL_ATTR: the attribute's name */
    char *pool;       /* NUL-terminated names and literals; owned */
    size_t pool_len;
};

/* --- compiling --- */

typedef struct parser {
    const char *p;
    rm_xfast *f;
    bool failed;
} parser;

static bool eat(parser *ps, const char *s)
{
    size_t k = strlen(s);

    if (ps->failed || strncmp(ps->p, s, k))
        return false;
    ps->p += k;
    return true;
}

static const char *pooled(parser *ps, const char *s, size_t len)
{
    char *out = ps->f->pool + ps->f->pool_len;

    memcpy(out, s, len);
    out[len] = '\0';
    ps->f->pool_len += len + 1;
    return out;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* An NCName; the XPath would read anything else (a prefix, a function) differently. */
static const char *name(parser *ps)
{
    const char *s = ps->p;

    if (ps->failed || !name_char(*s, true)) {
        ps->failed = true;
        return NULL;
    }
    while (name_char(*ps->p, false))
        ps->p++;
    return pooled(ps, s, (size_t)(ps->p - s));
}

static const char *literal(parser *ps)
{
    char q = *ps->p;
    const char *s = ps->p + 1, *e;

    if (ps->failed || (q != '\'' && q != '"') || !(e = strchr(s, q))) {
        ps->failed = true;
        return NULL;
    }
    ps->p = e + 1;
    return pooled(ps, s, (size_t)(e - s));
}

static void add_cond(parser *ps, cond_kind kind, const char *attr, const char *value)
{
    rm_xfast *f = ps->f;

    if (ps->failed || f->n_conds == MAX_CONDS) {
        ps->failed = true;
        return;
    }
    f->conds[f->n_conds++] = (cond){kind, attr, value};
}

/* One predicate, after its '['. */
static void condition(parser *ps)
{
    const char *attr;
    cond_kind kind;

    if (eat(ps, "rm:has-token(")) {
        attr = literal(ps);
        ps->failed |= !eat(ps, ", ");
        add_cond(ps, C_TOKEN, attr, literal(ps));
        ps->failed |= !eat(ps, ")");
        return;
    }
    kind = eat(ps, "starts-with(@") ? C_PREFIX : eat(ps, "contains(@") ? C_CONTAINS : C_HAS;
    if (kind != C_HAS) {
        attr = name(ps);
        ps->failed |= !eat(ps, ", ");
        add_cond(ps, kind, attr, literal(ps));
        ps->failed |= !eat(ps, ")");
        return;
    }
    ps->failed |= !eat(ps, "@");
    attr = name(ps);
    if (eat(ps, " = "))
        add_cond(ps, C_EQ, attr, literal(ps));
    else
        add_cond(ps, C_HAS, attr, NULL);
}

static void parse_step(parser *ps)
{
    rm_xfast *f = ps->f;
    step *st;

    if (ps->failed || f->n_steps == MAX_STEPS) {
        ps->failed = true;
        return;
    }
    st = &f->steps[f->n_steps++];
    st->name = eat(ps, "*") ? NULL : name(ps);
    st->first = f->n_conds;
    while (!ps->failed && eat(ps, "[")) {
        condition(ps);
        ps->failed |= !eat(ps, "]");
    }
    st->n = f->n_conds - st->first;
}

static tail parse_tail(parser *ps, const char **attr)
{
    *attr = NULL;
    if (eat(ps, "/text()"))
        return TAIL_TEXT;
    if (eat(ps, "/@")) {
        *attr = name(ps);
        return TAIL_ATTR;
    }
    return TAIL_ELEMENT;
}

static void parse_path(parser *ps, bool first)
{
    rm_xfast *f = ps->f;
    path *pa;
    const char *attr;
    tail t;

    if (ps->failed || f->n_paths == MAX_PATHS) {
        ps->failed = true;
        return;
    }
    pa = &f->paths[f->n_paths++];
    pa->first = f->n_steps;
    pa->self = eat(ps, "self::*");
    if (!pa->self) {
        ps->failed |= !eat(ps, "descendant-or-self::");
        parse_step(ps);
        while (!ps->failed && eat(ps, "/descendant::"))
            parse_step(ps);
    }
    pa->n = f->n_steps - pa->first;
    t = parse_tail(ps, &attr);
    if (pa->self && t == TAIL_ELEMENT)
        ps->failed = true; /* css.c never writes a bare self::* */
    if (first) {
        f->tail = t;
        f->attr = attr;
    } else if (t != f->tail || (attr && strcmp(attr, f->attr))) {
        ps->failed = true; /* mixed tails would interleave attributes and text oddly */
    }
}

rm_xfast *rm_xfast_compile(const char *xpath)
{
    rm_xfast *f = rm_xcalloc(1, sizeof(*f));
    parser ps = {xpath, f, false};

    /* Each name or literal is copied once with its NUL: never more than the input. */
    f->pool = rm_xmalloc(strlen(xpath) + 1);
    parse_path(&ps, true);
    while (!ps.failed && eat(&ps, " | "))
        parse_path(&ps, false);
    if (ps.failed || *ps.p) {
        rm_xfast_free(f);
        return NULL;
    }
    return f;
}

void rm_xfast_free(rm_xfast *f)
{
    if (!f)
        return;
    free(f->pool);
    free(f);
}

/* --- matching --- */

static bool html_space(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool rm_xfast_has_token(const xmlChar *list, const xmlChar *token)
{
    size_t k = (size_t)xmlStrlen(token);

    if (!k)
        return false;
    for (const xmlChar *p = list; *p;) {
        const xmlChar *start;
        while (html_space(*p))
            p++;
        start = p;
        while (*p && !html_space(*p))
            p++;
        if ((size_t)(p - start) == k && !memcmp(start, token, k))
            return true;
    }
    return false;
}

static bool cond_holds(const cond *c, const rm_xfast_tree *t, const void *e)
{
    const char *v = t->attr(e, c->attr);

    switch (c->kind) {
    case C_HAS:
        return v != NULL;
    case C_TOKEN:
        return v && rm_xfast_has_token(BAD_CAST v, BAD_CAST c->value);
    case C_EQ: /* a node-set equals a string when one of its nodes does */
        return v && !strcmp(v, c->value);
    case C_PREFIX: /* string() of an empty node-set is "" */
        return !strncmp(v ? v : "", c->value, strlen(c->value));
    case C_CONTAINS:
        return strstr(v ? v : "", c->value) != NULL;
    }
    return false;
}

static bool step_holds(const rm_xfast *f, const step *st, const rm_xfast_tree *t, const void *e)
{
    if (st->name && strcmp(t->name(e, t->ctx), st->name))
        return false;
    for (size_t i = 0; i < st->n; i++)
        if (!cond_holds(&f->conds[st->first + i], t, e))
            return false;
    return true;
}

/* e matches the last step; each earlier step must hold for a proper ancestor of the one
 * after it, inside the context's subtree (the first step is descendant-or-self of ctx).
 * With descendant axes only, the nearest such ancestor is always the best choice: the
 * ancestors of a farther one are a subset of the nearer one's. */
static bool path_holds(const rm_xfast *f, const path *pa, const rm_xfast_tree *t,
                       const void *e, const void *ctx)
{
    if (pa->self)
        return e == ctx;
    if (!step_holds(f, &f->steps[pa->first + pa->n - 1], t, e))
        return false;
    for (size_t j = pa->n - 1; j-- > 0;) {
        do {
            if (e == ctx)
                return false;
            e = t->parent(e);
        } while (e && t->kind(e) == RM_XFAST_ELEMENT &&
                 !step_holds(f, &f->steps[pa->first + j], t, e));
        if (!e || t->kind(e) != RM_XFAST_ELEMENT)
            return false;
    }
    return true;
}

static bool selected(const rm_xfast *f, const rm_xfast_tree *t, const void *e, const void *ctx)
{
    if (!e || t->kind(e) != RM_XFAST_ELEMENT)
        return false;
    for (size_t i = 0; i < f->n_paths; i++)
        if (path_holds(f, &f->paths[i], t, e, ctx))
            return true;
    return false;
}

typedef struct run {
    const rm_xfast *f;
    const rm_xfast_tree *t;
    const void *ctx;
    rm_xfast_emit emit;
    void *arg;
} run;

/* What n gives, if anything; false when emit asked to stop. */
static bool visit(const run *r, const void *n)
{
    const char *v;

    switch (r->f->tail) {
    case TAIL_ELEMENT:
        return !selected(r->f, r->t, n, r->ctx) || r->emit(n, NULL, r->arg);
    case TAIL_ATTR:
        if (r->t->kind(n) != RM_XFAST_ELEMENT || !(v = r->t->attr(n, r->f->attr)) ||
            !selected(r->f, r->t, n, r->ctx))
            return true;
        return r->emit(n, v, r->arg);
    case TAIL_TEXT:
        /* Text nodes as the walk meets them: document order even when a selected element
         * holds another one. */
        if (r->t->kind(n) != RM_XFAST_TEXT || n == r->ctx)
            return true;
        return !selected(r->f, r->t, r->t->parent(n), r->ctx) || r->emit(n, NULL, r->arg);
    }
    return true;
}

/* Paths that are all self::* only look at ctx and its children. */
static bool self_only(const rm_xfast *f)
{
    for (size_t i = 0; i < f->n_paths; i++)
        if (!f->paths[i].self)
            return false;
    return true;
}

bool rm_xfast_elements(const rm_xfast *f)
{
    return f->tail == TAIL_ELEMENT;
}

void rm_xfast_run(const rm_xfast *f, const rm_xfast_tree *t, const void *ctx,
                  rm_xfast_emit emit, void *arg)
{
    run r = {f, t, ctx, emit, arg};
    const void *n = ctx, *kid;

    if (self_only(f)) {
        if (f->tail != TAIL_TEXT) {
            (void)visit(&r, ctx);
            return;
        }
        for (n = t->child(ctx); n; n = t->next(n))
            if (!visit(&r, n))
                return;
        return;
    }
    /* Preorder over ctx's subtree, ctx included: document order. */
    while (n) {
        if (!visit(&r, n))
            return;
        if ((kid = t->child(n)) != NULL) {
            n = kid;
            continue;
        }
        while (n != ctx && !t->next(n))
            n = t->parent(n);
        if (n == ctx)
            return;
        n = t->next(n);
    }
}
