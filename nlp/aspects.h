/* rm_aspects: what a review talks about (delivery, quality, price, size and fit, ...) and how
 * it feels about each.
 *
 * Thread-safety: loaded by one thread; afterwards read-only and shared by any threads.
 *
 * aspects.yaml maps each aspect id to its terms per language:
 *
 *   delivery:
 *     name: Delivery                 # optional, for people
 *     en: [delivery, shipping, courier, "arrived on time"]
 *     ru: [доставка, курьер, "пришёл быстро"]
 *
 * Terms fold like text and match by Snowball stem; "=word" matches the written form only.
 * A term may have several words (the format and its rules: nlp/termdict.h). Each mention takes the polarity of its clause; a clause that
 * is only the aspect word or two ("Delivery, packaging - all perfect") takes its sentence's. */
#ifndef RM_ASPECTS_H
#define RM_ASPECTS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"
#include "nlp/nlp.h"
#include "nlp/sentiment.h"
#include "nlp/stem.h"
#include "nlp/termset.h"
#include "nlp/token.h"

typedef struct rm_aspects rm_aspects;

/* Parses an aspects file (name is used in messages: name:line: field: problem). Borrows its
 * arguments during the call; the result is new, free with rm_aspects_free(). */
RM_MUST_CHECK rm_err rm_aspects_load(const char *name, const char *data, size_t len,
                                     rm_stemmer *st, rm_diag *diag, rm_aspects **out);
void rm_aspects_free(rm_aspects *as); /* NULL is fine */

/* Finds the mentions in a scored text: one hit per aspect and clause, in text order. The array
 * and the term strings come from a. */
void rm_aspects_find(const rm_aspects *as, const char *text, const rm_tokens *toks,
                     const rm_term_tok *tt, const rm_senti_result *sr, rm_arena *a,
                     rm_aspect_hit **hits, size_t *n_hits);

#endif
