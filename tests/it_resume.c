/* Resume: a crawl killed with SIGKILL (or stopped with SIGTERM) in the middle and run again
 * ends equal to the site's ground truth, with no duplicate records and at most 5% of pages
 * fetched twice. */
#include "core/rm.h"
#include "core/clock.h"
#include "tests/helpers/crawlrun.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    rm_market m;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Waits until at least want frontier rows are done (bounded). */
static int64_t wait_done(const char *db, int64_t want, int timeout_ms)
{
    int64_t deadline = rm_mono_ms() + timeout_ms, done = 0;
    while (rm_mono_ms() < deadline) {
        done = rm_db_int(db, "SELECT count(*) FROM frontier WHERE state = 1");
        if (done >= want)
            break;
        usleep(20000);
    }
    return done;
}

/* Pages the server answered more than once, over both sites, from /_control/stats. */
static void count_refetches(const rm_market *m, size_t *paths, size_t *repeats)
{
    char *stats = rm_market_get(m, "/_control/stats");
    json_t *o = json_loads(stats, 0, NULL);
    const char *k;
    json_t *v;
    static const char *const keys[] = {"paths", "social_paths"};

    assert_non_null(o);
    *paths = *repeats = 0;
    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++) {
        json_object_foreach(json_object_get(o, keys[i]), k, v) {
            if (!strncmp(k, "/_control", 9))
                continue;
            (*paths)++;
            *repeats += (size_t)(json_integer_value(v) - 1);
        }
    }
    json_decref(o);
    free(stats);
}

static void interrupt_and_resume(fx *f, int sig)
{
    const char *args[] = {"--products", "500", "--seed", "3", "--fault", "*=delay,ms=15", NULL};
    int64_t total_pages, done;
    size_t paths, repeats;
    rm_child c;
    json_t *res;
    int status;

    rm_market_start(&f->m, f->dir, args);
    total_pages = json_integer_value(json_object_get(json_object_get(f->m.truth, "pages"),
                                                     "market"));
    rm_crawl_demo_spawn(f->db, &c);
    done = wait_done(f->db, total_pages / 3, 120000);
    assert_true(done >= total_pages / 3);
    /* A second crawl of the same job meanwhile is refused: it would fetch everything twice.
     * The first is paused while the second starts up (slow under sanitizers), so it is still
     * mid-way when it is interrupted below. */
    {
        char *err = NULL;
        assert_int_equal(kill(c.pid, SIGSTOP), 0);
        assert_int_not_equal(rm_crawl_demo_status(f->db, &err), 0);
        assert_int_equal(kill(c.pid, SIGCONT), 0);
        assert_non_null(strstr(err, "already running"));
        free(err);
    }
    status = rm_test_stop(&c, sig, 30000);
    if (sig == SIGTERM) {
        /* graceful: exit 0 and the run is recorded as stopped, to be resumed */
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'stopped'"),
                         1);
    } else {
        assert_true(WIFSIGNALED(status));
    }
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 0") > 0);

    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    json_decref(res);
    /* one run, resumed, not a second one */
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs"), 1);
    rm_expect_truth(f->db, f->m.truth);
    count_refetches(&f->m, &paths, &repeats);
    fprintf(stderr, "%zu paths, %zu fetched again after the interruption (%.2f%%)\n", paths,
            repeats, 100.0 * (double)repeats / (double)paths);
    assert_true(repeats * 20 <= paths);
}

static void resume_after_sigkill(void **state)
{
    interrupt_and_resume(*state, SIGKILL);
}

static void resume_after_sigterm(void **state)
{
    interrupt_and_resume(*state, SIGTERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(resume_after_sigkill, setup, teardown),
        cmocka_unit_test_setup_teardown(resume_after_sigterm, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
