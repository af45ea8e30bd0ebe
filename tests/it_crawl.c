/* End to end: the fixture marketplace crawled with configs/demo.yaml must land in the database
 * exactly as its ground truth says, every review scored. */
#include "core/rm.h"
#include "tests/helpers/crawlrun.h"

#include <sys/stat.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    rm_market m;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
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

static void crawl_demo_matches_ground_truth(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "220", "--seed", "11", NULL};
    json_t *res;

    rm_market_start(&f->m, f->dir, args);
    assert_true(json_array_size(json_object_get(f->m.truth, "products")) >= 200);
    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    json_decref(res);
    rm_expect_truth(f->db, f->m.truth);
    /* the crawl respected robots.txt: disallowed pages were never stored as fetched */
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE url LIKE '%/cart%' "
                                  "AND state = 1"), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'done'"), 1);
    /* the writer indexes reviews for search in bulk: every review is in the index, once */
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM reviews") > 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM reviews_fts_docsize"),
                     rm_db_int(f->db, "SELECT count(*) FROM reviews"));
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM reviews_fts_docsize d "
                                      "LEFT JOIN reviews r ON r.id = d.id WHERE r.id IS NULL"), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM fts_defer"), 0);
    /* the run ends with its WAL folded into the database file: the .db alone is complete */
    {
        char wal[FIXTURE_PATH_MAX + 8];
        struct stat sb;
        snprintf(wal, sizeof(wal), "%s-wal", f->db);
        assert_true(stat(wal, &sb) != 0 || sb.st_size == 0);
    }
}

static void crawl_again_is_incremental(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "60", "--seed", "5", NULL};
    int64_t reviews, pages;

    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    reviews = rm_db_int(f->db, "SELECT count(*) FROM reviews");
    pages = rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 1");
    /* A second run re-visits every page with conditional requests: the server's ETags make
     * them 304s, nothing is duplicated, and the database still equals the truth. */
    json_decref(rm_crawl_demo(f->db, NULL));
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM reviews"), reviews);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs WHERE outcome = 'done'"), 2);
    assert_true(rm_db_int(f->db, "SELECT not_modified FROM runs ORDER BY id DESC LIMIT 1") >=
                pages * 9 / 10);
    rm_expect_truth(f->db, f->m.truth);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(crawl_demo_matches_ground_truth, setup, teardown),
        cmocka_unit_test_setup_teardown(crawl_again_is_incremental, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
