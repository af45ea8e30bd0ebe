/* Portraits end to end: a crawl of the fixture marketplace and its social site builds one
 * portrait per ground-truth person, never mixing two people, with tags that show evidence. */
#include "core/rm.h"

#include <sqlite3.h>

#include "tests/helpers/crawlrun.h"

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

/* The portrait of a profile URL, or 0. */
static int64_t portrait_of(sqlite3 *h, const char *url)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT m.portrait_id FROM portrait_members m JOIN "
                                           "profiles p ON p.id = m.profile_id WHERE p.url = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

/* Every truth person with linked accounts is exactly one portrait holding exactly them. */
static size_t check_people(sqlite3 *h, json_t *people)
{
    size_t i, linked = 0;
    json_t *who;
    char sql[128];

    json_array_foreach(people, i, who) {
        json_t *urls = json_object_get(who, "profiles");
        int64_t id = portrait_of(h, json_string_value(json_array_get(urls, 0)));
        size_t k;
        json_t *u;
        if (json_array_size(urls) < 2)
            continue;
        linked++;
        if (!id)
            fail_msg("%s has no portrait", json_string_value(json_object_get(who, "id")));
        json_array_foreach(urls, k, u)
            if (portrait_of(h, json_string_value(u)) != id)
                fail_msg("%s: %s is in another portrait",
                         json_string_value(json_object_get(who, "id")), json_string_value(u));
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM portrait_members WHERE portrait_id = %lld",
                 (long long)id);
        {
            sqlite3_stmt *st;
            assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int64(st, 0), json_array_size(urls));
            sqlite3_finalize(st);
        }
    }
    return linked;
}

/* No portrait holds the profiles of two different people. */
static void check_no_mixing(sqlite3 *h, json_t *people)
{
    sqlite3_stmt *st;
    json_t *owner = json_object();
    size_t i;
    json_t *who;

    json_array_foreach(people, i, who) {
        size_t k;
        json_t *u;
        json_array_foreach(json_object_get(who, "profiles"), k, u)
            json_object_set(owner, json_string_value(u), json_object_get(who, "id"));
    }
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT m.portrait_id, p.url FROM portrait_members m "
                                           "JOIN profiles p ON p.id = m.profile_id "
                                           "ORDER BY m.portrait_id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    {
        int64_t prev = -1;
        const char *prev_owner = NULL;
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t pid = sqlite3_column_int64(st, 0);
            const char *url = (const char *)sqlite3_column_text(st, 1);
            const char *o = json_string_value(json_object_get(owner, url));
            assert_non_null(o);
            if (pid == prev && strcmp(o, prev_owner) != 0)
                fail_msg("portrait %lld holds %s and %s", (long long)pid, prev_owner, o);
            prev = pid;
            prev_owner = o;
        }
    }
    sqlite3_finalize(st);
    json_decref(owner);
}

static void portraits_match_truth_people(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "150", "--seed", "7", NULL};
    json_t *people;
    sqlite3 *h;
    size_t linked;

    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    people = json_object_get(f->m.truth, "people");
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    linked = check_people(h, people);
    assert_true(linked >= 50);
    check_no_mixing(h, people);
    sqlite3_close(h);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM portraits"), json_array_size(people));
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM portrait_dirty"), 0);
    /* Tags carry evidence; people have interests, attitudes and segments. */
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM portrait_tags WHERE evidence = ''"),
                     0);
    assert_true(rm_db_int(f->db, "SELECT count(DISTINCT portrait_id) FROM portrait_tags "
                                 "WHERE tag LIKE 'interest:%'") >= (int64_t)linked);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM portrait_tags WHERE tag LIKE "
                                 "'attitude:%'") > 0);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM portrait_tags WHERE tag LIKE "
                                 "'detractor:%'") > 0);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM portrait_tags WHERE tag = "
                                 "'segment:frequent'") > 0);
}

/* Everything a portrait says, in key order (built_at excepted), as one string (free). */
static char *snapshot(const char *db)
{
    static const char sql[] =
        "SELECT group_concat(x, char(10)) FROM (SELECT key || ',' || profiles || ',' || reviews "
        "|| ',' || COALESCE(cadence_days, '') || ',' || COALESCE(round(price_level, 9), '') "
        "|| ',' || COALESCE(round(attitude, 9), '') || ',' || COALESCE(stance, '') || ',' || "
        "COALESCE(segments, '') || ',' || COALESCE(interests, '') || ',' || "
        "COALESCE(aspects, '') || ',' || COALESCE((SELECT group_concat(tag || '=' || evidence, "
        "';') FROM (SELECT tag, evidence FROM portrait_tags t WHERE t.portrait_id = po.id "
        "ORDER BY tag)), '') AS x FROM portraits po ORDER BY key)";
    sqlite3 *h;
    sqlite3_stmt *st;
    char *out = NULL;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = rm_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    assert_non_null(out);
    return out;
}

/* Fails with the first line where a and b differ. */
static void expect_same_lines(const char *a, const char *b)
{
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0)
            fail_msg("incremental: %.*s\nrebuilt:     %.*s", (int)la, a, (int)lb, b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
}

static void revmine(char **argv, char **out)
{
    char bin[FIXTURE_PATH_MAX], *err = NULL;
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    argv[0] = bin;
    if (rm_test_run(argv, NULL, out, &err, 20000) != 0)
        fail_msg("revmine %s failed: %s", argv[1], err ? err : "");
    free(err);
}

/* New reviews and price changes (epoch 4): the crawl's incremental update gives exactly what a
 * full rebuild gives. */
static void portraits_incremental_after_changes_equals_rebuild(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "80", "--seed", "9", NULL};
    char *argv[] = {NULL, "portrait", "--db", f->db, "--rebuild", NULL};
    char *inc, *full, *out = NULL, *ok;

    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    ok = rm_market_get(&f->m, "/_control/epoch?set=4");
    assert_non_null(ok);
    free(ok);
    json_decref(rm_crawl_demo(f->db, NULL));
    assert_true(rm_db_int(f->db, "SELECT new_reviews FROM runs ORDER BY id DESC LIMIT 1") > 0);
    assert_true(rm_db_int(f->db, "SELECT price_changes FROM runs ORDER BY id DESC LIMIT 1") > 0);
    inc = snapshot(f->db);
    revmine(argv, &out);
    full = snapshot(f->db);
    expect_same_lines(inc, full);
    free(inc);
    free(full);
    free(out);
}

/* A second crawl with nothing new changes no portrait; exports hide identities. */
static void portraits_recrawl_and_export(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "60", "--seed", "3", NULL};
    char *argv[] = {NULL, "export", "portraits", "--db", f->db, "--format", "csv", NULL};
    char bin[FIXTURE_PATH_MAX], *out = NULL, *err = NULL;
    int64_t n, sum;
    const char *social;

    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    n = rm_db_int(f->db, "SELECT count(*) FROM portraits");
    sum = rm_db_int(f->db, "SELECT sum(id * 7 + profiles + reviews) FROM portraits");
    json_decref(rm_crawl_demo(f->db, NULL));
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM portraits"), n);
    assert_int_equal(rm_db_int(f->db, "SELECT sum(id * 7 + profiles + reviews) FROM portraits"),
                     sum);
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    argv[0] = bin;
    assert_int_equal(rm_test_run(argv, NULL, &out, &err, 20000), 0);
    social = f->m.social;
    assert_null(strstr(out, social)); /* no profile URL without --raw-identities */
    assert_non_null(strstr(out, "portrait_id,profiles,profile_ids,"));
    {
        int64_t lines = 0;
        for (const char *p = out; *p; p++)
            lines += *p == '\n';
        assert_int_equal(lines, n + 1);
    }
    free(out);
    free(err);
}

/* Retention (store.keep_pages, store.keep_profiles): after a run, cached bodies and profiles
 * older than the job allows are erased; reviews stay. */
static void retention_expires_old_pages_and_profiles(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "40", "--seed", "4", NULL};
    char path[FIXTURE_PATH_MAX], *demo, *cfg, *out = NULL;
    const char *at;
    int64_t reviews, profiles, pages;

    rm_market_start(&f->m, f->dir, args);
    snprintf(path, sizeof(path), "%s/configs/demo.yaml", rm_test_root());
    demo = rm_test_read_file(path, NULL);
    assert_non_null(demo);
    at = strstr(demo, "\ndefaults:\n");
    assert_non_null(at);
    {
        size_t head = (size_t)(at - demo) + strlen("\ndefaults:\n");
        rm_buf b;
        rm_buf_init(&b, 1 << 20);
        assert_int_equal(rm_buf_addf(&b, "%.*s  store:\n    cache_pages: true\n"
                                         "    keep_pages: 2d\n    keep_profiles: 36h\n%s",
                                     (int)head, demo, demo + head), RM_OK);
        cfg = rm_test_write(f->dir, "retention.yaml", b.ptr, b.len);
        rm_buf_release(&b);
    }
    {
        char *argv[] = {NULL, "crawl", cfg, "--db", f->db, "--quiet", NULL};
        revmine(argv, &out);
        free(out);
    }
    reviews = rm_db_int(f->db, "SELECT count(*) FROM reviews");
    profiles = rm_db_int(f->db, "SELECT count(*) FROM profiles");
    pages = rm_db_int(f->db, "SELECT count(*) FROM pages");
    assert_true(profiles > 10 && pages > 10);
    /* Nothing is old yet: the first run's retention kept every profile the site has. */
    assert_int_equal(profiles, json_array_size(json_object_get(f->m.truth, "profiles")));
    /* Age about half the cache and a quarter of the profiles by 3 days: past both limits
     * (keep_profiles 36h counts as 2 whole days). */
    {
        sqlite3 *h;
        assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
        assert_int_equal(sqlite3_exec(h,
                         "UPDATE pages SET fetched_at = fetched_at - 3 * 86400 WHERE length(url) % 2 = 0;"
                         "UPDATE profiles SET last_seen = last_seen - 3 * 86400 WHERE id % 4 = 0;",
                         NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(h);
    }
    pages = rm_db_int(f->db, "SELECT count(*) FROM pages WHERE fetched_at > strftime('%s','now') - 2 * 86400");
    profiles = rm_db_int(f->db, "SELECT count(*) FROM profiles WHERE id % 4 <> 0");
    {
        /* one page: the run ends at once, its retention does the work */
        char *argv[] = {NULL, "crawl", cfg, "--db", f->db, "--quiet", "--max-pages", "1", NULL};
        revmine(argv, &out);
        free(out);
    }
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM pages WHERE fetched_at <= "
                                      "strftime('%s','now') - 2 * 86400"), 0);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM pages") >= pages);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM profiles WHERE id % 4 = 0"), 0);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM profiles"), profiles);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM reviews"), reviews);
    free(cfg);
    free(demo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(portraits_match_truth_people, setup, teardown),
        cmocka_unit_test_setup_teardown(portraits_recrawl_and_export, setup, teardown),
        cmocka_unit_test_setup_teardown(retention_expires_old_pages_and_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(portraits_incremental_after_changes_equals_rebuild,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
