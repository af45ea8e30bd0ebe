#include "core/rm.h"
#include "tests/helpers/testutil.h"
#include "tests/helpers/truth.h"

#include <math.h>
#include <sqlite3.h>

typedef struct cmp {
    rm_truth_report *rep;
    rm_buf log;
} cmp;

static void mismatch(cmp *c, const char *fmt, ...) RM_PRINTF(2, 3);

static void mismatch(cmp *c, const char *fmt, ...)
{
    va_list ap;
    c->rep->mismatches++;
    if (c->rep->mismatches > 15)
        return;
    va_start(ap, fmt);
    (void)rm_buf_vaddf(&c->log, fmt, ap);
    va_end(ap);
    rm_buf_addc(&c->log, '\n');
}

/* A column as JSON: NULL -> absent (NULL), integers, reals, text (JSON arrays parsed). */
static json_t *col_json(sqlite3_stmt *st, int i, bool json_text)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return NULL;
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    default:
        if (json_text)
            return json_loads((const char *)sqlite3_column_text(st, i), 0, NULL);
        return json_string((const char *)sqlite3_column_text(st, i));
    }
}

static bool same_value(json_t *a, json_t *b, bool as_set)
{
    if (!a || !b)
        return !a && !b;
    if (json_is_number(a) && json_is_number(b))
        return fabs(json_number_value(a) - json_number_value(b)) < 1e-6;
    if (as_set && json_is_array(a) && json_is_array(b)) {
        size_t i, k;
        json_t *v, *w;
        if (json_array_size(a) != json_array_size(b))
            return false;
        json_array_foreach(a, i, v) {
            bool found = false;
            json_array_foreach(b, k, w) found = found || json_equal(v, w);
            if (!found)
                return false;
        }
        return true;
    }
    return json_equal(a, b);
}

/* Loads rows of sql into an object keyed by column 0, each row an object of the named
 * columns (absent when NULL). */
static json_t *load(sqlite3 *db, const char *sql, const char *const *names, size_t n,
                    const char *json_cols)
{
    json_t *all = json_object();
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("truth: %s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *row = json_object();
        for (size_t i = 0; i < n; i++) {
            json_t *v = col_json(st, (int)i + 1, strstr(json_cols, names[i]) != NULL);
            if (v)
                json_object_set_new(row, names[i], v);
        }
        json_object_set_new(all, (const char *)sqlite3_column_text(st, 0), row);
    }
    sqlite3_finalize(st);
    return all;
}

static void compare(cmp *c, const char *what, json_t *want_list, const char *key,
                    json_t *got, const char *const *names, size_t n, const char *sets)
{
    size_t i;
    json_t *w;
    json_array_foreach(want_list, i, w) {
        const char *k = json_string_value(json_object_get(w, key));
        json_t *g = k ? json_object_get(got, k) : NULL;
        if (!g) {
            mismatch(c, "%s %s: missing", what, k ? k : "?");
            continue;
        }
        for (size_t f = 0; f < n; f++) {
            json_t *a = json_object_get(w, names[f]), *b = json_object_get(g, names[f]);
            if (!same_value(a, b, strstr(sets, names[f]) != NULL)) {
                char *sa = a ? json_dumps(a, JSON_ENCODE_ANY) : NULL;
                char *sb = b ? json_dumps(b, JSON_ENCODE_ANY) : NULL;
                mismatch(c, "%s %s: %s: want %s, got %s", what, k, names[f], sa ? sa : "absent",
                         sb ? sb : "absent");
                free(sa);
                free(sb);
            }
        }
        json_object_del(got, k);
    }
    const char *k;
    json_t *extra;
    json_object_foreach(got, k, extra) mismatch(c, "%s %s: not in the truth", what, k);
}

int rm_truth_check(const char *db_path, json_t *truth, rm_truth_report *rep)
{
    static const char *const pnames[] = {"schema_type", "name", "sku", "brand", "category",
                                         "price", "currency", "rating", "rating_count",
                                         "review_count"};
    static const char *const rnames[] = {"product", "author", "author_url", "rating", "date",
                                         "title", "body", "scored"};
    static const char *const fnames[] = {"platform", "handle", "name", "city", "country",
                                         "gender", "birth_year", "bio", "interests",
                                         "followers", "following", "joined", "links"};
    sqlite3 *db;
    json_t *got, *want;
    cmp c = {rep, {0}};

    memset(rep, 0, sizeof(*rep));
    rm_buf_init(&c.log, 1 << 16);
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("cannot open %s", db_path);
    want = json_object_get(truth, "products");
    rep->want_products = json_array_size(want);
    got = load(db, "SELECT url, schema_type, name, sku, brand, category, price, currency, rating,"
                   " rating_count, review_count FROM products", pnames, 10, "");
    rep->products = json_object_size(got);
    compare(&c, "product", want, "url", got, pnames, 10, "");
    json_decref(got);

    want = json_object_get(truth, "reviews");
    rep->want_reviews = json_array_size(want);
    got = load(db, "SELECT r.ext_id, COALESCE(p.url, r.product_ref), r.author, r.author_url, "
                   "r.rating, r.date, r.title, r.body, "
                   "CASE WHEN se.review_id IS NULL THEN NULL ELSE 1 END "
                   "FROM reviews r LEFT JOIN products p ON p.id = r.product_id "
                   "LEFT JOIN sentiment se ON se.review_id = r.id", rnames, 8, "");
    rep->reviews = json_object_size(got);
    {
        size_t i;
        json_t *w;
        json_array_foreach(want, i, w) json_object_set_new(w, "scored", json_integer(1));
    }
    compare(&c, "review", want, "id", got, rnames, 8, "");
    json_decref(got);

    want = json_object_get(truth, "profiles");
    rep->want_profiles = json_array_size(want);
    got = load(db, "SELECT url, platform, handle, name, city, country, gender, birth_year, bio, "
                   "interests, followers, following, joined, links FROM profiles", fnames, 13,
               "interests links");
    rep->profiles = json_object_size(got);
    compare(&c, "profile", want, "url", got, fnames, 13, "links");
    json_decref(got);
    sqlite3_close(db);
    rep->first = rm_buf_detach(&c.log, NULL);
    return rep->mismatches ? -1 : 0;
}

void rm_truth_release(rm_truth_report *rep)
{
    free(rep->first);
    rep->first = NULL;
}
