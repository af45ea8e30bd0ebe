/* End to end: the fixture marketplace crawled with configs/demo.yaml must land in the database
 * exactly as its ground truth says, every review scored. */
#include "core/rm.h"
#include "tests/helpers/market.h"
#include "tests/helpers/truth.h"

#include <sqlite3.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    char bin[FIXTURE_PATH_MAX];
    char config[FIXTURE_PATH_MAX];
    rm_market m;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
    snprintf(f->bin, sizeof(f->bin), "%s/revmine", rm_test_bin_dir());
    snprintf(f->config, sizeof(f->config), "%s/configs/demo.yaml", rm_test_root());
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int crawl(fx *f, char **out, char **err)
{
    char *argv[] = {f->bin, "crawl", f->config, "--db", f->db, "--quiet", "--json", NULL};
    return rm_test_run(argv, NULL, out, err, 300000);
}

static void expect_truth(fx *f)
{
    rm_truth_report rep;
    int rc = rm_truth_check(f->db, f->m.truth, &rep);
    if (rc != 0)
        fprintf(stderr, "db %zu/%zu/%zu, truth %zu/%zu/%zu products/reviews/profiles, "
                        "%zu mismatches:\n%s",
                rep.products, rep.reviews, rep.profiles, rep.want_products, rep.want_reviews,
                rep.want_profiles, rep.mismatches, rep.first);
    assert_int_equal(rc, 0);
    assert_int_equal(rep.products, rep.want_products);
    assert_int_equal(rep.reviews, rep.want_reviews);
    assert_int_equal(rep.profiles, rep.want_profiles);
    rm_truth_release(&rep);
}

static int64_t q_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void crawl_demo_matches_ground_truth(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "220", "--seed", "11", NULL};
    char *out = NULL, *err = NULL;
    json_t *res;

    rm_market_start(&f->m, f->dir, args);
    assert_true(json_array_size(json_object_get(f->m.truth, "products")) >= 200);
    if (crawl(f, &out, &err) != 0)
        fail_msg("crawl failed:\n%s", err);
    res = json_loads(out, 0, NULL);
    assert_non_null(res);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    json_decref(res);
    expect_truth(f);
    /* the crawl respected robots.txt: disallowed pages were never stored as fetched */
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM frontier WHERE url LIKE '%/cart%' "
                                  "AND state = 1"), 0);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'done'"), 1);
    free(out);
    free(err);
}

static void crawl_again_is_incremental(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "60", "--seed", "5", NULL};
    char *out = NULL, *err = NULL;
    int64_t reviews, pages;

    rm_market_start(&f->m, f->dir, args);
    assert_int_equal(crawl(f, &out, &err), 0);
    free(out), free(err);
    reviews = q_int(f->db, "SELECT count(*) FROM reviews");
    pages = q_int(f->db, "SELECT count(*) FROM frontier WHERE state = 1");
    /* A second run re-visits every page with conditional requests: the server's ETags make
     * them 304s, nothing is duplicated, and the database still equals the truth. */
    assert_int_equal(crawl(f, &out, &err), 0);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews"), reviews);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'done'"), 2);
    assert_true(q_int(f->db, "SELECT not_modified FROM runs ORDER BY id DESC LIMIT 1") >=
                pages * 9 / 10);
    expect_truth(f);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(crawl_demo_matches_ground_truth, setup, teardown),
        cmocka_unit_test_setup_teardown(crawl_again_is_incremental, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
