/* Report: every section present, figures from the data, all database text escaped, nothing
 * fetched from outside, portraits read only when their tables exist. */
#include "core/rm.h"
#include "store/db.h"
#include "store/report.h"
#include "store/report_int.h"
#include "tests/helpers/htmlcheck.h"
#include "tests/helpers/testutil.h"

typedef struct fx {
    char *dir;
    char path[FIXTURE_PATH_MAX];
    rm_db *db;
} fx;

static const char seed_sql[] =
    "INSERT INTO jobs(id, name, created_at) VALUES (1, '<img src=x onerror=alert(1)>', 0);"
    "INSERT INTO runs(id, job_id, started_at, outcome, pages, errors) VALUES"
    " (1, 1, 1700000000, 'done', 40, 3);"
    "INSERT INTO frontier(job_id, url, host, state, last_error, discovered_at) VALUES"
    " (1, 'http://shop.test/a', 'shop.test', 1, NULL, 0),"
    " (1, 'http://shop.test/b', 'shop.test', 2, 'HTTP 404 <b>gone</b>', 0);"
    "INSERT INTO sites(id, host) VALUES (1, 'shop.test');"
    "INSERT INTO products(id, site_id, url, name, first_seen, last_seen) VALUES"
    " (1, 1, 'http://shop.test/p/1', '<script>alert(\"x\")</script> & ''q''', 0, 0);"
    "INSERT INTO reviews(id, site_id, review_key, product_id, rating, date, body, first_seen,"
    " last_seen) VALUES (1, 1, 'k1', 1, 1.0, '2024-01-05', 'a', 0, 0),"
    " (2, 1, 'k2', 1, 3.0, '2024-01-20', 'b', 0, 0), (3, 1, 'k3', 1, 5.0, '2024-02-02', 'c', 0, 0);"
    "INSERT INTO sentiment(review_id, score, label, lang, scored_at) VALUES"
    " (1, -0.8, 'neg', 'en', 0), (2, 0.0, 'neu', 'en', 0), (3, 0.8, 'pos', 'en', 0);"
    "INSERT INTO aspects(review_id, aspect, score, label, span_start, span_end) VALUES"
    " (1, 'deli<very>', -0.5, 'neg', 0, 1), (3, 'deli<very>', 0.9, 'pos', 0, 1);"
    "INSERT INTO review_terms(review_id, term, valence) VALUES"
    " (1, 'awful & <bad>', -3), (2, 'awful & <bad>', -2), (3, 'great', 3), (1, 'great', 1);";

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    snprintf(f->path, sizeof(f->path), "%s/r.db", f->dir);
    if (rm_db_open(f->path, RM_DB_CREATE, &d, &f->db))
        return -1;
    rm_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_db_close(f->db);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *report(fx *f)
{
    rm_report_opts o = {0, 0, 1700000000};
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    rm_diag d;
    rm_diag_init(&d);
    assert_int_equal(rm_report_write(f->path, &o, m, &d), RM_OK);
    fclose(m);
    rm_diag_release(&d);
    return out;
}

static void report_empty_database(void **state)
{
    fx *f = *state;
    char *html = report(f);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "No scored reviews yet."));
    assert_non_null(strstr(html, "No dated reviews yet."));
    assert_non_null(strstr(html, "No aspect mentions yet."));
    assert_non_null(strstr(html, "No portraits yet."));
    assert_non_null(strstr(html, "No pages crawled yet."));
    assert_non_null(strstr(html, "generated 2023-11-14 22:13 UTC"));
    assert_non_null(strstr(html, "</html>\n"));
    rm_expect_self_contained_html(html);
    free(html);
}

static void report_sections_carry_the_figures(void **state)
{
    fx *f = *state;
    char *html;
    assert_int_equal(rm_db_exec(f->db, seed_sql), RM_OK);
    html = report(f);
    static const char *const ids[] = {"distribution", "over-time", "rating", "terms", "aspects",
                                      "portraits", "health"};
    for (size_t i = 0; i < RM_ARRAY_LEN(ids); i++) {
        char want[64];
        snprintf(want, sizeof(want), "id=\"%s\"", ids[i]);
        assert_non_null(strstr(html, want));
    }
    /* summary, histogram, months, stars, correlation, heatmap cell, health */
    assert_non_null(strstr(html, "<b>3</b><span>reviews</span>"));
    assert_non_null(strstr(html, "<title>-0.8: 1</title>"));
    assert_non_null(strstr(html, "<title>2024-01: 2 reviews, mean -0.40</title>"));
    assert_non_null(strstr(html, "<title>2024-02: 1 reviews, mean +0.80</title>"));
    assert_non_null(strstr(html, ">5 ★</text>"));
    assert_non_null(strstr(html, "Pearson r between rating and sentiment: <b>1.00</b> over 3"));
    assert_non_null(strstr(html, "mean +0.20 in 2 mentions"));
    assert_non_null(strstr(html, "<b>1</b><span>failed</span>"));
    assert_non_null(strstr(html, "<td>done</td>"));
    /* terms: support 2 for both; "great" averages 2, the complaint -2.5 */
    assert_non_null(strstr(html, ">great</text>"));
    assert_non_null(strstr(html, ">awful &amp; &lt;bad&gt;</text>"));
    free(html);
}

static void report_escapes_database_text(void **state)
{
    fx *f = *state;
    char *html;
    assert_int_equal(rm_db_exec(f->db, seed_sql), RM_OK);
    html = report(f);
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<b>gone"));
    assert_null(strstr(html, "deli<very>"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                                 "&#39;q&#39;"));
    assert_non_null(strstr(html, "HTTP 404 &lt;b&gt;gone&lt;/b&gt;"));
    rm_expect_self_contained_html(html);
    free(html);
}

static void report_portrait_segments_when_present(void **state)
{
    fx *f = *state;
    char *html;
    assert_int_equal(rm_db_exec(f->db,
                                "INSERT INTO portraits(key, built_at, profiles, stance, segments) "
                                "VALUES ('a', 0, 1, 'promoter', '[\"frequent\"]'),"
                                " ('b', 0, 2, 'promoter', '[\"frequent\",\"<new>\"]'),"
                                " ('c', 0, 1, 'detractor', 'not json'),"
                                " ('d', 0, 1, NULL, NULL);"),
                     RM_OK);
    html = report(f);
    assert_null(strstr(html, "No portraits yet."));
    assert_non_null(strstr(html, "4 portraits: 2 promoters, 0 passives, 1 detractors."));
    assert_non_null(strstr(html, ">frequent</text>"));
    assert_non_null(strstr(html, ">&lt;new&gt;</text>"));
    assert_null(strstr(html, "not json"));
    free(html);
}

static void report_cli_replaces_only_on_success(void **state)
{
    fx *f = *state;
    char bin[FIXTURE_PATH_MAX], html[FIXTURE_PATH_MAX + 16], tmp[FIXTURE_PATH_MAX + 32];
    char missing[FIXTURE_PATH_MAX + 16], *out = NULL, *err = NULL, *text;
    char *no_out[] = {bin, "report", "--db", f->path, NULL};
    char *good[] = {bin, "report", "--db", f->path, "--out", html, NULL};
    char *bad_db[] = {bin, "report", "--db", missing, "--out", html, NULL};

    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    snprintf(html, sizeof(html), "%s/r.html", f->dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", html);
    snprintf(missing, sizeof(missing), "%s/none.db", f->dir);
    assert_int_equal(rm_test_run(no_out, NULL, &out, &err, 20000), 2);
    assert_non_null(strstr(err, "missing --out"));
    free(out), free(err);
    assert_int_equal(rm_test_run(good, NULL, &out, &err, 20000), 0);
    free(out), free(err);
    text = rm_test_read_file(html, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "</html>"));
    free(text);
    assert_null(rm_test_read_file(tmp, NULL));
    /* a failing run leaves the previous report in place and no temporary file */
    assert_int_equal(rm_test_run(bad_db, NULL, &out, &err, 20000), 1);
    free(out), free(err);
    text = rm_test_read_file(html, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "</html>"));
    free(text);
    assert_null(rm_test_read_file(tmp, NULL));
}

static char *esc(const char *s, size_t cut)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    if (cut)
        rm_report_esc_cut(m, s, cut);
    else
        rm_report_esc(m, s);
    fclose(m);
    return out;
}

static void report_escape_rules(void **state)
{
    char *t;
    (void)state;
    t = esc("a<b>&\"'\x1b[1m\nz", 0);
    assert_string_equal(t, "a&lt;b&gt;&amp;&quot;&#39;[1m z");
    free(t);
    t = esc("Привет мир", 6); /* cut by characters, never inside one */
    assert_string_equal(t, "Привет…");
    free(t);
    t = esc("short", 6);
    assert_string_equal(t, "short");
    free(t);
    t = esc("<<<<<<<", 3);
    assert_string_equal(t, "&lt;&lt;&lt;…");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(report_empty_database, setup, teardown),
        cmocka_unit_test_setup_teardown(report_sections_carry_the_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(report_escapes_database_text, setup, teardown),
        cmocka_unit_test_setup_teardown(report_portrait_segments_when_present, setup, teardown),
        cmocka_unit_test_setup_teardown(report_cli_replaces_only_on_success, setup, teardown),
        cmocka_unit_test(report_escape_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
