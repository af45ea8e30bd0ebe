/* Zero-config extraction and configs/sites/market-fixture.yaml against the fixture
 * marketplace's truth: on a sample of product, review, reviewer and social pages fetched from
 * build/rm-market, each gives exactly the truth's records (every field equal, none missing,
 * none extra), in process and through `revmine extract`. */
#include "core/rm.h"

#include <time.h>

#include "core/arena.h"
#include "extractors/extract.h"
#include "tests/helpers/market.h"

/* Every third product, reviewer and social profile of the catalogue. */
#define SAMPLE_EVERY 3
#define PRODUCT_PAGE_REVIEWS 5
#define REVIEWS_PER_PAGE 10

enum { ZERO, RULES, N_MODES };
static const char *const mode_names[N_MODES] = {"zero-config", "market-fixture rules"};

typedef struct fx {
    char *dir;
    rm_market m;
    rm_extractor *ex[N_MODES];
    json_t *products;  /* truth products by URL */
    json_t *reviews;   /* truth reviews by id, reference fields removed */
    json_t *profiles;  /* truth profiles by URL */
    json_t *n_reviews; /* review count by product URL */
} fx;

static void index_truth(fx *f)
{
    json_t *t = f->m.truth, *v;
    size_t i;

    f->products = json_object();
    f->reviews = json_object();
    f->profiles = json_object();
    f->n_reviews = json_object();
    json_array_foreach(json_object_get(t, "products"), i, v)
        json_object_set(f->products, json_string_value(json_object_get(v, "url")), v);
    json_array_foreach(json_object_get(t, "profiles"), i, v)
        json_object_set(f->profiles, json_string_value(json_object_get(v, "url")), v);
    json_array_foreach(json_object_get(t, "reviews"), i, v) {
        json_t *r = json_deep_copy(v);
        const char *prod = json_string_value(json_object_get(v, "product"));
        json_int_t n = json_integer_value(json_object_get(f->n_reviews, prod));
        /* Kept in the truth for reference only: what the text is, not what the page says. */
        json_object_del(r, "lang");
        json_object_del(r, "polarity");
        json_object_del(r, "aspects");
        json_object_set_new(f->reviews, json_string_value(json_object_get(v, "id")), r);
        json_object_set_new(f->n_reviews, prod, json_integer(n + 1));
    }
}

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    const char *args[] = {"--products", "30", NULL};
    const char *rules[] = {"market-fixture"};
    rm_diag d;

    f->dir = rm_test_tmpdir();
    rm_market_start(&f->m, f->dir, args);
    rm_diag_init(&d);
    if (rm_extractor_new(NULL, 0, &d, &f->ex[ZERO]) ||
        rm_extractor_new(rules, 1, &d, &f->ex[RULES])) {
        rm_diag_print(&d, stderr);
        return -1;
    }
    rm_diag_release(&d);
    index_truth(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_market_stop(&f->m);
    for (int i = 0; i < N_MODES; i++)
        rm_extractor_free(f->ex[i]);
    json_decref(f->products);
    json_decref(f->reviews);
    json_decref(f->profiles);
    json_decref(f->n_reviews);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* A fetched page's records (links left out) as a JSON array, each without "type" and, for
 * reviews, without the page URL the truth does not hold. */
static json_t *records(fx *f, int mode, const char *url, const char *body, size_t len,
                       json_t **types)
{
    rm_arena *scratch = rm_arena_new(1 << 16), *out = rm_arena_new(1 << 16);
    rm_page page = {url, "text/html; charset=utf-8", body, len, time(NULL)};
    json_t *arr = json_array();
    rm_recs recs;

    *types = json_array();
    rm_recs_init(&recs, out);
    assert_int_equal(rm_extract(f->ex[mode], &page, scratch, &recs), RM_OK);
    for (size_t i = 0; i < recs.n; i++) {
        json_t *j;
        if (recs.v[i].type == RM_REC_LINK)
            continue;
        j = rm_rec_to_json(&recs.v[i]);
        json_array_append(*types, json_object_get(j, "type"));
        if (recs.v[i].type == RM_REC_REVIEW)
            json_object_del(j, "url");
        json_object_del(j, "type");
        json_array_append_new(arr, j);
    }
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out);
    return arr;
}

static void expect_equal(int mode, const char *url, json_t *got, json_t *want)
{
    char *g, *w;

    if (want && json_equal(got, want))
        return;
    g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
    w = want ? json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS) : strdup("(not in the truth)");
    fail_msg("%s, %s:\n got  %s\n want %s", mode_names[mode], url, g, w);
}

/* A record that can only say part of its item (the product named on a review page): every
 * field it has is the truth's. */
static void expect_part_of(int mode, const char *url, json_t *got, json_t *want)
{
    const char *k;
    json_t *v;

    assert_non_null(want);
    json_object_foreach(got, k, v)
        if (!json_equal(v, json_object_get(want, k)))
            expect_equal(mode, url, got, want);
}

static char *fetch(const char *url, size_t *len)
{
    char *body = rm_market_fetch(url, len);
    if (!body)
        fail_msg("cannot fetch %s", url);
    return body;
}

static const char *type_at(json_t *types, size_t i)
{
    return json_string_value(json_array_get(types, i));
}

/* A review must be the truth's, of product, and new in seen. */
static void check_review(fx *f, int mode, const char *url, json_t *r, const char *product,
                         json_t *seen)
{
    const char *id = json_string_value(json_object_get(r, "id"));

    if (!id || json_object_get(seen, id))
        fail_msg("%s, %s: review id %s missing or repeated", mode_names[mode], url, id);
    json_object_set_new(seen, id, json_true());
    expect_equal(mode, url, r, json_object_get(f->reviews, id));
    assert_string_equal(json_string_value(json_object_get(r, "product")), product);
}

static json_int_t reviews_of(fx *f, const char *product)
{
    return json_integer_value(json_object_get(f->n_reviews, product));
}

/* The product page: the product itself and its newest reviews, nothing else. */
static void check_product_page(fx *f, int mode, const char *url)
{
    size_t len, i, n_prod = 0;
    char *body = fetch(url, &len);
    json_t *types, *recs = records(f, mode, url, body, len, &types), *seen = json_object(), *r;

    json_array_foreach(recs, i, r) {
        if (!strcmp(type_at(types, i), "product")) {
            expect_equal(mode, url, r, json_object_get(f->products, url));
            n_prod++;
        } else if (!strcmp(type_at(types, i), "review")) {
            check_review(f, mode, url, r, url, seen);
        } else {
            fail_msg("%s, %s: a %s record", mode_names[mode], url, type_at(types, i));
        }
    }
    assert_int_equal(n_prod, 1);
    assert_int_equal(json_object_size(seen), RM_MIN(reviews_of(f, url), PRODUCT_PAGE_REVIEWS));
    json_decref(seen), json_decref(types), json_decref(recs);
    free(body);
}

/* All review pages of a product: every review of the product exactly once. */
static void check_review_pages(fx *f, int mode, const char *product)
{
    json_int_t n = reviews_of(f, product);
    long id = strtol(strstr(product, "/p/") + 3, NULL, 10);
    json_t *seen = json_object();

    for (long k = 1; k == 1 || (k - 1) * REVIEWS_PER_PAGE < n; k++) {
        char url[512];
        size_t len, i, before = json_object_size(seen);
        char *body;
        json_t *types, *recs, *r;
        snprintf(url, sizeof(url), "%s/p/%ld/reviews?page=%ld", f->m.market, id, k);
        body = fetch(url, &len);
        recs = records(f, mode, url, body, len, &types);
        json_array_foreach(recs, i, r) {
            if (!strcmp(type_at(types, i), "review"))
                check_review(f, mode, url, r, product, seen);
            else if (!strcmp(type_at(types, i), "product"))
                expect_part_of(mode, url, r, json_object_get(f->products, product));
            else
                fail_msg("%s, %s: a %s record", mode_names[mode], url, type_at(types, i));
        }
        assert_int_equal(json_object_size(seen) - before,
                         RM_MIN(n - (k - 1) * REVIEWS_PER_PAGE, REVIEWS_PER_PAGE));
        json_decref(types), json_decref(recs);
        free(body);
    }
    assert_int_equal(json_object_size(seen), n);
    json_decref(seen);
}

/* A reviewer or social page: the person's profile and nothing else. */
static void check_profile_page(fx *f, int mode, const char *url)
{
    size_t len;
    char *body = fetch(url, &len);
    json_t *types, *recs = records(f, mode, url, body, len, &types);

    assert_int_equal(json_array_size(recs), 1);
    assert_string_equal(type_at(types, 0), "profile");
    expect_equal(mode, url, json_array_get(recs, 0), json_object_get(f->profiles, url));
    json_decref(types), json_decref(recs);
    free(body);
}

static void extract_products_and_reviews_match_truth(void **state)
{
    fx *f = *state;
    json_t *p;
    size_t i, pages = 0;

    json_array_foreach(json_object_get(f->m.truth, "products"), i, p) {
        const char *url = json_string_value(json_object_get(p, "url"));
        if (i % SAMPLE_EVERY)
            continue;
        for (int mode = 0; mode < N_MODES; mode++) {
            check_product_page(f, mode, url);
            check_review_pages(f, mode, url);
        }
        pages++;
    }
    assert_true(pages >= 10);
}

static void extract_profiles_match_truth(void **state)
{
    fx *f = *state;
    json_t *p;
    size_t i, market = 0, social = 0;

    json_array_foreach(json_object_get(f->m.truth, "profiles"), i, p) {
        const char *platform = json_string_value(json_object_get(p, "platform"));
        if (i % SAMPLE_EVERY)
            continue;
        for (int mode = 0; mode < N_MODES; mode++)
            check_profile_page(f, mode, json_string_value(json_object_get(p, "url")));
        market += !strcmp(platform, "market");
        social += !strcmp(platform, "social");
    }
    assert_true(market >= 10 && social >= 10);
}

/* The lines revmine extract prints for a page, links left out, parsed. */
static json_t *command_records(fx *f, int mode, const char *url, const char *body, size_t len)
{
    char bin[FIXTURE_PATH_MAX], *page = rm_test_write(f->dir, "page.html", body, len);
    char *argv[] = {bin, "extract", "--url", (char *)url, page, NULL, NULL, NULL};
    char *out = NULL, *err = NULL;
    json_t *arr = json_array();

    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    if (mode == RULES) {
        argv[4] = "--rules", argv[5] = "market-fixture", argv[6] = page;
    }
    assert_int_equal(rm_test_run(argv, NULL, &out, &err, 10000), 0);
    for (char *line = out, *end; *line; line = end + 1) {
        json_error_t e;
        json_t *j;
        end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        j = json_loads(line, 0, &e);
        assert_non_null(j);
        if (strcmp(json_string_value(json_object_get(j, "type")), "link")) {
            if (!strcmp(json_string_value(json_object_get(j, "type")), "review"))
                json_object_del(j, "url");
            json_object_del(j, "type");
            json_array_append(arr, j);
        }
        json_decref(j);
    }
    free(out), free(err), free(page);
    return arr;
}

/* The command prints what rm_extract() gives, page type by page type. */
static void extract_command_gives_the_same(void **state)
{
    fx *f = *state;
    json_t *truth = f->m.truth;
    const char *product = json_string_value(
        json_object_get(json_array_get(json_object_get(truth, "products"), 0), "url"));
    char urls[4][512] = {""};
    json_t *p;
    size_t i;

    /* A product page, its first review page, a reviewer page and a social page. */
    snprintf(urls[0], sizeof(urls[0]), "%s", product);
    snprintf(urls[1], sizeof(urls[1]), "%s/p/%ld/reviews?page=1", f->m.market,
             strtol(strstr(product, "/p/") + 3, NULL, 10));
    json_array_foreach(json_object_get(truth, "profiles"), i, p) {
        char *slot = urls[strcmp(json_string_value(json_object_get(p, "platform")), "market")
                              ? 3 : 2];
        if (!slot[0])
            snprintf(slot, sizeof(urls[0]), "%s", json_string_value(json_object_get(p, "url")));
    }
    for (i = 0; i < RM_ARRAY_LEN(urls); i++) {
        size_t len;
        char *body = fetch(urls[i], &len);
        for (int mode = 0; mode < N_MODES; mode++) {
            json_t *types, *want = records(f, mode, urls[i], body, len, &types);
            json_t *got = command_records(f, mode, urls[i], body, len);
            assert_true(json_array_size(want) > 0);
            expect_equal(mode, urls[i], got, want);
            json_decref(types), json_decref(want), json_decref(got);
        }
        free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extract_products_and_reviews_match_truth),
        cmocka_unit_test(extract_profiles_match_truth),
        cmocka_unit_test(extract_command_gives_the_same),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
