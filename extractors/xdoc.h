/* Compiled CSS/XPath selectors, run over a page's Gumbo tree or over its libxml2 copy.
 *
 * Thread-safety: a compiled rm_xsel is immutable and shared by all workers (libxml2 evaluates
 * one compiled expression in many threads at once, as libxslt does with stylesheets); a
 * document and an rm_xquery belong to one worker. rm_xsel_compile() changes libxml2's error
 * handler of the calling thread while it runs, so call it while loading rules.
 *
 * Gumbo parses (HTML5, like browsers). Selectors of the simple shapes most CSS rules have
 * (xfast.h) run natively, on the Gumbo tree itself; libxml2 answers the others (XPath axes
 * and functions, :nth-child() and friends) on a copy of the tree, made only for pages whose
 * rules need it. Both give the same values (tests/test_xfast.c). Nodes nested deeper than
 * RM_XDOC_MAX_DEPTH are attached to their ancestor at that depth in the copy, as Blink's
 * parser does at 512: tag soup a million levels deep keeps its text but cannot make XPath
 * axes quadratic in the depth; such pages are always queried on the copy. */
#ifndef RM_XDOC_H
#define RM_XDOC_H

#include <gumbo.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "extractors/xfast.h"

#define RM_XDOC_MAX_DEPTH 512

/* Copies the tree under document (a GUMBO_NODE_DOCUMENT) into a new libxml2 document; free
 * it with xmlFreeDoc() before the page arena is reset. */
xmlDocPtr rm_xdoc_new(const GumboNode *document);

typedef struct rm_xsel rm_xsel;

/* Compiles a CSS selector (css true) or an XPath 1.0 expression, and tries it once on an
 * empty document so unknown functions fail here, not at crawl time. On RM_EPARSE writes the
 * reason into err. Free with rm_xsel_free(). */
RM_MUST_CHECK rm_err rm_xsel_compile(const char *expr, bool css, rm_xsel **out, char *err,
                                     size_t err_size);
void rm_xsel_free(rm_xsel *s); /* NULL is fine */

/* True when s runs natively (rm_xfast), without libxml2: on either kind of query. */
bool rm_xsel_native(const rm_xsel *s);

/* A node of the tree a query runs on (a libxml2 or a Gumbo node); never dereferenced by
 * callers. NULL stands for the document. */
typedef struct rm_xnode rm_xnode;

/* One page's query state: over the libxml2 copy, or over the Gumbo tree itself. */
typedef struct rm_xquery {
    xmlDocPtr doc;           /* the copy, or NULL */
    const GumboNode *gumbo;  /* the Gumbo document, or NULL */
    xmlXPathContextPtr ctx;  /* with doc only */
    rm_xfast_tree tree;      /* private: how native selectors read the tree */
    rm_arena *arena;         /* values are copied here */
    rm_buf text;             /* private: reused for element text */
    xmlGenericErrorFunc old_generic; /* private: this thread's handler, restored on release */
    void *old_generic_ctx;
} rm_xquery;

/* Queries on the copy: every selector. Borrows doc and arena for the query's life. Returns
 * 0, or -1 when libxml2 fails. */
int rm_xquery_init(rm_xquery *q, xmlDocPtr doc, rm_arena *arena);
/* Queries on the Gumbo tree (document, a GUMBO_NODE_DOCUMENT), with no copy: only selectors
 * for which rm_xsel_native() holds select anything, with the same results as on the copy.
 * Returns -1 when the tree is nested deeper than RM_XDOC_MAX_DEPTH, where the copy differs
 * (use it then). Borrows document and arena for the query's life. */
int rm_xquery_init_gumbo(rm_xquery *q, const GumboNode *document, rm_arena *arena);
/* Call after either init, also when it failed. */
void rm_xquery_release(rm_xquery *q);

/* Elements s selects under node (the document when NULL); at most max into out. Returns the
 * count. */
size_t rm_xsel_nodes(const rm_xsel *s, rm_xquery *q, const rm_xnode *node,
                     const rm_xnode **out, size_t max);
/* String values s selects under node: an attribute's value, a text node's text, an element's
 * visible text (script and style skipped, blocks on their own lines), or the string an
 * expression like count() returns. At most max into out, each from q->arena. Returns the
 * count. */
size_t rm_xsel_values(const rm_xsel *s, rm_xquery *q, const rm_xnode *node, const char **out,
                      size_t max);
/* The HTML source of node, from q->arena (for regex selectors inside repeated elements);
 * NULL on a query over the Gumbo tree. */
const char *rm_xdoc_html(rm_xquery *q, const rm_xnode *node);

#endif
