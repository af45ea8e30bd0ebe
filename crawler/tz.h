/* Time zones and calendar arithmetic without the C library's local-time state.
 *
 * Thread-safety: an rm_tz is immutable after rm_tz_load()/rm_tz_parse(); any number of
 * threads may use one at once. The other functions are pure.
 *
 * Why not setenv("TZ") + tzset() + localtime_r()/mktime() under a mutex: the environment is
 * process-wide, so every other thread's localtime_r() (libcurl's cookie code, libraries we
 * do not control) would see our zone while we hold it, and setenv() may reallocate environ
 * under another thread's getenv(). So the zone file is read directly: a TZif file (RFC 8536,
 * versions 1 to 4, as zic writes them to /usr/share/zoneinfo) gives the transitions, and its
 * footer, a POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3", gives the offsets after the
 * last transition (slim files stop at the present; fat ones at 2037). Files with leap-second
 * records (the right/ zones) are refused: their times are not POSIX times.
 *
 * Local times are "wall seconds": the seconds since 1970-01-01 00:00 that a wall clock in the
 * zone shows, i.e. the UTC instant the same digits would name (what timegm() gives for a
 * broken-down local time). Converting wall seconds back to an instant follows one rule,
 * which the crawler's schedules rely on (cronie and systemd do the same):
 *  - in a gap (spring forward, 02:30 does not exist in Berlin on 2024-03-31), the result is
 *    the first instant after the gap (03:00 CEST, the moment of the change);
 *  - in an overlap (fall back, 02:30 happens twice in Berlin on 2024-10-27), the result is
 *    the first occurrence (02:30 CEST, not 02:30 CET). */
#ifndef RM_TZ_H
#define RM_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define RM_TZ_DIR "/usr/share/zoneinfo"
/* Zone files are a few KiB; reading no more bounds memory for a hostile or wrong path. */
#define RM_TZ_MAX_FILE (1024 * 1024)

typedef struct rm_tz rm_tz;

/* Loads the IANA zone name ("Europe/Berlin") from RM_TZ_DIR. NULL, "" and "UTC" give UTC
 * without reading a file. RM_EINVAL for a name that cannot be a zone (absolute, "..",
 * characters outside A-Z a-z 0-9 _ + - . /), RM_ENOTFOUND when there is no such zone,
 * RM_EPARSE or RM_EUNSUPPORTED for a file that is not a usable TZif file. Returns a new
 * rm_tz in *out; free with rm_tz_free(). Borrows name during the call. */
RM_MUST_CHECK rm_err rm_tz_load(const char *name, rm_tz **out);
/* Parses TZif data (a zone file's bytes). Same results and ownership as rm_tz_load(). */
RM_MUST_CHECK rm_err rm_tz_parse(const void *data, size_t len, rm_tz **out);
void rm_tz_free(rm_tz *tz); /* NULL is fine */

/* UTC offset (seconds east of Greenwich) in effect at instant t (seconds since the epoch). */
int32_t rm_tz_offset(const rm_tz *tz, int64_t t);
/* Wall seconds of instant t: t + rm_tz_offset(tz, t). Both conversions leave times beyond
 * ±2^60 s unchanged. */
int64_t rm_tz_to_local(const rm_tz *tz, int64_t t);
/* The instant a wall clock in tz shows wall, with the gap and overlap rule above. */
int64_t rm_tz_from_local(const rm_tz *tz, int64_t wall);

/* Proleptic Gregorian calendar, no zone involved: days since 1970-01-01 for a date (month
 * 1-12, day 1-31; out-of-range days roll over), the date of a day number, and its weekday
 * (0 = Sunday). Exact for any year an int64 day count holds. */
int64_t rm_tz_days_from_civil(int64_t year, int month, int day);
void rm_tz_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
int rm_tz_weekday(int64_t days);
/* Days in the month (28-31; February 29 in leap years: every 4th, not every 100th, but
 * every 400th). */
int rm_tz_days_in_month(int64_t year, int month);

#endif
