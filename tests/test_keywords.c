/* Keywords: review_terms filled from the scorer's evidence when a review is (re)scored, and the
 * ranked praised/complained query per product, site and database. */
#include "core/rm.h"
#include "store/db.h"
#include "store/export.h"
#include "store/keywords.h"
#include "store/store.h"
#include "tests/helpers/testutil.h"

#include <math.h>

typedef struct fx {
    char *dir;
    char path[FIXTURE_PATH_MAX];
    rm_db *db;
    rm_store *store;
} fx;

/* One review as the test writes it: evidence terms with valences, 0-terminated by NULL. */
typedef struct review_in {
    const char *id;
    const char *body;
    const char *lang;
    const char *terms[4];
    double valence[4];
} review_in;

static void apply(fx *f, const char *product, const review_in *rv, size_t n)
{
    rm_arena *a = rm_arena_new(8192);
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    rm_rec *prod;

    memset(&pr, 0, sizeof(pr));
    pr.url = product;
    pr.outcome = RM_OUT_OK;
    pr.fetched_at = 1700000000;
    rm_recs_init(&pr.recs, a);
    prod = rm_recs_add(&pr.recs, RM_REC_PRODUCT);
    prod->u.product.url = product;
    prod->u.product.name = "P";
    prod->u.product.price = NAN;
    prod->u.product.rating = NAN;
    prod->u.product.rating_count = -1;
    prod->u.product.review_count = -1;
    pr.sent = rm_arena_calloc(a, n + 1, sizeof(*pr.sent));
    for (size_t i = 0; i < n; i++) {
        rm_rec *r = rm_recs_add(&pr.recs, RM_REC_REVIEW);
        rm_sentiment *s = &pr.sent[i + 1];
        size_t k = 0;
        r->u.review.product = product;
        r->u.review.id = rv[i].id;
        r->u.review.body = rv[i].body;
        r->u.review.rating = NAN;
        r->u.review.date = "2024-05-01";
        s->lang = strcmp(rv[i].lang, "ru") ? RM_LANG_EN : RM_LANG_RU;
        while (k < 4 && rv[i].terms[k])
            k++;
        s->evidence = rm_arena_calloc(a, k + 1, sizeof(*s->evidence));
        for (size_t j = 0; j < k; j++) {
            s->evidence[j].term = rv[i].terms[j];
            s->evidence[j].valence = rv[i].valence[j];
        }
        s->n_evidence = k;
    }
    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_apply_page(f->store, &pr, &st), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);
    rm_recs_release(&pr.recs);
    rm_arena_free(a);
}

#define P1 "http://shop.test/p/1"
#define P2 "http://shop.test/p/2"
#define P3 "http://other.test/p/3"

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    static const review_in p1[] = {
        {"r1", "one", "en", {"great", "bad"}, {3.0, -2.0}},
        /* a term twice in one review counts once, with the mean valence (2.25) */
        {"r2", "two", "en", {"great", "great", "slow"}, {2.0, 2.5, -1.0}},
        {"r3", "three", "ru", {"bad", "slow"}, {-3.0, -1.5}},
    };
    static const review_in p2[] = {
        {"r4", "four", "en", {"great"}, {1.0}},
        {"r5", "five", "en", {"bad"}, {-1.0}},
    };
    static const review_in p3[] = {
        {"r6", "six", "en", {"great"}, {3.0}},
        {"r7", "seven", "en", {"great", "zero"}, {3.0, 0.0}},
    };

    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    snprintf(f->path, sizeof(f->path), "%s/k.db", f->dir);
    if (rm_db_open(f->path, RM_DB_CREATE, &d, &f->db))
        return -1;
    rm_diag_release(&d);
    f->store = rm_store_new(f->db);
    apply(f, P1, p1, RM_ARRAY_LEN(p1));
    apply(f, P2, p2, RM_ARRAY_LEN(p2));
    apply(f, P3, p3, RM_ARRAY_LEN(p3));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_store_free(f->store);
    rm_db_close(f->db);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Runs the query and renders rows as "scope|side|rank|term|reviews|valence\n". */
static char *query(fx *f, const rm_keywords_opts *o)
{
    sqlite3_stmt *st;
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    assert_int_equal(rm_keywords_prepare(rm_db_handle(f->db), o, &st), RM_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        rm_buf_addf(&b, "%s|%s|%d|%s|%d|%.3f\n", sqlite3_column_text(st, RM_KW_COL_SCOPE),
                    sqlite3_column_text(st, RM_KW_COL_SIDE), sqlite3_column_int(st, RM_KW_COL_RANK),
                    sqlite3_column_text(st, RM_KW_COL_TERM),
                    sqlite3_column_int(st, RM_KW_COL_REVIEWS),
                    sqlite3_column_double(st, RM_KW_COL_VALENCE));
    sqlite3_finalize(st);
    return rm_buf_detach(&b, NULL);
}

static int64_t count(fx *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void keywords_terms_stored_when_scored(void **state)
{
    fx *f = *state;
    /* every non-zero evidence term, one row per review and term: 2 + 2 + 2 + 1 + 1 + 1 + 1 */
    assert_int_equal(count(f, "SELECT count(*) FROM review_terms"), 10);
    assert_int_equal(count(f, "SELECT count(*) FROM review_terms WHERE term = 'zero'"), 0);
    /* r2 said "great" twice: the row holds the mean of the mentions */
    assert_int_equal(count(f, "SELECT t.valence * 100 FROM review_terms t JOIN reviews r ON "
                              "r.id = t.review_id WHERE r.review_key LIKE '%r2' AND "
                              "t.term = 'great'"),
                     225);
}

static void keywords_rescore_replaces_terms(void **state)
{
    fx *f = *state;
    static const review_in same[] = {{"r4", "four", "en", {"other"}, {2.0}}};
    static const review_in edited[] = {{"r4", "four, edited", "en", {"fine"}, {1.5}}};
    const char *sql = "SELECT group_concat(t.term) FROM review_terms t JOIN reviews r "
                      "ON r.id = t.review_id WHERE r.ext_id = 'r4'";
    sqlite3_stmt *st;

    /* Same text: not scored again, the stored terms stay. */
    apply(f, P2, same, 1);
    assert_int_equal(count(f, "SELECT count(*) FROM review_terms t JOIN reviews r "
                              "ON r.id = t.review_id WHERE r.ext_id = 'r4' AND term = 'great'"), 1);
    /* Edited text: rescored, the old terms replaced. */
    apply(f, P2, edited, 1);
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "fine");
    sqlite3_finalize(st);
}

static void keywords_per_product_ranked_with_support(void **state)
{
    fx *f = *state;
    rm_keywords_opts o = {.by = RM_KEYWORDS_BY_PRODUCT};
    char *t = query(f, &o);
    /* P2 has no term in two reviews; P1's complaints rank by support, then strength */
    assert_string_equal(t, P3 "|praised|1|great|2|3.000\n"
                           P1 "|praised|1|great|2|2.625\n"
                           P1 "|complained|1|bad|2|-2.500\n"
                           P1 "|complained|2|slow|2|-1.250\n");
    free(t);
    o.min_support = 1;
    o.top = 1;
    o.product = P2;
    t = query(f, &o);
    assert_string_equal(t, P2 "|praised|1|great|1|1.000\n" P2 "|complained|1|bad|1|-1.000\n");
    free(t);
}

static void keywords_per_site_and_all(void **state)
{
    fx *f = *state;
    rm_keywords_opts o = {.by = RM_KEYWORDS_BY_SITE, .min_support = 3};
    char *t = query(f, &o);
    assert_string_equal(t, "shop.test|praised|1|great|3|2.083\n"
                           "shop.test|complained|1|bad|3|-2.000\n");
    free(t);
    o.by = RM_KEYWORDS_BY_ALL;
    o.min_support = 2;
    o.lang = "ru";
    o.site = NULL;
    t = query(f, &o); /* one Russian review: nothing reaches support 2 */
    assert_string_equal(t, "");
    free(t);
    o.lang = NULL;
    o.top = 1;
    t = query(f, &o);
    assert_string_equal(t, "|praised|1|great|5|2.450\n|complained|1|bad|3|-2.000\n");
    free(t);
}

static void keywords_export_csv(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_KEYWORDS, .format = RM_FORMAT_CSV,
                        .keywords_by = RM_KEYWORDS_BY_SITE, .top = 1};
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int64_t rows = 0;
    rm_diag d;

    rm_diag_init(&d);
    assert_int_equal(rm_export(f->path, &o, m, &rows, &d), RM_OK);
    fclose(m);
    rm_diag_release(&d);
    assert_int_equal(rows, 3);
    assert_string_equal(out, "scope,side,rank,term,reviews,mean_valence\r\n"
                             "other.test,praised,1,great,2,3.0\r\n"
                             "shop.test,praised,1,great,3,2.083\r\n"
                             "shop.test,complained,1,bad,3,-2.0\r\n");
    free(out);
}

static void keywords_export_cli(void **state)
{
    fx *f = *state;
    char bin[FIXTURE_PATH_MAX], *out = NULL, *err = NULL;
    /* English reviews only: r3 (Russian) drops out of "bad" */
    char *ok[] = {bin, "export", "keywords", "--db", f->path, "--format", "jsonl", "--by", "all",
                  "--top", "1", "--lang", "en", NULL};
    char *wrong_kind[] = {bin, "export", "reviews", "--db", f->path, "--format", "csv", "--top",
                          "1", NULL};
    char *wrong_filter[] = {bin, "export", "keywords", "--db", f->path, "--format", "csv",
                            "--aspect", "delivery", NULL};

    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    assert_int_equal(rm_test_run(ok, NULL, &out, &err, 20000), 0);
    assert_string_equal(out, "{\"scope\":\"\",\"side\":\"praised\",\"rank\":1,\"term\":\"great\","
                             "\"reviews\":5,\"mean_valence\":2.45}\n"
                             "{\"scope\":\"\",\"side\":\"complained\",\"rank\":1,\"term\":\"bad\","
                             "\"reviews\":2,\"mean_valence\":-1.5}\n");
    free(out), free(err);
    assert_int_equal(rm_test_run(wrong_kind, NULL, &out, &err, 20000), 2);
    free(out), free(err);
    assert_int_equal(rm_test_run(wrong_filter, NULL, &out, &err, 20000), 2);
    free(out), free(err);
}

static void keywords_by_parse(void **state)
{
    rm_keywords_by by;
    (void)state;
    assert_int_equal(rm_keywords_by_parse("site", &by), 0);
    assert_int_equal(by, RM_KEYWORDS_BY_SITE);
    assert_int_equal(rm_keywords_by_parse("all", &by), 0);
    assert_int_equal(by, RM_KEYWORDS_BY_ALL);
    assert_int_equal(rm_keywords_by_parse("nope", &by), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keywords_terms_stored_when_scored, setup, teardown),
        cmocka_unit_test_setup_teardown(keywords_rescore_replaces_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(keywords_per_product_ranked_with_support, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(keywords_per_site_and_all, setup, teardown),
        cmocka_unit_test_setup_teardown(keywords_export_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(keywords_export_cli, setup, teardown),
        cmocka_unit_test(keywords_by_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
