/* bench_nlp: single-thread speed of rm_nlp_score, in MB/s and reviews/s.
 *
 *   bench_nlp                      texts of ../shared/data/sentiment, else generated reviews
 *   bench_nlp --texts FILE [RUNS]  one text per line of FILE; also prints "median_s S"
 *   bench_nlp --dump FILE          writes the default texts to FILE, one per line
 *
 * Each run scores every text once with one arena reset per text, as a worker does; the table
 * gives the median of the runs. */
#include "core/rm.h"

#include <dirent.h>
#include <math.h>

#include "core/arena.h"
#include "nlp/nlp.h"

#define DEFAULT_RUNS 5
#define GENERATED 20000

typedef struct texts {
    char **v;
    size_t n, cap, bytes;
} texts;

static void add_text(texts *t, const char *s, size_t len)
{
    RM_GROW(t->v, t->cap, t->n + 1);
    t->v[t->n++] = rm_xstrndup(s, len);
    t->bytes += len;
}

static void free_texts(texts *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
}

static int read_lines(const char *path, bool tsv, texts *t)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool header = tsv;

    if (!f)
        return -1;
    while ((len = getline(&line, &cap, f)) > 0) {
        char *s = line;
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        if (header) {
            header = false;
            continue;
        }
        for (int k = 0; tsv && k < 3 && s; k++)
            s = strchr(s, '\t') ? strchr(s, '\t') + 1 : NULL;
        if (s && *s)
            add_text(t, s, strlen(s));
    }
    free(line);
    fclose(f);
    return 0;
}

static int shared_texts(texts *t)
{
    const char *d = getenv("RM_SHARED_DATA");
    char dir[4096], path[8192];
    DIR *dh;
    struct dirent *e;

    snprintf(dir, sizeof(dir), "%s/sentiment", d && *d ? d : "../shared/data");
    if (!(dh = opendir(dir)))
        return -1;
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".tsv"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        (void)read_lines(path, true, t);
    }
    closedir(dh);
    return t->n ? 0 : -1;
}

/* Review-like texts from a fixed seed, for machines without the shared data. */
static void generated_texts(texts *t)
{
    static const char *const words[] = {
        "the", "delivery", "was", "fast", "and", "quality", "is", "great", "but", "size",
        "runs", "small", "not", "bad", "very", "good", "price", "terrible", "I", "returned",
        "it", "доставка", "быстрая", "качество", "отличное", "но", "маломерит", "не",
        "рекомендую", "очень", "плохо", "спасибо", "продавцу", ":)", "!!!", "love", "this",
        "phone", "battery", "broke", "after", "a", "week", "упаковка", "хорошая", "😍", "))"};
    uint64_t x = 88172645463325252ULL;
    char buf[1024];

    for (int i = 0; i < GENERATED; i++) {
        size_t len = 0;
        int n = 8 + (int)(x % 40);
        for (int w = 0; w < n; w++) {
            const char *s;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            s = words[x % RM_ARRAY_LEN(words)];
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", w ? " " : "", s);
        }
        add_text(t, buf, len);
    }
}

static double run_once(const rm_nlp *nlp, const texts *t, rm_arena *a)
{
    struct timespec s0, s1;
    volatile double sink = 0; /* keeps the scoring from being optimised away */

    clock_gettime(CLOCK_MONOTONIC, &s0);
    for (size_t i = 0; i < t->n; i++) {
        rm_sentiment s;
        if (rm_nlp_score(nlp, t->v[i], strlen(t->v[i]), RM_LANG_AUTO, a, &s) == RM_OK)
            sink += s.score;
        rm_arena_reset(a);
    }
    clock_gettime(CLOCK_MONOTONIC, &s1);
    return (double)(s1.tv_sec - s0.tv_sec) + (double)(s1.tv_nsec - s0.tv_nsec) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int dump(const texts *t, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        fprintf(f, "%s\n", t->v[i]);
    return fclose(f);
}

int main(int argc, char **argv)
{
    texts t = {0};
    rm_nlp *nlp = NULL;
    rm_diag d;
    rm_arena *a;
    double secs[32], med;
    int runs = DEFAULT_RUNS, rc = 1;
    const char *source = "shared data";

    rm_diag_init(&d);
    if (argc >= 3 && !strcmp(argv[1], "--texts")) {
        if (read_lines(argv[2], false, &t) != 0) {
            perror(argv[2]);
            return 1;
        }
        source = argv[2];
        if (argc >= 4)
            runs = RM_MAX(1, RM_MIN(32, (int)strtol(argv[3], NULL, 10)));
    } else if (shared_texts(&t) != 0) {
        generated_texts(&t);
        source = "generated";
    }
    if (argc >= 3 && !strcmp(argv[1], "--dump")) {
        rc = dump(&t, argv[2]) == 0 ? 0 : 1;
        goto cleanup;
    }
    if (rm_nlp_new(NULL, &d, &nlp) != RM_OK) {
        rm_diag_print(&d, stderr);
        goto cleanup;
    }
    a = rm_arena_new(64 * 1024);
    (void)run_once(nlp, &t, a); /* warm caches and the stemmer pool */
    for (int r = 0; r < runs; r++)
        secs[r] = run_once(nlp, &t, a);
    rm_arena_free(a);
    qsort(secs, (size_t)runs, sizeof(double), cmp_double);
    med = secs[runs / 2];
    printf("rm_nlp_score, one thread, %s: %zu texts, %.2f MB, median of %d runs\n", source,
           t.n, (double)t.bytes / 1e6, runs);
    printf("  %-10s %10s %12s %12s\n", "median s", "MB/s", "reviews/s", "us/review");
    printf("  %-10.4f %10.2f %12.0f %12.2f\n", med, (double)t.bytes / 1e6 / med,
           (double)t.n / med, med * 1e6 / (double)t.n);
    printf("median_s %.6f\n", med);
    rc = 0;
cleanup:
    rm_nlp_free(nlp);
    rm_diag_release(&d);
    free_texts(&t);
    return rc;
}
