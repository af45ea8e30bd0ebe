/* rm_lex: sentiment lexicons, one TSV file per language and purpose.
 *
 * Thread-safety: loaded by one thread; afterwards read-only and shared by any threads.
 *
 * A file lexicons/<lang>[_part].tsv holds one term per line:
 *
 *   term<TAB>valence[<TAB>options]      # comment lines and blank lines are skipped
 *
 * lang is en, ru, or emoji (emoji and emoticons, any language). term is one or more words
 * (folded as text is, so case and `ё` do not matter); the word <neg> stands for any negator,
 * as in "<neg> fit". valence runs from -4 to 4. options, separated by commas:
 *   exact       match the written form only; by default words match by Snowball stem
 *   neg         a negator (not, не, never, без)
 *   boost=F     scales the valence of the next sentiment word by F (1.5 "very", 0.5 "slightly")
 *   but         the clause after it outweighs the one before ("but", "зато")
 *   although    the clause it opens yields to the rest ("although", "хотя")
 *   too         an excess word ("too", "слишком"): it sharpens a negative word after it
 *   degree      a neutral word of size or amount that becomes a complaint after an excess
 *               word: "too big", "слишком узкий"
 *   interj      an interjection or laugh ("lol", "ugh", "yay"): it comments on the whole post,
 *               so no negator or intensifier before it reaches it ("never leave lmao")
 * Two lines whose terms fold and stem to the same key and disagree in sign are an error: that
 * is how a polar word would silently take over a neutral one. */
#ifndef RM_LEXICON_H
#define RM_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/err.h"
#include "nlp/stem.h"
#include "nlp/termset.h"

enum {
    RM_LEX_NEG = 1 << 0,
    RM_LEX_BUT = 1 << 1,
    RM_LEX_ALTHOUGH = 1 << 2,
    RM_LEX_TOO = 1 << 3,
    RM_LEX_DEGREE = 1 << 4,
    RM_LEX_INTERJ = 1 << 5,
    RM_LEX_EVER = 1 << 6,  /* "never", "никогда": a negator about all time */
    RM_LEX_SUCH = 1 << 7,  /* "so", "such", "this", "так": "never so happy" is very happy */
    RM_LEX_BE = 1 << 8,    /* "be", "been", "felt": "couldn't be happier" */
    RM_LEX_CMP = 1 << 9,   /* comparative: "happier", "better", "лучше" */
    RM_LEX_FREE = 1 << 10, /* "free" after a complaint: "stress-free" */
    RM_LEX_IRR = 1 << 11,  /* "should", "would", "expected", "бы": "should be cheaper" */
    RM_LEX_CAN = 1 << 12,  /* "can't", "could": "can't recommend it enough" */
    RM_LEX_ENOUGH = 1 << 13, /* "enough", "more" after a verb that "can't" negates */
    RM_LEX_THIS = 1 << 14,   /* "this" of degree: "haven't been this happy" is very happy */
    RM_LEX_PACE = 1 << 15,   /* "easily", "quickly", "быстро": after a complaint it intensifies
                              * it ("breaks easily", "drains quickly") instead of praising */
    RM_LEX_ABSENT = 1 << 16, /* "no", "нет" before a thing: its absence ("no instructions") */
    RM_LEX_FUNC = 1 << 17,   /* a function word: pronoun, article, preposition ("no I didn't") */
    RM_LEX_WILL = 1 << 18,   /* intent: "will", "'ll", "would", "definitely", "gonna" */
    RM_LEX_REVISIT = 1 << 19, /* coming back: "go back", "be back", "stay here again"; it judges
                               * only after intent or a negator ("will be back", "won't go back") */
    RM_LEX_POST = 1 << 20,    /* a privative after its word: "lag is nonexistent", "the pain is
                               * gone", "боль прошла" */
    RM_LEX_OR = 1 << 21,      /* "or", "или": carries a negation on ("wasn't helpful or kind") */
    RM_LEX_RAISE = 1 << 22,   /* "think", "believe": a negator before it reaches the clause it
                               * governs ("I don't think you will be disappointed") */
    RM_LEX_ASK = 1 << 23,     /* a question that asks for information: "does", "is", "which" as
                               * a question's first word, "подскажите", "anyone" anywhere */
    RM_LEX_ACTUAL = 1 << 24,  /* "actually", "реально" before a plain verb: the thing does what
                               * it should ("bags that actually tear along the line") */
    RM_LEX_OCCASION = 1 << 25, /* an occasion, "wedding", "birthday", "trip": after a `purpose`
                                * word it is what a thing was bought for, not an experience */
    RM_LEX_PURPOSE = 1 << 26,  /* "for", "as": "bought as a wedding gift" */
    RM_LEX_RISE = 1 << 27,     /* a rise: "raised", "повысил", "рост" */
    RM_LEX_FALL = 1 << 28,     /* a fall: "cut", "снизил", "сокращение" */
    RM_LEX_MORE = 1 << 29,     /* an amount that is good when it grows: "profit", "вклад" */
    RM_LEX_LESS = 1u << 30,    /* an amount that is good when it shrinks: "fees", "комиссия" */
    RM_LEX_VIA = 1u << 31      /* "ставки", "rates": a change reaches its amount through it
                                * ("снизил ставки по кредитам") */
};

typedef struct rm_lex_entry {
    const char *term; /* folded term as written in the file: the evidence term */
    float valence;    /* -4..4; 0 for modifiers and neutral overrides */
    float boost;      /* 0: not a booster */
    uint32_t flags;   /* RM_LEX_* */
    uint8_t lang;     /* rm_lang; RM_LANG_AUTO for the emoji file */
} rm_lex_entry;

typedef struct rm_lexicon rm_lexicon;

rm_lexicon *rm_lex_new(void);
void rm_lex_free(rm_lexicon *lx); /* NULL is fine */

/* Adds the lines of one file. name is its path relative to configs/ ("lexicons/en.tsv"), used
 * for the language and in messages, which go to diag as name:line: field: problem. Borrows
 * everything during the call. RM_ECONFIG when any line was wrong. */
RM_MUST_CHECK rm_err rm_lex_load(rm_lexicon *lx, const char *name, const char *data, size_t len,
                                 rm_stemmer *st, rm_diag *diag);

/* Folds and splits one term into termset words for lang (as rm_lex_load does). Words point into
 * a. Returns the word count, 0 when the term has no words, or -1 with *why set when a piece is
 * not a word, emoji or emoticon. At most max words are written. */
int rm_lex_term_words(const char *term, size_t len, uint8_t lang, bool exact, rm_stemmer *st,
                      rm_arena *a, rm_term_word *words, int max, const char **why);

const rm_termset *rm_lex_terms(const rm_lexicon *lx);
const rm_lex_entry *rm_lex_entry_at(const rm_lexicon *lx, uint32_t i);

#endif
