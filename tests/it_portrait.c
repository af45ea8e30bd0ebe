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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(portraits_match_truth_people, setup, teardown),
        cmocka_unit_test_setup_teardown(portraits_recrawl_and_export, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
