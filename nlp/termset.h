/* rm_termset: a dictionary of one- or many-word terms matched against token runs.
 *
 * Thread-safety: built by one thread; afterwards read-only and shared by any threads.
 *
 * Lexicons and aspect dictionaries both need the same lookup: at a token, find the longest
 * term that starts there. Each word of a term matches a token in one of three ways:
 *   exact  the token's folded form equals the key;
 *   stem   the token's Snowball stem equals the key, and the token's folded form starts with
 *          the guard (English guards keep "useful" from matching "used": both stem to "use");
 *   class  the token carries a class bit, such as "is a negator" for the word <neg>.
 * When two terms of the same length match, the one with more exact words wins, then the one
 * with the longer guards (a guard that wants an e, i or y after it counts half a byte more). */
#ifndef RM_TERMSET_H
#define RM_TERMSET_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum rm_term_mode {
    RM_TERM_EXACT = 0,
    RM_TERM_STEM,
    RM_TERM_CLASS
} rm_term_mode;

/* Token class bits for RM_TERM_CLASS words. */
enum { RM_TERM_CLS_NEG = 1 };

/* One word of a term, as added. */
typedef struct rm_term_word {
    const char *key;   /* folded form, stem, or "" for a class word */
    const char *guard; /* stem words: prefix the token must start with; NULL for none */
    uint8_t guard_eiy; /* the guard dropped the lemma's final e or y: an e, i or y must follow
                        * it ("severe" guards "sever": "severity" matches, "several" not) */
    uint8_t mode;      /* rm_term_mode */
    uint8_t cls;       /* class words: RM_TERM_CLS_* bit */
} rm_term_word;

/* One token, as the matcher sees it. Strings are borrowed. */
typedef struct rm_term_tok {
    const char *norm; /* folded form; NULL for tokens that never take part in terms */
    const char *stem; /* NULL when the token has no stem */
    uint64_t h_norm, h_stem;
    uint8_t lang;     /* the dictionary language the token is looked up in (rm_lang) */
    uint8_t cls;      /* RM_TERM_CLS_* bits */
} rm_term_tok;

typedef struct rm_termset rm_termset;

rm_termset *rm_termset_new(void);
void rm_termset_free(rm_termset *ts); /* NULL is fine */

/* Hashes a key of len bytes as the termset does (for rm_term_tok.h_norm and h_stem). */
uint64_t rm_termset_hash(const char *key, size_t len);

/* Adds the term words[0..n) of language lang (copied) with payload; n is 1..255. When the
 * same words are already there it adds nothing, sets *existing to that term's payload and
 * returns RM_EINVAL. */
RM_MUST_CHECK rm_err rm_termset_add(rm_termset *ts, uint8_t lang, const rm_term_word *words,
                                    size_t n, uint32_t payload, uint32_t *existing);

/* Finds the longest term of at most max_words words starting at toks[i] (toks[0..n)).
 * Returns its word count, 0 when none, with *payload set. */
size_t rm_termset_match(const rm_termset *ts, const rm_term_tok *toks, size_t n, size_t i,
                        size_t max_words, uint32_t *payload);

#endif
