/* The store's incremental bookkeeping: rm_store_mark_gone() after a complete run, gone_at
 * cleared when a record is seen again, rm_store_review_known() for scoring only new texts,
 * and rm_store_job_schedule() for `revmine status`. */
#include "core/rm.h"
#include "store/db.h"
#include "store/store.h"
#include "tests/helpers/testutil.h"

typedef struct fx {
    char *dir;
    rm_db *db;
    rm_store *s;
    rm_arena *a;
    int64_t job;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    char *path;
    rm_diag d;
    rm_buf p;

    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/t.db", f->dir);
    path = rm_buf_detach(&p, NULL);
    if (rm_db_open(path, RM_DB_CREATE, &d, &f->db) != RM_OK) {
        rm_diag_print(&d, stderr);
        free(path);
        return -1;
    }
    free(path);
    f->s = rm_store_new(f->db);
    f->a = rm_arena_new(16384);
    rm_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_store_free(f->s);
    rm_db_close(f->db);
    rm_arena_free(f->a);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int64_t q_int(fx *f, const char *sql, const char *arg)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->db), sql, -1, &st, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static bool gone(fx *f, const char *table, const char *key)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT gone_at IS NOT NULL FROM %s WHERE %s = ?1", table,
             !strcmp(table, "products") ? "url" : "ext_id");
    return q_int(f, sql, key) == 1;
}

static const char *const pages[] = {"http://shop.test/p/1", "http://shop.test/p/2",
                                    "http://shop.test/p/3"};

static int64_t begin_run(fx *f, int64_t now)
{
    rm_new_url urls[3];
    int64_t run;

    for (size_t i = 0; i < 3; i++)
        urls[i] = (rm_new_url){pages[i], "shop.test:80", 1, 0, RM_KIND_PAGE};
    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_job(f->s, "shop", &f->job), RM_OK);
    assert_int_equal(rm_store_run_begin(f->s, f->job, now, &run), RM_OK);
    assert_int_equal(rm_store_add_urls(f->s, f->job, urls, 3, now), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);
    return run;
}

static void end_run(fx *f, int64_t run)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "UPDATE runs SET outcome = 'done' WHERE id = %lld",
             (long long)run);
    assert_int_equal(rm_db_exec(f->db, sql), RM_OK);
}

/* Page i fetched in run at now with status; products and reviews ("ext_id" list) on it. */
static void fetched(fx *f, int64_t run, size_t i, int status, const char *product,
                    const char *const *reviews, int64_t now)
{
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};

    memset(&pr, 0, sizeof(pr));
    pr.frontier_id = q_int(f, "SELECT id FROM frontier WHERE url = ?1", pages[i]);
    pr.run_id = run;
    pr.job_id = f->job;
    pr.url = pages[i];
    pr.outcome = status == 200 ? RM_OUT_OK : RM_OUT_FAILED;
    pr.status = status;
    pr.fetched_at = now;
    rm_recs_init(&pr.recs, f->a);
    if (product) {
        rm_rec *p = rm_recs_add(&pr.recs, RM_REC_PRODUCT);
        p->u.product.url = product;
        p->u.product.price = 100;
        p->u.product.currency = "RUB";
    }
    for (size_t k = 0; reviews && reviews[k]; k++) {
        rm_rec *r = rm_recs_add(&pr.recs, RM_REC_REVIEW);
        r->u.review.url = pages[i];
        r->u.review.product = product;
        r->u.review.id = reviews[k];
        r->u.review.body = reviews[k];
    }
    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_apply_page(f->s, &pr, &st), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);
    rm_recs_release(&pr.recs);
    rm_arena_reset(f->a);
}

static void mark(fx *f, int64_t run, int64_t now, int64_t want_products, int64_t want_reviews)
{
    int64_t products = -1, reviews = -1;
    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_mark_gone(f->s, f->job, run, now, &products, &reviews), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);
    assert_int_equal(products, want_products);
    assert_int_equal(reviews, want_reviews);
}

static void first_run(fx *f)
{
    static const char *const on1[] = {"r1", "r2", NULL}, *const on2[] = {"r3", NULL};
    int64_t run = begin_run(f, 100);
    fetched(f, run, 0, 200, pages[0], on1, 101);
    fetched(f, run, 1, 200, pages[1], on2, 101);
    fetched(f, run, 2, 200, pages[2], NULL, 101);
    mark(f, run, 102, 0, 0);
    end_run(f, run);
}

/* 404 and a page that no longer shows its product or a review: those are gone, the rest
 * stays; a later run that sees them again brings them back. */
static void store_gone_marks_vanished_and_clears_on_return(void **state)
{
    fx *f = *state;
    static const char *const on1[] = {"r1", NULL}, *const on2[] = {"r3", NULL};
    int64_t run;

    first_run(f);
    run = begin_run(f, 200);
    fetched(f, run, 0, 200, pages[0], on1, 201);  /* r2 no longer shown */
    fetched(f, run, 1, 404, NULL, NULL, 201);     /* product 2 removed */
    fetched(f, run, 2, 200, NULL, NULL, 201);     /* the page shows no product now */
    mark(f, run, 202, 2, 2);
    assert_false(gone(f, "products", pages[0]));
    assert_true(gone(f, "products", pages[1]));
    assert_true(gone(f, "products", pages[2]));
    assert_false(gone(f, "reviews", "r1"));
    assert_true(gone(f, "reviews", "r2"));
    assert_true(gone(f, "reviews", "r3"));
    /* Marking again changes nothing: gone_at keeps the first time. */
    mark(f, run, 203, 0, 0);
    assert_int_equal(q_int(f, "SELECT gone_at FROM products WHERE url = ?1", pages[1]), 202);
    end_run(f, run);

    run = begin_run(f, 300);
    fetched(f, run, 1, 200, pages[1], on2, 301);
    assert_false(gone(f, "products", pages[1]));
    assert_false(gone(f, "reviews", "r3"));
    assert_true(gone(f, "products", pages[2]));
}

/* Seen-in-this-run is decided by whole seconds: a record stored in the second the next run
 * began counts as seen by it (never wrongly gone); a second later it does not. */
static void store_gone_decides_by_whole_seconds(void **state)
{
    fx *f = *state;
    static const char *const on1[] = {"r1", NULL};
    int64_t run = begin_run(f, 100);

    fetched(f, run, 0, 200, pages[0], on1, 100);
    end_run(f, run);
    run = begin_run(f, 100);
    fetched(f, run, 0, 200, NULL, NULL, 100);
    mark(f, run, 100, 0, 0);
    end_run(f, run);
    run = begin_run(f, 101);
    fetched(f, run, 0, 200, NULL, NULL, 101);
    mark(f, run, 101, 1, 1);
}

/* Workers skip scoring a review only when the store has its exact text under its key. */
static void store_review_known_compares_key_and_text(void **state)
{
    fx *f = *state;
    rm_review r;
    bool same = true;

    first_run(f);
    memset(&r, 0, sizeof(r));
    r.url = pages[0];
    r.product = pages[0];
    r.id = "r1";
    r.body = "r1"; /* fetched() stores the id as the body */
    assert_int_equal(rm_store_review_known(f->db, &r, &same), RM_OK);
    assert_true(same);
    r.body = "r1, edited";
    assert_int_equal(rm_store_review_known(f->db, &r, &same), RM_OK);
    assert_false(same);
    r.body = "r1";
    r.id = "r9";
    assert_int_equal(rm_store_review_known(f->db, &r, &same), RM_OK);
    assert_false(same);
    /* Another site with the same review id is another review. */
    r.id = "r1";
    r.product = "http://other.test/p/1";
    assert_int_equal(rm_store_review_known(f->db, &r, &same), RM_OK);
    assert_false(same);
}

static void store_job_schedule_round_trip(void **state)
{
    fx *f = *state;
    assert_int_equal(rm_store_job_schedule(f->s, "daily", "@daily UTC", 1700000000), RM_OK);
    assert_int_equal(q_int(f, "SELECT next_run_at FROM jobs WHERE name = ?1", "daily"),
                     1700000000);
    assert_int_equal(rm_store_job_schedule(f->s, "daily", "@hourly UTC", -1), RM_OK);
    assert_int_equal(q_int(f, "SELECT next_run_at FROM jobs WHERE name = ?1", "daily"), -2);
    assert_int_equal(q_int(f, "SELECT count(*) FROM jobs WHERE schedule = ?1", "@hourly UTC"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_gone_marks_vanished_and_clears_on_return, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_gone_decides_by_whole_seconds, setup, teardown),
        cmocka_unit_test_setup_teardown(store_review_known_compares_key_and_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_job_schedule_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
