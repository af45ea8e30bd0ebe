/* Character sets: sniffing order, labels, conversion to UTF-8, invalid bytes. */
#include "core/rm.h"
#include "core/arena.h"
#include "extractors/charset.h"
#include "extractors/html.h"
#include "tests/helpers/testutil.h"

#include <utf8proc.h>

static const char ru_text[] = "Отличный чайник, рекомендую! Цена 1 299 руб.";

/* The text of <p class="t"> after sniffing, converting and parsing like rm_extract does. */
static char *decoded_text(const char *fixture, const char *content_type, char charset[32])
{
    rm_arena *a = rm_arena_new(1 << 16);
    size_t len, hlen, skip;
    char *body, *out = NULL, rel[256];
    const char *html;
    GumboOutput *doc;
    rm_buf b;

    snprintf(rel, sizeof(rel), "extract/charset/%s", fixture);
    body = rm_test_read_fixture(rel, &len);
    skip = rm_charset_sniff(content_type, body, len, charset);
    assert_int_equal(rm_charset_to_utf8(charset, body + skip, len - skip, a, &html, &hlen), RM_OK);
    assert_int_equal(rm_charset_utf8_valid(html, hlen), hlen);
    assert_int_equal(rm_html_parse(html, hlen, a, &doc), RM_OK);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (const GumboNode *n = doc->document; n; n = rm_html_next(n, doc->document))
        if (rm_html_is(n, GUMBO_TAG_P) && rm_html_has_token(rm_html_attr(n, "class"), "t", false))
            rm_html_text(n, &b);
    out = rm_buf_detach(&b, NULL);
    free(body);
    rm_arena_free(a);
    return out;
}

static void expect(const char *fixture, const char *content_type, const char *charset,
                   const char *text)
{
    char cs[32];
    char *got = decoded_text(fixture, content_type, cs);
    assert_string_equal(cs, charset);
    assert_string_equal(got, text);
    free(got);
}

static void charset_meta_and_http_equiv(void **state)
{
    (void)state;
    expect("cp1251_meta.html", NULL, "WINDOWS-1251", ru_text);
    expect("cp1251_http_equiv.html", "text/html", "WINDOWS-1251", ru_text);
    expect("koi8r_meta.html", NULL, "KOI8-R", ru_text);
    expect("iso8859_5.html", NULL, "ISO-8859-5", ru_text);
}

static void charset_header_beats_meta(void **state)
{
    (void)state;
    expect("header_wins.html", "text/html; charset=\"cp1251\"", "WINDOWS-1251", ru_text);
}

static void charset_bom_beats_everything(void **state)
{
    (void)state;
    expect("utf8_bom.html", "text/html; charset=koi8-r", "UTF-8", ru_text);
    expect("utf16le_bom.html", NULL, "UTF-16LE", ru_text);
}

static void charset_guesses_undeclared_cyrillic(void **state)
{
    (void)state;
    expect("cp1251_undeclared.html", "text/html", "WINDOWS-1251", ru_text);
    expect("koi8r_undeclared.html", NULL, "KOI8-R", ru_text);
}

static void charset_damaged_utf8_stays_utf8(void **state)
{
    (void)state;
    expect("utf8_damaged_undeclared.html", NULL, "UTF-8",
           "Хороший чайник, но крышка \xEF\xBF\xBD туговата. Доставка быстрая, упаковка целая.");
}

static void charset_latin1_means_windows_1252(void **state)
{
    (void)state;
    /* Browsers read "iso-8859-1" as windows-1252, where 0x80 is the euro sign. */
    expect("latin1_declared.html", NULL, "WINDOWS-1252", "Café crème – 5€");
}

static void charset_invalid_bytes_become_replacement(void **state)
{
    (void)state;
    expect("utf8_invalid.html", NULL, "UTF-8",
           "ok \xEF\xBF\xBD\xEF\xBF\xBD bad \xEF\xBF\xBD( end\xEF\xBF\xBDnul");
    expect("cp1251_invalid.html", NULL, "WINDOWS-1251", "Пр\xEF\xBF\xBDи");
}

static void charset_labels(void **state)
{
    char out[RM_CHARSET_MAX];
    (void)state;
    assert_int_equal(rm_charset_label(" CP1251 ", 8, out), 0);
    assert_string_equal(out, "WINDOWS-1251");
    assert_int_equal(rm_charset_label("koi8_r", 6, out), 0);
    assert_string_equal(out, "KOI8-R");
    assert_int_equal(rm_charset_label("iso_8859-5:1988", 15, out), 0);
    assert_string_equal(out, "ISO-8859-5");
    assert_int_equal(rm_charset_label("latin1", 6, out), 0);
    assert_string_equal(out, "WINDOWS-1252");
    assert_int_equal(rm_charset_label("iso-8859-2", 10, out), 0);
    assert_string_equal(out, "ISO-8859-2");
    assert_int_equal(rm_charset_label("x-made-up", 9, out), -1);
    assert_int_equal(rm_charset_label("iso-8859-99", 11, out), -1);
    assert_int_equal(rm_charset_label("", 0, out), -1);
}

static void charset_unknown_charset_is_unsupported(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    const char *out;
    size_t n;
    (void)state;
    assert_int_equal(rm_charset_to_utf8("NO-SUCH-CHARSET", "x", 1, a, &out, &n), RM_EUNSUPPORTED);
    rm_arena_free(a);
}

static void charset_utf8_clean_is_in_place_when_valid(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    const char good[] = "чай \xF0\x9F\x8D\xB5";
    const char bad[] = "a\xED\xA0\x80z\xC0\xAF!"; /* a surrogate and an overlong '/' */
    size_t n;
    const char *r;
    (void)state;
    r = rm_charset_utf8(good, sizeof(good) - 1, a, &n);
    assert_ptr_equal(r, good);
    assert_int_equal(n, sizeof(good) - 1);
    r = rm_charset_utf8(bad, sizeof(bad) - 1, a, &n);
    assert_string_equal(r, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD!");
    assert_int_equal(rm_charset_utf8_valid(bad, sizeof(bad) - 1), 1);
    rm_arena_free(a);
}

/* Valid prefix by utf8proc, one code point at a time (NUL ends it, as in the function). */
static size_t valid_prefix(const char *s, size_t len)
{
    size_t i = 0;
    utf8proc_int32_t cp;

    while (i < len) {
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || cp == 0)
            break;
        i += (size_t)n;
    }
    return i;
}

/* The word-at-a-time and two-byte fast paths agree with utf8proc on strings spliced from
 * ASCII runs, every sequence length, overlongs, surrogates, stray and truncated bytes, NUL. */
static void charset_utf8_valid_matches_utf8proc(void **state)
{
    static const char *const pieces[] = {
        "a", "plain ascii text", "\xd0\x9f", "\xd1\x80\xd0\xb8", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5",
        "\x80", "\xbf", "\xd0", "\xe2\x82", "\xf0\x9f\x98", "\xff", "\x7f", "12345678",
    };
    char buf[256];
    uint64_t seed = 0x2545F4914F6CDD1Du;
    (void)state;
    for (int t = 0; t < 20000; t++) {
        size_t len = 0, k;
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        k = seed % 24;
        for (size_t i = 0; i < k; i++) {
            const char *p;
            size_t n;
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            p = pieces[seed % RM_ARRAY_LEN(pieces)];
            n = strlen(p);
            if (seed % 97 == 0) /* an embedded NUL */
                p = "\0", n = 1;
            if (len + n > sizeof(buf))
                break;
            memcpy(buf + len, p, n);
            len += n;
        }
        /* Every prefix, so sequences are also cut short by the length. */
        for (size_t cut = 0; cut <= len; cut++)
            if (rm_charset_utf8_valid(buf, cut) != valid_prefix(buf, cut))
                fail_msg("differs at test %d, length %zu", t, cut);
    }
}

/* Every byte value in every single-byte charset converts without error or crash. */
static void charset_all_bytes_convert(void **state)
{
    static const char *const sets[] = {"WINDOWS-1251", "KOI8-R", "WINDOWS-1252", "ISO-8859-5",
                                       "CP866", "UTF-16LE", "GB18030", "UTF-8"};
    rm_arena *a = rm_arena_new(1 << 16);
    char bytes[256];
    (void)state;
    for (int i = 0; i < 256; i++)
        bytes[i] = (char)i;
    for (size_t s = 0; s < RM_ARRAY_LEN(sets); s++) {
        const char *out;
        size_t n;
        assert_int_equal(rm_charset_to_utf8(sets[s], bytes, sizeof(bytes), a, &out, &n), RM_OK);
        assert_int_equal(rm_charset_utf8_valid(out, n), n);
        assert_null(memchr(out, '\0', n));
    }
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(charset_meta_and_http_equiv),
        cmocka_unit_test(charset_header_beats_meta),
        cmocka_unit_test(charset_bom_beats_everything),
        cmocka_unit_test(charset_guesses_undeclared_cyrillic),
        cmocka_unit_test(charset_damaged_utf8_stays_utf8),
        cmocka_unit_test(charset_latin1_means_windows_1252),
        cmocka_unit_test(charset_invalid_bytes_become_replacement),
        cmocka_unit_test(charset_labels),
        cmocka_unit_test(charset_unknown_charset_is_unsupported),
        cmocka_unit_test(charset_utf8_clean_is_in_place_when_valid),
        cmocka_unit_test(charset_utf8_valid_matches_utf8proc),
        cmocka_unit_test(charset_all_bytes_convert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
