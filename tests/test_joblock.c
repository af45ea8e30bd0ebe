/* One run of a job at a time across processes (crawler/joblock.h). */
#include "core/rm.h"
#include "crawler/joblock.h"
#include "tests/helpers/testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fx {
    char *dir;
    char db[4096];
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/r.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void joblock_one_run_per_job(void **state)
{
    fx *f = *state;
    rm_joblock *a, *b, *other;

    assert_int_equal(rm_joblock_take(f->db, "shop", &a), RM_OK);
    /* a second taker, even in the same process, is refused at once */
    assert_int_equal(rm_joblock_take(f->db, "shop", &b), RM_EBUSY);
    assert_null(b);
    /* other jobs of the same database run beside it (the daemon runs several) */
    assert_int_equal(rm_joblock_take(f->db, "social", &other), RM_OK);
    rm_joblock_release(a);
    assert_int_equal(rm_joblock_take(f->db, "shop", &b), RM_OK);
    rm_joblock_release(b);
    rm_joblock_release(other);
}

/* A run killed with SIGKILL leaves no stale lock: the next run starts. */
static void joblock_dies_with_its_process(void **state)
{
    fx *f = *state;
    int pipefd[2], status;
    char c;
    pid_t pid;
    rm_joblock *l;

    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        rm_joblock *held;
        close(pipefd[0]);
        if (rm_joblock_take(f->db, "shop", &held) != RM_OK)
            _exit(1);
        if (write(pipefd[1], "x", 1) != 1)
            _exit(1);
        for (int i = 0; i < 100; i++)
            sleep(1); /* killed long before */
        _exit(0);
    }
    close(pipefd[1]);
    assert_int_equal(read(pipefd[0], &c, 1), 1);
    close(pipefd[0]);
    assert_int_equal(rm_joblock_take(f->db, "shop", &l), RM_EBUSY);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(rm_joblock_take(f->db, "shop", &l), RM_OK);
    rm_joblock_release(l);
}

static void joblock_unwritable_place_is_an_io_error(void **state)
{
    rm_joblock *l;
    (void)state;
    assert_int_equal(rm_joblock_take("/nonexistent-dir/r.db", "shop", &l), RM_EIO);
    assert_null(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(joblock_one_run_per_job, setup, teardown),
        cmocka_unit_test_setup_teardown(joblock_dies_with_its_process, setup, teardown),
        cmocka_unit_test_setup_teardown(joblock_unwritable_place_is_an_io_error, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
