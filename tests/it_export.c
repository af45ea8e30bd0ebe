/* Exports of a crawled database: every kind's CSV, read back by Python's csv module, equals the
 * stored rows column by column (text with quotes, commas and newlines included, formula cells
 * neutralised), and every filter returns exactly the rows an independent SQL count finds. */
#include "core/rm.h"
#include "store/export.h"
#include "tests/helpers/crawlrun.h"

#include <sqlite3.h>

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    rm_market m;
} fx;

/* Stored text a CSV writer must survive; the crawl brings the ordinary rows. */
static const char hostile_sql[] =
    "INSERT INTO reviews(site_id, review_key, product_id, author, rating, date, title, body,"
    " first_seen, last_seen) SELECT site_id, 'it:' || n, id, 'Mr \"Quote\", Jr.', 4, '2024-02-29',"
    " CASE n WHEN 1 THEN '=SUM(A1:A9)' WHEN 2 THEN '@cmd' ELSE 'plain' END,"
    " CASE n WHEN 1 THEN 'line one' || char(10) || 'line \"two\", three' || char(13) || char(10)"
    " WHEN 2 THEN '+1, \"quoted\"' ELSE '-minus' || char(9) || 'tab' END, 0, 0"
    " FROM products, (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3)"
    " WHERE products.id = (SELECT min(id) FROM products);"
    "UPDATE products SET name = name || ', \"deluxe\"' WHERE id = (SELECT max(id) FROM products);";

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void crawl(fx *f)
{
    const char *args[] = {"--products", "60", "--seed", "8", NULL};
    sqlite3 *h;
    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, hostile_sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static int64_t export_rows(fx *f, rm_export_opts *o, const char *path)
{
    FILE *out = fopen(path ? path : "/dev/null", "wb");
    int64_t rows = -1;
    rm_diag d;
    rm_diag_init(&d);
    assert_non_null(out);
    assert_int_equal(rm_export(f->db, o, out, &rows, &d), RM_OK);
    fclose(out);
    rm_diag_release(&d);
    return rows;
}

/* Python's csv module reads the file into a JSON array of rows (header first). */
static json_t *read_csv(const char *path)
{
    char *argv[] = {"/usr/bin/python3", "-c",
                    "import csv,sys,json\n"
                    "f=open(sys.argv[1],newline='',encoding='utf-8')\n"
                    "print(json.dumps(list(csv.reader(f,strict=True))))\n",
                    (char *)path, NULL};
    char *out = NULL, *err = NULL;
    json_t *rows;
    if (rm_test_run(argv, NULL, &out, &err, 30000) != 0)
        fail_msg("python csv: %s", err);
    rows = json_loads(out, 0, NULL);
    assert_non_null(rows);
    free(out), free(err);
    return rows;
}

/* The cell a stored value must become: NULL empty, formula-like text behind a quote. */
static void expect_cell(sqlite3_stmt *st, int col, const char *got, size_t row)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    bool formula = sqlite3_column_type(st, col) == SQLITE_TEXT && v && *v &&
                   strchr("=+-@\t\r", *v);
    if (!v)
        v = "";
    if ((formula && (got[0] != '\'' || strcmp(got + 1, v))) || (!formula && strcmp(got, v)))
        fail_msg("row %zu column %s: stored \"%s\", CSV \"%s\"", row,
                 sqlite3_column_name(st, col), v, got);
}

static void csv_equals_stored(fx *f, rm_export_kind kind)
{
    rm_export_opts o = {.kind = kind, .format = RM_FORMAT_CSV, .raw_identities = true};
    char path[FIXTURE_PATH_MAX + 16], *sql = rm_export_sql(kind, true);
    sqlite3 *h;
    sqlite3_stmt *st;
    json_t *rows;
    size_t r = 1;
    int64_t n;

    snprintf(path, sizeof(path), "%s/%s.csv", f->dir, rm_export_kind_str(kind));
    n = export_rows(f, &o, path);
    assert_true(n > 0);
    rows = read_csv(path);
    assert_int_equal(json_array_size(rows), (size_t)n + 1);
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    for (; sqlite3_step(st) == SQLITE_ROW; r++) {
        json_t *row = json_array_get(rows, r);
        assert_int_equal(json_array_size(row), (size_t)sqlite3_column_count(st));
        for (int c = 0; c < sqlite3_column_count(st); c++)
            expect_cell(st, c, json_string_value(json_array_get(row, (size_t)c)), r);
    }
    assert_int_equal(r, (size_t)n + 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
    json_decref(rows);
    free(sql);
}

static void export_csv_reads_back_as_stored(void **state)
{
    fx *f = *state;
    crawl(f);
    assert_true(rm_db_int(f->db, "SELECT count(*) FROM reviews WHERE body LIKE '%\"%,%' AND "
                                 "body LIKE '%' || char(10) || '%'") >= 1);
    for (int k = 0; k < RM_EXPORT_KEYWORDS; k++)
        csv_equals_stored(f, (rm_export_kind)k);
}

/* A value from the data, so every filter selects something. */
static char *pick(fx *f, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *v = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = rm_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    assert_non_null(v);
    return v;
}

static int64_t count_sql(fx *f, const char *fmt, const char *value)
{
    char sql[1024];
    char *q = sqlite3_mprintf("%Q", value);
    snprintf(sql, sizeof(sql), fmt, q);
    sqlite3_free(q);
    return rm_db_int(f->db, sql);
}

#define REV "FROM reviews r JOIN sites s ON s.id = r.site_id LEFT JOIN products p " \
            "ON p.id = r.product_id LEFT JOIN sentiment se ON se.review_id = r.id "

static void export_filters_match_sql_counts(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_REVIEWS, .format = RM_FORMAT_JSONL};
    char *site, *date, *product;
    int64_t want;

    crawl(f);
    site = pick(f, "SELECT host FROM sites ORDER BY id LIMIT 1");
    date = pick(f, "SELECT date FROM reviews ORDER BY date LIMIT 1 OFFSET "
                   "(SELECT count(*) / 2 FROM reviews)");
    product = pick(f, "SELECT p.url FROM products p JOIN reviews r ON r.product_id = p.id "
                      "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1");
    assert_int_equal(export_rows(f, &o, NULL), rm_db_int(f->db, "SELECT count(*) FROM reviews"));

    o.site = site;
    assert_int_equal(export_rows(f, &o, NULL), count_sql(f, "SELECT count(*) " REV
                                                            "WHERE s.host = %s", site));
    o.site = NULL;
    o.since = date;
    want = count_sql(f, "SELECT count(*) FROM reviews WHERE date >= %s", date);
    assert_true(want > 0);
    assert_int_equal(export_rows(f, &o, NULL), want);
    o.since = NULL;
    o.until = date;
    assert_int_equal(export_rows(f, &o, NULL),
                     count_sql(f, "SELECT count(*) FROM reviews WHERE date <= %s", date));
    o.until = NULL;
    o.product = product;
    want = count_sql(f, "SELECT count(*) " REV "WHERE p.url = %s", product);
    assert_true(want > 1);
    assert_int_equal(export_rows(f, &o, NULL), want);
    o.product = NULL;
    o.lang = "ru";
    assert_int_equal(export_rows(f, &o, NULL),
                     rm_db_int(f->db, "SELECT count(*) FROM sentiment WHERE lang = 'ru'"));
    o.lang = NULL;
    o.label = "neg";
    assert_int_equal(export_rows(f, &o, NULL),
                     rm_db_int(f->db, "SELECT count(*) FROM sentiment WHERE label = 'neg'"));
    o.aspect = "delivery";
    want = rm_db_int(f->db, "SELECT count(DISTINCT a.review_id) FROM aspects a JOIN sentiment se"
                            " ON se.review_id = a.review_id WHERE a.aspect = 'delivery' AND "
                            "se.label = 'neg'");
    assert_true(want > 0);
    assert_int_equal(export_rows(f, &o, NULL), want);

    /* aspects: one row per mention of the aspect */
    o.kind = RM_EXPORT_ASPECTS;
    o.label = NULL;
    assert_int_equal(export_rows(f, &o, NULL),
                     rm_db_int(f->db, "SELECT count(*) FROM aspects WHERE aspect = 'delivery'"));
    /* products: those with a review mentioning the aspect */
    o.kind = RM_EXPORT_PRODUCTS;
    assert_int_equal(export_rows(f, &o, NULL),
                     rm_db_int(f->db, "SELECT count(DISTINCT r.product_id) FROM reviews r JOIN "
                                      "aspects a ON a.review_id = r.id WHERE a.aspect = "
                                      "'delivery'"));
    o.aspect = NULL;
    o.product = product;
    assert_int_equal(export_rows(f, &o, NULL), 1);
    free(site), free(date), free(product);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(export_csv_reads_back_as_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(export_filters_match_sql_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
