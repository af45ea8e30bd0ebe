#include "core/rm.h"
#include "crawler/tz.h"
#include "tests/helpers/testutil.h"

#include <sys/mman.h>
#include <unistd.h>

/* Zones with the shapes that break naive code: southern DST, half and quarter hours,
 * negative DST (Dublin), rule times below 0 (Nuuk) and past 24 h (Gaza), a skipped day
 * (Apia, 2011), a 30-minute DST (Lord Howe), abolished DST (Sao Paulo, Moscow). */
static const char *const zones[] = {
    "Europe/Berlin",     "America/New_York",   "Australia/Sydney", "Asia/Kolkata",
    "America/St_Johns",  "Pacific/Apia",       "Europe/Moscow",    "Asia/Tehran",
    "Pacific/Chatham",   "Antarctica/Troll",   "Europe/Dublin",    "America/Sao_Paulo",
    "Australia/Lord_Howe", "America/Nuuk",     "Asia/Gaza",        "Africa/Casablanca",
    "Pacific/Kiritimati", "America/Santiago",  "Etc/GMT+5",        "UTC",
};

static bool have_zone(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", RM_TZ_DIR, name);
    return access(path, R_OK) == 0;
}

static void tz_calendar(void **state)
{
    int64_t y;
    int m, d;
    (void)state;

    assert_int_equal(rm_tz_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(rm_tz_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(rm_tz_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(rm_tz_days_from_civil(2024, 3, 31), 19813);
    assert_int_equal(rm_tz_weekday(19813), 0);                          /* a Sunday */
    assert_int_equal(rm_tz_weekday(0), 4);                              /* a Thursday */
    assert_int_equal(rm_tz_weekday(-1), 3);
    assert_int_equal(rm_tz_weekday(rm_tz_days_from_civil(1900, 1, 1)), 1); /* a Monday */
    assert_int_equal(rm_tz_days_in_month(2024, 2), 29);
    assert_int_equal(rm_tz_days_in_month(2100, 2), 28);
    assert_int_equal(rm_tz_days_in_month(2000, 2), 29);
    assert_int_equal(rm_tz_days_in_month(2023, 2), 28);
    assert_int_equal(rm_tz_days_in_month(2024, 4), 30);
    assert_int_equal(rm_tz_days_in_month(2024, 12), 31);
    /* Every day for 3000 years either side of 1970 round-trips and steps by one. */
    for (int64_t days = -1100000; days <= 1100000; days++) {
        rm_tz_civil_from_days(days, &y, &m, &d);
        if (rm_tz_days_from_civil(y, m, d) != days || d < 1 || d > rm_tz_days_in_month(y, m))
            fail_msg("day %lld -> %lld-%d-%d", (long long)days, (long long)y, m, d);
    }
    rm_tz_civil_from_days(rm_tz_days_from_civil(2100, 2, 29), &y, &m, &d);
    assert_true(y == 2100 && m == 3 && d == 1); /* out-of-range days roll over */
}

/* glibc's localtime_r under TZ is the reference; a test may set TZ, it runs alone. */
static int32_t libc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(localtime_r(&tt, &tm));
    return (int32_t)tm.tm_gmtoff;
}

static void compare_zone(const char *name)
{
    rm_tz *tz = NULL;
    int64_t t;
    size_t checked = 0;

    assert_int_equal(rm_tz_load(name, &tz), RM_OK);
    setenv("TZ", name, 1);
    tzset();
    /* 1901..2120 every 23 h 59 min 13 s, so every hour of the day gets visited. */
    for (t = -2145916800LL; t < 4733510400LL; t += 86353) {
        int32_t want = libc_offset(t), got = rm_tz_offset(tz, t);
        if (want != got)
            fail_msg("%s at %lld: libc %d, rm_tz %d", name, (long long)t, want, got);
        checked++;
    }
    assert_true(checked > 75000);
    rm_tz_free(tz);
}

static void tz_offsets_match_libc(void **state)
{
    char *old = getenv("TZ") ? rm_xstrdup(getenv("TZ")) : NULL;
    (void)state;

    for (size_t i = 0; i < RM_ARRAY_LEN(zones); i++) {
        if (strcmp(zones[i], "UTC") != 0 && !have_zone(zones[i]))
            continue;
        compare_zone(zones[i]);
    }
    if (old)
        setenv("TZ", old, 1);
    else
        unsetenv("TZ");
    tzset();
    free(old);
}

/* 2024 and 2025 changes in Berlin and New York, checked to the second. */
static void tz_known_transitions(void **state)
{
    rm_tz *ber = NULL, *ny = NULL;
    (void)state;

    if (!have_zone("Europe/Berlin") || !have_zone("America/New_York"))
        skip();
    assert_int_equal(rm_tz_load("Europe/Berlin", &ber), RM_OK);
    assert_int_equal(rm_tz_load("America/New_York", &ny), RM_OK);
    /* Berlin, 2024-03-31 01:00:00Z: 02:00 CET becomes 03:00 CEST. */
    assert_int_equal(rm_tz_offset(ber, 1711846799), 3600);
    assert_int_equal(rm_tz_offset(ber, 1711846800), 7200);
    /* Berlin, 2024-10-27 01:00:00Z: 03:00 CEST becomes 02:00 CET. */
    assert_int_equal(rm_tz_offset(ber, 1729990799), 7200);
    assert_int_equal(rm_tz_offset(ber, 1729990800), 3600);
    /* New York, 2025-03-09 07:00:00Z and 2025-11-02 06:00:00Z. */
    assert_int_equal(rm_tz_offset(ny, 1741503599), -18000);
    assert_int_equal(rm_tz_offset(ny, 1741503600), -14400);
    assert_int_equal(rm_tz_offset(ny, 1762063199), -14400);
    assert_int_equal(rm_tz_offset(ny, 1762063200), -18000);
    /* Far beyond the file's transitions the footer rule decides: 2300-07-01 is summer. */
    assert_int_equal(rm_tz_offset(ber, rm_tz_days_from_civil(2300, 7, 1) * 86400), 7200);
    assert_int_equal(rm_tz_offset(ber, rm_tz_days_from_civil(2300, 1, 1) * 86400), 3600);
    rm_tz_free(ny);
    rm_tz_free(ber);
}

static int64_t wall(int64_t y, int mo, int d, int h, int mi)
{
    return rm_tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static void tz_gap_and_overlap_rule(void **state)
{
    rm_tz *ber = NULL, *ny = NULL;
    (void)state;

    if (!have_zone("Europe/Berlin") || !have_zone("America/New_York"))
        skip();
    assert_int_equal(rm_tz_load("Europe/Berlin", &ber), RM_OK);
    assert_int_equal(rm_tz_load("America/New_York", &ny), RM_OK);
    /* 02:30 does not exist on 2024-03-31 in Berlin: the first instant after the gap. */
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 3, 31, 2, 30)), 1711846800);
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 3, 31, 2, 0)), 1711846800);
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 3, 31, 3, 0)), 1711846800);
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 3, 31, 1, 59)), 1711846740);
    /* 02:30 happens twice on 2024-10-27: the first (CEST, 00:30Z). */
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 10, 27, 2, 30)), 1729989000);
    assert_int_equal(rm_tz_from_local(ber, wall(2024, 10, 27, 3, 0)), 1729994400);
    /* New York: 02:30 missing on 2024-03-10, 01:30 twice on 2024-11-03 (EDT first). */
    assert_int_equal(rm_tz_from_local(ny, wall(2024, 3, 10, 2, 30)), 1710054000);
    assert_int_equal(rm_tz_from_local(ny, wall(2024, 11, 3, 1, 30)), 1730611800);
    rm_tz_free(ny);
    rm_tz_free(ber);
}

/* For instants outside overlaps, local time and back is the identity; inside one, the
 * first occurrence comes back. */
static void tz_local_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(zones); i++) {
        rm_tz *tz = NULL;
        if (strcmp(zones[i], "UTC") != 0 && !have_zone(zones[i]))
            continue;
        assert_int_equal(rm_tz_load(zones[i], &tz), RM_OK);
        for (int64_t t = 0; t < 4102444800LL; t += 7919 * 60) {
            int64_t w = rm_tz_to_local(tz, t), back = rm_tz_from_local(tz, w);
            if (back != t && (back > t || rm_tz_to_local(tz, back) != w))
                fail_msg("%s: %lld -> %lld -> %lld", zones[i], (long long)t, (long long)w,
                         (long long)back);
        }
        rm_tz_free(tz);
    }
}

/* Writes a minimal TZif file: version v ('\0' or '2'), one type per offset, transitions at
 * times[i] to types[i], and (v2) the footer. */
static void build_tzif(rm_buf *b, char v, const int64_t *times, const uint8_t *types,
                       uint32_t n, const int32_t *offs, uint32_t ntypes, const char *footer)
{
    for (int pass = 0; pass < (v ? 2 : 1); pass++) {
        size_t tsize = pass ? 8 : 4;
        uint32_t counts[6] = {0, 0, 0, pass || !v ? n : 0, ntypes, 4};
        rm_buf_adds(b, "TZif");
        rm_buf_addc(b, v);
        for (int i = 0; i < 15; i++)
            rm_buf_addc(b, 0);
        for (int i = 0; i < 6; i++)
            for (int k = 3; k >= 0; k--)
                rm_buf_addc(b, (char)(counts[i] >> (8 * k)));
        for (uint32_t i = 0; i < counts[3]; i++)
            for (int k = (int)tsize - 1; k >= 0; k--)
                rm_buf_addc(b, (char)((uint64_t)times[i] >> (8 * k)));
        for (uint32_t i = 0; i < counts[3]; i++)
            rm_buf_addc(b, (char)types[i]);
        for (uint32_t i = 0; i < ntypes; i++) {
            for (int k = 3; k >= 0; k--)
                rm_buf_addc(b, (char)((uint32_t)offs[i] >> (8 * k)));
            rm_buf_addc(b, offs[i] != offs[0]); /* isdst */
            rm_buf_addc(b, 0);
        }
        rm_buf_add(b, "XYZ", 4);
    }
    if (v)
        rm_buf_addf(b, "\n%s\n", footer);
}

static void tz_version1_and_footer_only_files(void **state)
{
    const int64_t times[] = {1000000, 2000000};
    const uint8_t types[] = {1, 0};
    const int32_t offs[] = {3600, 7200};
    rm_buf b;
    rm_tz *tz = NULL;
    (void)state;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    build_tzif(&b, 0, times, types, 2, offs, 2, NULL);
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_OK);
    assert_int_equal(rm_tz_offset(tz, 999999), 3600);   /* before: type 0 */
    assert_int_equal(rm_tz_offset(tz, 1000000), 7200);
    assert_int_equal(rm_tz_offset(tz, 1999999), 7200);
    assert_int_equal(rm_tz_offset(tz, 2000000), 3600);
    assert_int_equal(rm_tz_offset(tz, INT64_MAX), 3600); /* no footer: the last type */
    rm_tz_free(tz);
    /* No transitions at all: the footer rule decides everywhere (southern hemisphere). */
    rm_buf_reset(&b);
    build_tzif(&b, '2', NULL, NULL, 0, offs, 1, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_OK);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 1, 15, 0, 0)), 11 * 3600);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 7, 15, 0, 0)), 10 * 3600);
    /* 2024-10-06 02:00 AEST = 2024-10-05 16:00Z starts AEDT. */
    assert_int_equal(rm_tz_offset(tz, wall(2024, 10, 5, 15, 59)), 10 * 3600);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 10, 5, 16, 0)), 11 * 3600);
    rm_tz_free(tz);
    /* Permanent DST written as a rule (RFC 8536 §3.3.1's example). */
    rm_buf_reset(&b);
    build_tzif(&b, '2', NULL, NULL, 0, offs, 1, "EST5EDT,0/0,J365/25");
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_OK);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 1, 1, 5, 0)), -4 * 3600);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 12, 31, 23, 0)), -4 * 3600);
    assert_int_equal(rm_tz_offset(tz, wall(2024, 7, 1, 0, 0)), -4 * 3600);
    rm_tz_free(tz);
    rm_buf_release(&b);
}

static void tz_rejects_broken_files(void **state)
{
    static const char *const footers[] = {
        "CET-1CEST", "CET-1CEST,M3.5.0", "C-1", "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365",
        "CET-1CEST,M3.5.0,M10.5.0/168", "CET-99", "<+03", "CET-1 ",
    };
    const int32_t offs[] = {3600};
    const int64_t down[] = {2000, 1000};
    const uint8_t types[] = {0, 0}, bad_type[] = {0, 5};
    rm_buf b;
    rm_tz *tz = NULL;
    (void)state;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < RM_ARRAY_LEN(footers); i++) {
        rm_buf_reset(&b);
        build_tzif(&b, '2', NULL, NULL, 0, offs, 1, footers[i]);
        if (rm_tz_parse(b.ptr, b.len, &tz) != RM_EPARSE)
            fail_msg("footer \"%s\" was accepted", footers[i]);
    }
    rm_buf_reset(&b);
    build_tzif(&b, 0, down, types, 2, offs, 1, NULL);
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_EPARSE); /* not ascending */
    rm_buf_reset(&b);
    build_tzif(&b, 0, (const int64_t[]){1000, 2000}, bad_type, 2, offs, 1, NULL);
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_EPARSE); /* no type 5 */
    /* Every truncation of a good file fails cleanly. */
    rm_buf_reset(&b);
    build_tzif(&b, '2', (const int64_t[]){1000, 2000}, types, 2, offs, 1, "CET-1");
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(rm_tz_parse(b.ptr, n, &tz), RM_EPARSE);
    assert_int_equal(rm_tz_parse(b.ptr, b.len, &tz), RM_OK);
    rm_tz_free(tz);
    assert_int_equal(rm_tz_parse(NULL, 0, &tz), RM_EPARSE);
    assert_int_equal(rm_tz_parse("TZif", 4, &tz), RM_EPARSE);
    rm_buf_release(&b);
}

/* The parser must not read a byte past len: a zone file and each of its prefixes end right at
 * a PROT_NONE page. */
static void tz_stays_inside_its_input(void **state)
{
    char path[512];
    size_t len;
    char *data;
    long page = sysconf(_SC_PAGESIZE);
    size_t span = 2 * (size_t)page;
    char *map;
    rm_tz *tz = NULL;
    (void)state;

    if (!have_zone("Europe/Berlin"))
        skip();
    snprintf(path, sizeof(path), "%s/Europe/Berlin", RM_TZ_DIR);
    data = rm_test_read_file(path, &len);
    assert_non_null(data);
    assert_true(len < span);
    map = mmap(NULL, 2 * span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + span, span, PROT_NONE), 0);
    for (size_t n = 0; n <= len; n += n < 100 ? 1 : 37) {
        memcpy(map + span - n, data, n);
        if (rm_tz_parse(map + span - n, n, &tz) == RM_OK)
            rm_tz_free(tz);
    }
    memcpy(map + span - len, data, len);
    assert_int_equal(rm_tz_parse(map + span - len, len, &tz), RM_OK);
    assert_int_equal(rm_tz_offset(tz, 1711846800), 7200);
    rm_tz_free(tz);
    munmap(map, 2 * span);
    free(data);
}

static void tz_load_names(void **state)
{
    rm_tz *tz = NULL;
    (void)state;

    assert_int_equal(rm_tz_load(NULL, &tz), RM_OK);
    assert_int_equal(rm_tz_offset(tz, 1711846800), 0);
    assert_int_equal(rm_tz_from_local(tz, 12345), 12345);
    rm_tz_free(tz);
    assert_int_equal(rm_tz_load("UTC", &tz), RM_OK);
    rm_tz_free(tz);
    assert_int_equal(rm_tz_load("Nowhere/Atlantis", &tz), RM_ENOTFOUND);
    assert_int_equal(rm_tz_load("../../etc/passwd", &tz), RM_EINVAL);
    assert_int_equal(rm_tz_load("/etc/passwd", &tz), RM_EINVAL);
    assert_int_equal(rm_tz_load("Europe/./Berlin", &tz), RM_EINVAL);
    assert_int_equal(rm_tz_load("Europe//Berlin", &tz), RM_EINVAL);
    assert_int_equal(rm_tz_load("Europe/Berlin/", &tz), RM_EINVAL);
    assert_int_equal(rm_tz_load("Europe/Ber lin", &tz), RM_EINVAL);
    if (have_zone("Europe"))
        assert_int_equal(rm_tz_load("Europe", &tz), RM_ENOTFOUND);
    if (have_zone("zone.tab"))
        assert_int_equal(rm_tz_load("zone.tab", &tz), RM_EPARSE);
    if (have_zone("right/UTC"))
        assert_int_equal(rm_tz_load("right/UTC", &tz), RM_EUNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tz_calendar),
        cmocka_unit_test(tz_offsets_match_libc),
        cmocka_unit_test(tz_known_transitions),
        cmocka_unit_test(tz_gap_and_overlap_rule),
        cmocka_unit_test(tz_local_round_trip),
        cmocka_unit_test(tz_version1_and_footer_only_files),
        cmocka_unit_test(tz_rejects_broken_files),
        cmocka_unit_test(tz_stays_inside_its_input),
        cmocka_unit_test(tz_load_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
