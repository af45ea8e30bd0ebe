/* Crawler-trap guards: cheap looks at a normalised URL's path and query that catch the
 * endless URL spaces sites generate (looping relative links, calendars, ever-growing
 * queries) before the frontier fills with them. */
#include "core/rm.h"
#include "crawler/url.h"

/* The repeat check compares every segment with every other; beyond this many segments (only
 * reachable with the depth check off) it looks at the first ones only. */
#define REPEAT_SCAN_MAX 256

typedef struct span {
    const char *s;
    size_t len;
} span;

typedef struct year_window {
    long lo, hi; /* inclusive; lo > hi turns the check off */
} year_window;

void rm_url_trap_opts_default(rm_url_trap_opts *o, time_t now)
{
    o->now = now;
    o->max_repeat = 2;
    o->max_segments = 16;
    o->max_query_len = 512;
    o->years_back = 30;
    o->years_ahead = 2;
}

const char *rm_url_trap_str(rm_url_trap t)
{
    switch (t) {
    case RM_URL_TRAP_NONE: return "none";
    case RM_URL_TRAP_REPEAT: return "repeat";
    case RM_URL_TRAP_DEPTH: return "depth";
    case RM_URL_TRAP_CALENDAR: return "calendar";
    case RM_URL_TRAP_QUERY: return "query";
    }
    return "unknown";
}

/* Splits url into path and query (both may be empty); a string without "://" is taken as
 * path and query only. */
static void split_url(const char *url, span *path, span *query)
{
    const char *p = strstr(url, "://");
    size_t end;

    p = p ? p + 3 + strcspn(p + 3, "/?#") : url;
    end = strcspn(p, "?#");
    path->s = p;
    path->len = end;
    query->s = p[end] == '?' ? p + end + 1 : p + end;
    query->len = strcspn(query->s, "#");
}

/* Fills segs with up to cap non-empty path segments; returns how many the path has. */
static size_t split_path(span path, span *segs, size_t cap)
{
    size_t n = 0, i = 0;

    while (i < path.len) {
        size_t j = i;
        while (j < path.len && path.s[j] != '/')
            j++;
        if (j > i) {
            if (n < cap)
                segs[n] = (span){path.s + i, j - i};
            n++;
        }
        i = j + 1;
    }
    return n;
}

static bool span_eq(span a, span b)
{
    return a.len == b.len && !memcmp(a.s, b.s, a.len);
}

static bool repeats(const span *segs, size_t n, unsigned max_repeat)
{
    for (size_t i = 0; i < n; i++) {
        unsigned seen = 1;
        for (size_t j = i + 1; j < n; j++)
            if (span_eq(segs[i], segs[j]) && ++seen > max_repeat)
                return true;
    }
    return false;
}

/* Value of n decimal digits at s, or -1 when they are not all digits. */
static long digits(const char *s, size_t n)
{
    long v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool is_month(span s)
{
    long m = s.len >= 1 && s.len <= 2 ? digits(s.s, s.len) : -1;
    return m >= 1 && m <= 12;
}

/* Year of a value starting YYYY-MM (2024-03, 2024-03-12, 2024-03-12T10:00), or -1. */
static long date_year(span s)
{
    long y = s.len >= 7 ? digits(s.s, 4) : -1;

    if (y < 0 || s.s[4] != '-' || !is_month((span){s.s + 5, 2}))
        return -1;
    return y;
}

static bool outside(long year, year_window w)
{
    return year >= 0 && w.lo <= w.hi && (year < w.lo || year > w.hi);
}

static bool path_calendar(const span *segs, size_t n, year_window w)
{
    for (size_t i = 0; i < n; i++) {
        if (outside(date_year(segs[i]), w))
            return true;
        if (i + 1 < n && segs[i].len == 4 && is_month(segs[i + 1]) &&
            outside(digits(segs[i].s, 4), w))
            return true;
    }
    return false;
}

static bool param_calendar(span p, year_window w)
{
    size_t name_len = 0;
    span value;

    while (name_len < p.len && p.s[name_len] != '=')
        name_len++;
    if (name_len == p.len)
        return false;
    value = (span){p.s + name_len + 1, p.len - name_len - 1};
    if (outside(date_year(value), w))
        return true;
    return name_len == 4 && !strncasecmp(p.s, "year", 4) && value.len == 4 &&
           outside(digits(value.s, 4), w);
}

static bool query_calendar(span q, year_window w)
{
    size_t i = 0;

    while (i < q.len) {
        size_t j = i;
        while (j < q.len && q.s[j] != '&')
            j++;
        if (param_calendar((span){q.s + i, j - i}, w))
            return true;
        i = j + 1;
    }
    return false;
}

static year_window window(const rm_url_trap_opts *o)
{
    struct tm tm;
    year_window w = {1, 0};

    if (o->now && gmtime_r(&o->now, &tm)) {
        w.lo = 1900L + tm.tm_year - (long)o->years_back;
        w.hi = 1900L + tm.tm_year + (long)o->years_ahead;
    }
    return w;
}

rm_url_trap rm_url_is_trap(const char *url, const rm_url_trap_opts *opts)
{
    rm_url_trap_opts o;
    span path, query, segs[REPEAT_SCAN_MAX];
    size_t n;
    year_window w;

    if (opts)
        o = *opts;
    else
        rm_url_trap_opts_default(&o, 0);
    split_url(url, &path, &query);
    if (o.max_query_len && query.len > o.max_query_len)
        return RM_URL_TRAP_QUERY;
    n = split_path(path, segs, REPEAT_SCAN_MAX);
    if (o.max_segments && n > o.max_segments)
        return RM_URL_TRAP_DEPTH;
    n = RM_MIN(n, (size_t)REPEAT_SCAN_MAX);
    if (o.max_repeat && repeats(segs, n, o.max_repeat))
        return RM_URL_TRAP_REPEAT;
    w = window(&o);
    if (path_calendar(segs, n, w) || query_calendar(query, w))
        return RM_URL_TRAP_CALENDAR;
    return RM_URL_TRAP_NONE;
}
