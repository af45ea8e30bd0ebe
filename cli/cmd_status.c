/* revmine status: each job's schedule, last run and next run, from the database. */
#include "core/rm.h"
#include "core/clock.h"
#include "cli/cli.h"
#include "store/db.h"

#include <jansson.h>

static const char usage[] =
    "usage: revmine status [--db FILE] [--json]\n"
    "\n"
    "Lists the jobs the database knows: schedule and next run (as the daemon last computed\n"
    "them), and the last run's outcome, pages, new reviews, price changes, products gone,\n"
    "errors and duration. A job whose last run was interrupted resumes as soon as the daemon\n"
    "runs (next run \"at start\").\n"
    "\n"
    "  --db FILE   database file (default revmine.db)\n"
    "  --json      one JSON object per job instead of a table\n";

static const char status_sql[] =
    "SELECT j.name, j.schedule, j.next_run_at, r.id, r.started_at, r.ended_at, r.outcome, "
    "r.pages, r.new_reviews, r.price_changes, r.gone_products, r.errors, r.duration_ms "
    "FROM jobs j LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE job_id = j.id) "
    "ORDER BY j.name";

static void fmt_time(sqlite3_stmt *st, int col, const char *none, char out[32])
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        snprintf(out, 32, "%s", none);
    else if (sqlite3_column_int64(st, col) == 0)
        snprintf(out, 32, "at start");
    else
        rm_time_iso((time_t)sqlite3_column_int64(st, col), out);
}

static const char *text_or(sqlite3_stmt *st, int col, const char *none)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    return s ? s : none;
}

static void print_json(sqlite3_stmt *st)
{
    json_t *o = json_object(), *last = json_null();
    char t[32];
    char *line;

    json_object_set_new(o, "job", json_string(text_or(st, 0, "")));
    json_object_set_new(o, "schedule", sqlite3_column_type(st, 1) == SQLITE_NULL
                                           ? json_null() : json_string(text_or(st, 1, "")));
    fmt_time(st, 2, "", t);
    json_object_set_new(o, "next_run", t[0] ? json_string(t) : json_null());
    if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
        last = json_object();
        json_object_set_new(last, "run", json_integer(sqlite3_column_int64(st, 3)));
        fmt_time(st, 4, "", t);
        json_object_set_new(last, "started_at", json_string(t));
        fmt_time(st, 5, "", t);
        json_object_set_new(last, "ended_at", t[0] ? json_string(t) : json_null());
        json_object_set_new(last, "outcome", json_string(text_or(st, 6, "")));
        json_object_set_new(last, "pages", json_integer(sqlite3_column_int64(st, 7)));
        json_object_set_new(last, "new_reviews", json_integer(sqlite3_column_int64(st, 8)));
        json_object_set_new(last, "price_changes", json_integer(sqlite3_column_int64(st, 9)));
        json_object_set_new(last, "gone_products", json_integer(sqlite3_column_int64(st, 10)));
        json_object_set_new(last, "errors", json_integer(sqlite3_column_int64(st, 11)));
        json_object_set_new(last, "duration_ms", json_integer(sqlite3_column_int64(st, 12)));
    }
    json_object_set_new(o, "last_run", last);
    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(line);
    free(line);
    json_decref(o);
}

static void print_row(sqlite3_stmt *st)
{
    char next[32], started[32];

    fmt_time(st, 2, "-", next);
    printf("%s\n  schedule   %s\n  next run   %s\n", text_or(st, 0, ""),
           text_or(st, 1, "(none: run by `revmine crawl`)"), next);
    if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
        puts("  last run   never");
        return;
    }
    fmt_time(st, 4, "-", started);
    printf("  last run   #%lld %s, started %s, %.1f s\n", (long long)sqlite3_column_int64(st, 3),
           text_or(st, 6, "?"), started, (double)sqlite3_column_int64(st, 12) / 1000.0);
    printf("             %lld pages, %lld new reviews, %lld price changes, %lld products gone, "
           "%lld errors\n",
           (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 8),
           (long long)sqlite3_column_int64(st, 9), (long long)sqlite3_column_int64(st, 10),
           (long long)sqlite3_column_int64(st, 11));
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"json", no_argument, NULL, 'J'},
        {NULL, 0, NULL, 0},
    };
    const char *path = "revmine.db";
    int c, json = 0, rc = RM_EXIT_OK, step = SQLITE_DONE;
    rm_db *db = NULL;
    sqlite3_stmt *st;
    rm_diag d;

    while ((c = rm_cli_getopt(&rm_cmd_status, argc, argv, ":", longopts)) != -1) {
        if (c == 'd')
            path = optarg;
        else if (c == 'J')
            json = 1;
        else
            return RM_EXIT_USAGE;
    }
    if (optind != argc)
        return rm_cli_usage_error(&rm_cmd_status, "too many arguments");
    rm_diag_init(&d);
    if (rm_db_open(path, RM_DB_READONLY, &d, &db) != RM_OK) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return RM_EXIT_FAIL;
    }
    rm_diag_release(&d);
    if (rm_db_user_version(db) < RM_DB_SCHEMA_VERSION) {
        fprintf(stderr, "revmine status: %s has an older schema; a crawl or the daemon "
                        "upgrades it\n", path);
        rm_db_close(db);
        return RM_EXIT_FAIL;
    }
    st = rm_db_stmt(db, status_sql);
    while (st && (step = sqlite3_step(st)) == SQLITE_ROW)
        (json ? print_json : print_row)(st);
    if (!st || step != SQLITE_DONE) {
        fprintf(stderr, "revmine status: %s: %s\n", path, rm_db_errmsg(db));
        rc = RM_EXIT_FAIL;
    }
    if (st)
        sqlite3_reset(st);
    rm_db_close(db);
    return rc;
}

const rm_cmd rm_cmd_status = {"status", "jobs, their last run and next run", usage, run};
