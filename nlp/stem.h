/* rm_stem: Snowball stemmers (libstemmer) for English and Russian words.
 *
 * Thread-safety: an sb_stemmer keeps its work buffer inside, so one rm_stemmer serves one
 * thread at a time. A pool hands them out: rm_stem_acquire() and rm_stem_release() may be
 * called from any thread (the pool's mutex guards its free list). The pool grows to the number
 * of threads that score at once and never shrinks, so steady state costs one lock per text and
 * no allocation. */
#ifndef RM_STEM_H
#define RM_STEM_H

#include <stddef.h>

#include "core/arena.h"
#include "nlp/nlp.h"

typedef struct rm_stem_pool rm_stem_pool;
typedef struct rm_stemmer rm_stemmer;

/* Returns a new, empty pool; free with rm_stem_pool_free() once no stemmer is out. */
rm_stem_pool *rm_stem_pool_new(void);
void rm_stem_pool_free(rm_stem_pool *p); /* NULL is fine */

/* Takes a stemmer from the pool, making one when all are out. Never NULL. */
rm_stemmer *rm_stem_acquire(rm_stem_pool *p);
/* Gives s back; the caller must not use it afterwards. */
void rm_stem_release(rm_stem_pool *p, rm_stemmer *s);

/* Stems a folded word of len bytes with the stemmer of lang (RM_LANG_EN or RM_LANG_RU; any
 * other returns the word itself, and so do English words of at most two letters and Russian
 * ones of at most four). The result is NUL-terminated and comes from a. */
const char *rm_stem_word(rm_stemmer *s, rm_lang lang, const char *word, size_t len, rm_arena *a,
                         size_t *out_len);

#endif
