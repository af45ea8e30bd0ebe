/* Job schedules: five-field cron expressions (Vixie cron semantics), @ macros and fixed
 * intervals, evaluated in an IANA time zone.
 *
 * Thread-safety: an rm_cron is a plain value; every function is pure and callable from any
 * thread (time zones come from crawler/tz, never from the process's TZ). Nothing reads the
 * clock: the caller passes the time to start from.
 *
 *   rm_cron c;
 *   char why[128];
 *   if (rm_cron_parse(job->schedule, &c, why, sizeof(why)))
 *       rm_diag_add(diag, file, line, "schedule", "%s", why);   // "hour: 24 is out of range 0-23"
 *   time_t next;
 *   if (rm_cron_next(&c, last_run, "Europe/Berlin", &next) == RM_OK)
 *       next += rm_cron_jitter(job->name, 300);                   // spread jobs over 5 minutes
 *
 * Syntax: "minute hour day-of-month month day-of-week", fields separated by blanks.
 *   field          values
 *   minute         0-59
 *   hour           0-23
 *   day-of-month   1-31
 *   month          1-12 or jan..dec
 *   day-of-week    0-7 or sun..sat (0 and 7 are Sunday)
 * Each field is a comma-separated list of: '*' (every value), a value, a range "1-5", and any
 * of those followed by "/step": '*' then "/15" is every 15th value, "10-50/10" is 10, 20, ..
 * 50, and "5/15" is 5-max/15 (the README's table writes them out).
 * Names are three letters in any case and may appear in ranges ("mon-fri"). A range must not
 * run backwards. Macros (any case): @yearly = @annually = "0 0 1 1 *", @monthly = "0 0 1 * *",
 * @weekly = "0 0 * * 0", @daily = @midnight = "0 0 * * *", @hourly = "0 * * * *". @reboot
 * is refused (a crawler daemon has no boot to run at).
 * Days (Vixie's rule): when both day-of-month and day-of-week are restricted (neither starts
 * with '*'), a day matches if either does ("0 0 1,15 * mon": the 1st, the 15th and every
 * Monday); otherwise both must. A day of month beyond a month's end never matches in that
 * month ("0 0 31 * *" skips 30-day months, "0 0 29 2 *" runs in leap years only); a schedule
 * that can never fire ("0 0 30 2 *") is a parse error.
 * Intervals: "every N<unit>" with unit m (minutes), h (hours), d (days) or w (weeks), 1 minute
 * to 366 days, as in "every 15m", "every 6h". They are elapsed time, not wall time: fire
 * times are the multiples of the interval since 1970-01-01T00:00Z, so they do not drift
 * across restarts and ignore the zone and DST ("every 1d" fires at 00:00 UTC; use @daily for
 * local midnight).
 *
 * Time zones and DST: fields are matched against the wall clock of the zone, and a wall time
 * becomes an instant by crawler/tz's rule:
 *  - spring forward: a time that does not exist (02:30 in Berlin on 2024-03-31) fires once,
 *    at the first instant after the gap (03:00 CEST); several such times fire once together;
 *  - fall back: a time that occurs twice (02:30 in Berlin on 2024-10-27) fires once, at its
 *    first occurrence (02:30 CEST). This holds for every field, so an every-15-minutes
 *    schedule pauses during the repeated hour (cronie runs such jobs twice instead).
 * The search looks RM_CRON_SEARCH_YEARS ahead: enough for Feb 29 across 2100, which is not a
 * leap year (2096 to 2104 is eight years). */
#ifndef RM_CRON_H
#define RM_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"
#include "crawler/tz.h"

#define RM_CRON_SEARCH_YEARS 10

/* A parsed schedule. Fields are read-only for callers; fill it with rm_cron_parse(). */
typedef struct rm_cron {
    uint64_t minutes; /* bit n: minute n (0-59) */
    uint32_t hours;   /* bit n: hour n (0-23) */
    uint32_t mdays;   /* bit n: day n of the month (1-31) */
    uint16_t months;  /* bit n: month n (1-12) */
    uint8_t wdays;    /* bit n: weekday n (0-6, Sunday 0) */
    bool dom_star;    /* the day-of-month field began with '*' (the day rule above) */
    bool dow_star;    /* the day-of-week field began with '*' */
    int64_t every;    /* > 0: interval schedule of this many seconds; the fields are unused */
} rm_cron;

/* Parses expr into *out. On error returns RM_EPARSE, leaves *out alone and writes a message
 * naming the field ("day-of-week: unknown name 'fri-sat'") into err (errlen bytes, may be
 * NULL/0). Borrows expr during the call. */
RM_MUST_CHECK rm_err rm_cron_parse(const char *expr, rm_cron *out, char *err, size_t errlen);

/* The first fire time strictly after `after`, with fields read on the wall clock of the IANA
 * zone tz (NULL or "UTC": UTC). Loads the zone on each call; a daemon with many jobs loads
 * it once with rm_tz_load() and calls rm_cron_next_in(). Errors: those of rm_tz_load() for
 * tz; RM_EINVAL for `after` outside 1970..9000; RM_EEMPTY when nothing fires within
 * RM_CRON_SEARCH_YEARS (an rm_cron that did not come from rm_cron_parse). */
RM_MUST_CHECK rm_err rm_cron_next(const rm_cron *c, time_t after, const char *tz,
                                  time_t *out);
/* The same with a loaded zone; borrows tz during the call. */
RM_MUST_CHECK rm_err rm_cron_next_in(const rm_cron *c, time_t after, const rm_tz *tz,
                                     time_t *out);

/* A delay in 0..max_seconds that depends only on seed (a job's name): jobs sharing a
 * schedule spread out, and each keeps its slot across restarts and machines. */
uint32_t rm_cron_jitter(const char *seed, uint32_t max_seconds);

#endif
