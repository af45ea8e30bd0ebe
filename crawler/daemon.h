/* rm_daemon: runs a config's scheduled jobs on their schedules until told to stop.
 *
 * Thread-safety: rm_daemon_loop() runs on one thread (the caller's) and starts one thread per
 * run. rm_daemon_stop() and rm_daemon_reload() may be called from any thread (not from a
 * signal handler: the command blocks signals and calls them from a sigwait() thread).
 *
 *   loop ── due job, not running, fewer than max_parallel runs ──> run thread: o->run(job)
 *     ^                                                                  |
 *     └──── condition variable: a run ended, stop, reload, or the next due time ──┘
 *
 * Rules:
 *  - When jobs run is crawler/sched.h's business; the history it starts from is the last run
 *    of each job in the database's runs table.
 *  - A job never runs twice at once: a job due while its run is still going waits for it,
 *    then runs once however many of its slots passed meanwhile.
 *  - At most max_parallel runs at once over all jobs; due jobs wait their turn, earliest due
 *    first.
 *  - Reload: the config file is read again; on success the new jobs and schedules apply
 *    (history carries over by job name; runs already going finish with the config they
 *    started with); on failure the problems are logged with file:line:field and the old
 *    config stays.
 *  - Stop: every run is asked to stop (crawls persist their frontier and end "stopped"),
 *    the loop waits for them, and rm_daemon_loop() returns.
 * All waiting goes through the clock's wait function, so a test drives the loop with a fake
 * clock and no real sleeping. */
#ifndef RM_DAEMON_H
#define RM_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "core/diag.h"
#include "core/err.h"
#include "crawler/config.h"

/* Runs one job to its end on a run thread; *stop becomes non-zero when the daemon stops.
 * Borrows job during the call. Returns RM_OK when the run ended, however it ended. */
typedef rm_err (*rm_daemon_run_fn)(void *ctx, const rm_job *job, atomic_int *stop);

typedef struct rm_daemon_clock {
    void *ctx;
    /* Wall-clock Unix seconds. */
    time_t (*now)(void *ctx);
    /* Called with mu held: waits until cond is signalled or wall time `until` comes
     * (RM_SCHED_NEVER: no limit). Returning early is fine: the loop checks again. */
    void (*wait)(void *ctx, pthread_cond_t *cond, pthread_mutex_t *mu, time_t until);
} rm_daemon_clock;

typedef struct rm_daemon_opts {
    const char *config_path;      /* read at start and on every reload */
    const char *db_path;          /* runs table: when each job last started */
    int max_parallel;             /* runs at once over all jobs, >= 1 */
    rm_daemon_run_fn run;
    void *run_ctx;
    const rm_daemon_clock *clock; /* NULL: the system clock and pthread_cond_timedwait() */
} rm_daemon_opts;

/* Counters for logs and tests. */
typedef struct rm_daemon_counts {
    int64_t runs_started;
    int64_t runs_ended;
    int64_t reloads;        /* reloads that applied a new config */
    int64_t reload_errors;  /* reloads that kept the old config */
    int running;            /* runs going now */
} rm_daemon_counts;

typedef struct rm_daemon rm_daemon;

/* Loads the config and the run history. Config problems go to diag (RM_ECONFIG), a config
 * without scheduled jobs is RM_ECONFIG too. Borrows o's strings and clock for the daemon's
 * life. Returns a new daemon; free with rm_daemon_free(). */
RM_MUST_CHECK rm_err rm_daemon_new(const rm_daemon_opts *o, rm_diag *diag, rm_daemon **out);
/* Runs due jobs until rm_daemon_stop(); returns after every run has ended. Failures of single
 * runs are logged, never returned: the daemon keeps going. */
void rm_daemon_loop(rm_daemon *d);
void rm_daemon_stop(rm_daemon *d);
void rm_daemon_reload(rm_daemon *d);
/* Reads atomics only: callable from any thread, also from inside the clock's wait. */
rm_daemon_counts rm_daemon_get_counts(rm_daemon *d);
void rm_daemon_free(rm_daemon *d); /* NULL is fine; only after rm_daemon_loop() returned */

#endif
