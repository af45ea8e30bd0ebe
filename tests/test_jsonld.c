/* JSON-LD through rm_extract(): graphs, references, arrays, value shapes, broken blocks. */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/extract.h"
#include "tests/helpers/testutil.h"

#define URL "https://shop.example/p/1"

/* The page's records as JSON Lines. */
static char *extract(const char *html)
{
    rm_extractor *ex = NULL;
    rm_diag d;
    rm_arena *scratch = rm_arena_new(1 << 16), *out = rm_arena_new(1 << 16);
    rm_recs recs;
    rm_page page = {URL, "text/html; charset=utf-8", html, strlen(html), 1710000000};
    rm_buf b;

    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(NULL, 0, &d, &ex), RM_OK);
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
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out);
    rm_extractor_free(ex);
    rm_diag_release(&d);
    return rm_buf_detach(&b, NULL);
}

static char *ld(const char *json)
{
    rm_buf b;
    char *out;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    (void)rm_buf_addf(&b, "<html><head><script type=\"application/ld+json\">%s</script></head>"
                          "<body></body></html>", json);
    out = extract(b.ptr);
    rm_buf_release(&b);
    return out;
}

static void jsonld_graph_with_references(void **state)
{
    char *out = ld(
        "{\"@context\":\"https://schema.org\",\"@graph\":["
        "{\"@type\":\"WebPage\",\"@id\":\"" URL "#page\",\"mainEntity\":{\"@id\":\"" URL "#product\"}},"
        "{\"@type\":\"Product\",\"@id\":\"" URL "#product\",\"name\":\"Kettle\",\"url\":\"" URL "\","
        " \"offers\":{\"@id\":\"" URL "#offer\"},\"aggregateRating\":{\"@id\":\"" URL "#rating\"}},"
        "{\"@type\":\"Offer\",\"@id\":\"" URL "#offer\",\"price\":\"19.90\",\"priceCurrency\":\"EUR\"},"
        "{\"@type\":\"AggregateRating\",\"@id\":\"" URL "#rating\",\"ratingValue\":4.5,\"reviewCount\":2},"
        "{\"@type\":\"Person\",\"@id\":\"" URL "#ann\",\"name\":\"Ann\",\"url\":\"/u/ann\"},"
        "{\"@type\":\"Review\",\"itemReviewed\":{\"@id\":\"" URL "#product\"},"
        " \"author\":{\"@id\":\"" URL "#ann\"},\"reviewRating\":{\"ratingValue\":\"5\"},\"reviewBody\":\"Top\"},"
        "{\"@type\":\"Review\",\"itemReviewed\":{\"@id\":\"" URL "#product\"},"
        " \"author\":\"Bob\",\"reviewRating\":{\"ratingValue\":\"2\"},\"reviewBody\":\"Meh\"}]}");
    (void)state;
    /* Reached three times (mainEntity, two reviews), the product is read once. */
    assert_int_equal(rm_count(out, "\"type\":\"product\""), 1);
    RM_EXPECT_LINE(out, "\"type\":\"product\"", "\"name\":\"Kettle\"", "\"price\":19.9",
           "\"currency\":\"EUR\"", "\"rating\":4.5", "\"review_count\":2");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"product\":\"" URL "\"", "\"author\":\"Ann\"",
           "\"author_url\":\"https://shop.example/u/ann\"", "\"rating\":5.0", "\"body\":\"Top\"");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"author\":\"Bob\"", "\"rating\":2.0");
    /* The Person in the graph is somebody's author here, and also stands on its own. */
    RM_EXPECT_LINE(out, "\"type\":\"profile\"", "\"name\":\"Ann\"");
    RM_EXPECT_LINE(out, "\"type\":\"link\"", "\"url\":\"https://shop.example/u/ann\"", "\"rel\":\"profile\"");
    free(out);
}

static void jsonld_arrays_and_value_shapes(void **state)
{
    char *out = ld(
        "[{\"@type\":[\"Product\",\"Thing\"],\"name\":[\"First\",\"Alias\"],\"sku\":4006381333931,"
        "  \"brand\":[{\"@type\":\"Brand\",\"name\":\"Acme\"}],\"category\":{\"@value\":\"Tools\"},"
        "  \"offers\":[{\"@type\":\"Offer\",\"price\":\"1 299,00\",\"priceCurrency\":\"RUR\"},"
        "              {\"@type\":\"Offer\",\"priceSpecification\":{\"price\":999,\"priceCurrency\":\"RUB\"}}],"
        "  \"aggregateRating\":{\"ratingValue\":\"4,5\",\"ratingCount\":\"1 024\",\"bestRating\":\"5\"}},"
        " {\"@type\":\"http://schema.org/Product\",\"http://schema.org/name\":\"Second\","
        "  \"schema:url\":\"/p/2\",\"offers\":{\"@type\":\"AggregateOffer\",\"lowPrice\":5,"
        "  \"highPrice\":9,\"priceCurrency\":\"USD\",\"offers\":[{\"price\":4.5}]}}]");
    (void)state;
    RM_EXPECT_LINE(out, "\"schema_type\":\"Product\"", "\"name\":\"First\"", "\"sku\":\"4006381333931\"",
           "\"brand\":\"Acme\"", "\"category\":\"Tools\"", "\"price\":999.0", "\"currency\":\"RUB\"",
           "\"rating\":4.5", "\"rating_count\":1024");
    RM_EXPECT_LINE(out, "\"url\":\"https://shop.example/p/2\"", "\"name\":\"Second\"", "\"price\":4.5",
           "\"currency\":\"USD\"");
    RM_EXPECT_LINE(out, "\"type\":\"link\"", "\"url\":\"https://shop.example/p/2\"", "\"rel\":\"product\"");
    free(out);
}

static void jsonld_rating_scales(void **state)
{
    char *out = ld(
        "{\"@type\":\"Movie\",\"name\":\"Film\",\"aggregateRating\":{\"ratingValue\":\"8.6\","
        " \"bestRating\":\"10.0\",\"worstRating\":\"1.0\",\"ratingCount\":35507},"
        " \"review\":{\"@type\":\"Review\",\"author\":{\"@type\":\"Person\",\"name\":\"Critic\"},"
        "  \"reviewRating\":{\"ratingValue\":72,\"bestRating\":100,\"worstRating\":0},"
        "  \"datePublished\":\"2013-01-25T08:00:00Z\",\"headline\":\"Strong\"}}");
    (void)state;
    RM_EXPECT_LINE(out, "\"schema_type\":\"Movie\"", "\"rating\":4.3", "\"rating_count\":35507");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"rating\":3.6", "\"date\":\"2013-01-25\"",
           "\"title\":\"Strong\"");
    free(out);
}

static void jsonld_any_rated_thing_is_an_item(void **state)
{
    char *out = ld(
        "[{\"@type\":\"Restaurant\",\"name\":\"Pelmeni\",\"servesCuisine\":\"Russian\","
        "  \"aggregateRating\":{\"ratingValue\":4.2,\"reviewCount\":310}},"
        " {\"@type\":\"Organization\",\"name\":\"Unrated publisher\"},"
        " {\"@type\":\"Review\",\"itemReviewed\":{\"@type\":\"Hotel\",\"name\":\"Grand\"},"
        "  \"author\":\"Eve\",\"reviewBody\":\"Clean rooms\"},"
        " {\"@type\":\"AggregateRating\",\"itemReviewed\":{\"@type\":\"Course\",\"name\":\"C 101\"},"
        "  \"ratingValue\":\"4.9\",\"ratingCount\":77},"
        " {\"@type\":\"ClaimReview\",\"claimReviewed\":\"x\",\"reviewRating\":{\"ratingValue\":1}}]");
    (void)state;
    RM_EXPECT_LINE(out, "\"schema_type\":\"Restaurant\"", "\"name\":\"Pelmeni\"", "\"category\":\"Russian\"",
           "\"rating\":4.2", "\"review_count\":310");
    RM_EXPECT_LINE(out, "\"schema_type\":\"Hotel\"", "\"name\":\"Grand\"");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"author\":\"Eve\"", "\"body\":\"Clean rooms\"");
    RM_EXPECT_LINE(out, "\"schema_type\":\"Course\"", "\"rating\":4.9", "\"rating_count\":77");
    assert_null(strstr(out, "Unrated publisher"));
    assert_int_equal(rm_count(out, "\"type\":\"review\""), 1);
    free(out);
}

static void jsonld_authors_and_html_in_text(void **state)
{
    char *out = ld(
        "{\"@type\":\"Product\",\"name\":\"Chair &amp; Table\",\"review\":["
        " {\"@type\":\"Review\",\"author\":[{\"@type\":\"Person\",\"name\":\"Zoe\",\"sameAs\":\"https://social.example/@zoe\"}],"
        "  \"reviewBody\":\"<p>Sturdy&nbsp;&amp; &#8220;nice&#8221;</p><p>Would buy<br>again</p>\"},"
        " {\"@type\":\"Review\",\"author\":{\"@type\":\"Organization\",\"name\":\"Lab\"},"
        "  \"identifier\":{\"@type\":\"PropertyValue\",\"value\":\"r-9\"},\"description\":\"Tested\"}]}");
    (void)state;
    RM_EXPECT_LINE(out, "\"name\":\"Chair & Table\"");
    RM_EXPECT_LINE(out, "\"author\":\"Zoe\"", "\"author_url\":\"https://social.example/@zoe\"",
           "\"body\":\"Sturdy & “nice”\\nWould buy\\nagain\"");
    RM_EXPECT_LINE(out, "\"id\":\"r-9\"", "\"author\":\"Lab\"", "\"body\":\"Tested\"");
    free(out);
}

static void jsonld_broken_blocks_cost_only_themselves(void **state)
{
    char *out = extract(
        "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":\"Good\"}</script>"
        "<script type=\"application/ld+json\">//<![CDATA[\n"
        "{ /* generated */ \"@type\": \"Product\", \"name\": \"Repaired\n name\",\n"
        "  \"offers\": {\"price\": \"10\", \"priceCurrency\": \"USD\",},  // trailing comma\n"
        "  \"description\": \"it\\'s\" }\n//]]></script>"
        "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":</script>"
        "<script type=\"Application/LD+JSON; charset=utf-8\">{\"@type\":\"Product\",\"name\":\"Typed\"}</script>"
        "<script type=\"application/json\">{\"@type\":\"Product\",\"name\":\"NotLD\"}</script>");
    (void)state;
    RM_EXPECT_LINE(out, "\"name\":\"Good\"");
    RM_EXPECT_LINE(out, "\"name\":\"Repaired name\"", "\"price\":10.0", "\"currency\":\"USD\"");
    RM_EXPECT_LINE(out, "\"name\":\"Typed\"");
    assert_null(strstr(out, "NotLD"));
    assert_int_equal(rm_count(out, "\"type\":\"product\""), 3);
    free(out);
}

static void jsonld_profiles(void **state)
{
    char *out = extract(
        "<meta property=\"og:site_name\" content=\"Reviews Club\">"
        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
        "\"@type\":\"ProfilePage\",\"dateCreated\":\"2019-04-01T10:00:00Z\",\"mainEntity\":{"
        "\"@type\":\"Person\",\"name\":\"Irina\",\"alternateName\":\"@irina_k\","
        "\"address\":{\"@type\":\"PostalAddress\",\"addressLocality\":\"Tver\","
        "\"addressCountry\":{\"@type\":\"Country\",\"name\":\"Russia\"}},"
        "\"gender\":\"Female\",\"birthDate\":\"1991\",\"description\":\"<b>Tea</b> lover\","
        "\"knowsAbout\":[\"tea\",{\"@type\":\"Thing\",\"name\":\"pottery\"}],"
        "\"sameAs\":[\"https://social.example/@irina\",\"/u/irina/old\"],"
        "\"interactionStatistic\":[{\"@type\":\"InteractionCounter\",\"interactionType\":"
        "\"https://schema.org/LikeAction\",\"userInteractionCount\":9},"
        "{\"@type\":\"InteractionCounter\",\"interactionType\":\"https://schema.org/FollowAction\","
        "\"userInteractionCount\":\"1 200\"}],"
        "\"agentInteractionStatistic\":{\"interactionType\":{\"@type\":\"FollowAction\"},"
        "\"userInteractionCount\":15}}}</script>"
        "<a rel=\"me\" href=\"https://code.example/irina\">code</a>");
    (void)state;
    RM_EXPECT_LINE(out, "{\"type\":\"profile\",\"url\":\"" URL "\",\"platform\":\"Reviews Club\","
                "\"handle\":\"irina_k\",\"name\":\"Irina\",\"city\":\"Tver\",\"country\":\"Russia\","
                "\"gender\":\"female\",\"birth_year\":1991,\"bio\":\"Tea lover\","
                "\"interests\":[\"tea\",\"pottery\"],\"followers\":1200,\"following\":15,"
                "\"joined\":\"2019-04-01\",\"links\":[\"https://social.example/@irina\","
                "\"https://shop.example/u/irina/old\",\"https://code.example/irina\"]}");
    RM_EXPECT_LINE(out, "\"type\":\"link\"", "\"url\":\"https://code.example/irina\"", "\"rel\":\"profile\"");
    free(out);
}

static void jsonld_loops_and_depth_are_bounded(void **state)
{
    rm_buf deep;
    char *out;
    (void)state;
    /* A review whose item points back at the product that holds the review. */
    out = ld("{\"@type\":\"Product\",\"@id\":\"#p\",\"name\":\"Loop\",\"review\":{\"@type\":\"Review\","
             "\"@id\":\"#r\",\"itemReviewed\":{\"@id\":\"#p\"},\"author\":{\"@id\":\"#r\"},"
             "\"reviewBody\":\"x\"}}");
    RM_EXPECT_LINE(out, "\"name\":\"Loop\"");
    free(out);
    rm_buf_init(&deep, RM_BUF_NOLIMIT);
    for (int i = 0; i < 2000; i++)
        (void)rm_buf_adds(&deep, "{\"@type\":\"WebPage\",\"hasPart\":");
    (void)rm_buf_adds(&deep, "{\"@type\":\"Product\",\"name\":\"Deep\"}");
    for (int i = 0; i < 2000; i++)
        (void)rm_buf_addc(&deep, '}');
    out = ld(deep.ptr);
    /* Too deep to reach: nothing is emitted, nothing overflows. */
    assert_null(strstr(out, "Deep"));
    free(out);
    rm_buf_release(&deep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonld_graph_with_references),
        cmocka_unit_test(jsonld_arrays_and_value_shapes),
        cmocka_unit_test(jsonld_rating_scales),
        cmocka_unit_test(jsonld_any_rated_thing_is_an_item),
        cmocka_unit_test(jsonld_authors_and_html_in_text),
        cmocka_unit_test(jsonld_broken_blocks_cost_only_themselves),
        cmocka_unit_test(jsonld_profiles),
        cmocka_unit_test(jsonld_loops_and_depth_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
