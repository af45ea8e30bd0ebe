#include "core/rm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/helpers/testutil.h"

const char *rm_test_root(void)
{
    const char *r = getenv("RM_ROOT");
    return r && *r ? r : ".";
}

const char *rm_test_bin_dir(void)
{
    const char *b = getenv("RM_BIN_DIR");
    return b && *b ? b : "build";
}

const char *rm_test_shared_data(void)
{
    static char path[FIXTURE_PATH_MAX];
    const char *d = getenv("RM_SHARED_DATA");
    struct stat st;

    if (!d || !*d) {
        snprintf(path, sizeof(path), "%s/../shared/data", rm_test_root());
        d = path;
    }
    return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

char *rm_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    rm_buf b;
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        (void)rm_buf_add(&b, chunk, n);
    fclose(f);
    return rm_buf_detach(&b, len);
}

char *rm_test_read_fixture(const char *rel, size_t *len)
{
    char path[FIXTURE_PATH_MAX];
    char *data;

    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", rm_test_root(), rel);
    data = rm_test_read_file(path, len);
    if (!data)
        fail_msg("fixture missing: %s", path);
    return data;
}

char *rm_test_tmpdir(void)
{
    char tmpl[] = "/tmp/revmine-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d)
        fail_msg("mkdtemp: %s", strerror(errno));
    return rm_xstrdup(d);
}

void rm_test_rmdir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[FIXTURE_PATH_MAX];
    struct stat st;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            rm_test_rmdir(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

char *rm_test_write(const char *dir, const char *name, const char *data, size_t len)
{
    rm_buf path;
    FILE *f;

    rm_buf_init(&path, RM_BUF_NOLIMIT);
    rm_buf_addf(&path, "%s/%s", dir, name);
    f = fopen(path.ptr, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write %s", path.ptr);
    return rm_buf_detach(&path, NULL);
}

int rm_test_spawn(char *const argv[], rm_child *child)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    child->pid = pid;
    child->out_fd = fds[0];
    return 0;
}

int rm_test_read_line(rm_child *child, char *buf, size_t size, int timeout_ms)
{
    size_t n = 0;
    int64_t deadline = rm_mono_ms() + timeout_ms;

    while (n + 1 < size) {
        struct pollfd p = {child->out_fd, POLLIN, 0};
        int64_t left = deadline - rm_mono_ms();
        char c;
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        if (read(child->out_fd, &c, 1) != 1)
            return -1;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return 0;
}

int rm_test_stop(rm_child *child, int sig, int timeout_ms)
{
    int status = -1;

    if (child->pid <= 0)
        return -1;
    kill(child->pid, sig);
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (waitpid(child->pid, &status, WNOHANG) == child->pid)
            goto done;
        usleep(10000);
    }
    kill(child->pid, SIGKILL);
    waitpid(child->pid, &status, 0);
done:
    if (child->out_fd >= 0)
        close(child->out_fd);
    child->out_fd = -1;
    child->pid = 0;
    return status;
}

static void drain(int fd, rm_buf *b)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n > 0)
        (void)rm_buf_add(b, chunk, (size_t)n);
}

/* After the child exited its write ends are closed: read to end of file. */
static void drain_all(int fd, rm_buf *b)
{
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        (void)rm_buf_add(b, chunk, (size_t)n);
}

int rm_test_run(char *const argv[], const char *stdin_data, char **out, char **err,
                int timeout_ms)
{
    int in_p[2], out_p[2], err_p[2], status = 0;
    rm_buf ob, eb;
    size_t in_off = 0, in_len = stdin_data ? strlen(stdin_data) : 0;
    int64_t deadline = rm_mono_ms() + timeout_ms;
    pid_t pid;

    if (pipe(in_p) || pipe(out_p) || pipe(err_p))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in_p[0], 0);
        dup2(out_p[1], 1);
        dup2(err_p[1], 2);
        close(in_p[1]), close(out_p[0]), close(err_p[0]);
        close(in_p[0]), close(out_p[1]), close(err_p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in_p[0]), close(out_p[1]), close(err_p[1]);
    signal(SIGPIPE, SIG_IGN);
    fcntl(in_p[1], F_SETFL, O_NONBLOCK);
    if (!in_len)
        close(in_p[1]), in_p[1] = -1;
    rm_buf_init(&ob, RM_BUF_NOLIMIT);
    rm_buf_init(&eb, RM_BUF_NOLIMIT);
    for (;;) {
        struct pollfd p[3] = {{out_p[0], POLLIN, 0}, {err_p[0], POLLIN, 0}, {in_p[1], POLLOUT, 0}};
        int r = poll(p, in_p[1] >= 0 ? 3 : 2, 50);
        if (r > 0) {
            if (p[0].revents & (POLLIN | POLLHUP))
                drain(out_p[0], &ob);
            if (p[1].revents & (POLLIN | POLLHUP))
                drain(err_p[0], &eb);
            if (in_p[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR))) {
                ssize_t w = write(in_p[1], stdin_data + in_off, in_len - in_off);
                if (w > 0)
                    in_off += (size_t)w;
                if (w < 0 || in_off == in_len)
                    close(in_p[1]), in_p[1] = -1;
            }
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            drain_all(out_p[0], &ob);
            drain_all(err_p[0], &eb);
            break;
        }
        if (rm_mono_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            status = -1;
            break;
        }
    }
    if (in_p[1] >= 0)
        close(in_p[1]);
    close(out_p[0]), close(err_p[0]);
    if (out)
        *out = rm_buf_detach(&ob, NULL);
    if (err)
        *err = rm_buf_detach(&eb, NULL);
    rm_buf_release(&ob);
    rm_buf_release(&eb);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

void rm_expect_line(const char *out, const char *const *needles, size_t n)
{
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        bool all = true;
        for (size_t i = 0; i < n && all; i++) {
            const char *hit = strstr(line, needles[i]);
            all = hit && hit < line + len;
        }
        if (all)
            return;
        line += len + (end != NULL);
    }
    fail_msg("no line with %s (and %zu more) in:\n%s", needles[0], n - 1, out);
}

int rm_count(const char *out, const char *needle)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}
