#include "core/rm.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/writer.h"
#include "tests/helpers/testutil.h"

#include <pthread.h>
#include <unistd.h>

typedef struct fx {
    char *dir;
    char *path;
    rm_db *db;
    rm_store *s;
    rm_arena *a;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    rm_buf p;

    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/t.db", f->dir);
    f->path = rm_buf_detach(&p, NULL);
    if (rm_db_open(f->path, RM_DB_CREATE, &d, &f->db) != RM_OK) {
        rm_diag_print(&d, stderr);
        return -1;
    }
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
    free(f->path);
    free(f);
    return 0;
}

static int64_t q_int(rm_db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *q_text(rm_db *db, const char *sql)
{
    sqlite3_stmt *st;
    char *v = NULL;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = rm_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static rm_rec *add_product(rm_recs *r, const char *url, double price)
{
    rm_rec *rec = rm_recs_add(r, RM_REC_PRODUCT);
    rec->u.product.url = url;
    rec->u.product.name = "Чайник Vitek";
    rec->u.product.price = price;
    rec->u.product.currency = "RUB";
    rec->u.product.sku = "SKU-1";
    return rec;
}

static rm_rec *add_review(rm_recs *r, const char *product, const char *id, const char *body)
{
    rm_rec *rec = rm_recs_add(r, RM_REC_REVIEW);
    rec->u.review.url = "http://shop.test/p/1";
    rec->u.review.product = product;
    rec->u.review.id = id;
    rec->u.review.author = "Анна";
    rec->u.review.author_url = "http://shop.test/u/anna";
    rec->u.review.rating = 4;
    rec->u.review.date = "2024-03-12";
    rec->u.review.body = body;
    return rec;
}

static void page_init(fx *f, rm_page_result *pr, int64_t frontier_id, int64_t now)
{
    memset(pr, 0, sizeof(*pr));
    pr->frontier_id = frontier_id;
    pr->run_id = 1;
    pr->job_id = 1;
    pr->url = "http://shop.test/p/1";
    pr->outcome = RM_OUT_OK;
    pr->status = 200;
    pr->fetched_at = now;
    rm_recs_init(&pr->recs, f->a);
}

static void apply(fx *f, rm_page_result *pr, rm_apply_stats *st)
{
    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_apply_page(f->s, pr, st), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);
}

static void store_creates_schema_in_wal_mode(void **state)
{
    fx *f = *state;
    rm_db *ro;
    rm_diag d;
    char *mode = q_text(f->db, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    assert_int_equal(rm_db_user_version(f->db), RM_DB_SCHEMA_VERSION);
    rm_diag_init(&d);
    /* reopening migrates nothing and keeps the version */
    assert_int_equal(rm_db_open(f->path, 0, &d, &ro), RM_OK);
    assert_int_equal(rm_db_user_version(ro), RM_DB_SCHEMA_VERSION);
    rm_db_close(ro);
    assert_int_equal(rm_db_open(f->path, RM_DB_READONLY, &d, &ro), RM_OK);
    rm_db_close(ro);
    assert_int_equal(d.n, 0);
    rm_diag_release(&d);
}

/* A database an earlier release wrote (schema v4) opens at the current version with its rows
 * and its work list intact: the portrait triggers are the v5 ones, aspects and terms keyed by
 * review (v6). */
static void store_migrates_an_old_database(void **state)
{
    fx *f = *state;
    sqlite3 *old;
    rm_db *db;
    rm_diag d;
    rm_buf p;
    char *got;

    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/v4.db", f->dir);
    assert_int_equal(sqlite3_open(p.ptr, &old), SQLITE_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(sqlite3_exec(old, rm_schema_migrations[i], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(old,
                                  "PRAGMA user_version=4;"
                                  "INSERT INTO profiles(url, first_seen, last_seen) "
                                  "VALUES ('http://a.test/u/1', 1, 1);"
                                  "INSERT INTO sites(host) VALUES ('a.test');"
                                  "INSERT INTO reviews(id, site_id, review_key, body, "
                                  "first_seen, last_seen) VALUES (7, 1, 'k', 'x', 1, 1);"
                                  "INSERT INTO aspects(review_id, aspect, score, label, "
                                  "span_start, span_end) VALUES (7, 'price', -0.5, 'neg', 9, 20),"
                                  " (7, 'delivery', 0.5, 'pos', 0, 8);"
                                  "INSERT INTO review_terms(review_id, term, valence) VALUES "
                                  "(7, 'good', 2), (7, 'good', 1), (7, 'slow', -1);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(old);

    rm_diag_init(&d);
    assert_int_equal(rm_db_open(p.ptr, 0, &d, &db), RM_OK);
    assert_int_equal(rm_db_user_version(db), RM_DB_SCHEMA_VERSION);
    assert_int_equal(q_int(db, "SELECT count(*) FROM profiles"), 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM portrait_dirty"), 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                               "name LIKE 'portrait_%' AND sql LIKE '%ON CONFLICT DO NOTHING%'"),
                     9);
    assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                               "sql LIKE '%NOT IN (SELECT profile_id FROM portrait_dirty)%'"),
                     0);
    /* v6: aspects kept and keyed by review; a review's terms one row each, mean valence */
    got = q_text(db, "SELECT group_concat(aspect) FROM aspects WHERE review_id = 7");
    assert_string_equal(got, "delivery,price"); /* in text order, by key */
    free(got);
    assert_int_equal(q_int(db, "SELECT count(*) FROM review_terms WHERE review_id = 7"), 2);
    assert_int_equal(q_int(db, "SELECT valence * 10 FROM review_terms WHERE term = 'good'"), 15);
    assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name IN ('aspects', 'review_terms') AND sql IS NOT NULL"),
                     0);
    /* an already dirty profile marked again: no constraint error */
    assert_int_equal(rm_db_exec(db, "UPDATE profiles SET city = 'Tver'"), RM_OK);
    assert_int_equal(q_int(db, "SELECT count(*) FROM portrait_dirty"), 1);
    rm_db_close(db);
    assert_int_equal(d.n, 0);
    rm_diag_release(&d);
    rm_buf_release(&p);
}

static void store_refuses_newer_schema_and_missing_file(void **state)
{
    fx *f = *state;
    rm_db *db;
    rm_diag d;
    rm_buf p;
    rm_diag_init(&d);
    assert_int_equal(rm_db_exec(f->db, "PRAGMA user_version=99"), RM_OK);
    assert_int_equal(rm_db_open(f->path, 0, &d, &db), RM_EDB);
    assert_non_null(strstr(d.items[0].msg, "newer than this revmine"));
    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/missing.db", f->dir);
    assert_int_equal(rm_db_open(p.ptr, RM_DB_READONLY, &d, &db), RM_EDB);
    rm_buf_release(&p);
    assert_int_equal(rm_db_exec(f->db, "PRAGMA user_version=1"), RM_OK);
    rm_diag_release(&d);
}

/* What a crawl's workers use to skip scoring and lookups: an identity that changes with the
 * review's text, host or key and nothing else, and whether a host has reviews older than a
 * time (reviews of earlier runs). */
static void store_review_ident_and_older_reviews(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    const char *prod = "http://shop.test/p/1";
    bool older = false;
    char host[256];
    uint64_t a, b;

    page_init(f, &pr, 0, 1000);
    add_product(&pr.recs, prod, 1299);
    rm_rec *r1 = add_review(&pr.recs, prod, "r-1", "Отличный чайник");
    rm_rec *r2 = add_review(&pr.recs, prod, "r-1", "Отличный чайник");
    rm_store_review_host(&r1->u.review, host, sizeof(host));
    assert_string_equal(host, "shop.test");
    a = rm_store_review_ident(&r1->u.review);
    r2->u.review.rating = 1; /* not part of the identity: the text is what scoring reads */
    assert_true(rm_store_review_ident(&r2->u.review) == a);
    r2->u.review.body = "Отличный чайник!";
    b = rm_store_review_ident(&r2->u.review);
    assert_true(b != a);
    r2->u.review.body = "Отличный чайник";
    r2->u.review.id = "r-2";
    assert_true(rm_store_review_ident(&r2->u.review) != a);
    r2->u.review.id = "r-1";
    r2->u.review.product = "http://other.test/p/1";
    assert_true(rm_store_review_ident(&r2->u.review) != a);
    pr.recs.n = 2; /* the product and r1 */
    apply(f, &pr, &st);
    rm_recs_release(&pr.recs);

    assert_int_equal(rm_store_host_has_reviews_before(f->db, "shop.test", 1001, &older), RM_OK);
    assert_true(older);
    assert_int_equal(rm_store_host_has_reviews_before(f->db, "shop.test", 1000, &older), RM_OK);
    assert_false(older); /* first seen at 1000: not before it */
    assert_int_equal(rm_store_host_has_reviews_before(f->db, "other.test", 5000, &older), RM_OK);
    assert_false(older);
}

static void store_dedupes_reviews_by_id_and_by_content(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    const char *prod = "http://shop.test/p/1";

    for (int pass = 0; pass < 2; pass++) {
        page_init(f, &pr, 0, 1000 + pass);
        add_product(&pr.recs, prod, 1299);
        add_review(&pr.recs, prod, "r-1", "Отличный чайник");
        add_review(&pr.recs, prod, NULL, "Без id, но тот же текст"); /* keyed by content */
        apply(f, &pr, &st);
        rm_recs_release(&pr.recs);
    }
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews"), 2);
    assert_int_equal(st.new_reviews, 2);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM products"), 1);
    assert_int_equal(q_int(f->db, "SELECT last_seen FROM reviews WHERE ext_id = 'r-1'"), 1001);
    assert_int_equal(q_int(f->db, "SELECT first_seen FROM reviews WHERE ext_id = 'r-1'"), 1000);
    /* both reviews found their product stored from the same page */
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews WHERE product_id IS NULL"), 0);
}

static void store_price_history_only_on_change(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    const double prices[] = {1299, 1299, 999, 999, NAN, 999};

    for (size_t i = 0; i < RM_ARRAY_LEN(prices); i++) {
        page_init(f, &pr, 0, 2000 + (int64_t)i);
        add_product(&pr.recs, "http://shop.test/p/1", prices[i]);
        apply(f, &pr, &st);
        rm_recs_release(&pr.recs);
    }
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM prices"), 2);
    assert_int_equal(st.price_changes, 1);
    assert_int_equal(q_int(f->db, "SELECT price FROM products"), 999);
    /* an absent price never erases the known one */
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM products WHERE name IS NULL"), 0);
}

static void store_links_reviews_to_products_and_profiles_stored_later(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    rm_rec *p;

    page_init(f, &pr, 0, 3000);
    add_review(&pr.recs, "http://shop.test/p/2", "r-9", "Хорошо");
    apply(f, &pr, &st);
    rm_recs_release(&pr.recs);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews WHERE product_id IS NULL "
                                  "AND profile_id IS NULL"), 1);

    page_init(f, &pr, 0, 3001);
    add_product(&pr.recs, "http://shop.test/p/2", 10);
    p = rm_recs_add(&pr.recs, RM_REC_PROFILE);
    p->u.profile.url = "http://shop.test/u/anna";
    p->u.profile.handle = "anna";
    p->u.profile.city = "Казань";
    const char *interests[] = {"рыбалка", "бег"};
    p->u.profile.interests = interests;
    p->u.profile.n_interests = 2;
    apply(f, &pr, &st);
    rm_recs_release(&pr.recs);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews WHERE product_id IS NOT NULL "
                                  "AND profile_id IS NOT NULL"), 1);
    char *js = q_text(f->db, "SELECT interests FROM profiles");
    assert_string_equal(js, "[\"рыбалка\",\"бег\"]");
    free(js);
}

static void store_frontier_and_runs(void **state)
{
    fx *f = *state;
    rm_new_url urls[] = {{"http://shop.test/", "shop.test:80", 0, 0, RM_KIND_PAGE},
                         {"http://shop.test/p/1", "shop.test:80", 1, 20, RM_KIND_PAGE}};
    int64_t job, run, run2, open;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};

    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_job(f->s, "shop", &job), RM_OK);
    assert_int_equal(rm_store_run_begin(f->s, job, 100, &run), RM_OK);
    assert_int_equal(rm_store_add_urls(f->s, job, urls, 2, 100), RM_OK);
    assert_int_equal(rm_store_add_urls(f->s, job, urls, 2, 100), RM_OK); /* known: ignored */
    assert_int_equal(rm_db_commit(f->db), RM_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM frontier WHERE state = 0"), 2);

    page_init(f, &pr, q_int(f->db, "SELECT id FROM frontier WHERE depth = 1"), 101);
    pr.run_id = run;
    pr.job_id = job;
    pr.outcome = RM_OUT_RETRY;
    pr.failures = 1;
    pr.retry_at_ms = 555;
    pr.error = "http 503";
    apply(f, &pr, &st);
    assert_int_equal(q_int(f->db, "SELECT next_fetch_ms FROM frontier WHERE depth = 1"), 555);
    pr.outcome = RM_OUT_OK;
    pr.etag = "\"v1\"";
    apply(f, &pr, &st);
    assert_int_equal(q_int(f->db, "SELECT state FROM frontier WHERE depth = 1"), 1);
    assert_int_equal(q_int(f->db, "SELECT failures FROM frontier WHERE depth = 1"), 0);
    rm_recs_release(&pr.recs);

    /* an unfinished run is resumed, not restarted */
    assert_int_equal(rm_store_run_begin(f->s, job, 200, &run2), RM_OK);
    assert_int_equal(run2, run);
    assert_int_equal(q_int(f->db, "SELECT state FROM frontier WHERE depth = 1"), 1);
    /* once finished, the next run re-queues everything, keeping the ETag */
    assert_int_equal(rm_db_exec(f->db, "UPDATE runs SET outcome = 'done'"), RM_OK);
    assert_int_equal(rm_store_open_run(f->s, job, &open), RM_OK);
    assert_int_equal(open, 0);
    assert_int_equal(rm_store_run_begin(f->s, job, 300, &run2), RM_OK);
    assert_true(run2 > run);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM frontier WHERE state = 0"), 2);
    char *etag = q_text(f->db, "SELECT etag FROM frontier WHERE depth = 1");
    assert_string_equal(etag, "\"v1\"");
    free(etag);
}

static void store_fts_follows_reviews(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};

    page_init(f, &pr, 0, 4000);
    add_review(&pr.recs, "http://shop.test/p/1", "r-1", "Доставка быстрая, упаковка целая");
    apply(f, &pr, &st);
    rm_recs_release(&pr.recs);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews_fts "
                                  "WHERE reviews_fts MATCH 'упаковка'"), 1);
    page_init(f, &pr, 0, 4001);
    add_review(&pr.recs, "http://shop.test/p/1", "r-1", "Отредактировано: курьер опоздал");
    apply(f, &pr, &st);
    rm_recs_release(&pr.recs);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews_fts "
                                  "WHERE reviews_fts MATCH 'упаковка'"), 0);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews_fts "
                                  "WHERE reviews_fts MATCH 'курьер'"), 1);
}

static int64_t fts_hits(fx *f, const char *q)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM reviews_fts WHERE reviews_fts MATCH '%s'", q);
    return q_int(f->db, sql);
}

/* A writer's batch indexes its new reviews at the end, in one statement; an edit inside the
 * same batch, a raw insert after it, and FTS5's own consistency check all still agree. */
static void store_bulk_search_index_in_a_batch(void **state)
{
    fx *f = *state;
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};

    assert_int_equal(rm_db_begin(f->db), RM_OK);
    assert_int_equal(rm_store_begin_batch(f->s), RM_OK);
    page_init(f, &pr, 0, 5000);
    add_review(&pr.recs, "http://shop.test/p/1", "r-1", "Курьер опоздал на неделю");
    add_review(&pr.recs, "http://shop.test/p/1", "r-2", "Чайник шумит, но греет быстро");
    assert_int_equal(rm_store_apply_page(f->s, &pr, &st), RM_OK);
    rm_recs_release(&pr.recs);
    /* deferred: not indexed yet inside the batch */
    assert_int_equal(fts_hits(f, "чайник"), 0);
    page_init(f, &pr, 0, 5001);
    add_review(&pr.recs, "http://shop.test/p/1", "r-1", "Исправлено: доставка вовремя");
    assert_int_equal(rm_store_apply_page(f->s, &pr, &st), RM_OK);
    rm_recs_release(&pr.recs);
    assert_int_equal(rm_store_end_batch(f->s), RM_OK);
    assert_int_equal(rm_db_commit(f->db), RM_OK);

    assert_int_equal(fts_hits(f, "курьер"), 0);
    assert_int_equal(fts_hits(f, "доставка"), 1);
    assert_int_equal(fts_hits(f, "чайник"), 1);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM fts_defer"), 0);
    /* outside a batch the trigger indexes every insert, whoever writes it */
    assert_int_equal(rm_db_exec(f->db, "INSERT INTO reviews(site_id, review_key, body, "
                                       "first_seen, last_seen) SELECT id, 'raw', 'Зебра', 0, 0 "
                                       "FROM sites LIMIT 1"),
                     RM_OK);
    assert_int_equal(fts_hits(f, "зебра"), 1);
    assert_int_equal(rm_db_exec(f->db, "INSERT INTO reviews_fts(reviews_fts, rank) "
                                       "VALUES ('integrity-check', 1)"),
                     RM_OK);
}

/* ---- writer ---- */

typedef struct counter {
    pthread_mutex_t mu;
    int done, failed;
    int64_t committed_seen; /* rows visible through a second connection at done time */
    const char *path;
} counter;

static rm_err op_insert(rm_store *s, void *ctx, rm_apply_stats *st)
{
    (void)ctx;
    st->records++;
    return rm_db_exec(rm_store_db(s), "INSERT INTO meta(key, value) VALUES "
                                      "(hex(randomblob(8)), 'x')");
}

static rm_err op_fail(rm_store *s, void *ctx, rm_apply_stats *st)
{
    (void)ctx;
    (void)st;
    if (rm_db_exec(rm_store_db(s), "INSERT INTO meta(key, value) VALUES ('half', 'done')"))
        return RM_EDB;
    return RM_EPARSE; /* fails after writing: the savepoint must undo the write */
}

static void op_done(void *ctx, rm_err err)
{
    counter *c = ctx;
    sqlite3 *h;
    sqlite3_stmt *st;

    pthread_mutex_lock(&c->mu);
    c->done++;
    if (err)
        c->failed++;
    /* what a done callback is promised: the op is committed and visible to other readers */
    if (!err && sqlite3_open_v2(c->path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        if (sqlite3_prepare_v2(h, "SELECT count(*) FROM meta", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) >= c->committed_seen)
            c->committed_seen = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    pthread_mutex_unlock(&c->mu);
}

static void writer_commits_before_done_and_isolates_failures(void **state)
{
    fx *f = *state;
    rm_writer *w;
    rm_writer_opts o = {.queue_cap = 8, .batch_max = 16};
    counter c = {.done = 0, .failed = 0, .committed_seen = 0, .path = f->path};

    pthread_mutex_init(&c.mu, NULL);
    assert_int_equal(rm_writer_start(f->s, &o, &w), RM_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(rm_writer_submit(w, i == 50 ? op_fail : op_insert, op_done, &c), RM_OK);
    assert_int_equal(rm_writer_flush(w), RM_OK);
    assert_int_equal(c.done, 100);
    assert_int_equal(c.failed, 1);
    assert_true(c.committed_seen >= 1);
    assert_int_equal(rm_writer_stats(w).records, 99);
    assert_int_equal(rm_writer_stop(w), RM_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM meta WHERE key <> 'pseudonym_key'"), 99);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM meta WHERE key = 'half'"), 0);
    pthread_mutex_destroy(&c.mu);
}

typedef struct review_op {
    fx *f;
    const char *id, *body;
} review_op;

static rm_err op_review(rm_store *s, void *ctx, rm_apply_stats *st)
{
    review_op *r = ctx;
    rm_page_result pr;
    rm_err err;

    page_init(r->f, &pr, 0, 6000);
    add_review(&pr.recs, "http://shop.test/p/1", r->id, r->body);
    err = rm_store_apply_page(s, &pr, st);
    rm_recs_release(&pr.recs);
    return err;
}

/* One failing operation rolls its batch back; the batch runs again op by op, so the others
 * keep their rows, their search index entries and their counts (once, not twice). */
static void writer_replays_a_failed_batch(void **state)
{
    fx *f = *state;
    rm_writer *w;
    rm_writer_opts o = {.queue_cap = 64, .batch_max = 64};
    review_op ops[20];
    char ids[20][8], bodies[20][32];
    counter c = {.done = 0, .failed = 0, .committed_seen = 0, .path = f->path};

    pthread_mutex_init(&c.mu, NULL);
    assert_int_equal(rm_writer_start(f->s, &o, &w), RM_OK);
    for (int i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof(ids[i]), "r%d", i);
        snprintf(bodies[i], sizeof(bodies[i]), "word%d and kettle", i);
        ops[i] = (review_op){f, ids[i], bodies[i]};
        assert_int_equal(rm_writer_submit(w, op_review, NULL, &ops[i]), RM_OK);
        if (i == 10)
            assert_int_equal(rm_writer_submit(w, op_fail, op_done, &c), RM_OK);
    }
    assert_int_equal(rm_writer_flush(w), RM_OK);
    assert_int_equal(c.failed, 1);
    assert_int_equal(rm_writer_stats(w).new_reviews, 20);
    assert_int_equal(rm_writer_stop(w), RM_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM reviews"), 20);
    assert_int_equal(fts_hits(f, "kettle"), 20);
    assert_int_equal(fts_hits(f, "word15"), 1);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM meta WHERE key = 'half'"), 0);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM fts_defer"), 0);
    pthread_mutex_destroy(&c.mu);
}

static void op_count(void *ctx, rm_err err)
{
    counter *c = ctx;
    pthread_mutex_lock(&c->mu);
    c->done++;
    c->failed += err != RM_OK;
    pthread_mutex_unlock(&c->mu);
}

static int done_count(counter *c)
{
    int n;
    pthread_mutex_lock(&c->mu);
    n = c->done;
    pthread_mutex_unlock(&c->mu);
    return n;
}

/* A drained queue lingers before committing (larger batches) without holding the write lock,
 * but a hurry commits at once: with a 20 s linger, the done-callback comes within 5 s only if
 * the hurry worked. */
static void writer_lingers_unless_hurried(void **state)
{
    fx *f = *state;
    rm_writer *w;
    rm_writer_opts o = {.queue_cap = 8, .batch_max = 64, .linger_ms = 20000};
    counter c = {.done = 0, .failed = 0, .committed_seen = 0, .path = f->path};
    int waited = 0;

    pthread_mutex_init(&c.mu, NULL);
    assert_int_equal(rm_writer_start(f->s, &o, &w), RM_OK);
    rm_writer_hurry(w); /* nothing open: no effect, no empty transaction */
    assert_int_equal(rm_writer_submit(w, op_insert, op_count, &c), RM_OK);
    usleep(100 * 1000);
    assert_int_equal(done_count(&c), 0); /* lingering: not committed yet */
    /* ... and not holding the write lock meanwhile: another writer gets it at once */
    {
        sqlite3 *h;
        assert_int_equal(sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
        sqlite3_busy_timeout(h, 0);
        assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE; COMMIT;", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(h);
    }
    rm_writer_hurry(w);
    rm_writer_hurry(w); /* many calls, one commit */
    while (done_count(&c) == 0 && waited < 5000) {
        usleep(10 * 1000);
        waited += 10;
    }
    assert_int_equal(done_count(&c), 1);
    assert_int_equal(c.failed, 0);
    assert_int_equal(rm_writer_stop(w), RM_OK);
    assert_int_equal(q_int(f->db, "SELECT count(*) FROM meta WHERE key <> 'pseudonym_key'"), 1);
    pthread_mutex_destroy(&c.mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(store_creates_schema_in_wal_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(store_migrates_an_old_database, setup, teardown),
        cmocka_unit_test_setup_teardown(store_refuses_newer_schema_and_missing_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_review_ident_and_older_reviews, setup, teardown),
        cmocka_unit_test_setup_teardown(store_dedupes_reviews_by_id_and_by_content, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_price_history_only_on_change, setup, teardown),
        cmocka_unit_test_setup_teardown(store_links_reviews_to_products_and_profiles_stored_later,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(store_frontier_and_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(store_fts_follows_reviews, setup, teardown),
        cmocka_unit_test_setup_teardown(store_bulk_search_index_in_a_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_replays_a_failed_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_lingers_unless_hurried, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_commits_before_done_and_isolates_failures, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
