/* The XPath shapes that simple CSS selectors compile to, run natively on the libxml2 copy.
 *
 * Thread-safety: a compiled rm_xfast is immutable; any number of threads may run it at once,
 * each on its own document.
 *
 * rm_css_to_xpath() writes a selector such as ".review__author a@href" as
 *   descendant-or-self::*[rm:has-token('class', 'review__author')]/descendant::a/@href
 * libxml2 evaluates that by pushing and copying XPath objects for every element it visits,
 * which made rule queries cost as much as the Gumbo parse, and needs the libxml2 copy of the
 * tree. An rm_xfast is the same expression as a small matcher (elements tested right to left
 * against their ancestors, as browsers match CSS), in one pass over the context's subtree in
 * document order, over any tree that rm_xfast_tree describes: the Gumbo tree itself, so most
 * rule pages need no copy, or the copy (xdoc.c).
 *
 * Recognised, exactly as css.c writes them (anything else is left to libxml2):
 *   path  := 'descendant-or-self::' step ('/descendant::' step)* [tail]
 *          | 'self::*' tail
 *   step  := ('*' | name) ('[' cond ']')*
 *   cond  := '@'a | '@'a ' = ' lit | 'starts-with(@'a ', ' lit ')' | 'contains(@'a ', ' lit ')'
 *          | 'rm:has-token(' lit ', ' lit ')'
 *   tail  := '/@'a | '/text()'
 *   expr  := path (' | ' path)*          (every path with the same tail)
 * lit is a quoted string holding no quote of its delimiter. Results equal libxml2's: the same
 * nodes, each once, in document order (tests/test_xfast.c compares both on the corpus). */
#ifndef RM_XFAST_H
#define RM_XFAST_H

#include <libxml/xmlstring.h>
#include <stdbool.h>

typedef struct rm_xfast rm_xfast;

/* A matcher for xpath when it has one of the shapes above, else NULL. Borrows xpath during
 * the call only; free the result with rm_xfast_free(). */
rm_xfast *rm_xfast_compile(const char *xpath);
void rm_xfast_free(rm_xfast *f); /* NULL is fine */

/* How to read a tree. Nodes are the tree's own pointers. */
typedef enum rm_xfast_kind {
    RM_XFAST_SKIP,    /* neither element nor text (a comment), or text merged into the one
                       * before it: XPath sees adjacent text as one node */
    RM_XFAST_ELEMENT,
    RM_XFAST_TEXT,
    RM_XFAST_DOC
} rm_xfast_kind;

typedef struct rm_xfast_tree {
    rm_xfast_kind (*kind)(const void *n);
    const void *(*parent)(const void *n);
    const void *(*child)(const void *n); /* first child, NULL for none */
    const void *(*next)(const void *n);  /* next sibling, NULL for none */
    /* An element's name as an unprefixed XPath name test compares it ("" to match none). */
    const char *(*name)(const void *n, void *ctx);
    /* An attribute's string value, NULL when the element has none of that name. */
    const char *(*attr)(const void *n, const char *name);
    void *ctx; /* for name() */
} rm_xfast_tree;

/* Called for each selected node in document order, with the attribute's value when the
 * expression ends in /@name (node is then its element); returns false to stop. */
typedef bool (*rm_xfast_emit)(const void *node, const char *attr, void *arg);

/* Runs f with ctx (an element, or the document node) as the context node. */
void rm_xfast_run(const rm_xfast *f, const rm_xfast_tree *t, const void *ctx,
                  rm_xfast_emit emit, void *arg);

/* True when f selects elements (not attributes or text). */
bool rm_xfast_elements(const rm_xfast *f);

/* True when list (an attribute value) holds token as one of its items separated by HTML
 * white space; an empty token is never held. rm:has-token() and .class tests mean this. */
bool rm_xfast_has_token(const xmlChar *list, const xmlChar *token);

#endif
