/* Keywords: the terms reviewers praise and complain about, per product or per site.
 *
 * Thread-safety: functions use the connection they are given, from that connection's thread.
 *
 * The terms are the scorer's evidence (store.c fills review_terms whenever a review is scored):
 * lexicon lemmas and phrases, a negated one written "not good" / "не понравилось", so word forms
 * group. A term is praised when its mean valence over the reviews using it is positive,
 * complained about when negative. Support is the number of distinct reviews using the term;
 * a review that repeats a word counts once, with the mean of its valences. */
#ifndef RM_KEYWORDS_H
#define RM_KEYWORDS_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/err.h"

typedef enum rm_keywords_by {
    RM_KEYWORDS_BY_PRODUCT = 0, /* scope = product URL (or the review's product reference) */
    RM_KEYWORDS_BY_SITE,        /* scope = host[:port] */
    RM_KEYWORDS_BY_ALL          /* scope = "" : the whole database */
} rm_keywords_by;

#define RM_KEYWORDS_MIN_SUPPORT 2
#define RM_KEYWORDS_TOP 10

typedef struct rm_keywords_opts {
    rm_keywords_by by;
    int min_support;    /* reviews a term needs; <= 0 means RM_KEYWORDS_MIN_SUPPORT */
    int top;            /* terms per scope and side; <= 0 means RM_KEYWORDS_TOP */
    /* Review filters, as in exports; NULL = none. Borrowed for the call. */
    const char *site;
    const char *since;  /* review date, YYYY-MM-DD, inclusive */
    const char *until;
    const char *product;
    const char *lang;
} rm_keywords_opts;

/* The statement's columns, in order. */
enum {
    RM_KW_COL_SCOPE = 0, /* text: product URL, host or "" */
    RM_KW_COL_SIDE,      /* text: "praised" or "complained" */
    RM_KW_COL_RANK,      /* integer from 1, per scope and side */
    RM_KW_COL_TERM,      /* text */
    RM_KW_COL_REVIEWS,   /* integer: support */
    RM_KW_COL_VALENCE,   /* real: mean valence, rounded to 3 places */
    RM_KW_N_COLS
};

/* Prepares the ranked keyword query on h with opts bound; rows come ordered by scope, side
 * (praised first) and rank. Returns a new statement: the caller steps it and calls
 * sqlite3_finalize(). The strings of opts are bound with SQLITE_TRANSIENT. */
RM_MUST_CHECK rm_err rm_keywords_prepare(sqlite3 *h, const rm_keywords_opts *opts,
                                         sqlite3_stmt **out);

/* Parses "product", "site", "all"; returns -1 for anything else. */
int rm_keywords_by_parse(const char *s, rm_keywords_by *out);

#endif
