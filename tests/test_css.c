/* CSS to XPath, and selectors run on the libxml2 copy of a Gumbo tree. */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/css.h"
#include "extractors/html.h"
#include "extractors/xdoc.h"
#include "tests/helpers/testutil.h"

static const char page[] =
    "<html><body>"
    "<div id=main class='list shop'>"
    "<ul><li class=a>one</li><li>two</li><li class='a b'>three</li><li>four</li><li>five</li></ul>"
    "<p lang=en-US data-x='abc' title=\"it's\">para <a href='/p/1' rel='next nofollow'>link</a></p>"
    "<span>s1</span><em>e</em><span>s2</span>"
    "<div class=review data-review-id=7><b>Anna</b> <img src=x.png alt=pic></div>"
    "<div class=review data-review-id=8><b>Boris</b></div>"
    "<div class=empty></div>"
    "</div><SCRIPT>var a;</SCRIPT></body></html>";

typedef struct fixture {
    rm_arena *a;
    xmlDocPtr doc;
    rm_xquery q;
} fixture;

static int setup(void **state)
{
    fixture *f = rm_xcalloc(1, sizeof(*f));
    GumboOutput *g;
    f->a = rm_arena_new(1 << 16);
    if (rm_html_parse(page, sizeof(page) - 1, f->a, &g) != RM_OK)
        return -1;
    f->doc = rm_xdoc_new(g->document);
    if (!f->doc || rm_xquery_init(&f->q, f->doc, f->a) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    rm_xquery_release(&f->q);
    xmlFreeDoc(f->doc);
    rm_arena_free(f->a);
    free(f);
    return 0;
}

/* The values sel selects, joined with '|'. */
static char *sel(fixture *f, const char *selector, bool css)
{
    rm_xsel *s = NULL;
    char err[256];
    const char *vals[64];
    size_t n;
    rm_buf b;

    if (rm_xsel_compile(selector, css, &s, err, sizeof(err)) != RM_OK)
        fail_msg("%s: %s", selector, err);
    n = rm_xsel_values(s, &f->q, NULL, vals, 64);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < n; i++)
        (void)rm_buf_addf(&b, "%s%s", i ? "|" : "", vals[i]);
    rm_xsel_free(s);
    return rm_buf_detach(&b, NULL);
}

#define EXPECT(f, selector, want)                 \
    do {                                          \
        char *got_ = sel((f), (selector), true);  \
        assert_string_equal(got_, (want));        \
        free(got_);                               \
    } while (0)

static void css_basic_selectors(void **state)
{
    fixture *f = *state;
    EXPECT(f, "li.a", "one|three");
    EXPECT(f, "li.a.b", "three");
    EXPECT(f, "#main > ul > li:first-child", "one");
    EXPECT(f, "LI:last-child", "five");
    EXPECT(f, "ul li:nth-child(2n+1)", "one|three|five");
    EXPECT(f, "li:nth-child(even)", "two|four");
    EXPECT(f, "li:nth-child(-n+2)", "one|two");
    EXPECT(f, "li:nth-last-child(1)", "five");
    EXPECT(f, "li:not(.a)", "two|four|five");
    EXPECT(f, "span:nth-of-type(2)", "s2");
    EXPECT(f, "span:first-of-type", "s1");
    EXPECT(f, "em + span", "s2");
    EXPECT(f, "em ~ span", "s2");
    EXPECT(f, "span + em", "e");
    EXPECT(f, "li:contains('thr')", "three");
    EXPECT(f, "div.review:has(img) > b", "Anna");
    EXPECT(f, "div:empty@class", "empty");
    EXPECT(f, "li.a, em", "one|three|e");
}

static void css_attribute_operators(void **state)
{
    fixture *f = *state;
    EXPECT(f, "[data-x=abc]::attr(data-x)", "abc");
    EXPECT(f, "[data-x^=ab]@data-x", "abc");
    EXPECT(f, "[data-x$=\"bc\"]@data-x", "abc");
    EXPECT(f, "[data-x*=b]@data-x", "abc");
    EXPECT(f, "[data-x^='']@data-x", "");
    EXPECT(f, "[lang|=en]@lang", "en-US");
    EXPECT(f, "a[rel~=next]::text", "link");
    EXPECT(f, "a[rel~=nex]::text", "");
    EXPECT(f, "[DATA-X='ABC' i]@data-x", "abc");
    EXPECT(f, "[title=\"it's\"]@title", "it's");
    EXPECT(f, "div[data-review-id]@data-review-id", "7|8");
}

static void css_value_access(void **state)
{
    fixture *f = *state;
    /* ::text is the element's own text nodes; no pseudo-element gives its visible text. */
    EXPECT(f, "p::text", "para ");
    EXPECT(f, "p", "para link");
    EXPECT(f, "a@href", "/p/1");
    EXPECT(f, "img::attr( alt )", "pic");
    EXPECT(f, "body", "one\ntwo\nthree\nfour\nfive\npara link\ns1es2\nAnna \nBoris\n");
}

static void css_runs_relative_to_an_element(void **state)
{
    fixture *f = *state;
    rm_xsel *each = NULL, *id = NULL, *name = NULL;
    const rm_xnode *nodes[8];
    const char *v[4];
    char err[128];
    size_t n;

    assert_int_equal(rm_xsel_compile("div.review", true, &each, err, sizeof(err)), RM_OK);
    assert_int_equal(rm_xsel_compile("::attr(data-review-id)", true, &id, err, sizeof(err)), RM_OK);
    assert_int_equal(rm_xsel_compile("b", true, &name, err, sizeof(err)), RM_OK);
    n = rm_xsel_nodes(each, &f->q, NULL, nodes, 8);
    assert_int_equal(n, 2);
    assert_int_equal(rm_xsel_values(id, &f->q, nodes[1], v, 4), 1);
    assert_string_equal(v[0], "8");
    assert_int_equal(rm_xsel_values(name, &f->q, nodes[0], v, 4), 1);
    assert_string_equal(v[0], "Anna");
    rm_xsel_free(each);
    rm_xsel_free(id);
    rm_xsel_free(name);
}

static void css_xpath_expressions(void **state)
{
    fixture *f = *state;
    char *got = sel(f, "count(//li)", false);
    assert_string_equal(got, "5");
    free(got);
    got = sel(f, "//div[@class='review'][2]/b/text()", false);
    assert_string_equal(got, "Boris");
    free(got);
    got = sel(f, "normalize-space(//p)", false);
    assert_string_equal(got, "para link");
    free(got);
}

static void css_compiles_to_expected_xpath(void **state)
{
    static const struct { const char *css, *xpath; } cases[] = {
        {"a", "descendant-or-self::a"},
        {"a@href", "descendant-or-self::a/@href"},
        {"::text", "self::*/text()"},
        {"ul > li", "descendant-or-self::ul/li"},
        {"a b", "descendant-or-self::a/descendant::b"},
        {"#x", "descendant-or-self::*[@id = 'x']"},
        {"p.a", "descendant-or-self::p[rm:has-token('class', 'a')]"},
        {"[rel~=next]", "descendant-or-self::*[rm:has-token('rel', 'next')]"},
        {"a:has(> b)", "descendant-or-self::a[child::b]"},
        {"[a=\"x'y\\\"z\"]", "descendant-or-self::*[@a = concat('x',\"'\",'y\"z')]"},
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(cases); i++) {
        rm_buf b;
        char err[128];
        rm_buf_init(&b, RM_BUF_NOLIMIT);
        assert_int_equal(rm_css_to_xpath(cases[i].css, &b, err, sizeof(err)), RM_OK);
        assert_string_equal(b.ptr, cases[i].xpath);
        rm_buf_release(&b);
    }
}

static void css_errors_say_where(void **state)
{
    static const struct { const char *css, *msg; } cases[] = {
        {"div[", "expected a name at the end"},
        {"div[a=b", "expected ']' at the end"},
        {"a >", "expected a selector at the end"},
        {"a:hover", "unsupported pseudo-class at the end"},
        {"a::before", "unknown pseudo-element (use ::text or ::attr(name)) at the end"},
        {"a) b", "unexpected character at column 2 (near ') b')"},
        {"*:first-of-type", "*-of-type needs an element name at the end"},
        {"li:nth-child(x)", "expected an+b at column 14 (near 'x)')"},
        {"a:not(b", "expected ')' at the end"},
        {"div:not(:not(", "expected a selector at the end"}, /* no read past the end */
        {"a::attr(x", "expected ')' at the end"},
        {"[a='x]", "unterminated string at the end"},
        {"a:has(b::text)", "pseudo-element inside :has() at column 8 (near '::text)')"},
        {"", "expected a selector at the end"},
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(cases); i++) {
        rm_buf b;
        char err[128] = "";
        rm_buf_init(&b, RM_BUF_NOLIMIT);
        assert_int_equal(rm_css_to_xpath(cases[i].css, &b, err, sizeof(err)), RM_EPARSE);
        assert_string_equal(err, cases[i].msg);
        assert_int_equal(b.len, 0);
        rm_buf_release(&b);
    }
}

static void css_bad_xpath_fails_at_compile(void **state)
{
    rm_xsel *s = NULL;
    char err[256] = "";
    (void)state;
    assert_int_equal(rm_xsel_compile("//div[", false, &s, err, sizeof(err)), RM_EPARSE);
    assert_true(strlen(err) > 0);
    /* Unknown functions compile in libxml2; trying them once catches them. */
    assert_int_equal(rm_xsel_compile("no-such-fn(//a)", false, &s, err, sizeof(err)), RM_EPARSE);
    assert_string_equal(err, "xmlXPathCompOpEval: function no-such-fn not found");
    assert_null(s);
}

static void css_deep_tree_copy_is_capped(void **state)
{
    enum { DEPTH = 5000 };
    rm_arena *a = rm_arena_new(1 << 20);
    rm_buf html;
    GumboOutput *g;
    xmlDocPtr doc;
    rm_xquery q;
    rm_xsel *s = NULL;
    char err[64];
    const char *v[2];
    (void)state;
    rm_buf_init(&html, RM_BUF_NOLIMIT);
    for (int i = 0; i < DEPTH; i++)
        (void)rm_buf_adds(&html, "<div>");
    (void)rm_buf_adds(&html, "<b>bottom</b>");
    assert_int_equal(rm_html_parse(html.ptr, html.len, a, &g), RM_OK);
    doc = rm_xdoc_new(g->document);
    assert_non_null(doc);
    assert_int_equal(rm_xquery_init(&q, doc, a), 0);
    /* Past the cap nodes become siblings under the capped ancestor: no text is lost. */
    assert_int_equal(rm_xsel_compile("count(//b)", false, &s, err, sizeof(err)), RM_OK);
    assert_int_equal(rm_xsel_values(s, &q, NULL, v, 2), 1);
    assert_string_equal(v[0], "1");
    rm_xsel_free(s);
    assert_int_equal(rm_xsel_compile("normalize-space(//b/..)", false, &s, err, sizeof(err)),
                     RM_OK);
    assert_int_equal(rm_xsel_values(s, &q, NULL, v, 2), 1);
    assert_string_equal(v[0], "bottom");
    rm_xsel_free(s);
    assert_int_equal(rm_xsel_compile("count(//*[count(ancestor::*) > 520])", false, &s, err,
                                     sizeof(err)), RM_OK);
    assert_int_equal(rm_xsel_values(s, &q, NULL, v, 2), 1);
    assert_string_equal(v[0], "0");
    rm_xsel_free(s);
    rm_xquery_release(&q);
    xmlFreeDoc(doc);
    rm_buf_release(&html);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(css_basic_selectors, setup, teardown),
        cmocka_unit_test_setup_teardown(css_attribute_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(css_value_access, setup, teardown),
        cmocka_unit_test_setup_teardown(css_runs_relative_to_an_element, setup, teardown),
        cmocka_unit_test_setup_teardown(css_xpath_expressions, setup, teardown),
        cmocka_unit_test(css_compiles_to_expected_xpath),
        cmocka_unit_test(css_errors_say_where),
        cmocka_unit_test(css_bad_xpath_fails_at_compile),
        cmocka_unit_test(css_deep_tree_copy_is_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
