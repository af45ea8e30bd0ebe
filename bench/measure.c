/* Runs a command and prints what it cost: wall seconds, CPU seconds (user + system) and peak
 * RSS of the process tree's largest member, as "wall cpu rss_kb" on stderr.
 *
 *   build/bench/measure CMD [ARG...] */
#include "core/rm.h"
#include "core/clock.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int64_t t0 = rm_mono_ms();
    struct rusage ru;
    int status;
    pid_t pid;

    if (argc < 2) {
        fprintf(stderr, "usage: measure CMD [ARG...]\n");
        return 2;
    }
    pid = fork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    getrusage(RUSAGE_CHILDREN, &ru);
    fprintf(stderr, "measure: %.3f %.3f %ld\n", (double)(rm_mono_ms() - t0) / 1000.0,
            (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
            ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
