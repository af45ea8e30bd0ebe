/* Full-text search over review titles and bodies (the reviews_fts FTS5 index, which triggers in
 * the schema keep in step with every insert, edit and delete of a review).
 *
 * Thread-safety: functions use the connection they are given, from that connection's thread.
 *
 * Queries use FTS5 syntax: words (all must match), "exact phrases", OR, NOT, prefix*, NEAR(). */
#ifndef RM_SEARCH_H
#define RM_SEARCH_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/err.h"

/* Marks around matched words in snippets: bytes that never occur in stored text after the
 * caller's sanitising, so a printer can turn them into bold, brackets or <mark>. */
#define RM_SEARCH_OPEN '\x01'
#define RM_SEARCH_CLOSE '\x02'

typedef struct rm_search_hit {
    int64_t review_id;
    /* Strings are borrowed from the statement: valid during the callback only; NULL = absent. */
    const char *site;
    const char *product_name;
    const char *product_url;
    const char *date;
    const char *label;     /* pos, neu, neg; NULL when not scored */
    const char *snippet;   /* about 16 words around the best match, with RM_SEARCH_OPEN/CLOSE */
    double rating;         /* 0..5, NAN when absent */
    double sentiment;      /* -1..1, NAN when not scored */
} rm_search_hit;

/* Returns non-zero to stop early. */
typedef int (*rm_search_fn)(const rm_search_hit *hit, void *ud);

/* Calls fn for the best limit matches of query, best first (BM25). RM_EPARSE when the query is
 * not valid FTS5 syntax, with SQLite's reason in diag. Borrows query for the call. */
RM_MUST_CHECK rm_err rm_search(sqlite3 *h, const char *query, int limit, rm_search_fn fn,
                               void *ud, rm_diag *diag);

#endif
