#include "core/rm.h"
#include "store/db.h"
#include "store/export.h"
#include "store/store.h"
#include "tests/helpers/testutil.h"

typedef struct fx {
    char *dir, *db;
} fx;

static const char *const bodies[] = {
    "Plain text", "Comma, and \"quotes\"", "Line one\nline two\r\nline three",
    "=HYPERLINK(\"http://evil\")", "+7 999 123", "-минус", "@user", "Нормально ;)",
};

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    rm_diag d;
    rm_db *db;
    rm_store *s;
    rm_arena *a = rm_arena_new(8192);
    rm_page_result pr;
    rm_apply_stats st = {0, 0, 0, 0};
    rm_sentiment *sent;
    rm_buf p;

    rm_diag_init(&d);
    f->dir = rm_test_tmpdir();
    rm_buf_init(&p, 4096);
    rm_buf_addf(&p, "%s/e.db", f->dir);
    f->db = rm_buf_detach(&p, NULL);
    if (rm_db_open(f->db, RM_DB_CREATE, &d, &db))
        return -1;
    s = rm_store_new(db);
    memset(&pr, 0, sizeof(pr));
    pr.url = "http://shop.test/p/1";
    pr.outcome = RM_OUT_OK;
    pr.fetched_at = 1700000000;
    rm_recs_init(&pr.recs, a);
    rm_rec *prod = rm_recs_add(&pr.recs, RM_REC_PRODUCT);
    prod->u.product.url = "http://shop.test/p/1";
    prod->u.product.name = "Товар, \"лучший\"";
    prod->u.product.price = 1299.5;
    prod->u.product.currency = "RUB";
    sent = rm_arena_calloc(a, RM_ARRAY_LEN(bodies) + 1, sizeof(*sent));
    for (size_t i = 0; i < RM_ARRAY_LEN(bodies); i++) {
        rm_rec *r = rm_recs_add(&pr.recs, RM_REC_REVIEW);
        char id[16];
        snprintf(id, sizeof(id), "r%zu", i);
        r->u.review.product = "http://shop.test/p/1";
        r->u.review.id = rm_recs_str(&pr.recs, id);
        r->u.review.author = i % 2 ? "Анна" : "Bob";
        r->u.review.author_url = i % 2 ? "http://shop.test/u/anna" : NULL;
        r->u.review.rating = (double)(1 + i % 5);
        r->u.review.date = i < 4 ? "2024-01-10" : "2024-06-01";
        r->u.review.body = bodies[i];
        sent[i + 1].score = i % 3 == 0 ? 0.5 : -0.5;
        sent[i + 1].label = i % 3 == 0 ? RM_LABEL_POS : RM_LABEL_NEG;
        sent[i + 1].lang = i % 2 ? RM_LANG_RU : RM_LANG_EN;
        if (i == 2) {
            static rm_aspect_hit hit = {"delivery", -0.6, RM_LABEL_NEG, 0, 8, "Line"};
            sent[i + 1].aspects = &hit;
            sent[i + 1].n_aspects = 1;
        }
    }
    pr.sent = sent;
    if (rm_db_begin(db) || rm_store_apply_page(s, &pr, &st) || rm_db_commit(db))
        return -1;
    rm_recs_release(&pr.recs);
    rm_store_free(s);
    rm_db_close(db);
    rm_arena_free(a);
    rm_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static char *export_to_string(fx *f, rm_export_opts *o, int64_t *rows)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    rm_diag d;
    rm_diag_init(&d);
    assert_int_equal(rm_export(f->db, o, m, rows, &d), RM_OK);
    fclose(m);
    rm_diag_release(&d);
    return out;
}

/* A standard CSV reader (Python's csv module) must get back exactly the stored bodies. */
static void export_csv_round_trips_through_a_csv_reader(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_REVIEWS, .format = RM_FORMAT_CSV};
    int64_t rows;
    char *csv = export_to_string(f, &o, &rows), *path, *out = NULL, *err = NULL;
    char *argv[] = {"/usr/bin/python3", "-c",
                    "import csv,sys,json\n"
                    "rows=list(csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8')))\n"
                    "print(json.dumps([r['body'] for r in rows]))\n",
                    NULL, NULL};
    json_t *got;

    assert_int_equal(rows, RM_ARRAY_LEN(bodies));
    path = rm_test_write(f->dir, "r.csv", csv, strlen(csv));
    argv[3] = path;
    assert_int_equal(rm_test_run(argv, NULL, &out, &err, 10000), 0);
    got = json_loads(out, 0, NULL);
    assert_non_null(got);
    assert_int_equal(json_array_size(got), RM_ARRAY_LEN(bodies));
    for (size_t i = 0; i < RM_ARRAY_LEN(bodies); i++) {
        const char *b = json_string_value(json_array_get(got, i));
        if (strchr("=+-@", bodies[i][0])) {
            assert_int_equal(b[0], '\''); /* neutralised, otherwise intact */
            assert_string_equal(b + 1, bodies[i]);
        } else {
            assert_string_equal(b, bodies[i]);
        }
    }
    json_decref(got);
    free(out), free(err), free(path), free(csv);
}

static void export_pseudonymises_unless_raw(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_REVIEWS, .format = RM_FORMAT_JSONL};
    int64_t rows;
    char *text = export_to_string(f, &o, &rows);
    assert_null(strstr(text, "Анна"));
    assert_null(strstr(text, "/u/anna"));
    assert_non_null(strstr(text, "\"author_id\":\"p_"));
    free(text);
    o.raw_identities = true;
    text = export_to_string(f, &o, &rows);
    assert_non_null(strstr(text, "\"author\":\"Анна\""));
    assert_non_null(strstr(text, "\"author_id\":\"http://shop.test/u/anna\""));
    free(text);
}

static void export_filters_select_exactly(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_REVIEWS, .format = RM_FORMAT_JSONL};
    int64_t rows;
    char *t;

    o.since = "2024-06-01";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, 4);
    o.since = NULL;
    o.until = "2024-01-10";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, 4);
    o.until = NULL;
    o.label = "pos";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, 3); /* i = 0, 3, 6 */
    o.label = NULL;
    o.lang = "ru";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, 4);
    o.lang = NULL;
    o.aspect = "delivery";
    t = export_to_string(f, &o, &rows);
    assert_int_equal(rows, 1);
    assert_non_null(strstr(t, "\"aspects\":\"delivery:-0.60\""));
    free(t);
    o.aspect = NULL;
    o.site = "other.test";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, 0);
    o.site = "shop.test";
    free(export_to_string(f, &o, &rows));
    assert_int_equal(rows, RM_ARRAY_LEN(bodies));
}

static void export_aspects_carry_evidence(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_ASPECTS, .format = RM_FORMAT_JSONL};
    int64_t rows;
    char *t = export_to_string(f, &o, &rows);
    assert_int_equal(rows, 1);
    assert_non_null(strstr(t, "\"evidence\":\"Line one\""));
    free(t);
}

static void export_products_and_bom(void **state)
{
    fx *f = *state;
    rm_export_opts o = {.kind = RM_EXPORT_PRODUCTS, .format = RM_FORMAT_CSV, .bom = true};
    int64_t rows;
    char *t = export_to_string(f, &o, &rows);
    assert_int_equal(rows, 1);
    assert_memory_equal(t, "\xEF\xBB\xBFproduct_id,site,url", 22);
    assert_non_null(strstr(t, ",\"Товар, \"\"лучший\"\"\","));
    assert_non_null(strstr(t, ",1299.5,RUB,"));
    free(t);
}

static void export_csv_field_rules(void **state)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    (void)state;
    rm_csv_field(m, "a", 1, true);
    fputc('|', m);
    rm_csv_field(m, "-1.5", 4, false); /* numbers are not formulas */
    fputc('|', m);
    rm_csv_field(m, "-x", 2, true);
    fputc('|', m);
    rm_csv_field(m, "=1,2", 4, true);
    fputc('|', m);
    rm_csv_field(m, "", 0, true);
    fclose(m);
    assert_string_equal(out, "a|-1.5|'-x|\"'=1,2\"|");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(export_csv_round_trips_through_a_csv_reader, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(export_pseudonymises_unless_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(export_filters_select_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(export_aspects_carry_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(export_products_and_bom, setup, teardown),
        cmocka_unit_test(export_csv_field_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
