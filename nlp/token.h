/* rm_token: UTF-8 text into words, numbers, emoji, emoticons and punctuation runs.
 *
 * Thread-safety: pure functions; tokens live in the caller's arena.
 *
 * Words are case-folded and NFKC-normalised through utf8proc, with two folds of our own that
 * lexicon lookup relies on: `ё` is written `е` and typographic apostrophes become `'`. Stress
 * marks (U+0300, U+0301) and default-ignorable code points (soft hyphen, zero-width joiners)
 * vanish. A hyphen between letters splits the word but marks the second half RM_TOK_JOINED,
 * so `по-моему` and `well-made` match the phrases `по моему` and `well made`.
 *
 * Invalid UTF-8 bytes are skipped as separators: every token's norm is valid UTF-8, while
 * spans always index the original bytes. */
#ifndef RM_TOKEN_H
#define RM_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

typedef enum rm_tok_kind {
    RM_TOK_WORD = 1, /* letters (and digits after a letter), inner apostrophes */
    RM_TOK_NUM,      /* digits with inner . or , ("4.5", "1,000") */
    RM_TOK_EMOJI,    /* one pictographic code point; norm drops VS16 and skin tones */
    RM_TOK_EMOTICON, /* ":)", ":-(", "<3", "xD", or a run of unmatched ")" / "(" */
    RM_TOK_PUNCT,    /* a run of . ! ? … , ; : and dashes */
    RM_TOK_URL,      /* http(s)://…, www.… */
    RM_TOK_MENTION,  /* @name */
    RM_TOK_SYM       /* any other symbol, such as "/" or "%" */
} rm_tok_kind;

enum {
    RM_TOK_CAPS = 1 << 0,      /* word of two or more letters, all upper case */
    RM_TOK_ELONG = 1 << 1,     /* a letter repeated three or more times ("sooo") */
    RM_TOK_HASHTAG = 1 << 2,   /* word written as #word; norm has no '#' */
    RM_TOK_CYR = 1 << 3,       /* mostly Cyrillic letters */
    RM_TOK_LAT = 1 << 4,       /* mostly Latin letters */
    RM_TOK_JOINED = 1 << 5,    /* joined to the previous word by a hyphen */
    RM_TOK_SENT_END = 1 << 6,  /* punctuation or line break that ends a sentence */
    RM_TOK_CLAUSE_END = 1 << 7, /* punctuation that ends a clause (, ;) */
    RM_TOK_LOWER = 1 << 8,      /* word with at least one lower-case letter */
    RM_TOK_UPPER1 = 1 << 9      /* word whose first letter is upper case ("Samsung", "USB") */
};

typedef struct rm_token {
    size_t start, end;  /* byte span in the text */
    const char *norm;   /* folded form, NUL-terminated, from the arena */
    uint32_t norm_len;  /* bytes, NUL excluded */
    uint16_t kind;      /* rm_tok_kind */
    uint16_t flags;     /* RM_TOK_* bits */
    uint16_t n_excl;    /* PUNCT: '!' count; EMOTICON bracket run: bracket count */
    uint16_t n_quest;   /* PUNCT: '?' count */
} rm_token;

typedef struct rm_tokens {
    rm_token *v; /* from the arena */
    size_t n;
    size_t n_cyr, n_lat, n_other; /* letters per script, for language id */
} rm_tokens;

/* Splits len bytes of text into tokens allocated from a. A line break is a token-less sentence
 * end: the last token before it gets RM_TOK_SENT_END. Never fails; any bytes are accepted. */
void rm_token_split(const char *text, size_t len, rm_arena *a, rm_tokens *out);

/* Writes the folded form of one word (see above) into the arena and returns it; *out_len gets
 * its length. Used by lexicon loading so entries fold exactly as text does. */
const char *rm_token_fold(const char *word, size_t len, rm_arena *a, size_t *out_len);

/* Collapses runs of three or more equal characters of s to keep copies of each ("goood" with
 * keep 2 is "good", with keep 1 "god"). Returns a new string from a. */
const char *rm_token_squeeze(const char *s, size_t len, int keep, rm_arena *a, size_t *out_len);

#endif
