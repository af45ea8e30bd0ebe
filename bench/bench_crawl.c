/* Crawl benchmark: the whole pipeline (fetch, parse, extract, score, store) on a fixture
 * marketplace of >= 10,000 pages served on loopback. Prints pages/s, CPU ms per page and peak
 * RSS of the revmine process, median of several runs.
 *
 *   build/bench/bench_crawl [PRODUCTS] [RUNS] [PAD_KB]     (defaults 1700, 3, 30) */
#include "core/rm.h"
#include "core/clock.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

typedef struct sample {
    double secs, cpu_ms_per_page, pages_per_s;
    double rss_mb;
    long pages;
} sample;

static const char *bin_dir(void)
{
    const char *b = getenv("RM_BIN_DIR");
    return b ? b : "build";
}

static pid_t start_market(int products, int pad_kb, char *market, char *social, size_t n)
{
    int fds[2];
    pid_t pid;
    char bin[512], prods[32], pad[32];
    FILE *in;
    char line[256];

    snprintf(bin, sizeof(bin), "%s/rm-market", bin_dir());
    snprintf(prods, sizeof(prods), "%d", products);
    snprintf(pad, sizeof(pad), "%d", pad_kb);
    if (pipe(fds))
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl(bin, bin, "--products", prods, "--pad-kb", pad, "--threads", "2", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    in = fdopen(fds[0], "r");
    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "market ", 7))
            snprintf(market, n, "%s", line + 7);
        else if (!strncmp(line, "social ", 7))
            snprintf(social, n, "%s", line + 7);
        else if (!strcmp(line, "ready"))
            break;
    }
    return pid;
}

static int run_once(const char *db, sample *s)
{
    char bin[512], config[512];
    struct rusage ru;
    int status;
    int64_t t0 = rm_mono_ms();
    pid_t pid;
    FILE *p;
    char cmd[1200];

    snprintf(bin, sizeof(bin), "%s/revmine", bin_dir());
    snprintf(config, sizeof(config), "%s/bench/crawl.yaml",
             getenv("RM_ROOT") ? getenv("RM_ROOT") : ".");
    unlink(db);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 2);
        execl(bin, bin, "crawl", config, "--db", db, "--quiet", (char *)NULL);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    s->secs = (double)(rm_mono_ms() - t0) / 1000.0;
    snprintf(cmd, sizeof(cmd), "sqlite3 %s 'SELECT pages FROM runs'", db);
    p = popen(cmd, "r");
    if (!p || fscanf(p, "%ld", &s->pages) != 1)
        s->pages = 0;
    if (p)
        pclose(p);
    s->rss_mb = (double)ru.ru_maxrss / 1024.0;
    s->cpu_ms_per_page = s->pages ? ((double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                                     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3) /
                                        (double)s->pages
                                  : 0;
    s->pages_per_s = s->pages / s->secs;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of field k (a double member, by offset) over n samples: each figure is its own median,
 * the run with the median rate need not have the median CPU. */
static double median_of(const sample *s, int n, size_t offset)
{
    double v[16];
    for (int i = 0; i < n; i++)
        memcpy(&v[i], (const char *)&s[i] + offset, sizeof(double));
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int products = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1700;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    int pad = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 30;
    char market[256] = "", social[256] = "", db[] = "/tmp/revmine-bench-XXXXXX";
    sample s[16];
    pid_t srv;
    int fd;

    if (runs < 1 || runs > 16)
        runs = 3;
    fd = mkstemp(db);
    if (fd >= 0)
        close(fd);
    srv = start_market(products, pad, market, social, sizeof(market));
    if (srv <= 0 || !market[0]) {
        fprintf(stderr, "bench_crawl: rm-market did not start\n");
        return 1;
    }
    setenv("MARKET_URL", market, 1);
    setenv("SOCIAL_URL", social, 1);
    for (int i = 0; i < runs; i++) {
        if (run_once(db, &s[i])) {
            fprintf(stderr, "bench_crawl: crawl failed\n");
            kill(srv, SIGTERM);
            return 1;
        }
        fprintf(stderr, "  run %d: %ld pages in %.2f s\n", i + 1, s[i].pages, s[i].secs);
    }
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);
    unlink(db);
    printf("crawl: %d products (%ld pages, ~%d KB each), full pipeline, median of %d runs\n",
           products, s[0].pages, pad, runs);
    printf("| pages/s | CPU ms/page | peak RSS MB | seconds |\n| --- | --- | --- | --- |\n");
    printf("| %.0f | %.2f | %.1f | %.2f |\n", median_of(s, runs, offsetof(sample, pages_per_s)),
           median_of(s, runs, offsetof(sample, cpu_ms_per_page)),
           median_of(s, runs, offsetof(sample, rss_mb)), median_of(s, runs, offsetof(sample, secs)));
    return 0;
}
