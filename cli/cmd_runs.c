/* revmine runs: the run history, newest first. */
#include "core/rm.h"
#include "core/clock.h"
#include "cli/cli.h"
#include "store/db.h"

#include <jansson.h>

static const char usage[] =
    "usage: revmine runs [--db FILE] [--job NAME] [--limit N] [--json]\n"
    "\n"
    "Lists runs, newest first: start, end, outcome (done, limited, stopped, failed or\n"
    "running) and statistics (pages, 304 answers, new reviews, price changes, products gone,\n"
    "errors, duration). --json prints one object per run with every statistic stored.\n"
    "\n"
    "  --db FILE    database file (default revmine.db)\n"
    "  --job NAME   runs of this job only\n"
    "  --limit N    at most N runs (default 20; 0 = all)\n"
    "  --json       JSON Lines instead of a table\n";

static const char runs_sql[] =
    "SELECT r.id, j.name, r.started_at, r.ended_at, r.outcome, r.pages, r.not_modified, "
    "r.new_reviews, r.price_changes, r.gone_products, r.errors, r.duration_ms, r.stats "
    "FROM runs r JOIN jobs j ON j.id = r.job_id WHERE ?1 IS NULL OR j.name = ?1 "
    "ORDER BY r.id DESC LIMIT ?2";

static void fmt_time(sqlite3_stmt *st, int col, char out[32])
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        snprintf(out, 32, "-");
    else
        rm_time_iso((time_t)sqlite3_column_int64(st, col), out);
}

static void print_json(sqlite3_stmt *st)
{
    json_t *o = json_object(), *stats;
    const char *text = (const char *)sqlite3_column_text(st, 12);
    char t[32];
    char *line;

    json_object_set_new(o, "run", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(o, "job", json_string((const char *)sqlite3_column_text(st, 1)));
    fmt_time(st, 2, t);
    json_object_set_new(o, "started_at", json_string(t));
    fmt_time(st, 3, t);
    json_object_set_new(o, "ended_at", strcmp(t, "-") ? json_string(t) : json_null());
    json_object_set_new(o, "outcome", json_string((const char *)sqlite3_column_text(st, 4)));
    /* The stored statistics object has every counter; the columns are its summary. */
    stats = text ? json_loads(text, 0, NULL) : NULL;
    if (!stats) {
        stats = json_object();
        json_object_set_new(stats, "pages", json_integer(sqlite3_column_int64(st, 5)));
    }
    json_object_set_new(stats, "gone_products", json_integer(sqlite3_column_int64(st, 9)));
    json_object_set_new(o, "stats", stats);
    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(line);
    free(line);
    json_decref(o);
}

static void print_row(sqlite3_stmt *st)
{
    char started[32], ended[32];
    fmt_time(st, 2, started);
    fmt_time(st, 3, ended);
    printf("%5lld  %-12s %-20s  %-20s  %-8s %7lld %7lld %7lld %7lld %5lld %6lld %8.1f\n",
           (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
           started, ended, (const char *)sqlite3_column_text(st, 4),
           (long long)sqlite3_column_int64(st, 5), (long long)sqlite3_column_int64(st, 6),
           (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 8),
           (long long)sqlite3_column_int64(st, 9), (long long)sqlite3_column_int64(st, 10),
           (double)sqlite3_column_int64(st, 11) / 1000.0);
}

typedef struct runs_args {
    const char *db;
    const char *job;
    long limit;
    int json;
} runs_args;

static int parse_args(int argc, char **argv, runs_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"job", required_argument, NULL, 'j'},
        {"limit", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'J'},
        {NULL, 0, NULL, 0},
    };
    int c;

    a->db = "revmine.db";
    a->limit = 20;
    while ((c = rm_cli_getopt(&rm_cmd_runs, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'j': a->job = optarg; break;
        case 'l':
            if (rm_cli_parse_count(optarg, &a->limit))
                return rm_cli_usage_error(&rm_cmd_runs, "--limit needs a number");
            break;
        case 'J': a->json = 1; break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return rm_cli_usage_error(&rm_cmd_runs, "too many arguments");
    return RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    runs_args a;
    int rc, step = SQLITE_DONE;
    rm_db *db = NULL;
    sqlite3_stmt *st;
    rm_diag d;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(argc, argv, &a)) != RM_EXIT_OK)
        return rc;
    rm_diag_init(&d);
    if (rm_db_open(a.db, RM_DB_READONLY, &d, &db) != RM_OK) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return RM_EXIT_FAIL;
    }
    rm_diag_release(&d);
    if (rm_db_user_version(db) < RM_DB_SCHEMA_VERSION) {
        fprintf(stderr, "revmine runs: %s has an older schema; a crawl or the daemon "
                        "upgrades it\n", a.db);
        rm_db_close(db);
        return RM_EXIT_FAIL;
    }
    st = rm_db_stmt(db, runs_sql);
    if (st) {
        rm_db_bind_text(st, 1, a.job);
        rm_db_bind_int(st, 2, a.limit ? a.limit : -1);
        if (!a.json)
            printf("%5s  %-12s %-20s  %-20s  %-8s %7s %7s %7s %7s %5s %6s %8s\n", "RUN", "JOB",
                   "STARTED", "ENDED", "OUTCOME", "PAGES", "304", "NEW_REV", "PRICE_CH",
                   "GONE", "ERRORS", "SECONDS");
        while ((step = sqlite3_step(st)) == SQLITE_ROW)
            (a.json ? print_json : print_row)(st);
        sqlite3_reset(st);
    }
    if (!st || step != SQLITE_DONE) {
        fprintf(stderr, "revmine runs: %s: %s\n", a.db, rm_db_errmsg(db));
        rc = RM_EXIT_FAIL;
    }
    rm_db_close(db);
    return rc;
}

const rm_cmd rm_cmd_runs = {"runs", "run history with outcomes and statistics", usage, run};
