/* rm_jsonpath: a JSONPath subset over jansson values, compiled once and evaluated many times.
 *
 * Thread-safety: a compiled path is immutable; any number of threads may evaluate one
 * rm_jsonpath at once. Evaluation only reads the JSON (rm_jsonpath_collect() takes
 * references, which is safe while no thread changes the values).
 *
 * Syntax (RFC 9535 without filters, slices and functions; README "JSONPath"):
 *   $                the root ("$" may be left out: "offers.price" is "$.offers.price")
 *   .name ['name'] ["name"]   member of an object; in a name, letters, digits, _ @ $ - : and
 *                    any non-ASCII byte, so ".@type" and ".schema:name" work unquoted
 *   [n] [-n]         array element, negative from the end
 *   [*] .*           every member value (in document order) or element
 *   ..name ..* ..[n] recursive descent: the selector applied to the node and every descendant
 *   ['a','b'] [0,-1] several selectors in one bracket, results in selector order
 *
 *   rm_jsonpath *jp;
 *   rm_jsonpath_err e;
 *   if (rm_jsonpath_compile("$..offers[0].price", &jp, &e))
 *       rm_diag_add(diag, file, line, field, "%s", e.msg);   // "position 9: ..."
 *   json_t *price = rm_jsonpath_first(jp, root);
 *   rm_jsonpath_free(jp);
 */
#ifndef RM_JSONPATH_H
#define RM_JSONPATH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Expressions longer than this are not paths a rule file needs. */
#define RM_JSONPATH_MAX_LEN 4096
/* Evaluation stops with RM_ETOOBIG past this nesting depth: jansson parses at most 2048
 * levels, and the bound keeps the walker's recursion within a worker thread's stack. */
#define RM_JSONPATH_MAX_DEPTH 2100

typedef struct rm_jsonpath rm_jsonpath;

typedef struct rm_jsonpath_err {
    size_t pos;    /* byte offset in the expression, 0-based */
    char msg[128]; /* "position 9: expected ']'" */
} rm_jsonpath_err;

/* Compiles the NUL-terminated expr; borrows it during the call only. On success *out is a new
 * path (free with rm_jsonpath_free()); on RM_EPARSE or RM_ETOOBIG, err (which may be NULL)
 * says where and why. */
RM_MUST_CHECK rm_err rm_jsonpath_compile(const char *expr, rm_jsonpath **out,
                                         rm_jsonpath_err *err);
void rm_jsonpath_free(rm_jsonpath *jp); /* NULL is fine */

/* Called once per match in document order with a borrowed value; return false to stop. */
typedef bool (*rm_jsonpath_cb)(json_t *value, void *ctx);

/* Evaluates jp on root (borrowed). Returns RM_OK (also when cb stopped early) or RM_ETOOBIG
 * when the JSON nests deeper than RM_JSONPATH_MAX_DEPTH. */
RM_MUST_CHECK rm_err rm_jsonpath_eval(const rm_jsonpath *jp, json_t *root, rm_jsonpath_cb cb,
                                      void *ctx);
/* Appends every match to the JSON array arr (each append takes a new reference).
 * RM_EINVAL when arr is not an array. */
RM_MUST_CHECK rm_err rm_jsonpath_collect(const rm_jsonpath *jp, json_t *root, json_t *arr);
/* Returns the first match (borrowed from root), or NULL when nothing matches. */
json_t *rm_jsonpath_first(const rm_jsonpath *jp, json_t *root);

#endif
