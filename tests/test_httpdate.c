#include "core/rm.h"
#include "crawler/httpdate.h"
#include "tests/helpers/testutil.h"

/* 2025-06-15T12:00:00Z */
#define NOW ((time_t)1749988800)

static void httpdate_table(void **state)
{
    char *text = rm_test_read_fixture("httpdate/dates.tsv", NULL);
    int line_no = 0, rows = 0;
    (void)state;

    for (char *line = text, *next; *line; line = next) {
        char *tab, *nl = strchr(line, '\n');
        time_t t = 12345;
        rm_err err;

        next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        line_no++;
        if (line[0] == '#' || !(tab = strchr(line, '\t')))
            continue;
        *tab = '\0';
        err = rm_http_date_parse(line, &t);
        if (tab[1] == '!') {
            if (err != RM_EPARSE)
                fail_msg("dates.tsv:%d: %s parsed as %lld", line_no, line, (long long)t);
        } else if (err || (long long)t != strtoll(tab + 1, NULL, 10)) {
            fail_msg("dates.tsv:%d: %s: want %s, got %s %lld", line_no, line, tab + 1,
                     rm_err_str(err), (long long)t);
        }
        rows++;
    }
    assert_true(rows > 40);
    free(text);
}

static void httpdate_format_round_trips(void **state)
{
    char s[RM_HTTP_DATE_SIZE];
    time_t back;
    (void)state;

    assert_int_equal(rm_http_date_format(784111777, s), RM_OK);
    assert_string_equal(s, "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_int_equal(rm_http_date_format(0, s), RM_OK);
    assert_string_equal(s, "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_int_equal(rm_http_date_format(253402300799, s), RM_OK);
    assert_string_equal(s, "Fri, 31 Dec 9999 23:59:59 GMT");
    assert_int_equal(strlen(s), RM_HTTP_DATE_SIZE - 1);
    assert_int_equal(rm_http_date_format(253402300800, s), RM_EINVAL);
    /* Every formatted instant, one every ~3.7 days over two centuries, parses back. */
    for (time_t t = -2208988800; t < 4102444800; t += 321987) {
        assert_int_equal(rm_http_date_format(t, s), RM_OK);
        assert_int_equal(rm_http_date_parse(s, &back), RM_OK);
        assert_int_equal(back, t);
    }
}

static void httpdate_retry_after_seconds(void **state)
{
    int64_t ms = -1;
    (void)state;
    assert_int_equal(rm_retry_after_parse("120", NOW, &ms), RM_OK);
    assert_int_equal(ms, 120000);
    assert_int_equal(rm_retry_after_parse("  0 ", NOW, &ms), RM_OK);
    assert_int_equal(ms, 0);
    /* Clamped to a day, also far past what an int64 holds. */
    assert_int_equal(rm_retry_after_parse("86401", NOW, &ms), RM_OK);
    assert_int_equal(ms, RM_RETRY_AFTER_MAX_MS);
    assert_int_equal(rm_retry_after_parse("99999999999999999999999999", NOW, &ms), RM_OK);
    assert_int_equal(ms, RM_RETRY_AFTER_MAX_MS);
    assert_int_equal(rm_retry_after_parse("-5", NOW, &ms), RM_EPARSE);
    assert_int_equal(rm_retry_after_parse("1.5", NOW, &ms), RM_EPARSE);
    assert_int_equal(rm_retry_after_parse("", NOW, &ms), RM_EPARSE);
    assert_int_equal(rm_retry_after_parse("soon", NOW, &ms), RM_EPARSE);
    assert_int_equal(rm_retry_after_parse("120 seconds", NOW, &ms), RM_EPARSE);
}

static void httpdate_retry_after_date(void **state)
{
    int64_t ms = -1;
    (void)state;
    /* 90 seconds after NOW. */
    assert_int_equal(rm_retry_after_parse("Sun, 15 Jun 2025 12:01:30 GMT", NOW, &ms), RM_OK);
    assert_int_equal(ms, 90000);
    /* In the past, or exactly now: no wait. */
    assert_int_equal(rm_retry_after_parse("Sun, 15 Jun 2025 11:00:00 GMT", NOW, &ms), RM_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(rm_retry_after_parse("Sun, 15 Jun 2025 12:00:00 GMT", NOW, &ms), RM_OK);
    assert_int_equal(ms, 0);
    /* A month ahead is clamped to a day. */
    assert_int_equal(rm_retry_after_parse("Tue, 15 Jul 2025 12:00:00 GMT", NOW, &ms), RM_OK);
    assert_int_equal(ms, RM_RETRY_AFTER_MAX_MS);
    assert_int_equal(rm_retry_after_parse("Sun Jun 15 12:00:05 2025", NOW, &ms), RM_OK);
    assert_int_equal(ms, 5000);
    assert_int_equal(rm_retry_after_parse("Sun, 31 Jun 2025 12:00:00 GMT", NOW, &ms),
                     RM_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(httpdate_table),
        cmocka_unit_test(httpdate_format_round_trips),
        cmocka_unit_test(httpdate_retry_after_seconds),
        cmocka_unit_test(httpdate_retry_after_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
