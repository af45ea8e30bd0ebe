/* libFuzzer, differential: any bytes (as UTF-8, the way the extractor hands pages over) parse
 * through rm_html_parse(), which cuts script and style contents out before Gumbo and puts them
 * back, into the same tree as Gumbo's own parse of the whole page. Aborts on any difference. */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/charset.h"
#include "extractors/html.h"
#include "tests/helpers/gumbodiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rm_arena *a;
    GumboOptions opts = kGumboDefaultOptions;
    GumboOutput *ours, *whole;
    const char *html, *why;
    size_t len;

    if (!a)
        a = rm_arena_new(1 << 16);
    html = rm_charset_utf8((const char *)data, size, a, &len);
    if (rm_html_parse(html, len, a, &ours) != RM_OK)
        abort();
    opts.max_errors = 0;
    whole = gumbo_parse_with_options(&opts, html, len);
    why = rm_gumbodiff(ours->document, whole->document);
    if (why) {
        fprintf(stderr, "trees differ: %s\n", why);
        abort();
    }
    gumbo_destroy_output(&opts, whole);
    rm_arena_reset(a);
    return 0;
}
