/* HTTP dates (RFC 9110 §5.6.7) and Retry-After (§10.2.3).
 *
 * Thread-safety: pure functions of their arguments; callable from any thread. Nothing reads
 * the clock: Retry-After takes the caller's now.
 *
 * Parsing accepts the three forms a recipient must accept, with the leniency servers need:
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT   (also a one-digit day or a two-digit year)
 *   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT (also a four-digit year)
 *   asctime      Sun Nov  6 08:49:37 1994
 * Names in any case, "UTC" for "GMT", white space around the value. The weekday must be a
 * weekday name but is not checked against the date. A two-digit year is 1970-2069
 * (00-69 -> 20xx): RFC 9110's "more than 50 years in the future" rule needs a clock, and
 * for dates sent from 2020 to 2069 both give the same year. Seconds may be 60 (a leap
 * second reads as the next minute's first). */
#ifndef RM_HTTPDATE_H
#define RM_HTTPDATE_H

#include <stdint.h>
#include <time.h>

#include "core/err.h"

/* "Sun, 06 Nov 1994 08:49:37 GMT" plus the NUL. */
#define RM_HTTP_DATE_SIZE 30
/* Retry-After longer than this (a day) is read as this: a host cannot park a job for weeks,
 * and asking again after a day costs one request. */
#define RM_RETRY_AFTER_MAX_MS ((int64_t)24 * 3600 * 1000)

/* Parses an HTTP date into seconds since the epoch (UTC). RM_EPARSE when s is none of the
 * forms above or names an impossible date (Feb 30, hour 24). Borrows s during the call. */
RM_MUST_CHECK rm_err rm_http_date_parse(const char *s, time_t *out);

/* Parses a Retry-After value: delta-seconds ("120") or an HTTP date. *delay_ms is how long to
 * wait from now: at most RM_RETRY_AFTER_MAX_MS, 0 for a date in the past. RM_EPARSE for
 * anything else (negative or fractional numbers, garbage). Borrows value during the call. */
RM_MUST_CHECK rm_err rm_retry_after_parse(const char *value, time_t now, int64_t *delay_ms);

/* Writes t as an IMF-fixdate (for If-Modified-Since) into out. RM_EINVAL when t's year is
 * not 0..9999 (the format has four digits). */
RM_MUST_CHECK rm_err rm_http_date_format(time_t t, char out[RM_HTTP_DATE_SIZE]);

#endif
