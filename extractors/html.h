/* HTML5 tree of one page (Gumbo), allocated from the page arena, and small helpers to read it.
 *
 * Thread-safety: any thread; a tree belongs to the thread that owns its arena.
 *
 * Gumbo gets the arena as allocator and a no-op deallocator (STYLE.md section 6): the whole
 * tree goes with one rm_arena_reset(), and a page can never make the parser fail allocation
 * because its size is capped before parsing. Walks here are iterative (parent links), so tag
 * soup nested a million deep costs no stack. */
#ifndef RM_HTML_H
#define RM_HTML_H

#include <gumbo.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* HTML's ASCII whitespace: space, tab, LF, CR and FF. Inline: scanners call it per byte. */
static inline bool rm_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Pages above this are refused before parsing: the tree costs about ten times the page. */
#define RM_HTML_MAX_BYTES ((size_t)16 << 20)

/* Parses len bytes of UTF-8 (invalid bytes become U+FFFD). The tree comes from a and points
 * into html, which must outlive it. RM_ETOOBIG above RM_HTML_MAX_BYTES.
 *
 * Script and style contents are cut out before parsing (the tokenizer is slowest on raw text,
 * and product pages carry kilobytes of JSON-LD and CSS) and put back as the elements' text
 * nodes, so the tree is the one Gumbo builds from the whole page (extractors/rawtext.h tells
 * which contents are cut). Then original_tag and the positions of elements point into a copy of the
 * page in a, not into html; nothing here reads them as offsets into html. */
RM_MUST_CHECK rm_err rm_html_parse(const char *html, size_t len, rm_arena *a,
                                   GumboOutput **out);
/* The same tree from Gumbo's parse of the whole page, nothing cut: what rm_html_parse() falls
 * back to, and the reference bench_extract times it against. Same ownership and limit. */
RM_MUST_CHECK rm_err rm_html_parse_whole(const char *html, size_t len, rm_arena *a,
                                         GumboOutput **out);

/* Parses an HTML fragment (as inside a <div>), such as HTML held in a JSON string. Same
 * ownership as rm_html_parse(); the fragment's nodes are the children of (*out)->root. */
RM_MUST_CHECK rm_err rm_html_parse_fragment(const char *html, size_t len, rm_arena *a,
                                            GumboOutput **out);

/* Next node after n in document order inside root's subtree (NULL after the last). */
const GumboNode *rm_html_next(const GumboNode *n, const GumboNode *root);
/* Like rm_html_next, but skips n's children. */
const GumboNode *rm_html_next_skip(const GumboNode *n, const GumboNode *root);

/* The attribute's value (decoded), or NULL; name in lower case, as the parser stores HTML
 * attribute names. Points into the tree. */
const char *rm_html_attr(const GumboNode *el, const char *name);
/* True when the space-separated list (a class or rel value) holds token, ASCII
 * case-insensitively when nocase. list may be NULL. */
bool rm_html_has_token(const char *list, const char *token, bool nocase);
/* True for an element of that tag. */
bool rm_html_is(const GumboNode *n, GumboTag tag);
/* The element's tag name in lower case (custom and unknown tags too); from the tree or a. */
const char *rm_html_tag_name(const GumboNode *el, rm_arena *a);

/* Appends the visible text of n to b: text nodes in order, script/style/template skipped,
 * block elements and <br> separated by a newline. Whitespace is left for the caller. */
void rm_html_text(const GumboNode *n, rm_buf *b);

/* Collapses each run of white space to one space (or one newline when the run holds one) and
 * trims both ends, in place. Returns s. */
char *rm_html_squash(char *s);

#endif
