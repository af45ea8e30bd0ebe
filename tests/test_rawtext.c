/* Script and style contents cut before parsing: the scanner finds what the tokenizer finds,
 * and rm_html_parse() builds the very tree Gumbo builds from the whole page, on hand-made
 * traps, every HTML fixture and thousands of generated pages. */
#include "core/rm.h"

#include <ftw.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/arena.h"
#include "extractors/html.h"
#include "extractors/rawtext.h"
#include "tests/helpers/gumbodiff.h"
#include "tests/helpers/testutil.h"

/* 64 bytes and more: long enough to be cut. */
#define JS "var s = \"<b>x</b>\", t = '</scrip' + 't>'; if (a < b && c > d) { f(s, t); }"
#define CSS "body { margin: 0 } a > b::after { content: \"</sty\" \"le>\"; color: #c0ffee }"

static size_t scan(const char *html, rm_rawtext_cut *cuts)
{
    return rm_rawtext_scan(html, strlen(html), cuts, RM_RAWTEXT_MAX_CUTS);
}

/* The cut's contents as a string (static buffer). */
static const char *cut_of(const char *html, const rm_rawtext_cut *c)
{
    static char out[4096];
    snprintf(out, sizeof(out), "%.*s", (int)(c->end - c->start), html + c->start);
    return out;
}

static void rawtext_finds_script_and_style_contents(void **state)
{
    rm_rawtext_cut c[RM_RAWTEXT_MAX_CUTS];
    const char *page = "<!DOCTYPE html><html><head><style media=\"a>b\">" CSS "</style>"
                       "<script type=\"application/ld+json\">" JS "</SCRIPT >"
                       "</head><body><p title='<script>'>hi</p><script>short</script>"
                       "<script src=x/>" JS "</script/></body></html>";
    (void)state;
    assert_int_equal(scan(page, c), 3);
    assert_true(c[0].style);
    assert_string_equal(cut_of(page, &c[0]), CSS);
    assert_int_equal(page[c[0].tag], '<');
    assert_int_equal(strncmp(page + c[0].tag, "<style", 6), 0);
    assert_false(c[1].style);
    assert_string_equal(cut_of(page, &c[1]), JS);
    assert_int_equal(strncmp(page + c[1].end, "</SCRIPT >", 10), 0);
    /* "short" is below the minimum; "src=x/" is a value, not a self-closing tag. */
    assert_string_equal(cut_of(page, &c[2]), JS);
}

static void rawtext_skips_what_is_not_a_script(void **state)
{
    rm_rawtext_cut c[RM_RAWTEXT_MAX_CUTS];
    static const char *const none[] = {
        /* Inside a comment, an attribute value, RCDATA and raw-text elements. */
        "<!-- <script>" JS "</script> -->",
        "<div title=\"<script>" JS "</script>\"></div>",
        "<textarea><script>" JS "</script></textarea>",
        "<title><style>" CSS "</style></title>",
        "<noscript><style>" CSS "</style></noscript>",
        "<iframe><script>" JS "</script></iframe>",
        /* Foreign content tokenizes <style> as markup. */
        "<svg><style>" CSS "</style></svg>",
        "<math><svg></svg><style>" CSS "</style></math>",
        /* Escaping decides where this one ends: not cut, and nothing after it either. */
        "<script><!--" JS "</script><style>" CSS "</style>",
        /* Unterminated, and after <plaintext> all is text. */
        "<script>" JS,
        "<plaintext><script>" JS "</script>",
        /* Control characters and NUL-free but invalid UTF-8 stay with the parser. */
        "<script>" JS "\x0b</script>",
        "<script>" JS "\xc2\x85</script>",
        "<script>" JS "\xff</script>",
        "<scripts>" JS "</scripts>",
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(none); i++) {
        size_t n = scan(none[i], c);
        if (n)
            fail_msg("cut %zu in input %zu: %s", n, i, none[i]);
    }
    /* After a closed <svg/> and a closed <svg>, cuts resume. */
    assert_int_equal(scan("<svg/><style>" CSS "</style>", c), 1);
    assert_int_equal(scan("<svg><g/></svg><style>" CSS "</style>", c), 1);
    assert_int_equal(scan("<!--> <style>" CSS "</style>", c), 1);
    assert_int_equal(scan("<!-- x --!> <style>" CSS "</style>", c), 1);
    assert_int_equal(scan("<script>\r\n" JS "\r</script>", c), 1);
    assert_true(c[0].has_cr);
}

/* --- the tree from rm_html_parse() against Gumbo's own on the whole page --- */

/* True when rm_html_parse() used cuts: its elements then point into its copy, not into html. */
static bool parsed_cut(const GumboOutput *doc, const char *html, size_t len)
{
    for (const GumboNode *n = doc->document; n; n = rm_html_next(n, doc->document))
        if (n->type == GUMBO_NODE_ELEMENT && n->v.element.original_tag.length)
            return n->v.element.original_tag.data < html ||
                   n->v.element.original_tag.data >= html + len;
    return false;
}

/* Compares the two trees of len bytes of html; returns whether the cut parse was used. */
static bool check_page(const char *html, size_t len, rm_arena *a)
{
    GumboOptions opts = kGumboDefaultOptions;
    GumboOutput *ours, *whole;
    const char *why;
    bool cut;

    opts.max_errors = 0;
    assert_int_equal(rm_html_parse(html, len, a, &ours), RM_OK);
    whole = gumbo_parse_with_options(&opts, html, len);
    why = rm_gumbodiff(ours->document, whole->document);
    if (why)
        fail_msg("%s differ in: %s", why, html);
    cut = parsed_cut(ours, html, len);
    gumbo_destroy_output(&opts, whole);
    rm_arena_reset(a);
    return cut;
}

static void rawtext_parse_matches_gumbo_on_traps(void **state)
{
    static const char *const pages[] = {
        "<html><head><style>" CSS "</style><script>" JS "</script></head><body>x</body>",
        "<script>\r\n" JS "\r\n\r" JS "</script>",
        "<table><tr><td>a<script>" JS "</script><style>" CSS "</style></td></tr></table>",
        "<table><style>" CSS "</style><tr><script>" JS "</script></table>",
        "<select><option>a<script>" JS "</script><style>" CSS "</style></select>",
        "<frameset><script>" JS "</script></frameset>",
        "<template><style>" CSS "</style><script>" JS "</script></template>",
        "<svg><style>" CSS "</style></svg><style>" CSS "</style>",
        "<svg><p><style>" CSS "</style></svg><style>" CSS "</style>",
        "<script>   \n\t                                                               </script>",
        "</head><script>" JS "</script><body><script>" JS "</script></body></html>"
        "<script>" JS "</script>",
        "<p><b><i><script>" JS "</script></b>x</i></p>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"x>\"><style>" CSS "</style>",
        "<?xml version='1.0'?><style>" CSS "</style><![CDATA[ <script> ]]>x",
        "<div a=\"1\"'b'=c d=<script>" JS "</script>e>",
        "<script>" JS "</script x=\"</script>\">",
        "<style>" CSS "</style\f><STYLE>" CSS "</StYlE/>",
        "<head><noscript><style>" CSS "</style></noscript></head>",
    };
    rm_arena *a = rm_arena_new(1 << 16);
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(pages); i++)
        check_page(pages[i], strlen(pages[i]), a);
    /* The plain case does take the cut path. */
    assert_true(check_page(pages[0], strlen(pages[0]), a));
    rm_arena_free(a);
}

static size_t fixtures_cut, fixtures_seen;
static rm_arena *fixture_arena;

static int check_fixture(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    rm_rawtext_cut cuts[RM_RAWTEXT_MAX_CUTS];
    size_t len, n = strlen(path);
    char *html;
    bool cut;

    (void)st;
    (void)ftw;
    if (flag != FTW_F || n < 5 || strcmp(path + n - 5, ".html"))
        return 0;
    html = rm_test_read_file(path, &len);
    assert_non_null(html);
    fixtures_seen++;
    cut = check_page(html, len, fixture_arena);
    /* Real pages never make the parser start again: what the scanner cuts, the tree holds. */
    if (rm_rawtext_scan(html, len, cuts, RM_RAWTEXT_MAX_CUTS) && !cut)
        fail_msg("%s was parsed twice", path);
    fixtures_cut += cut;
    free(html);
    return 0;
}

static void rawtext_parse_matches_gumbo_on_fixtures(void **state)
{
    char dir[FIXTURE_PATH_MAX];
    (void)state;
    snprintf(dir, sizeof(dir), "%s/tests/fixtures", rm_test_root());
    fixture_arena = rm_arena_new(1 << 16);
    assert_int_equal(nftw(dir, check_fixture, 16, FTW_PHYS), 0);
    rm_arena_free(fixture_arena);
    assert_true(fixtures_seen >= 20);
    assert_true(fixtures_cut >= 5);
}

/* Pages spliced from pieces that trip tokenizers, checked against Gumbo one by one. */
static void rawtext_parse_matches_gumbo_on_generated_pages(void **state)
{
    static const char *const pieces[] = {
        "<script>", "</script>", "<style>", "</style>", "<SCRIPT type=\"module\">", "</Script >",
        "</style/>", "<script a='>'>", "<style b=\">\">", JS, CSS, JS " <!-- ", " --> ",
        "<!--", "-->", "--!>", "<!-->", "<!", "<?", "</ x>", "<", ">", "/>", "=", "\"", "'",
        "<svg>", "</svg>", "<svg/>", "<math>", "</math>", "<textarea>", "</textarea>",
        "<title>", "</title>", "<noscript>", "</noscript>", "<iframe>", "</iframe>", "<xmp>",
        "</xmp>", "<table>", "<tr>", "<td>", "</table>", "<select>", "</select>", "<template>",
        "</template>", "<frameset>", "<head>", "</head>", "<body>", "</body>", "<p>", "<b>",
        "</b>", "<i>", "</i>", "<div title=\"", "\">", "<![CDATA[", "]]>", "\r\n", "\r", "\n",
        " ", "\x0b", "\xc2\x85", "\xd0\x9f\xd1\x80\xd0\xb8", "&amp;", "<!DOCTYPE html>",
        "<plaintext>", "<a href=x/>", "text",
    };
    rm_arena *a = rm_arena_new(1 << 16);
    uint64_t seed = 0x9E3779B97F4A7C15u;
    size_t cut = 0, pages = 4000;
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t p = 0; p < pages; p++) {
        size_t k;
        rm_buf_reset(&b);
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        k = 2 + seed % 30;
        for (size_t i = 0; i < k; i++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            /* Scripts and styles are drawn often enough for most pages to hold one. */
            if (seed % 5 == 0)
                (void)rm_buf_adds(&b, seed % 2 ? "<script>" JS "</script>"
                                               : "<style>" CSS "</style>");
            else
                (void)rm_buf_adds(&b, pieces[(seed >> 8) % RM_ARRAY_LEN(pieces)]);
        }
        cut += check_page(b.ptr, b.len, a);
    }
    /* Many pages took the cut path, so the comparison tested it. */
    assert_true(cut > pages / 4);
    rm_buf_release(&b);
    rm_arena_free(a);
}

/* Input that ends exactly at an unreadable page: the scanner reads nothing past the end. */
static void rawtext_reads_nothing_past_the_end(void **state)
{
    static const char *const inputs[] = {
        "<script>" JS, "<script>" JS "</scrip", "<script>" JS "</script", "<style", "<style a=\"",
        "<svg a='x", "<!-- x -", "<!--", "<!", "</", "<textarea>x</textarea", "<a b=c/",
        "<script>" JS "<!-", "<"};
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    rm_rawtext_cut c[RM_RAWTEXT_MAX_CUTS];
    (void)state;
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (size_t i = 0; i < RM_ARRAY_LEN(inputs); i++) {
        size_t n = strlen(inputs[i]);
        memcpy(map + pg - n, inputs[i], n);
        assert_int_equal(rm_rawtext_scan(map + pg - n, n, c, RM_RAWTEXT_MAX_CUTS), 0);
    }
    munmap(map, (size_t)pg * 2);
}

static void rawtext_stops_at_the_cut_limit(void **state)
{
    rm_arena *a = rm_arena_new(1 << 16);
    rm_rawtext_cut c[RM_RAWTEXT_MAX_CUTS];
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < RM_RAWTEXT_MAX_CUTS + 10; i++)
        (void)rm_buf_addf(&b, "<p>%zu</p><script>" JS "</script>", i);
    assert_int_equal(rm_rawtext_scan(b.ptr, b.len, c, RM_RAWTEXT_MAX_CUTS), RM_RAWTEXT_MAX_CUTS);
    /* The scripts past the limit are parsed in place, and the tree is still Gumbo's. */
    assert_true(check_page(b.ptr, b.len, a));
    rm_buf_release(&b);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rawtext_finds_script_and_style_contents),
        cmocka_unit_test(rawtext_skips_what_is_not_a_script),
        cmocka_unit_test(rawtext_parse_matches_gumbo_on_traps),
        cmocka_unit_test(rawtext_parse_matches_gumbo_on_fixtures),
        cmocka_unit_test(rawtext_parse_matches_gumbo_on_generated_pages),
        cmocka_unit_test(rawtext_reads_nothing_past_the_end),
        cmocka_unit_test(rawtext_stops_at_the_cut_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
