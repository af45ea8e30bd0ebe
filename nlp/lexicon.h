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

/* Entry flags, set by the options of a lexicon line (configs/lexicons/README.md). */
#define RM_LEX_NEG (UINT64_C(1) << 0)
#define RM_LEX_BUT (UINT64_C(1) << 1)
#define RM_LEX_ALTHOUGH (UINT64_C(1) << 2)
#define RM_LEX_TOO (UINT64_C(1) << 3)
#define RM_LEX_DEGREE (UINT64_C(1) << 4)
#define RM_LEX_INTERJ (UINT64_C(1) << 5)
/* "never", "никогда": a negator about all time */
#define RM_LEX_EVER (UINT64_C(1) << 6)
/* "so", "such", "this", "так": "never so happy" is very happy */
#define RM_LEX_SUCH (UINT64_C(1) << 7)
/* "be", "been", "felt": "couldn't be happier" */
#define RM_LEX_BE (UINT64_C(1) << 8)
/* comparative: "happier", "better", "лучше" */
#define RM_LEX_CMP (UINT64_C(1) << 9)
/* "free" after a complaint: "stress-free" */
#define RM_LEX_FREE (UINT64_C(1) << 10)
/* "should", "would", "expected", "бы": "should be cheaper" */
#define RM_LEX_IRR (UINT64_C(1) << 11)
/* "can't", "could": "can't recommend it enough" */
#define RM_LEX_CAN (UINT64_C(1) << 12)
/* "enough", "more" after a verb that "can't" negates */
#define RM_LEX_ENOUGH (UINT64_C(1) << 13)
/* "this" of degree: "haven't been this happy" is very happy */
#define RM_LEX_THIS (UINT64_C(1) << 14)
/* "easily", "quickly", "быстро": after a complaint it intensifies it ("breaks easily", "drains
 * quickly") instead of praising */
#define RM_LEX_PACE (UINT64_C(1) << 15)
/* "no", "нет" before a thing: its absence ("no instructions") */
#define RM_LEX_ABSENT (UINT64_C(1) << 16)
/* a function word: pronoun, article, preposition ("no I didn't") */
#define RM_LEX_FUNC (UINT64_C(1) << 17)
/* intent: "will", "'ll", "would", "definitely", "gonna" */
#define RM_LEX_WILL (UINT64_C(1) << 18)
/* coming back: "go back", "be back", "stay here again"; it judges only after intent or a
 * negator ("will be back", "won't go back") */
#define RM_LEX_REVISIT (UINT64_C(1) << 19)
/* a privative after its word: "lag is nonexistent", "the pain is gone", "боль прошла" */
#define RM_LEX_POST (UINT64_C(1) << 20)
/* "or", "или": carries a negation on ("wasn't helpful or kind") */
#define RM_LEX_OR (UINT64_C(1) << 21)
/* "think", "believe": a negator before it reaches the clause it governs ("I don't think you
 * will be disappointed") */
#define RM_LEX_RAISE (UINT64_C(1) << 22)
/* a question that asks for information: "does", "is", "which" as a question's first word,
 * "подскажите", "anyone" anywhere */
#define RM_LEX_ASK (UINT64_C(1) << 23)
/* "actually", "реально" before a plain verb: the thing does what it should ("bags that
 * actually tear along the line") */
#define RM_LEX_ACTUAL (UINT64_C(1) << 24)
/* an occasion, "wedding", "birthday", "trip": after a `purpose` word it is what a thing was
 * bought for, not an experience */
#define RM_LEX_OCCASION (UINT64_C(1) << 25)
/* "for", "as": "bought as a wedding gift" */
#define RM_LEX_PURPOSE (UINT64_C(1) << 26)
/* a rise: "raised", "повысил", "рост" */
#define RM_LEX_RISE (UINT64_C(1) << 27)
/* a fall: "cut", "снизил", "сокращение" */
#define RM_LEX_FALL (UINT64_C(1) << 28)
/* an amount that is good when it grows: "profit", "вклад" */
#define RM_LEX_MORE (UINT64_C(1) << 29)
/* an amount that is good when it shrinks: "fees", "комиссия" */
#define RM_LEX_LESS (UINT64_C(1) << 30)
/* "ставки", "rates": a change reaches its amount through it ("снизил ставки по кредитам") */
#define RM_LEX_VIA (UINT64_C(1) << 31)
/* praise that a bare verdict right after a complaint turns: "Great.", "Отлично." */
#define RM_LEX_IRONY (UINT64_C(1) << 32)
/* a word that, closing its clause right after a plain word, judges it worthless: "Звук никакой" */
#define RM_LEX_NIL (UINT64_C(1) << 33)
/* an intensifier written after its word, with boost=F: "boring as hell", "cute af" */
#define RM_LEX_AFTER (UINT64_C(1) << 34)
/* an expectation ("думала", "thought", "expected"): with a modal after it and a contrast later,
 * what it expected counts nothing ("думала, будет ужас, а нет") */
#define RM_LEX_EXPECT (UINT64_C(1) << 35)
/* a word of outcome ("в итоге", "ended up"): after an expectation it tells what happened */
#define RM_LEX_OUTCOME (UINT64_C(1) << 36)
/* a verb of marking ("ставлю", "поставила", "give", "gave"): a bare number after it is a mark
 * out of 5 (or of 10 above 5): "Ставлю 4, за цену норм", "I'd give it a 2." */
#define RM_LEX_GRADE (UINT64_C(1) << 37)
/* thanks ("thanks", "thank you", "спасибо"): thanks *for* a complaint is irony ("Thanks for
 * losing my bag", "Спасибо МТС за списанные деньги") */
#define RM_LEX_THANKS (UINT64_C(1) << 38)
/* a number written as a word ("three", "пять", "тройку"): it may start a rating ("three stars",
 * "пять из пяти") or, after a verb of marking, be a mark */
#define RM_LEX_NUM (UINT64_C(1) << 39)
/* a verdict that the good and the bad even out ("evens out", "так на так"): like a mark of
 * 3/5, the rest of the text then weighs little */
#define RM_LEX_MIDDLING (UINT64_C(1) << 40)
/* a reaction that mocks what its sentence praises (🙃, 🙄, 😒): "Love how they charge me for
 * the air I breathe 🙃" */
#define RM_LEX_MOCKS (UINT64_C(1) << 41)
/* a condition that closes its clause ("when it works", "когда работает"): the praise before
 * it holds only some of the time ("Great app when it works") */
#define RM_LEX_LIMITS (UINT64_C(1) << 42)
/* the condition of an unreal past or present ("если бы не", "if not for"): what it names
 * happened, what the sentence says would have followed did not ("Всё было бы отлично, если бы
 * не грязь") */
#define RM_LEX_UNREAL (UINT64_C(1) << 43)
/* a verdict only when it stands alone in its clause ("Typical.", "Figures.", "Pass."): with
 * another word in its clause it names a kind ("a typical sports bar") and counts nothing */
#define RM_LEX_BARE (UINT64_C(1) << 44)
/* a verdict only when it closes its clause ("Сервис на уровне", "организация на уровне!"): with
 * a word or number after it, it compares or measures ("на уровне вокзальной столовки", "ставка
 * на уровне 16%") and counts nothing */
#define RM_LEX_CLOSING (UINT64_C(1) << 45)
/* praise whose object is the clause after it ("love how", "love it when"): as an ironic
 * opener it needs no comma ("Love how the app gets worse with every update") */
#define RM_LEX_LEAD (UINT64_C(1) << 46)

typedef struct rm_lex_entry {
    const char *term; /* folded term as written in the file: the evidence term */
    float valence;    /* -4..4; 0 for modifiers and neutral overrides */
    float boost;      /* 0: not a booster */
    uint64_t flags;   /* RM_LEX_* */
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
