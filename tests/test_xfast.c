/* Native matching of simple selectors (xfast.h): the same values as libxml2's XPath on the
 * copy, on the Gumbo tree and on the copy, for whole pages and inside repeated elements. */
#include "core/rm.h"

#include <dirent.h>

#include "core/arena.h"
#include "extractors/css.h"
#include "extractors/html.h"
#include "extractors/xdoc.h"
#include "extractors/xfast.h"
#include "tests/helpers/testutil.h"

#define MAXV 4000

/* Every CSS selector of configs/sites/market-fixture.yaml, and the corners of the shapes. */
static const char *const page_sels[] = {
    "a.product-card__link@href", "a.pagination__next@href", "a.back@href", "h1 span",
    "div.review[data-review-id]", ".review__author a@href", "link[rel=canonical]@href",
    "h1.product-title", ".product-meta .sku", "nav.breadcrumbs a[href^=\"/c/\"]", ".buy .price",
    ".rating-summary__value", "div.review-card", "a.all-reviews@href",
    ".review-card__author a@href", ".related a@href", ".profile__interests li",
    "a[rel~=me]@href", ".h-card .p-name", ".h-card .p-gender-identity@value, .h-card .p-sex@value",
    ".h-card .dt-bday@datetime", ".person-card a@href", ".reviewed-products a@href",
    "*", "div", ".x", "div.x", ".x .x", ".x::text", "div::text", "p::text", ".x@data-k",
    "[data-k]", "[data-k=\"v w\"]", "[data-k=\"\"]", "[data-k~=w]", "[href^=\"/c/\"]",
    "[href*=c]", "a[rel=me]", "#top", "#top .x", "li", "li::text", "ul li.item",
    ".list .item .item", "my-card h3", "my-card@data-id", "svg .x", "svg::text", "title",
    "title::text", "text", "td.cell, td.last", "td.cell::text, .row .last::text", "h3, p",
    "::text", "@data-review-id", "::attr(class)", ".review .review__author a@href",
    "time@datetime", "template p", "noscript a", "textarea", "option", "pre", "pre::text",
    "body", "html", "head script::text", "[class]", ".body", ".main", "a", "a@href",
    "div div div", "body *::text", "html body p.note", "[rel~=ME]"};

/* Repeated elements, and fields read inside each. */
static const char *const each_sels[] = {"div", ".review", ".review-card", "li", "my-card",
                                        "p", "svg", "table", "*"};
static const char *const field_sels[] = {"::text", "@data-review-id", "@id", "a@href",
                                         ".review__author", "h3", "p", "*", ".x", "span::text",
                                         "::attr(class)", "time@datetime", "li::text", "div p"};

typedef struct page {
    rm_arena *a;
    GumboOutput *g;
    xmlDocPtr copy;
    rm_xquery on_gumbo, on_copy;
    char *html;
} page;

static void page_open(page *p, const char *rel)
{
    size_t len;

    p->html = rm_test_read_fixture(rel, &len);
    p->a = rm_arena_new(1 << 20);
    assert_int_equal(rm_html_parse(p->html, len, p->a, &p->g), RM_OK);
    p->copy = rm_xdoc_new(p->g->document);
    assert_non_null(p->copy);
    assert_int_equal(rm_xquery_init_gumbo(&p->on_gumbo, p->g->document, p->a), 0);
    assert_int_equal(rm_xquery_init(&p->on_copy, p->copy, p->a), 0);
}

static void page_close(page *p)
{
    rm_xquery_release(&p->on_gumbo);
    rm_xquery_release(&p->on_copy);
    xmlFreeDoc(p->copy);
    rm_arena_free(p->a);
    free(p->html);
}

/* The selector natively, and as XPath in parentheses: a filter expression xfast does not
 * take, so libxml2 evaluates it. */
typedef struct pair {
    rm_xsel *native, *xpath;
} pair;

static void pair_compile(pair *s, const char *css)
{
    rm_buf x;
    char err[256];

    rm_buf_init(&x, RM_BUF_NOLIMIT);
    (void)rm_buf_adds(&x, "(");
    assert_int_equal(rm_css_to_xpath(css, &x, err, sizeof(err)), RM_OK);
    (void)rm_buf_adds(&x, ")");
    assert_int_equal(rm_xsel_compile(css, true, &s->native, err, sizeof(err)), RM_OK);
    assert_int_equal(rm_xsel_compile(x.ptr, false, &s->xpath, err, sizeof(err)), RM_OK);
    if (!rm_xsel_native(s->native))
        fail_msg("not native: %s", css);
    assert_false(rm_xsel_native(s->xpath));
    rm_buf_release(&x);
}

static void pair_free(pair *s)
{
    rm_xsel_free(s->native);
    rm_xsel_free(s->xpath);
}

static void same_values(const char *what, const char *css, const char **want, size_t nw,
                        const char **got, size_t ng)
{
    if (ng != nw)
        fail_msg("%s: %s: %zu values, libxml2 gives %zu", what, css, ng, nw);
    for (size_t i = 0; i < nw; i++)
        if (strcmp(want[i], got[i]))
            fail_msg("%s: %s: value %zu is \"%s\", libxml2 gives \"%s\"", what, css, i, got[i],
                     want[i]);
}

/* Values of s at one context in all three ways. ctx_*: the same element in each tree. */
static void check_values(page *p, const pair *s, const char *css, const rm_xnode *ctx_gumbo,
                         const rm_xnode *ctx_copy)
{
    static const char *want[MAXV], *got[MAXV];
    size_t nw = rm_xsel_values(s->xpath, &p->on_copy, ctx_copy, want, MAXV), ng;

    ng = rm_xsel_values(s->native, &p->on_copy, ctx_copy, got, MAXV);
    same_values("on the copy", css, want, nw, got, ng);
    ng = rm_xsel_values(s->native, &p->on_gumbo, ctx_gumbo, got, MAXV);
    same_values("on the Gumbo tree", css, want, nw, got, ng);
}

static void check_page(const char *rel)
{
    static const rm_xnode *want[MAXV], *got_copy[MAXV], *got_gumbo[MAXV];
    page p;

    page_open(&p, rel);
    for (size_t i = 0; i < RM_ARRAY_LEN(page_sels); i++) {
        pair s;
        pair_compile(&s, page_sels[i]);
        check_values(&p, &s, page_sels[i], NULL, NULL);
        pair_free(&s);
    }
    for (size_t i = 0; i < RM_ARRAY_LEN(each_sels); i++) {
        pair each;
        size_t nw, nc, ng;
        pair_compile(&each, each_sels[i]);
        nw = rm_xsel_nodes(each.xpath, &p.on_copy, NULL, want, MAXV);
        nc = rm_xsel_nodes(each.native, &p.on_copy, NULL, got_copy, MAXV);
        ng = rm_xsel_nodes(each.native, &p.on_gumbo, NULL, got_gumbo, MAXV);
        assert_int_equal(nc, nw);
        assert_int_equal(ng, nw);
        for (size_t k = 0; k < nw; k++)
            assert_ptr_equal(got_copy[k], want[k]);
        for (size_t j = 0; j < RM_ARRAY_LEN(field_sels); j++) {
            pair f;
            pair_compile(&f, field_sels[j]);
            for (size_t k = 0; k < nw; k++)
                check_values(&p, &f, field_sels[j], got_gumbo[k], want[k]);
            pair_free(&f);
        }
        pair_free(&each);
    }
    page_close(&p);
}

static void xfast_equals_libxml2_on_fixture_pages(void **state)
{
    (void)state;
    check_page("xfast/tricky.html");
    check_page("extract/market/product.html");
    check_page("extract/market/reviews.html");
    check_page("extract/market/catalog.html");
    check_page("extract/market/user.html");
    check_page("extract/market/social.html");
    check_page("xfast/social_people.html");
}

/* The extraction corpus too: real-world shaped pages from many sites. */
static void xfast_equals_libxml2_on_the_corpus(void **state)
{
    char dir[FIXTURE_PATH_MAX], rel[FIXTURE_PATH_MAX];
    struct dirent *e;
    DIR *d;
    size_t pages = 0;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/tests/fixtures/extract/pages", rm_test_root());
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t k = strlen(e->d_name);
        if (k < 6 || strcmp(e->d_name + k - 5, ".html"))
            continue;
        snprintf(rel, sizeof(rel), "extract/pages/%s", e->d_name);
        check_page(rel);
        pages++;
    }
    closedir(d);
    assert_true(pages >= 20);
}

static void xfast_takes_only_its_shapes(void **state)
{
    static const char *const yes[] = {
        "descendant-or-self::div",
        "descendant-or-self::*[rm:has-token('class', 'a')]/descendant::a/@href",
        "descendant-or-self::a[@rel = 'me'][@href][starts-with(@href, '/')][contains(@x, \"y\")]",
        "self::*/@id", "self::*/text()",
        "descendant-or-self::p/text() | descendant-or-self::b/text()"};
    static const char *const no[] = {
        "//div", "descendant-or-self::div[1]", "(descendant-or-self::div)",
        "descendant-or-self::div/following-sibling::p", "descendant-or-self::div/p",
        "descendant-or-self::a/@href | descendant-or-self::a/text()",
        "descendant-or-self::a/@href | descendant-or-self::a/@title",
        "descendant-or-self::*[rm:has-token('class')]",
        "descendant-or-self::*[rm:has-token('class', 'a', 'b')]",
        "descendant-or-self::div[@a = concat('x', 'y')]", "self::*", "descendant-or-self::x:div",
        "descendant-or-self::div[@a='x']", "descendant-or-self::div[translate(@a, 'A', 'a') = 'a']",
        "descendant-or-self::div ", "count(descendant-or-self::div)",
        "descendant-or-self::div[@a = 'x]"};

    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(yes); i++) {
        rm_xfast *f = rm_xfast_compile(yes[i]);
        if (!f)
            fail_msg("refused: %s", yes[i]);
        rm_xfast_free(f);
    }
    for (size_t i = 0; i < RM_ARRAY_LEN(no); i++)
        if (rm_xfast_compile(no[i]))
            fail_msg("taken: %s", no[i]);
}

/* Past RM_XDOC_MAX_DEPTH the copy re-parents nodes; queries must not run on the Gumbo tree. */
static void xfast_gumbo_query_refuses_trees_the_copy_flattens(void **state)
{
    rm_arena *a = rm_arena_new(1 << 20);
    rm_buf html;
    GumboOutput *g;
    rm_xquery q;

    (void)state;
    rm_buf_init(&html, RM_BUF_NOLIMIT);
    for (int i = 0; i < RM_XDOC_MAX_DEPTH - 10; i++)
        (void)rm_buf_adds(&html, "<div>");
    assert_int_equal(rm_html_parse(html.ptr, html.len, a, &g), RM_OK);
    assert_int_equal(rm_xquery_init_gumbo(&q, g->document, a), 0);
    rm_xquery_release(&q);
    for (int i = 0; i < 20; i++)
        (void)rm_buf_adds(&html, "<div>");
    assert_int_equal(rm_html_parse(html.ptr, html.len, a, &g), RM_OK);
    assert_int_equal(rm_xquery_init_gumbo(&q, g->document, a), -1);
    rm_xquery_release(&q);
    rm_buf_release(&html);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xfast_equals_libxml2_on_fixture_pages),
        cmocka_unit_test(xfast_equals_libxml2_on_the_corpus),
        cmocka_unit_test(xfast_takes_only_its_shapes),
        cmocka_unit_test(xfast_gumbo_query_refuses_trees_the_copy_flattens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
