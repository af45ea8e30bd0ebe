/* Faults: the fixture marketplace misbehaves in every way it can; every good record is still
 * stored and every failure is counted with the right reason. */
#include "core/rm.h"
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

static int64_t stat_of(json_t *res, const char *key)
{
    json_t *st = json_object_get(res, "stats");
    json_t *v = json_object_get(st, key);
    if (!v)
        v = json_object_get(json_object_get(st, "errors_by_kind"), key);
    return json_integer_value(v);
}

static int64_t market_faults(const rm_market *m, const char *kind)
{
    char *s = rm_market_get(m, "/_control/stats");
    json_t *o = json_loads(s, 0, NULL);
    int64_t n = json_integer_value(json_object_get(json_object_get(o, "faults"), kind));
    json_decref(o);
    free(s);
    return n;
}

/* Transient faults (each path misbehaves a few times, then answers): a crawler that retries
 * with backoff and honours Retry-After stores every record. */
static void faults_transient_lose_nothing(void **state)
{
    fx *f = *state;
    const char *args[] = {
        "--products", "40", "--seed", "21",
        "--fault", "/p/*-*=429,retry_after=1,times=1,p=0.15",
        "--fault", "/p/*/reviews?page=1=503,times=2",
        "--fault", "/p/*/reviews?page=2=reset,times=1",
        "--fault", "/p/*/reviews?page=3=truncate,times=1",
        "--fault", "/u/*=500,times=1,p=0.5",
        "--fault", "/c/*=drip,bytes_per_sec=40000",
        "--fault", "/@*=delay,ms=30,p=0.3",
        "--fault", "/people*=bad_utf8",
        "--fault", "*=bad_utf8",
        "--fault", "*=gzip",
        NULL};
    json_t *res;

    rm_market_start(&f->m, f->dir, args);
    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    rm_expect_truth(f->db, f->m.truth);
    assert_int_equal(stat_of(res, "errors"), 0);
    /* Every error status the server dealt was met by a retry. A reset may be retried by
     * libcurl itself (a reused keep-alive connection that died), so resets count at most. */
    int64_t statuses = market_faults(&f->m, "429") + market_faults(&f->m, "503") +
                       market_faults(&f->m, "500") + market_faults(&f->m, "truncate");
    fprintf(stderr, "retries %lld, status faults %lld, resets %lld\n",
            (long long)stat_of(res, "retries"), (long long)statuses,
            (long long)market_faults(&f->m, "reset"));
    assert_true(stat_of(res, "retries") >= statuses);
    assert_true(stat_of(res, "retries") <= statuses + market_faults(&f->m, "reset"));
    assert_true(market_faults(&f->m, "reset") > 0 && market_faults(&f->m, "truncate") > 0);
    assert_true(market_faults(&f->m, "gzip") > 0 && market_faults(&f->m, "drip") > 0);
    assert_true(market_faults(&f->m, "bad_utf8") > 0);
    json_decref(res);
}

static const char *frontier_error(const char *db, const char *like)
{
    static char sql[512];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM frontier WHERE state = 2 AND url LIKE '%s'",
             like);
    return sql;
}

/* Permanent faults end in a failed state with the reason; the rest of the site is stored. */
static void faults_permanent_are_counted_with_reasons(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "30", "--seed", "22",
                          "--fault", "/p/3/reviews?page=1=redirect_loop",
                          "--fault", "/p/5-*=huge,mb=24",
                          "--fault", "/p/7/reviews?page=1=500",
                          "--fault", "/p/9/reviews?page=1=reset",
                          NULL};
    json_t *res;

    rm_market_start(&f->m, f->dir, args);
    res = rm_crawl_demo(f->db, NULL);
    assert_string_equal(json_string_value(json_object_get(res, "outcome")), "done");
    assert_int_equal(stat_of(res, "redirect_loop"), 1);
    assert_int_equal(stat_of(res, "too_big"), 1);
    assert_int_equal(stat_of(res, "http"), 1);
    assert_int_equal(stat_of(res, "reset"), 1);
    assert_int_equal(stat_of(res, "errors"), 4);
    assert_int_equal(rm_db_int(f->db, frontier_error(f->db, "%/p/3/reviews?page=1")), 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 2 AND "
                                      "last_error LIKE 'too many redirects%'"), 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 2 AND "
                                      "last_error LIKE 'body larger than%'"), 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 2 AND "
                                      "last_error = 'http 500 (after 5 attempts)'"), 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 2 AND "
                                      "last_error LIKE '%after 5 attempts)' AND url LIKE "
                                      "'%/p/9/reviews?page=1'"), 1);
    /* every URL ends in a known state */
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 0"), 0);
    /* everything else is there: every product but the one whose page was too big */
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM products WHERE url NOT LIKE "
                                      "'%/p/5-%'"),
                     (int64_t)json_array_size(json_object_get(f->m.truth, "products")) - 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM runs WHERE errors = 4"), 1);
    json_decref(res);
}

/* A job that keeps the default address policy refuses the loopback marketplace. */
static void faults_private_addresses_refused_by_default(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "5", NULL};
    char path[FIXTURE_PATH_MAX], bin[FIXTURE_PATH_MAX], *out = NULL, *err = NULL;
    char yaml[1024];
    int n;

    rm_market_start(&f->m, f->dir, args);
    n = snprintf(yaml, sizeof(yaml), "jobs:\n  - name: public\n    seeds: [%s/]\n", f->m.market);
    char *cfg = rm_test_write(f->dir, "public.yaml", yaml, (size_t)n);
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    snprintf(path, sizeof(path), "%s", cfg);
    char *argv[] = {bin, "crawl", path, "--db", f->db, "--quiet", "--json", NULL};
    assert_int_equal(rm_test_run(argv, NULL, &out, &err, 60000), 0);
    assert_non_null(strstr(out, "\"address_refused\":"));
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 4 AND "
                                 "last_error LIKE 'address not allowed%'") >= 1);
    assert_int_equal(rm_db_int(f->db, "SELECT count(*) FROM frontier WHERE state = 1"), 0);
    free(out), free(err), free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(faults_transient_lose_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(faults_permanent_are_counted_with_reasons, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(faults_private_addresses_refused_by_default, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
