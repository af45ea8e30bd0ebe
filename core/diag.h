/* rm_diag: problems found in input, for people to read.
 *
 * Thread-safety: a diag belongs to one thread.
 *
 * Each item names where (file, line, field) and what, and prints as
 *   jobs.yaml:14: rate: expected "N/s"
 * as Redis and the curl tool name the failing line. Parsers collect every problem they can
 * rather than stopping at the first, like Gumbo's error list. */
#ifndef RM_DIAG_H
#define RM_DIAG_H

#include <stdio.h>

#include "core/err.h"

typedef struct rm_diag_item {
    char *file;  /* may be NULL (input without a name) */
    int line;    /* 1-based; 0 when unknown */
    char *field; /* dotted path such as "jobs.demo.politeness.delay"; may be NULL */
    char *msg;
} rm_diag_item;

typedef struct rm_diag {
    rm_diag_item *items;
    size_t n, cap;
} rm_diag;

void rm_diag_init(rm_diag *d);
void rm_diag_release(rm_diag *d);
/* Borrows file and field during the call only. */
void rm_diag_add(rm_diag *d, const char *file, int line, const char *field, const char *fmt, ...)
    RM_PRINTF(5, 6);
/* Writes one line per item. */
void rm_diag_print(const rm_diag *d, FILE *out);

#endif
