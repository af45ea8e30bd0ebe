/* Site rule files: loading errors with file:line and field, the built-in examples, and rules
 * applied to pages (CSS, XPath, regex, JSONPath, post-processing, structured data off). */
#include "core/rm.h"

#include "core/arena.h"
#include "core/embed.h"
#include "extractors/extract.h"
#include "tests/helpers/testutil.h"

static char *fixture_path(const char *rel)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    (void)rm_buf_addf(&b, "%s/tests/fixtures/extract/%s", rm_test_root(), rel);
    return rm_buf_detach(&b, NULL);
}

/* Loads one rule file and returns the diagnostics, with the directory part of file names
 * dropped so the text does not depend on where the tree is. */
static char *load_errors(const char *rel, rm_err want)
{
    char *path = fixture_path(rel), *text = NULL, *out;
    const char *files[] = {path};
    rm_extractor *ex = NULL;
    rm_diag d;
    size_t len = 0, dir = strrchr(path, '/') - path + 1;
    FILE *f = open_memstream(&text, &len);
    rm_buf b;

    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(files, 1, &d, &ex), want);
    rm_diag_print(&d, f);
    fclose(f);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (const char *p = text; *p;) {
        if (!strncmp(p, path, dir))
            p += dir;
        (void)rm_buf_addc(&b, *p++);
    }
    out = rm_buf_detach(&b, NULL);
    free(text);
    free(path);
    rm_diag_release(&d);
    rm_extractor_free(ex);
    return out;
}

static void rules_errors_name_file_line_field(void **state)
{
    char *got = load_errors("rules/many_errors.yaml", RM_ECONFIG);
    (void)state;
    assert_string_equal(got,
        "many_errors.yaml:3: colour: unknown key (expected one of: site, match, lang, platform, pages)\n"
        "many_errors.yaml:2: match: bad regex at offset 21: missing closing parenthesis\n"
        "many_errors.yaml:7: pages.p.structured: expected true or false, got 'maybe'\n"
        "many_errors.yaml:9: pages.p.product.name: bad CSS selector: expected ']' at the end\n"
        "many_errors.yaml:10: pages.p.product.price.xpath: bad XPath selector: Invalid expression\n"
        "many_errors.yaml:10: pages.p.product.price.norm: normaliser date does not fit field price\n"
        "many_errors.yaml:11: pages.p.product.colour: unknown product field 'colour' (fields: url, "
        "schema_type, name, sku, brand, category, price, currency, rating, rating_count, "
        "review_count)\n"
        "many_errors.yaml:12: pages.p.product.rating: give one selector, not both css and xpath\n"
        "many_errors.yaml:14: pages.p.reviews: repeated records need 'each' (one record per "
        "match) and 'fields'\n"
        "many_errors.yaml:17: pages.p.links[0].rel: unknown rel 'sideways' (next, product, "
        "review, profile, other)\n"
        "many_errors.yaml:18: pages.p.links[1].jsonpath: bad JSONPath: position 3: '[' is "
        "never closed\n"
        "many_errors.yaml:18: pages.p.links[1].scale: expected a number, got 'many'\n"
        "many_errors.yaml:19: pages.p.links[2].replace: expected [pattern, replacement]\n");
    free(got);
}

static void rules_yaml_and_structure_errors(void **state)
{
    char *got;
    (void)state;
    got = load_errors("rules/yaml_syntax.yaml", RM_ECONFIG);
    assert_string_equal(got, "yaml_syntax.yaml:3: YAML: did not find expected ',' or ']' "
                             "while parsing a flow sequence\n");
    free(got);
    got = load_errors("rules/missing_keys.yaml", RM_ECONFIG);
    assert_string_equal(got, "missing_keys.yaml:1: match: missing: a regex the site's URLs match\n"
                             "missing_keys.yaml:1: pages: missing: the list of page types\n");
    free(got);
    got = load_errors("rules/unknown_option.yaml", RM_ECONFIG);
    assert_string_equal(got, "unknown_option.yaml:4: pages[0]: a page needs a type (its name)\n"
                             "unknown_option.yaml:5: pages[0].product.name.bogus: unknown key "
                             "(expected one of: css, xpath, jsonpath, regex, value, all, join, "
                             "match, replace, trim, norm, scale, worst, default, required, page, "
                             "rel)\n");
    free(got);
    got = load_errors("rules/no_such_file.yaml", RM_ECONFIG);
    assert_string_equal(got, "no_such_file.yaml: cannot read rule file: No such file or directory\n");
    free(got);
}

/* Every rule file shipped in configs/sites loads, and names itself. */
static void rules_builtin_files_load(void **state)
{
    size_t n = 0;
    (void)state;
    for (const rm_embed_file *e = rm_embed_files; e->name; e++) {
        const char *name;
        rm_extractor *ex = NULL;
        rm_diag d;
        char type[128];
        if (strncmp(e->name, "sites/", 6))
            continue;
        name = e->name + 6;
        rm_diag_init(&d);
        if (rm_extractor_new(&name, 1, &d, &ex) != RM_OK) {
            rm_diag_print(&d, stderr);
            fail_msg("built-in %s does not load", e->name);
        }
        assert_int_equal(rm_extractor_page_type(ex, "https://elsewhere.example/", type, 128), -1);
        rm_extractor_free(ex);
        rm_diag_release(&d);
        n++;
    }
    assert_true(n >= 3);
}

static char *extract_at(const char *rules, const char *url, const char *fixture, time_t now)
{
    const char *files[] = {rules};
    rm_extractor *ex = NULL;
    rm_diag d;
    rm_arena *scratch = rm_arena_new(1 << 16), *out = rm_arena_new(1 << 16);
    rm_recs recs;
    size_t len;
    char *body = rm_test_read_fixture(fixture, &len);
    rm_page page = {url, NULL, body, len, now};
    rm_buf b;

    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(files, rules ? 1 : 0, &d, &ex), RM_OK);
    rm_recs_init(&recs, out);
    assert_int_equal(rm_extract(ex, &page, scratch, &recs), RM_OK);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < recs.n; i++) {
        json_t *j = rm_rec_to_json(&recs.v[i]);
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        (void)rm_buf_addf(&b, "%s\n", s);
        free(s);
        json_decref(j);
    }
    free(body);
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out);
    rm_extractor_free(ex);
    rm_diag_release(&d);
    return rm_buf_detach(&b, NULL);
}

static char *extract_with(const char *rules, const char *url, const char *fixture)
{
    return extract_at(rules, url, fixture, 1710000000);
}

/* The lines of out that are records, not links. */
static char *records_of(const char *out)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        if (strncmp(line, "{\"type\":\"link\"", 14))
            (void)rm_buf_add(&b, line, (size_t)(end + 1 - line));
        line = end + 1;
    }
    return rm_buf_detach(&b, NULL);
}

static size_t count_of(const char *out, const char *needle)
{
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* Pages saved from build/rm-market (--products 30 --port 8700 --social-port 8701). */
static const struct {
    const char *file, *url;
} market_pages[] = {
    {"extract/market/product.html", "http://127.0.0.1:8700/p/11-balzam-dlya-gub-skinlab-s441-krasnyy"},
    {"extract/market/reviews.html", "http://127.0.0.1:8700/p/6/reviews?page=1"},
    {"extract/market/user.html", "http://127.0.0.1:8700/u/anna_m"},
    {"extract/market/social.html", "http://127.0.0.1:8701/@emma_clarke"},
};

/* The market-fixture rules read the visible HTML alone (structured: false) and find the same
 * records as zero-config reading the pages' JSON-LD, microdata, h-card and OpenGraph. */
static void rules_market_pages_match_structured_data(void **state)
{
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(market_pages); i++) {
        char *by_rules = extract_with("market-fixture", market_pages[i].url, market_pages[i].file);
        char *by_data = extract_with(NULL, market_pages[i].url, market_pages[i].file);
        char *rr = records_of(by_rules), *dr = records_of(by_data);
        if (strcmp(rr, dr))
            fail_msg("%s\nrules:\n%sstructured data:\n%s", market_pages[i].file, rr, dr);
        free(rr), free(dr), free(by_rules), free(by_data);
    }
}

static void rules_market_values(void **state)
{
    char *product = extract_with("market-fixture", market_pages[0].url, market_pages[0].file);
    char *reviews = extract_with("market-fixture", market_pages[1].url, market_pages[1].file);
    (void)state;
    /* The visible price is the AggregateOffer's lowPrice; the counts come from one line of
     * text ("23 отзывов, 37 оценок"). */
    assert_non_null(strstr(product, "{\"type\":\"product\",\"schema_type\":\"Product\",\"url\":"
                                     "\"http://127.0.0.1:8700/p/11-balzam-dlya-gub-skinlab-s441-"
                                     "krasnyy\",\"name\":\"Бальзам для губ SkinLab S441 (красный)\","
                                     "\"sku\":\"SKU-000011\",\"brand\":\"SkinLab\",\"category\":"
                                     "\"Красота\",\"price\":899.0,\"currency\":\"RUB\",\"rating\":"
                                     "4.3,\"rating_count\":37,\"review_count\":23}\n"));
    assert_int_equal(count_of(product, "{\"type\":\"review\""), 5);
    /* Rule pages emit the links their rules choose (and the links records name). */
    assert_non_null(strstr(product, "{\"type\":\"link\",\"url\":\"http://127.0.0.1:8700/p/11/"
                                    "reviews?page=1\",\"rel\":\"review\"}"));
    assert_null(strstr(product, "/cart"));
    assert_null(strstr(product, "/sitemap.xml"));
    /* Ten reviews in stars; anonymous authors have a name and no profile URL. */
    assert_int_equal(count_of(reviews, "{\"type\":\"review\""), 10);
    assert_non_null(strstr(reviews, "\"id\":\"r-000317\",\"author\":\"Тимур Яковлев\",\"author_url\":"
                                     "\"http://127.0.0.1:8700/u/timur_yakovlev\",\"rating\":4.0,"
                                     "\"date\":\"2025-06-23\""));
    assert_non_null(strstr(reviews, "\"author\":\"Покупатель Ozon\",\"rating\""));
    assert_non_null(strstr(reviews, "{\"type\":\"link\",\"url\":\"http://127.0.0.1:8700/p/6/reviews?"
                                     "page=2\",\"rel\":\"next\"}"));
    free(product);
    free(reviews);
}

static void rules_market_catalog_links(void **state)
{
    char *out = extract_with("market-fixture", "http://127.0.0.1:8700/catalog?page=1",
                             "extract/market/catalog.html");
    (void)state;
    /* Only the chosen links: 24 product cards (no ?utm_source= promo copies, no cart) and the
     * next page. */
    assert_int_equal(count_of(out, "\n"), 25);
    assert_int_equal(count_of(out, "\"rel\":\"product\"}"), 24);
    assert_non_null(strstr(out, "{\"type\":\"link\",\"url\":\"http://127.0.0.1:8700/catalog?page=2\","
                                "\"rel\":\"next\"}"));
    assert_null(strstr(out, "utm_source"));
    free(out);
}

/* "8 дней назад" counts back from the page's fetch time, not from the clock. */
static void rules_relative_dates_count_from_fetch_time(void **state)
{
    char *rules = fixture_path("rules/relative_dates.yaml");
    struct tm jul1 = {.tm_year = 125, .tm_mon = 6, .tm_mday = 1, .tm_hour = 12};
    time_t t = timegm(&jul1);
    char *a = extract_at(rules, market_pages[1].url, market_pages[1].file, t);
    char *b = extract_at(rules, market_pages[1].url, market_pages[1].file, t + 10 * 86400);
    char *ra = records_of(a);
    (void)state;
    /* Fetched on 1 July 2025, the day the page was made: the date its <time> element gives. */
    assert_string_equal(ra, "{\"type\":\"review\",\"url\":\"http://127.0.0.1:8700/p/6/reviews?page=1\","
                           "\"id\":\"r-000317\",\"date\":\"2025-06-23\"}\n");
    /* Fetched ten days later, the same text means ten days later. */
    assert_non_null(strstr(b, "\"id\":\"r-000317\",\"date\":\"2025-07-03\"}"));
    free(ra), free(a), free(b), free(rules);
}

static void rules_structured_off_and_postprocessing(void **state)
{
    char *rules = fixture_path("rules/structured_off.yaml");
    char *out = extract_with(rules, "https://shop.example/p/3", "extract/rules/structured_off.html");
    (void)state;
    /* No JSON-LD product; the rule's default name, constant currency, regex price, XPath
     * string; the review without an author is dropped; raw keeps inner spaces. */
    assert_string_equal(out,
        "{\"type\":\"product\",\"url\":\"https://shop.example/p/3\",\"name\":\"no name\","
        "\"sku\":\"SKU-9\",\"price\":12.5,\"currency\":\"EUR\"}\n"
        "{\"type\":\"review\",\"url\":\"https://shop.example/p/3\",\"product\":"
        "\"https://shop.example/p/3\",\"author\":\"Ann\",\"rating\":4.0,\"title\":\"  spaced  \","
        "\"body\":\"one / two\"}\n");
    free(out);
    free(rules);
}

/* s with every from replaced by to; free() it. */
static char *replaced(const char *s, const char *from, const char *to)
{
    rm_buf b;
    const char *hit;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    while ((hit = strstr(s, from)) != NULL) {
        (void)rm_buf_add(&b, s, (size_t)(hit - s));
        (void)rm_buf_adds(&b, to);
        s = hit + strlen(from);
    }
    (void)rm_buf_adds(&b, s);
    return rm_buf_detach(&b, NULL);
}

/* A page type whose selectors all run natively is queried on the Gumbo tree; a regex inside
 * repeated elements needs the libxml2 copy. Both read the same page into the same records. */
static void rules_gumbo_tree_and_copy_agree(void **state)
{
    char *rules = fixture_path("rules/native_and_copy.yaml");
    char *native =
        extract_with(rules, "http://127.0.0.1:8700/native/", "extract/market/reviews.html");
    char *copy = extract_with(rules, "http://127.0.0.1:8700/copy/", "extract/market/reviews.html");
    char *same;
    (void)state;
    assert_true(count_of(native, "{\"type\":\"review\"") >= 5);
    assert_true(count_of(native, "\"id\":\"r-") >= 5);
    /* Reviews carry the page's URL, the one thing that differs. */
    same = replaced(native, "/native/", "/copy/");
    assert_string_equal(same, copy);
    free(same);
    free(native);
    free(copy);
    free(rules);
}

static void rules_json_api(void **state)
{
    char *out = extract_with("json-review-api",
                             "https://api.reviews.example/api/v2/products/88231/reviews?page=1",
                             "extract/sites/api_reviews.json");
    (void)state;
    assert_non_null(strstr(out,
        "{\"type\":\"product\",\"url\":\"https://api.reviews.example/p/88231-clean-x-300\","
        "\"name\":\"Robot vacuum Clean-X 300\",\"sku\":\"88231\",\"brand\":\"CleanCo\","
        "\"category\":\"Home > Cleaning > Robot vacuums\",\"price\":24990.0,\"currency\":\"RUB\","
        "\"rating\":4.35,\"rating_count\":1843,\"review_count\":512}\n"));
    assert_non_null(strstr(out, "\"id\":\"r-5501\",\"author\":\"Марина\",\"author_url\":"
                                "\"https://api.reviews.example/users/marina-k\",\"rating\":5.0,"
                                "\"date\":\"2024-04-02\",\"title\":\"Убирает сам\",\"body\":"
                                "\"Пол чистый каждый день.\\nШерсть кота собирает хорошо.\"}"));
    assert_non_null(strstr(out, "\"id\":\"r-5503\",\"author\":\"anonymous\""));
    assert_non_null(strstr(out, "\"body\":\"Battery died after two weeks — support was slow.\""));
    assert_non_null(strstr(out, "{\"type\":\"link\",\"url\":\"https://api.reviews.example/api/v2/"
                                "products/88231/reviews?page=2\",\"rel\":\"next\"}"));
    free(out);
}

static void rules_plain_html_site(void **state)
{
    char *out = extract_with("plain-reviews", "https://otzyvy.example/item/5521/reviews?p=1",
                             "extract/sites/plain_list.html");
    (void)state;
    assert_string_equal(out,
        "{\"type\":\"product\",\"url\":\"https://otzyvy.example/item/5521\",\"name\":\"Стиральная "
        "машина Indezit WMX-60\",\"rating\":3.7,\"review_count\":214}\n"
        "{\"type\":\"review\",\"url\":\"https://otzyvy.example/item/5521/reviews?p=1\",\"product\":"
        "\"https://otzyvy.example/item/5521\",\"id\":\"77001\",\"author\":\"Котова Е.\","
        "\"author_url\":\"https://otzyvy.example/user/kotova\",\"rating\":4.0,\"date\":"
        "\"2024-02-14\",\"title\":\"Стирает хорошо, но шумная\",\"body\":\"Отжим на 1000 "
        "оборотов громкий.\\nРежимов много, бельё чистое.\\nПлюсы: цена, режимы\\nМинусы: шум\"}\n"
        "{\"type\":\"review\",\"url\":\"https://otzyvy.example/item/5521/reviews?p=1\",\"product\":"
        "\"https://otzyvy.example/item/5521\",\"id\":\"77002\",\"author\":\"Гость\",\"rating\":1.0,"
        "\"date\":\"2024-01-03\",\"title\":\"Течёт\",\"body\":\"Через полгода потекла манжета "
        "люка.\"}\n"
        "{\"type\":\"link\",\"url\":\"https://otzyvy.example/item/5521\",\"rel\":\"product\"}\n"
        "{\"type\":\"link\",\"url\":\"https://otzyvy.example/user/kotova\",\"rel\":\"profile\"}\n"
        "{\"type\":\"link\",\"url\":\"https://otzyvy.example/item/5521/reviews?p=2\",\"rel\":\"next\"}\n");
    free(out);
}

static void rules_pick_page_types(void **state)
{
    static const struct {
        const char *url, *type;
    } cases[] = {
        {"http://localhost:8700/p/42/reviews?page=2", "market-fixture/reviews"},
        {"http://127.0.0.1:8700/p/42-chaynik-gusto-lite715", "market-fixture/product"},
        {"http://127.0.0.1:8700/p/42", "market-fixture/product"},
        {"http://127.0.0.1:8700/c/kitchen?page=3", "market-fixture/catalog"},
        {"http://127.0.0.1:8700/u/anna_m", "market-fixture/user"},
        {"http://127.0.0.1:8701/@anna_m936", "market-fixture/social-profile"},
        {"http://127.0.0.1:8701/people?page=2", "market-fixture/people"},
        {"https://otzyvy.example/item/1/reviews", "plain-reviews/review-list"},
    };
    const char *files[] = {"plain-reviews", "market-fixture"};
    rm_extractor *ex = NULL;
    rm_diag d;
    char t[64];
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(files, 2, &d, &ex), RM_OK);
    for (size_t i = 0; i < RM_ARRAY_LEN(cases); i++) {
        assert_int_equal(rm_extractor_page_type(ex, cases[i].url, t, sizeof(t)), 0);
        assert_string_equal(t, cases[i].type);
    }
    assert_int_equal(rm_extractor_page_type(ex, "http://127.0.0.1:8700/cart", t, sizeof(t)), -1);
    assert_int_equal(rm_extractor_page_type(ex, "http://127.0.0.1:8700/u/a/b", t, sizeof(t)), -1);
    rm_extractor_free(ex);
    rm_diag_release(&d);
}

/* The command the analysts use: same records as rm_extract(), exit codes by the contract. */
static void rules_revmine_extract_command(void **state)
{
    char bin[FIXTURE_PATH_MAX], *page = fixture_path("sites/plain_list.html");
    char *bad = fixture_path("rules/missing_keys.yaml"), *out = NULL, *err = NULL;
    char *ok_argv[] = {bin, "extract", "--rules", "plain-reviews", "--url",
                       "https://otzyvy.example/item/5521/reviews?p=1", page, NULL};
    char *bad_argv[] = {bin, "extract", "--rules", bad, page, NULL};
    char *want = extract_with("plain-reviews", "https://otzyvy.example/item/5521/reviews?p=1",
                              "extract/sites/plain_list.html");
    (void)state;
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    assert_int_equal(rm_test_run(ok_argv, NULL, &out, &err, 10000), 0);
    assert_string_equal(out, want);
    assert_non_null(strstr(err, "plain-reviews/review-list"));
    free(out), free(err);
    assert_int_equal(rm_test_run(bad_argv, NULL, &out, &err, 10000), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "missing_keys.yaml:1: match: missing: a regex the site's URLs match"));
    free(out), free(err), free(want), free(page), free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_errors_name_file_line_field),
        cmocka_unit_test(rules_yaml_and_structure_errors),
        cmocka_unit_test(rules_builtin_files_load),
        cmocka_unit_test(rules_market_pages_match_structured_data),
        cmocka_unit_test(rules_market_values),
        cmocka_unit_test(rules_market_catalog_links),
        cmocka_unit_test(rules_relative_dates_count_from_fetch_time),
        cmocka_unit_test(rules_structured_off_and_postprocessing),
        cmocka_unit_test(rules_gumbo_tree_and_copy_agree),
        cmocka_unit_test(rules_json_api),
        cmocka_unit_test(rules_plain_html_site),
        cmocka_unit_test(rules_pick_page_types),
        cmocka_unit_test(rules_revmine_extract_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
