/* Tokenizer: words, numbers, emoji, emoticons, punctuation runs, folding, invalid UTF-8. */
#include "core/rm.h"
#include "core/arena.h"
#include "nlp/token.h"
#include "tests/helpers/testutil.h"

static rm_arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = rm_arena_new(64 * 1024);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_arena_free(arena);
    return 0;
}

static rm_tokens split(const char *s)
{
    rm_tokens t;
    rm_token_split(s, strlen(s), arena, &t);
    return t;
}

static void token_words_fold_case_yo_and_apostrophes(void **state)
{
    rm_tokens t = split("ЁЛКА Don’t STRASSE Straße");
    (void)state;
    assert_int_equal(t.n, 4);
    assert_string_equal(t.v[0].norm, "елка");
    assert_true(t.v[0].flags & RM_TOK_CAPS);
    assert_true(t.v[0].flags & RM_TOK_CYR);
    assert_string_equal(t.v[1].norm, "don't");
    assert_true(t.v[1].flags & RM_TOK_LAT);
    assert_false(t.v[1].flags & RM_TOK_CAPS);
    assert_string_equal(t.v[3].norm, "strasse"); /* Unicode case folding: ß is ss */
    assert_int_equal(t.v[1].start, 9);  /* "ЁЛКА " is nine bytes */
    assert_int_equal(t.v[1].end, 16); /* ’ is three bytes in the original */
}

static void token_contractions_without_apostrophe(void **state)
{
    rm_tokens t = split("DONT cant im its ill");
    (void)state;
    assert_int_equal(t.n, 5);
    assert_string_equal(t.v[0].norm, "don't");
    assert_true(t.v[0].flags & RM_TOK_CAPS); /* flags are the written word's */
    assert_string_equal(t.v[1].norm, "can't");
    assert_string_equal(t.v[2].norm, "i'm");
    assert_string_equal(t.v[3].norm, "its"); /* other words stay themselves */
    assert_string_equal(t.v[4].norm, "ill");
}

static void token_nfkc_and_stress_marks(void **state)
{
    /* "ﬁne" with the fi ligature, full-width "ＯＫ", and "хоро́ший" with a stress mark. */
    rm_tokens t = split("\xEF\xAC\x81ne \xEF\xBC\xAF\xEF\xBC\xAB хоро\xCC\x81ший");
    (void)state;
    assert_int_equal(t.n, 3);
    assert_string_equal(t.v[0].norm, "fine");
    assert_string_equal(t.v[1].norm, "ok");
    assert_string_equal(t.v[2].norm, "хороший");
}

static void token_emoji_drop_modifiers(void **state)
{
    /* thumbs up with a skin tone, red heart with VS16, two crying faces */
    rm_tokens t = split("ok\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD \xE2\x9D\xA4\xEF\xB8\x8F\xF0\x9F\x98\xAD\xF0\x9F\x98\xAD");
    (void)state;
    assert_int_equal(t.n, 5);
    assert_int_equal(t.v[1].kind, RM_TOK_EMOJI);
    assert_string_equal(t.v[1].norm, "\xF0\x9F\x91\x8D");
    assert_int_equal(t.v[1].end - t.v[1].start, 8);
    assert_string_equal(t.v[2].norm, "\xE2\x9D\xA4");
    assert_int_equal(t.v[3].kind, RM_TOK_EMOJI);
    assert_int_equal(t.v[4].kind, RM_TOK_EMOJI);
}

static void token_western_emoticons(void **state)
{
    rm_tokens t = split(":-) :D xD ;) :'( =( :-((( <3 &lt;3 ^_^ -_- D: класс:)");
    const char *want[] = {":)", ":D", "xD", ";)", ":'(", ":(", ":(", "<3", "<3", "^_^", "-_-",
                          "D:"};
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(want); i++) {
        assert_int_equal(t.v[i].kind, RM_TOK_EMOTICON);
        assert_string_equal(t.v[i].norm, want[i]);
    }
    assert_int_equal(t.v[6].n_excl, 3); /* ":-(((" repeats its mouth three times */
    assert_int_equal(t.v[12].kind, RM_TOK_WORD);
    assert_int_equal(t.v[13].kind, RM_TOK_EMOTICON);
    assert_string_equal(t.v[13].norm, ":)");
    /* a heart with many "3"s is one heart */
    t = split("<333 </33");
    assert_int_equal(t.n, 2);
    assert_string_equal(t.v[0].norm, "<3");
    assert_string_equal(t.v[1].norm, "</3");
}

static void token_no_emoticon_inside_words_times_and_urls(void **state)
{
    rm_tokens t = split("at 10:30 see http://x.ru/a:)b Dx:Dd");
    (void)state;
    for (size_t i = 0; i < t.n; i++)
        assert_int_not_equal(t.v[i].kind, RM_TOK_EMOTICON);
    assert_int_equal(t.v[5].kind, RM_TOK_URL);
    assert_int_equal(t.v[5].end, strlen("at 10:30 see http://x.ru/a:)b"));
}

/* Capital "XP" is an acronym ("Windows XP"); the face is written "xP" or "XD". */
static void token_xp_is_an_acronym(void **state)
{
    rm_tokens t = split("runs on Windows XP, lol xP XD");
    (void)state;
    assert_int_equal(t.v[2].kind, RM_TOK_WORD);
    assert_int_equal(t.v[3].kind, RM_TOK_WORD);
    assert_string_equal(t.v[3].norm, "xp");
    assert_int_equal(t.v[6].kind, RM_TOK_EMOTICON);
    assert_int_equal(t.v[7].kind, RM_TOK_EMOTICON);
}

static void token_social_emoticons_and_kaomoji(void **state)
{
    rm_tokens t = split("(: ): :l \\o/ \xE0\xB2\xA0_\xE0\xB2\xA0 \xC2\xAF\\_(\xE3\x83\x84)_/\xC2\xAF "
                        "(\xE2\x95\xAF\xC2\xB0\xE2\x96\xA1\xC2\xB0)\xE2\x95\xAF "
                        "\xE2\x94\xBB\xE2\x94\x81\xE2\x94\xBB");
    const char *want[] = {":)", ":(", ":|", "\\o/", "\xE0\xB2\xA0_\xE0\xB2\xA0",
                          "\xC2\xAF\\_(\xE3\x83\x84)_/\xC2\xAF"};
    size_t n = 0;
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(want); i++) {
        assert_int_equal(t.v[i].kind, RM_TOK_EMOTICON);
        assert_string_equal(t.v[i].norm, want[i]);
    }
    /* the flipped table is the last token, whatever the arm before it was */
    assert_int_equal(t.v[t.n - 1].kind, RM_TOK_EMOTICON);
    assert_string_equal(t.v[t.n - 1].norm, "\xE2\x94\xBB\xE2\x94\x81\xE2\x94\xBB");
    /* reversed faces only between spaces: a parenthesis before a colon stays text */
    t = split("(see below): x (:y :lol");
    for (size_t i = 0; i < t.n; i++)
        n += t.v[i].kind == RM_TOK_EMOTICON;
    assert_int_equal(n, 0);
}

static void token_camel_case_hashtags_split_into_words(void **state)
{
    rm_tokens t = split("#EpicFail #ThingsILike #NDSU #blessed");
    const char *want[] = {"epic", "fail", "things", "i", "like", "ndsu", "blessed"};
    (void)state;
    assert_int_equal(t.n, RM_ARRAY_LEN(want));
    for (size_t i = 0; i < RM_ARRAY_LEN(want); i++) {
        assert_int_equal(t.v[i].kind, RM_TOK_WORD);
        assert_true(t.v[i].flags & RM_TOK_HASHTAG);
        assert_string_equal(t.v[i].norm, want[i]);
    }
    /* the first word keeps the '#', the next starts at its capital */
    assert_int_equal(t.v[0].start, 0);
    assert_int_equal(t.v[1].start, strlen("#Epic"));
    /* words outside hashtags are not split */
    t = split("McDonalds");
    assert_int_equal(t.n, 1);
}

static void token_bracket_smileys(void **state)
{
    rm_tokens t = split("Спасибо)))) (см. фото) жаль((( 1) пункт");
    (void)state;
    assert_int_equal(t.v[1].kind, RM_TOK_EMOTICON);
    assert_string_equal(t.v[1].norm, ")");
    assert_int_equal(t.v[1].n_excl, 4);
    /* "(см. фото)": a real parenthesis, balanced, no smiley */
    assert_int_equal(t.v[2].kind, RM_TOK_SYM);
    for (size_t i = 3; i < t.n; i++) {
        if (t.v[i].kind == RM_TOK_EMOTICON) {
            assert_string_equal(t.v[i].norm, "(");
            assert_int_equal(t.v[i].n_excl, 3);
            assert_string_equal(t.v[i - 1].norm, "жаль");
        }
    }
    /* "1)" is a list marker */
    assert_int_equal(t.v[t.n - 2].kind, RM_TOK_SYM);
}

static void token_unclosed_paren_at_end_is_a_frown(void **state)
{
    rm_tokens t = split("опять сломался (");
    (void)state;
    assert_int_equal(t.v[2].kind, RM_TOK_EMOTICON);
    assert_string_equal(t.v[2].norm, "(");
}

static void token_punctuation_runs_mark_sentences_and_clauses(void **state)
{
    rm_tokens t = split("Wow!!! Really?! ok, fine... next\nline");
    (void)state;
    assert_int_equal(t.v[1].kind, RM_TOK_PUNCT);
    assert_int_equal(t.v[1].n_excl, 3);
    assert_true(t.v[1].flags & RM_TOK_SENT_END);
    assert_int_equal(t.v[3].n_excl, 1);
    assert_int_equal(t.v[3].n_quest, 1);
    assert_true(t.v[5].flags & RM_TOK_CLAUSE_END);
    assert_false(t.v[5].flags & RM_TOK_SENT_END);
    assert_true(t.v[7].flags & RM_TOK_SENT_END);
    /* a line break ends the sentence of the word before it */
    assert_string_equal(t.v[8].norm, "next");
    assert_true(t.v[8].flags & RM_TOK_SENT_END);
    /* a colon ends a clause ("Минусы: тормозит"); between digits it is part of a time */
    t = split("Минусы: тормозит");
    assert_int_equal(t.v[1].kind, RM_TOK_PUNCT);
    assert_true(t.v[1].flags & RM_TOK_CLAUSE_END);
    t = split("в 18:55 закрыто, счёт 2 :1");
    int colons = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].kind == RM_TOK_PUNCT && !strcmp(t.v[i].norm, ":")) {
            colons++;
            assert_false(t.v[i].flags & RM_TOK_CLAUSE_END);
        }
    assert_true(colons > 0); /* the loop checked a colon, it did not pass by finding none */
}

static void token_numbers_hyphens_hashtags_mentions(void **state)
{
    rm_tokens t = split("4.5/5 well-made по-моему #Fail @shop_1");
    (void)state;
    assert_int_equal(t.v[0].kind, RM_TOK_NUM);
    assert_string_equal(t.v[0].norm, "4.5");
    assert_int_equal(t.v[1].kind, RM_TOK_SYM);
    assert_string_equal(t.v[2].norm, "5");
    assert_string_equal(t.v[3].norm, "well");
    assert_string_equal(t.v[4].norm, "made");
    assert_true(t.v[4].flags & RM_TOK_JOINED);
    assert_true(t.v[6].flags & RM_TOK_JOINED);
    assert_string_equal(t.v[7].norm, "fail");
    assert_true(t.v[7].flags & RM_TOK_HASHTAG);
    assert_int_equal(t.v[7].start, strlen("4.5/5 well-made по-моему "));
    assert_int_equal(t.v[8].kind, RM_TOK_MENTION);
}

static void token_mixed_scripts_and_elongation(void **state)
{
    rm_tokens t = split("Телефон Samsung Galaxy оооочень goooood");
    size_t len;
    (void)state;
    assert_true(t.v[0].flags & RM_TOK_CYR);
    assert_true(t.v[1].flags & RM_TOK_LAT);
    assert_true(t.v[3].flags & RM_TOK_ELONG);
    assert_true(t.v[4].flags & RM_TOK_ELONG);
    assert_int_equal(t.n_cyr, strlen("Телефоноооочень") / 2);
    assert_string_equal(rm_token_squeeze(t.v[4].norm, t.v[4].norm_len, 2, arena, &len), "good");
    assert_string_equal(rm_token_squeeze(t.v[3].norm, t.v[3].norm_len, 1, arena, &len), "очень");
}

static void token_invalid_utf8_is_skipped(void **state)
{
    const char bad[] = "go\xC3od \xFF\xFE ok \xE2\x82 fine \xF0\x9F";
    rm_tokens t;
    (void)state;
    rm_token_split(bad, sizeof(bad) - 1, arena, &t);
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].end <= sizeof(bad) - 1);
        for (const unsigned char *p = (const unsigned char *)t.v[i].norm; *p; p++)
            assert_true(*p != 0xFF && *p != 0xFE);
    }
    assert_string_equal(t.v[0].norm, "go");
    assert_string_equal(t.v[t.n - 1].norm, "fine");
}

static void token_nul_byte_is_no_emoticon_eye(void **state)
{
    /* found by fuzz_nlp: strchr(":;=", '\0') matches the terminator */
    const char text[] = ">\0o) :\0)";
    rm_tokens t;
    (void)state;
    rm_token_split(text, sizeof(text) - 1, arena, &t);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(strlen(t.v[i].norm), t.v[i].norm_len);
        if (t.v[i].kind == RM_TOK_EMOTICON)
            assert_string_equal(t.v[i].norm, ")");
    }
}

static void token_every_byte_value_is_safe(void **state)
{
    unsigned char all[512];
    rm_tokens t;
    size_t prev_end = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(all); i++)
        all[i] = (unsigned char)(i * 7 + 3);
    rm_token_split((const char *)all, sizeof(all), arena, &t);
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].start >= prev_end);
        assert_true(t.v[i].end > t.v[i].start);
        prev_end = t.v[i].end;
    }
    assert_true(prev_end <= sizeof(all));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_words_fold_case_yo_and_apostrophes),
        cmocka_unit_test(token_contractions_without_apostrophe),
        cmocka_unit_test(token_nfkc_and_stress_marks),
        cmocka_unit_test(token_emoji_drop_modifiers),
        cmocka_unit_test(token_western_emoticons),
        cmocka_unit_test(token_no_emoticon_inside_words_times_and_urls),
        cmocka_unit_test(token_xp_is_an_acronym),
        cmocka_unit_test(token_social_emoticons_and_kaomoji),
        cmocka_unit_test(token_camel_case_hashtags_split_into_words),
        cmocka_unit_test(token_bracket_smileys),
        cmocka_unit_test(token_unclosed_paren_at_end_is_a_frown),
        cmocka_unit_test(token_punctuation_runs_mark_sentences_and_clauses),
        cmocka_unit_test(token_numbers_hyphens_hashtags_mentions),
        cmocka_unit_test(token_mixed_scripts_and_elongation),
        cmocka_unit_test(token_invalid_utf8_is_skipped),
        cmocka_unit_test(token_nul_byte_is_no_emoticon_eye),
        cmocka_unit_test(token_every_byte_value_is_safe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
