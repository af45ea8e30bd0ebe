/* `revmine score` end to end: output formats, usage errors, hostile input. */
#include "core/rm.h"
#include "tests/helpers/testutil.h"

#include <jansson.h>

#define TIMEOUT_MS 20000

static char bin[FIXTURE_PATH_MAX];

static int setup(void **state)
{
    (void)state;
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    return 0;
}

static int score(const char *const *args, const char *input, char **out, char **err)
{
    char *argv[8] = {bin, "score"};
    int n = 2;
    for (; args && args[n - 2] && n < 7; n++)
        argv[n] = (char *)args[n - 2];
    argv[n] = NULL;
    return rm_test_run(argv, input, out, err, TIMEOUT_MS);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void cli_plain_lines(void **state)
{
    char *out = NULL, *err = NULL;
    double v;
    char label[8], lang[8];
    const char *line;
    (void)state;
    assert_int_equal(score(NULL, "Great product, fits perfectly!\nУжасное качество, брак\n\n", &out,
                           &err),
                     0);
    assert_int_equal(count_lines(out), 3);
    assert_int_equal(sscanf(out, "%lf\t%7s\t%7s", &v, label, lang), 3);
    assert_true(v > 0.5);
    assert_string_equal(label, "pos");
    assert_string_equal(lang, "en");
    line = strchr(out, '\n') + 1;
    assert_int_equal(sscanf(line, "%lf\t%7s\t%7s", &v, label, lang), 3);
    assert_true(v < -0.5);
    assert_string_equal(label, "neg");
    assert_string_equal(lang, "ru");
    line = strchr(line, '\n') + 1;
    assert_string_equal(line, "0.0000\tneu\tother\n");
    /* four decimals, as the contract says */
    assert_non_null(strchr(out, '.'));
    assert_int_equal(strchr(out, '\t') - strchr(out, '.'), 5);
    free(out);
    free(err);
}

static void cli_json_has_aspects_and_evidence(void **state)
{
    const char *args[] = {"--json", NULL};
    const char *text = "Delivery was fast, but the quality is poor";
    char *out = NULL, *err = NULL, input[128];
    json_t *j, *asp, *ev;
    json_error_t jerr;
    size_t i;
    bool seen_quality = false;
    (void)state;
    snprintf(input, sizeof(input), "%s\n", text);
    assert_int_equal(score(args, input, &out, &err), 0);
    j = json_loads(out, 0, &jerr);
    assert_non_null(j);
    assert_true(json_is_real(json_object_get(j, "score")));
    assert_string_equal(json_string_value(json_object_get(j, "label")), "neg");
    assert_string_equal(json_string_value(json_object_get(j, "lang")), "en");
    asp = json_object_get(j, "aspects");
    assert_true(json_array_size(asp) >= 2);
    json_array_foreach(asp, i, ev) {
        json_t *span = json_object_get(ev, "span");
        json_int_t s = json_integer_value(json_array_get(span, 0));
        json_int_t e = json_integer_value(json_array_get(span, 1));
        const char *t = json_string_value(json_object_get(ev, "text"));
        assert_memory_equal(text + s, t, (size_t)(e - s));
        if (!strcmp(json_string_value(json_object_get(ev, "aspect")), "quality")) {
            seen_quality = true;
            assert_string_equal(json_string_value(json_object_get(ev, "label")), "neg");
            assert_true(json_real_value(json_object_get(ev, "score")) < 0);
        }
    }
    assert_true(seen_quality);
    ev = json_object_get(j, "evidence");
    assert_true(json_array_size(ev) >= 2);
    assert_non_null(json_string_value(json_object_get(json_array_get(ev, 0), "term")));
    assert_true(json_is_number(json_object_get(json_array_get(ev, 0), "valence")));
    json_decref(j);
    free(out);
    free(err);
}

static void cli_lang_option_forces(void **state)
{
    const char *args[] = {"--lang", "ru", NULL};
    char *out = NULL, *err = NULL;
    (void)state;
    assert_int_equal(score(args, "good\n", &out, &err), 0);
    assert_non_null(strstr(out, "\tpos\tru\n"));
    free(out);
    free(err);
}

static void cli_usage_errors_exit_2(void **state)
{
    const char *bad_lang[] = {"--lang", "de", NULL};
    const char *extra[] = {"file.txt", NULL};
    const char *unknown[] = {"--bogus", NULL};
    const char *missing[] = {"--lang", NULL};
    const char *no_dir[] = {"--configs", "/nonexistent/dir", NULL};
    const char *const *cases[] = {bad_lang, extra, unknown, missing, no_dir};
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(cases); i++) {
        char *out = NULL, *err = NULL;
        assert_int_equal(score(cases[i], "good\n", &out, &err), 2);
        assert_string_equal(out, "");
        assert_true(strlen(err) > 0);
        free(out);
        free(err);
    }
}

static void cli_help_exits_0(void **state)
{
    const char *args[] = {"--help", NULL};
    char *out = NULL, *err = NULL;
    (void)state;
    assert_int_equal(score(args, NULL, &out, &err), 0);
    assert_non_null(strstr(out, "usage: revmine score"));
    free(out);
    free(err);
}

static void cli_invalid_utf8_gives_valid_json(void **state)
{
    const char *args[] = {"--json", NULL};
    char *out = NULL, *err = NULL;
    json_error_t jerr;
    json_t *j;
    (void)state;
    assert_int_equal(score(args, "\xFF\xFE bad \xC3 thing\xE2\x82\n\xF0\x9F\x98\x8D\xF0\n", &out,
                           &err),
                     0);
    assert_int_equal(count_lines(out), 2);
    j = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "label")), "neg");
    json_decref(j);
    free(out);
    free(err);
}

static void cli_very_long_line_and_no_final_newline(void **state)
{
    size_t n = 3u << 20;
    char *input = rm_xmalloc(n + 16), *out = NULL, *err = NULL;
    (void)state;
    for (size_t i = 0; i < n; i += 5)
        memcpy(input + i, "good ", 5);
    memcpy(input + n, "\nbad", 5); /* the last line has no newline */
    assert_int_equal(score(NULL, input, &out, &err), 0);
    assert_int_equal(count_lines(out), 2);
    assert_non_null(strstr(out, "\tpos\ten\n"));
    assert_non_null(strstr(out, "\tneg\ten\n"));
    assert_non_null(strstr(err, "scored on their start"));
    free(input);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_plain_lines),
        cmocka_unit_test(cli_json_has_aspects_and_evidence),
        cmocka_unit_test(cli_lang_option_forces),
        cmocka_unit_test(cli_usage_errors_exit_2),
        cmocka_unit_test(cli_help_exits_0),
        cmocka_unit_test(cli_invalid_utf8_gives_valid_json),
        cmocka_unit_test(cli_very_long_line_and_no_final_newline),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
