/* Incremental re-crawl: crawl the fixture marketplace at epoch 0, switch it to epoch 1 (new
 * reviews, price changes, a removed product), crawl again, and find exactly the truth's
 * `changes` recorded: the new reviews once each, one price-history row per changed price and
 * none for other products, removed products and their reviews marked gone, sentiment
 * computed only for the new reviews, and every page whose bytes did not change answered 304. */
#include "core/rm.h"
#include "core/hash.h"
#include "tests/helpers/crawlrun.h"

#include <math.h>
#include <sqlite3.h>
#include <unistd.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    rm_market m;
    sqlite3 *sql;
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
    sqlite3_close(f->sql);
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* First column of sql with ?1 bound to text (may be NULL), or -1. */
static int64_t q(fx *f, const char *sql, const char *text)
{
    sqlite3_stmt *st;
    int64_t v = -1;

    if (!f->sql && sqlite3_open_v2(f->db, &f->sql, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("cannot open %s", f->db);
    if (sqlite3_prepare_v2(f->sql, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->sql));
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The truth of epoch E for the running server's ports (rm-market --truth-only). */
static json_t *truth_at(fx *f, int epoch, const char *seed, const char *products)
{
    char bin[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX], ep[16];
    const char *mport = strrchr(f->m.market, ':') + 1, *sport = strrchr(f->m.social, ':') + 1;
    char *argv[16] = {bin, "--truth-only", "--dump-truth", path, "--seed", (char *)seed,
                      "--products", (char *)products, "--epoch", ep, "--port", (char *)mport,
                      "--social-port", (char *)sport, NULL};
    json_t *t;

    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    snprintf(path, sizeof(path), "%s/truth-%d.json", f->dir, epoch);
    snprintf(ep, sizeof(ep), "%d", epoch);
    assert_int_equal(rm_test_run(argv, NULL, NULL, NULL, 30000), 0);
    t = json_load_file(path, 0, NULL);
    assert_non_null(t);
    return t;
}

/* Hashes of every product page of truth, fetched now. */
static uint64_t *page_hashes(json_t *products)
{
    size_t n = json_array_size(products);
    uint64_t *h = rm_xcalloc(n ? n : 1, sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        char *body = rm_market_fetch(
            json_string_value(json_object_get(json_array_get(products, i), "url")), &len);
        assert_non_null(body);
        h[i] = rm_hash64(body, len);
        free(body);
    }
    return h;
}

static bool in_list(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *s = key ? json_string_value(json_object_get(v, key)) : json_string_value(v);
        if (s && !strcmp(s, value))
            return true;
    }
    return false;
}

/* Runs that begin in a later second than everything stored so far: "seen in this run" is
 * decided by whole seconds. */
static void next_second(void)
{
    time_t t = time(NULL);
    while (time(NULL) == t)
        usleep(20000);
}

static int64_t stat_of(json_t *res, const char *k)
{
    return json_integer_value(json_object_get(json_object_get(res, "stats"), k));
}

static void check_reviews(fx *f, json_t *changes, json_t *res)
{
    json_t *added = json_object_get(changes, "new_reviews");
    size_t i;
    json_t *v;

    assert_true(json_array_size(added) > 0);
    assert_int_equal(stat_of(res, "new_reviews"), (int64_t)json_array_size(added));
    json_array_foreach(added, i, v) {
        int64_t n = q(f, "SELECT count(*) FROM reviews WHERE ext_id = ?1", json_string_value(v));
        if (n != 1)
            fail_msg("new review %s stored %lld times", json_string_value(v), (long long)n);
    }
    assert_int_equal(q(f, "SELECT count(*) - count(DISTINCT ext_id) FROM reviews", NULL), 0);
    /* Sentiment: every review has a score, and only the new ones were scored again. */
    assert_int_equal(q(f, "SELECT count(*) FROM reviews r LEFT JOIN sentiment s "
                          "ON s.review_id = r.id WHERE s.review_id IS NULL", NULL), 0);
    assert_int_equal(q(f, "SELECT count(*) FROM sentiment WHERE scored_at >= "
                          "(SELECT max(started_at) FROM runs)", NULL),
                     (int64_t)json_array_size(added));
    /* ... and the run counts exactly those (the writer counts what it stores: a new review
     * met on two pages at once may be scored by two workers, but is stored once). */
    assert_int_equal(stat_of(res, "reviews_scored"), (int64_t)json_array_size(added));
}

static void check_prices(fx *f, json_t *truth0, json_t *changes, json_t *res)
{
    json_t *changed = json_object_get(changes, "price_changes");
    json_t *products = json_object_get(truth0, "products");
    size_t i;
    json_t *v;

    assert_true(json_array_size(changed) > 0);
    assert_int_equal(stat_of(res, "price_changes"), (int64_t)json_array_size(changed));
    json_array_foreach(products, i, v) {
        const char *url = json_string_value(json_object_get(v, "url"));
        int64_t rows = q(f, "SELECT count(*) FROM prices p JOIN products x ON x.id = "
                            "p.product_id WHERE x.url = ?1", url);
        bool moved = in_list(changed, "url", url);
        if (rows != (moved ? 2 : 1))
            fail_msg("%s: %lld price rows, want %d", url, (long long)rows, moved ? 2 : 1);
    }
    json_array_foreach(changed, i, v) {
        const char *url = json_string_value(json_object_get(v, "url"));
        int64_t cents = q(f, "SELECT CAST(round(p.price * 100) AS INTEGER) FROM prices p "
                             "JOIN products x ON x.id = p.product_id WHERE x.url = ?1 "
                             "ORDER BY p.rowid DESC LIMIT 1", url);
        assert_int_equal(cents, (int64_t)llround(json_real_value(json_object_get(v, "new")) *
                                                 100.0));
    }
}

static void check_gone(fx *f, json_t *truth1, json_t *changes, json_t *res)
{
    json_t *removed = json_object_get(changes, "removed");
    size_t i;
    json_t *v;

    assert_true(json_array_size(removed) > 0);
    assert_int_equal(stat_of(res, "gone_products"), (int64_t)json_array_size(removed));
    json_array_foreach(removed, i, v) {
        assert_int_equal(q(f, "SELECT gone_at IS NOT NULL FROM products WHERE url = ?1",
                           json_string_value(v)), 1);
        assert_int_equal(q(f, "SELECT count(*) FROM reviews r JOIN products p ON p.id = "
                              "r.product_id WHERE p.url = ?1 AND r.gone_at IS NULL",
                           json_string_value(v)), 0);
    }
    /* What is left alive is exactly the site as it is now. */
    assert_int_equal(q(f, "SELECT count(*) FROM products WHERE gone_at IS NULL", NULL),
                     (int64_t)json_array_size(json_object_get(truth1, "products")));
    assert_int_equal(q(f, "SELECT count(*) FROM reviews WHERE gone_at IS NULL", NULL),
                     (int64_t)json_array_size(json_object_get(truth1, "reviews")));
    assert_int_equal(q(f, "SELECT gone_products FROM runs ORDER BY id DESC LIMIT 1", NULL),
                     (int64_t)json_array_size(removed));
}

/* Product pages with the same bytes at both epochs were answered 304 in the second run. */
static void check_not_modified(fx *f, json_t *truth0, const uint64_t *h0, const uint64_t *h1,
                               json_t *res)
{
    json_t *products = json_object_get(truth0, "products");
    size_t same = 0;
    for (size_t i = 0; i < json_array_size(products); i++) {
        const char *url = json_string_value(json_object_get(json_array_get(products, i), "url"));
        int64_t status = q(f, "SELECT status FROM frontier WHERE url = ?1", url);
        if (h0[i] != h1[i])
            continue;
        same++;
        if (status != 304)
            fail_msg("%s did not change but was answered %lld", url, (long long)status);
    }
    fprintf(stderr, "%zu of %zu product pages unchanged; run 2: %lld pages, %lld not modified\n",
            same, json_array_size(products), (long long)stat_of(res, "pages"),
            (long long)stat_of(res, "not_modified"));
    assert_true(same > json_array_size(products) / 2);
    assert_true(stat_of(res, "not_modified") >= (int64_t)same);
}

static void incremental_records_exactly_the_changes(void **state)
{
    fx *f = *state;
    const char *const args[] = {"--products", "120", "--seed", "7", NULL};
    json_t *res, *truth1, *changes;
    uint64_t *h0, *h1;
    char *ok;

    rm_market_start(&f->m, f->dir, args);
    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    json_decref(res);
    rm_expect_truth(f->db, f->m.truth);
    assert_int_equal(q(f, "SELECT count(*) FROM products WHERE gone_at IS NOT NULL", NULL), 0);

    truth1 = truth_at(f, 1, "7", "120");
    changes = json_object_get(truth1, "changes");
    h0 = page_hashes(json_object_get(f->m.truth, "products"));
    ok = rm_market_get(&f->m, "/_control/epoch?set=1");
    assert_non_null(ok);
    free(ok);
    h1 = page_hashes(json_object_get(f->m.truth, "products"));
    next_second();

    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    check_reviews(f, changes, res);
    check_prices(f, f->m.truth, changes, res);
    check_gone(f, truth1, changes, res);
    check_not_modified(f, f->m.truth, h0, h1, res);
    json_decref(res);
    free(h0);
    free(h1);
    json_decref(truth1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(incremental_records_exactly_the_changes, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
