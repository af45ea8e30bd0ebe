/* rm_termdict: a YAML dictionary of ids and their terms per language, the format shared by
 * configs/aspects.yaml (nlp/aspects) and configs/interests.yaml (store/interests):
 *
 *   delivery:
 *     name: Delivery                 # optional, once, for people reading the file
 *     en: [delivery, shipping, "arrived on time"]
 *     ru: [доставка, курьер]
 *
 * Ids are 1-64 of [a-z0-9_], at most RM_TERMDICT_MAX_IDS of them. Terms fold like text and
 * match by Snowball stem; "=word" matches the written form only; a term has at most
 * RM_TERMDICT_MAX_WORDS words. A term under two ids is an error (which would it mean?).
 *
 * Thread-safety: loaded by one thread; the result is read-only and shared afterwards. */
#ifndef RM_TERMDICT_H
#define RM_TERMDICT_H

#include <stddef.h>

#include "core/diag.h"
#include "core/err.h"
#include "nlp/stem.h"
#include "nlp/termset.h"

#define RM_TERMDICT_MAX_WORDS 8
#define RM_TERMDICT_MAX_IDS 1024

typedef struct rm_termdict {
    rm_termset *terms; /* owned; a term's payload is its id's index */
    char **ids;        /* owned, n of them, in file order */
    size_t n;
} rm_termdict;

/* Parses data (len bytes). file names it and what names an entry ("aspect", "interest") in
 * messages, which go to diag as file:line: field: problem; any problem fails with
 * RM_ECONFIG and leaves *out empty. st stems the terms; borrowed during the call. */
RM_MUST_CHECK rm_err rm_termdict_load(const char *file, const char *what, const char *data,
                                      size_t len, rm_stemmer *st, rm_diag *diag,
                                      rm_termdict *out);
void rm_termdict_release(rm_termdict *d); /* frees what d owns; an empty d is fine */

#endif
