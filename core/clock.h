/* Time helpers. All wall-clock times in revmine are UTC.
 *
 * Thread-safety: any thread. */
#ifndef RM_CLOCK_H
#define RM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since the Unix epoch (wall clock). */
int64_t rm_time_ms(void);
/* Milliseconds on a monotonic clock, for durations and timeouts. */
int64_t rm_mono_ms(void);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL) for t into out. */
void rm_time_iso(time_t t, char out[32]);
/* Writes "YYYY-MM-DD" for t into out. */
void rm_date_iso(time_t t, char out[16]);
/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]" into seconds since the epoch.
 * Returns 0 on success, -1 when s is not such a time. */
int rm_time_parse_iso(const char *s, time_t *out);

#endif
