#include "core/rm.h"
#include "tests/helpers/testutil.h"

static void buf_starts_empty_not_null(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, 100);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    rm_buf_release(&b);
}

static void buf_appends_and_formats(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    assert_int_equal(rm_buf_adds(&b, "pages="), RM_OK);
    assert_int_equal(rm_buf_addf(&b, "%d/%s", 42, "x"), RM_OK);
    assert_int_equal(rm_buf_addc(&b, '!'), RM_OK);
    assert_string_equal(b.ptr, "pages=42/x!");
    assert_int_equal(b.len, 11);
    rm_buf_truncate(&b, 5);
    assert_string_equal(b.ptr, "pages");
    rm_buf_release(&b);
}

static void buf_grows_through_many_appends(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(rm_buf_addf(&b, "%04d", i % 10000), RM_OK);
    assert_int_equal(b.len, 40000);
    assert_memory_equal(b.ptr + 4 * 9999, "9999", 4);
    rm_buf_release(&b);
}

static void buf_limit_is_sticky(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, 8);
    assert_int_equal(rm_buf_adds(&b, "12345678"), RM_OK);
    assert_int_equal(rm_buf_addc(&b, '9'), RM_ETOOBIG);
    assert_int_equal(b.err, RM_ETOOBIG);
    assert_int_equal(rm_buf_adds(&b, ""), RM_ETOOBIG); /* later appends do nothing */
    assert_string_equal(b.ptr, "12345678");
    rm_buf_reset(&b);
    assert_int_equal(b.err, RM_OK);
    assert_int_equal(b.len, 0);
    rm_buf_release(&b);
}

static void buf_addf_respects_limit(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, 10);
    assert_int_equal(rm_buf_adds(&b, "abc"), RM_OK);
    assert_int_equal(rm_buf_addf(&b, "%s", "0123456789"), RM_ETOOBIG);
    assert_string_equal(b.ptr, "abc");
    rm_buf_release(&b);
}

static void buf_detach_hands_over(void **state)
{
    rm_buf b;
    size_t len;
    char *s;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    s = rm_buf_detach(&b, &len); /* empty buffer still gives a string */
    assert_string_equal(s, "");
    free(s);
    rm_buf_adds(&b, "owned");
    s = rm_buf_detach(&b, &len);
    assert_string_equal(s, "owned");
    assert_int_equal(len, 5);
    assert_string_equal(b.ptr, "");
    free(s);
    rm_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_starts_empty_not_null),
        cmocka_unit_test(buf_appends_and_formats),
        cmocka_unit_test(buf_grows_through_many_appends),
        cmocka_unit_test(buf_limit_is_sticky),
        cmocka_unit_test(buf_addf_respects_limit),
        cmocka_unit_test(buf_detach_hands_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
