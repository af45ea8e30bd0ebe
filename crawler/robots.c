/* robots.txt parser and matcher. Patterns are stored in the compared form (see robots.h) with
 * wildcards as a byte that form never holds, so matching is a plain glob walk. */
#include "core/rm.h"
#include "core/arena.h"
#include "crawler/robots.h"

/* Bytes below 0x21 are always written %XX in the compared form, so 0x01 can mark '*'. */
#define WILDCARD '\x01'

typedef struct rule {
    const char *pat; /* compared form; WILDCARD for '*'; in the arena */
    size_t len;
    size_t weight;   /* bytes of the pattern, '*' and final '$' counting one each */
    bool anchored;   /* ended in '$' */
    bool allow;
} rule;

typedef struct agent {
    const char *token; /* product token, or NULL for '*'; in the arena */
    size_t len;
} agent;

typedef struct group {
    agent *agents;
    size_t n_agents, cap_agents;
    rule *rules;
    size_t n_rules, cap_rules;
    double delay; /* -1: none given */
} group;

struct rm_robots {
    rm_arena *arena;  /* pattern, token and sitemap strings */
    group *groups;
    size_t n_groups, cap_groups;
    const char **sitemaps; /* NULL-terminated once there is one; strings in the arena */
    size_t n_sitemaps, cap_sitemaps;
};

typedef enum key {
    KEY_UNKNOWN,
    KEY_USER_AGENT,
    KEY_ALLOW,
    KEY_DISALLOW,
    KEY_CRAWL_DELAY,
    KEY_SITEMAP
} key;

/* Keys with the misspellings Google's parser also accepts; Crawl-delay, which Google ignores
 * but many sites set, gets the same treatment. */
static const struct {
    const char *name;
    key k;
} keys[] = {
    {"user-agent", KEY_USER_AGENT}, {"useragent", KEY_USER_AGENT},
    {"user agent", KEY_USER_AGENT}, {"allow", KEY_ALLOW},
    {"disallow", KEY_DISALLOW},     {"dissallow", KEY_DISALLOW},
    {"dissalow", KEY_DISALLOW},     {"disalow", KEY_DISALLOW},
    {"diasllow", KEY_DISALLOW},     {"disallaw", KEY_DISALLOW},
    {"crawl-delay", KEY_CRAWL_DELAY}, {"crawldelay", KEY_CRAWL_DELAY},
    {"crawl delay", KEY_CRAWL_DELAY}, {"sitemap", KEY_SITEMAP},
    {"site-map", KEY_SITEMAP},
};

typedef struct line {
    const char *s;
    size_t len;
} line;

typedef struct parser {
    rm_robots *r;
    group *cur;       /* group taking rules; NULL before the first user-agent line */
    bool in_agents;   /* the last group line was a user-agent line */
} parser;

rm_robots_policy rm_robots_policy_for_status(int status)
{
    if (status >= 200 && status < 300)
        return RM_ROBOTS_PARSE;
    if (status == 429)
        return RM_ROBOTS_DISALLOW_ALL;
    if (status >= 300 && status < 500)
        return RM_ROBOTS_ALLOW_ALL;
    return RM_ROBOTS_DISALLOW_ALL;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

static line trim(line l)
{
    while (l.len && is_space(l.s[0])) {
        l.s++;
        l.len--;
    }
    while (l.len && is_space(l.s[l.len - 1]))
        l.len--;
    return l;
}

static void add_hex(rm_buf *out, unsigned char c)
{
    rm_buf_addf(out, "%%%02X", c);
}

/* Appends s[0..n) in the compared form. With pattern set, a raw '*' becomes WILDCARD (runs
 * of them one) and the caller has already cut a final '$'. */
static void compared_form(const char *s, size_t n, bool pattern, rm_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;

        if (c == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)s[i + 2])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (c > 0x20 && c < 0x7f && c != '%')
                rm_buf_addc(out, (char)c);
            else
                add_hex(out, c);
        } else if (pattern && c == '*') {
            if (!out->len || out->ptr[out->len - 1] != WILDCARD)
                rm_buf_addc(out, WILDCARD);
        } else if (c > 0x20 && c < 0x7f && c != '%') {
            rm_buf_addc(out, (char)c);
        } else {
            add_hex(out, c);
        }
    }
}

/* Glob match of pattern p against s: WILDCARD matches any run; without anchored, p only has
 * to match a prefix. Backtracks to the last wildcard only, so the cost is O(len(p) len(s)) at
 * worst. */
static bool glob(const char *p, size_t pn, bool anchored, const char *s, size_t sn)
{
    size_t i = 0, j = 0, star_i = 0, star_j = 0;
    bool star = false;

    for (;;) {
        if (i == pn) {
            if (!anchored || j == sn)
                return true;
        } else if (p[i] == WILDCARD) {
            star = true;
            star_i = ++i;
            star_j = j;
            continue;
        } else if (j < sn && p[i] == s[j]) {
            i++;
            j++;
            continue;
        }
        if (!star || star_j >= sn)
            return false;
        i = star_i;
        j = ++star_j;
    }
}

static group *new_group(rm_robots *r)
{
    group *g;

    RM_GROW(r->groups, r->cap_groups, r->n_groups + 1);
    g = &r->groups[r->n_groups++];
    memset(g, 0, sizeof(*g));
    g->delay = -1;
    return g;
}

static void add_agent(parser *ps, line v)
{
    agent a = {NULL, 0};
    size_t n = 0;

    if (!ps->cur || !ps->in_agents)
        ps->cur = new_group(ps->r);
    ps->in_agents = true;
    while (n < v.len && is_token_char(v.s[n]))
        n++;
    if (v.len && v.s[0] == '*' && (v.len == 1 || is_space(v.s[1]))) {
        a.token = NULL;
    } else if (n) {
        a.token = rm_arena_strndup(ps->r->arena, v.s, n);
        a.len = n;
    } else {
        return; /* no product token: the line names nobody */
    }
    RM_GROW(ps->cur->agents, ps->cur->cap_agents, ps->cur->n_agents + 1);
    ps->cur->agents[ps->cur->n_agents++] = a;
}

static void add_rule(parser *ps, line v, bool allow)
{
    rm_buf b;
    rule ru;

    if (!ps->cur)
        return; /* §2.1: rules outside any group are ignored */
    ps->in_agents = false;
    if (!v.len)
        return; /* "Disallow:" with no path restricts nothing */
    ru.anchored = v.s[v.len - 1] == '$';
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    compared_form(v.s, v.len - ru.anchored, true, &b);
    ru.pat = rm_arena_strndup(ps->r->arena, b.ptr, b.len);
    ru.len = b.len;
    ru.weight = b.len + ru.anchored;
    ru.allow = allow;
    rm_buf_release(&b);
    RM_GROW(ps->cur->rules, ps->cur->cap_rules, ps->cur->n_rules + 1);
    ps->cur->rules[ps->cur->n_rules++] = ru;
}

/* Parses "12", "2.5", ".5" (not locale-dependent like strtod); -1 when v is no such number. */
static double parse_delay(line v)
{
    double x = 0, scale = 1;
    size_t i = 0;
    bool digits = false;

    for (; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++, digits = true)
        x = x * 10 + (v.s[i] - '0');
    if (i < v.len && v.s[i] == '.')
        for (i++; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++, digits = true)
            x += (v.s[i] - '0') * (scale /= 10);
    if (!digits || i != v.len)
        return -1;
    return RM_MIN(x, RM_ROBOTS_MAX_CRAWL_DELAY);
}

static void set_delay(parser *ps, line v)
{
    double d = parse_delay(v);

    if (!ps->cur)
        return;
    ps->in_agents = false;
    if (d >= 0)
        ps->cur->delay = d;
}

static void add_sitemap(parser *ps, line v)
{
    rm_robots *r = ps->r;

    v = trim((line){v.s, strnlen(v.s, v.len)}); /* handed out as a C string: NUL ends it */
    if (!v.len)
        return;
    RM_GROW(r->sitemaps, r->cap_sitemaps, r->n_sitemaps + 2);
    r->sitemaps[r->n_sitemaps++] = rm_arena_strndup(r->arena, v.s, v.len);
    r->sitemaps[r->n_sitemaps] = NULL;
}

static key lookup_key(line k)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++)
        if (strlen(keys[i].name) == k.len && !strncasecmp(keys[i].name, k.s, k.len))
            return keys[i].k;
    return KEY_UNKNOWN;
}

/* Splits "key: value" (or, without a colon, "key value") of a comment-free, trimmed line. */
static key split_line(line l, line *value)
{
    const char *colon = memchr(l.s, ':', l.len);
    size_t klen = colon ? (size_t)(colon - l.s) : 0;

    if (!colon) {
        while (klen < l.len && !is_space(l.s[klen]))
            klen++;
        if (klen == l.len)
            return KEY_UNKNOWN;
    }
    *value = trim((line){l.s + klen + (colon != NULL), l.len - klen - (colon != NULL)});
    return lookup_key(trim((line){l.s, klen}));
}

static void parse_line(parser *ps, line l)
{
    const char *hash = memchr(l.s, '#', l.len);
    line v = {NULL, 0};

    if (hash)
        l.len = (size_t)(hash - l.s);
    l = trim(l);
    if (!l.len)
        return;
    switch (split_line(l, &v)) {
    case KEY_USER_AGENT: add_agent(ps, v); break;
    case KEY_ALLOW: add_rule(ps, v, true); break;
    case KEY_DISALLOW: add_rule(ps, v, false); break;
    case KEY_CRAWL_DELAY: set_delay(ps, v); break;
    case KEY_SITEMAP: add_sitemap(ps, v); break;
    case KEY_UNKNOWN: break;
    }
}

rm_err rm_robots_parse(const char *body, size_t len, rm_robots **out)
{
    parser ps = {NULL, NULL, false};
    size_t i = 0;
    bool truncated = len > RM_ROBOTS_MAX_BYTES;

    if (!body && len)
        return RM_EINVAL;
    if (truncated)
        len = RM_ROBOTS_MAX_BYTES;
    ps.r = rm_xcalloc(1, sizeof(*ps.r));
    ps.r->arena = rm_arena_new(4096);
    if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '\n' && body[end] != '\r')
            end++;
        if (end == len && truncated)
            break; /* the limit cut this line: a shorter rule could mean something else */
        parse_line(&ps, (line){body + i, end - i});
        i = end + (end < len && body[end] == '\r' && end + 1 < len && body[end + 1] == '\n');
        i++;
    }
    *out = ps.r;
    return RM_OK;
}

void rm_robots_free(rm_robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_groups; i++) {
        free(r->groups[i].agents);
        free(r->groups[i].rules);
    }
    free(r->groups);
    free(r->sitemaps);
    rm_arena_free(r->arena);
    free(r);
}

const char *const *rm_robots_sitemaps(const rm_robots *r)
{
    static const char *const none[] = {NULL};
    return r->n_sitemaps ? r->sitemaps : none;
}

static bool names(const group *g, const char *token, size_t n)
{
    for (size_t i = 0; i < g->n_agents; i++) {
        const agent *a = &g->agents[i];
        if (token ? a->token && a->len == n && !strncasecmp(a->token, token, n) : !a->token)
            return true;
    }
    return false;
}

/* Calls fn on every group selected for ua: those naming its product token, else the '*'
 * groups. Returns how many. */
static size_t each_group(const rm_robots *r, const char *ua,
                         void (*fn)(const group *g, void *ctx), void *ctx)
{
    size_t n = 0, count = 0;

    while (ua && is_token_char(ua[n]))
        n++;
    if (n)
        for (size_t i = 0; i < r->n_groups; i++)
            if (names(&r->groups[i], ua, n)) {
                fn(&r->groups[i], ctx);
                count++;
            }
    if (count)
        return count;
    for (size_t i = 0; i < r->n_groups; i++)
        if (names(&r->groups[i], NULL, 0)) {
            fn(&r->groups[i], ctx);
            count++;
        }
    return count;
}

typedef struct verdict {
    const rm_buf *path;
    size_t best;  /* weight of the best match + 1; 0 when nothing matched */
    bool allow;
} verdict;

static void match_group(const group *g, void *ctx)
{
    verdict *v = ctx;

    for (size_t i = 0; i < g->n_rules; i++) {
        const rule *ru = &g->rules[i];
        if (ru->weight + 1 < v->best || (ru->weight + 1 == v->best && !ru->allow) ||
            !glob(ru->pat, ru->len, ru->anchored, v->path->ptr, v->path->len))
            continue;
        v->best = ru->weight + 1; /* longer, or as long and an allow: allow wins a tie */
        v->allow = ru->allow;
    }
}

bool rm_robots_allowed(const rm_robots *r, const char *ua, const char *path_and_query)
{
    rm_buf path;
    verdict v;

    rm_buf_init(&path, RM_BUF_NOLIMIT);
    if (!path_and_query[0])
        rm_buf_addc(&path, '/');
    compared_form(path_and_query, strlen(path_and_query), false, &path);
    v = (verdict){&path, 0, true};
    if (strcmp(path.ptr, "/robots.txt") != 0) /* §2.2.2: implicitly allowed */
        each_group(r, ua, match_group, &v);
    rm_buf_release(&path);
    return v.allow;
}

static void max_delay(const group *g, void *ctx)
{
    double *d = ctx;
    *d = RM_MAX(*d, g->delay);
}

double rm_robots_crawl_delay(const rm_robots *r, const char *ua)
{
    double d = -1;

    each_group(r, ua, max_delay, &d);
    return d;
}
