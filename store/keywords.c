#include "core/rm.h"
#include "store/db.h"
#include "store/keywords.h"

/* The scope expression of each grouping, over reviews r, sites s, products p. */
static const char *const scope_expr[] = {
    [RM_KEYWORDS_BY_PRODUCT] = "COALESCE(p.url, r.product_ref, '')",
    [RM_KEYWORDS_BY_SITE] = "s.host",
    [RM_KEYWORDS_BY_ALL] = "''",
};

/* Three steps: one valence per (review, term), then support and mean per (scope, term), then a
 * rank per scope and side. Window functions keep it one pass in SQLite; memory is SQLite's
 * sorter, which spills to disk, so any database size works.
 * ?1 site ?2 since ?3 until ?4 product ?5 lang ?6 min support ?7 top */
static const char sql_fmt[] =
    "WITH per_review AS ("
    " SELECT %s AS scope, t.term AS term, avg(t.valence) AS v"
    " FROM review_terms t JOIN reviews r ON r.id = t.review_id"
    " JOIN sites s ON s.id = r.site_id"
    " LEFT JOIN products p ON p.id = r.product_id"
    " LEFT JOIN sentiment se ON se.review_id = r.id"
    " WHERE (?1 IS NULL OR s.host = ?1) AND (?2 IS NULL OR r.date >= ?2)"
    " AND (?3 IS NULL OR r.date <= ?3) AND (?4 IS NULL OR p.url = ?4 OR r.product_ref = ?4)"
    " AND (?5 IS NULL OR se.lang = ?5)"
    " GROUP BY t.review_id, t.term),"
    " per_term AS ("
    " SELECT scope, term, count(*) AS n, avg(v) AS mv FROM per_review"
    " GROUP BY scope, term HAVING count(*) >= ?6 AND avg(v) <> 0),"
    " ranked AS ("
    " SELECT scope, CASE WHEN mv > 0 THEN 'praised' ELSE 'complained' END AS side, term, n, mv,"
    " row_number() OVER (PARTITION BY scope, mv > 0 ORDER BY n DESC, abs(mv) DESC, term)"
    " AS rnk FROM per_term)"
    " SELECT scope, side, rnk, term, n, round(mv, 3) FROM ranked WHERE rnk <= ?7"
    " ORDER BY scope, side DESC, rnk";

int rm_keywords_by_parse(const char *s, rm_keywords_by *out)
{
    static const char *const names[] = {"product", "site", "all"};
    for (size_t i = 0; i < RM_ARRAY_LEN(names); i++)
        if (!strcmp(s, names[i])) {
            *out = (rm_keywords_by)i;
            return 0;
        }
    return -1;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

rm_err rm_keywords_prepare(sqlite3 *h, const rm_keywords_opts *o, sqlite3_stmt **out)
{
    char sql[sizeof(sql_fmt) + 64];
    sqlite3_stmt *st = NULL;

    *out = NULL;
    if ((unsigned)o->by >= RM_ARRAY_LEN(scope_expr))
        return RM_EINVAL;
    snprintf(sql, sizeof(sql), sql_fmt, scope_expr[o->by]);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
        rm_log_error("keywords: %s", sqlite3_errmsg(h));
        sqlite3_finalize(st);
        return RM_EDB;
    }
    bind_opt(st, 1, o->site);
    bind_opt(st, 2, o->since);
    bind_opt(st, 3, o->until);
    bind_opt(st, 4, o->product);
    bind_opt(st, 5, o->lang);
    sqlite3_bind_int(st, 6, o->min_support > 0 ? o->min_support : RM_KEYWORDS_MIN_SUPPORT);
    sqlite3_bind_int(st, 7, o->top > 0 ? o->top : RM_KEYWORDS_TOP);
    *out = st;
    return RM_OK;
}
