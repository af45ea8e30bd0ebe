/* Internals shared by the normaliser sources (norm_*.c); no other module includes this.
 *
 * Thread-safety: pure functions over caller memory.
 *
 * Price, rating and date parsers read their input as a short list of tokens: digit runs,
 * lower-cased words and single symbols, each remembering the whitespace before it. Grammar
 * rules then look at tokens instead of bytes, so "1 299 ₽", "4,5 из 5" and "12 мар. 2024 г."
 * are handled with the same care for UTF-8, spaces and case. */
#ifndef RM_NORMALIZE_INT_H
#define RM_NORMALIZE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractors/normalize.h"

#define RM_NORM_REPLACEMENT 0xFFFD

/* Decodes the code point at s[*i] (*i < len) and advances *i past it. Invalid, overlong,
 * surrogate or truncated sequences give U+FFFD and advance one byte. */
int32_t rm_norm_utf8_next(const char *s, size_t len, size_t *i);
/* Encodes cp (a valid scalar value) into out; returns the byte count (1..4). */
size_t rm_norm_utf8_put(int32_t cp, char out[4]);
/* Unicode White_Space, NBSP and thin spaces included. */
bool rm_norm_is_space(int32_t cp);
/* Line terminators (LF, CR, VT, FF, NEL, U+2028, U+2029). */
bool rm_norm_is_newline(int32_t cp);
/* Characters that carry nothing in a field value: soft hyphen, zero-width space, word joiner,
 * byte order mark, bidi marks, embeddings and isolates. */
bool rm_norm_is_invisible(int32_t cp);

/* A field value worth parsing has few tokens; more means it is not one value. */
#define RM_NORM_MAX_TOKENS 48
#define RM_NORM_WORD_MAX 32

typedef enum rm_norm_tk_kind {
    RM_NORM_TK_NUM,  /* a run of ASCII digits */
    RM_NORM_TK_WORD, /* a run of letters (and combining marks) */
    RM_NORM_TK_SYM   /* any other single code point */
} rm_norm_tk_kind;

typedef struct rm_norm_tk {
    rm_norm_tk_kind kind;
    uint8_t nspace;        /* whitespace code points before the token (saturates at 255) */
    int32_t space_cp;      /* the last of them, when nspace > 0 */
    int32_t cp;            /* TK_SYM: the code point */
    int ndig;              /* TK_NUM: digit count */
    uint64_t num;          /* TK_NUM: value, saturating at RM_NORM_NUM_MAX */
    char word[RM_NORM_WORD_MAX]; /* TK_WORD: lower case, ё as е; "" when too long */
} rm_norm_tk;

#define RM_NORM_NUM_MAX 999999999999999999ULL

typedef struct rm_norm_tks {
    rm_norm_tk v[RM_NORM_MAX_TOKENS];
    size_t n;
} rm_norm_tks;

/* Splits len bytes into tokens, skipping whitespace and invisible characters (and emoji
 * variation selectors and joiners). Returns false when s has more than RM_NORM_MAX_TOKENS. */
bool rm_norm_lex(const char *s, size_t len, rm_norm_tks *out);

/* True when t is the word w. */
bool rm_norm_tk_is(const rm_norm_tk *t, const char *w);
/* True when t is the symbol cp. */
bool rm_norm_tk_sym(const rm_norm_tk *t, int32_t cp);
/* Returns the index of t's word in a NULL-terminated list, or -1. */
int rm_norm_tk_find(const rm_norm_tk *t, const char *const *list);

#endif
