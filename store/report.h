/* The report: one self-contained HTML file an analyst opens in a browser to see a database at
 * a glance. Inline CSS and inline SVG charts drawn here; no script, font, image or style is
 * fetched from anywhere, so it works offline and leaks nothing when opened. One inline script
 * marks the document with its number of charts, so automated checks can tell it ran.
 *
 * Thread-safety: a report uses its own read-only connection; any thread may write one while a
 * crawl writes (WAL mode).
 *
 * Sections: summary, sentiment distribution, sentiment over time, rating vs sentiment, aspect
 * polarity per product (top products), top praised and complained terms, portrait segments
 * (when the database has portraits), crawl health (frontier, last runs, errors). Every string
 * from the database is HTML-escaped; memory is bounded by the top-N limits, not the data. */
#ifndef RM_REPORT_H
#define RM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/err.h"

typedef struct rm_report_opts {
    int top_products;   /* products in the aspect chart; <= 0 means 12 */
    int top_terms;      /* praised and complained terms each; <= 0 means 12 */
    int64_t now;        /* "generated at" time, Unix seconds; 0 means the current time */
} rm_report_opts;

/* Writes the report of the database at db_path to out. Problems are described in diag. */
RM_MUST_CHECK rm_err rm_report_write(const char *db_path, const rm_report_opts *opts, FILE *out,
                                     rm_diag *diag);

#endif
