/* Portraits: identity linking rules, incremental against full rebuilds, contents and tags;
 * forget (no trace in the file) and retention; the interest taxonomy. */
#include "core/rm.h"

#include <math.h>

#include "store/db.h"
#include "store/forget.h"
#include "store/interests.h"
#include "store/portrait.h"
#include "store/privacy.h"
#include "store/store.h"
#include "tests/helpers/testutil.h"

#define NOW 1700000000
#define M "http://market.test"
#define S "http://social.test"

typedef struct fx {
    char *dir, *db;
    rm_db *h;
    rm_store *s;
    rm_interests *tx;
    rm_arena *a;
} fx;

typedef struct prof {
    const char *url, *handle, *name, *link, *interest;
} prof;

/* Alice: mutual links. Bob: one-way link, same handle. Carol: one-way link, other handle.
 * Dave and Dave2: the same display name, no links. */
static const prof people[] = {
    {M "/u/alice", "alice_z", "Alice Zephyrine", S "/@alice_z", "рыбалка"},
    {S "/@alice_z", "alice_z", "Alice Zephyrine", "https://WWW.market.test/u/alice/",
     "Fly fishing"},
    {M "/u/bob", "bobquill", "Bob Quill", S "/@bobquill", NULL},
    {S "/@bobquill", "@BobQuill", "Bob Q.", NULL, NULL},
    {M "/u/carol", "carol", "Carol", S "/@carol9", NULL},
    {S "/@carol9", "carol9", "Carol", NULL, NULL},
    {M "/u/dave", "dave", "Same Name", NULL, NULL},
    {S "/@dave2", "dave2", "Same Name", NULL, NULL},
};

static const char *const alice_texts[] = {
    "Zanzibarish reel arrived broken, the delivery was awful",
    "Great rod, works perfectly",
    "Excellent lure, love it",
};

static void put_profiles(fx *f, size_t from, size_t to)
{
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};

    memset(&pr, 0, sizeof(pr));
    pr.url = M "/people";
    pr.outcome = RM_OUT_OK;
    pr.fetched_at = NOW;
    rm_recs_init(&pr.recs, f->a);
    for (size_t i = from; i < to; i++) {
        rm_profile *p = &rm_recs_add(&pr.recs, RM_REC_PROFILE)->u.profile;
        p->url = people[i].url;
        p->platform = strstr(p->url, "market") ? "market" : "social";
        p->handle = people[i].handle;
        p->name = people[i].name;
        p->city = "Tver";
        p->birth_year = 1990;
        if (people[i].link) {
            p->links = rm_arena_calloc(f->a, 1, sizeof(char *));
            p->links[0] = people[i].link;
            p->n_links = 1;
        }
        if (people[i].interest) {
            p->interests = rm_arena_calloc(f->a, 1, sizeof(char *));
            p->interests[0] = people[i].interest;
            p->n_interests = 1;
        }
    }
    assert_int_equal(rm_db_begin(f->h), RM_OK);
    assert_int_equal(rm_store_apply_page(f->s, &pr, &st), RM_OK);
    assert_int_equal(rm_db_commit(f->h), RM_OK);
    rm_recs_release(&pr.recs);
}

/* Alice's three reviews (one of them attacks the delivery) and one by Bob, with the review
 * page cached. */
static void put_reviews_priced(fx *f, double price);

static void put_reviews(fx *f)
{
    put_reviews_priced(f, 5000);
}

static void put_reviews_priced(fx *f, double price)
{
    static rm_aspect_hit hit = {"delivery", -0.8, RM_LABEL_NEG, 0, 55, "delivery"};
    static const char page[] = "<html><a href=\"/u/alice\">Alice Zephyrine</a></html>";
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    rm_sentiment *sent = rm_arena_calloc(f->a, 8, sizeof(*sent));
    rm_product *prod;

    memset(&pr, 0, sizeof(pr));
    pr.url = M "/p/1/reviews";
    pr.outcome = RM_OUT_OK;
    pr.fetched_at = NOW;
    pr.body = page;
    pr.body_len = sizeof(page) - 1;
    rm_recs_init(&pr.recs, f->a);
    prod = &rm_recs_add(&pr.recs, RM_REC_PRODUCT)->u.product;
    prod->url = M "/p/1";
    prod->category = "Рыбалка";
    prod->price = price;
    prod->currency = "RUB";
    for (size_t i = 0; i < 4; i++) {
        rm_review *r = &rm_recs_add(&pr.recs, RM_REC_REVIEW)->u.review;
        char id[8];
        snprintf(id, sizeof(id), "r%zu", i);
        r->product = M "/p/1";
        r->id = rm_recs_str(&pr.recs, id);
        r->author = i < 3 ? "Alice Zephyrine" : "Bob Quill";
        r->author_url = i < 3 ? M "/u/alice" : M "/u/bob";
        r->rating = i == 0 ? 1.0 : 5.0;
        r->date = i == 0 ? "2024-01-01" : i == 1 ? "2024-01-11" : "2024-01-21";
        r->body = i < 3 ? alice_texts[i] : "Fine hook";
        sent[i + 1].score = i == 0 ? -0.8 : 0.7;
        sent[i + 1].label = i == 0 ? RM_LABEL_NEG : RM_LABEL_POS;
        sent[i + 1].lang = RM_LANG_EN;
        if (i == 0) {
            sent[i + 1].aspects = &hit;
            sent[i + 1].n_aspects = 1;
        }
    }
    pr.sent = sent;
    assert_int_equal(rm_db_begin(f->h), RM_OK);
    assert_int_equal(rm_store_apply_page(f->s, &pr, &st), RM_OK);
    assert_int_equal(rm_db_commit(f->h), RM_OK);
    rm_recs_release(&pr.recs);
}

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    rm_buf p;

    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/p.db", f->dir);
    f->db = rm_buf_detach(&p, NULL);
    f->a = rm_arena_new(8192);
    if (rm_db_open(f->db, RM_DB_CREATE, &d, &f->h) || rm_interests_builtin(&d, &f->tx))
        return -1;
    f->s = rm_store_new(f->h);
    rm_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_store_free(f->s);
    rm_db_close(f->h);
    rm_interests_free(f->tx);
    rm_arena_free(f->a);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static int64_t q_int(fx *f, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->h), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Profile URLs of each portrait, one line per portrait ("url url\n"), in a stable order. */
static char *membership(fx *f)
{
    sqlite3_stmt *st;
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->h),
                                        "SELECT group_concat(url, ' ') FROM (SELECT m.portrait_id "
                                        "AS pid, p.url FROM portrait_members m JOIN profiles p "
                                        "ON p.id = m.profile_id ORDER BY p.url) GROUP BY pid "
                                        "ORDER BY 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        rm_buf_addf(&b, "%s\n", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rm_buf_detach(&b, NULL);
}

static void update(fx *f, rm_portrait_stats *st, bool full)
{
    assert_int_equal(rm_db_begin(f->h), RM_OK);
    assert_int_equal(full ? rm_portrait_rebuild(f->h, f->tx, NOW, st)
                          : rm_portrait_update(f->h, f->tx, NOW, st),
                     RM_OK);
    assert_int_equal(rm_db_commit(f->h), RM_OK);
}

static void portrait_links_only_on_evidence(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    char *got;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    update(f, &st, false);
    got = membership(f);
    assert_string_equal(got, M "/u/alice " S "/@alice_z\n"
                             M "/u/bob " S "/@bobquill\n"
                             M "/u/carol\n" M "/u/dave\n" S "/@carol9\n" S "/@dave2\n");
    assert_int_equal(st.portraits, 6);
    assert_int_equal(q_int(f, "SELECT count(*) FROM identity_links WHERE reason = "
                              "'rel-me-mutual' AND confidence > 0.9"), 1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM identity_links WHERE reason = "
                              "'same-verified-handle'"), 1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM identity_links WHERE reason = 'authored' "
                              "AND review_id IS NOT NULL"), 4);
    free(got);
}

/* An incremental update touches only what changed and ends where a full rebuild ends. */
static void portrait_incremental_matches_full(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    static const prof back = {S "/@carol9", "carol9", "Carol", M "/u/carol", NULL};
    char *inc, *full;
    int64_t alice_before, alice_after;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    update(f, &st, false);
    alice_before = q_int(f, "SELECT portrait_id FROM portrait_members m JOIN profiles p ON "
                            "p.id = m.profile_id WHERE p.url = '" M "/u/alice'");
    update(f, &st, false);
    assert_int_equal(st.dirty, 0);
    assert_int_equal(st.profiles, 0);
    /* Carol's social profile now links back: mutual evidence. */
    {
        rm_page_result pr;
        rm_apply_stats as = {0, 0, 0, 0};
        rm_profile *p;
        memset(&pr, 0, sizeof(pr));
        pr.url = back.url;
        pr.outcome = RM_OUT_OK;
        pr.fetched_at = NOW + 60;
        rm_recs_init(&pr.recs, f->a);
        p = &rm_recs_add(&pr.recs, RM_REC_PROFILE)->u.profile;
        p->url = back.url;
        p->links = rm_arena_calloc(f->a, 1, sizeof(char *));
        p->links[0] = back.link;
        p->n_links = 1;
        assert_int_equal(rm_db_begin(f->h), RM_OK);
        assert_int_equal(rm_store_apply_page(f->s, &pr, &as), RM_OK);
        assert_int_equal(rm_db_commit(f->h), RM_OK);
        rm_recs_release(&pr.recs);
    }
    update(f, &st, false);
    assert_int_equal(st.dirty, 1);
    assert_int_equal(st.profiles, 2); /* carol9 and the carol it links to, nobody else */
    assert_int_equal(st.portraits, 1);
    alice_after = q_int(f, "SELECT portrait_id FROM portrait_members m JOIN profiles p ON "
                           "p.id = m.profile_id WHERE p.url = '" M "/u/alice'");
    assert_int_equal(alice_before, alice_after);
    inc = membership(f);
    update(f, &st, true);
    full = membership(f);
    assert_string_equal(inc, full);
    assert_non_null(strstr(full, M "/u/carol " S "/@carol9\n"));
    free(inc);
    free(full);
}

/* Evidence gone, merge gone: the next update splits the portrait. */
static void portrait_rebuild_undoes_a_merge(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    char *got;

    put_profiles(f, 0, 2);
    update(f, &st, false);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portraits"), 1);
    /* Both links go: one left would still merge them (one-way link, same handle). */
    assert_int_equal(rm_db_exec(f->h, "UPDATE profiles SET links = NULL"), RM_OK);
    update(f, &st, false);
    got = membership(f);
    assert_string_equal(got, M "/u/alice\n" S "/@alice_z\n");
    assert_int_equal(q_int(f, "SELECT count(*) FROM identity_links WHERE profile_b IS NOT NULL"),
                     0);
    free(got);
}

/* Already-dirty profiles changed again through upserts (a profile page seen twice, a price
 * change) before any update: no constraint error, each profile dirty once. */
static void portrait_dirty_survives_repeated_upserts(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    assert_int_equal(rm_db_exec(f->h, "UPDATE profiles SET city = 'Old'"), RM_OK);
    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews_priced(f, 7000);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_dirty"), RM_ARRAY_LEN(people));
    update(f, &st, false);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_dirty"), 0);
    put_reviews_priced(f, 9000); /* Alice and Bob reviewed it: both portraits are stale */
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_dirty"), 2);
    update(f, &st, false);
    assert_int_equal(st.portraits, 2);
}

/* Counts the statement's OpenEphemeral opcodes (EXPLAIN lists its triggers' programs too). */
static int temp_tables(fx *f, const char *sql)
{
    char explain[512];
    sqlite3_stmt *st;
    int n = 0;
    snprintf(explain, sizeof(explain), "EXPLAIN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->h), explain, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        n += !strcmp((const char *)sqlite3_column_text(st, 1), "OpenEphemeral");
    sqlite3_finalize(st);
    return n;
}

/* The triggers that mark profiles dirty hold under whatever conflict policy the statement that
 * fires them has, and build no temporary table per firing (on a first crawl they fire for every
 * review and every sentiment row). */
static void portrait_dirty_triggers_hold_under_any_conflict_policy(void **state)
{
    fx *f = *state;
    static const char *const firing[] = {
        "INSERT OR ABORT INTO sentiment(review_id, score, label, lang, scored_at) "
        "SELECT id, 0.5, 'pos', 'en', 1 FROM reviews",
        "UPDATE OR ROLLBACK reviews SET rating = 1",
        "UPDATE OR FAIL sentiment SET score = 0.1",
        "INSERT OR REPLACE INTO sentiment(review_id, score, label, lang, scored_at) "
        "SELECT id, 0.2, 'pos', 'en', 2 FROM reviews",
        "UPDATE OR ABORT profiles SET city = 'Elsewhere'",
        "UPDATE products SET price = 1",
    };

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    assert_int_equal(rm_db_exec(f->h, "DELETE FROM sentiment"), RM_OK);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_dirty"), RM_ARRAY_LEN(people));
    for (size_t i = 0; i < RM_ARRAY_LEN(firing); i++)
        assert_int_equal(rm_db_exec(f->h, firing[i]), RM_OK);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_dirty"), RM_ARRAY_LEN(people));
    assert_int_equal(temp_tables(f, "INSERT INTO sentiment(review_id, score, label, lang, "
                                    "scored_at) VALUES (1, 0, 'neu', 'en', 0)"),
                     0);
    assert_int_equal(temp_tables(f, "INSERT INTO reviews(site_id, review_key, profile_id, "
                                    "first_seen, last_seen) VALUES (1, 'k', 1, 0, 0)"),
                     0);
    assert_int_equal(temp_tables(f, "UPDATE reviews SET rating = 2 WHERE id = 1"), 0);
    assert_int_equal(temp_tables(f, "INSERT INTO profiles(url, first_seen, last_seen) "
                                    "VALUES ('x', 0, 0)"),
                     0);
}

static int64_t tag_has(fx *f, const char *tag, const char *needle)
{
    sqlite3_stmt *st;
    int64_t found = 0;
    assert_int_equal(sqlite3_prepare_v2(rm_db_handle(f->h),
                                        "SELECT evidence FROM portrait_tags WHERE tag = ?1", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        found += strstr((const char *)sqlite3_column_text(st, 0), needle) != NULL;
    sqlite3_finalize(st);
    return found;
}

static void portrait_contents_and_tags_with_evidence(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    json_t *j = NULL;
    int64_t id = 0;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    update(f, &st, false);
    assert_int_equal(rm_privacy_register(rm_db_handle(f->h)), RM_OK);
    assert_int_equal(rm_portrait_find(f->h, "@Alice_Z", &id), RM_OK);
    assert_int_equal(rm_portrait_json(f->h, id, false, &j), RM_OK);
    assert_int_equal(json_integer_value(json_object_get(j, "reviews")), 3);
    assert_true(fabs(json_real_value(json_object_get(j, "cadence_days")) - 10.0) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(j, "first_review")), "2024-01-01");
    /* (1 + 5 + 5) / 3 stars; attitude 0.6 * rating + 0.4 * sentiment, per review */
    assert_true(fabs(json_real_value(json_object_get(j, "mean_rating")) - 11.0 / 3) < 1e-3);
    assert_string_equal(json_string_value(json_object_get(j, "stance")), "passive");
    assert_null(json_object_get(j, "name")); /* pseudonymous unless raw */
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "interests"), 0)),
                        "fishing");
    assert_int_equal(tag_has(f, "interest:fishing", "lists \"рыбалка\""), 1);
    assert_int_equal(tag_has(f, "interest:fishing", "lists \"Fly fishing\""), 1);
    assert_int_equal(tag_has(f, "interest:fishing", "3 reviews in category"), 1);
    assert_int_equal(tag_has(f, "detractor:delivery", "the delivery was awful"), 1);
    assert_int_equal(tag_has(f, "segment:frequent", "3 reviews"), 1);
    assert_int_equal(tag_has(f, "segment:one-time", "1 reviews"), 1); /* Bob */
    assert_int_equal(tag_has(f, "segment:silent", "no reviews"), 4);  /* carol x2, dave x2 */
    json_decref(j);
    assert_int_equal(rm_portrait_find(f->h, "nobody", &id), RM_ENOTFOUND);
}

/* Bytes of path (0 when missing) that contain needle. */
static bool file_has(const char *path, const char *needle)
{
    size_t len = 0;
    char *data = rm_test_read_file(path, &len);
    bool found = data && memmem(data, len, needle, strlen(needle)) != NULL;
    free(data);
    return found;
}

static void expect_no_trace(fx *f, bool expect)
{
    static const char *const traces[] = {"Alice Zephyrine", "alice_z", "market.test/u/alice",
                                         "Zanzibarish reel", "Zanzibarish"};
    char wal[4200];
    snprintf(wal, sizeof(wal), "%s-wal", f->db);
    for (size_t i = 0; i < RM_ARRAY_LEN(traces); i++) {
        bool found = file_has(f->db, traces[i]) || file_has(wal, traces[i]);
        if (found != expect)
            fail_msg("'%s' %s in the database file", traces[i], expect ? "missing" : "found");
    }
}

/* Queue rows: three name Alice's handle, one a longer handle of somebody else. */
static const char queue_sql[] =
    "INSERT INTO jobs(id, name, created_at) VALUES (1, 'j', 0);"
    "INSERT INTO frontier(job_id, url, host, discovered_at) VALUES "
    "(1, '" S "/users/alice_z', 'h', 0), (1, '" S "/api/v1/accounts/lookup?acct=alice_z', 'h', 0),"
    "(1, '" S "/@alice_z/with_replies', 'h', 0)";

static void forget_case(void **state, bool vacuum)
{
    fx *f = *state;
    rm_portrait_stats st;
    rm_forget_stats fs;
    rm_diag d;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    update(f, &st, false);
    /* Bob's profile also links to Alice: that link must go too. */
    assert_int_equal(rm_db_exec(f->h, "UPDATE profiles SET links = json_array('" S "/@bobquill',"
                                      " 'https://market.test:443/u/alice#reviews') "
                                      "WHERE url = '" M "/u/bob'"),
                     RM_OK);
    assert_int_equal(rm_db_exec(f->h, queue_sql), RM_OK);
    assert_int_equal(rm_db_exec(f->h, "PRAGMA wal_checkpoint(TRUNCATE)"), RM_OK);
    expect_no_trace(f, true);
    rm_store_free(f->s);
    rm_db_close(f->h);
    f->s = NULL;
    f->h = NULL;
    rm_diag_init(&d);
    assert_int_equal(rm_forget(f->db, "nobody_at_all", vacuum, &fs, &d), RM_ENOTFOUND);
    assert_int_equal(rm_forget(f->db, "alice_z", vacuum, &fs, &d), RM_OK);
    rm_diag_release(&d);
    assert_int_equal(fs.profiles, 2);
    assert_int_equal(fs.reviews, 3);
    assert_int_equal(fs.pages, 1);
    assert_int_equal(fs.portraits, 1);
    assert_int_equal(fs.frontier, 3);
    expect_no_trace(f, false);
    rm_diag_init(&d);
    assert_int_equal(rm_db_open(f->db, 0, &d, &f->h), RM_OK);
    rm_diag_release(&d);
    f->s = rm_store_new(f->h);
    assert_int_equal(q_int(f, "SELECT count(*) FROM reviews_fts WHERE reviews_fts MATCH "
                              "'Zanzibarish'"), 0);
    assert_int_equal(q_int(f, "SELECT count(*) FROM reviews_fts WHERE reviews_fts MATCH 'hook'"),
                     1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM forgotten"), 2);
    assert_int_equal(q_int(f, "SELECT count(*) FROM profiles WHERE links LIKE '%alice%'"), 0);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portraits"), 5);
    /* Crawled again, the forgotten person is not stored again; everybody else is. */
    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    assert_int_equal(q_int(f, "SELECT count(*) FROM profiles"), 6);
    assert_int_equal(q_int(f, "SELECT count(*) FROM reviews"), 1);
}

static void forget_leaves_no_trace(void **state)
{
    forget_case(state, false);
}

static void forget_leaves_no_trace_after_vacuum(void **state)
{
    forget_case(state, true);
}

static void forget_spares_longer_handles(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    rm_forget_stats fs;
    rm_diag d;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    update(f, &st, false);
    assert_int_equal(rm_db_exec(f->h, queue_sql), RM_OK);
    assert_int_equal(rm_db_exec(f->h, "INSERT INTO frontier(job_id, url, host, discovered_at) "
                                      "VALUES (1, '" M "/u/alice_zed', 'h', 0), "
                                      "(1, '" S "/@xalice_z', 'h', 0)"),
                     RM_OK);
    rm_diag_init(&d);
    assert_int_equal(rm_forget(f->db, S "/@alice_z", false, &fs, &d), RM_OK);
    rm_diag_release(&d);
    assert_int_equal(fs.frontier, 3);
    assert_int_equal(q_int(f, "SELECT count(*) FROM frontier"), 2);
}

static void forget_expires_pages_and_stale_profiles(void **state)
{
    fx *f = *state;
    rm_portrait_stats st;
    rm_forget_stats fs;
    rm_diag d;

    put_profiles(f, 0, RM_ARRAY_LEN(people));
    put_reviews(f);
    update(f, &st, false);
    assert_int_equal(rm_db_exec(f->h, "UPDATE profiles SET last_seen = last_seen - 40 * 86400 "
                                      "WHERE url LIKE '%/u/alice' OR url LIKE '%/u/dave'"),
                     RM_OK);
    rm_diag_init(&d);
    assert_int_equal(rm_forget_expire(f->db, 100, 30, NOW + 86400, &fs, &d), RM_OK);
    assert_int_equal(fs.pages, 0);
    assert_int_equal(fs.profiles, 2);
    assert_int_equal(rm_forget_expire(f->db, 0, -1, NOW + 86400, &fs, &d), RM_OK);
    assert_int_equal(fs.pages, 1);
    rm_diag_release(&d);
    assert_int_equal(q_int(f, "SELECT count(*) FROM reviews WHERE author_url = '" M "/u/alice' "
                              "AND profile_id IS NULL"), 3);
    /* Alice's social profile stands alone now, Dave's portrait is gone with his only profile;
     * every profile left still has one portrait. */
    assert_int_equal(q_int(f, "SELECT count(*) FROM portraits"), 5);
    assert_int_equal(q_int(f, "SELECT count(*) FROM portrait_members"), 6);
}

static void portrait_url_keys_ignore_spelling(void **state)
{
    static const char *const same[] = {"http://Market.test/u/x", "https://www.market.test/u/x/",
                                       "https://market.test:443/u/x#me",
                                       "http://u:p@market.test:80/u/x"};
    char want[256], got[256];
    (void)state;

    rm_portrait_url_key(same[0], want, sizeof(want));
    assert_string_equal(want, "market.test/u/x");
    for (size_t i = 1; i < RM_ARRAY_LEN(same); i++) {
        rm_portrait_url_key(same[i], got, sizeof(got));
        assert_string_equal(got, want);
    }
    rm_portrait_url_key("http://market.test:8080/u/x", got, sizeof(got));
    assert_string_equal(got, "market.test:8080/u/x");
    rm_portrait_url_key("http://market.test/u/X?a=1", got, sizeof(got));
    assert_string_equal(got, "market.test/u/X?a=1");
    rm_portrait_url_key("not a url", got, sizeof(got));
    assert_string_equal(got, "");
}

static void interests_match_inflected_and_multiword(void **state)
{
    fx *f = *state;
    size_t hits[8];
    const char *text = "Зимней рыбалкой, настольными играми и #yoga";
    size_t n = rm_interests_match(f->tx, text, strlen(text), f->a, hits, 8);

    assert_int_equal(n, 3);
    assert_string_equal(rm_interests_id(f->tx, hits[0]), "fishing");
    assert_string_equal(rm_interests_id(f->tx, hits[1]), "games");
    assert_string_equal(rm_interests_id(f->tx, hits[2]), "yoga");
    assert_int_equal(rm_interests_match(f->tx, "Same Name", 9, f->a, hits, 8), 0);
}

static void interests_bad_yaml_names_line_and_field(void **state)
{
    static const char y[] = "fishing:\n  en: [fishing]\nBad Id:\n  en: [x]\nrunning:\n"
                            "  en: [fishing]\n  fr: [course]\n";
    rm_interests *t = NULL;
    rm_diag d;
    (void)state;

    rm_diag_init(&d);
    assert_int_equal(rm_interests_load("i.yaml", y, sizeof(y) - 1, &d, &t), RM_ECONFIG);
    assert_null(t);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[1].line, 6);
    assert_string_equal(d.items[1].field, "running.en");
    assert_non_null(strstr(d.items[1].msg, "is already in interest fishing"));
    assert_string_equal(d.items[2].field, "running.fr");
    rm_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(portrait_links_only_on_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(portrait_incremental_matches_full, setup, teardown),
        cmocka_unit_test_setup_teardown(portrait_rebuild_undoes_a_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(portrait_dirty_triggers_hold_under_any_conflict_policy,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(portrait_dirty_survives_repeated_upserts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(portrait_contents_and_tags_with_evidence, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(forget_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(forget_leaves_no_trace_after_vacuum, setup, teardown),
        cmocka_unit_test_setup_teardown(forget_spares_longer_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(forget_expires_pages_and_stale_profiles, setup,
                                        teardown),
        cmocka_unit_test(portrait_url_keys_ignore_spelling),
        cmocka_unit_test_setup_teardown(interests_match_inflected_and_multiword, setup,
                                        teardown),
        cmocka_unit_test(interests_bad_yaml_names_line_and_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
