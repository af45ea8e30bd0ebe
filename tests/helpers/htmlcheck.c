#include "core/rm.h"
#include "tests/helpers/htmlcheck.h"
#include "tests/helpers/testutil.h"

static size_t occurrences(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

void rm_expect_self_contained_html(const char *html)
{
    static const char *const in_tags[] = {"http:", "https:", "src=", "href=", "url(", "<link",
                                          "<iframe", "<object", "<img", "<embed"};
    const char *style = strstr(html, "<style>"), *style_end = strstr(html, "</style>");
    char *text;

    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        text = rm_xstrndup(p, (size_t)(end - p + 1));
        for (size_t i = 0; i < RM_ARRAY_LEN(in_tags); i++)
            if (strstr(text, in_tags[i]))
                fail_msg("tag %s contains %s", text, in_tags[i]);
        free(text);
    }
    assert_non_null(style);
    assert_non_null(style_end);
    text = rm_xstrndup(style, (size_t)(style_end - style));
    assert_null(strstr(text, "url("));
    assert_null(strstr(text, "@import"));
    free(text);
    assert_int_equal(occurrences(html, "<script"), 1);
}
