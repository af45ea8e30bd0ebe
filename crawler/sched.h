/* rm_sched: when each scheduled job runs next, from its cron expression or interval, its time
 * zone, its jitter and when it last started.
 *
 * Thread-safety: an rm_sched belongs to one thread (the daemon's loop). Nothing here reads the
 * clock or sleeps: every call takes `now`, so tests drive it with any time they like.
 *
 *   rm_sched *s;
 *   rm_sched_new(cfg, now, &diag, &s);                  // jobs with schedule.cron or .every
 *   rm_sched_set_history(s, i, last_started_at, false); // from the runs table
 *   if (rm_sched_due(s, i) <= now) { start job i; rm_sched_started(s, i, now); }
 *
 * Rules:
 *  - Slots are the fire times of the job's cron expression in its zone (crawler/cron.h gives
 *    DST, month-end and leap-day behaviour), or the multiples of schedule.every since
 *    1970-01-01T00:00Z (rounded up to whole seconds).
 *  - Jitter: every slot of a job moves by the same delay, rm_cron_jitter(job name, jitter) in
 *    0..jitter seconds. Deterministic per name, so jobs sharing a schedule spread out and each
 *    keeps its own offset across restarts and machines.
 *  - A job is due at the first jittered slot after its anchor: the time its last run started,
 *    or, for a job that never ran, the time the scheduler was built (it waits for its first
 *    slot rather than running at once).
 *  - Missed slots collapse: a daemon that was down across ten slots finds the first of them in
 *    the past, runs the job once, and the anchor moves to that start, past all ten.
 *  - A job whose last run did not finish (stopped, crashed, still marked running) is due at
 *    once, so the interrupted run resumes when the daemon starts. */
#ifndef RM_SCHED_H
#define RM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/diag.h"
#include "core/err.h"
#include "crawler/config.h"

/* rm_sched_due() of a job that will never fire again (a cron with no slot in ten years). */
#define RM_SCHED_NEVER ((time_t)INT64_MAX)
/* rm_sched_find() of an unknown name. */
#define RM_SCHED_NONE ((size_t)-1)

typedef struct rm_sched rm_sched;

/* One entry per job of cfg that has a schedule, in config order; jobs without one are left
 * out (`revmine crawl` runs them). `now` anchors jobs without history. Zone problems go to
 * diag with the job's file and line (RM_ECONFIG). Borrows cfg during the call; returns a new
 * scheduler in *out, free with rm_sched_free(). */
RM_MUST_CHECK rm_err rm_sched_new(const rm_config *cfg, time_t now, rm_diag *diag,
                                  rm_sched **out);
void rm_sched_free(rm_sched *s); /* NULL is fine */

size_t rm_sched_count(const rm_sched *s);
/* The job's name; borrowed, valid until rm_sched_free(). */
const char *rm_sched_name(const rm_sched *s, size_t i);
/* The schedule as people read it: "0 3 * * * Europe/Berlin", "every 900 s". Borrowed, valid
 * until rm_sched_free(). */
const char *rm_sched_spec(const rm_sched *s, size_t i);
/* Index of the job called name, or RM_SCHED_NONE. */
size_t rm_sched_find(const rm_sched *s, const char *name);

/* The job last started at last_start (0: never; the anchor stays); unfinished says that run
 * did not end, so the job is due at once. */
void rm_sched_set_history(rm_sched *s, size_t i, time_t last_start, bool unfinished);
/* Copies anchors and unfinished flags of jobs with the same name from old (a reload). */
void rm_sched_inherit(rm_sched *s, const rm_sched *old);
/* When the job is next due (0 when at once); RM_SCHED_NEVER when never. */
time_t rm_sched_due(const rm_sched *s, size_t i);
/* The job started at now: its next due time is the first jittered slot after now. */
void rm_sched_started(rm_sched *s, size_t i, time_t now);
/* The job to start next at now: due, not busy[i], earliest due first, and on a tie the one
 * that started least recently (so a job cannot starve another behind a parallel limit).
 * busy has rm_sched_count() entries (may be NULL: none busy). RM_SCHED_NONE when none. */
size_t rm_sched_pick(const rm_sched *s, time_t now, const bool *busy);
/* The job's jitter in seconds (the same for every slot). */
uint32_t rm_sched_jitter(const rm_sched *s, size_t i);

#endif
