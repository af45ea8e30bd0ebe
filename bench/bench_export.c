/* bench_export: `revmine export reviews` to CSV and JSON Lines beside the sqlite3 shell's
 * `-csv` dump of the same SELECT (rm_export_sql), on a database of 1,000,000 reviews.
 *
 *   bench_export [REVIEWS] [RUNS]      defaults 1000000 and 3
 *
 * The database is built once by bulk SQL (build/bench/export-N.db, reused while it holds N
 * reviews) with products, sentiment for every review and aspects for one in five. The three
 * commands run in turns, RUNS rounds, each writing a file; the table gives medians, rows/s and
 * the ratio to sqlite3 measured in the same run. Target: CSV within 1.5x of sqlite3. */
#include "core/rm.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/db.h"
#include "store/export.h"

extern char **environ;

#define MAX_RUNS 15

/* Bench database only: the FTS triggers go, so a million inserts skip the index (exports
 * never read it). Bodies carry commas and quotes so CSV quoting is exercised on every row. */
static const char fill_sql[] =
    "DROP TRIGGER reviews_fts_ai;"
    "INSERT INTO sites(id, host) VALUES (1, 'shop.bench');"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
    " INSERT INTO products(id, site_id, url, name, price, currency, rating, first_seen,"
    " last_seen) SELECT i, 1, 'http://shop.bench/p/' || i, 'Product ' || i || ', model \"X'"
    " || (i % 97) || '\"', 100 + i % 900, 'RUB', 1 + (i % 40) / 10.0, 1700000000, 1700000000"
    " FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?N)"
    " INSERT INTO reviews(id, site_id, review_key, product_id, ext_id, author, author_url,"
    " rating, date, title, body, first_seen, last_seen)"
    " SELECT i, 1, 'id:' || i, 1 + i % 10000, 'r' || i, 'Reviewer ' || (i % 50000),"
    " CASE WHEN i % 2 THEN 'http://shop.bench/u/' || (i % 50000) END, 1 + i % 5,"
    " date('2020-01-01', '+' || (i % 1500) || ' days'), 'Review ' || i,"
    " 'Review number ' || i || ', with \"quotes\", commas, and words about the battery, the"
    " screen and the delivery. ' || substr('Отличный товар, рекомендую всем! Доставка быстрая,"
    " упаковка целая, но инструкция на английском. The sound is great; the case feels cheap.',"
    " 1 + i % 40), 1700000000, 1700000000 FROM n;"
    "INSERT INTO sentiment(review_id, score, label, lang, scored_at)"
    " SELECT id, ((id * 7919) % 2001 - 1000) / 1000.0, CASE WHEN id % 3 = 0 THEN 'neg'"
    " WHEN id % 3 = 1 THEN 'pos' ELSE 'neu' END, CASE WHEN id % 2 THEN 'ru' ELSE 'en' END,"
    " 1700000000 FROM reviews;"
    "INSERT INTO aspects(review_id, aspect, score, label, span_start, span_end, term)"
    " SELECT id, 'delivery', 0.5, 'pos', 0, 20, 'delivery' FROM reviews WHERE id % 5 = 0;";

static int64_t count_reviews(const char *path)
{
    rm_diag d;
    rm_db *db;
    int64_t n = -1;
    rm_diag_init(&d);
    if (access(path, R_OK) == 0 && !rm_db_open(path, RM_DB_READONLY, &d, &db)) {
        sqlite3_stmt *st = rm_db_stmt(db, "SELECT count(*) FROM reviews");
        if (st && sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        rm_db_close(db);
    }
    rm_diag_release(&d);
    return n;
}

static int build_db(const char *path, long reviews)
{
    char num[32], *sql;
    rm_diag d;
    rm_db *db;
    rm_buf b;
    int rc = -1;

    remove(path);
    rm_diag_init(&d);
    if (rm_db_open(path, RM_DB_CREATE, &d, &db)) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return -1;
    }
    /* ?N is spliced in as text: rm_db_exec runs statements without parameters. */
    snprintf(num, sizeof(num), "%ld", reviews);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (const char *p = fill_sql, *q; *p; p = q + 2) {
        if (!(q = strstr(p, "?N"))) {
            rm_buf_adds(&b, p);
            break;
        }
        rm_buf_add(&b, p, (size_t)(q - p));
        rm_buf_adds(&b, num);
    }
    sql = rm_buf_detach(&b, NULL);
    if (!rm_db_begin(db) && !rm_db_exec(db, sql) && !rm_db_commit(db))
        rc = 0;
    free(sql);
    rm_db_close(db);
    rm_diag_release(&d);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout into out_path (stderr discarded); returns seconds, or -1. */
static double timed_run(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status;
    double t0 = now_s();

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct contender {
    const char *name;
    char *argv[12];
    double t[MAX_RUNS];
    double median;
} contender;

int main(int argc, char **argv)
{
    long reviews = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    const char *bin = getenv("RM_BIN_DIR") ? getenv("RM_BIN_DIR") : "build";
    char db[4096], revmine[4096], out[4096];
    char *sql = rm_export_sql(RM_EXPORT_REVIEWS, true);
    double t0;

    if (reviews < 1 || runs < 1 || runs > MAX_RUNS || !sql) {
        fprintf(stderr, "usage: bench_export [REVIEWS] [RUNS 1..%d]\n", MAX_RUNS);
        return 2;
    }
    if (access("/usr/bin/sqlite3", X_OK) != 0) {
        printf("bench_export: /usr/bin/sqlite3 missing (make deps installs it); skipped\n");
        free(sql);
        return 0;
    }
    snprintf(db, sizeof(db), "%s/bench/export-%ld.db", bin, reviews);
    snprintf(revmine, sizeof(revmine), "%s/revmine", bin);
    snprintf(out, sizeof(out), "%s/bench/export-out.tmp", bin);
    t0 = now_s();
    if (count_reviews(db) != reviews) {
        if (build_db(db, reviews)) {
            fprintf(stderr, "bench_export: building %s failed\n", db);
            free(sql);
            return 1;
        }
        printf("built %s: %ld reviews in %.1f s\n", db, reviews, now_s() - t0);
    }
    contender c[] = {
        {"sqlite3 -csv", {"/usr/bin/sqlite3", "-csv", "-header", db, sql, NULL}, {0}, 0},
        {"revmine csv", {revmine, "export", "reviews", "--db", db, "--format", "csv",
                         "--raw-identities", NULL}, {0}, 0},
        {"revmine jsonl", {revmine, "export", "reviews", "--db", db, "--format", "jsonl",
                           "--raw-identities", NULL}, {0}, 0},
        {"revmine csv, pseudonyms", {revmine, "export", "reviews", "--db", db, "--format", "csv",
                                     NULL}, {0}, 0},
    };
    for (int r = 0; r < runs; r++)
        for (size_t i = 0; i < RM_ARRAY_LEN(c); i++)
            if ((c[i].t[r] = timed_run(c[i].argv, out)) < 0) {
                fprintf(stderr, "bench_export: %s failed\n", c[i].name);
                free(sql);
                return 1;
            }
    printf("%ld reviews, all 19 columns, median of %d runs, output to a file\n", reviews, runs);
    printf("%-26s %10s %12s %10s\n", "", "median s", "rows/s", "/sqlite3");
    for (size_t i = 0; i < RM_ARRAY_LEN(c); i++) {
        qsort(c[i].t, (size_t)runs, sizeof(double), cmp_double);
        c[i].median = c[i].t[runs / 2];
        printf("%-26s %10.2f %12.0f %9.2fx\n", c[i].name, c[i].median,
               (double)reviews / c[i].median, c[i].median / c[0].median);
    }
    printf("target CSV within 1.5x of sqlite3: %s\n",
           c[1].median <= 1.5 * c[0].median ? "met" : "MISSED");
    remove(out);
    free(sql);
    return 0;
}
