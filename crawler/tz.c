/* TZif reader (RFC 8536), POSIX TZ footer rules and calendar arithmetic. */
#include "core/rm.h"
#include "crawler/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* RFC 8536 §3.2: offsets lie in -89999..93599 (about ±26 h). Every instant that shows a given
 * wall time lies within this distance of it. */
#define MAX_UTOFF 93599
#define MIN_UTOFF (-89999)
#define WINDOW (27 * 3600)
/* Times beyond ±2^60 s (36 billion years) are not converted: no arithmetic near INT64_MAX. */
#define FAR ((int64_t)1 << 60)
#define HEADER_SIZE 44

typedef struct rule_date {
    char kind; /* 'J': Jn, 1-365 without Feb 29; 'N': n, 0-365; 'M': Mm.w.d */
    int n, m, w, d;
} rule_date;

/* A POSIX TZ string: std offset [dst [offset] [,start[/time],end[/time]]]. */
typedef struct posix_tz {
    int32_t std_off, dst_off; /* seconds east (POSIX writes them west: "CET-1" is +3600) */
    bool has_dst;
    rule_date start, end;
    int32_t start_time, end_time; /* local seconds after midnight; may be < 0 or > 24 h */
} posix_tz;

struct rm_tz {
    int64_t *times;  /* transition instants, strictly ascending */
    uint8_t *types;  /* the time type each transition starts */
    size_t n;
    int32_t *utoff;  /* per time type */
    size_t ntypes;
    bool has_footer; /* footer rule for instants after the last transition */
    posix_tz footer;
};

typedef struct reader {
    const uint8_t *p;
    size_t left;
    bool ok;
} reader;

typedef struct header {
    uint8_t version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} header;

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Eras of 400 years (146097 days) starting in March, so the leap day ends each year. */
int64_t rm_tz_days_from_civil(int64_t year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

void rm_tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);

    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}

int rm_tz_weekday(int64_t days)
{
    return (int)(days + 4 - floor_div(days + 4, 7) * 7); /* 1970-01-01 was a Thursday */
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rm_tz_days_in_month(int64_t year, int month)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[month - 1] + (month == 2 && is_leap(year));
}

/* ---- POSIX TZ strings (the footer) ---- */

typedef struct cursor {
    const char *p, *end;
    bool ok;
} cursor;

static bool at_digit(const cursor *c)
{
    return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

static int number(cursor *c, int max)
{
    int v = 0;

    if (!at_digit(c))
        c->ok = false;
    while (c->ok && at_digit(c)) {
        v = v * 10 + (*c->p++ - '0');
        if (v > max)
            c->ok = false;
    }
    return v;
}

static bool eat(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits, '+' and '-'. */
static void abbreviation(cursor *c)
{
    const char *start = c->p;

    if (eat(c, '<')) {
        while (c->p < c->end && *c->p != '>')
            c->p++;
        c->ok = c->ok && c->p - start >= 2 && eat(c, '>');
        return;
    }
    while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z')))
        c->p++;
    if (c->p - start < 3)
        c->ok = false;
}

/* [+-]hh[:mm[:ss]]; hours up to 167 (RFC 8536 §3.3.1 extends POSIX's 24 for rule times). */
static int32_t hms(cursor *c)
{
    int sign = 1;
    int32_t secs;

    if (eat(c, '-'))
        sign = -1;
    else
        eat(c, '+');
    secs = number(c, 167) * 3600;

    if (eat(c, ':')) {
        secs += number(c, 59) * 60;
        if (eat(c, ':'))
            secs += number(c, 59);
    }
    return sign * secs;
}

static void rule_date_parse(cursor *c, rule_date *d, int32_t *time)
{
    if (eat(c, 'J')) {
        d->kind = 'J';
        d->n = number(c, 365);
        c->ok = c->ok && d->n >= 1;
    } else if (eat(c, 'M')) {
        d->kind = 'M';
        d->m = number(c, 12);
        c->ok = c->ok && d->m >= 1 && eat(c, '.');
        d->w = number(c, 5);
        c->ok = c->ok && d->w >= 1 && eat(c, '.');
        d->d = number(c, 6);
    } else {
        d->kind = 'N';
        d->n = number(c, 365);
    }
    *time = eat(c, '/') ? hms(c) : 2 * 3600; /* POSIX default: 02:00 */
}

static bool posix_parse(const char *s, size_t len, posix_tz *z)
{
    cursor c = {s, s + len, true};

    memset(z, 0, sizeof(*z));
    abbreviation(&c);
    z->std_off = -hms(&c);
    if (c.ok && c.p < c.end) {
        z->has_dst = true;
        abbreviation(&c);
        z->dst_off = z->std_off + 3600;
        if (c.p < c.end && *c.p != ',')
            z->dst_off = -hms(&c);
        /* zic always writes the rules; without them there is no telling when DST applies. */
        c.ok = c.ok && eat(&c, ',');
        rule_date_parse(&c, &z->start, &z->start_time);
        c.ok = c.ok && eat(&c, ',');
        rule_date_parse(&c, &z->end, &z->end_time);
    }
    return c.ok && c.p == c.end && z->std_off >= MIN_UTOFF && z->std_off <= MAX_UTOFF &&
           z->dst_off >= MIN_UTOFF && z->dst_off <= MAX_UTOFF;
}

/* Day number of a rule date in year y. */
static int64_t rule_day(const rule_date *d, int64_t y)
{
    int64_t jan1 = rm_tz_days_from_civil(y, 1, 1), first;
    int day;

    switch (d->kind) {
    case 'J':
        return jan1 + d->n - 1 + (is_leap(y) && d->n >= 60);
    case 'N':
        return jan1 + d->n;
    default:
        first = rm_tz_days_from_civil(y, d->m, 1);
        day = 1 + (d->d - rm_tz_weekday(first) + 7) % 7 + (d->w - 1) * 7;
        if (day > rm_tz_days_in_month(y, d->m))
            day -= 7; /* week 5 means the last such weekday */
        return first + day - 1;
    }
}

static int32_t posix_offset(const posix_tz *z, int64_t t)
{
    int64_t y, s, e;
    int m, d;
    bool dst;

    if (!z->has_dst)
        return z->std_off;
    t = RM_MAX(RM_MIN(t, FAR), -FAR); /* the rule holds as far as anyone asks */
    rm_tz_civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
    /* Start is written in standard time, end in daylight time. */
    s = rule_day(&z->start, y) * 86400 + z->start_time - z->std_off;
    e = rule_day(&z->end, y) * 86400 + z->end_time - z->dst_off;
    dst = s < e ? (t >= s && t < e) : (t < e || t >= s); /* s > e: southern hemisphere */
    return dst ? z->dst_off : z->std_off;
}

/* ---- TZif ---- */

static const uint8_t *take(reader *r, size_t n)
{
    const uint8_t *p = r->p;

    if (!r->ok || n > r->left) {
        r->ok = false;
        return NULL;
    }
    r->p += n;
    r->left -= n;
    return p;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

static bool read_header(reader *r, header *h)
{
    const uint8_t *p = take(r, HEADER_SIZE);

    if (!p || memcmp(p, "TZif", 4) || (p[4] != 0 && (p[4] < '2' || p[4] > '4')))
        return false;
    h->version = p[4];
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    /* §3.1: at least one type and one abbreviation byte; the indicator arrays are empty or
     * one per type; type indexes are bytes. */
    return h->typecnt >= 1 && h->typecnt <= 256 && h->charcnt >= 1 &&
           (h->isutcnt == 0 || h->isutcnt == h->typecnt) &&
           (h->isstdcnt == 0 || h->isstdcnt == h->typecnt);
}

static size_t block_size(const header *h, size_t tsize)
{
    return (size_t)h->timecnt * (tsize + 1) + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Fills tz from one data block with tsize-byte times (4 in version 1, 8 after). */
static rm_err read_block(reader *r, const header *h, size_t tsize, rm_tz *tz)
{
    const uint8_t *times = take(r, (size_t)h->timecnt * tsize);
    const uint8_t *idx = take(r, h->timecnt);
    const uint8_t *info = take(r, (size_t)h->typecnt * 6);

    take(r, h->charcnt);                          /* abbreviations: not needed */
    take(r, (size_t)h->leapcnt * (tsize + 4));    /* leap-second records: refused below */
    take(r, (size_t)h->isstdcnt + h->isutcnt);    /* indicators: only for POSIX rules */
    if (!r->ok)
        return RM_EPARSE;
    if (h->leapcnt)
        return RM_EUNSUPPORTED;
    tz->n = h->timecnt;
    tz->ntypes = h->typecnt;
    tz->times = rm_xcalloc(tz->n + 1, sizeof(*tz->times));
    tz->types = rm_xcalloc(tz->n + 1, 1);
    tz->utoff = rm_xcalloc(tz->ntypes, sizeof(*tz->utoff));
    for (size_t i = 0; i < tz->ntypes; i++) {
        tz->utoff[i] = (int32_t)be32(info + 6 * i);
        if (tz->utoff[i] < MIN_UTOFF || tz->utoff[i] > MAX_UTOFF || info[6 * i + 4] > 1)
            return RM_EPARSE;
    }
    for (size_t i = 0; i < tz->n; i++) {
        tz->times[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        tz->types[i] = idx[i];
        if (idx[i] >= tz->ntypes || (i && tz->times[i] <= tz->times[i - 1]))
            return RM_EPARSE;
    }
    return RM_OK;
}

/* The footer: "\n" TZ-string "\n" (§3.3); an empty string means no rule. */
static rm_err read_footer(reader *r, rm_tz *tz)
{
    const uint8_t *nl;

    if (!take(r, 1) || r->p[-1] != '\n' || !(nl = memchr(r->p, '\n', r->left)))
        return RM_EPARSE;
    if (nl == r->p)
        return RM_OK;
    tz->has_footer = true;
    return posix_parse((const char *)r->p, (size_t)(nl - r->p), &tz->footer) ? RM_OK
                                                                            : RM_EPARSE;
}

rm_err rm_tz_parse(const void *data, size_t len, rm_tz **out)
{
    reader r = {data, len, data != NULL};
    header h;
    rm_tz *tz = rm_xcalloc(1, sizeof(*tz));
    rm_err err = RM_EPARSE;

    if (!read_header(&r, &h))
        goto cleanup;
    if (h.version == 0) {
        err = read_block(&r, &h, 4, tz);
        goto cleanup;
    }
    /* Version 2+: skip the 32-bit block; the 64-bit one and the footer follow. */
    take(&r, block_size(&h, 4));
    if (!read_header(&r, &h))
        goto cleanup;
    err = read_block(&r, &h, 8, tz);
    if (!err)
        err = read_footer(&r, tz);
cleanup:
    if (err) {
        rm_tz_free(tz);
        return err;
    }
    *out = tz;
    return RM_OK;
}

void rm_tz_free(rm_tz *tz)
{
    if (!tz)
        return;
    free(tz->times);
    free(tz->types);
    free(tz->utoff);
    free(tz);
}

static rm_tz *utc_new(void)
{
    rm_tz *tz = rm_xcalloc(1, sizeof(*tz));

    tz->utoff = rm_xcalloc(1, sizeof(*tz->utoff));
    tz->ntypes = 1;
    return tz;
}

/* A relative path of [A-Za-z0-9_+-.] components, none of them "." or "..". */
static bool valid_name(const char *name)
{
    const char *p = name;

    if (strlen(name) > 255 || name[0] == '/')
        return false;
    while (*p) {
        size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-.");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
            return false;
        p += n;
        if (*p && (*p != '/' || !p[1]))
            return false;
        p += *p == '/';
    }
    return true;
}

static rm_err read_zone_file(const char *path, rm_buf *b)
{
    char chunk[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    rm_err err = RM_OK;

    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? RM_ENOTFOUND : RM_EIO;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        if (rm_buf_add(b, chunk, (size_t)n))
            break;
    if (n < 0)
        err = errno == EISDIR ? RM_ENOTFOUND : RM_EIO; /* "Europe" is a folder, not a zone */
    else if (b->err)
        err = RM_EPARSE;
    close(fd);
    return err;
}

rm_err rm_tz_load(const char *name, rm_tz **out)
{
    char path[512];
    rm_buf b;
    rm_err err;

    if (!name || !*name || !strcmp(name, "UTC")) {
        *out = utc_new();
        return RM_OK;
    }
    if (!valid_name(name))
        return RM_EINVAL;
    snprintf(path, sizeof(path), "%s/%s", RM_TZ_DIR, name);
    rm_buf_init(&b, RM_TZ_MAX_FILE);
    err = read_zone_file(path, &b);
    if (!err)
        err = rm_tz_parse(b.ptr, b.len, out);
    rm_buf_release(&b);
    return err;
}

/* ---- conversions ---- */

int32_t rm_tz_offset(const rm_tz *tz, int64_t t)
{
    size_t lo = 0, hi;

    if (!tz->n || t >= tz->times[tz->n - 1]) {
        if (tz->has_footer)
            return posix_offset(&tz->footer, t);
        return tz->utoff[tz->n ? tz->types[tz->n - 1] : 0];
    }
    if (t < tz->times[0])
        return tz->utoff[0]; /* §3.2: before the first transition, time type 0 */
    hi = tz->n - 1;          /* times[lo] <= t < times[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->utoff[tz->types[lo]];
}

int64_t rm_tz_to_local(const rm_tz *tz, int64_t t)
{
    if (t > FAR || t < -FAR)
        return t; /* no overflow near INT64_MAX; no clock shows such times anyway */
    return t + rm_tz_offset(tz, t);
}

int64_t rm_tz_from_local(const rm_tz *tz, int64_t wall)
{
    int32_t offs[3];
    int64_t best = INT64_MAX, lo, hi;

    if (wall > FAR || wall < -FAR)
        return wall;
    /* The offsets around wall; an instant t shows wall when t + off(t) == wall. */
    offs[0] = rm_tz_offset(tz, wall - WINDOW);
    offs[1] = rm_tz_offset(tz, wall);
    offs[2] = rm_tz_offset(tz, wall + WINDOW);
    for (int i = 0; i < 3; i++)
        if (rm_tz_offset(tz, wall - offs[i]) == offs[i])
            best = RM_MIN(best, wall - offs[i]); /* an overlap has two: take the first */
    if (best != INT64_MAX)
        return best;
    /* A gap: no instant shows wall. Find the first instant showing a later time, which is
     * the moment of the change. */
    lo = wall - WINDOW;
    hi = wall + WINDOW;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (mid + rm_tz_offset(tz, mid) > wall)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
