/* libFuzzer target for the JSONPath compiler and walker. Input: an expression, a newline,
 * then a JSON document. The expression is compiled (errors must point inside it); a compiled
 * path runs on the document when it parses and on a fixed JSON-LD-like one, and first() must
 * agree with the first collected match. */
#include "core/rm.h"
#include "extractors/jsonpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "broken promise: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static const char fixed_doc[] =
    "{\"@graph\":[{\"@type\":\"Product\",\"name\":\"x\",\"offers\":[{\"price\":\"1\"},"
    "{\"price\":2}],\"review\":[{\"author\":{\"name\":\"a\"},\"reviewRating\":"
    "{\"ratingValue\":5}}]},{\"@type\":\"BreadcrumbList\"}],\"a\":[[1,[2,[3]]],{\"\":null}]}";

static void run(const rm_jsonpath *jp, json_t *doc)
{
    json_t *arr = json_array(), *first;
    rm_err err = rm_jsonpath_collect(jp, doc, arr);

    CHECK(err == RM_OK || err == RM_ETOOBIG);
    first = rm_jsonpath_first(jp, doc);
    if (err == RM_OK)
        CHECK(first == (json_array_size(arr) ? json_array_get(arr, 0) : NULL));
    json_decref(arr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t elen = nl ? (size_t)(nl - data) : size;
    char *expr = rm_xstrndup((const char *)data, elen);
    rm_jsonpath *jp = NULL;
    rm_jsonpath_err e;
    json_t *doc = NULL, *fixed = NULL;

    if (rm_jsonpath_compile(expr, &jp, &e) != RM_OK) {
        CHECK(e.pos <= strlen(expr) && !strncmp(e.msg, "position ", 9));
        goto cleanup;
    }
    fixed = json_loads(fixed_doc, 0, NULL);
    run(jp, fixed);
    if (nl && (doc = json_loadb((const char *)nl + 1, size - elen - 1, JSON_DECODE_ANY, NULL)))
        run(jp, doc);
cleanup:
    json_decref(doc);
    json_decref(fixed);
    rm_jsonpath_free(jp);
    free(expr);
    return 0;
}
