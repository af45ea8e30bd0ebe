/* The daemon loop under a fake clock: time moves only when the loop waits, straight to the
 * next event (a due job, a pause point, a run's fake end), and only after every run started
 * so far has settled. So each scenario has one exact timeline, asserted start by start. */
#include "core/rm.h"
#include "core/clock.h"
#include "crawler/daemon.h"
#include "crawler/sched.h"
#include "store/db.h"
#include "tests/helpers/testutil.h"

#include <unistd.h>

#define MAX_JOBS 4
#define MAX_STARTS 32
#define REAL_LIMIT_MS 10000 /* no scenario needs more; a hang fails instead of blocking */

typedef struct job_state {
    char name[16];
    time_t dur;                 /* fake seconds a run takes */
    atomic_int active;
    atomic_llong deadline;
    atomic_int overlap;         /* two runs of this job at once */
    atomic_int stopped;         /* runs that saw the stop flag */
    time_t starts[MAX_STARTS];
    atomic_int n_starts;
} job_state;

typedef struct fake {
    atomic_llong now;
    time_t pauses[4];
    size_t n_pauses, next_pause; /* loop thread */
    atomic_int paused;           /* pause point reached: index + 1 */
    atomic_int resume;
    time_t end;
    atomic_int at_end, stopping, timed_out;
    job_state jobs[MAX_JOBS];
    size_t n_jobs;
    atomic_llong entered, returned;
    atomic_int concurrent, max_concurrent;
    int64_t ended_seen;          /* loop thread */
    rm_daemon *d;
} fake;

static job_state *job_of(fake *f, const char *name)
{
    for (size_t i = 0; i < f->n_jobs; i++)
        if (!strcmp(f->jobs[i].name, name))
            return &f->jobs[i];
    fail_msg("unknown job %s", name);
    return NULL;
}

static rm_err fake_run(void *ctx, const rm_job *job, atomic_int *stop)
{
    fake *f = ctx;
    job_state *js = job_of(f, job->name);
    time_t start = (time_t)atomic_load(&f->now);
    int64_t t0 = rm_mono_ms();
    int c, n;

    if (atomic_fetch_add(&js->active, 1) != 0)
        atomic_store(&js->overlap, 1);
    c = atomic_fetch_add(&f->concurrent, 1) + 1;
    if (c > atomic_load(&f->max_concurrent))
        atomic_store(&f->max_concurrent, c);
    n = atomic_fetch_add(&js->n_starts, 1);
    if (n < MAX_STARTS)
        js->starts[n] = start;
    atomic_store(&js->deadline, start + js->dur);
    atomic_fetch_add(&f->entered, 1);
    while (atomic_load(&f->now) < start + js->dur && !atomic_load(stop)) {
        if (rm_mono_ms() - t0 > REAL_LIMIT_MS) {
            atomic_store(&f->timed_out, 1);
            break;
        }
        usleep(100);
    }
    if (atomic_load(stop))
        atomic_fetch_add(&js->stopped, 1);
    atomic_fetch_sub(&f->concurrent, 1);
    atomic_fetch_sub(&js->active, 1);
    atomic_fetch_add(&f->returned, 1);
    return RM_OK;
}

static time_t fake_now(void *ctx)
{
    return (time_t)atomic_load(&((fake *)ctx)->now);
}

static void real_tick(pthread_cond_t *cond, pthread_mutex_t *mu)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    (void)pthread_cond_timedwait(cond, mu, &ts);
}

static bool overdue(fake *f)
{
    for (size_t i = 0; i < f->n_jobs; i++)
        if (atomic_load(&f->jobs[i].active) &&
            atomic_load(&f->jobs[i].deadline) <= atomic_load(&f->now))
            return true;
    return false;
}

/* Until every started run has recorded its start, and every run whose time is up has ended
 * in the daemon's books. */
static void settle(fake *f, pthread_cond_t *cond, pthread_mutex_t *mu)
{
    int64_t t0 = rm_mono_ms();
    for (;;) {
        rm_daemon_counts c = rm_daemon_get_counts(f->d);
        if (atomic_load(&f->entered) == c.runs_started && !overdue(f) &&
            c.runs_ended == atomic_load(&f->returned))
            return;
        if (rm_mono_ms() - t0 > REAL_LIMIT_MS) {
            atomic_store(&f->timed_out, 1);
            return;
        }
        real_tick(cond, mu);
    }
}

/* Waits (really) until the test thread sets flag. */
static void hold(fake *f, atomic_int *flag, pthread_cond_t *cond, pthread_mutex_t *mu)
{
    int64_t t0 = rm_mono_ms();
    while (!atomic_load(flag)) {
        if (rm_mono_ms() - t0 > REAL_LIMIT_MS) {
            atomic_store(&f->timed_out, 1);
            return;
        }
        real_tick(cond, mu);
    }
}

static void fake_wait(void *ctx, pthread_cond_t *cond, pthread_mutex_t *mu, time_t until)
{
    fake *f = ctx;
    time_t target = until;
    rm_daemon_counts c;

    settle(f, cond, mu);
    c = rm_daemon_get_counts(f->d);
    if (c.runs_ended != f->ended_seen) { /* the loop decides again before time moves */
        f->ended_seen = c.runs_ended;
        return;
    }
    for (size_t i = 0; i < f->n_jobs; i++)
        if (atomic_load(&f->jobs[i].active) && atomic_load(&f->jobs[i].deadline) < target)
            target = (time_t)atomic_load(&f->jobs[i].deadline);
    if (f->next_pause < f->n_pauses && target > f->pauses[f->next_pause]) {
        atomic_store(&f->now, f->pauses[f->next_pause]);
        atomic_store(&f->paused, (int)++f->next_pause);
        hold(f, &f->resume, cond, mu);
        atomic_store(&f->resume, 0);
        return;
    }
    if (target > f->end) {
        atomic_store(&f->at_end, 1);
        hold(f, &f->stopping, cond, mu);
        return;
    }
    atomic_store(&f->now, target);
    settle(f, cond, mu);
    f->ended_seen = rm_daemon_get_counts(f->d).runs_ended;
}

/* ---- fixture ------------------------------------------------------------------------------ */

typedef struct fx {
    char *dir;
    char *config;
    char db[FIXTURE_PATH_MAX];
    fake f;
    pthread_t loop;
} fx;

static int setup(void **state)
{
    fx *x = rm_xcalloc(1, sizeof(*x));
    x->dir = rm_test_tmpdir();
    snprintf(x->db, sizeof(x->db), "%s/revmine.db", x->dir);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    rm_test_rmdir(x->dir);
    free(x->dir);
    free(x->config);
    free(x);
    return 0;
}

static time_t iso(const char *s)
{
    time_t t;
    if (rm_time_parse_iso(s, &t))
        fail_msg("bad time: %s", s);
    return t;
}

/* The path stays the same across rewrites: the daemon borrows it. */
static void write_config(fx *x, const char *yaml)
{
    char *path = rm_test_write(x->dir, "jobs.yaml", yaml, strlen(yaml));
    if (!x->config)
        x->config = path;
    else
        free(path);
}

static void add_job(fx *x, const char *name, time_t dur)
{
    job_state *js = &x->f.jobs[x->f.n_jobs++];
    snprintf(js->name, sizeof(js->name), "%s", name);
    js->dur = dur;
}

static void *loop_main(void *arg)
{
    rm_daemon_loop(arg);
    return NULL;
}

static void start_daemon(fx *x, time_t t0, time_t end, int max_parallel)
{
    static rm_daemon_clock clock;
    rm_daemon_opts o;
    rm_diag d;

    atomic_store(&x->f.now, t0);
    x->f.end = end;
    clock = (rm_daemon_clock){&x->f, fake_now, fake_wait};
    memset(&o, 0, sizeof(o));
    o.config_path = x->config;
    o.db_path = x->db;
    o.max_parallel = max_parallel;
    o.run = fake_run;
    o.run_ctx = &x->f;
    o.clock = &clock;
    rm_diag_init(&d);
    if (rm_daemon_new(&o, &d, &x->f.d) != RM_OK) {
        rm_diag_print(&d, stderr);
        fail_msg("daemon did not start");
    }
    rm_diag_release(&d);
    assert_int_equal(pthread_create(&x->loop, NULL, loop_main, x->f.d), 0);
}

static void wait_flag(fx *x, atomic_int *flag, int want)
{
    int64_t t0 = rm_mono_ms();
    while (atomic_load(flag) != want) {
        if (rm_mono_ms() - t0 > REAL_LIMIT_MS)
            fail_msg("the daemon loop did not get there in time");
        usleep(200);
    }
    (void)x;
}

static void finish_daemon(fx *x)
{
    wait_flag(x, &x->f.at_end, 1);
    atomic_store(&x->f.stopping, 1);
    rm_daemon_stop(x->f.d);
    pthread_join(x->loop, NULL);
    assert_false(atomic_load(&x->f.timed_out));
    assert_int_equal(rm_daemon_get_counts(x->f.d).running, 0);
    rm_daemon_free(x->f.d);
    x->f.d = NULL;
}

static void assert_starts(fx *x, const char *name, const char *const *want)
{
    job_state *js = job_of(&x->f, name);
    size_t n = 0;
    char got[32];

    while (want[n])
        n++;
    for (size_t i = 0; i < RM_MIN(n, (size_t)atomic_load(&js->n_starts)); i++) {
        rm_time_iso(js->starts[i], got);
        if (js->starts[i] != iso(want[i]))
            fail_msg("%s: start %zu at %s, want %s", name, i, got, want[i]);
    }
    if ((size_t)atomic_load(&js->n_starts) != n)
        fail_msg("%s: %d starts, want %zu", name, atomic_load(&js->n_starts), n);
    assert_false(atomic_load(&js->overlap));
}

static const char two_jobs[] =
    "jobs:\n"
    "  - name: a\n    seeds: [http://127.0.0.1:9/]\n    schedule: {every: 1m}\n"
    "  - name: b\n    seeds: [http://127.0.0.1:9/]\n    schedule: {cron: \"*/2 * * * *\"}\n";

/* The next run time the daemon recorded for `revmine status`. */
static int64_t next_run_at(fx *x, const char *job)
{
    rm_db *db = NULL;
    rm_diag d;
    sqlite3_stmt *st;
    int64_t v = -1;

    rm_diag_init(&d);
    assert_int_equal(rm_db_open(x->db, RM_DB_READONLY, &d, &db), RM_OK);
    st = rm_db_stmt(db, "SELECT next_run_at FROM jobs WHERE name = ?1");
    assert_non_null(st);
    rm_db_bind_text(st, 1, job);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    rm_db_close(db);
    rm_diag_release(&d);
    return v;
}

/* a takes 150 s but is due every minute: its slots that pass while it runs give one run
 * right after it ends, never a second run beside it; b keeps its own schedule meanwhile. */
static void daemon_long_run_is_not_overlapped(void **state)
{
    fx *x = *state;
    static const char *const a[] = {"2024-01-01T00:01:00Z", "2024-01-01T00:03:30Z",
                                    "2024-01-01T00:06:00Z", "2024-01-01T00:08:30Z", NULL};
    static const char *const b[] = {"2024-01-01T00:02:00Z", "2024-01-01T00:04:00Z",
                                    "2024-01-01T00:06:00Z", "2024-01-01T00:08:00Z",
                                    "2024-01-01T00:10:00Z", NULL};
    write_config(x, two_jobs);
    add_job(x, "a", 150);
    add_job(x, "b", 0);
    start_daemon(x, iso("2024-01-01T00:00:30Z"), iso("2024-01-01T00:10:00Z"), 4);
    finish_daemon(x);
    assert_starts(x, "a", a);
    assert_starts(x, "b", b);
    /* The last run of a was going when the daemon stopped: it was asked to stop. */
    assert_int_equal(atomic_load(&job_of(&x->f, "a")->stopped), 1);
    assert_int_equal(atomic_load(&x->f.max_concurrent), 2);
    assert_int_equal(next_run_at(x, "a"), iso("2024-01-01T00:09:00Z"));
    assert_int_equal(next_run_at(x, "b"), iso("2024-01-01T00:12:00Z"));
}

/* With one run at a time, b waits for a and a for b; neither starves. */
static void daemon_parallel_limit_holds(void **state)
{
    fx *x = *state;
    static const char *const a[] = {"2024-01-01T00:01:00Z", "2024-01-01T00:03:30Z",
                                    "2024-01-01T00:06:00Z", "2024-01-01T00:08:30Z", NULL};
    static const char *const b[] = {"2024-01-01T00:03:30Z", "2024-01-01T00:06:00Z", NULL};
    write_config(x, two_jobs);
    add_job(x, "a", 150);
    add_job(x, "b", 0);
    start_daemon(x, iso("2024-01-01T00:00:30Z"), iso("2024-01-01T00:10:00Z"), 1);
    finish_daemon(x);
    assert_starts(x, "a", a);
    assert_starts(x, "b", b);
    assert_int_equal(atomic_load(&x->f.max_concurrent), 1);
}

static void db_exec(const char *path, const char *sql)
{
    rm_db *db = NULL;
    rm_diag d;
    rm_diag_init(&d);
    assert_int_equal(rm_db_open(path, RM_DB_CREATE, &d, &db), RM_OK);
    assert_int_equal(rm_db_exec(db, sql), RM_OK);
    rm_db_close(db);
    rm_diag_release(&d);
}

/* History from the runs table: a ran ten hours ago (ten hours of slots missed) and b's last
 * run was stopped; both run once at start, then on schedule. */
static void daemon_missed_and_unfinished_runs_start_once(void **state)
{
    fx *x = *state;
    static const char *const a[] = {"2024-01-01T10:00:30Z", "2024-01-01T10:01:00Z",
                                    "2024-01-01T10:02:00Z", NULL};
    static const char *const b[] = {"2024-01-01T10:00:30Z", "2024-01-01T10:02:00Z", NULL};
    char sql[512];

    snprintf(sql, sizeof(sql),
             "INSERT INTO jobs(id, name, created_at) VALUES (1, 'a', 0), (2, 'b', 0);"
             "INSERT INTO runs(job_id, started_at, ended_at, outcome) VALUES "
             "(1, %lld, %lld, 'done'), (2, %lld, NULL, 'stopped');",
             (long long)iso("2024-01-01T00:00:05Z"), (long long)iso("2024-01-01T00:00:09Z"),
             (long long)iso("2024-01-01T09:58:00Z"));
    db_exec(x->db, sql);
    write_config(x, two_jobs);
    add_job(x, "a", 0);
    add_job(x, "b", 0);
    start_daemon(x, iso("2024-01-01T10:00:30Z"), iso("2024-01-01T10:02:30Z"), 4);
    finish_daemon(x);
    assert_starts(x, "a", a);
    assert_starts(x, "b", b);
}

/* A bad config on reload is reported and the old one keeps running; a good one applies, with
 * new jobs waiting for their first slot and removed jobs no longer started. */
static void daemon_reload_keeps_old_config_on_error(void **state)
{
    fx *x = *state;
    static const char *const a[] = {"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z",
                                    "2024-01-01T00:03:00Z", "2024-01-01T00:04:00Z",
                                    "2024-01-01T00:05:00Z", NULL};
    static const char *const b[] = {"2024-01-01T00:02:00Z", "2024-01-01T00:04:00Z",
                                    "2024-01-01T00:06:00Z", "2024-01-01T00:08:00Z", NULL};
    static const char *const c[] = {"2024-01-01T00:06:00Z", "2024-01-01T00:07:00Z",
                                    "2024-01-01T00:08:00Z", NULL};
    rm_daemon_counts n;

    write_config(x, two_jobs);
    add_job(x, "a", 0);
    add_job(x, "b", 0);
    add_job(x, "c", 0);
    x->f.pauses[0] = iso("2024-01-01T00:03:30Z");
    x->f.pauses[1] = iso("2024-01-01T00:05:30Z");
    x->f.n_pauses = 2;
    start_daemon(x, iso("2024-01-01T00:00:30Z"), iso("2024-01-01T00:08:30Z"), 4);

    wait_flag(x, &x->f.paused, 1);
    write_config(x, "jobs:\n  - name: a\n    seeds: [http://127.0.0.1:9/]\n"
                    "    schedule: {cron: \"61 * * * *\"}\n");
    rm_daemon_reload(x->f.d); /* before resuming, so the loop sees it at the pause time */
    atomic_store(&x->f.resume, 1);

    wait_flag(x, &x->f.paused, 2);
    n = rm_daemon_get_counts(x->f.d);
    assert_int_equal(n.reload_errors, 1);
    assert_int_equal(n.reloads, 0);
    write_config(x, "jobs:\n"
                    "  - name: b\n    seeds: [http://127.0.0.1:9/]\n"
                    "    schedule: {cron: \"*/2 * * * *\"}\n"
                    "  - name: c\n    seeds: [http://127.0.0.1:9/]\n"
                    "    schedule: {every: 1m}\n");
    rm_daemon_reload(x->f.d); /* before resuming, so the loop sees it at the pause time */
    atomic_store(&x->f.resume, 1);

    wait_flag(x, &x->f.at_end, 1);
    n = rm_daemon_get_counts(x->f.d);
    assert_int_equal(n.reload_errors, 1);
    assert_int_equal(n.reloads, 1);
    finish_daemon(x);
    assert_starts(x, "a", a);
    assert_starts(x, "b", b);
    assert_starts(x, "c", c);
}

static void daemon_refuses_config_without_schedules(void **state)
{
    fx *x = *state;
    rm_daemon_opts o;
    rm_daemon *d = NULL;
    rm_diag diag;

    write_config(x, "jobs:\n  - name: a\n    seeds: [http://127.0.0.1:9/]\n");
    memset(&o, 0, sizeof(o));
    o.config_path = x->config;
    o.db_path = x->db;
    o.max_parallel = 1;
    o.run = fake_run;
    o.run_ctx = &x->f;
    rm_diag_init(&diag);
    assert_int_equal(rm_daemon_new(&o, &diag, &d), RM_ECONFIG);
    assert_null(d);
    assert_int_equal(diag.n, 1);
    assert_non_null(strstr(diag.items[0].msg, "no job has schedule"));
    rm_diag_release(&diag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(daemon_long_run_is_not_overlapped, setup, teardown),
        cmocka_unit_test_setup_teardown(daemon_parallel_limit_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(daemon_missed_and_unfinished_runs_start_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(daemon_reload_keeps_old_config_on_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(daemon_refuses_config_without_schedules, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
