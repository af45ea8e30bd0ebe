/* Sentiment and aspects of one text: the public face of nlp/.
 *
 * Thread-safety: an rm_nlp is immutable after rm_nlp_new(); any number of threads may score
 * with one shared rm_nlp, each with its own arena.
 *
 *   rm_nlp *nlp;
 *   if (rm_nlp_new(NULL, &diag, &nlp)) ...          // built-in lexicons and aspects
 *   rm_sentiment s;
 *   rm_nlp_score(nlp, text, len, RM_LANG_AUTO, arena, &s);
 *   printf("%.3f\t%s\t%s\n", s.score, rm_label_str(s.label), rm_lang_str(s.lang));
 */
#ifndef RM_NLP_H
#define RM_NLP_H

#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"

typedef enum rm_lang {
    RM_LANG_AUTO = 0, /* as a hint: detect */
    RM_LANG_EN,
    RM_LANG_RU,
    RM_LANG_OTHER
} rm_lang;

typedef enum rm_label {
    RM_LABEL_NEG = -1,
    RM_LABEL_NEU = 0,
    RM_LABEL_POS = 1
} rm_label;

/* One aspect mention: which aspect, how its clause feels, and where the evidence is. */
typedef struct rm_aspect_hit {
    const char *aspect;   /* aspect id from aspects.yaml, such as "delivery" */
    double score;         /* polarity of the clause, -1..1 */
    rm_label label;
    size_t start, end;    /* byte span of the evidence clause in the scored text */
    const char *term;     /* the matched aspect term, as written in the text */
} rm_aspect_hit;

/* One word or rule that moved the score (for --json evidence). */
typedef struct rm_evidence {
    size_t start, end;    /* byte span in the scored text */
    double valence;       /* after negation, intensifiers, emphasis and contrast */
    const char *term;     /* normalised term for aggregation across reviews: the lexicon
                           * entry as listed (a lemma or phrase, lower case, `ё` as `е`),
                           * "not "/"не " before it when negated; NUL-terminated, arena */
} rm_evidence;

typedef struct rm_sentiment {
    double score;         /* -1..1 */
    rm_label label;
    rm_lang lang;         /* detected (or the hint when not AUTO) */
    rm_aspect_hit *aspects;
    size_t n_aspects;
    rm_evidence *evidence;
    size_t n_evidence;
} rm_sentiment;

typedef struct rm_nlp rm_nlp;

/* Loads lexicons and aspect dictionaries from dir (a configs/ folder), or the built-in copies
 * when dir is NULL. Problems go to diag with file and line. Free with rm_nlp_free(). */
RM_MUST_CHECK rm_err rm_nlp_new(const char *dir, rm_diag *diag, rm_nlp **out);
void rm_nlp_free(rm_nlp *nlp); /* NULL is fine */

/* Texts are scored on their first RM_NLP_MAX_BYTES (cut at a character boundary), which
 * bounds the arena memory one call can take (about 40 bytes per byte scored). */
#define RM_NLP_MAX_BYTES (1u << 20)

/* Scores len bytes of text (any bytes: invalid UTF-8 is tolerated). Arrays in out come from
 * arena and live until it is reset. RM_EINVAL only for NULL arguments. */
RM_MUST_CHECK rm_err rm_nlp_score(const rm_nlp *nlp, const char *text, size_t len, rm_lang hint,
                                  rm_arena *arena, rm_sentiment *out);

const char *rm_label_str(rm_label label);   /* "pos", "neu", "neg" */
const char *rm_lang_str(rm_lang lang);      /* "en", "ru", "other", "auto" */
/* Parses "en", "ru", "auto", "other"; returns -1 for anything else. */
int rm_lang_parse(const char *s, rm_lang *out);

#endif
