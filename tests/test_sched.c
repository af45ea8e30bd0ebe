#include "core/rm.h"
#include "core/clock.h"
#include "crawler/config.h"
#include "crawler/cron.h"
#include "crawler/sched.h"
#include "tests/helpers/testutil.h"

#include <unistd.h>

static time_t iso(const char *s)
{
    time_t t;
    if (rm_time_parse_iso(s, &t))
        fail_msg("bad time: %s", s);
    return t;
}

static void assert_time(time_t got, const char *want)
{
    char buf[32];
    rm_time_iso(got, buf);
    if (got != iso(want))
        fail_msg("got %s, want %s", buf, want);
}

static bool have_zone(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", RM_TZ_DIR, name);
    return access(path, R_OK) == 0;
}

/* One job called name with the given schedule lines (YAML, indented under schedule:). */
static rm_sched *sched_for(const char *name, const char *schedule, time_t now)
{
    char yaml[1024];
    rm_config *cfg = NULL;
    rm_sched *s = NULL;
    rm_diag d;

    snprintf(yaml, sizeof(yaml),
             "jobs:\n  - name: %s\n    seeds: [http://127.0.0.1:1/]\n    schedule: {%s}\n",
             name, schedule);
    rm_diag_init(&d);
    if (rm_config_parse("t.yaml", yaml, strlen(yaml), &d, &cfg) != RM_OK) {
        rm_diag_print(&d, stderr);
        fail_msg("config did not parse: %s", yaml);
    }
    assert_int_equal(rm_sched_new(cfg, now, &d, &s), RM_OK);
    assert_int_equal(rm_sched_count(s), 1);
    assert_string_equal(rm_sched_name(s, 0), name);
    rm_config_free(cfg);
    rm_diag_release(&d);
    return s;
}

/* Starts the job whenever due and returns the start times, up to max, until `until`. */
static size_t simulate(rm_sched *s, time_t from, time_t until, time_t step, time_t *starts,
                       size_t max)
{
    size_t n = 0;
    for (time_t now = from; now <= until && n < max; now += step) {
        if (rm_sched_due(s, 0) <= now) {
            starts[n++] = now;
            rm_sched_started(s, 0, now);
        }
    }
    return n;
}

static void sched_month_end_skips_short_months(void **state)
{
    rm_sched *s;
    (void)state;
    s = sched_for("m", "cron: \"0 6 31 * *\"", iso("2024-01-31T06:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-03-31T06:00:00Z");
    rm_sched_started(s, 0, iso("2024-03-31T06:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-05-31T06:00:00Z");
    rm_sched_started(s, 0, iso("2024-05-31T06:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-07-31T06:00:00Z");
    rm_sched_free(s);
    /* The last day of the year rolls into the next year's first 31st. */
    s = sched_for("m", "cron: \"0 0 31 * *\"", iso("2024-12-31T00:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2025-01-31T00:00:00Z");
    rm_sched_free(s);
}

static void sched_leap_day_waits_for_leap_years(void **state)
{
    rm_sched *s;
    (void)state;
    s = sched_for("leap", "cron: \"0 12 29 2 *\"", iso("2024-02-29T12:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2028-02-29T12:00:00Z");
    rm_sched_free(s);
    /* 2100 is not a leap year: from 2096 the next is 2104. */
    s = sched_for("leap", "cron: \"0 12 29 2 *\"", iso("2096-03-01T00:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2104-02-29T12:00:00Z");
    rm_sched_free(s);
}

static void sched_dst_berlin(void **state)
{
    rm_sched *s;
    (void)state;
    if (!have_zone("Europe/Berlin"))
        skip();
    /* 02:30 does not exist on 2024-03-31: it fires at 03:00 CEST (01:00Z), once. */
    s = sched_for("b", "cron: \"30 2 * * *\", timezone: Europe/Berlin",
                  iso("2024-03-30T12:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-03-31T01:00:00Z");
    rm_sched_started(s, 0, iso("2024-03-31T01:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-04-01T00:30:00Z"); /* 02:30 CEST */
    rm_sched_free(s);
    /* 02:30 happens twice on 2024-10-27: only the first (CEST, 00:30Z) fires. */
    s = sched_for("b", "cron: \"30 2 * * *\", timezone: Europe/Berlin",
                  iso("2024-10-26T12:00:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-10-27T00:30:00Z");
    rm_sched_started(s, 0, iso("2024-10-27T00:30:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-10-28T01:30:00Z"); /* 02:30 CET */
    rm_sched_free(s);
}

static void sched_dst_new_york_daily_keeps_wall_time(void **state)
{
    rm_sched *s;
    time_t starts[8];
    size_t n;
    (void)state;
    if (!have_zone("America/New_York"))
        skip();
    s = sched_for("ny", "cron: \"@daily\", timezone: America/New_York",
                  iso("2024-03-08T12:00:00Z"));
    n = simulate(s, iso("2024-03-08T12:00:00Z"), iso("2024-03-11T12:00:00Z"), 60, starts, 8);
    assert_int_equal(n, 3);
    assert_time(starts[0], "2024-03-09T05:00:00Z"); /* midnight EST */
    assert_time(starts[1], "2024-03-10T05:00:00Z"); /* midnight EST, DST begins at 2:00 */
    assert_time(starts[2], "2024-03-11T04:00:00Z"); /* midnight EDT */
    rm_sched_free(s);
}

static void sched_interval_is_aligned_to_the_epoch(void **state)
{
    rm_sched *s;
    time_t starts[8];
    size_t n;
    (void)state;
    s = sched_for("i", "every: 6h", iso("2024-05-01T01:17:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-05-01T06:00:00Z");
    n = simulate(s, iso("2024-05-01T01:17:00Z"), iso("2024-05-02T01:00:00Z"), 60, starts, 8);
    assert_int_equal(n, 4);
    assert_time(starts[0], "2024-05-01T06:00:00Z");
    assert_time(starts[3], "2024-05-02T00:00:00Z");
    rm_sched_free(s);
    /* The same from the cron syntax's interval form. */
    s = sched_for("i", "cron: \"every 15m\"", iso("2024-05-01T01:17:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-05-01T01:30:00Z");
    rm_sched_free(s);
}

static void sched_jitter_is_bounded_and_stable(void **state)
{
    char name[32];
    time_t slot = iso("2024-05-02T00:00:00Z");
    uint32_t seen_max = 0, seen_min = UINT32_MAX;
    (void)state;
    for (int i = 0; i < 64; i++) {
        rm_sched *s, *again;
        uint32_t j;
        snprintf(name, sizeof(name), "job-%d", i);
        s = sched_for(name, "cron: \"@daily\", jitter: 10m", iso("2024-05-01T12:00:00Z"));
        again = sched_for(name, "cron: \"@daily\", jitter: 10m", iso("2024-05-01T13:00:00Z"));
        j = rm_sched_jitter(s, 0);
        assert_true(j <= 600);
        assert_int_equal(rm_sched_jitter(again, 0), j);
        assert_int_equal(rm_sched_due(s, 0), slot + (time_t)j);
        /* A run that started within its jitter belongs to this slot: the next is tomorrow. */
        rm_sched_started(s, 0, slot + (time_t)j);
        assert_int_equal(rm_sched_due(s, 0), slot + 86400 + (time_t)j);
        seen_max = RM_MAX(seen_max, j);
        seen_min = RM_MIN(seen_min, j);
        rm_sched_free(s);
        rm_sched_free(again);
    }
    /* 64 names spread over the window instead of sharing one offset. */
    assert_true(seen_max - seen_min > 300);
}

static void sched_missed_slots_collapse_to_one_run(void **state)
{
    time_t starts[8];
    size_t n;
    time_t now = iso("2024-06-10T09:30:00Z");
    rm_sched *s = sched_for("h", "cron: \"@hourly\"", now);
    (void)state;
    /* Last run three days ago: 72 slots were missed. */
    rm_sched_set_history(s, 0, iso("2024-06-07T09:00:05Z"), false);
    assert_true(rm_sched_due(s, 0) <= now);
    n = simulate(s, now, iso("2024-06-10T11:00:00Z"), 1, starts, 8);
    assert_int_equal(n, 3);
    assert_int_equal(starts[0], now);                   /* once, at start */
    assert_time(starts[1], "2024-06-10T10:00:00Z");      /* then on schedule */
    assert_time(starts[2], "2024-06-10T11:00:00Z");
    rm_sched_free(s);
}

static void sched_new_job_waits_for_its_first_slot(void **state)
{
    rm_sched *s = sched_for("n", "cron: \"0 3 * * *\"", iso("2024-06-10T09:30:00Z"));
    (void)state;
    assert_time(rm_sched_due(s, 0), "2024-06-11T03:00:00Z");
    /* History with an older start: the missed 03:00 today is due now. */
    rm_sched_set_history(s, 0, iso("2024-06-09T03:00:00Z"), false);
    assert_time(rm_sched_due(s, 0), "2024-06-10T03:00:00Z");
    rm_sched_free(s);
}

static void sched_unfinished_run_resumes_at_once(void **state)
{
    rm_sched *s = sched_for("u", "cron: \"0 3 * * *\"", iso("2024-06-10T09:30:00Z"));
    (void)state;
    rm_sched_set_history(s, 0, iso("2024-06-10T03:00:00Z"), true);
    assert_int_equal(rm_sched_due(s, 0), 0);
    rm_sched_started(s, 0, iso("2024-06-10T09:30:00Z"));
    assert_time(rm_sched_due(s, 0), "2024-06-11T03:00:00Z");
    rm_sched_free(s);
}

static void sched_inherit_keeps_history_by_name(void **state)
{
    rm_sched *old = sched_for("keep", "cron: \"@hourly\"", iso("2024-06-10T09:30:00Z"));
    rm_sched *s = sched_for("keep", "cron: \"*/10 * * * *\"", iso("2024-06-10T12:00:00Z"));
    (void)state;
    rm_sched_started(old, 0, iso("2024-06-10T09:31:00Z"));
    rm_sched_inherit(s, old);
    /* The new schedule applies from the old anchor: every 10 minutes after 09:31. */
    assert_time(rm_sched_due(s, 0), "2024-06-10T09:40:00Z");
    assert_int_equal(rm_sched_find(s, "keep"), 0);
    assert_int_equal(rm_sched_find(s, "other"), RM_SCHED_NONE);
    rm_sched_free(old);
    rm_sched_free(s);
}

static void sched_skips_jobs_without_schedule(void **state)
{
    static const char yaml[] =
        "jobs:\n"
        "  - name: manual\n    seeds: [http://127.0.0.1:1/]\n"
        "  - name: daily\n    seeds: [http://127.0.0.1:1/]\n    schedule: {cron: \"@daily\"}\n";
    rm_config *cfg = NULL;
    rm_sched *s = NULL;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_config_parse("t.yaml", yaml, strlen(yaml), &d, &cfg), RM_OK);
    assert_int_equal(rm_sched_new(cfg, iso("2024-01-01T00:00:00Z"), &d, &s), RM_OK);
    assert_int_equal(rm_sched_count(s), 1);
    assert_string_equal(rm_sched_name(s, 0), "daily");
    rm_sched_free(s);
    rm_config_free(cfg);
    rm_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sched_month_end_skips_short_months),
        cmocka_unit_test(sched_leap_day_waits_for_leap_years),
        cmocka_unit_test(sched_dst_berlin),
        cmocka_unit_test(sched_dst_new_york_daily_keeps_wall_time),
        cmocka_unit_test(sched_interval_is_aligned_to_the_epoch),
        cmocka_unit_test(sched_jitter_is_bounded_and_stable),
        cmocka_unit_test(sched_missed_slots_collapse_to_one_run),
        cmocka_unit_test(sched_new_job_waits_for_its_first_slot),
        cmocka_unit_test(sched_unfinished_run_resumes_at_once),
        cmocka_unit_test(sched_inherit_keeps_history_by_name),
        cmocka_unit_test(sched_skips_jobs_without_schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
