/* Record values from text: what extraction adds around the normalisers (currency hints,
 * static codes, rating scales and rounding, fetch time for relative dates, decoded text), and
 * the number and count readers of its own. The normalisers' tables are in test_normalize.c. */
#include "core/rm.h"

#include <math.h>

#include "core/arena.h"
#include "extractors/values.h"
#include "tests/helpers/testutil.h"

static void values_prices_with_hints(void **state)
{
    static const struct {
        const char *s, *hint;
        double amount;
        const char *cur;
    } ok[] = {
        {"1299.00", NULL, 1299.0, NULL},     {"1299.00", "RUB", 1299.0, "RUB"},
        {"1 299,50 ₽", NULL, 1299.5, "RUB"}, {"1 299,50 ₽", "USD", 1299.5, "RUB"},
        {"$12.99", "CAD", 12.99, "CAD"},     {"12,99", "руб.", 12.99, "RUB"},
        {"1,299", NULL, 1299, NULL},         {"от 499 р.", NULL, 499, "RUB"},
        {"0.00", "EUR", 0, "EUR"},           {"2\xE2\x80\xAF" "490 ₽", NULL, 2490, "RUB"},
    };
    double a;
    const char *cur;
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(ok); i++) {
        a = -1;
        cur = "unset";
        assert_true(rm_values_price(ok[i].s, ok[i].hint, &a, &cur));
        assert_float_equal(a, ok[i].amount, 1e-9);
        if (ok[i].cur)
            assert_string_equal(cur, ok[i].cur);
        else
            assert_null(cur);
    }
    a = -1;
    assert_false(rm_values_price("по запросу", "RUB", &a, &cur));
    assert_false(rm_values_price("", NULL, &a, &cur));
    assert_false(rm_values_price(NULL, "RUB", &a, &cur));
    assert_float_equal(a, -1, 0); /* a rejected price leaves the field alone */
}

static void values_currencies(void **state)
{
    const char *c = NULL;
    (void)state;
    assert_true(rm_values_currency("RUR", &c));
    assert_string_equal(c, "RUB");
    assert_true(rm_values_currency(" руб. ", &c));
    assert_string_equal(c, "RUB");
    assert_true(rm_values_currency("usd", &c));
    assert_string_equal(c, "USD");
    assert_true(rm_values_currency("₴", &c));
    assert_string_equal(c, "UAH");
    assert_false(rm_values_currency("rubber duck", &c));
    assert_false(rm_values_currency(NULL, &c));
}

static void values_counts_and_numbers(void **state)
{
    int64_t n;
    double d;
    (void)state;
    assert_true(rm_values_int("1 234 отзыва", &n));
    assert_int_equal(n, 1234);
    assert_true(rm_values_int("1,234,567", &n));
    assert_int_equal(n, 1234567);
    assert_true(rm_values_int("1\xC2\xA0" "234", &n));
    assert_int_equal(n, 1234);
    assert_true(rm_values_int("(87)", &n));
    assert_int_equal(n, 87);
    assert_false(rm_values_int("none", &n));
    assert_false(rm_values_int(NULL, &n));
    assert_true(rm_values_number("4,5", &d));
    assert_float_equal(d, 4.5, 1e-9);
    assert_true(rm_values_number("rated 4.667 of 5", &d));
    assert_float_equal(d, 4.667, 1e-9);
    assert_true(rm_values_number("-2", &d));
    assert_float_equal(d, -2, 1e-9);
    assert_true(rm_values_number("1.299,5", &d));
    assert_float_equal(d, 1299.5, 1e-9);
}

static void values_ratings_on_scales(void **state)
{
    double r;
    (void)state;
    assert_true(rm_values_rating("4,6", NAN, NAN, &r));
    assert_float_equal(r, 4.6, 1e-9);
    /* The site's scale is the hint for a bare number; a scale written in the text wins. */
    assert_true(rm_values_rating("8.6", 10, 1, &r));
    assert_float_equal(r, 4.3, 1e-9);
    assert_true(rm_values_rating("90", 100, 0, &r));
    assert_float_equal(r, 4.5, 1e-9);
    assert_true(rm_values_rating("4 из 5", 10, NAN, &r));
    assert_float_equal(r, 4, 1e-9);
    assert_true(rm_values_rating("★★★★☆", NAN, NAN, &r));
    assert_float_equal(r, 4, 1e-9);
    /* A scale reaching below zero maps linearly: -5..5, 0 is the middle. */
    assert_true(rm_values_rating("0", 5, -5, &r));
    assert_float_equal(r, 2.5, 1e-9);
    assert_true(rm_values_rating_d(0, 5, -5, &r));
    assert_float_equal(r, 2.5, 1e-9);
    assert_true(rm_values_rating_d(4, 5, 1, &r));
    assert_float_equal(r, 4.0, 1e-9);
    /* Three decimals are kept: 14 of 15 is 4.667, and 4.6 of 5 is exactly 4.6. */
    assert_true(rm_values_rating_d(14, 15, NAN, &r));
    assert_true(r == 4.667);
    assert_true(rm_values_rating("4.6", 5, NAN, &r));
    assert_true(r == 4.6);
    assert_false(rm_values_rating("8.6", NAN, NAN, &r)); /* above the default best of 5 */
    assert_false(rm_values_rating_d(6, 5, 1, &r));
    assert_false(rm_values_rating_d(NAN, 5, 1, &r));
    assert_false(rm_values_rating("n/a", 5, 1, &r));
    assert_false(rm_values_rating(NULL, 5, 1, &r));
}

static time_t utc(int y, int mo, int d, int h)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h};
    return timegm(&tm);
}

static void values_dates_count_from_the_fetch_time(void **state)
{
    rm_date_opts o = {.now = utc(2024, 3, 15, 12)};
    char d[RM_DATE_ISO_SIZE];
    (void)state;
    assert_true(rm_values_date("2024-03-12T10:00:00+03:00", NULL, d));
    assert_string_equal(d, "2024-03-12");
    assert_true(rm_values_date("12 марта 2024 г.", NULL, d));
    assert_string_equal(d, "2024-03-12");
    assert_true(rm_values_date("3 дня назад", &o, d));
    assert_string_equal(d, "2024-03-12");
    assert_true(rm_values_date("yesterday", &o, d));
    assert_string_equal(d, "2024-03-14");
    o.now = utc(2025, 1, 2, 12);
    assert_true(rm_values_date("3 дня назад", &o, d));
    assert_string_equal(d, "2024-12-30");
    /* No fetch time, nothing to count from. */
    assert_false(rm_values_date("вчера", NULL, d));
    o.order = RM_DATE_MDY;
    assert_true(rm_values_date("03/04/2024", &o, d));
    assert_string_equal(d, "2024-03-04");
    o.order = RM_DATE_DMY;
    assert_true(rm_values_date("03/04/2024", &o, d));
    assert_string_equal(d, "2024-04-03");
    assert_false(rm_values_date("2023-02-29", &o, d));
    assert_false(rm_values_date(NULL, &o, d));
}

static void values_text(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    (void)state;
    assert_string_equal(rm_values_text("  <b>Hi</b>&nbsp;there  ", RM_VALUES_HTML, a), "Hi there");
    /* Text read from a tree is decoded already: no second decoding, no tags. */
    assert_string_equal(rm_values_text("a &lt;b&gt; <c> AT&amp;T", 0, a), "a &lt;b&gt; <c> AT&amp;T");
    assert_string_equal(rm_values_text("<p>one</p><p>two</p>", RM_VALUES_HTML, a), "one two");
    assert_string_equal(rm_values_text("<p>one</p><p>two</p>", RM_VALUES_HTML | RM_VALUES_BREAKS, a),
                        "one\ntwo");
    assert_string_equal(rm_values_text(" x \n\n y ", RM_VALUES_BREAKS, a), "x\ny");
    /* Source text without a tag keeps its newlines; with tags, only tags break lines. */
    assert_string_equal(rm_values_text("a&amp;b\nc", RM_VALUES_HTML | RM_VALUES_BREAKS, a),
                        "a&b\nc");
    assert_string_equal(rm_values_text("<b>a</b>\nc", RM_VALUES_HTML | RM_VALUES_BREAKS, a),
                        "a c");
    assert_string_equal(rm_values_text(" x \n\n y ", 0, a), "x y");
    assert_string_equal(rm_values_text("cafe\xCC\x81\xE2\x80\x8B!", 0, a), "café!");
    assert_null(rm_values_text("   ", 0, a));
    assert_null(rm_values_text("<br>", RM_VALUES_HTML, a));
    assert_null(rm_values_text(NULL, 0, a));
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_prices_with_hints),
        cmocka_unit_test(values_currencies),
        cmocka_unit_test(values_counts_and_numbers),
        cmocka_unit_test(values_ratings_on_scales),
        cmocka_unit_test(values_dates_count_from_the_fetch_time),
        cmocka_unit_test(values_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
