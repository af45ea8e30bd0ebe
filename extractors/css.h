/* CSS selectors compiled to XPath 1.0, as Scrapy's parsel and cssselect do, so libxml2 runs
 * CSS and XPath rules with one engine.
 *
 * Thread-safety: pure function; any thread.
 *
 * Supported: type and universal selectors, #id, .class, attribute selectors [a] [a=v] [a~=v]
 * [a|=v] [a^=v] [a$=v] [a*=v] (quoted or not, with an " i" flag for ASCII case), combinators
 * (descendant, >, +, ~), selector lists, :first-child :last-child :only-child
 * :nth-child(an+b|odd|even) :nth-last-child() :first-of-type :last-of-type :only-of-type
 * :nth-of-type() :nth-last-of-type() :not(compound) :has(relative selector) :contains("text")
 * :empty :root, and the value pseudo-elements ::text (child text nodes) and ::attr(name),
 * with "a@href" as a shorthand for "a::attr(href)". A selector of only a pseudo-element
 * ("::attr(href)", "::text", "@href") reads the context element itself.
 *
 * The XPath is relative to the context node and includes it (descendant-or-self::), so the
 * same selector works on the whole page and inside one repeated element. Class and ~= tests
 * call rm:has-token(), below; everything else is plain XPath 1.0. */
#ifndef RM_CSS_H
#define RM_CSS_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Longest selector accepted. */
#define RM_CSS_MAX_LEN 4096

/* The one extension function the XPath uses: rm:has-token(attribute name, token) is true when
 * the context element's attribute, split at HTML white space, holds token. rm_xsel_compile()
 * (xdoc.h) provides it; the prefix is bound to RM_XPATH_NS. */
#define RM_CSS_HAS_TOKEN "rm:has-token"
#define RM_XPATH_NS "urn:revmine:xpath"

/* Appends the XPath for css to out. On RM_EPARSE writes what is wrong, and where, into err
 * (such as "unexpected ')' at column 7"). Borrows css during the call only. */
RM_MUST_CHECK rm_err rm_css_to_xpath(const char *css, rm_buf *out, char *err, size_t err_size);

#endif
