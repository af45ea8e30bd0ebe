/* rm_interests: the interest taxonomy of portraits (configs/interests.yaml).
 *
 * Thread-safety: built by one thread; afterwards rm_interests_match() may run on any number of
 * threads at once (each call takes its own stemmer from the taxonomy's pool).
 *
 * Free text ("Зимняя рыбалка", "#fishing", "Fishing tackle") maps to taxonomy ids ("fishing")
 * by Snowball stems of the terms, so inflected forms match ("рыбалкой"). A text may name
 * several interests; each one is reported once. The file has the format of aspects.yaml
 * (nlp/termdict.h). */
#ifndef RM_INTERESTS_H
#define RM_INTERESTS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"

typedef struct rm_interests rm_interests;

/* Parses a taxonomy from data (len bytes; file names it in messages). Problems go to diag with
 * file, line and field; any problem fails with RM_ECONFIG. Returns a new taxonomy. */
RM_MUST_CHECK rm_err rm_interests_load(const char *file, const char *data, size_t len,
                                       rm_diag *diag, rm_interests **out);
/* The built-in configs/interests.yaml. */
RM_MUST_CHECK rm_err rm_interests_builtin(rm_diag *diag, rm_interests **out);
void rm_interests_free(rm_interests *t); /* NULL is fine */

size_t rm_interests_count(const rm_interests *t);
/* The id of interest i (< count). Borrowed from t. */
const char *rm_interests_id(const rm_interests *t, size_t i);

/* Finds the interests text names. Writes up to max indexes (each once, in text order) to out
 * and returns how many were written. Scratch memory comes from a. */
size_t rm_interests_match(const rm_interests *t, const char *text, size_t len, rm_arena *a,
                          size_t *out, size_t max);

#endif
