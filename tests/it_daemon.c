/* `revmine daemon` as a process, against the fixture marketplace: it runs a job on its
 * schedule, survives SIGHUP with a broken config (logging file:line: field), stops on SIGTERM
 * in the middle of a run with exit 0 and the run recorded as stopped, and the next daemon
 * resumes that run at once and finishes it. `revmine status` and `revmine runs` read the
 * result. */
#include "core/rm.h"
#include "core/clock.h"
#include "tests/helpers/crawlrun.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    char log[FIXTURE_PATH_MAX];
    char *config;
    int schedule_line; /* where write_config() put the schedule */
    rm_market m;
    rm_child d;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
    snprintf(f->log, sizeof(f->log), "%s/daemon.log", f->dir);
    f->d.pid = 0;
    f->d.out_fd = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_test_stop(&f->d, SIGKILL, 1000);
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->config);
    free(f->dir);
    free(f);
    return 0;
}

/* configs/demo.yaml with its schedule replaced by schedule (one YAML line). */
static void write_config(fx *f, const char *schedule)
{
    char path[FIXTURE_PATH_MAX], *demo, *at, *cfg;
    size_t len;
    rm_buf b;

    snprintf(path, sizeof(path), "%s/configs/demo.yaml", rm_test_root());
    demo = rm_test_read_file(path, &len);
    assert_non_null(demo);
    at = strstr(demo, "    schedule:");
    assert_non_null(at);
    f->schedule_line = 1;
    for (const char *p = demo; p < at; p++)
        f->schedule_line += *p == '\n';
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_buf_add(&b, demo, (size_t)(at - demo));
    rm_buf_addf(&b, "    schedule: %s\n", schedule);
    cfg = rm_test_write(f->dir, "jobs.yaml", b.ptr, b.len);
    if (!f->config)
        f->config = cfg;
    else
        free(cfg);
    rm_buf_release(&b);
    free(demo);
}

/* Starts the daemon with stderr appended to f->log. */
static void start_daemon(fx *f)
{
    char bin[FIXTURE_PATH_MAX];
    pid_t pid;

    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(f->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        char *argv[] = {bin, "daemon", f->config, "--db", f->db, "--max-parallel", "1", NULL};
        if (fd < 0)
            _exit(126);
        dup2(fd, 2);
        close(fd);
        execv(bin, argv);
        _exit(127);
    }
    f->d.pid = pid;
    f->d.out_fd = -1;
}

static bool alive(fx *f)
{
    int status;
    return waitpid(f->d.pid, &status, WNOHANG) == 0;
}

/* Polls sql until it gives at least want (bounded). */
static int64_t wait_for(fx *f, const char *sql, int64_t want, int timeout_ms)
{
    int64_t deadline = rm_mono_ms() + timeout_ms, v = -1;
    while (rm_mono_ms() < deadline) {
        v = rm_db_int(f->db, sql);
        if (v >= want || !alive(f))
            break;
        usleep(50000);
    }
    return v;
}

static bool log_has(fx *f, const char *needle, int timeout_ms)
{
    int64_t deadline = rm_mono_ms() + timeout_ms;
    while (rm_mono_ms() < deadline) {
        char *text = rm_test_read_file(f->log, NULL);
        bool found = text && strstr(text, needle);
        free(text);
        if (found)
            return true;
        usleep(50000);
    }
    return false;
}

static char *run_cli(const char *cmd, const char *db, const char *extra)
{
    char bin[FIXTURE_PATH_MAX], *out = NULL;
    char *argv[] = {bin, (char *)cmd, "--db", (char *)db, (char *)extra, NULL};
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    assert_int_equal(rm_test_run(argv, NULL, &out, NULL, 10000), 0);
    return out;
}

static void daemon_schedule_reload_and_graceful_stop(void **state)
{
    fx *f = *state;
    /* Slow answers make a run last seconds, so a signal lands in the middle of one. */
    const char *const args[] = {"--products", "40", "--fault", "*=delay,ms=150", NULL};
    int status, lines = 0;
    char *out, want[128];

    rm_market_start(&f->m, f->dir, args);
    write_config(f, "{every: 1s}");
    start_daemon(f);

    /* The first run completes on schedule. */
    assert_int_equal(wait_for(f, "SELECT count(*) FROM runs WHERE outcome = 'done'", 1, 90000),
                     1);

    /* A broken config on SIGHUP: reported with file, line and field; the daemon goes on. */
    write_config(f, "{cron: \"0 25 * * *\"}");
    kill(f->d.pid, SIGHUP);
    snprintf(want, sizeof(want), "jobs.yaml:%d: schedule.cron: hour: 25 is out of range 0-23",
             f->schedule_line);
    assert_true(log_has(f, want, 10000));
    assert_true(log_has(f, "the running config stays", 1000));
    assert_true(alive(f));

    /* The old schedule keeps running: a second run starts; SIGTERM lands inside it. */
    assert_true(wait_for(f, "SELECT count(*) FROM frontier f JOIN runs r ON r.id = f.run_id "
                            "WHERE r.id > 1 AND r.outcome = 'running' AND f.state = 1",
                         20, 30000) >= 20);
    status = rm_test_stop(&f->d, SIGTERM, 30000);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'running'"), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT outcome = 'stopped' FROM runs WHERE id = 2"), 1);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 0") > 0);

    /* A new daemon (daily schedule now) resumes the stopped run at once and finishes it. */
    write_config(f, "{cron: \"@daily\"}");
    start_daemon(f);
    assert_int_equal(wait_for(f, "SELECT count(*) FROM runs WHERE id = 2 AND outcome = 'done'",
                              1, 90000), 1);
    status = rm_test_stop(&f->d, SIGINT, 30000);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs"), 2);

    out = run_cli("status", f->db, NULL);
    assert_non_null(strstr(out, "schedule   @daily UTC"));
    assert_non_null(strstr(out, "last run   #2 done"));
    free(out);
    out = run_cli("runs", f->db, "--json");
    assert_non_null(strstr(out, "\"run\":2,\"job\":\"demo\""));
    for (const char *p = out; (p = strstr(p, "\"outcome\":\"done\"")) != NULL; p++)
        lines++;
    assert_int_equal(lines, 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(daemon_schedule_reload_and_graceful_stop, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
