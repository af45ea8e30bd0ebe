#include "core/rm.h"
#include "tests/helpers/crawlrun.h"
#include "tests/helpers/truth.h"

#include <sqlite3.h>

static size_t build_argv(char **argv, size_t cap, char *bin, char *config, const char *db,
                         const char *const *extra)
{
    size_t n = 0;
    snprintf(bin, FIXTURE_PATH_MAX, "%s/revmine", rm_test_bin_dir());
    snprintf(config, FIXTURE_PATH_MAX, "%s/configs/demo.yaml", rm_test_root());
    argv[n++] = bin;
    argv[n++] = "crawl";
    argv[n++] = config;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = "--quiet";
    argv[n++] = "--json";
    for (size_t i = 0; extra && extra[i] && n < cap - 1; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    return n;
}

json_t *rm_crawl_demo(const char *db, const char *const *extra)
{
    char bin[FIXTURE_PATH_MAX], config[FIXTURE_PATH_MAX], *argv[32];
    char *out = NULL, *err = NULL;
    json_t *res;
    int rc;

    build_argv(argv, RM_ARRAY_LEN(argv), bin, config, db, extra);
    rc = rm_test_run(argv, NULL, &out, &err, 400000);
    if (rc != 0)
        fail_msg("revmine crawl exited %d:\n%s", rc, err);
    res = json_loads(out, 0, NULL);
    if (!res)
        fail_msg("revmine crawl printed no result:\n%s\n%s", out, err);
    free(out);
    free(err);
    return res;
}

int rm_crawl_demo_status(const char *db, char **err)
{
    char bin[FIXTURE_PATH_MAX], config[FIXTURE_PATH_MAX], *argv[32];
    char *out = NULL;
    int rc;

    build_argv(argv, RM_ARRAY_LEN(argv), bin, config, db, NULL);
    rc = rm_test_run(argv, NULL, &out, err, 400000);
    free(out);
    return rc;
}

void rm_crawl_demo_spawn(const char *db, rm_child *child)
{
    char bin[FIXTURE_PATH_MAX], config[FIXTURE_PATH_MAX], *argv[32];
    build_argv(argv, RM_ARRAY_LEN(argv), bin, config, db, NULL);
    if (rm_test_spawn(argv, child) != 0)
        fail_msg("cannot start revmine");
}

int64_t rm_db_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

void rm_expect_truth(const char *db, json_t *truth)
{
    rm_truth_report rep;
    int rc = rm_truth_check(db, truth, &rep);
    if (rc != 0)
        fprintf(stderr, "db %zu/%zu/%zu, truth %zu/%zu/%zu products/reviews/profiles, "
                        "%zu mismatches:\n%s",
                rep.products, rep.reviews, rep.profiles, rep.want_products, rep.want_reviews,
                rep.want_profiles, rep.mismatches, rep.first);
    assert_int_equal(rc, 0);
    rm_truth_release(&rep);
}
