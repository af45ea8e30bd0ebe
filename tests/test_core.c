/* Small core pieces: diagnostics, time, hashing, records. */
#include "core/rm.h"
#include "core/clock.h"
#include "core/hash.h"
#include "extractors/record.h"
#include "tests/helpers/testutil.h"

static void core_diag_names_file_line_field(void **state)
{
    rm_diag d;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    (void)state;
    rm_diag_init(&d);
    rm_diag_add(&d, "jobs.yaml", 14, "jobs.demo.rate", "expected \"N/s\", got %s", "fast");
    rm_diag_add(&d, NULL, 0, NULL, "plain");
    rm_diag_print(&d, f);
    fclose(f);
    assert_string_equal(out, "jobs.yaml:14: jobs.demo.rate: expected \"N/s\", got fast\nplain\n");
    free(out);
    rm_diag_release(&d);
}

static void core_iso_times_round_trip(void **state)
{
    time_t t;
    char s[32];
    (void)state;
    assert_int_equal(rm_time_parse_iso("2024-03-12", &t), 0);
    rm_time_iso(t, s);
    assert_string_equal(s, "2024-03-12T00:00:00Z");
    assert_int_equal(rm_time_parse_iso("2024-03-12T10:00:00+03:00", &t), 0);
    rm_time_iso(t, s);
    assert_string_equal(s, "2024-03-12T07:00:00Z");
    assert_int_equal(rm_time_parse_iso("2024-02-30x", &t), -1);
    assert_int_equal(rm_time_parse_iso("yesterday", &t), -1);
    assert_int_equal(rm_time_parse_iso("2024-13-01", &t), -1);
}

static void core_hash_is_stable(void **state)
{
    char hex[17];
    (void)state;
    /* FNV-1a 64 reference values: the hash is stored, so it must never change. */
    assert_true(rm_hash64("", 0) == 0xcbf29ce484222325ULL);
    assert_true(rm_hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
    rm_hash64_hex(rm_hash64("foobar", 6), hex);
    assert_string_equal(hex, "85944171f73967e8");
    assert_true(rm_hash64_add(rm_hash64("foo", 3), "bar", 3) == rm_hash64("foobar", 6));
}

/* The word-at-a-time hash is stored too (page content hashes): pinned values, every byte of
 * the tail counts, and its low bits spread URLs that differ in one digit over a table. */
static void core_fast_hash_is_stable_and_spreads(void **state)
{
    enum { N = 4096, BUCKETS = 256 };
    int count[BUCKETS] = {0}, max = 0;
    char url[64];
    (void)state;
    assert_true(rm_hash64_fast("", 0) == 0x9ca066f1a4ab2eeaULL);
    assert_true(rm_hash64_fast("a", 1) == 0x55831c136c16b407ULL);
    assert_true(rm_hash64_fast("foobar", 6) == 0x262f9016e8cb737dULL);
    assert_true(rm_hash64_fast("http://shop.test/p/1-kettle", 27) == 0xfb87e2714837ed0aULL);
    assert_true(rm_hash64_fast("a", 1) != rm_hash64_fast("a\0", 2));
    assert_true(rm_hash64_fast("abcdefgh1", 9) != rm_hash64_fast("abcdefgh2", 9));
    for (int i = 0; i < N; i++) {
        int n = snprintf(url, sizeof(url), "http://shop.test/p/%d", i);
        count[rm_hash64_fast(url, (size_t)n) % BUCKETS]++;
    }
    for (int b = 0; b < BUCKETS; b++)
        max = count[b] > max ? count[b] : max;
    assert_true(max < 2 * N / BUCKETS); /* 16 expected per bucket; a weak mix piles up */
}

static void core_record_json_keeps_contract_order(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    rm_recs r;
    rm_rec *rec;
    json_t *j;
    char *s;
    (void)state;
    rm_recs_init(&r, a);
    rec = rm_recs_add(&r, RM_REC_PRODUCT);
    rec->u.product.url = rm_recs_str(&r, "http://x/p/1");
    rec->u.product.schema_type = "Product";
    rec->u.product.name = "Чайник";
    rec->u.product.price = 1299;
    rec->u.product.currency = "RUB";
    rec->u.product.review_count = 87;
    j = rm_rec_to_json(&r.v[0]);
    s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(j);
    assert_string_equal(s, "{\"type\":\"product\",\"schema_type\":\"Product\",\"url\":\"http://x/p/1\","
                           "\"name\":\"Чайник\",\"price\":1299.0,\"currency\":\"RUB\","
                           "\"review_count\":87}");
    free(s);
    rm_recs_release(&r);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_diag_names_file_line_field),
        cmocka_unit_test(core_iso_times_round_trip),
        cmocka_unit_test(core_hash_is_stable),
        cmocka_unit_test(core_fast_hash_is_stable_and_spreads),
        cmocka_unit_test(core_record_json_keeps_contract_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
