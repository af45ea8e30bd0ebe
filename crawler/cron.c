/* Cron parsing into bit sets, and the next fire time by walking the zone's wall clock from
 * month to day to hour to minute, skipping whole units that cannot match. */
#include "core/rm.h"
#include "core/hash.h"
#include "crawler/cron.h"

#define MINUTE 60
#define DAY 86400
/* Times handed in must lie in 1970..9000, years the calendar code is tested for. */
#define LAST_AFTER ((int64_t)221845392000) /* 9000-01-01T00:00:00Z */

typedef struct field_spec {
    const char *name;
    int min, max;
    const char *const *names; /* names[i] means min + i; NULL: numbers only */
} field_spec;

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                          "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

enum { F_MINUTE, F_HOUR, F_MDAY, F_MONTH, F_WDAY, N_FIELDS };

static const field_spec specs[N_FIELDS] = {
    {"minute", 0, 59, NULL},
    {"hour", 0, 23, NULL},
    {"day-of-month", 1, 31, NULL},
    {"month", 1, 12, month_names},
    {"day-of-week", 0, 7, day_names}, /* 7 is Sunday again */
};

static const struct {
    const char *name;
    const char *expr;
} macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

static const struct {
    const char *name;
    int64_t secs;
} units[] = {
    {"m", 60},        {"min", 60},        {"mins", 60},         {"minute", 60},
    {"minutes", 60},  {"h", 3600},        {"hour", 3600},       {"hours", 3600},
    {"d", 86400},     {"day", 86400},     {"days", 86400},      {"w", 604800},
    {"week", 604800}, {"weeks", 604800},
};

typedef struct span {
    const char *s;
    size_t len;
} span;

/* Where parse errors go: the caller's buffer, possibly none. */
typedef struct errbuf {
    char *s;
    size_t len;
} errbuf;

static rm_err fail(errbuf *e, const char *fmt, ...) RM_PRINTF(2, 3);

static rm_err fail(errbuf *e, const char *fmt, ...)
{
    va_list ap;

    if (e->s && e->len) {
        va_start(ap, fmt);
        vsnprintf(e->s, e->len, fmt, ap);
        va_end(ap);
    }
    return RM_EPARSE;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- fields ---- */

/* Reads a number or a name at *p (within end) into *v. */
static rm_err value(const field_spec *f, const char **p, const char *end, int *v, errbuf *e)
{
    const char *s = *p;
    long n = 0;

    if (s < end && is_digit(*s)) {
        for (; s < end && is_digit(*s); s++)
            n = n <= 1000 ? n * 10 + (*s - '0') : n; /* big enough to be out of range */
        if (n < f->min || n > f->max)
            return fail(e, "%s: %.*s is out of range %d-%d", f->name, (int)(s - *p), *p,
                        f->min, f->max);
        *v = (int)n;
        *p = s;
        return RM_OK;
    }
    while (s < end && is_alpha(*s))
        s++;
    for (int i = 0; f->names && f->names[i]; i++)
        if (s - *p == 3 && !strncasecmp(*p, f->names[i], 3)) {
            *v = f->min + i;
            *p = s;
            return RM_OK;
        }
    if (s == *p || !f->names)
        return fail(e, "%s: expected a number%s at '%.*s'", f->name,
                    f->names ? " or a name" : "", (int)(end - *p), *p);
    return fail(e, "%s: unknown name '%.*s'", f->name, (int)(s - *p), *p);
}

/* One list item: (* | v | v-v)[/step]. Sets its values in *bits. */
static rm_err item(const field_spec *f, span it, uint64_t *bits, errbuf *e)
{
    const char *p = it.s, *end = it.s + it.len;
    int lo = f->min, hi = f->max, step = 1;
    bool single = false;
    rm_err err;

    if (p < end && *p == '*') {
        p++;
    } else {
        if ((err = value(f, &p, end, &lo, e)))
            return err;
        hi = lo;
        single = true;
        if (p < end && *p == '-') {
            p++;
            if ((err = value(f, &p, end, &hi, e)))
                return err;
            single = false;
            if (hi < lo)
                return fail(e, "%s: range %.*s runs backwards", f->name, (int)it.len, it.s);
        }
    }
    if (p < end && *p == '/') {
        const char *s = ++p;
        long n = 0;
        for (; p < end && is_digit(*p); p++)
            n = n <= 1000 ? n * 10 + (*p - '0') : n;
        if (p == s || n < 1 || n > f->max - f->min + 1)
            return fail(e, "%s: step in '%.*s' must be 1-%d", f->name, (int)it.len, it.s,
                        f->max - f->min + 1);
        step = (int)n;
        if (single)
            hi = f->max; /* "5/15" is 5-max/15 */
    }
    if (p != end)
        return fail(e, "%s: unexpected '%c' in '%.*s'", f->name, *p, (int)it.len, it.s);
    for (int v = lo; v <= hi; v += step)
        *bits |= (uint64_t)1 << v;
    return RM_OK;
}

static rm_err field(const field_spec *f, span text, uint64_t *bits, errbuf *e)
{
    const char *p = text.s, *end = text.s + text.len;

    *bits = 0;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        span it = {p, (size_t)((comma ? comma : end) - p)};
        rm_err err;

        if (!it.len)
            return fail(e, "%s: empty item in '%.*s'", f->name, (int)text.len, text.s);
        if ((err = item(f, it, bits, e)))
            return err;
        if (!comma)
            return RM_OK;
        p = comma + 1;
    }
}

/* Splits s into blank-separated words; returns how many there were (fills at most max). */
static size_t words(const char *s, span *w, size_t max)
{
    size_t n = 0;

    for (;;) {
        while (is_blank(*s))
            s++;
        if (!*s)
            return n;
        if (n < max)
            w[n].s = s;
        while (*s && !is_blank(*s))
            s++;
        if (n < max)
            w[n].len = (size_t)(s - w[n].s);
        n++;
    }
}

/* With both day fields needed (one starts with '*'), a day-of-month beyond every chosen
 * month's end would never fire; "0 0 30 2 *" is better refused than silently idle. */
static rm_err check_reachable(const rm_cron *c, errbuf *e)
{
    if (c->dom_star || !c->dow_star)
        return RM_OK;
    for (int m = 1; m <= 12; m++)
        for (int d = 1; d <= rm_tz_days_in_month(2024, m); d++) /* 2024: Feb has 29 */
            if ((c->months >> m & 1) && (c->mdays >> d & 1))
                return RM_OK;
    return fail(e, "day-of-month: no chosen day exists in the chosen months");
}

static rm_err five_fields(const char *expr, rm_cron *c, errbuf *e)
{
    span w[N_FIELDS];
    uint64_t bits[N_FIELDS];
    size_t n = words(expr, w, N_FIELDS);
    rm_err err;

    if (n != N_FIELDS)
        return fail(e, "expected 5 fields (minute hour day-of-month month day-of-week), got %zu",
                    n);
    for (int i = 0; i < N_FIELDS; i++)
        if ((err = field(&specs[i], w[i], &bits[i], e)))
            return err;
    memset(c, 0, sizeof(*c));
    c->minutes = bits[F_MINUTE];
    c->hours = (uint32_t)bits[F_HOUR];
    c->mdays = (uint32_t)bits[F_MDAY];
    c->months = (uint16_t)bits[F_MONTH];
    c->wdays = (uint8_t)((bits[F_WDAY] | bits[F_WDAY] >> 7) & 0x7f); /* 7 -> 0 */
    c->dom_star = w[F_MDAY].s[0] == '*';
    c->dow_star = w[F_WDAY].s[0] == '*';
    return check_reachable(c, e);
}

/* "every N<unit>" */
static rm_err interval(const char *s, rm_cron *c, errbuf *e)
{
    const char *p = s;
    int64_t n = 0;
    size_t len;

    while (is_blank(*p))
        p++;
    if (!is_digit(*p))
        return fail(e, "every: expected a number, as in \"every 15m\"");
    for (; is_digit(*p); p++)
        n = n <= 1000000 ? n * 10 + (*p - '0') : n;
    while (is_blank(*p))
        p++;
    len = strlen(p);
    while (len && is_blank(p[len - 1]))
        len--;
    for (size_t i = 0; i < RM_ARRAY_LEN(units); i++) {
        if (strlen(units[i].name) != len || strncasecmp(p, units[i].name, len))
            continue;
        if (n < 1 || n * units[i].secs > 366 * (int64_t)DAY)
            return fail(e, "every: interval must be 1 minute to 366 days");
        memset(c, 0, sizeof(*c));
        c->every = n * units[i].secs;
        return RM_OK;
    }
    return fail(e, "every: unknown unit '%.*s' (m, h, d or w)", (int)len, p);
}

static rm_err macro(const char *s, rm_cron *c, errbuf *e)
{
    size_t len = strcspn(s, " \t");

    for (size_t i = 0; i < RM_ARRAY_LEN(macros); i++)
        if (strlen(macros[i].name) == len && !strncasecmp(s, macros[i].name, len)) {
            for (const char *p = s + len; *p; p++)
                if (!is_blank(*p))
                    return fail(e, "%.*s takes no fields", (int)len, s);
            return five_fields(macros[i].expr, c, e);
        }
    if (len == 7 && !strncasecmp(s, "@reboot", 7))
        return fail(e, "@reboot is not supported: a daemon schedule needs times");
    return fail(e, "unknown macro '%.*s'", (int)len, s);
}

rm_err rm_cron_parse(const char *expr, rm_cron *out, char *err, size_t errlen)
{
    errbuf e = {err, errlen};
    rm_cron c;
    rm_err rc;

    while (is_blank(*expr))
        expr++;
    if (*expr == '@')
        rc = macro(expr, &c, &e);
    else if (!strncasecmp(expr, "every", 5) && (is_blank(expr[5]) || is_digit(expr[5])))
        rc = interval(expr + 5, &c, &e);
    else
        rc = five_fields(expr, &c, &e);
    if (!rc)
        *out = c;
    return rc;
}

/* ---- next fire time ---- */

/* Wall times just after the epoch are negative west of Greenwich: round towards -inf. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && a < 0);
}

static int next_bit(uint64_t bits, int from, int max)
{
    for (int i = from; i <= max; i++)
        if (bits >> i & 1)
            return i;
    return -1;
}

static bool day_matches(const rm_cron *c, int mday, int wday)
{
    bool dom = c->mdays >> mday & 1, dow = c->wdays >> wday & 1;

    return c->dom_star || c->dow_star ? dom && dow : dom || dow;
}

/* The first wall time >= start (a whole minute) that matches c, up to limit. */
static bool next_match(const rm_cron *c, int64_t start, int64_t limit, int64_t *out)
{
    int64_t day = floor_div(start, DAY), secs = start - day * DAY, y;
    int hour = (int)(secs / 3600), minute = (int)(secs % 3600 / MINUTE), m, d, h;

    while (day * DAY <= limit) {
        rm_tz_civil_from_days(day, &y, &m, &d);
        if (!(c->months >> m & 1)) {
            day += rm_tz_days_in_month(y, m) - d + 1; /* the 1st of the next month */
            hour = minute = 0;
            continue;
        }
        h = day_matches(c, d, rm_tz_weekday(day)) ? next_bit(c->hours, hour, 23) : -1;
        if (h < 0) {
            day++;
            hour = minute = 0;
            continue;
        }
        if (h != hour)
            minute = 0;
        hour = h;
        if ((minute = next_bit(c->minutes, minute, 59)) >= 0) {
            *out = day * DAY + hour * 3600 + minute * MINUTE;
            return true;
        }
        minute = 0;
        if (++hour == 24) {
            day++;
            hour = 0;
        }
    }
    return false;
}

rm_err rm_cron_next_in(const rm_cron *c, time_t after, const rm_tz *tz, time_t *out)
{
    int64_t a = (int64_t)after, wall, start, limit, w, t;

    if (a < 0 || a > LAST_AFTER)
        return RM_EINVAL;
    if (c->every > 0) {
        *out = (time_t)((a / c->every + 1) * c->every); /* a >= 0: plain division floors */
        return RM_OK;
    }
    wall = rm_tz_to_local(tz, a);
    start = (floor_div(wall, MINUTE) + 1) * MINUTE;
    limit = wall + (int64_t)RM_CRON_SEARCH_YEARS * 366 * DAY;
    /* Wall times map to instants in order (gaps collapse, overlaps take the first), so the
     * first candidate past `after` is the answer; earlier ones were overlap repeats. */
    while (next_match(c, start, limit, &w)) {
        t = rm_tz_from_local(tz, w);
        if (t > a) {
            *out = (time_t)t;
            return RM_OK;
        }
        start = w + MINUTE;
    }
    return RM_EEMPTY;
}

rm_err rm_cron_next(const rm_cron *c, time_t after, const char *tz, time_t *out)
{
    rm_tz *z = NULL;
    rm_err err = rm_tz_load(tz, &z);

    if (!err)
        err = rm_cron_next_in(c, after, z, out);
    rm_tz_free(z);
    return err;
}

uint32_t rm_cron_jitter(const char *seed, uint32_t max_seconds)
{
    uint64_t h = rm_hash64(seed, strlen(seed));

    /* FNV's low bits mix poorly; a 64-bit finaliser spreads every input bit. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)(((h >> 32) * ((uint64_t)max_seconds + 1)) >> 32);
}
