/* libFuzzer: selectors and rule files. The first byte picks the target: the CSS to XPath
 * compiler (and libxml2 compiling its output), an XPath expression, a JSONPath, or a whole
 * YAML rule file. Bad input must come back as an error with a message, never a crash. A CSS
 * selector that runs natively (xfast.h) must select what libxml2 selects, on the Gumbo tree
 * and on the copy of a small page with the usual corners. */
#include "core/rm.h"

#include <libxml/parser.h>

#include "core/arena.h"
#include "extractors/css.h"
#include "extractors/extract_int.h"
#include "extractors/html.h"
#include "extractors/jsonpath.h"
#include "extractors/xdoc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char page_html[] =
    "<html><head><title>T<!--c-->t</title></head><body class='a  b'>"
    "<div class=x id=i data-k=''>one<!--s-->two<span class=x>in</span>three"
    "<div class='x y' data-k='v w'>n <b>b</b> t<p>p</p>a</div></div>"
    "<ul><li class=i>1</li><li>2<ul><li class=i>3</li></ul></li></ul>"
    "<my-el class=x data-id=7><h3>h</h3></my-el><svg class=x><title>s</title></svg>"
    "<template class=x><p>t</p></template><a href='/c/1' rel='me next'>l</a>"
    "<table><tr><td class=c>1</td></tr></table><pre>  p </pre></body></html>";

/* The page, parsed once; queries on it only read. */
static rm_arena *page_arena;
static GumboOutput *page_tree;
static xmlDocPtr page_copy;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    page_arena = rm_arena_new(1 << 20);
    if (rm_html_parse(page_html, sizeof(page_html) - 1, page_arena, &page_tree) != RM_OK ||
        !(page_copy = rm_xdoc_new(page_tree->document)))
        abort();
    return 0;
}

/* Values of s on both trees, and of xpath (the same expression in parentheses, which only
 * libxml2 runs) on the copy: all equal. */
static void same_everywhere(const rm_xsel *s, const rm_xsel *xpath)
{
    rm_arena *a = rm_arena_new(1 << 16);
    rm_xquery on_gumbo, on_copy;
    const char *want[256], *got[256];
    size_t nw, ng;

    if (rm_xquery_init_gumbo(&on_gumbo, page_tree->document, a) ||
        rm_xquery_init(&on_copy, page_copy, a))
        abort();
    nw = rm_xsel_values(xpath, &on_copy, NULL, want, 256);
    for (int tree = 0; tree < 2; tree++) {
        ng = rm_xsel_values(s, tree ? &on_copy : &on_gumbo, NULL, got, 256);
        if (ng != nw)
            abort();
        for (size_t i = 0; i < nw; i++)
            if (strcmp(want[i], got[i]))
                abort();
    }
    rm_xquery_release(&on_gumbo);
    rm_xquery_release(&on_copy);
    rm_arena_free(a);
}

static void native_check(const char *css, const char *xpath)
{
    char err[256];
    rm_xsel *s = NULL, *x = NULL;
    rm_buf b;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    (void)rm_buf_addf(&b, "(%s)", xpath);
    if (rm_xsel_compile(css, true, &s, err, sizeof(err)) == RM_OK && rm_xsel_native(s) &&
        rm_xsel_compile(b.ptr, false, &x, err, sizeof(err)) == RM_OK)
        same_everywhere(s, x);
    rm_xsel_free(s);
    rm_xsel_free(x);
    rm_buf_release(&b);
}

static void selector(int kind, const char *s)
{
    char err[256] = "";
    rm_xsel *sel = NULL;
    rm_jsonpath *jp = NULL;
    rm_jsonpath_err jerr;
    rm_buf b;

    switch (kind) {
    case 0:
        rm_buf_init(&b, RM_BUF_NOLIMIT);
        if (rm_css_to_xpath(s, &b, err, sizeof(err)) != RM_OK && !err[0])
            abort();
        if (!err[0])
            native_check(s, b.ptr);
        rm_buf_release(&b);
        /* fall through: libxml2 must accept what the compiler writes */
    case 1:
        if (rm_xsel_compile(s, kind == 0, &sel, err, sizeof(err)) != RM_OK && !err[0])
            abort();
        rm_xsel_free(sel);
        break;
    default:
        if (rm_jsonpath_compile(s, &jp, &jerr) == RM_OK)
            rm_jsonpath_free(jp);
        else if (!jerr.msg[0])
            abort();
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_diag d;
    rm_rules *r = NULL;
    char *s;

    if (!size)
        return 0;
    if (data[0] % 4 == 3) {
        rm_diag_init(&d);
        if (rm_rules_load("fuzz.yaml", (const char *)data + 1, size - 1, &d, &r) == RM_OK)
            rm_rules_free(r);
        else if (!d.n)
            abort(); /* an error always says what is wrong */
        rm_diag_release(&d);
        return 0;
    }
    s = rm_xstrndup((const char *)data + 1, size - 1);
    selector(data[0] % 4, s);
    free(s);
    return 0;
}
