/* HTML tree: Gumbo in the arena, tag soup, iterative walks, visible text, fragments. */
#include "core/rm.h"

#include <sys/mman.h>
#include <unistd.h>

#include "core/arena.h"
#include "extractors/charset.h"
#include "extractors/html.h"
#include "tests/helpers/testutil.h"

static GumboOutput *parse(rm_arena *a, const char *html)
{
    GumboOutput *doc = NULL;
    assert_int_equal(rm_html_parse(html, strlen(html), a, &doc), RM_OK);
    return doc;
}

static const GumboNode *find(const GumboOutput *doc, GumboTag tag, const char *cls)
{
    for (const GumboNode *n = doc->document; n; n = rm_html_next(n, doc->document))
        if (rm_html_is(n, tag) && (!cls || rm_html_has_token(rm_html_attr(n, "class"), cls, false)))
            return n;
    return NULL;
}

static char *text_of(const GumboNode *n)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_html_text(n, &b);
    return rm_html_squash(rm_buf_detach(&b, NULL));
}

static void html_tag_soup_parses_like_browsers(void **state)
{
    rm_arena *a = rm_arena_new(1 << 16);
    GumboOutput *doc;
    const GumboNode *td, *p;
    char *t;
    (void)state;
    /* Unclosed <p> and <li>, a stray </div>, a table cell outside a row, unquoted values. */
    doc = parse(a, "<TITLE>x</title><DIV class=box><p>one<p>two</div></div>"
                   "<ul><li>a<li>b</ul><table><td class=c>cell</table><b><i>bi</b>i</i>");
    td = find(doc, GUMBO_TAG_TD, "c");
    assert_non_null(td);
    /* The parser made the missing <tbody><tr> around the cell. */
    assert_true(rm_html_is(td->parent, GUMBO_TAG_TR));
    p = find(doc, GUMBO_TAG_P, NULL);
    t = text_of(p);
    assert_string_equal(t, "one");
    free(t);
    t = text_of(find(doc, GUMBO_TAG_DIV, "box"));
    assert_string_equal(t, "one\ntwo");
    free(t);
    t = text_of(find(doc, GUMBO_TAG_UL, NULL));
    assert_string_equal(t, "a\nb");
    free(t);
    assert_true(rm_arena_used(a) > 0);
    rm_arena_free(a);
}

static void html_text_skips_script_and_breaks_blocks(void **state)
{
    rm_arena *a = rm_arena_new(1 << 16);
    GumboOutput *doc;
    char *t;
    (void)state;
    doc = parse(a, "<div class=r>Great&nbsp;kettle<br>boils <b>fast</b>."
                   "<script>var x = '<p>no</p>';</script><style>p{}</style>"
                   "<p>Second &amp; last</p><template>hidden</template><noscript>ns</noscript>"
                   "</div>");
    t = text_of(find(doc, GUMBO_TAG_DIV, "r"));
    assert_string_equal(t, "Great kettle\nboils fast.\nSecond & last");
    free(t);
    rm_arena_free(a);
}

static void html_deep_nesting_walks_without_recursion(void **state)
{
    enum { DEPTH = 100000 };
    rm_arena *a = rm_arena_new(1 << 20);
    rm_buf html;
    GumboOutput *doc;
    size_t elements = 0;
    char *t;
    (void)state;
    rm_buf_init(&html, RM_BUF_NOLIMIT);
    for (int i = 0; i < DEPTH; i++)
        (void)rm_buf_adds(&html, "<span>");
    (void)rm_buf_adds(&html, "deep");
    assert_int_equal(rm_html_parse(html.ptr, html.len, a, &doc), RM_OK);
    for (const GumboNode *n = doc->document; n; n = rm_html_next(n, doc->document))
        elements += rm_html_is(n, GUMBO_TAG_SPAN);
    assert_int_equal(elements, DEPTH);
    t = text_of(doc->root);
    assert_string_equal(t, "deep");
    free(t);
    rm_buf_release(&html);
    rm_arena_free(a);
}

static void html_next_skip_leaves_subtree(void **state)
{
    rm_arena *a = rm_arena_new(1 << 16);
    GumboOutput *doc = parse(a, "<div id=a><p><i>x</i></p></div><div id=b></div>");
    const GumboNode *first = find(doc, GUMBO_TAG_DIV, NULL), *n;
    (void)state;
    n = rm_html_next_skip(first, doc->document);
    assert_true(rm_html_is(n, GUMBO_TAG_DIV));
    assert_string_equal(rm_html_attr(n, "id"), "b");
    /* Inside a subtree, the walk stops at its root. */
    assert_null(rm_html_next_skip(first, first));
    rm_arena_free(a);
}

static void html_tokens_and_names(void **state)
{
    rm_arena *a = rm_arena_new(1 << 16);
    GumboOutput *doc = parse(a, "<my-Widget data-x=1>w</my-widget>");
    const GumboNode *n;
    (void)state;
    assert_true(rm_html_has_token(" h-card  p-author\tx", "p-author", false));
    assert_false(rm_html_has_token("h-cards", "h-card", false));
    assert_true(rm_html_has_token("NoFollow Next", "next", true));
    assert_false(rm_html_has_token("NoFollow Next", "next", false));
    assert_false(rm_html_has_token(NULL, "next", true));
    for (n = doc->root; n && !rm_html_attr(n, "data-x"); n = rm_html_next(n, doc->root))
        ;
    assert_non_null(n);
    assert_string_equal(rm_html_tag_name(n, a), "my-widget");
    rm_arena_free(a);
}

static void html_squash(void **state)
{
    char s[] = "  a \t\n b\xC2\xA0\xC2\xA0" "c\xE2\x80\x8B" "d  ";
    (void)state;
    assert_string_equal(rm_html_squash(s), "a\nb cd");
}

static void html_refuses_oversized_pages(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    GumboOutput *doc = NULL;
    char c = '<';
    (void)state;
    /* The size is checked before the bytes are read. */
    assert_int_equal(rm_html_parse(&c, RM_HTML_MAX_BYTES + 1, a, &doc), RM_ETOOBIG);
    assert_null(doc);
    rm_arena_free(a);
}

/* Input that ends exactly at an unreadable page: any read past the end traps. */
static void html_reads_nothing_past_the_end(void **state)
{
    static const char *const inputs[] = {
        "<p class=\"t\">unterminated &am", "<meta charset=\"windows-1251", "<!-- open comment",
        "<a href='x", "<?xml version=\"1.0\" encoding=\"koi8", "\xEF\xBB", "<", ""};
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    rm_arena *a = rm_arena_new(1 << 16);
    (void)state;
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (size_t i = 0; i < RM_ARRAY_LEN(inputs); i++) {
        size_t n = strlen(inputs[i]), hlen;
        char *at = map + pg - n, cs[RM_CHARSET_MAX];
        const char *html;
        GumboOutput *doc;
        size_t skip;
        memcpy(at, inputs[i], n);
        skip = rm_charset_sniff(NULL, at, n, cs);
        assert_int_equal(rm_charset_to_utf8(cs, at + skip, n - skip, a, &html, &hlen), RM_OK);
        assert_int_equal(rm_html_parse(at, n, a, &doc), RM_OK);
        rm_arena_reset(a);
    }
    munmap(map, (size_t)pg * 2);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_tag_soup_parses_like_browsers),
        cmocka_unit_test(html_text_skips_script_and_breaks_blocks),
        cmocka_unit_test(html_deep_nesting_walks_without_recursion),
        cmocka_unit_test(html_next_skip_leaves_subtree),
        cmocka_unit_test(html_tokens_and_names),
        cmocka_unit_test(html_squash),
        cmocka_unit_test(html_refuses_oversized_pages),
        cmocka_unit_test(html_reads_nothing_past_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
