/* JSONPath subset: the table in tests/fixtures/jsonpath/cases.tsv over product.json, plus
 * callbacks, limits and error reporting. */
#include "core/rm.h"

#include "extractors/jsonpath.h"
#include "tests/helpers/testutil.h"

static json_t *load_doc(void)
{
    json_error_t e;
    size_t len;
    char *text = rm_test_read_fixture("jsonpath/product.json", &len);
    json_t *doc = json_loadb(text, len, JSON_ALLOW_NUL, &e);
    free(text);
    if (!doc)
        fail_msg("product.json:%d: %s", e.line, e.text);
    return doc;
}

/* Evaluates expr on doc and writes the matches as a compact JSON array, or "ERR <pos>". */
static char *run_case(const char *expr, json_t *doc)
{
    rm_jsonpath *jp;
    rm_jsonpath_err err;
    json_t *arr;
    rm_buf b;
    char *s;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    if (rm_jsonpath_compile(expr, &jp, &err) != RM_OK) {
        assert_non_null(strstr(err.msg, "position "));
        rm_buf_addf(&b, "ERR %zu", err.pos);
        return rm_buf_detach(&b, NULL);
    }
    arr = json_array();
    assert_int_equal(rm_jsonpath_collect(jp, doc, arr), RM_OK);
    s = json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    rm_buf_adds(&b, s);
    free(s);
    json_decref(arr);
    rm_jsonpath_free(jp);
    return rm_buf_detach(&b, NULL);
}

static void jsonpath_table(void **state)
{
    json_t *doc = load_doc();
    size_t len, start = 0;
    char *data = rm_test_read_fixture("jsonpath/cases.tsv", &len);
    int lineno = 0, cases = 0, bad = 0;

    (void)state;
    for (size_t i = 0; i <= len; i++) {
        char *line, *tab, *got;
        if (i < len && data[i] != '\n')
            continue;
        lineno++;
        data[i < len ? i : len] = '\0';
        line = data + start;
        start = i + 1;
        if (!*line || *line == '#')
            continue;
        tab = strchr(line, '\t');
        if (!tab)
            fail_msg("cases.tsv:%d: no TAB", lineno);
        *tab = '\0';
        got = run_case(line, doc);
        cases++;
        if (strcmp(got, tab + 1)) {
            print_error("cases.tsv:%d: %s: want %s, got %s\n", lineno, line, tab + 1, got);
            bad++;
        }
        free(got);
    }
    print_message("cases.tsv: %d cases, %d failed\n", cases, bad);
    free(data);
    json_decref(doc);
    assert_true(cases >= 80);
    assert_int_equal(bad, 0);
}

static void jsonpath_root_and_first_are_borrowed(void **state)
{
    json_t *doc = load_doc();
    rm_jsonpath *jp;
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$", &jp, NULL), RM_OK);
    assert_ptr_equal(rm_jsonpath_first(jp, doc), doc);
    rm_jsonpath_free(jp);
    assert_int_equal(rm_jsonpath_compile("$..reviewRating.ratingValue", &jp, NULL), RM_OK);
    assert_int_equal(json_integer_value(rm_jsonpath_first(jp, doc)), 5);
    rm_jsonpath_free(jp);
    assert_int_equal(rm_jsonpath_compile("$.missing", &jp, NULL), RM_OK);
    assert_null(rm_jsonpath_first(jp, doc));
    assert_null(rm_jsonpath_first(jp, NULL));
    rm_jsonpath_free(jp);
    json_decref(doc);
}

typedef struct counter {
    int calls, stop_after;
} counter;

static bool count_cb(json_t *value, void *ctx)
{
    counter *c = ctx;
    (void)value;
    return ++c->calls < c->stop_after;
}

static void jsonpath_callback_stops_the_walk(void **state)
{
    json_t *doc = load_doc();
    rm_jsonpath *jp;
    counter c = {0, 1000};
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$..*", &jp, NULL), RM_OK);
    assert_int_equal(rm_jsonpath_eval(jp, doc, count_cb, &c), RM_OK);
    assert_true(c.calls > 40);
    c.calls = 0;
    c.stop_after = 3;
    assert_int_equal(rm_jsonpath_eval(jp, doc, count_cb, &c), RM_OK);
    assert_int_equal(c.calls, 3);
    rm_jsonpath_free(jp);
    json_decref(doc);
}

/* One compiled path serves many documents. */
static void jsonpath_compiles_once_for_many_documents(void **state)
{
    rm_jsonpath *jp;
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$.offers[0].price", &jp, NULL), RM_OK);
    for (int i = 0; i < 100; i++) {
        json_t *doc = json_pack("{s:[{s:i}]}", "offers", "price", i);
        assert_int_equal(json_integer_value(rm_jsonpath_first(jp, doc)), i);
        json_decref(doc);
    }
    rm_jsonpath_free(jp);
}

static void jsonpath_collect_needs_an_array(void **state)
{
    json_t *doc = json_pack("{s:i}", "a", 1), *obj = json_object();
    rm_jsonpath *jp;
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$.a", &jp, NULL), RM_OK);
    assert_int_equal(rm_jsonpath_collect(jp, doc, obj), RM_EINVAL);
    assert_int_equal(rm_jsonpath_collect(jp, doc, NULL), RM_EINVAL);
    rm_jsonpath_free(jp);
    json_decref(obj);
    json_decref(doc);
}

/* Builds {"x":{"x":{...}}} depth levels deep (deeper than json_loads() allows). */
static json_t *nested(int depth)
{
    json_t *v = json_integer(7);
    for (int i = 0; i < depth; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "x", v);
        v = o;
    }
    return v;
}

static void jsonpath_depth_is_bounded(void **state)
{
    json_t *ok = nested(2000), *deep = nested(RM_JSONPATH_MAX_DEPTH + 10);
    json_t *arr = json_array();
    rm_jsonpath *jp;
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$..x", &jp, NULL), RM_OK);
    assert_int_equal(rm_jsonpath_collect(jp, ok, arr), RM_OK);
    assert_int_equal(json_array_size(arr), 2000);
    assert_int_equal(rm_jsonpath_eval(jp, deep, count_cb, &(counter){0, 1 << 30}), RM_ETOOBIG);
    rm_jsonpath_free(jp);
    /* first() reports nothing found when the walk hit the bound before any match. */
    assert_int_equal(rm_jsonpath_compile("$..y", &jp, NULL), RM_OK);
    assert_null(rm_jsonpath_first(jp, deep));
    rm_jsonpath_free(jp);
    json_decref(arr);
    json_decref(ok);
    json_decref(deep);
}

static void jsonpath_rejects_oversized_expressions(void **state)
{
    char *big = rm_xmalloc(RM_JSONPATH_MAX_LEN + 2);
    rm_buf steps;
    rm_jsonpath *jp = NULL;
    rm_jsonpath_err err;
    (void)state;

    memset(big, 'a', RM_JSONPATH_MAX_LEN + 1);
    big[0] = '$', big[1] = '.';
    big[RM_JSONPATH_MAX_LEN + 1] = '\0';
    assert_int_equal(rm_jsonpath_compile(big, &jp, &err), RM_ETOOBIG);
    assert_non_null(strstr(err.msg, "longer than"));
    free(big);

    rm_buf_init(&steps, RM_BUF_NOLIMIT);
    rm_buf_adds(&steps, "$");
    for (int i = 0; i < 257; i++)
        rm_buf_adds(&steps, ".a");
    assert_int_equal(rm_jsonpath_compile(steps.ptr, &jp, &err), RM_EPARSE);
    assert_non_null(strstr(err.msg, "too many steps"));
    rm_buf_release(&steps);
}

/* Names may hold NUL (written \u0000); jansson only stores such keys through the *n calls. */
static void jsonpath_names_with_nul(void **state)
{
    json_t *doc = json_object();
    rm_jsonpath *jp;
    (void)state;
    json_object_setn_new(doc, "a\0b", 3, json_integer(1));
    json_object_set_new(doc, "a", json_integer(2));
    assert_int_equal(rm_jsonpath_compile("$['a\\u0000b']", &jp, NULL), RM_OK);
    assert_int_equal(json_integer_value(rm_jsonpath_first(jp, doc)), 1);
    rm_jsonpath_free(jp);
    json_decref(doc);
}

static void jsonpath_error_messages(void **state)
{
    rm_jsonpath *jp = NULL;
    rm_jsonpath_err err;
    (void)state;
    assert_int_equal(rm_jsonpath_compile("$.offers[0", &jp, &err), RM_EPARSE);
    assert_string_equal(err.msg, "position 10: '[' is never closed");
    assert_int_equal(rm_jsonpath_compile("$['a\tb']", &jp, &err), RM_EPARSE);
    assert_string_equal(err.msg, "position 4: control character in string");
    assert_int_equal(rm_jsonpath_compile("$[?(@.price)]", &jp, &err), RM_EPARSE);
    assert_string_equal(err.msg, "position 2: expected a quoted name, an index or '*'");
    assert_null(jp);
    /* err may be NULL */
    assert_int_equal(rm_jsonpath_compile("$[", &jp, NULL), RM_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jsonpath_table),
        cmocka_unit_test(jsonpath_root_and_first_are_borrowed),
        cmocka_unit_test(jsonpath_callback_stops_the_walk),
        cmocka_unit_test(jsonpath_compiles_once_for_many_documents),
        cmocka_unit_test(jsonpath_collect_needs_an_array),
        cmocka_unit_test(jsonpath_depth_is_bounded),
        cmocka_unit_test(jsonpath_rejects_oversized_expressions),
        cmocka_unit_test(jsonpath_names_with_nul),
        cmocka_unit_test(jsonpath_error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
