/* The JSONPath subset rule files use on JSON API responses. */
#include "core/rm.h"
#include "extractors/jsonsel.h"
#include "tests/helpers/testutil.h"

static const char doc[] =
    "{\"data\":{\"reviews\":[{\"id\":1,\"author\":{\"name\":\"Ann\"},\"tags\":[\"a\",\"b\"]},"
    "{\"id\":2,\"author\":{\"name\":\"Bob\"}},{\"id\":3}]},"
    "\"odd key\":{\"x\":true},\"@type\":\"Thing\",\"meta\":{\"author\":{\"name\":\"Meta\"}}}";

static bool collect(json_t *v, void *ctx)
{
    rm_buf *b = ctx;
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    (void)rm_buf_addf(b, "%s%s", b->len ? "|" : "", s);
    free(s);
    return true;
}

static char *run(const char *expr)
{
    json_error_t e;
    json_t *root = json_loads(doc, 0, &e);
    rm_jsonsel *js = NULL;
    rm_jsonsel_err err;
    rm_buf b;

    if (rm_jsonsel_compile(expr, &js, &err) != RM_OK)
        fail_msg("%s: %s", expr, err.msg);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_jsonsel_eval(js, root, collect, &b);
    rm_jsonsel_free(js);
    json_decref(root);
    return rm_buf_detach(&b, NULL);
}

#define EXPECT(expr, want)                  \
    do {                                    \
        char *got_ = run(expr);             \
        assert_string_equal(got_, (want));  \
        free(got_);                         \
    } while (0)

static void jsonsel_paths(void **state)
{
    (void)state;
    EXPECT("$.data.reviews[*].id", "1|2|3");
    EXPECT("$.data.reviews[-1].id", "3");
    EXPECT("$.data.reviews[5].id", "");
    EXPECT("$['odd key'].x", "true");
    EXPECT("$[\"data\"][\"reviews\"][0].author.name", "\"Ann\"");
    EXPECT("$.@type", "\"Thing\"");
    EXPECT("$..author.name", "\"Ann\"|\"Bob\"|\"Meta\"");
    EXPECT("$.data.reviews[0].tags[*]", "\"a\"|\"b\"");
    EXPECT("$.data.reviews[0].*", "1|{\"name\":\"Ann\"}|[\"a\",\"b\"]");
    EXPECT("data.reviews[1].id", "2");
    EXPECT("$", "{\"data\":{\"reviews\":[{\"id\":1,\"author\":{\"name\":\"Ann\"},\"tags\":[\"a\",\"b\"]},"
                "{\"id\":2,\"author\":{\"name\":\"Bob\"}},{\"id\":3}]},\"odd key\":{\"x\":true},"
                "\"@type\":\"Thing\",\"meta\":{\"author\":{\"name\":\"Meta\"}}}");
}

static bool stop_after_one(json_t *v, void *ctx)
{
    (void)v;
    (*(int *)ctx)++;
    return false;
}

static void jsonsel_callback_stops(void **state)
{
    json_error_t e;
    json_t *root = json_loads(doc, 0, &e);
    rm_jsonsel *js = NULL;
    int n = 0;
    (void)state;
    assert_int_equal(rm_jsonsel_compile("$..id", &js, NULL), RM_OK);
    rm_jsonsel_eval(js, root, stop_after_one, &n);
    assert_int_equal(n, 1);
    rm_jsonsel_free(js);
    json_decref(root);
}

static void jsonsel_errors(void **state)
{
    static const struct { const char *expr, *msg; } cases[] = {
        {"$.a[", "position 5: expected '*', a quoted name or an index"},
        {"$.a[1", "position 6: expected ']'"},
        {"$.['x]", "position 3: expected a name"},
        {"$['x]", "position 3: unterminated name"},
        {"$ a", "position 2: expected '.' or '['"},
        {"$.", "position 3: expected a name"},
        {"$['ok'd] x", "position 7: expected ']'"}, /* the name read before the error is freed */
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(cases); i++) {
        rm_jsonsel *js = NULL;
        rm_jsonsel_err err;
        assert_int_equal(rm_jsonsel_compile(cases[i].expr, &js, &err), RM_EPARSE);
        assert_string_equal(err.msg, cases[i].msg);
        assert_null(js);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonsel_paths),
        cmocka_unit_test(jsonsel_callback_stops),
        cmocka_unit_test(jsonsel_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
