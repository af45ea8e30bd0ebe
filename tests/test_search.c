/* Search: the FTS5 index follows inserts, edits and deletes of reviews; hits carry product,
 * rating, sentiment and a marked snippet; bad queries are usage errors; `revmine search`. */
#include "core/rm.h"
#include "store/db.h"
#include "store/search.h"
#include "tests/helpers/testutil.h"

#include <math.h>

#define TIMEOUT_MS 20000

typedef struct fx {
    char *dir;
    char path[FIXTURE_PATH_MAX];
    rm_db *db;
} fx;

static const char seed_sql[] =
    "INSERT INTO sites(id, host) VALUES (1, 'shop.test');"
    "INSERT INTO products(id, site_id, url, name, first_seen, last_seen)"
    " VALUES (1, 1, 'http://shop.test/p/1', 'Kettle K1', 0, 0);"
    "INSERT INTO reviews(id, site_id, review_key, product_id, rating, date, title, body,"
    " first_seen, last_seen) VALUES"
    " (1, 1, 'id:1', 1, 4.0, '2024-01-02', 'Good kettle', 'The battery lasts long', 0, 0),"
    " (2, 1, 'id:2', 1, 1.0, '2024-02-03', NULL, 'Доставка ужасная, battery dead', 0, 0),"
    " (3, 1, 'id:3', NULL, NULL, NULL, NULL, 'Line one\nline two' || char(27) || '[31m red', 0, 0);"
    "INSERT INTO sentiment(review_id, score, label, lang, scored_at) VALUES"
    " (1, 0.6, 'pos', 'en', 0), (2, -0.8, 'neg', 'ru', 0);";

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
    if (rm_db_open(f->path, RM_DB_CREATE, &d, &f->db) || rm_db_exec(f->db, seed_sql))
        return -1;
    rm_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_db_close(f->db);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

typedef struct collect {
    rm_buf ids;      /* "1,2," */
    rm_buf first;    /* the first hit, rendered */
} collect;

static int on_hit(const rm_search_hit *h, void *ud)
{
    collect *c = ud;
    if (!c->ids.len)
        rm_buf_addf(&c->first, "%s|%s|%.1f|%s|%.2f|%s", h->product_name ? h->product_name : "-",
                    h->site, h->rating, h->label ? h->label : "-", h->sentiment, h->snippet);
    rm_buf_addf(&c->ids, "%lld,", (long long)h->review_id);
    return 0;
}

/* Runs query; returns the ids found ("" for none) and fails the test on an error. */
static char *ids_of(fx *f, const char *query, rm_buf *first)
{
    collect c;
    rm_diag d;
    rm_buf_init(&c.ids, RM_BUF_NOLIMIT);
    rm_buf_init(&c.first, RM_BUF_NOLIMIT);
    rm_diag_init(&d);
    assert_int_equal(rm_search(rm_db_handle(f->db), query, 10, on_hit, &c, &d), RM_OK);
    rm_diag_release(&d);
    if (first) {
        rm_buf_release(first);
        *first = c.first;
    } else {
        rm_buf_release(&c.first);
    }
    return rm_buf_detach(&c.ids, NULL);
}

static void expect_ids(fx *f, const char *query, const char *want)
{
    char *got = ids_of(f, query, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void search_hit_has_product_sentiment_snippet(void **state)
{
    fx *f = *state;
    rm_buf first;
    char *ids;

    rm_buf_init(&first, RM_BUF_NOLIMIT);
    ids = ids_of(f, "доставка", &first); /* case folded across scripts */
    assert_string_equal(ids, "2,");
    assert_string_equal(first.ptr, "Kettle K1|shop.test|1.0|neg|-0.80|"
                                   "\x01" "Доставка" "\x02" " ужасная, battery dead");
    free(ids);
    expect_ids(f, "battery", "2,1,"); /* BM25: the match in fewer words ranks first */
    expect_ids(f, "kettle", "1,"); /* titles are indexed too */
    expect_ids(f, "\"battery lasts\"", "1,");
    expect_ids(f, "batt*", "2,1,");
    expect_ids(f, "battery NOT dead", "1,");
    expect_ids(f, "nothinglikethis", "");
    rm_buf_release(&first);
}

static void search_index_follows_insert_update_delete(void **state)
{
    fx *f = *state;
    assert_int_equal(rm_db_exec(f->db, "INSERT INTO reviews(id, site_id, review_key, body, "
                                       "first_seen, last_seen) VALUES "
                                       "(4, 1, 'id:4', 'Zebra pattern battery', 0, 0)"),
                     RM_OK);
    expect_ids(f, "zebra", "4,");
    assert_int_equal(rm_db_exec(f->db, "UPDATE reviews SET body = 'Giraffe now' WHERE id = 4"),
                     RM_OK);
    expect_ids(f, "zebra", "");
    expect_ids(f, "giraffe", "4,");
    /* erasure (privacy, retention) deletes review rows: the index must forget them */
    assert_int_equal(rm_db_exec(f->db, "DELETE FROM reviews WHERE id IN (2, 4)"), RM_OK);
    expect_ids(f, "giraffe", "");
    expect_ids(f, "доставка", "");
    expect_ids(f, "battery", "1,");
    /* the index agrees with its content table (FTS5 integrity check raises on a mismatch) */
    assert_int_equal(rm_db_exec(f->db, "INSERT INTO reviews_fts(reviews_fts, rank) "
                                       "VALUES ('integrity-check', 1)"),
                     RM_OK);
}

static void search_bad_query_is_parse_error(void **state)
{
    fx *f = *state;
    static const char *const bad[] = {"AND(", "\"open", "nosuchcol:word", "NEAR(a b, x)"};
    for (size_t i = 0; i < RM_ARRAY_LEN(bad); i++) {
        rm_diag d;
        rm_diag_init(&d);
        assert_int_equal(rm_search(rm_db_handle(f->db), bad[i], 10, on_hit, NULL, &d),
                         RM_EPARSE);
        assert_int_equal(d.n, 1);
        assert_non_null(strstr(d.items[0].msg, "bad search query"));
        rm_diag_release(&d);
    }
}

static int search_cli(fx *f, const char *query, const char *extra, char **out, char **err)
{
    char bin[FIXTURE_PATH_MAX];
    char *argv[] = {bin, "search", "--db", f->path, (char *)query, (char *)extra, NULL};
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    return rm_test_run(argv, NULL, out, err, TIMEOUT_MS);
}

static void search_cli_marks_and_exit_codes(void **state)
{
    fx *f = *state;
    char *out = NULL, *err = NULL;

    /* not a terminal: [brackets]; control bytes from the text never reach the output */
    assert_int_equal(search_cli(f, "line", NULL, &out, &err), 0);
    assert_non_null(strstr(out, "1. (no product) (shop.test)  #3\n    [Line] one [line] two [31m red\n"));
    assert_null(strchr(out, 27));
    free(out), free(err);
    assert_int_equal(search_cli(f, "battery", "--json", &out, &err), 0);
    assert_non_null(strstr(out, "{\"review_id\":2,\"site\":\"shop.test\",\"product\":\"Kettle K1\","
                                "\"product_url\":\"http://shop.test/p/1\",\"rating\":1.0,"
                                "\"date\":\"2024-02-03\",\"sentiment\":-0.8,\"label\":\"neg\","
                                "\"snippet\":\"Доставка ужасная, [battery] dead\"}\n"));
    free(out), free(err);
    assert_int_equal(search_cli(f, "AND(", NULL, &out, &err), 2);
    assert_non_null(strstr(err, "bad search query"));
    assert_string_equal(out, "");
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(search_hit_has_product_sentiment_snippet, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_index_follows_insert_update_delete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_bad_query_is_parse_error, setup, teardown),
        cmocka_unit_test_setup_teardown(search_cli_marks_and_exit_codes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
