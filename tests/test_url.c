#include "core/rm.h"
#include "crawler/url.h"
#include "tests/helpers/testutil.h"

/* Splits the next non-comment line of a TSV fixture into at most max fields (modifying the
 * text); returns the field count, 0 at the end. */
static size_t next_row(char **cursor, char **fields, size_t max, int *line_no)
{
    while (**cursor) {
        char *line = *cursor;
        size_t n = 0;
        char *nl = strchr(line, '\n');

        *cursor = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        (*line_no)++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        fields[n++] = line;
        for (char *p = line; *p && n < max; p++)
            if (*p == '\t') {
                *p = '\0';
                fields[n++] = p + 1;
            }
        return n;
    }
    return 0;
}

/* Checks one result against an expectation: a URL, or "!error phrase". */
static void check(const char *what, int line, rm_err err, const rm_buf *out, const char *want)
{
    if (want[0] == '!') {
        if (strcmp(rm_err_str(err), want + 1) != 0)
            fail_msg("%s line %d: want %s, got %s (%s)", what, line, want + 1, rm_err_str(err),
                     out->ptr);
        assert_int_equal(out->len, 0);
        return;
    }
    if (err || strcmp(out->ptr, want) != 0)
        fail_msg("%s line %d: want %s, got %s %s", what, line, want, rm_err_str(err), out->ptr);
}

static void url_normalize_table(void **state)
{
    char *text = rm_test_read_fixture("url/normalize.tsv", NULL);
    char *cursor = text, *f[3];
    int line = 0, rows = 0;
    rm_buf out, again;
    (void)state;

    rm_buf_init(&out, RM_BUF_NOLIMIT);
    rm_buf_init(&again, RM_BUF_NOLIMIT);
    while (next_row(&cursor, f, 3, &line) == 2) {
        rm_err err = rm_url_normalize(f[0], NULL, &out);
        check("normalize.tsv", line, err, &out, f[1]);
        if (!err) { /* the normal form is a fixed point */
            assert_int_equal(rm_url_normalize(out.ptr, NULL, &again), RM_OK);
            assert_string_equal(again.ptr, out.ptr);
        }
        rows++;
    }
    assert_true(rows > 40);
    rm_buf_release(&again);
    rm_buf_release(&out);
    free(text);
}

static void url_resolve_rfc3986_examples(void **state)
{
    char *text = rm_test_read_fixture("url/resolve.tsv", NULL);
    char *cursor = text, *f[4];
    int line = 0, rows = 0;
    rm_buf out;
    (void)state;

    rm_buf_init(&out, RM_BUF_NOLIMIT);
    while (next_row(&cursor, f, 4, &line) == 3) {
        check("resolve.tsv", line, rm_url_resolve(f[0], f[1], &out), &out, f[2]);
        rows++;
    }
    assert_true(rows > 40);
    rm_buf_release(&out);
    free(text);
}

static void url_whitespace_inside_is_removed(void **state)
{
    rm_buf out;
    (void)state;
    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_url_normalize("\thttp://ex\nample.com/a\r\n/b\t", NULL, &out), RM_OK);
    assert_string_equal(out.ptr, "http://example.com/a/b");
    assert_int_equal(rm_url_resolve("http://h/x/", "\n  ../y\t", &out), RM_OK);
    assert_string_equal(out.ptr, "http://h/y");
    rm_buf_release(&out);
}

static void url_strip_list_and_prefixes(void **state)
{
    static const char *const strip[] = {"sessionid", "ref_*", NULL};
    rm_url_opts o = {.strip = strip};
    rm_buf out;
    (void)state;

    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_url_normalize("http://h/?ref_src=a&SessionId=9&refx=1&utm_id=3&p=2",
                                      &o, &out), RM_OK);
    assert_string_equal(out.ptr, "http://h/?refx=1&p=2");
    o.keep_trackers = true;
    assert_int_equal(rm_url_normalize("http://h/?utm_id=3&fbclid=x&ref_a=1", &o, &out), RM_OK);
    assert_string_equal(out.ptr, "http://h/?utm_id=3&fbclid=x");
    rm_buf_release(&out);
}

static void url_sort_query_is_stable_by_name(void **state)
{
    rm_url_opts o = {.sort_query = true};
    rm_buf out;
    (void)state;

    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_url_normalize("http://h/?b=2&a=9&c&a=1&ab=0&b=1", &o, &out), RM_OK);
    assert_string_equal(out.ptr, "http://h/?a=9&a=1&ab=0&b=2&b=1&c");
    o.sort_query = false;
    assert_int_equal(rm_url_normalize("http://h/?b=2&a=9", &o, &out), RM_OK);
    assert_string_equal(out.ptr, "http://h/?b=2&a=9");
    rm_buf_release(&out);
}

static void url_length_limits(void **state)
{
    rm_url_opts o = {.max_len = 32};
    rm_buf out, small;
    char long_url[RM_URL_MAX_LEN + 64];
    (void)state;

    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_url_normalize("http://h/01234567890123456789012", &o, &out), RM_OK);
    assert_int_equal(rm_url_normalize("http://h/012345678901234567890123", &o, &out),
                     RM_ETOOBIG);
    assert_int_equal(out.len, 0);
    /* Short enough as written, too long once encoded. */
    assert_int_equal(rm_url_normalize("http://h/ü ü ü ü ü ü ü", &o, &out), RM_ETOOBIG);
    memset(long_url, 'a', sizeof(long_url) - 1);
    long_url[sizeof(long_url) - 1] = '\0';
    memcpy(long_url, "http://h/", 9);
    assert_int_equal(rm_url_normalize(long_url, NULL, &out), RM_ETOOBIG);
    assert_int_equal(rm_url_resolve("http://h/", long_url, &out), RM_ETOOBIG);
    /* The caller's buffer has its own limit. */
    rm_buf_init(&small, 10);
    assert_int_equal(rm_url_normalize("http://example.com/", NULL, &small), RM_ETOOBIG);
    assert_int_equal(small.len, 0);
    rm_buf_release(&small);
    rm_buf_release(&out);
}

static void url_in_place(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_buf_adds(&b, "HTTP://H/a/../b?utm_x=1#f");
    assert_int_equal(rm_url_normalize(b.ptr, NULL, &b), RM_OK);
    assert_string_equal(b.ptr, "http://h/b");
    assert_int_equal(rm_url_resolve(b.ptr, "c/../d?x#y", &b), RM_OK);
    assert_string_equal(b.ptr, "http://h/d?x#y");
    rm_buf_release(&b);
}

static void url_host_key_has_port(void **state)
{
    rm_buf out;
    (void)state;
    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_url_host_key("http://Shop.Example/x", &out), RM_OK);
    assert_string_equal(out.ptr, "shop.example:80");
    assert_int_equal(rm_url_host_key("HTTPS://u:p@Shop.Example", &out), RM_OK);
    assert_string_equal(out.ptr, "shop.example:443");
    assert_int_equal(rm_url_host_key("https://h:8443/", &out), RM_OK);
    assert_string_equal(out.ptr, "h:8443");
    assert_int_equal(rm_url_host_key("http://[2001:DB8::1]/", &out), RM_OK);
    assert_string_equal(out.ptr, "[2001:db8::1]:80");
    assert_int_equal(rm_url_host_key("ftp://h/", &out), RM_EUNSUPPORTED);
    assert_int_equal(rm_url_host_key("nonsense", &out), RM_EPARSE);
    assert_int_equal(out.len, 0);
    rm_buf_release(&out);
}

/* 2025-06-15T12:00:00Z: the calendar window is 1995..2027 with the defaults. */
#define NOW_2025 ((time_t)1749988800)

static void url_trap_repeated_segments_and_depth(void **state)
{
    rm_url_trap_opts o;
    (void)state;
    rm_url_trap_opts_default(&o, NOW_2025);
    assert_int_equal(rm_url_is_trap("http://h/a/b/a/b/a/b", &o), RM_URL_TRAP_REPEAT);
    assert_int_equal(rm_url_is_trap("http://h/tag/x/tag/x/tag/x/", &o), RM_URL_TRAP_REPEAT);
    assert_int_equal(rm_url_is_trap("http://h/a/b/a/b", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/a//a///a", &o), RM_URL_TRAP_REPEAT);
    assert_int_equal(rm_url_is_trap("http://h/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", &o),
                     RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", &o),
                     RM_URL_TRAP_DEPTH);
    o.max_segments = 0;
    o.max_repeat = 3;
    assert_int_equal(rm_url_is_trap("http://h/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", &o),
                     RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/a/b/a/b/a/b", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/a/b/a/b/a/b/a", &o), RM_URL_TRAP_REPEAT);
}

static void url_trap_calendars_outside_window(void **state)
{
    rm_url_trap_opts o;
    (void)state;
    rm_url_trap_opts_default(&o, NOW_2025);
    assert_int_equal(rm_url_is_trap("http://h/blog/2024/03/", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/events/2031/11/", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/events/2027/12/05", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/events/2028/1", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/archive/1994/12/", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/archive/1995/12/", &o), RM_URL_TRAP_NONE);
    /* A four-digit number not followed by a month is an id, not a year. */
    assert_int_equal(rm_url_is_trap("http://h/product/4031/reviews", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/p/4031/13", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/cal/2099-01-01", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/cal?date=2024-03-12", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/cal?date=2044-03-12", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/cal?d=1900-01", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/cal?month=3&Year=2040", &o), RM_URL_TRAP_CALENDAR);
    assert_int_equal(rm_url_is_trap("http://h/cal?month=3&year=2026", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/cal?years=2040&x=2040-13", &o), RM_URL_TRAP_NONE);
    /* Without a reference time the calendar check is off. */
    o.now = 0;
    assert_int_equal(rm_url_is_trap("http://h/events/2031/11/", &o), RM_URL_TRAP_NONE);
    assert_int_equal(rm_url_is_trap("http://h/events/2031/11/", NULL), RM_URL_TRAP_NONE);
}

static void url_trap_long_query(void **state)
{
    rm_url_trap_opts o;
    char url[700];
    (void)state;
    rm_url_trap_opts_default(&o, NOW_2025);
    memcpy(url, "http://h/s?q=", 13);
    memset(url + 13, 'x', 510); /* query of exactly 512 bytes */
    url[523] = '\0';
    assert_int_equal(rm_url_is_trap(url, &o), RM_URL_TRAP_NONE);
    url[523] = 'x'; /* one byte over */
    url[524] = '\0';
    assert_int_equal(rm_url_is_trap(url, &o), RM_URL_TRAP_QUERY);
    assert_string_equal(rm_url_trap_str(RM_URL_TRAP_QUERY), "query");
    assert_string_equal(rm_url_trap_str(RM_URL_TRAP_NONE), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_normalize_table),
        cmocka_unit_test(url_resolve_rfc3986_examples),
        cmocka_unit_test(url_whitespace_inside_is_removed),
        cmocka_unit_test(url_strip_list_and_prefixes),
        cmocka_unit_test(url_sort_query_is_stable_by_name),
        cmocka_unit_test(url_length_limits),
        cmocka_unit_test(url_in_place),
        cmocka_unit_test(url_host_key_has_port),
        cmocka_unit_test(url_trap_repeated_segments_and_depth),
        cmocka_unit_test(url_trap_calendars_outside_window),
        cmocka_unit_test(url_trap_long_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
