/* Exports: stored rows out as CSV (RFC 4180) or JSON Lines, streamed with constant memory.
 *
 * Thread-safety: an export uses its own read-only connection; any thread may run one while a
 * crawl writes (WAL mode).
 *
 * Columns per kind come from one table each (export.c), which also writes the README's column
 * reference (`revmine export --columns`), so names and order stay stable across versions.
 * Authors and profiles appear under pseudonymous ids (a keyed hash with a per-database secret)
 * unless raw identities are asked for. */
#ifndef RM_EXPORT_H
#define RM_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/err.h"
#include "store/keywords.h"

typedef enum rm_export_kind {
    RM_EXPORT_PRODUCTS = 0,
    RM_EXPORT_REVIEWS,
    RM_EXPORT_PROFILES,
    RM_EXPORT_ASPECTS,
    RM_EXPORT_PORTRAITS,      /* customer portraits (store/portrait.h) */
    RM_EXPORT_KEYWORDS,       /* top praised and complained terms (store/keywords.h) */
    RM_EXPORT_N_KINDS
} rm_export_kind;

typedef enum rm_export_format { RM_FORMAT_CSV = 0, RM_FORMAT_JSONL } rm_export_format;

typedef struct rm_export_opts {
    rm_export_kind kind;
    rm_export_format format;
    bool bom;                 /* CSV: start with a UTF-8 BOM (Excel) */
    bool raw_identities;      /* names, handles and URLs of people instead of pseudonyms */
    /* Filters; NULL = no filter. Dates are ISO 8601 (YYYY-MM-DD), inclusive. */
    const char *site;         /* host[:port] */
    const char *since;
    const char *until;
    const char *product;      /* product URL */
    const char *lang;         /* en, ru, other */
    const char *label;        /* pos, neu, neg */
    const char *aspect;       /* aspect id */
    /* Keywords only: grouping, minimum support, terms per scope and side (0 = defaults). */
    rm_keywords_by keywords_by;
    int min_support;
    int top;
} rm_export_opts;

/* Parses "products", "reviews"...; returns -1 when unknown. */
int rm_export_kind_parse(const char *s, rm_export_kind *out);
const char *rm_export_kind_str(rm_export_kind k);

/* Streams the rows of the database at db_path into out. *rows (may be NULL) receives the
 * count. Problems are described in diag. */
RM_MUST_CHECK rm_err rm_export(const char *db_path, const rm_export_opts *opts, FILE *out,
                               int64_t *rows, rm_diag *diag);

/* The SELECT the export of kind runs, filters as parameters ?1..?7 (unbound = no filter), so
 * tools can compare or explain it (bench/bench_export.c times the sqlite3 shell on it).
 * Returns a new string (free), or NULL for keywords, which store/keywords.c computes. */
char *rm_export_sql(rm_export_kind kind, bool raw_identities);

/* Writes the column reference of every kind as Markdown. */
void rm_export_write_columns(FILE *out);

/* Writes one CSV field (RFC 4180 quoting); text fields starting with = + - @ tab or CR get a
 * leading ' so spreadsheets never run them as formulas. */
void rm_csv_field(FILE *out, const char *s, size_t len, bool text);

#endif
