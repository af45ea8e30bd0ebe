/* A recursive-descent CSS selector parser that writes XPath as it goes.
 *
 *   list      := selector (',' selector)*
 *   selector  := [combinator] compound (combinator compound)* [pseudo-element]
 *   compound  := [type | '*'] (#id | .class | [attr] | :pseudo(...))*
 *
 * A compound becomes an element test plus predicates; combinators pick the XPath axis. */
#include "core/rm.h"
#include "extractors/css.h"

#include <ctype.h>

#define MAX_NESTING 8 /* :not(:has(:not(...))) */

typedef struct parser {
    const char *s, *p;
    char *err;
    size_t err_size;
    int depth;
    bool failed;
} parser;

typedef struct compound {
    rm_buf name;  /* element name, or "*" */
    rm_buf preds; /* "[...]" predicates, in order */
    rm_buf conds; /* the same conditions joined with " and ", for :not() */
} compound;

static void fail(parser *ps, const char *what)
{
    if (ps->failed)
        return;
    ps->failed = true;
    if (*ps->p)
        snprintf(ps->err, ps->err_size, "%s at column %d (near '%.10s')", what,
                 (int)(ps->p - ps->s) + 1, ps->p);
    else
        snprintf(ps->err, ps->err_size, "%s at the end", what);
}

static void skip_ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r' ||
           *ps->p == '\f')
        ps->p++;
}

static bool ident_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c >= 0x80;
}

static void utf8_put(rm_buf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        (void)rm_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F));
        (void)rm_buf_add(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        (void)rm_buf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
        (void)rm_buf_add(b, u, 4);
    }
}

/* A backslash escape: up to six hex digits (and one space after), or the next character. */
static void escape(parser *ps, rm_buf *b)
{
    unsigned long cp = 0;
    int n = 0;

    ps->p++;
    if (!*ps->p) {
        fail(ps, "backslash at the end");
        return;
    }
    while (n < 6 && isxdigit((unsigned char)*ps->p)) {
        cp = cp * 16 + (unsigned long)(isdigit((unsigned char)*ps->p)
                                           ? *ps->p - '0'
                                           : tolower((unsigned char)*ps->p) - 'a' + 10);
        ps->p++, n++;
    }
    if (n) {
        if (*ps->p == ' ')
            ps->p++;
        utf8_put(b, cp);
    } else {
        (void)rm_buf_addc(b, *ps->p++);
    }
}

/* An identifier into b (lower-cased when fold: HTML names ignore ASCII case). */
static bool ident(parser *ps, rm_buf *b, bool fold)
{
    size_t start = b->len;

    while (*ps->p && !ps->failed) {
        if (*ps->p == '\\')
            escape(ps, b);
        else if (ident_char((unsigned char)*ps->p))
            (void)rm_buf_addc(b, fold ? (char)tolower((unsigned char)*ps->p++) : *ps->p++);
        else
            break;
    }
    if (b->len == start)
        fail(ps, "expected a name");
    return !ps->failed;
}

static bool quoted(parser *ps, rm_buf *b)
{
    char q = *ps->p++;

    while (*ps->p && *ps->p != q && !ps->failed) {
        if (*ps->p == '\\')
            escape(ps, b);
        else
            (void)rm_buf_addc(b, *ps->p++);
    }
    if (*ps->p != q) {
        fail(ps, "unterminated string");
        return false;
    }
    ps->p++;
    return true;
}

/* An XPath 1.0 string literal: no escapes exist, so a value holding both quote kinds is
 * spelt with concat(). */
static void literal(rm_buf *b, const char *s)
{
    if (!strchr(s, '\'')) {
        (void)rm_buf_addf(b, "'%s'", s);
        return;
    }
    if (!strchr(s, '"')) {
        (void)rm_buf_addf(b, "\"%s\"", s);
        return;
    }
    (void)rm_buf_adds(b, "concat(");
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, "'");
        if (p != s)
            (void)rm_buf_addc(b, ',');
        if (n) {
            (void)rm_buf_addf(b, "'%.*s'", (int)n, p);
            p += n;
        } else {
            (void)rm_buf_adds(b, "\"'\"");
            p++;
        }
    }
    (void)rm_buf_addc(b, ')');
}

static void add_cond(compound *c, const char *cond)
{
    (void)rm_buf_addf(&c->preds, "[%s]", cond);
    if (c->conds.len)
        (void)rm_buf_adds(&c->conds, " and ");
    (void)rm_buf_addf(&c->conds, "(%s)", cond);
}

static void compound_init(compound *c)
{
    rm_buf_init(&c->name, RM_CSS_MAX_LEN);
    rm_buf_init(&c->preds, 16 * RM_CSS_MAX_LEN);
    rm_buf_init(&c->conds, 16 * RM_CSS_MAX_LEN);
}

static void compound_release(compound *c)
{
    rm_buf_release(&c->name);
    rm_buf_release(&c->preds);
    rm_buf_release(&c->conds);
}

/* A space-separated token test, as [a~=v] and .class need. cssselect writes it as
 * contains(concat(' ', normalize-space(@a), ' '), ' v '), which builds three strings per
 * element; rm:has-token() (xdoc.h) reads the attribute in place, several times faster. */
static void token_cond(rm_buf *cond, const char *attr, const char *v)
{
    (void)rm_buf_adds(cond, RM_CSS_HAS_TOKEN "(");
    literal(cond, attr);
    (void)rm_buf_adds(cond, ", ");
    literal(cond, v);
    (void)rm_buf_addc(cond, ')');
}

static void class_or_id(parser *ps, compound *c, bool is_id)
{
    rm_buf v, cond;

    ps->p++;
    rm_buf_init(&v, RM_CSS_MAX_LEN);
    rm_buf_init(&cond, 4 * RM_CSS_MAX_LEN);
    if (ident(ps, &v, false)) {
        if (is_id) {
            (void)rm_buf_adds(&cond, "@id = ");
            literal(&cond, v.ptr);
        } else {
            token_cond(&cond, "class", v.ptr);
        }
        add_cond(c, cond.ptr);
    }
    rm_buf_release(&v);
    rm_buf_release(&cond);
}

/* ASCII lower-casing in XPath 1.0, for the " i" flag of attribute selectors. */
#define LOWER_FROM "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
#define LOWER_TO "'abcdefghijklmnopqrstuvwxyz'"

static void attr_value_cond(rm_buf *cond, const char *name, const char *op, const char *v,
                            bool nocase)
{
    rm_buf a;

    rm_buf_init(&a, RM_CSS_MAX_LEN + 128);
    if (nocase)
        (void)rm_buf_addf(&a, "translate(@%s, " LOWER_FROM ", " LOWER_TO ")", name);
    else
        (void)rm_buf_addf(&a, "@%s", name);
    if (!strcmp(op, "=")) {
        (void)rm_buf_addf(cond, "%s = ", a.ptr);
        literal(cond, v);
    } else if (!strcmp(op, "~=")) {
        if (!*v || strpbrk(v, " \t\n"))
            (void)rm_buf_adds(cond, "false()");
        else
            token_cond(cond, name, v);
    } else if (!strcmp(op, "|=")) {
        (void)rm_buf_addf(cond, "%s = ", a.ptr);
        literal(cond, v);
        (void)rm_buf_addf(cond, " or starts-with(%s, concat(", a.ptr);
        literal(cond, v);
        (void)rm_buf_adds(cond, ", '-'))");
    } else if (!*v) {
        /* [a^=""], [a$=""], [a*=""] match nothing (Selectors 4, 6.2). */
        (void)rm_buf_adds(cond, "false()");
    } else if (!strcmp(op, "^=")) {
        (void)rm_buf_addf(cond, "starts-with(%s, ", a.ptr);
        literal(cond, v);
        (void)rm_buf_addc(cond, ')');
    } else if (!strcmp(op, "$=")) {
        (void)rm_buf_addf(cond, "substring(%s, string-length(%s) - %zu) = ", a.ptr, a.ptr,
                          strlen(v) - 1);
        literal(cond, v);
    } else {
        (void)rm_buf_addf(cond, "contains(%s, ", a.ptr);
        literal(cond, v);
        (void)rm_buf_addc(cond, ')');
    }
    rm_buf_release(&a);
}

static void attribute(parser *ps, compound *c)
{
    static const char *const ops[] = {"~=", "|=", "^=", "$=", "*=", "="};
    rm_buf name, v, cond;
    const char *op = NULL;
    bool nocase = false;

    ps->p++;
    rm_buf_init(&name, RM_CSS_MAX_LEN);
    rm_buf_init(&v, RM_CSS_MAX_LEN);
    rm_buf_init(&cond, 8 * RM_CSS_MAX_LEN);
    skip_ws(ps);
    if (!ident(ps, &name, true))
        goto done;
    skip_ws(ps);
    for (size_t i = 0; i < RM_ARRAY_LEN(ops) && !op; i++)
        if (!strncmp(ps->p, ops[i], strlen(ops[i])))
            op = ops[i];
    if (op) {
        ps->p += strlen(op);
        skip_ws(ps);
        if (*ps->p == '"' || *ps->p == '\'')
            quoted(ps, &v);
        else
            ident(ps, &v, false);
        skip_ws(ps);
        if ((*ps->p == 'i' || *ps->p == 'I') && !ident_char((unsigned char)ps->p[1])) {
            nocase = true;
            ps->p++;
            skip_ws(ps);
            for (char *q = v.ptr; *q; q++)
                *q = (char)tolower((unsigned char)*q);
        }
    }
    if (ps->failed)
        goto done;
    if (*ps->p != ']') {
        fail(ps, "expected ']'");
        goto done;
    }
    ps->p++;
    if (op)
        attr_value_cond(&cond, name.ptr, op, v.ptr, nocase);
    else
        (void)rm_buf_addf(&cond, "@%s", name.ptr);
    add_cond(c, cond.ptr);
done:
    rm_buf_release(&name);
    rm_buf_release(&v);
    rm_buf_release(&cond);
}

/* an+b of :nth-child() and friends. */
static bool nth_args(parser *ps, long *a, long *b)
{
    char *end;
    long sign = 1;

    skip_ws(ps);
    if (!strncasecmp(ps->p, "odd", 3) && !ident_char((unsigned char)ps->p[3])) {
        *a = 2, *b = 1, ps->p += 3;
        return true;
    }
    if (!strncasecmp(ps->p, "even", 4) && !ident_char((unsigned char)ps->p[4])) {
        *a = 2, *b = 0, ps->p += 4;
        return true;
    }
    if (*ps->p == '-' || *ps->p == '+')
        sign = *ps->p++ == '-' ? -1 : 1;
    if (isdigit((unsigned char)*ps->p)) {
        *a = strtol(ps->p, &end, 10);
        if (*a > 100000)
            *a = 100000;
        ps->p = end;
    } else {
        *a = 1;
        if (*ps->p != 'n' && *ps->p != 'N') {
            fail(ps, "expected an+b");
            return false;
        }
    }
    *a *= sign;
    if (*ps->p != 'n' && *ps->p != 'N') { /* plain b */
        *b = *a, *a = 0;
        return true;
    }
    ps->p++;
    skip_ws(ps);
    *b = 0;
    if (*ps->p == '-' || *ps->p == '+') {
        sign = *ps->p++ == '-' ? -1 : 1;
        skip_ws(ps);
        if (!isdigit((unsigned char)*ps->p)) {
            fail(ps, "expected a number");
            return false;
        }
        *b = strtol(ps->p, &end, 10);
        if (*b > 100000)
            *b = 100000;
        *b *= sign;
        ps->p = end;
    }
    return true;
}

/* Position among siblings counted along axis ("preceding-sibling::*"), tested for an+b. */
static void nth_cond(rm_buf *cond, const char *axis, long a, long b)
{
    if (a == 0)
        (void)rm_buf_addf(cond, "(count(%s) + 1) = %ld", axis, b);
    else if (a > 0)
        (void)rm_buf_addf(cond, "(count(%s) + 1) >= %ld and ((count(%s) + 1) - %ld) mod %ld = 0",
                          axis, b, axis, b, a);
    else
        (void)rm_buf_addf(cond, "(count(%s) + 1) <= %ld and (%ld - (count(%s) + 1)) mod %ld = 0",
                          axis, b, b, axis, -a);
}

static bool parse_selector(parser *ps, rm_buf *out, bool relative);
static bool parse_compound(parser *ps, compound *c);

static void pseudo_not(parser *ps, rm_buf *cond)
{
    compound inner;

    compound_init(&inner);
    skip_ws(ps);
    if (parse_compound(ps, &inner)) {
        bool any = strcmp(inner.name.ptr, "*") != 0;
        (void)rm_buf_adds(cond, "not(");
        if (any)
            (void)rm_buf_addf(cond, "self::%s", inner.name.ptr);
        if (inner.conds.len)
            (void)rm_buf_addf(cond, "%s%s", any ? " and " : "", inner.conds.ptr);
        if (!any && !inner.conds.len)
            (void)rm_buf_adds(cond, "self::*");
        (void)rm_buf_addc(cond, ')');
    }
    compound_release(&inner);
}

static void pseudo_has(parser *ps, rm_buf *cond)
{
    rm_buf path;

    rm_buf_init(&path, 16 * RM_CSS_MAX_LEN);
    if (parse_selector(ps, &path, true))
        (void)rm_buf_adds(cond, path.ptr);
    rm_buf_release(&path);
}

static void pseudo_contains(parser *ps, rm_buf *cond)
{
    rm_buf v;

    rm_buf_init(&v, RM_CSS_MAX_LEN);
    skip_ws(ps);
    if (*ps->p == '"' || *ps->p == '\'' ? quoted(ps, &v) : ident(ps, &v, false)) {
        (void)rm_buf_adds(cond, "contains(string(.), ");
        literal(cond, v.ptr);
        (void)rm_buf_addc(cond, ')');
    }
    rm_buf_release(&v);
}

/* The sibling axis for *-of-type: the element's own name (XPath 1.0 has no current()). */
static bool typed_axis(parser *ps, compound *c, const char *dir, char *axis, size_t size)
{
    if (!strcmp(c->name.ptr, "*")) {
        fail(ps, "*-of-type needs an element name");
        return false;
    }
    snprintf(axis, size, "%s-sibling::%s", dir, c->name.ptr);
    return true;
}

static void pseudo_nth(parser *ps, compound *c, const char *name, rm_buf *cond)
{
    char axis[RM_CSS_MAX_LEN + 32];
    bool last = strstr(name, "last") != NULL;
    long a, b;

    if (strstr(name, "of-type")) {
        if (!typed_axis(ps, c, last ? "following" : "preceding", axis, sizeof(axis)))
            return;
    } else {
        snprintf(axis, sizeof(axis), "%s-sibling::*", last ? "following" : "preceding");
    }
    if (nth_args(ps, &a, &b))
        nth_cond(cond, axis, a, b);
}

static void pseudo_simple(parser *ps, compound *c, const char *name, rm_buf *cond)
{
    char axis[RM_CSS_MAX_LEN + 32], axis2[RM_CSS_MAX_LEN + 32];

    if (!strcmp(name, "first-child"))
        (void)rm_buf_adds(cond, "not(preceding-sibling::*)");
    else if (!strcmp(name, "last-child"))
        (void)rm_buf_adds(cond, "not(following-sibling::*)");
    else if (!strcmp(name, "only-child"))
        (void)rm_buf_adds(cond, "not(preceding-sibling::*) and not(following-sibling::*)");
    else if (!strcmp(name, "empty"))
        (void)rm_buf_adds(cond, "not(*) and not(string-length())");
    else if (!strcmp(name, "root"))
        (void)rm_buf_adds(cond, "not(parent::*)");
    else if (!strcmp(name, "first-of-type") || !strcmp(name, "last-of-type") ||
             !strcmp(name, "only-of-type")) {
        bool first = name[0] != 'l', only = name[0] == 'o';
        if (!typed_axis(ps, c, first ? "preceding" : "following", axis, sizeof(axis)))
            return;
        (void)rm_buf_addf(cond, "not(%s)", axis);
        if (only && typed_axis(ps, c, "following", axis2, sizeof(axis2)))
            (void)rm_buf_addf(cond, " and not(%s)", axis2);
    } else
        fail(ps, "unsupported pseudo-class");
}

static void pseudo_class(parser *ps, compound *c)
{
    rm_buf name, cond;
    const char *at = ps->p;

    ps->p++;
    rm_buf_init(&name, 64);
    rm_buf_init(&cond, 16 * RM_CSS_MAX_LEN);
    if (!ident(ps, &name, true))
        goto done;
    if (*ps->p != '(') {
        pseudo_simple(ps, c, name.ptr, &cond);
    } else {
        ps->p++;
        if (++ps->depth > MAX_NESTING) {
            fail(ps, "selectors nested too deep");
            goto done;
        }
        if (!strcmp(name.ptr, "not"))
            pseudo_not(ps, &cond);
        else if (!strcmp(name.ptr, "has"))
            pseudo_has(ps, &cond);
        else if (!strcmp(name.ptr, "contains"))
            pseudo_contains(ps, &cond);
        else if (!strncmp(name.ptr, "nth-", 4))
            pseudo_nth(ps, c, name.ptr, &cond);
        else
            fail(ps, "unsupported pseudo-class");
        ps->depth--;
        skip_ws(ps);
        if (*ps->p == ')')
            ps->p++;
        else
            fail(ps, "expected ')'");
    }
    if (!ps->failed && cond.len)
        add_cond(c, cond.ptr);
    else if (!ps->failed)
        ps->p = at, fail(ps, "empty pseudo-class");
done:
    rm_buf_release(&name);
    rm_buf_release(&cond);
}

/* True when p starts a pseudo-element (::text, ::attr(), @name) rather than a class. */
static bool at_pseudo_element(const char *p)
{
    return (p[0] == ':' && p[1] == ':') || p[0] == '@';
}

static bool parse_compound(parser *ps, compound *c)
{
    bool any = false;

    if (*ps->p == '*') {
        (void)rm_buf_addc(&c->name, '*');
        ps->p++;
        any = true;
    } else if (ident_char((unsigned char)*ps->p) || *ps->p == '\\') {
        ident(ps, &c->name, true);
        any = true;
    } else {
        (void)rm_buf_addc(&c->name, '*');
    }
    while (!ps->failed) {
        if (*ps->p == '#' || *ps->p == '.')
            class_or_id(ps, c, *ps->p == '#');
        else if (*ps->p == '[')
            attribute(ps, c);
        else if (*ps->p == ':' && !at_pseudo_element(ps->p))
            pseudo_class(ps, c);
        else
            break;
        any = true;
    }
    if (!any && !ps->failed)
        fail(ps, "expected a selector");
    return !ps->failed;
}

/* ::text, ::attr(name) or @name: written as the last XPath step. */
static bool pseudo_element(parser *ps, rm_buf *out)
{
    rm_buf name;
    bool ok = false;

    rm_buf_init(&name, RM_CSS_MAX_LEN);
    if (*ps->p == '@') {
        ps->p++;
        ok = ident(ps, &name, true);
    } else {
        ps->p += 2;
        if (!ident(ps, &name, true))
            goto done;
        if (!strcmp(name.ptr, "text")) {
            (void)rm_buf_adds(out, "/text()");
            ok = true;
            goto done;
        }
        if (strcmp(name.ptr, "attr") || *ps->p != '(') {
            fail(ps, "unknown pseudo-element (use ::text or ::attr(name))");
            goto done;
        }
        ps->p++;
        skip_ws(ps);
        rm_buf_reset(&name);
        ok = ident(ps, &name, true);
        skip_ws(ps);
        if (ok && *ps->p != ')') {
            fail(ps, "expected ')'");
            ok = false;
        }
        if (ok)
            ps->p++;
    }
    if (ok)
        (void)rm_buf_addf(out, "/@%s", name.ptr);
done:
    rm_buf_release(&name);
    return ok;
}

static void step(rm_buf *out, char comb, compound *c, bool first, bool relative)
{
    const char *sep = first ? "" : "/";

    switch (comb) {
    case '>':
        (void)rm_buf_addf(out, "%s%s%s%s", sep, first && relative ? "child::" : "", c->name.ptr,
                          c->preds.ptr);
        break;
    case '~':
        (void)rm_buf_addf(out, "%sfollowing-sibling::%s%s", sep, c->name.ptr, c->preds.ptr);
        break;
    case '+':
        (void)rm_buf_addf(out, "%sfollowing-sibling::*[1]", sep);
        if (strcmp(c->name.ptr, "*"))
            (void)rm_buf_addf(out, "[self::%s]", c->name.ptr);
        (void)rm_buf_adds(out, c->preds.ptr);
        break;
    default:
        (void)rm_buf_addf(out, "%s%s::%s%s", sep,
                          first ? (relative ? "descendant" : "descendant-or-self") : "descendant",
                          c->name.ptr, c->preds.ptr);
        break;
    }
}

/* Reads a combinator (or the white space of a descendant one); 0 at a selector's end. */
static char combinator(parser *ps)
{
    bool ws = false;

    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\f')
        ps->p++, ws = true;
    if (*ps->p == '>' || *ps->p == '+' || *ps->p == '~') {
        char c = *ps->p++;
        skip_ws(ps);
        return c;
    }
    if (!*ps->p || *ps->p == ',' || *ps->p == ')' || at_pseudo_element(ps->p))
        return 0;
    return ws ? ' ' : 0;
}

/* One selector of a list. relative: inside :has(), may start with a combinator. */
static bool parse_selector(parser *ps, rm_buf *out, bool relative)
{
    char comb = ' ';
    bool first = true;

    skip_ws(ps);
    if (relative && (*ps->p == '>' || *ps->p == '+' || *ps->p == '~')) {
        comb = *ps->p++;
        skip_ws(ps);
    }
    if (!relative && at_pseudo_element(ps->p)) {
        /* "::attr(href)" alone reads the context element. */
        (void)rm_buf_adds(out, "self::*");
        return pseudo_element(ps, out);
    }
    for (;;) {
        compound c;
        bool ok;
        compound_init(&c);
        ok = parse_compound(ps, &c);
        if (ok)
            step(out, comb, &c, first, relative);
        compound_release(&c);
        if (!ok)
            return false;
        first = false;
        comb = combinator(ps);
        if (!comb)
            break;
    }
    if (at_pseudo_element(ps->p)) {
        if (relative) {
            fail(ps, "pseudo-element inside :has()");
            return false;
        }
        if (!pseudo_element(ps, out))
            return false;
        skip_ws(ps);
    }
    return !ps->failed;
}

rm_err rm_css_to_xpath(const char *css, rm_buf *out, char *err, size_t err_size)
{
    parser ps = {.s = css, .p = css, .err = err, .err_size = err_size};
    size_t start = out->len;

    if (strlen(css) > RM_CSS_MAX_LEN) {
        snprintf(err, err_size, "selector longer than %d bytes", RM_CSS_MAX_LEN);
        return RM_EPARSE;
    }
    for (;;) {
        if (!parse_selector(&ps, out, false))
            break;
        skip_ws(&ps);
        if (*ps.p != ',')
            break;
        ps.p++;
        (void)rm_buf_adds(out, " | ");
    }
    if (!ps.failed && *ps.p)
        fail(&ps, "unexpected character");
    if (!ps.failed && out->err)
        snprintf(err, err_size, "selector too long"), ps.failed = true;
    if (ps.failed) {
        rm_buf_truncate(out, RM_MIN(start, out->len));
        return RM_EPARSE;
    }
    return RM_OK;
}
