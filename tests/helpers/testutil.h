/* Shared helpers for cmocka tests: fixtures, temporary files, child processes.
 *
 * Thread-safety: test main threads only. */
#ifndef RM_TESTUTIL_H
#define RM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

/* Returns the repository root (RM_ROOT, or "." when unset). */
const char *rm_test_root(void);
/* Returns the build directory holding revmine and rm-market (RM_BIN_DIR, or "build"). */
const char *rm_test_bin_dir(void);
/* Returns ../shared/data (RM_SHARED_DATA) when it exists, else NULL: callers skip(). */
const char *rm_test_shared_data(void);

/* Reads tests/fixtures/<rel> into a new NUL-terminated buffer (free()); fails the test when
 * missing. */
char *rm_test_read_fixture(const char *rel, size_t *len);
/* Reads any file; NULL when it cannot. */
char *rm_test_read_file(const char *path, size_t *len);
/* Creates a fresh temporary directory and returns its path (free()); removed by rm_test_rmdir. */
char *rm_test_tmpdir(void);
void rm_test_rmdir(const char *path);
/* Writes len bytes to dir/name and returns the full path (free()). */
char *rm_test_write(const char *dir, const char *name, const char *data, size_t len);

/* A child process with its stdout readable line by line. */
typedef struct rm_child {
    pid_t pid;
    int out_fd; /* read end of the child's stdout, or -1 */
} rm_child;

/* Starts argv[0] (a path) with stdout piped. Returns 0 or -1. */
int rm_test_spawn(char *const argv[], rm_child *child);
/* Reads one line of the child's stdout into buf within timeout_ms. Returns 0 or -1. */
int rm_test_read_line(rm_child *child, char *buf, size_t size, int timeout_ms);
/* Sends sig and waits at most timeout_ms; SIGKILL after that. Returns the exit status. */
int rm_test_stop(rm_child *child, int sig, int timeout_ms);
/* Runs argv to completion within timeout_ms with stdout/stderr captured into out and err
 * (either may be NULL; free them). Returns the exit code, or -1 on timeout or failure to start. */
int rm_test_run(char *const argv[], const char *stdin_data, char **out, char **err,
                int timeout_ms);

/* Fails the test unless one line of out (without its newline) contains every needle. */
void rm_expect_line(const char *out, const char *const *needles, size_t n);
#define RM_EXPECT_LINE(out, ...) \
    rm_expect_line((out), (const char *const[]){__VA_ARGS__}, \
                   sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))
/* How many times needle occurs in out (overlapping matches counted). */
int rm_count(const char *out, const char *needle);

#define FIXTURE_PATH_MAX 4096

#endif
