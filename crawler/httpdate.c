/* HTTP date parsing: a small cursor over the string, one function per field, and three
 * top-level shapes that differ only in field order and separators. */
#include "core/rm.h"
#include "crawler/httpdate.h"
#include "crawler/tz.h"

static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

typedef struct cursor {
    const char *p;
    bool ok; /* false after the first mismatch; later steps do nothing */
} cursor;

typedef struct fields {
    int year, month, day, hour, min, sec; /* month 0..11 */
} fields;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void skip_spaces(cursor *c)
{
    while (is_space(*c->p))
        c->p++;
}

/* One or more spaces (asctime pads the day with a second one). */
static void spaces(cursor *c)
{
    if (c->ok && !is_space(*c->p))
        c->ok = false;
    skip_spaces(c);
}

static void lit(cursor *c, char ch)
{
    if (c->ok && *c->p == ch)
        c->p++;
    else
        c->ok = false;
}

/* Between min and max digits; returns their value. */
static int number(cursor *c, int min, int max, int *ndigits)
{
    int v = 0, n = 0;

    while (c->ok && n < max && is_digit(c->p[n])) {
        v = v * 10 + (c->p[n] - '0');
        n++;
    }
    if (n < min || is_digit(c->p[n]))
        c->ok = false;
    c->p += n;
    if (ndigits)
        *ndigits = n;
    return v;
}

/* Index of the name in table that the cursor starts with (case-insensitively), or -1. */
static int name(cursor *c, const char *const *table, int n)
{
    for (int i = 0; c->ok && i < n; i++) {
        size_t len = strlen(table[i]);
        if (!strncasecmp(c->p, table[i], len)) {
            c->p += len;
            return i;
        }
    }
    c->ok = false;
    return -1;
}

static void time_of_day(cursor *c, fields *f)
{
    f->hour = number(c, 2, 2, NULL);
    lit(c, ':');
    f->min = number(c, 2, 2, NULL);
    lit(c, ':');
    f->sec = number(c, 2, 2, NULL);
}

/* 4 digits as written; 2 digits in 1970..2069. */
static int year(cursor *c)
{
    int n = 0, y = number(c, 2, 4, &n);

    if (n == 3)
        c->ok = false;
    if (n == 2)
        y += y < 70 ? 2000 : 1900;
    return y;
}

static void zone(cursor *c)
{
    if (c->ok && (!strncasecmp(c->p, "GMT", 3) || !strncasecmp(c->p, "UTC", 3)))
        c->p += 3;
    else
        c->ok = false;
}

/* After "Sun," : "06 Nov 1994 08:49:37 GMT" (IMF-fixdate). */
static void imf_rest(cursor *c, fields *f)
{
    spaces(c);
    f->day = number(c, 1, 2, NULL);
    spaces(c);
    f->month = name(c, months, 12);
    spaces(c);
    f->year = year(c);
    spaces(c);
    time_of_day(c, f);
    spaces(c);
    zone(c);
}

/* After "Sunday," : "06-Nov-94 08:49:37 GMT" (RFC 850). */
static void rfc850_rest(cursor *c, fields *f)
{
    spaces(c);
    f->day = number(c, 1, 2, NULL);
    lit(c, '-');
    f->month = name(c, months, 12);
    lit(c, '-');
    f->year = year(c);
    spaces(c);
    time_of_day(c, f);
    spaces(c);
    zone(c);
}

/* After "Sun" : " Nov  6 08:49:37 1994" (asctime). */
static void asctime_rest(cursor *c, fields *f)
{
    spaces(c);
    f->month = name(c, months, 12);
    spaces(c);
    f->day = number(c, 1, 2, NULL);
    spaces(c);
    time_of_day(c, f);
    spaces(c);
    f->year = number(c, 4, 4, NULL);
}

static bool valid(const fields *f)
{
    return f->day >= 1 && f->day <= rm_tz_days_in_month(f->year, f->month + 1) &&
           f->hour <= 23 && f->min <= 59 && f->sec <= 60;
}

rm_err rm_http_date_parse(const char *s, time_t *out)
{
    cursor c = {s, true};
    fields f = {0, 0, 0, 0, 0, 0};
    const char *start;

    skip_spaces(&c);
    start = c.p;
    if (name(&c, long_days, 7) >= 0 && *c.p == ',') {
        lit(&c, ',');
        rfc850_rest(&c, &f);
    } else {
        c = (cursor){start, true};
        name(&c, days, 7);
        if (c.ok && *c.p == ',') {
            lit(&c, ',');
            (strchr(c.p, '-') ? rfc850_rest : imf_rest)(&c, &f);
        } else {
            asctime_rest(&c, &f);
        }
    }
    skip_spaces(&c);
    if (!c.ok || *c.p || !valid(&f))
        return RM_EPARSE;
    /* Not timegm(): glibc's keeps a static guess between calls, shared by all threads. */
    *out = (time_t)(rm_tz_days_from_civil(f.year, f.month + 1, f.day) * 86400 +
                    f.hour * 3600 + f.min * 60 + f.sec);
    return RM_OK;
}

/* delta-seconds = 1*DIGIT; huge values saturate rather than overflow. */
static bool delta_seconds(const char *s, int64_t *ms)
{
    int64_t secs = 0;
    const int64_t cap = RM_RETRY_AFTER_MAX_MS / 1000;

    if (!is_digit(*s))
        return false;
    for (; is_digit(*s); s++)
        secs = RM_MIN(secs * 10 + (*s - '0'), cap + 1);
    while (is_space(*s))
        s++;
    if (*s)
        return false;
    *ms = RM_MIN(secs, cap) * 1000;
    return true;
}

rm_err rm_retry_after_parse(const char *value, time_t now, int64_t *delay_ms)
{
    time_t at;
    int64_t d;

    while (is_space(*value))
        value++;
    if (delta_seconds(value, delay_ms))
        return RM_OK;
    if (rm_http_date_parse(value, &at))
        return RM_EPARSE;
    if (at <= now) {
        *delay_ms = 0;
        return RM_OK;
    }
    d = (int64_t)at - (int64_t)now;
    *delay_ms = d > RM_RETRY_AFTER_MAX_MS / 1000 ? RM_RETRY_AFTER_MAX_MS : d * 1000;
    return RM_OK;
}

rm_err rm_http_date_format(time_t t, char out[RM_HTTP_DATE_SIZE])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
        return RM_EINVAL;
    snprintf(out, RM_HTTP_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    return RM_OK;
}
