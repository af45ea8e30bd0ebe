/* rm_extract(): microdata, microformats2, OpenGraph, links, JSON documents, page kinds,
 * merging, and one extractor shared by threads. */
#include "core/rm.h"

#include <pthread.h>

#include "core/arena.h"
#include "extractors/extract.h"

#include <curl/curl.h>
#include "tests/helpers/testutil.h"

static char *run(const rm_extractor *ex, const char *url, const char *ctype, const char *body,
                 size_t len, rm_err *err)
{
    rm_arena *scratch = rm_arena_new(1 << 16), *out = rm_arena_new(1 << 16);
    rm_recs recs;
    rm_page page = {url, ctype, body, len, 1710000000};
    rm_buf b;

    rm_recs_init(&recs, out);
    *err = rm_extract(ex, &page, scratch, &recs);
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
    return rm_buf_detach(&b, NULL);
}

static char *extract_as(const char *url, const char *ctype, const char *body)
{
    rm_extractor *ex = NULL;
    rm_diag d;
    rm_err err;
    char *out;

    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(NULL, 0, &d, &ex), RM_OK);
    out = run(ex, url, ctype, body, strlen(body), &err);
    assert_int_equal(err, RM_OK);
    rm_extractor_free(ex);
    return out;
}

static char *extract(const char *html)
{
    return extract_as("https://shop.example/p/1", NULL, html);
}

/* --- microdata --- */

static void extract_microdata_nesting_and_itemref(void **state)
{
    char *out = extract(
        "<div itemscope itemtype='http://schema.org/Product' itemref='agg brand'>"
        " <h1 itemprop='name'>Toaster</h1><a itemprop='url' href='/p/toaster'>x</a>"
        " <span itemprop='offers' itemscope itemtype='http://schema.org/Offer'>"
        "  <span itemprop='price' content='1299.50'>1 299,50</span>"
        "  <meta itemprop='priceCurrency' content='RUB'></span>"
        " <div itemprop='review' itemscope itemtype='http://schema.org/Review' itemid='rev-1'>"
        "  <span itemprop='author'>Oleg</span>"
        "  <span itemprop='reviewRating' itemscope><meta itemprop='ratingValue' content='4'></span>"
        "  <time itemprop='datePublished'>2024-02-03</time>"
        "  <p itemprop='reviewBody description'>Browns <b>evenly</b>.</p>"
        "  <div itemscope itemtype='http://schema.org/Thing'><span itemprop='name'>inner</span></div>"
        " </div></div>"
        "<div id='agg' itemprop='aggregateRating' itemscope itemtype='http://schema.org/AggregateRating'>"
        " <span itemprop='ratingValue'>4,1</span><span itemprop='reviewCount'>15</span></div>"
        "<span id='brand' itemprop='brand'>Bork</span>");
    (void)state;
    RM_EXPECT_LINE(out, "\"schema_type\":\"Product\"", "\"url\":\"https://shop.example/p/toaster\"",
           "\"name\":\"Toaster\"", "\"brand\":\"Bork\"", "\"price\":1299.5", "\"currency\":\"RUB\"",
           "\"rating\":4.1", "\"review_count\":15");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"product\":\"https://shop.example/p/toaster\"",
           "\"id\":\"rev-1\"", "\"author\":\"Oleg\"", "\"rating\":4.0", "\"date\":\"2024-02-03\"",
           "\"body\":\"Browns evenly.\"");
    /* The itemscope without itemprop inside the review is its own item, not the review's. */
    assert_int_equal(rm_count(out, "inner"), 0);
    assert_int_equal(rm_count(out, "\"type\":\"review\""), 1);
    free(out);
}

static void extract_microdata_itemref_loops_stop(void **state)
{
    char *out = extract("<div id='a' itemscope itemtype='http://schema.org/Product' itemref='a b'>"
                        "<span itemprop='name'>Self</span></div>"
                        "<div id='b' itemprop='review' itemscope itemref='a'><span itemprop='author'>X</span></div>");
    (void)state;
    RM_EXPECT_LINE(out, "\"name\":\"Self\"");
    free(out);
}

/* --- microformats2 --- */

static void extract_mf2_review_product_card(void **state)
{
    char *out = extract(
        "<article class='h-entry'><div class='e-content'>"
        " <div class='h-review'><h2 class='p-name'>Solid phone</h2>"
        "  <div class='p-item h-product'><a class='p-name u-url' href='/phones/x1'>X1</a>"
        "   <span class='p-brand'>Acme</span><data class='p-price' value='199.99 USD'>$199.99</data></div>"
        "  <a class='p-author h-card' href='https://ann.example/'>Ann</a>"
        "  <span class='p-rating'><span class='value'>8</span> of <span class='p-best'>10</span></span>"
        "  <time class='dt-published' datetime='2024-05-01T09:00'>May 1</time>"
        "  <div class='e-content'><p>Battery lasts.</p><p>Screen is dim.</p></div>"
        " </div></div></article>"
        "<div class='h-card'><img class='u-photo' src='/me.jpg' alt='Bo'>"
        " <span class='p-nickname'>bo</span><a class='u-url' href='https://bo.example/'>site</a>"
        " <div class='p-adr h-adr'><span class='p-locality'>Omsk</span><span class='p-country-name'>RU</span></div>"
        " <span class='p-gender-identity'>woman</span><time class='dt-bday' datetime='1985-02-03'></time>"
        " <span class='p-category'>cycling</span>"
        " <data class='p-followers' value='1200'>1.2K</data> <data class='p-following' value='15'>15</data>"
        " <time class='dt-joined' datetime='2019-04-02'>April 2019</time></div>"
        "<a class='h-card' href='https://solo.example/'>Solo Person</a>");
    (void)state;
    RM_EXPECT_LINE(out, "\"type\":\"product\"", "\"url\":\"https://shop.example/phones/x1\"",
           "\"name\":\"X1\"", "\"brand\":\"Acme\"", "\"price\":199.99", "\"currency\":\"USD\"");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"product\":\"https://shop.example/phones/x1\"",
           "\"author\":\"Ann\"", "\"author_url\":\"https://ann.example/\"", "\"rating\":4.0",
           "\"date\":\"2024-05-01\"", "\"title\":\"Solid phone\"",
           "\"body\":\"Battery lasts.\\nScreen is dim.\"");
    /* p-nickname rules out an implied name; the only u-url is the profile's own URL. */
    RM_EXPECT_LINE(out, "\"type\":\"profile\"", "\"url\":\"https://bo.example/\"", "\"handle\":\"bo\"",
           "\"city\":\"Omsk\"", "\"country\":\"RU\"", "\"gender\":\"female\"",
           "\"birth_year\":1985", "\"interests\":[\"cycling\"]", "\"followers\":1200",
           "\"following\":15", "\"joined\":\"2019-04-02\"");
    RM_EXPECT_LINE(out, "\"type\":\"profile\"", "\"url\":\"https://solo.example/\"", "\"name\":\"Solo Person\"");
    RM_EXPECT_LINE(out, "\"type\":\"link\"", "\"url\":\"https://bo.example/\"", "\"rel\":\"profile\"");
    /* Ann is an author, not a profile of her own. */
    assert_int_equal(rm_count(out, "\"type\":\"profile\""), 2);
    free(out);
}

static void extract_mf2_aggregate(void **state)
{
    char *out = extract(
        "<div class='h-product'><h1 class='p-name'>Mug</h1><span class='p-identifier'>MUG-1</span>"
        " <div class='p-review h-review-aggregate'><span class='p-rating'>4.5</span>"
        "  <span class='p-count'>12</span><span class='p-votes'>30</span></div>"
        " <div class='p-review h-review'><span class='p-author'>Kim</span>"
        "  <span class='p-rating'>5</span><p class='e-content'>Big.</p></div>"
        " <div class='p-review h-review'><span class='p-author'>Lee</span>"
        "  <span class='p-rating'>★★★½☆</span><p class='e-content'>Ok.</p></div></div>");
    (void)state;
    RM_EXPECT_LINE(out, "\"name\":\"Mug\"", "\"sku\":\"MUG-1\"", "\"rating\":4.5", "\"rating_count\":30",
           "\"review_count\":12");
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"product\":\"https://shop.example/p/1\"",
           "\"author\":\"Kim\"", "\"rating\":5.0", "\"body\":\"Big.\"");
    /* p-rating is read as text: stars drawn, half stars too. */
    RM_EXPECT_LINE(out, "\"type\":\"review\"", "\"author\":\"Lee\"", "\"rating\":3.5");
    free(out);
}

/* --- OpenGraph and merging --- */

static void extract_og_product_merges_with_jsonld(void **state)
{
    char *out = extract(
        "<meta property='og:type' content='product'><meta property='og:title' content='OG name'>"
        "<meta property='og:url' content='https://shop.example/p/1'>"
        "<meta property='product:price:amount' content='15.00'>"
        "<meta property='product:price:currency' content='EUR'>"
        "<meta property='product:brand' content='Brandy'>"
        "<meta property='og:site_name' content='Shop'>"
        "<script type='application/ld+json'>{\"@type\":\"Product\",\"name\":\"LD name\","
        "\"aggregateRating\":{\"ratingValue\":3}}</script>");
    (void)state;
    assert_int_equal(rm_count(out, "\"type\":\"product\""), 1);
    /* JSON-LD wins where both speak; OpenGraph fills the gaps. */
    RM_EXPECT_LINE(out, "\"name\":\"LD name\"", "\"brand\":\"Brandy\"", "\"price\":15.0",
           "\"currency\":\"EUR\"", "\"rating\":3.0");
    free(out);
}

static void extract_og_profile_and_platform(void **state)
{
    char *out = extract_as(
        "http://127.0.0.1:8081/u/kat", NULL,
        "<meta property='og:type' content='profile'>"
        "<meta property='profile:first_name' content='Kat'><meta property='profile:last_name' content='Lee'>"
        "<meta property='profile:username' content='@katlee'><meta property='profile:gender' content='female'>"
        "<meta property='og:description' content='Reviews of &lt;gadgets&gt;'>"
        "<a rel='me' href='https://social.example/@kat'>m</a><a rel='me' href='https://social.example/@kat#x'>m</a>");
    (void)state;
    RM_EXPECT_LINE(out, "{\"type\":\"profile\",\"url\":\"http://127.0.0.1:8081/u/kat\","
                "\"platform\":\"127.0.0.1:8081\",\"handle\":\"katlee\",\"name\":\"Kat Lee\","
                "\"gender\":\"female\",\"bio\":\"Reviews of <gadgets>\","
                "\"links\":[\"https://social.example/@kat\"]}");
    free(out);
}

/* --- links --- */

static void extract_links_resolved_deduped_classified(void **state)
{
    char *out = extract(
        "<head><base href='/catalog/'><link rel='stylesheet' href='s.css'>"
        "<link rel='next' href='?page=2'><link rel='canonical' href='https://shop.example/catalog/'>"
        "<link rel='icon' href='/favicon.ico'></head>"
        "<a href='item-1#reviews'>1</a><a href=' item-1 '>1 again</a>"
        "<a href='//cdn.example/x'>cdn</a><a href='javascript:void(0)'>js</a>"
        "<a href='mailto:a@b.c'>mail</a><a href='ftp://x.example/f'>ftp</a>"
        "<a rel='NoFollow Next' href='?page=2'>next</a><a href='#top'>top</a>"
        "<area href='/map' alt=''><a href='/путь?q=а б'>ru</a><a>no href</a>"
        "<a href='http://[bad'>bad</a>");
    (void)state;
    assert_string_equal(out,
        "{\"type\":\"link\",\"url\":\"https://shop.example/catalog/?page=2\",\"rel\":\"next\"}\n"
        "{\"type\":\"link\",\"url\":\"https://shop.example/catalog/\",\"rel\":\"other\"}\n"
        "{\"type\":\"link\",\"url\":\"https://shop.example/catalog/item-1\",\"rel\":\"other\"}\n"
        "{\"type\":\"link\",\"url\":\"https://cdn.example/x\",\"rel\":\"other\"}\n"
        "{\"type\":\"link\",\"url\":\"https://shop.example/map\",\"rel\":\"other\"}\n"
        "{\"type\":\"link\",\"url\":\"https://shop.example/%d0%bf%d1%83%d1%82%d1%8c?q=%d0%b0+%d0%b1\","
        "\"rel\":\"other\"}\n");
    free(out);
}

/* Plain root-relative paths take a fast path; it must give what libcurl's resolution gives. */
static void extract_links_fast_path_agrees_with_curl(void **state)
{
    static const char *const hrefs[] = {
        "/p/17-kettle", "/p/17/reviews?page=2", "/a/./b", "/a/../b", "/a/b/..", "/x?q=a b",
        "/x?u=%zz", "/x#frag", "/%41%7e", "/c/shoes?page=1&sort=price", "/", "/a//b",
        "/x?y=/../z", "/path;params", "/~user/(1)", "/A:B@C",
    };
    const char *base = "http://shop.example:8080/dir/page?x=1";
    rm_buf html, want;
    (void)state;
    rm_buf_init(&html, RM_BUF_NOLIMIT);
    rm_buf_init(&want, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < RM_ARRAY_LEN(hrefs); i++) {
        /* libcurl's own resolution, as the slow path does it */
        CURLU *h = curl_url();
        char *u = NULL;
        rm_buf_addf(&html, "<a href='%s'>x</a>", hrefs[i]);
        assert_int_equal(curl_url_set(h, CURLUPART_URL, base, CURLU_URLENCODE), CURLUE_OK);
        assert_int_equal(curl_url_set(h, CURLUPART_URL, hrefs[i], CURLU_URLENCODE), CURLUE_OK);
        assert_int_equal(curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0), CURLUE_OK);
        assert_int_equal(curl_url_get(h, CURLUPART_URL, &u, 0), CURLUE_OK);
        rm_buf line;
        rm_buf_init(&line, 4096);
        rm_buf_addf(&line, "{\"type\":\"link\",\"url\":\"%s\",\"rel\":\"other\"}\n", u);
        if (!strstr(want.ptr, line.ptr)) /* links come once per page */
            rm_buf_add(&want, line.ptr, line.len);
        rm_buf_release(&line);
        curl_free(u);
        curl_url_cleanup(h);
    }
    char *out = extract_as(base, NULL, html.ptr);
    assert_string_equal(out, want.ptr);
    free(out);
    rm_buf_release(&html);
    rm_buf_release(&want);
}

static void extract_links_without_page_url(void **state)
{
    char *out = extract_as(NULL, NULL, "<a href='/rel'>r</a><a href='https://abs.example/a'>a</a>");
    (void)state;
    assert_string_equal(out, "{\"type\":\"link\",\"url\":\"https://abs.example/a\",\"rel\":\"other\"}\n");
    free(out);
}

/* --- JSON documents --- */

static void extract_mastodon_accounts(void **state)
{
    char *out = extract_as(
        "https://social.example/api/v1/accounts/1/followers", "application/json; charset=utf-8",
        "[{\"id\":\"1\",\"username\":\"ann\",\"acct\":\"ann\",\"display_name\":\"Ann\","
        "\"note\":\"<p>Hi &amp; welcome</p>\",\"url\":\"https://social.example/@ann\","
        "\"followers_count\":10,\"following_count\":3,\"created_at\":\"2023-01-02T03:04:05.000Z\","
        "\"fields\":[{\"name\":\"Site\",\"value\":\"<a href=\\\"https://ann.example\\\">ann.example</a>\"},"
        "{\"name\":\"Plain\",\"value\":\"https://plain.example/ann\"},{\"name\":\"City\",\"value\":\"Riga\"}]},"
        "{\"id\":\"2\",\"username\":\"bob\",\"acct\":\"bob@other.example\",\"display_name\":\"\","
        "\"url\":\"https://other.example/@bob\",\"followers_count\":0,\"following_count\":0,"
        "\"created_at\":\"2020-05-05T00:00:00Z\",\"fields\":[]}]");
    (void)state;
    RM_EXPECT_LINE(out, "{\"type\":\"profile\",\"url\":\"https://social.example/@ann\","
                "\"platform\":\"social.example\",\"handle\":\"ann\",\"name\":\"Ann\","
                "\"bio\":\"Hi & welcome\",\"followers\":10,\"following\":3,\"joined\":\"2023-01-02\","
                "\"links\":[\"https://ann.example/\",\"https://plain.example/ann\"]}");
    RM_EXPECT_LINE(out, "{\"type\":\"profile\",\"url\":\"https://other.example/@bob\","
                "\"platform\":\"other.example\",\"handle\":\"bob\",\"followers\":0,\"following\":0,"
                "\"joined\":\"2020-05-05\"}");
    free(out);
}

static void extract_activitypub_and_jsonld_documents(void **state)
{
    char *out = extract_as(
        "https://social.example/users/ann", "application/activity+json",
        "{\"@context\":[\"https://www.w3.org/ns/activitystreams\"],\"type\":\"Person\","
        "\"id\":\"https://social.example/users/ann\",\"preferredUsername\":\"ann\",\"name\":\"Ann\","
        "\"summary\":\"<p>Hello</p>\",\"url\":{\"type\":\"Link\",\"href\":\"https://social.example/@ann\"},"
        "\"published\":\"2022-02-02T00:00:00Z\",\"followers\":{\"type\":\"Collection\",\"totalItems\":7},"
        "\"attachment\":[{\"type\":\"PropertyValue\",\"name\":\"x\",\"value\":\"<a href='https://x.example/ann'>x</a>\"}]}");
    (void)state;
    RM_EXPECT_LINE(out, "{\"type\":\"profile\",\"url\":\"https://social.example/@ann\","
                "\"platform\":\"social.example\",\"handle\":\"ann\",\"name\":\"Ann\",\"bio\":\"Hello\","
                "\"followers\":7,\"joined\":\"2022-02-02\",\"links\":[\"https://x.example/ann\"]}");
    free(out);
    out = extract_as("https://shop.example/p/9.jsonld", "application/ld+json",
                     "{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"name\":\"Doc\"}");
    RM_EXPECT_LINE(out, "\"type\":\"product\"", "\"name\":\"Doc\"");
    free(out);
}

/* --- pages that cannot be read --- */

static void extract_unreadable_pages(void **state)
{
    rm_extractor *ex = NULL;
    rm_diag d;
    rm_err err;
    char *out, *big;
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(NULL, 0, &d, &ex), RM_OK);
    free(run(ex, "https://x.example/a.png", "image/png", png, sizeof(png) - 1, &err));
    assert_int_equal(err, RM_EPARSE);
    free(run(ex, "https://x.example/a", NULL, png, sizeof(png) - 1, &err));
    assert_int_equal(err, RM_EPARSE);
    free(run(ex, "https://x.example/a.json", "application/json", "{\"a\":", 5, &err));
    assert_int_equal(err, RM_EPARSE);
    big = rm_xcalloc(RM_EXTRACT_MAX_PAGE + 1, 1);
    free(run(ex, "https://x.example/big", "text/html", big, RM_EXTRACT_MAX_PAGE + 1, &err));
    assert_int_equal(err, RM_ETOOBIG);
    free(big);
    /* Empty and garbage pages are read: they just hold nothing. */
    out = run(ex, "https://x.example/e", "text/html", "", 0, &err);
    assert_int_equal(err, RM_OK);
    assert_string_equal(out, "");
    free(out);
    rm_extractor_free(ex);
}

/* --- threads --- */

typedef struct job {
    const rm_extractor *ex;
    const char *html;
    char *out;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    rm_err err;
    char *first = NULL;
    for (int i = 0; i < 50; i++) {
        char *o = run(j->ex, "http://127.0.0.1:8700/p/11-balzam-dlya-gub-skinlab-s441-krasnyy",
                      NULL, j->html, strlen(j->html), &err);
        if (err || (first && strcmp(first, o))) {
            free(o);
            break;
        }
        if (first)
            free(o);
        else
            first = o;
    }
    j->out = first;
    return NULL;
}

static void extract_one_extractor_many_threads(void **state)
{
    const char *files[] = {"market-fixture"};
    rm_extractor *ex = NULL;
    rm_diag d;
    pthread_t t[4];
    job jobs[4];
    size_t len;
    char *html = rm_test_read_fixture("extract/market/product.html", &len);
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(files, 1, &d, &ex), RM_OK);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){ex, html, NULL};
        assert_int_equal(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_non_null(jobs[i].out);
        assert_string_equal(jobs[i].out, jobs[0].out);
    }
    RM_EXPECT_LINE(jobs[0].out, "\"id\":\"r-000297\"");
    for (int i = 0; i < 4; i++)
        free(jobs[i].out);
    free(html);
    rm_extractor_free(ex);
    rm_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extract_microdata_nesting_and_itemref),
        cmocka_unit_test(extract_microdata_itemref_loops_stop),
        cmocka_unit_test(extract_mf2_review_product_card),
        cmocka_unit_test(extract_mf2_aggregate),
        cmocka_unit_test(extract_og_product_merges_with_jsonld),
        cmocka_unit_test(extract_og_profile_and_platform),
        cmocka_unit_test(extract_links_resolved_deduped_classified),
        cmocka_unit_test(extract_links_fast_path_agrees_with_curl),
        cmocka_unit_test(extract_links_without_page_url),
        cmocka_unit_test(extract_mastodon_accounts),
        cmocka_unit_test(extract_activitypub_and_jsonld_documents),
        cmocka_unit_test(extract_unreadable_pages),
        cmocka_unit_test(extract_one_extractor_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
