/* rm_jsonsel: the JSONPath subset rule files use on JSON API responses, over jansson values.
 *
 * Thread-safety: a compiled path is immutable; any number of threads may evaluate it at once.
 *
 * Syntax: $ (the root, or the element a repeated record stands on; may be left out: "a.b" is
 * "$.a.b"), .name, ['name'],
 * ["name"], [n] and [-n], [*] and .*, and recursive descent ..name / ..*. The interface has
 * the shape of extractors/jsonpath.h (compile once, evaluate with a callback), so rules.c
 * moves to that module by renaming these calls. */
#ifndef RM_JSONSEL_H
#define RM_JSONSEL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"

#define RM_JSONSEL_MAX_LEN 4096
#define RM_JSONSEL_MAX_STEPS 64
/* Recursive descent goes no deeper than this below where it starts. */
#define RM_JSONSEL_MAX_DEPTH 64

typedef struct rm_jsonsel rm_jsonsel;

typedef struct rm_jsonsel_err {
    size_t pos;    /* byte offset in the expression, 0-based */
    char msg[128]; /* "position 9: expected ']'" */
} rm_jsonsel_err;

/* Compiles expr (borrowed during the call); free with rm_jsonsel_free(). On RM_EPARSE, err
 * (may be NULL) says where and why. */
RM_MUST_CHECK rm_err rm_jsonsel_compile(const char *expr, rm_jsonsel **out,
                                        rm_jsonsel_err *err);
void rm_jsonsel_free(rm_jsonsel *js); /* NULL is fine */

/* Called per match in document order with a borrowed value; return false to stop. */
typedef bool (*rm_jsonsel_cb)(json_t *value, void *ctx);
/* Evaluates js on root (borrowed). */
void rm_jsonsel_eval(const rm_jsonsel *js, json_t *root, rm_jsonsel_cb cb, void *ctx);

#endif
