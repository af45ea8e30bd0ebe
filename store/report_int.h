/* Internals shared by report.c (queries, page) and report_svg.c (escaping, charts).
 *
 * Thread-safety: as store/report.h. */
#ifndef RM_REPORT_INT_H
#define RM_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

/* Colours of the page; the test of the report looks for the sentiment ones in screenshots. */
#define RM_REPORT_POS "#2e9e5b"
#define RM_REPORT_NEU "#9aa3ad"
#define RM_REPORT_NEG "#d64545"
#define RM_REPORT_ACCENT "#3b6fd8"

/* Writes s as HTML text or attribute value: & < > " ' escaped, control bytes dropped. NULL
 * writes nothing. Borrows s. */
void rm_report_esc(FILE *out, const char *s);
/* As rm_report_esc, cut after max characters (UTF-8) with an ellipsis. */
void rm_report_esc_cut(FILE *out, const char *s, size_t max);

/* One value per category. Arrays are borrowed for the call. */
typedef struct rm_report_bars {
    size_t n;
    const char *const *labels;  /* category names */
    const double *values;       /* bar lengths, >= 0 */
    const double *overlay;      /* optional second value drawn over the bar (errors), or NULL */
    const char *const *colors;  /* per bar, or NULL for the accent colour */
    const char *value_fmt;      /* printf format of one double for the value label */
    double width;               /* viewBox width: 600, or 300 for a half-width panel */
} rm_report_bars;

/* Vertical columns with labels below (every label_every-th label when crowded). */
void rm_report_columns(FILE *out, const rm_report_bars *b, const char *aria);
/* Horizontal bars with labels on the left and values on the right. */
void rm_report_hbars(FILE *out, const rm_report_bars *b, const char *aria);
/* Review counts per period as columns, mean sentiment (-1..1) as a line over them. */
void rm_report_timeline(FILE *out, size_t n, const char *const *labels, const double *counts,
                        const double *means, const char *aria);
/* Per category, 100% bars split into positive, neutral and negative shares. */
void rm_report_stacked(FILE *out, size_t n, const char *const *labels, const double *pos,
                       const double *neu, const double *neg, const char *aria);
/* rows x cols grid of mean scores (-1..1; NAN = no data) coloured red to green, with counts. */
void rm_report_heatmap(FILE *out, size_t rows, size_t cols, const char *const *row_labels,
                       const char *const *col_labels, const double *means, const long *counts,
                       const char *aria);

#endif
