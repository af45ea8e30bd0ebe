/* The daemon loop: one thread decides, one thread per run works.
 *
 * DESIGN
 * Everything the loop and the run threads share sits behind d->mu: the run list, the stop and
 * reload requests. The loop holds mu while it decides and releases it only inside the clock's
 * wait (a condition-variable wait) and while it loads a config or joins ended threads. A run
 * thread takes mu once, to mark itself ended and wake the loop. Counters are atomics so the
 * clock's wait (mu held) and other threads can read them without the lock.
 * A config is shared by reference count between the loop and the runs started from it: a
 * reload swaps the loop's config while runs keep theirs until they end. Reference counts are
 * touched by the loop thread only. */
#include "core/rm.h"
#include "core/clock.h"
#include "crawler/daemon.h"
#include "crawler/sched.h"
#include "store/db.h"
#include "store/store.h"

#include <errno.h>

typedef struct cfg_ref {
    rm_config *cfg;
    int refs; /* loop thread only */
} cfg_ref;

typedef struct run {
    struct rm_daemon *d;
    char *name;
    const rm_job *job; /* points into ref->cfg */
    char *spec;        /* the schedule, for the jobs table */
    time_t next_due;   /* computed when the run started */
    cfg_ref *ref;
    pthread_t th;
    bool ended;        /* guarded by d->mu */
    struct run *next;
} run;

struct rm_daemon {
    rm_daemon_opts o;
    rm_daemon_clock clock;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool stop, reload; /* guarded by mu */
    run *runs;         /* guarded by mu */
    atomic_int stop_runs;
    atomic_llong runs_started, runs_ended, reloads, reload_errors;
    atomic_int running;
    cfg_ref *cfg;      /* loop thread only */
    rm_sched *sched;   /* loop thread only */
};

/* ---- the system clock --------------------------------------------------------------------- */

static time_t sys_now(void *ctx)
{
    (void)ctx;
    return time(NULL);
}

static void sys_wait(void *ctx, pthread_cond_t *cond, pthread_mutex_t *mu, time_t until)
{
    struct timespec ts = {0, 0};
    (void)ctx;
    if (until == RM_SCHED_NEVER) {
        pthread_cond_wait(cond, mu);
        return;
    }
    /* The condition variable's default clock is CLOCK_REALTIME, the clock schedules use. */
    ts.tv_sec = until;
    (void)pthread_cond_timedwait(cond, mu, &ts);
}

static const rm_daemon_clock sys_clock = {NULL, sys_now, sys_wait};

/* ---- configs and history ------------------------------------------------------------------ */

static void log_diag(const rm_diag *diag)
{
    for (size_t i = 0; i < diag->n; i++) {
        const rm_diag_item *it = &diag->items[i];
        rm_log_error("%s:%d: %s%s%s", it->file ? it->file : "", it->line,
                     it->field ? it->field : "", it->field ? ": " : "", it->msg);
    }
}

static void cfg_unref(cfg_ref *r)
{
    if (r && --r->refs == 0) {
        rm_config_free(r->cfg);
        free(r);
    }
}

/* Interrupted runs ("running" after a crash, "stopped" by a signal) resume at once. */
static rm_err load_history(const rm_daemon *d, rm_sched *s, rm_diag *diag)
{
    rm_db *db = NULL;
    sqlite3_stmt *st;
    rm_err err = rm_db_open(d->o.db_path, RM_DB_CREATE, diag, &db);

    if (err)
        return err;
    st = rm_db_stmt(db, "SELECT r.started_at, r.outcome FROM runs r JOIN jobs j "
                        "ON j.id = r.job_id WHERE j.name = ?1 ORDER BY r.id DESC LIMIT 1");
    if (!st) {
        rm_diag_add(diag, d->o.db_path, 0, NULL, "%s", rm_db_errmsg(db));
        rm_db_close(db);
        return RM_EDB;
    }
    for (size_t i = 0; i < rm_sched_count(s); i++) {
        rm_db_bind_text(st, 1, rm_sched_name(s, i));
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *outcome = (const char *)sqlite3_column_text(st, 1);
            bool unfinished = outcome && (!strcmp(outcome, "running") ||
                                          !strcmp(outcome, "stopped"));
            rm_sched_set_history(s, i, (time_t)sqlite3_column_int64(st, 0), unfinished);
        }
        sqlite3_reset(st);
    }
    rm_db_close(db);
    return RM_OK;
}

static int64_t due_or_none(time_t due)
{
    return due == RM_SCHED_NEVER ? -1 : (int64_t)due;
}

/* For `revmine status`: a job's schedule and next run. Failing costs only the display. */
static void save_schedule(rm_db *db, const char *name, const char *spec, time_t due)
{
    rm_store *st = rm_store_new(db);
    rm_err err = rm_store_job_schedule(st, name, spec, due_or_none(due));
    if (err)
        rm_log_warn("%s: cannot record the schedule (%s)", name, rm_err_str(err));
    rm_store_free(st);
}

static rm_db *open_db(const char *path)
{
    rm_db *db = NULL;
    rm_diag diag;
    rm_diag_init(&diag);
    if (rm_db_open(path, RM_DB_CREATE, &diag, &db) != RM_OK)
        log_diag(&diag);
    rm_diag_release(&diag);
    return db;
}

static void save_schedules(const char *path, const rm_sched *s)
{
    rm_db *db = open_db(path);
    for (size_t i = 0; db && i < rm_sched_count(s); i++)
        save_schedule(db, rm_sched_name(s, i), rm_sched_spec(s, i), rm_sched_due(s, i));
    rm_db_close(db);
}

/* Reads the config, builds its schedule and history. Returns the new config and schedule. */
static rm_err load(rm_daemon *d, time_t now, rm_diag *diag, cfg_ref **cfg_out,
                   rm_sched **sched_out)
{
    rm_config *cfg = NULL;
    rm_sched *s = NULL;
    /* An unreadable config file is a configuration problem too (exit 2 in the command). */
    rm_err err = rm_config_load(d->o.config_path, diag, &cfg) ? RM_ECONFIG : RM_OK;

    if (!err)
        err = rm_sched_new(cfg, now, diag, &s);
    if (!err && rm_sched_count(s) == 0) {
        rm_diag_add(diag, d->o.config_path, 0, "schedule",
                    "no job has schedule.cron or schedule.every: nothing to run");
        err = RM_ECONFIG;
    }
    if (!err)
        err = load_history(d, s, diag);
    if (err) {
        rm_sched_free(s);
        rm_config_free(cfg);
        return err;
    }
    *cfg_out = rm_xcalloc(1, sizeof(cfg_ref));
    (*cfg_out)->cfg = cfg;
    (*cfg_out)->refs = 1;
    *sched_out = s;
    return RM_OK;
}

rm_err rm_daemon_new(const rm_daemon_opts *o, rm_diag *diag, rm_daemon **out)
{
    rm_daemon *d = rm_xcalloc(1, sizeof(*d));
    rm_err err;

    *out = NULL;
    d->o = *o;
    d->o.max_parallel = RM_MAX(o->max_parallel, 1);
    d->clock = o->clock ? *o->clock : sys_clock;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cond, NULL);
    err = load(d, d->clock.now(d->clock.ctx), diag, &d->cfg, &d->sched);
    if (err) {
        rm_daemon_free(d);
        return err;
    }
    save_schedules(d->o.db_path, d->sched);
    *out = d;
    return RM_OK;
}

void rm_daemon_free(rm_daemon *d)
{
    if (!d)
        return;
    rm_sched_free(d->sched);
    cfg_unref(d->cfg);
    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* Loop thread, mu not held. */
static void reload(rm_daemon *d)
{
    cfg_ref *cfg = NULL;
    rm_sched *s = NULL;
    rm_diag diag;

    rm_diag_init(&diag);
    if (load(d, d->clock.now(d->clock.ctx), &diag, &cfg, &s) != RM_OK) {
        rm_log_error("reload of %s failed; the running config stays:", d->o.config_path);
        log_diag(&diag);
        atomic_fetch_add(&d->reload_errors, 1);
        rm_diag_release(&diag);
        return;
    }
    /* What this daemon did since it started is newer than the runs table's last rows. */
    rm_sched_inherit(s, d->sched);
    save_schedules(d->o.db_path, s);
    rm_sched_free(d->sched);
    d->sched = s;
    cfg_unref(d->cfg);
    d->cfg = cfg;
    atomic_fetch_add(&d->reloads, 1);
    rm_log_info("reloaded %s: %zu scheduled jobs", d->o.config_path, rm_sched_count(s));
    rm_diag_release(&diag);
}

/* ---- runs --------------------------------------------------------------------------------- */

static void *run_main(void *arg)
{
    run *r = arg;
    rm_daemon *d = r->d;
    rm_db *db = open_db(d->o.db_path);
    rm_err err;

    if (db)
        save_schedule(db, r->name, r->spec, r->next_due);
    rm_db_close(db);
    err = d->o.run(d->o.run_ctx, r->job, &d->stop_runs);

    if (err)
        rm_log_error("%s: run failed (%s)", r->name, rm_err_str(err));
    pthread_mutex_lock(&d->mu);
    r->ended = true;
    atomic_fetch_sub(&d->running, 1);
    atomic_fetch_add(&d->runs_ended, 1);
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

static bool is_running(const rm_daemon *d, const char *name)
{
    for (const run *r = d->runs; r; r = r->next)
        if (!r->ended && !strcmp(r->name, name))
            return true;
    return false;
}

/* mu held. The slot counts as taken even when the thread cannot start, so a failing start
 * is retried at the next slot rather than in a tight loop. */
static void start_run(rm_daemon *d, size_t i, time_t now)
{
    run *r = rm_xcalloc(1, sizeof(*r));
    char when[32];

    r->d = d;
    r->name = rm_xstrdup(rm_sched_name(d->sched, i));
    r->job = rm_config_job(d->cfg->cfg, r->name);
    r->ref = d->cfg;
    r->spec = rm_xstrdup(rm_sched_spec(d->sched, i));
    rm_sched_started(d->sched, i, now);
    r->next_due = rm_sched_due(d->sched, i);
    if (pthread_create(&r->th, NULL, run_main, r) != 0) {
        rm_log_error("%s: cannot start a thread (%s)", r->name, strerror(errno));
        free(r->spec);
        free(r->name);
        free(r);
        return;
    }
    d->cfg->refs++;
    r->next = d->runs;
    d->runs = r;
    atomic_fetch_add(&d->running, 1);
    atomic_fetch_add(&d->runs_started, 1);
    rm_time_iso(r->next_due == RM_SCHED_NEVER ? 0 : r->next_due, when);
    rm_log_info("%s: run started (jitter %u s); next due %s", r->name,
                rm_sched_jitter(d->sched, i), r->next_due == RM_SCHED_NEVER ? "never" : when);
}

/* mu held on entry and exit; released while joining. */
static void reap(rm_daemon *d)
{
    run *ended = NULL, **pp = &d->runs;

    while (*pp) {
        run *r = *pp;
        if (r->ended) {
            *pp = r->next;
            r->next = ended;
            ended = r;
        } else {
            pp = &r->next;
        }
    }
    if (!ended)
        return;
    pthread_mutex_unlock(&d->mu);
    while (ended) {
        run *r = ended;
        ended = r->next;
        pthread_join(r->th, NULL);
        cfg_unref(r->ref);
        free(r->spec);
        free(r->name);
        free(r);
    }
    pthread_mutex_lock(&d->mu);
}

/* mu held. Starts what is due within the parallel limit; returns when to look again. */
static time_t start_due(rm_daemon *d, time_t now)
{
    size_t n = rm_sched_count(d->sched);
    bool *busy = rm_xcalloc(n ? n : 1, sizeof(bool));
    time_t wake = RM_SCHED_NEVER;
    size_t i;

    for (i = 0; i < n; i++)
        busy[i] = is_running(d, rm_sched_name(d->sched, i));
    while (atomic_load(&d->running) < d->o.max_parallel &&
           (i = rm_sched_pick(d->sched, now, busy)) != RM_SCHED_NONE) {
        start_run(d, i, now);
        busy[i] = true;
    }
    /* Jobs due but held back (running, or over the limit) wake the loop when a run ends. */
    for (i = 0; i < n; i++) {
        time_t due = rm_sched_due(d->sched, i);
        if (!busy[i] && due > now && due < wake)
            wake = due;
    }
    free(busy);
    return wake;
}

void rm_daemon_loop(rm_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    while (!d->stop) {
        time_t wake;
        if (d->reload) {
            d->reload = false;
            pthread_mutex_unlock(&d->mu);
            reload(d);
            pthread_mutex_lock(&d->mu);
            continue;
        }
        reap(d);
        if (d->stop || d->reload)
            continue;
        wake = start_due(d, d->clock.now(d->clock.ctx));
        d->clock.wait(d->clock.ctx, &d->cond, &d->mu, wake);
    }
    rm_log_info("stopping: %d runs to wind down", atomic_load(&d->running));
    atomic_store(&d->stop_runs, 1);
    /* Runs end by themselves once asked (crawls within seconds): real waiting, no clock. */
    while (atomic_load(&d->running) > 0)
        pthread_cond_wait(&d->cond, &d->mu);
    reap(d);
    pthread_mutex_unlock(&d->mu);
}

void rm_daemon_stop(rm_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->mu);
}

void rm_daemon_reload(rm_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    d->reload = true;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->mu);
}

rm_daemon_counts rm_daemon_get_counts(rm_daemon *d)
{
    rm_daemon_counts c;
    c.runs_started = atomic_load(&d->runs_started);
    c.runs_ended = atomic_load(&d->runs_ended);
    c.reloads = atomic_load(&d->reloads);
    c.reload_errors = atomic_load(&d->reload_errors);
    c.running = atomic_load(&d->running);
    return c;
}
