/* Record values from text: prices, currencies, counts, ratings on scales, dates. */
#include "core/rm.h"

#include <math.h>

#include "core/arena.h"
#include "extractors/values.h"
#include "tests/helpers/testutil.h"

static void values_prices(void **state)
{
    static const struct { const char *s; double amount; const char *cur; } ok[] = {
        {"1299.00", 1299.0, ""}, {"1 299,50 ₽", 1299.5, "RUB"}, {"$1,299.99", 1299.99, "USD"},
        {"1.299,00 €", 1299.0, "EUR"}, {"12,99", 12.99, ""}, {"12\xC2\xA0" "990 руб.", 12990, "RUB"},
        {"от 499 р.", 499, "RUB"}, {"0.00", 0, ""}, {"1,299", 1299, ""}, {"0.500", 0.5, ""},
        {"£7", 7, "GBP"}, {"2\xE2\x80\xAF" "490 ₽", 2490, "RUB"}, {"UAH 150", 150, "UAH"},
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(ok); i++) {
        double a = -1;
        char cur[4] = "x";
        assert_true(rm_values_price(ok[i].s, &a, cur));
        assert_float_equal(a, ok[i].amount, 1e-9);
        assert_string_equal(cur, ok[i].cur);
    }
    {
        double a;
        char cur[4];
        assert_false(rm_values_price("по запросу", &a, cur));
        assert_false(rm_values_price("", &a, cur));
    }
}

static void values_currencies(void **state)
{
    char c[4];
    (void)state;
    assert_true(rm_values_currency("RUR", c));
    assert_string_equal(c, "RUB");
    assert_true(rm_values_currency("usd", c));
    assert_string_equal(c, "USD");
    assert_true(rm_values_currency("₴", c));
    assert_string_equal(c, "UAH");
    assert_false(rm_values_currency("rubber duck", c));
    assert_false(rm_values_currency(NULL, c));
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
    assert_true(rm_values_int("(87)", &n));
    assert_int_equal(n, 87);
    assert_false(rm_values_int("none", &n));
    assert_true(rm_values_number("4,5", &d));
    assert_float_equal(d, 4.5, 1e-9);
    assert_true(rm_values_number("rated 4.667 of 5", &d));
    assert_float_equal(d, 4.667, 1e-9);
}

static void values_ratings_on_scales(void **state)
{
    double r;
    (void)state;
    assert_true(rm_values_rating("4,6", NAN, NAN, &r));
    assert_float_equal(r, 4.6, 1e-9);
    assert_true(rm_values_rating("8.6", 10, 1, &r));
    assert_float_equal(r, 4.3, 1e-9);
    assert_true(rm_values_rating("90", 100, 0, &r));
    assert_float_equal(r, 4.5, 1e-9);
    assert_true(rm_values_rating_d(4, 5, 1, &r));
    assert_float_equal(r, 4.0, 1e-9);
    /* A scale reaching below zero maps linearly: -5..5, 0 is the middle. */
    assert_true(rm_values_rating_d(0, 5, -5, &r));
    assert_float_equal(r, 2.5, 1e-9);
    assert_false(rm_values_rating("8.6", NAN, NAN, &r)); /* above the default best of 5 */
    assert_false(rm_values_rating_d(6, 5, 1, &r));
    assert_false(rm_values_rating_d(NAN, 5, 1, &r));
    assert_false(rm_values_rating("n/a", 5, 1, &r));
}

static void values_dates(void **state)
{
    char d[11];
    (void)state;
    assert_true(rm_values_date("2024-03-12T10:00:00+03:00", 0, NULL, d));
    assert_string_equal(d, "2024-03-12");
    assert_true(rm_values_date("12.03.2024", 0, "ru", d));
    assert_string_equal(d, "2024-03-12");
    assert_true(rm_values_date("2024/3/5", 0, NULL, d));
    assert_string_equal(d, "2024-03-05");
    assert_false(rm_values_date("2023-02-29", 0, NULL, d));
    assert_true(rm_values_date("2024-02-29", 0, NULL, d));
    assert_false(rm_values_date("12.03", 0, NULL, d));
    assert_false(rm_values_date("2024-13-01", 0, NULL, d));
    assert_false(rm_values_date("вчера", 0, "ru", d));
}

static void values_text(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    (void)state;
    assert_string_equal(rm_values_text("  <b>Hi</b>&nbsp;there  ", RM_VALUES_HTML, a), "Hi there");
    /* Text read from a tree is decoded already: no second decoding. */
    assert_string_equal(rm_values_text("a &lt;b&gt; <c>", 0, a), "a &lt;b&gt; <c>");
    assert_string_equal(rm_values_text("<p>one</p><p>two</p>", RM_VALUES_HTML, a), "one two");
    assert_string_equal(rm_values_text("<p>one</p><p>two</p>", RM_VALUES_HTML | RM_VALUES_BREAKS, a),
                        "one\ntwo");
    assert_string_equal(rm_values_text(" x \n\n y ", RM_VALUES_BREAKS, a), "x\ny");
    assert_null(rm_values_text("   ", 0, a));
    assert_null(rm_values_text("<br>", RM_VALUES_HTML, a));
    assert_null(rm_values_text(NULL, 0, a));
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_prices),
        cmocka_unit_test(values_currencies),
        cmocka_unit_test(values_counts_and_numbers),
        cmocka_unit_test(values_ratings_on_scales),
        cmocka_unit_test(values_dates),
        cmocka_unit_test(values_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
