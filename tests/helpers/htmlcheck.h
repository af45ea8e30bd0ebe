/* Checks on HTML that revmine writes (the report), shared by unit and integration tests.
 *
 * Thread-safety: test main threads only. */
#ifndef RM_TEST_HTMLCHECK_H
#define RM_TEST_HTMLCHECK_H

/* Fails the test unless html is self-contained: no URL, src, href or external element in any
 * tag, no url() or @import in the style sheet, exactly one (inline) script. Database text must
 * be escaped, so every raw '<' starts one of the page's own tags. */
void rm_expect_self_contained_html(const char *html);

#endif
