#include "core/rm.h"
#include "store/search.h"

#include <math.h>

/* snippet() column -1 picks the column (title or body) with the best match; 16 tokens is about
 * one terminal line. The FTS table is external content: the rowid is reviews.id. */
static const char search_sql[] =
    "SELECT r.id, s.host, p.name, COALESCE(p.url, r.product_ref), r.date, se.label,"
    " snippet(reviews_fts, -1, char(1), char(2), '…', 16), r.rating, se.score"
    " FROM reviews_fts f JOIN reviews r ON r.id = f.rowid"
    " JOIN sites s ON s.id = r.site_id"
    " LEFT JOIN products p ON p.id = r.product_id"
    " LEFT JOIN sentiment se ON se.review_id = r.id"
    " WHERE reviews_fts MATCH ?1 ORDER BY f.rank LIMIT ?2";

static const char *text_or_null(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static double real_or_nan(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static void read_hit(sqlite3_stmt *st, rm_search_hit *h)
{
    h->review_id = sqlite3_column_int64(st, 0);
    h->site = text_or_null(st, 1);
    h->product_name = text_or_null(st, 2);
    h->product_url = text_or_null(st, 3);
    h->date = text_or_null(st, 4);
    h->label = text_or_null(st, 5);
    h->snippet = text_or_null(st, 6);
    h->rating = real_or_nan(st, 7);
    h->sentiment = real_or_nan(st, 8);
}

rm_err rm_search(sqlite3 *h, const char *query, int limit, rm_search_fn fn, void *ud,
                 rm_diag *diag)
{
    sqlite3_stmt *st = NULL;
    rm_search_hit hit;
    rm_err err = RM_OK;
    int rc;

    if (sqlite3_prepare_v2(h, search_sql, -1, &st, NULL) != SQLITE_OK) {
        rm_diag_add(diag, NULL, 0, NULL, "search: %s", sqlite3_errmsg(h));
        return RM_EDB;
    }
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_hit(st, &hit);
        if (fn(&hit, ud))
            break;
    }
    /* The statement itself is fixed and prepared, so a plain SQLITE_ERROR while stepping is
     * FTS5 rejecting the query ("fts5: syntax error near ...", "unterminated string", "no such
     * column" for a word before a colon). I/O, corruption and locks have codes of their own. */
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        bool syntax = rc == SQLITE_ERROR;
        rm_diag_add(diag, NULL, 0, NULL, "%s: %s", syntax ? "bad search query" : "search",
                    sqlite3_errmsg(h));
        err = syntax ? RM_EPARSE : RM_EDB;
    }
    sqlite3_finalize(st);
    return err;
}
