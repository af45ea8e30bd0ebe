/* rm_senti: the rules that turn matched lexicon terms into a score.
 *
 * Thread-safety: pure functions over their arguments; results live in the caller's arena.
 *
 * Pipeline for one text (tokens already matched against the lexicon by the caller's term
 * tokens):
 *   1. units: the longest lexicon term at each token ("fell apart", "не подошёл", ":)))");
 *   2. sentences end at . ! ? … and line breaks, clauses at , ; and before but/although words;
 *   3. each polar unit takes emphasis (ALL CAPS +0.7, elongation "sooo" +0.3, repeated bracket
 *      smileys), intensifiers up to three words back (boost factor, fading with distance),
 *      excess words ("too big"), then negation (a negator up to three words back in the clause:
 *      positive x -0.75, negative x -0.5, intensifiers then ignored; a term that holds its own
 *      negator, as Russian concord "ни разу не пожалела", is not negated again); a lone praise
 *      word in scare quotes turns x -0.5; ratings written as "4/5" or "1 звезда" get valence;
 *   4. contrast: "but" halves the sentence before it and weighs what follows x1.5; "although"
 *      halves its own clause and weighs the rest x1.5;
 *   5. a question sentence counts half; each sentence adds 0.25 per '!' (at most 4) in its
 *      own direction; the sum S over all sentences maps to S / sqrt(S^2 + 15), in (-1, 1).
 * Labels: pos when score >= RM_SENTI_POS, neg when <= RM_SENTI_NEG, else neu. */
#ifndef RM_SENTIMENT_H
#define RM_SENTIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "nlp/lexicon.h"
#include "nlp/nlp.h"
#include "nlp/termset.h"
#include "nlp/token.h"

#define RM_SENTI_POS 0.05
#define RM_SENTI_NEG (-0.05)

typedef struct rm_senti_clause {
    size_t start, end;        /* byte span, punctuation excluded */
    size_t tok_first, tok_end;
    uint32_t sent;            /* sentence index */
    uint32_t n_words;         /* word tokens */
    double sum;               /* valence of its units, contrast weights left out */
} rm_senti_clause;

typedef struct rm_senti_result {
    double sum;                /* S above */
    double score;              /* -1..1 */
    rm_evidence *ev;           /* from the arena */
    size_t n_ev;
    rm_senti_clause *clauses;  /* from the arena, in text order */
    size_t n_clauses;
    uint32_t *tok_clause;      /* clause index of each token */
    double *sent_sum;          /* valence per sentence, contrast weights left out */
    size_t n_sent;
} rm_senti_result;

/* Scores the tokens of text. tt[i] is token i as the termset sees it. */
void rm_senti_run(const rm_lexicon *lex, const char *text, const rm_tokens *toks,
                  const rm_term_tok *tt, rm_arena *a, rm_senti_result *out);

/* Maps a valence sum to -1..1 as step 5 does. */
double rm_senti_squash(double sum);
/* The label for a score, by the thresholds above. */
rm_label rm_senti_label(double score);

#endif
