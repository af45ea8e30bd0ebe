/* Loading lexicons and aspects: errors name file, line and field; a directory overrides. */
#include "core/rm.h"
#include "core/arena.h"
#include "nlp/langid.h"
#include "nlp/nlp.h"
#include "nlp/token.h"
#include "tests/helpers/testutil.h"

static char *fixture_dir(const char *rel)
{
    char path[FIXTURE_PATH_MAX];
    snprintf(path, sizeof(path), "%s/tests/fixtures/nlp/%s", rm_test_root(), rel);
    return rm_xstrdup(path);
}

/* The diagnostics as printed, one per line. */
static char *diag_text(const rm_diag *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    rm_diag_print(d, f);
    fclose(f);
    return out;
}

static void config_lexicon_errors_name_file_line_field(void **state)
{
    char *dir = fixture_dir("bad"), *text;
    rm_nlp *nlp = NULL;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_nlp_new(dir, &d, &nlp), RM_ECONFIG);
    assert_null(nlp);
    text = diag_text(&d);
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:3: expected term<TAB>valence"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:4: valence: expected a number"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:5: valence: expected a number in -4..4"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:6: options: unknown option 'loud'"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:7: term: 'fine' repeats 'fine'"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:8: options: boost needs a factor"));
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:9: more than three fields"));
    /* a form merged into another entry ("zorbing" into "zorb"), then written again */
    assert_non_null(strstr(text, "lexicons/en_bad.tsv:12: term: 'zorbing' repeats 'zorbing'"));
    assert_null(strstr(text, "en_bad.tsv:11:"));
    assert_null(strstr(text, "en_bad.tsv:2:"));
    /* files from the directory are named by their path */
    assert_non_null(strstr(text, "tests/fixtures/nlp/bad/lexicons/en_bad.tsv:3:"));
    /* aspects: unknown language key, a list that is not a list, a bad id */
    assert_non_null(strstr(text, "aspects.yaml:3: delivery.fr: expected name, en or ru"));
    assert_non_null(strstr(text, "aspects.yaml:5: quality.en: expected a list of terms"));
    assert_non_null(strstr(text, "aspects.yaml:6: Bad-Id: aspect id must be"));
    free(text);
    rm_diag_release(&d);
    free(dir);
}

static void config_yaml_syntax_error_has_line(void **state)
{
    char *dir = fixture_dir("badyaml"), *text;
    rm_nlp *nlp = NULL;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_nlp_new(dir, &d, &nlp), RM_ECONFIG);
    text = diag_text(&d);
    assert_non_null(strstr(text, "aspects.yaml:3: "));
    free(text);
    rm_diag_release(&d);
    free(dir);
}

static void config_unknown_language_file(void **state)
{
    char *dir = fixture_dir("badlang"), *text;
    rm_nlp *nlp = NULL;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_nlp_new(dir, &d, &nlp), RM_ECONFIG);
    text = diag_text(&d);
    assert_non_null(strstr(text, "lexicons/fr.tsv: file name must start with en, ru or emoji"));
    free(text);
    rm_diag_release(&d);
    free(dir);
}

static void config_missing_directory(void **state)
{
    rm_nlp *nlp = NULL;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_nlp_new("/nonexistent/revmine", &d, &nlp), RM_ECONFIG);
    assert_int_equal(d.n, 1);
    rm_diag_release(&d);
}

static void config_directory_overrides_same_named_files(void **state)
{
    char *dir = fixture_dir("override");
    rm_nlp *nlp = NULL;
    rm_arena *a = rm_arena_new(4096);
    rm_diag d;
    rm_sentiment s;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_nlp_new(dir, &d, &nlp), RM_OK);
    assert_int_equal(d.n, 0);
    /* en.tsv is replaced: "splendid" is now negative and "excellent" unknown */
    assert_int_equal(rm_nlp_score(nlp, "splendid", 8, RM_LANG_AUTO, a, &s), RM_OK);
    assert_true(s.score < 0);
    assert_int_equal(rm_nlp_score(nlp, "excellent", 9, RM_LANG_AUTO, a, &s), RM_OK);
    assert_true(s.score == 0.0);
    /* en_rules.tsv and ru.tsv stay built in */
    assert_int_equal(rm_nlp_score(nlp, "not splendid", 12, RM_LANG_AUTO, a, &s), RM_OK);
    assert_true(s.score > 0);
    assert_int_equal(rm_nlp_score(nlp, "плохо", strlen("плохо"), RM_LANG_AUTO, a, &s), RM_OK);
    assert_true(s.score < 0);
    /* aspects.yaml is replaced */
    assert_int_equal(rm_nlp_score(nlp, "the gizmo, splendid", 19, RM_LANG_AUTO, a, &s), RM_OK);
    assert_int_equal(s.n_aspects, 1);
    assert_string_equal(s.aspects[0].aspect, "gizmo");
    rm_nlp_free(nlp);
    rm_arena_free(a);
    rm_diag_release(&d);
    free(dir);
}

static rm_lang detect(rm_arena *a, const char *text)
{
    rm_tokens t;
    rm_token_split(text, strlen(text), a, &t);
    return rm_langid_detect(&t);
}

static void langid_ru_en_other_and_mixed(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    (void)state;
    assert_int_equal(detect(a, "Отличный телефон, рекомендую"), RM_LANG_RU);
    assert_int_equal(detect(a, "Great phone, would buy again"), RM_LANG_EN);
    /* a Russian review naming English brands and models stays Russian */
    assert_int_equal(detect(a, "Купила Samsung Galaxy S23 Ultra, камера супер"), RM_LANG_RU);
    assert_int_equal(detect(a, "Apple AirPods Pro 2 USB-C MagSafe — норм"), RM_LANG_RU);
    /* "много" is Russian too, not only Bulgarian's "very" */
    assert_int_equal(detect(a, "Много хорошо"), RM_LANG_RU);
    assert_int_equal(detect(a, "Това е много хубав телефон, беше евтин"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "Дуже гарна річ, і якість чудова"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "Das ist nicht gut und sehr teuer"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "C'est très bien, je suis contente"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "这个产品很好"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "12345 !!! :)"), RM_LANG_OTHER);
    assert_int_equal(detect(a, "ok"), RM_LANG_EN);
    rm_arena_free(a);
}

static void langid_names_parse_and_print(void **state)
{
    rm_lang l;
    (void)state;
    assert_int_equal(rm_lang_parse("ru", &l), 0);
    assert_int_equal(l, RM_LANG_RU);
    assert_int_equal(rm_lang_parse("auto", &l), 0);
    assert_int_equal(l, RM_LANG_AUTO);
    assert_int_equal(rm_lang_parse("de", &l), -1);
    assert_string_equal(rm_lang_str(RM_LANG_OTHER), "other");
    assert_string_equal(rm_lang_str(RM_LANG_EN), "en");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_lexicon_errors_name_file_line_field),
        cmocka_unit_test(config_yaml_syntax_error_has_line),
        cmocka_unit_test(config_unknown_language_file),
        cmocka_unit_test(config_missing_directory),
        cmocka_unit_test(config_directory_overrides_same_named_files),
        cmocka_unit_test(langid_ru_en_other_and_mixed),
        cmocka_unit_test(langid_names_parse_and_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
