#include "core/rm.h"
#include "core/clock.h"
#include "crawler/cron.h"
#include "crawler/tz.h"
#include "tests/helpers/testutil.h"

#include <unistd.h>

static bool have_zone(const char *name)
{
    char path[512];
    if (!strcmp(name, "UTC"))
        return true;
    snprintf(path, sizeof(path), "%s/%s", RM_TZ_DIR, name);
    return access(path, R_OK) == 0;
}

/* Splits a line at tabs in place; returns the field count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Calls fn on every data line of a TSV fixture. */
static int each_row(const char *fixture, void (*fn)(char **f, size_t n, int line_no))
{
    char *text = rm_test_read_fixture(fixture, NULL);
    int line_no = 0, rows = 0;

    for (char *line = text, *next; *line; line = next) {
        char *nl = strchr(line, '\n'), *f[16];
        next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        line_no++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        fn(f, split_tabs(line, f, 16), line_no);
        rows++;
    }
    free(text);
    return rows;
}

static time_t iso(const char *s)
{
    time_t t;
    if (rm_time_parse_iso(s, &t))
        fail_msg("bad time in fixture: %s", s);
    return t;
}

static void next_row(char **f, size_t n, int line_no)
{
    char why[128] = "";
    rm_cron c;
    time_t t, got;

    if (n < 4)
        fail_msg("next.tsv:%d: needs expression, zone, after, next", line_no);
    if (!have_zone(f[1]))
        return;
    if (rm_cron_parse(f[0], &c, why, sizeof(why)))
        fail_msg("next.tsv:%d: %s: %s", line_no, f[0], why);
    t = iso(f[2]);
    for (size_t i = 3; i < n; i++) {
        char have[32];
        rm_err err = rm_cron_next(&c, t, f[1], &got);
        rm_time_iso(got, have);
        if (err || got != iso(f[i]))
            fail_msg("next.tsv:%d: %s in %s after %s: want %s, got %s %s", line_no, f[0], f[1],
                     f[i - 1], f[i], rm_err_str(err), err ? "" : have);
        t = got;
    }
}

static void cron_next_table(void **state)
{
    (void)state;
    assert_true(each_row("cron/next.tsv", next_row) > 50);
}

static void invalid_row(char **f, size_t n, int line_no)
{
    char why[160] = "";
    rm_cron c;

    memset(&c, 0xab, sizeof(c));
    if (n != 2)
        fail_msg("invalid.tsv:%d: needs expression and message", line_no);
    if (rm_cron_parse(f[0], &c, why, sizeof(why)) != RM_EPARSE)
        fail_msg("invalid.tsv:%d: '%s' was accepted", line_no, f[0]);
    if (strcmp(why, f[1]) != 0)
        fail_msg("invalid.tsv:%d: '%s': want \"%s\", got \"%s\"", line_no, f[0], f[1], why);
    assert_int_equal(c.minutes, 0xababababababababULL); /* untouched */
}

static void cron_invalid_expressions_name_the_field(void **state)
{
    rm_cron c;
    (void)state;
    assert_true(each_row("cron/invalid.tsv", invalid_row) > 30);
    /* No buffer for the message is fine, and a short one is cut, not overrun. */
    assert_int_equal(rm_cron_parse("61 * * * *", &c, NULL, 0), RM_EPARSE);
    char tiny[8];
    assert_int_equal(rm_cron_parse("61 * * * *", &c, tiny, sizeof(tiny)), RM_EPARSE);
    assert_string_equal(tiny, "minute:");
}

static void cron_parse_sets_bits(void **state)
{
    rm_cron c;
    (void)state;

    assert_int_equal(rm_cron_parse("*/20 0,12 1-3 feb-mar 7", &c, NULL, 0), RM_OK);
    assert_true(c.minutes == ((1ULL << 0) | (1ULL << 20) | (1ULL << 40)));
    assert_int_equal(c.hours, (1u << 0) | (1u << 12));
    assert_int_equal(c.mdays, (1u << 1) | (1u << 2) | (1u << 3));
    assert_int_equal(c.months, (1u << 2) | (1u << 3));
    assert_int_equal(c.wdays, 1u << 0); /* 7 is Sunday */
    assert_false(c.dom_star);
    assert_false(c.dow_star);
    assert_int_equal(c.every, 0);
    assert_int_equal(rm_cron_parse("  0 0 * * *  ", &c, NULL, 0), RM_OK);
    assert_true(c.dom_star && c.dow_star);
    assert_int_equal(c.wdays, 0x7f);
    assert_int_equal(c.mdays, 0xfffffffeu);
    assert_int_equal(rm_cron_parse("0\t0\t*/2\t*\t1", &c, NULL, 0), RM_OK);
    assert_true(c.dom_star && !c.dow_star);
    assert_int_equal(rm_cron_parse("EVERY 6H", &c, NULL, 0), RM_OK);
    assert_int_equal(c.every, 6 * 3600);
    assert_int_equal(rm_cron_parse("every15m", &c, NULL, 0), RM_OK);
    assert_int_equal(c.every, 900);
    assert_int_equal(rm_cron_parse("@weekly", &c, NULL, 0), RM_OK);
    assert_int_equal(c.wdays, 1);
    assert_int_equal(c.hours, 1);
    assert_true(c.minutes == 1);
}

static void cron_next_errors(void **state)
{
    rm_cron c, never;
    time_t t;
    (void)state;

    assert_int_equal(rm_cron_parse("0 0 * * *", &c, NULL, 0), RM_OK);
    assert_int_equal(rm_cron_next(&c, -1, NULL, &t), RM_EINVAL);
    assert_int_equal(rm_cron_next(&c, (time_t)221845392001, NULL, &t), RM_EINVAL);
    assert_int_equal(rm_cron_next(&c, (time_t)221845392000, NULL, &t), RM_OK);
    assert_int_equal(rm_cron_next(&c, 0, "Mars/Olympus_Mons", &t), RM_ENOTFOUND);
    assert_int_equal(rm_cron_next(&c, 0, "../etc", &t), RM_EINVAL);
    /* An rm_cron not made by rm_cron_parse may never fire: the search gives up. */
    never = c;
    never.months = 0;
    assert_int_equal(rm_cron_next(&never, 0, NULL, &t), RM_EEMPTY);
    /* The epoch itself, west of Greenwich, where wall times are still in 1969. */
    if (have_zone("America/New_York")) {
        assert_int_equal(rm_cron_parse("0 20 * * *", &c, NULL, 0), RM_OK);
        assert_int_equal(rm_cron_next(&c, 0, "America/New_York", &t), RM_OK);
        assert_int_equal(t, 3600); /* 1969-12-31 20:00 EST */
    }
}

static void cron_next_in_matches_next(void **state)
{
    rm_tz *tz = NULL;
    rm_cron c;
    time_t a, b, t = 1711800000;
    (void)state;

    if (!have_zone("Europe/Berlin"))
        skip();
    assert_int_equal(rm_tz_load("Europe/Berlin", &tz), RM_OK);
    assert_int_equal(rm_cron_parse("*/7 1-3 * * *", &c, NULL, 0), RM_OK);
    for (int i = 0; i < 200; i++) {
        assert_int_equal(rm_cron_next_in(&c, t, tz, &a), RM_OK);
        assert_int_equal(rm_cron_next(&c, t, "Europe/Berlin", &b), RM_OK);
        assert_int_equal(a, b);
        assert_true(a > t);
        t = a;
    }
    rm_tz_free(tz);
}

static void cron_jitter_is_stable_and_spread(void **state)
{
    uint32_t hist[10] = {0};
    char name[32];
    (void)state;

    assert_int_equal(rm_cron_jitter("reviews-daily", 300), rm_cron_jitter("reviews-daily", 300));
    assert_int_equal(rm_cron_jitter("anything", 0), 0);
    for (int i = 0; i < 5000; i++) {
        uint32_t j;
        snprintf(name, sizeof(name), "job-%d", i);
        j = rm_cron_jitter(name, 999);
        assert_true(j <= 999);
        hist[j / 100]++;
    }
    /* Names differing in one character land all over the range. */
    for (int i = 0; i < 10; i++)
        assert_true(hist[i] > 350 && hist[i] < 650);
    assert_true(rm_cron_jitter("x", UINT32_MAX) <= UINT32_MAX);
}

/* ---- brute force: scan minute by minute and compare ---- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void random_field(rm_buf *b, int min, int max)
{
    int lo, hi;

    switch (rnd(6)) {
    case 0: rm_buf_addc(b, '*'); break;
    case 1: rm_buf_addf(b, "*/%u", 1 + rnd((unsigned)(max - min + 1))); break;
    case 2: rm_buf_addf(b, "%u", min + rnd((unsigned)(max - min + 1))); break;
    case 3:
        lo = min + (int)rnd((unsigned)(max - min + 1));
        hi = lo + (int)rnd((unsigned)(max - lo + 1));
        rm_buf_addf(b, "%d-%d/%u", lo, hi, 1 + rnd(4));
        break;
    default:
        for (int i = 0, n = 1 + (int)rnd(4); i < n; i++)
            rm_buf_addf(b, "%s%u", i ? "," : "", min + rnd((unsigned)(max - min + 1)));
    }
    rm_buf_addc(b, ' ');
}

/* The cron rule restated plainly, for one wall time. */
static bool fires_at(const rm_cron *c, int64_t wall)
{
    int64_t days = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400), y;
    int64_t secs = wall - days * 86400;
    int m, d, wd = rm_tz_weekday(days);
    bool dom, dow;

    rm_tz_civil_from_days(days, &y, &m, &d);
    dom = c->mdays >> d & 1;
    dow = c->wdays >> wd & 1;
    return (c->minutes >> (secs % 3600 / 60) & 1) && (c->hours >> (secs / 3600) & 1) &&
           (c->months >> m & 1) && (c->dom_star || c->dow_star ? dom && dow : dom || dow);
}

static void brute_force_zone(const char *zone)
{
    rm_tz *tz = NULL;
    rm_buf expr;
    int compared = 0;

    assert_int_equal(rm_tz_load(zone, &tz), RM_OK);
    rm_buf_init(&expr, RM_BUF_NOLIMIT);
    for (int i = 0; i < 300; i++) {
        const int64_t horizon = 40 * 86400;
        int64_t after = 1704067200 + (int64_t)rnd(400) * 86400 + rnd(86400), want = -1;
        rm_cron c;
        time_t got;
        rm_err err;

        rm_buf_reset(&expr);
        random_field(&expr, 0, 59);
        random_field(&expr, 0, 23);
        random_field(&expr, 1, 28 + (int)rnd(4));
        if (rnd(3))
            rm_buf_adds(&expr, "* ");
        else
            random_field(&expr, 1, 12);
        if (rnd(2))
            rm_buf_adds(&expr, "*");
        else
            random_field(&expr, 0, 7);
        if (rm_cron_parse(expr.ptr, &c, NULL, 0))
            continue; /* an unreachable day: refused, fine */
        for (int64_t t = (after / 60 + 1) * 60; t <= after + horizon; t += 60)
            if (fires_at(&c, rm_tz_to_local(tz, t))) {
                want = t;
                break;
            }
        err = rm_cron_next_in(&c, after, tz, &got);
        if (want >= 0 && (err || got != want))
            fail_msg("%s in %s after %lld: want %lld, got %s %lld", expr.ptr, zone,
                     (long long)after, (long long)want, rm_err_str(err), (long long)got);
        if (want < 0 && !err && got <= after + horizon)
            fail_msg("%s in %s after %lld: nothing before %lld, got %lld", expr.ptr, zone,
                     (long long)after, (long long)(after + horizon), (long long)got);
        compared++;
    }
    assert_true(compared > 200);
    rm_buf_release(&expr);
    rm_tz_free(tz);
}

/* Zones without changes in 2024-2025 (UTC, Kolkata at +05:30) make the minute scan exact. */
static void cron_matches_brute_force(void **state)
{
    (void)state;
    brute_force_zone("UTC");
    if (have_zone("Asia/Kolkata"))
        brute_force_zone("Asia/Kolkata");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cron_next_table),
        cmocka_unit_test(cron_invalid_expressions_name_the_field),
        cmocka_unit_test(cron_parse_sets_bits),
        cmocka_unit_test(cron_next_errors),
        cmocka_unit_test(cron_next_in_matches_next),
        cmocka_unit_test(cron_jitter_is_stable_and_spread),
        cmocka_unit_test(cron_matches_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
