#include "core/rm.h"
#include "nlp/sentiment.h"

#include <math.h>

/* Rule weights. VADER (Hutto & Gilbert 2014) measured the size of such effects with raters;
 * we kept its shapes and set our own values, checked on the development sets (README). */
#define ALPHA 15.0          /* squash: S / sqrt(S^2 + ALPHA) */
#define NEG_POS (-0.75)     /* "not good" keeps three quarters of "good", reversed */
#define NEG_NEG (-0.5)      /* "not bad" is only mildly good */
#define NEVER_SO 1.25       /* "never so happy", "couldn't be happier": negation that intensifies */
#define FREE_FLIP 0.75      /* "stress-free" keeps three quarters of "stress", reversed */
#define PACE_BOOST 1.25     /* "breaks easily", "drains quickly": the complaint, intensified */
#define PACE_MIN 1.0        /* ...when it is one: "быстрый возврат" (a refund, -0.9) is praise */
#define CAPS_ADD 0.7        /* an ALL-CAPS word among lower-case ones */
#define ELONG_ADD 0.3       /* "goooood" */
#define EXCL_ADD 0.25       /* per '!' in the sentence */
#define EXCL_MAX 4
#define QUESTION 0.5        /* a question asks rather than judges: "why is it so loud?" */
#define INQUIRY 0.1         /* a question that asks for information: "does it fit a 55 gallon
                             * tank?", "почтой или сдэком?" */
#define BUT_BEFORE 0.5
#define BUT_AFTER 1.5
#define CLOSING 1.5         /* a face or interjection that ends a post: its verdict */
#define WINDOW 3            /* words back that a negator or intensifier reaches */
#define REVISIT_REACH 6     /* words back that intent or denial of "be back" is sought */
#define DEGREE_REACH 4      /* words from a negated word to "this much" after it */
#define RAISE_REACH 7       /* words back that "don't think" reaches ("...you will be happy") */
#define EXCESS_BOOST 1.3    /* "too expensive" */
#define EXCESS_VALENCE (-1.5) /* "too big": a size word after an excess word */
#define SUFFICE_VALENCE 1.0   /* "long enough": a size word before "enough" */
#define DANGLING_VALENCE (-1.0) /* "не очень.", "not really": negated intensifier, no word */
#define LONE_NEG_VALENCE (-1.0) /* "No." as a whole sentence */
#define ABSENCE_VALENCE (-1.0)  /* "no instructions": a thing missing */
#define NIL_VALENCE (-1.5)      /* "Микрофон никакой": a thing worth nothing */
#define ACTUAL_VALENCE 0.8      /* "the instructions actually made sense" */
#define CHANGE_VALENCE 1.3      /* "raised fees", "прибыль выросла": a change of an amount */
#define CHANGE_REACH 4          /* words between the change and its amount */
#define PRIV_MIN 1.0f       /* a privative is spent on a word at least this polar ("lack of
                             * problems"); before a weaker one ("refused to exchange") it stays a
                             * complaint */
#define BRACKET_STEP 0.2    /* each extra ")" of ")))" */
#define BRACKET_MAX 6
#define IRONY (-0.5)        /* a lone praise word in quotes: мой "любимый" оператор */
#define SCARE_WORDS 4       /* words in scare quotes: thanks for the 'hot and fresh' pizza */
#define VERDICT_WORDS 3     /* "Great.", "just perfect", "perfect timing": a bare verdict */
#define SIZED_MIN 1.5        /* praise right before a complaint this strong only sizes it */
#define FRAGMENT_WORDS 3     /* a plain sentence this short adds to the one before */
#define VERDICT_AFTER (-0.5) /* ...after a sentence this negative is irony */
#define FAINT 0.5           /* ...counting only words at least this polar */
#define OPENER_WORDS 4      /* "Шикарная работа Почты России:": words from praise to colon */
#define RATING_MID 0.6      /* "3/5" is lukewarm in reviews, where most ratings are high */
#define RATING_SCALE 7.5
#define RATING_CAP 3.5
#define MID_MARK_LO 0.5     /* a mark from 5/10 to 3/5 is the writer calling the thing middling */
#define MID_MARK_HI 0.6
#define MID_MARK_REST 0.05  /* ...and the rest of the text counts this much beside it */
#define NEITHER 0.1         /* "not bad, not great": each denial counts this much */
#define NEITHER_WORDS 8     /* ...in a sentence of at most these words and nothing else polar */

static const double fade[WINDOW] = {1.0, 0.9, 0.8};

typedef struct unit {
    size_t tok, ntok;        /* tokens covered by the term */
    size_t span_ntok;        /* tokens covered by the evidence (ratings reach further) */
    const rm_lex_entry *e;   /* NULL: no entry */
    const char *term;        /* evidence term of rule-made valence; NULL: the entry's */
    double v;                /* valence after emphasis, modifiers and negation */
    double w;                /* contrast weight */
    uint32_t sent, clause;
    uint16_t kind, tflags;   /* of the first token */
    bool negated;
    const char *neg_term;    /* the privative that negated it ("lack"), or NULL: "not" */
    bool neg_post;           /* ...written after it ("lag is nonexistent") */
    bool has_neg;            /* the term itself holds a negator ("<neg> fit", "not bad") */
    bool changed;            /* an amount that a rise or fall already took ("raising prices") */
} unit;

typedef struct ctx {
    const rm_lexicon *lex;
    const char *text;
    const rm_tokens *toks;
    const rm_term_tok *tt;
    rm_arena *a;
    unit *u;
    size_t n;
    size_t n_sent, n_clause;
    bool all_caps;
    unsigned mid_marks, other_marks; /* ratings in the text: middling ones, the others */
} ctx;

double rm_senti_squash(double sum)
{
    return sum / sqrt(sum * sum + ALPHA);
}

rm_label rm_senti_label(double score)
{
    if (score >= RM_SENTI_POS)
        return RM_LABEL_POS;
    if (score <= RM_SENTI_NEG)
        return RM_LABEL_NEG;
    return RM_LABEL_NEU;
}

static double sign(double v)
{
    return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;
}

static bool is_word(const unit *u)
{
    return u->kind == RM_TOK_WORD;
}

static bool has(const unit *u, uint64_t flag)
{
    return u->e && (u->e->flags & flag);
}

static bool polar(const unit *u)
{
    return u->e && u->e->valence != 0.0f;
}

/* ---- units and structure ---- */

static void build_units(ctx *c)
{
    const rm_termset *ts = rm_lex_terms(c->lex);
    size_t n = c->toks->n;

    c->u = rm_arena_alloc(c->a, (n ? n : 1) * sizeof(*c->u));
    c->n = 0;
    for (size_t i = 0; i < n;) {
        uint32_t payload;
        size_t k = rm_termset_match(ts, c->tt, n, i, 8, &payload);
        unit *u = &c->u[c->n++];
        memset(u, 0, sizeof(*u));
        u->tok = i;
        u->ntok = u->span_ntok = k ? k : 1;
        u->e = k ? rm_lex_entry_at(c->lex, payload) : NULL;
        u->kind = c->toks->v[i].kind;
        u->tflags = c->toks->v[i].flags;
        for (size_t t = i; t < i + u->ntok && u->ntok > 1; t++)
            u->has_neg |= (c->tt[t].cls & RM_TERM_CLS_NEG) != 0;
        u->w = 1.0;
        i += u->ntok;
    }
}

static const unit *prev_word(const ctx *c, size_t i)
{
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause;)
        if (is_word(&c->u[j]))
            return &c->u[j];
    return NULL;
}

static const char *norm_of(const ctx *c, const unit *u)
{
    return c->toks->v[u->tok].norm;
}

/* Is w (may be NULL) one of the n words of list? */
static bool one_of(const char *w, const char *const *list, size_t n)
{
    for (size_t k = 0; w && k < n; k++)
        if (!strcmp(w, list[k]))
            return true;
    return false;
}
#define ONE_OF(w, list) one_of((w), (list), RM_ARRAY_LEN(list))

/* A contrast word: "but", "но", "однако", or "а" ("не ресторан а мечта"). */
static bool but_word(const ctx *c, const unit *u)
{
    return has(u, RM_LEX_BUT) || (u->ntok == 1 && !strcmp(norm_of(c, u), "а"));
}

/* "and" or "и", alone. */
static bool and_word(const ctx *c, const unit *u)
{
    static const char *const ands[] = {"and", "и"};

    return u->ntok == 1 && ONE_OF(norm_of(c, u), ands);
}

/* The unit after the last of unit i's sentence. */
static size_t sentence_end(const ctx *c, size_t i)
{
    size_t e = i;

    while (e < c->n && c->u[e].sent == c->u[i].sent)
        e++;
    return e;
}

/* A hyphen standing alone, an en or an em dash ("-", "–", "—"). */
static bool dash(const ctx *c, const unit *u)
{
    const rm_token *t = &c->toks->v[u->tok];
    const char *p = c->text + t->start;
    size_t n = t->end - t->start;

    if (u->kind != RM_TOK_PUNCT && u->kind != RM_TOK_SYM)
        return false;
    if (memchr(p, '-', n))
        return true;
    return n >= 3 && (!memcmp(p, "\xE2\x80\x94", 3) || !memcmp(p, "\xE2\x80\x93", 3));
}

/* Russian writes a comma inside a comparison: "не такой, как на фото", "так же, как". The
 * comma between a form of "такой" (or "так") and "как" does not end the clause, so a
 * negation before it reaches the comparison. */
static bool comparison_comma(const ctx *c, size_t i)
{
    static const char *const such[] = {"такой", "такая", "такое", "такие", "такого",
                                       "такую", "таким", "так", "же"};
    const unit *p = prev_word(c, i), *nx = NULL;

    if (!p || p->ntok != 1 || !norm_of(c, p))
        return false;
    for (size_t j = i + 1; j < c->n && !nx; j++)
        if (is_word(&c->u[j]))
            nx = &c->u[j];
    if (!nx || !norm_of(c, nx) || strcmp(norm_of(c, nx), "как"))
        return false;
    return ONE_OF(norm_of(c, p), such);
}

/* Sentences end at sentence punctuation and line breaks; clauses also at , ; and before a
 * contrast word. */
static void structure(ctx *c)
{
    uint32_t sent = 0, clause = 0;
    bool open = false, any_lower = false, any_caps = false;

    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        uint16_t last = c->toks->v[u->tok + u->ntok - 1].flags;
        if (has(u, RM_LEX_BUT | RM_LEX_ALTHOUGH) && open) {
            clause++;
            open = false;
        }
        u->sent = sent;
        u->clause = clause;
        open = true;
        if (is_word(u)) {
            any_lower |= (u->tflags & RM_TOK_LOWER) != 0;
            any_caps |= (u->tflags & RM_TOK_CAPS) != 0;
        }
        if ((last & RM_TOK_SENT_END) ||
            ((last & RM_TOK_CLAUSE_END) && !comparison_comma(c, i))) {
            clause++;
            sent += (last & RM_TOK_SENT_END) != 0;
            open = false;
        }
    }
    c->n_clause = c->n ? c->u[c->n - 1].clause + 1 : 0;
    c->n_sent = c->n ? c->u[c->n - 1].sent + 1 : 0;
    c->all_caps = any_caps && !any_lower;
}

/* ---- valence of one unit ---- */

static double emphasis(const ctx *c, const unit *u, double v)
{
    if (u->kind == RM_TOK_EMOTICON) {
        int reps = RM_MAX(1, (int)c->toks->v[u->tok].n_excl);
        return v * (1.0 + BRACKET_STEP * (RM_MIN(reps, BRACKET_MAX) - 1));
    }
    if (!is_word(u))
        return v;
    if ((u->tflags & RM_TOK_CAPS) && !c->all_caps)
        v += sign(v) * CAPS_ADD;
    if (u->tflags & RM_TOK_ELONG)
        v += sign(v) * ELONG_ADD;
    return v;
}

/* The next word unit after i in the same clause, or NULL. */
static const unit *next_word(const ctx *c, size_t i, size_t reach)
{
    for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i].clause; j++) {
        if (is_word(&c->u[j]))
            return &c->u[j];
        if (--reach == 0)
            break;
    }
    return NULL;
}

/* Does a word with one of the entry flags in `flags`, or when `flags` is 0 a polar word of at
 * least `min` valence, follow i within `reach` words of its clause? */
static bool follows(const ctx *c, size_t i, int reach, uint64_t flags, float min)
{
    int words = 0;
    for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i].clause && words < reach; j++) {
        const unit *q = &c->u[j];
        if (!is_word(q))
            continue;
        if (flags ? has(q, flags) : (polar(q) && fabsf(q->e->valence) >= min))
            return true;
        words++;
    }
    return false;
}

static bool polar_follows(const ctx *c, size_t i)
{
    return follows(c, i, 2, 0, 0.0f);
}

/* A word of absence or loss: a negator with a valence of its own ("no longer", "lacks",
 * "failed to", "перестал"). It negates the polar word it reaches; alone it is a complaint. */
static bool privative(const unit *u)
{
    return has(u, RM_LEX_NEG) && u->e->valence != 0.0f;
}

/* Does the privative at i reach a clearly polar word or a negator ("lacks nothing")? Then its
 * own valence is spent on them. */
static bool privative_spent(const ctx *c, size_t i)
{
    return follows(c, i, WINDOW, 0, PRIV_MIN) || follows(c, i, WINDOW, RM_LEX_NEG, 0.0f);
}

static const char *join_terms(ctx *c, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = rm_arena_alloc(c->a, la + lb + 2);
    memcpy(s, a, la);
    s[la] = ' ';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

/* The number 0 written before a noun counts it out: "0 issues", "0 complaints". Not a 0 glued
 * to what precedes it, as in a score ("won 2-0") or a time ("10:0"). */
static bool zero_count(const ctx *c, const unit *u)
{
    const rm_token *t = &c->toks->v[u->tok];
    if (u->kind != RM_TOK_NUM || t->norm_len != 1 || t->norm[0] != '0')
        return false;
    return u->tok == 0 || c->toks->v[u->tok - 1].end < t->start;
}

/* Does the negator at j deny for all time ("never", "никогда не")? */
static bool ever(const ctx *c, size_t j)
{
    const unit *p;

    if (has(&c->u[j], RM_LEX_EVER))
        return true;
    /* past up to two function words: "никогда ещё не ел такой вкусной" */
    for (int skip = 0; (p = prev_word(c, j)) && skip < 2; skip++) {
        if (has(p, RM_LEX_EVER))
            return true;
        if (!has(p, RM_LEX_FUNC) || p->e->valence != 0.0f)
            return false;
        j = (size_t)(p - c->u);
    }
    return false;
}

static bool tok_is(const ctx *c, size_t k, const char *w);
static bool tok_one_of(const ctx *c, size_t k, const char *const *list, size_t n);

/* Does a degree follow the polar word at i in its clause, at most DEGREE_REACH words on: "this
 * much", "so much", or "more" not before "than"? After "never" it makes the negation a
 * superlative: "I have never loved electricity this much". "that much" is left out: "never
 * liked it that much" is faint. */
static bool degree_after(const ctx *c, size_t i)
{
    static const char *const much[] = {"this", "so"};
    size_t words = 0;

    for (size_t k = c->u[i].tok + c->u[i].ntok; k < c->toks->n && words < DEGREE_REACH; k++) {
        const rm_token *t = &c->toks->v[k];
        if (t->kind != RM_TOK_WORD)
            break;
        if ((tok_one_of(c, k, much, RM_ARRAY_LEN(much)) && tok_is(c, k + 1, "much")) ||
            (tok_is(c, k, "more") && !tok_is(c, k + 1, "than")))
            return true;
        words++;
    }
    return false;
}

/* "So" right before the negator, after a word of all time: "никогда так не радовалась", "давно
 * так не смеялась" (not in ages so...): the negation praises or blames, as "never so happy". */
static bool such_before(const ctx *c, size_t neg_at)
{
    const unit *p = prev_word(c, neg_at);

    return p && has(p, RM_LEX_SUCH) && ever(c, (size_t)(p - c->u));
}

/* Personal pronouns that can be a subject ("I", "we've", "они"). */
static const char *const subj[] = {"i",  "i've", "i'm", "we",  "we've", "you", "you've",
                                   "he", "she",  "they", "they've", "я", "мы", "ты",
                                   "вы", "он",   "она", "они"};

/* A subject pronoun: a post-privative after one tells what that person did, not what was lost
 * ("so slow I've gone back to my old kettle"). */
static bool subject_pronoun(const ctx *c, const unit *p)
{
    return p->ntok == 1 && ONE_OF(norm_of(c, p), subj);
}

/* "and" or "и" before a clause with a subject of its own ("never heard and I liked every
 * one", "...и я довольна"): a negator before it does not reach into that clause. */
static bool and_new_subject(const ctx *c, size_t j)
{
    return and_word(c, &c->u[j]) && j + 1 < c->n && ONE_OF(c->toks->v[c->u[j + 1].tok].norm, subj);
}

/* An answer ("no", "nah", "нет") right before a subject ("nah that's a flop", "no I love it",
 * "нет он хороший"): it replies to what came before and does not deny the clause after it. */
static bool answer_before_subject(const ctx *c, size_t j)
{
    static const char *const answers[] = {"no", "nah", "nope", "нет"};
    static const char *const more[] = {"it", "it's", "its", "that", "that's", "thats", "this",
                                       "он", "она", "это"};
    const char *next;

    if (!has(&c->u[j], RM_LEX_NEG) || c->u[j].ntok != 1 || j + 1 >= c->n ||
        !is_word(&c->u[j + 1]) || !ONE_OF(norm_of(c, &c->u[j]), answers))
        return false;
    next = c->toks->v[c->u[j + 1].tok].norm;
    return ONE_OF(next, subj) || ONE_OF(next, more);
}

/* Does a preposition stand right before unit k ("разводов на стаканах нет")? */
static bool after_preposition(const ctx *c, size_t k)
{
    static const char *const prep[] = {"в", "на", "у", "от", "с", "по", "под", "при", "за", "из"};
    const unit *q = prev_word(c, k);

    return q && q->ntok == 1 && ONE_OF(norm_of(c, q), prep);
}

/* The word a post-privative at j reaches back to ("lag is practically nonexistent", "the pain
 * is gone", "боль прошла"): the first clearly polar word up to WINDOW words before it in its
 * clause, when no negator stands between ("the pain is not gone"); a faint word is passed only
 * when nothing but function words stands between ("the pain is finally gone"). One that also
 * negates forward ("stopped", "перестать") looks back only when no polar word follows it.
 * Right after "and"/"и" the privative is a second predicate of the same subject, not a loss:
 * "нахамила и ушла" (she was rude and left); after "или", "что", "а", "но", "or", "that" it
 * answers ("удобно или нет"); after a subject pronoun it has a subject of its own. A dash
 * stops the search, and a comparative is no target ("лучше аналогов нет": nothing is better).
 * "нет" (`absent`) looks back only closing its clause ("нет в наличии" names what is missing)
 * and not past a plain noun right before it, unless a preposition leads that noun ("общежития
 * нет"; "разводов на стаканах нет" reaches "разводов"). */
static size_t post_target(const ctx *c, size_t j)
{
    static const char *const joins[] = {"и", "and", "или", "or", "что", "that", "а", "но", "да"};
    int d = 0;
    bool plain = false;
    if (has(&c->u[j], RM_LEX_NEG) && follows(c, j, WINDOW, 0, PRIV_MIN))
        return SIZE_MAX; /* it denies what follows: "stronger and have stopped peeling" */
    if (has(&c->u[j], RM_LEX_ABSENT) && next_word(c, j, 1))
        return SIZE_MAX; /* "нет" before its noun names what is missing: "нет в наличии" */
    for (size_t k = j; k-- > 0 && c->u[k].clause == c->u[j].clause && d < WINDOW;) {
        const unit *p = &c->u[k];
        if (!is_word(p)) {
            if (dash(c, p))
                return SIZE_MAX; /* "отказались — «нет свободных»" */
            continue;
        }
        if (d == 0 && p->ntok == 1 && ONE_OF(norm_of(c, p), joins))
            return SIZE_MAX; /* "удобно или нет", "делает вид что нет" */
        if (subject_pronoun(c, p))
            return SIZE_MAX;
        if (d == 0 && !p->e && has(&c->u[j], RM_LEX_ABSENT) && !after_preposition(c, k))
            return SIZE_MAX; /* "общежития нет": the plain noun is what is missing */
        if (has(p, RM_LEX_NEG) || has(p, RM_LEX_CMP) || has(p, RM_LEX_INTERJ))
            return SIZE_MAX; /* "лучше аналогов пока нет": nothing is better; "увы, нет" */
        if (polar(p) && p->e->boost <= 0.0f) {
            if (fabsf(p->e->valence) >= PRIV_MIN)
                return k;
            if (plain) /* "сука опять связь пропала": "связь" is what went */
                return SIZE_MAX;
        } /* a faint word between function words is passed: "the pain is finally gone" */
        plain |= !p->e;
        d++;
    }
    return SIZE_MAX;
}

/* The post-privative after the polar word i that reaches back to it, or SIZE_MAX. */
static size_t post_privative_of(const ctx *c, size_t i)
{
    int d = 0;
    for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i].clause && d < WINDOW; j++) {
        const unit *q = &c->u[j];
        if (!is_word(q))
            continue;
        if (has(q, RM_LEX_POST))
            return post_target(c, j) == i ? j : SIZE_MAX;
        if (polar(q) && q->e->boost <= 0.0f && fabsf(q->e->valence) >= PRIV_MIN)
            return SIZE_MAX;
        d++;
    }
    return SIZE_MAX;
}

/* A negation carried over "or" from the word before: "wasn't helpful or friendly", "no warmth
 * or charm", "didn't laugh or even smile"; and over "and" from a negated word of the same sign,
 * as in a list of things missing: "no scratches and dents", "без царапин и сколов". Across "and"
 * a word of the other sign is a second claim ("not loud and sounds great", "didn't work and
 * broke": a term that holds its negator is of the sign of what it denies). The index of that
 * negated word, or SIZE_MAX. */
static size_t coordinated_negation(const ctx *c, size_t i)
{
    bool or_seen = false, and_seen = false;
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause;) {
        const unit *p = &c->u[j];
        if (!is_word(p))
            continue;
        if (p->e && p->e->valence == 0.0f && p->e->boost > 0.0f)
            continue; /* "or even" */
        if (!or_seen && !and_seen && has(p, RM_LEX_OR)) {
            or_seen = true;
            continue;
        }
        if (!or_seen && !and_seen && and_word(c, p)) {
            and_seen = true;
            continue;
        }
        if (and_seen) /* p's valence is now denied, as is that of a held negator's term */
            return polar(p) && (p->negated || p->has_neg) && (p->v < 0) == (c->u[i].v > 0)
                       ? j
                       : SIZE_MAX;
        return or_seen && polar(p) && (p->negated || p->has_neg) ? j : SIZE_MAX;
    }
    return SIZE_MAX;
}

/* A negator right before a verb of opinion ("don't think", "don't believe", "don't see how")
 * denies the clause that verb governs, up to RAISE_REACH words on: "I don't think you will be
 * disappointed". The negator's index, or SIZE_MAX. */
static size_t raised_negation(const ctx *c, size_t i)
{
    int d = 0;
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause && d < RAISE_REACH;) {
        const unit *p = &c->u[j], *q;
        if (!is_word(p))
            continue;
        if (polar(p) && p->e->boost <= 0.0f)
            return SIZE_MAX;
        if (has(p, RM_LEX_RAISE)) {
            q = prev_word(c, j);
            return q && has(q, RM_LEX_NEG) && !privative(q) ? (size_t)(q - c->u) : SIZE_MAX;
        }
        d++;
    }
    return SIZE_MAX;
}

/* Is u a colon ("Cons:", "Оценка: 4")? */
static bool colon(const ctx *c, const unit *u)
{
    const rm_token *t = &c->toks->v[u->tok];

    return (u->kind == RM_TOK_PUNCT || u->kind == RM_TOK_SYM) &&
           memchr(c->text + t->start, ':', t->end - t->start);
}

/* Is token k a comma (punctuation starting with ",")? */
static bool comma_tok(const ctx *c, size_t k)
{
    return k < c->toks->n && c->toks->v[k].kind == RM_TOK_PUNCT &&
           c->text[c->toks->v[k].start] == ',';
}

static bool comma(const ctx *c, const unit *u)
{
    return u->kind == RM_TOK_PUNCT && comma_tok(c, u->tok);
}

/* Is unit h a polar word right before a colon ("Cons:", "Недостатки:", "Disliked:")? */
static bool labels_field(const ctx *c, size_t h)
{
    return is_word(&c->u[h]) && polar(&c->u[h]) && c->u[h + 1].kind == RM_TOK_PUNCT &&
           colon(c, &c->u[h + 1]);
}

/* Is unit h a form's field header: such a word opening its sentence, or after another header
 * of the same line ("Достоинства: цена Недостатки: нет")? */
static bool header(const ctx *c, size_t h)
{
    bool first = true;

    if (!labels_field(c, h))
        return false;
    for (size_t k = h; k-- > 0 && c->u[k].sent == c->u[h].sent;) {
        if (labels_field(c, k))
            return true;
        first &= !is_word(&c->u[k]);
    }
    return first;
}

/* A negator that takes a noun, "без", "without", "no", "ни": it does not reach an adverb or a
 * phrase past "and" ("без комиссии и мгновенно", "без фанеры и на одном дыхании"); a list of
 * things missing goes on ("без звонков и нервов"). */
static bool governs_noun(const ctx *c, const unit *p)
{
    static const char *const preps[] = {"без", "without"};

    return has(p, RM_LEX_ABSENT) || (p->ntok == 1 && ONE_OF(norm_of(c, p), preps));
}

/* Does unit u look like an adverb: one word ending in "ly", or in Russian "о" but not the
 * "-ого"/"-его" of an adjective ("мгновенно", "quickly"; not "лишнего", "нервов")? */
static bool adverb(const ctx *c, const unit *u)
{
    const char *w = u->ntok == 1 ? norm_of(c, u) : NULL;
    size_t n = w ? strlen(w) : 0;

    if (n > 3 && !strcmp(w + n - 2, "ly"))
        return true;
    return n > 6 && !strcmp(w + n - 2, "о") && strcmp(w + n - 6, "ого") &&
           strcmp(w + n - 6, "его");
}

/* Is unit u one English word in "-ed", a past form ("recommended", "fixed")? After "without
 * ... and" it starts a new predicate: "without hovering and recommended a wine". */
static bool past_form(const ctx *c, const unit *u)
{
    const char *w = u->ntok == 1 ? norm_of(c, u) : NULL;
    size_t n = w ? strlen(w) : 0;

    return n > 4 && !strcmp(w + n - 2, "ed");
}

/* Intensifiers and negators up to WINDOW words back, within the clause; a polar word that is
 * not itself an intensifier ends the search (its modifiers are its own). A term that holds its
 * own negator is not negated again: "ни разу не пожалела" is Russian negative concord.
 *
 * Three negations praise or blame rather than deny: "never" with "so", "such" or "this"
 * between it and the word ("never been so disappointed", "никогда не был так доволен"); a
 * negator, then "be", "been" or "felt", then a comparative ("couldn't be happier", "never felt
 * better", "couldn't be more pleased"); and a negator, then "be", "been" or "felt", then "this"
 * ("haven't been this sore in a while": the degree is reached now). The word then keeps its
 * sign, intensified. "So" and "that" after a plain negator still deny ("hasn't been so bad").
 *
 * A comparative after "should", "would", "could", "expected" or "бы" names what the thing is
 * not ("should have been cheaper", "I expected better", "было бы удобнее"): it is negated. */
static void modify(ctx *c, size_t i)
{
    unit *u = &c->u[i];
    double factor = 1.0;
    bool neg = false, such = false, be = false, cmp = false, irr = false, deg_this = false;
    bool and_passed = false;
    size_t neg_at = 0, j_post;
    int d = 0;
    /* a field's header is not denied by the field before it: "Cons: none Pros: everything" */
    bool hdr = i + 1 < c->n && header(c, i);

    for (size_t j = i; j-- > 0 && c->u[j].clause == u->clause && d < WINDOW && !hdr;) {
        const unit *p = &c->u[j];
        if (d == 0 && !neg && zero_count(c, p)) { /* "0 issues", as "zero issues" */
            neg = true;
            neg_at = j;
        }
        if (p->kind == RM_TOK_EMOJI || p->kind == RM_TOK_EMOTICON)
            break; /* an emoji closes what came before: "for no reason 😭 thank you" */
        if (dash(c, p))
            break; /* "а нет — сделали качественно": the dash answers the negator */
        if (!is_word(p))
            continue;
        if (but_word(c, p) || (!neg && (and_new_subject(c, j) || answer_before_subject(c, j))))
            break; /* "not cheap but good", "не ресторан а мечта": the negation stays before */
        /* A hashtag comments on the post: only words of hashtags reach its words ("#SoHappy"),
         * not the sentence before it ("...без подтверждения пользователя #Беспредел"). */
        if ((u->tflags & RM_TOK_HASHTAG) && !(p->tflags & RM_TOK_HASHTAG))
            break;
        if (p->e) {
            if (neg && privative(&c->u[neg_at]) && (p->e->flags & RM_LEX_NEG)) {
                neg = false; /* "never fails to impress", "не перестаёт радовать" */
                break;
            }
            if (p->e->valence != 0.0f && p->e->boost <= 0.0f && !(p->e->flags & RM_LEX_NEG))
                break;
            if (p->e->boost > 0.0f && !(p->e->flags & RM_LEX_AFTER))
                factor *= 1.0 + (p->e->boost - 1.0) * fade[d];
            if (!neg && and_passed && (p->e->flags & RM_LEX_NEG) && governs_noun(c, p) &&
                (adverb(c, u) || past_form(c, u) || u->ntok > 1))
                break; /* "без комиссии и мгновенно": "без" took its noun, not the adverb */
            if (!neg) { /* the words between the negator and this one, and the negator */
                such |= (p->e->flags & RM_LEX_SUCH) != 0;
                be |= (p->e->flags & RM_LEX_BE) != 0;
                cmp |= (p->e->flags & RM_LEX_CMP) != 0; /* "more"; the word's own below */
                irr |= (p->e->flags & RM_LEX_IRR) != 0;
                deg_this |= (p->e->flags & RM_LEX_THIS) != 0;
                if (p->e->flags & RM_LEX_NEG) {
                    neg = true;
                    neg_at = j;
                }
            }
            if ((p->e->flags & RM_LEX_TOO) && d == 0 && u->v < 0)
                factor *= EXCESS_BOOST;
        }
        and_passed |= and_word(c, p);
        d++;
    }
    if (i + 1 < c->n && has(&c->u[i + 1], RM_LEX_AFTER) && c->u[i + 1].clause == u->clause)
        factor *= c->u[i + 1].e->boost; /* "boring as hell" */
    if (neg && privative(&c->u[neg_at]) && c->u[neg_at].e->valence < 0 &&
        fabsf(u->e->valence) < PRIV_MIN)
        neg = false; /* "refused to exchange it": the refusal is the complaint; a remedy ends a
                      * faint complaint too ("убирает запах") */
    if (neg && privative(&c->u[neg_at]) && c->u[neg_at].e->valence > 0 && u->v > 0)
        neg = false; /* a remedy ends complaints, not praise: "relieved and grateful" */
    if (!neg && (j_post = post_privative_of(c, i)) != SIZE_MAX) {
        neg = true; /* "lag is nonexistent": the word after denies it */
        neg_at = j_post;
    }
    if (!neg && ((j_post = coordinated_negation(c, i)) != SIZE_MAX ||
                 (j_post = raised_negation(c, i)) != SIZE_MAX)) {
        neg = true;
        neg_at = j_post;
    }
    cmp |= has(u, RM_LEX_CMP);
    if (neg && !u->has_neg && ((such && ever(c, neg_at)) || such_before(c, neg_at) ||
                                 (be && (cmp || deg_this)) ||
                                 (ever(c, neg_at) && degree_after(c, i)))) {
        u->v *= factor * NEVER_SO;
    } else if ((neg && !u->has_neg) || (irr && cmp)) {
        /* Negating an intensified claim weakens it ("not very good" is mild): boosts go. */
        u->v *= u->v > 0 ? NEG_POS : NEG_NEG;
        u->negated = true;
        if (neg && (privative(&c->u[neg_at]) || has(&c->u[neg_at], RM_LEX_POST))) {
            u->neg_term = c->u[neg_at].e->term;
            u->neg_post = neg_at > i;
        }
    } else {
        u->v *= factor;
    }
}

/* A sentence made of negators only, "No." or "NO NO NO!": an answer that refuses or disagrees.
 * True for its first word. */
static bool lone_negator(const ctx *c, size_t i)
{
    const unit *u = &c->u[i];

    if (!is_word(u) || !has(u, RM_LEX_NEG) || u->ntok != 1)
        return false;
    for (size_t j = i; j-- > 0 && c->u[j].sent == u->sent;)
        if (is_word(&c->u[j]))
            return false;
    for (size_t j = i + 1; j < c->n && c->u[j].sent == u->sent; j++)
        if (is_word(&c->u[j]) && (!has(&c->u[j], RM_LEX_NEG) || privative(&c->u[j])))
            return false; /* "Not fixed." denies the fix; it answers nothing */
    return true;
}

/* A revisit term ("go back", "be back", "stay here again") judges when said with intent
 * ("will definitely be back", "can't wait to go back") and, reversed, when denied: a negator
 * anywhere in the REVISIT_REACH words before it in its clause, which also reaches across
 * "think" and "if" ("won't go back", "never coming back", "I don't think I will be back", "not
 * sure if we will go back", "hell no will I go back"). Told as a story ("we went back to the
 * hotel", "be back later") it judges nothing. */
enum { REVISIT_STORY, REVISIT_INTENT, REVISIT_DENIED };

static int revisit_mood(const ctx *c, size_t i)
{
    int d = 0, mood = REVISIT_STORY;
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause && d < REVISIT_REACH;) {
        const unit *p = &c->u[j];
        if (!is_word(p))
            continue;
        if (has(p, RM_LEX_WILL))
            mood = REVISIT_INTENT;
        else if (has(p, RM_LEX_NEG) || p->has_neg)
            return REVISIT_DENIED;
        d++;
    }
    return mood;
}

/* Words in unit i's sentence before it, counted up to cap (a sentence may be megabytes long,
 * and callers ask about a few words). */
static int words_before(const ctx *c, size_t i, int cap)
{
    int n = 0;
    for (size_t j = i; j-- > 0 && c->u[j].sent == c->u[i].sent && n < cap;)
        n += is_word(&c->u[j]);
    return n;
}

/* Does no word come before unit i in its sentence? */
static bool opens_sentence(const ctx *c, size_t i)
{
    return words_before(c, i, 1) == 0;
}

/* Options that leave a word plain: what it names, not a role in the sentence. */
#define PLAIN                                                                                  \
    (RM_LEX_RISE | RM_LEX_FALL | RM_LEX_MORE | RM_LEX_LESS | RM_LEX_VIA | RM_LEX_OCCASION |     \
     RM_LEX_EXPECT | RM_LEX_OUTCOME)

/* Is u a plain word of clause `clause`: no valence, no modifier, no role ("no I didn't",
 * "actually a"), no hashtag? */
static bool plain_word(const unit *u, uint32_t clause)
{
    if (!is_word(u) || u->clause != clause || (u->tflags & RM_TOK_HASHTAG))
        return false;
    return !u->e || (u->e->valence == 0.0f && u->e->boost <= 0.0f && !(u->e->flags & ~PLAIN));
}

/* The word right after a word with `flag`, when it is a plain word of its clause with nothing
 * polar in reach. */
static const unit *bare_next(const ctx *c, size_t i, uint64_t flag)
{
    const unit *u = &c->u[i], *nx;

    if (!has(u, flag) || i + 1 >= c->n)
        return NULL;
    nx = &c->u[i + 1];
    if (!plain_word(nx, u->clause))
        return NULL;
    if (follows(c, i, WINDOW, 0, 0.0f))
        return NULL;
    return nx;
}

/* "No" right before a word of no valence and no lexicon role, with nothing polar or negating
 * after it in reach: a thing is missing ("no instructions", "нет инструкции"). The word it
 * names. */
static const unit *absent_thing(const ctx *c, size_t i)
{
    const unit *nx = bare_next(c, i, RM_LEX_ABSENT);

    if (nx && follows(c, i, WINDOW, RM_LEX_NEG, 0.0f))
        return NULL;
    return nx;
}

/* A word marked `nil` that closes its clause right after a plain word judges that thing
 * worthless: "Микрофон никакой.", "Качество никакое, звук тоже". The plain word, or NULL. */
static const unit *nil_thing(const ctx *c, size_t i)
{
    const unit *u = &c->u[i], *pv;

    if (!has(u, RM_LEX_NIL) || i == 0)
        return NULL;
    for (size_t j = i + 1; j < c->n && c->u[j].clause == u->clause; j++)
        if (is_word(&c->u[j]))
            return NULL;
    pv = &c->u[i - 1];
    return plain_word(pv, u->clause) ? pv : NULL;
}

/* Unit u and the plain word nx after it judge together: "no instructions", "actually tear". */
static void pair_with(ctx *c, unit *u, const unit *nx, double v)
{
    u->v = v;
    u->term = join_terms(c, u->e->term, norm_of(c, nx));
    u->span_ntok = u->ntok + nx->ntok;
}

/* Valence that no single entry carries: "too big", "long enough", a dangling "не очень", a
 * lone "No.", a missing thing, a thing that "actually" works. */
static void rule_valence(ctx *c, size_t i)
{
    unit *u = &c->u[i];
    const unit *p = prev_word(c, i), *nx;

    if (lone_negator(c, i)) {
        u->v = emphasis(c, u, LONE_NEG_VALENCE);
        u->term = u->e->term;
        return;
    }
    if ((nx = absent_thing(c, i))) {
        pair_with(c, u, nx, emphasis(c, u, ABSENCE_VALENCE));
        return;
    }
    if (nil_thing(c, i)) {
        u->v = emphasis(c, u, NIL_VALENCE);
        return;
    }
    if ((nx = bare_next(c, i, RM_LEX_ACTUAL))) { /* "actually tear", "doesn't actually clean" */
        pair_with(c, u, nx, ACTUAL_VALENCE);
        modify(c, i);
        return;
    }
    if (has(u, RM_LEX_DEGREE) && i + 1 < c->n && has(&c->u[i + 1], RM_LEX_ENOUGH) &&
        !has(&c->u[i + 1], RM_LEX_CMP) && c->u[i + 1].clause == u->clause) {
        u->v = SUFFICE_VALENCE;
        u->term = join_terms(c, u->e->term, c->u[i + 1].e->term);
        u->span_ntok = u->ntok + c->u[i + 1].ntok;
        modify(c, i);
        return;
    }
    if (!is_word(u) || !u->e || !p || !p->e || p != &c->u[i - 1])
        return;
    if ((u->e->flags & RM_LEX_DEGREE) && (p->e->flags & RM_LEX_TOO)) {
        u->v = EXCESS_VALENCE;
        u->term = join_terms(c, p->e->term, u->e->term);
        modify(c, i);
        return;
    }
    if (u->e->boost > 0.0f && (p->e->flags & RM_LEX_NEG) && !polar_follows(c, i)) {
        u->v = DANGLING_VALENCE;
        u->term = join_terms(c, p->e->term, u->e->term);
    }
}

/* Does token k's word start with one of the n prefixes? */
static bool word_starts(const ctx *c, size_t k, const char *const *prefix, size_t n)
{
    const rm_token *t = &c->toks->v[k];

    for (size_t i = 0; t->kind == RM_TOK_WORD && i < n; i++)
        if (!strncmp(t->norm, prefix[i], strlen(prefix[i])))
            return true;
    return false;
}

/* Are the stars at token k (the number) a hotel's class or other people's reviews, not the
 * writer's rating: "a 5 star hotel", "Отель 4 звезды? Максимум две", "Another 5 star review I
 * trusted", "a 3 star Google review"? The hotel or review is named right after the star word
 * or one word later, or the hotel within two words before the number; "5 звёзд отелю" rates. */
static bool not_a_rating(const ctx *c, size_t k)
{
    static const char *const after[] = {"hotel", "resort", "motel", "review", "отзыв"};
    static const char *const before[] = {"hotel", "resort", "motel", "отел", "гостиниц"};

    for (size_t j = k + 2; j < c->toks->n && j <= k + 3; j++) {
        if (word_starts(c, j, after, RM_ARRAY_LEN(after)))
            return true; /* "5 star hotel", "a 3 star Google review" */
        if (c->toks->v[j].kind != RM_TOK_WORD)
            break;
    }
    for (size_t j = k, d = 0; j-- > 0 && d < 2; d++)
        if (word_starts(c, j, before, RM_ARRAY_LEN(before)))
            return true;
    return false;
}

/* A number written as a word (a token's norm), 0..10, or -1: "three", "пять", "пяти"; `marks`
 * adds the Russian school marks ("единицу", "тройку", "пятёрку"), which are only marks after a
 * verb of marking. */
static int number_word(const char *w, bool marks)
{
    static const struct {
        const char *w;
        int n;
    } words[] = {
        {"zero", 0},    {"one", 1},      {"two", 2},       {"three", 3},    {"four", 4},
        {"five", 5},    {"six", 6},      {"seven", 7},     {"eight", 8},    {"nine", 9},
        {"ten", 10},    {"ноль", 0},     {"одна", 1},      {"одну", 1},     {"один", 1},
        {"две", 2},     {"два", 2},      {"три", 3},       {"четыре", 4},   {"пять", 5},
        {"пяти", 5},    {"шесть", 6},    {"семь", 7},      {"восемь", 8},   {"девять", 9},
        {"десять", 10}, {"десяти", 10},
    }, mark_words[] = {
        {"кол", 1},      {"единицу", 1},   {"единица", 1},  {"двойку", 2},   {"двойка", 2},
        {"тройку", 3},   {"тройка", 3},    {"четверку", 4}, {"четверка", 4}, {"пятерку", 5},
        {"пятерка", 5}, /* token norms write ё as е */
    };

    for (size_t i = 0; i < RM_ARRAY_LEN(words); i++)
        if (!strcmp(w, words[i].w))
            return words[i].n;
    for (size_t i = 0; marks && i < RM_ARRAY_LEN(mark_words); i++)
        if (!strcmp(w, mark_words[i].w))
            return mark_words[i].n;
    return -1;
}

/* Does unit u start with a number written as a word? Most carry the lexicon option `num`;
 * "one" and "один", "одна", "одну" do not, as an entry would make "no one", "ни одна" stop
 * naming a missing thing. */
static bool number_word_at(const ctx *c, const unit *u)
{
    static const char *const ones[] = {"one", "один", "одна", "одну"};
    const unsigned char *w = (const unsigned char *)c->toks->v[u->tok].norm;

    if (has(u, RM_LEX_NUM))
        return true;
    if (u->e || !(w[0] == 'o' || (w[0] == 0xD0 && w[1] == 0xBE))) /* "o", "о" */
        return false;
    return ONE_OF((const char *)w, ones);
}

/* The number token k gives, written in digits or as a word, or -1. */
static double number_of(const ctx *c, size_t k)
{
    const rm_token *t = &c->toks->v[k];
    char num[32];

    if (t->kind == RM_TOK_WORD)
        return number_word(t->norm, false);
    if (t->kind != RM_TOK_NUM || t->norm_len >= sizeof(num))
        return -1;
    memcpy(num, t->norm, t->norm_len + 1);
    for (char *p = num; *p; p++)
        if (*p == ',')
            *p = '.';
    return strtod(num, NULL);
}

/* "4/5", "9 out of 10", "5 stars", "1 звезда", "three stars", "пять звёзд", "три из пяти":
 * ratings written into the text. */
static bool rating_at(ctx *c, size_t i, double *r, size_t *span)
{
    static const char *const part[] = {"of", "price", "time", "cup", "inch", "цен", "стоимост",
                                       "раз", "част"};
    const rm_tokens *t = c->toks;
    size_t k = c->u[i].tok;
    double x, y;
    const rm_token *nx = k + 1 < t->n ? &t->v[k + 1] : NULL;

    if (!nx || (nx->kind != RM_TOK_WORD && nx->kind != RM_TOK_SYM) ||
        (t->v[k].kind != RM_TOK_NUM && !number_word_at(c, &c->u[i])))
        return false;
    if (nx->kind == RM_TOK_WORD && (!strcmp(nx->norm, "star") || !strcmp(nx->norm, "stars") ||
                                    !strncmp(nx->norm, "звезд", strlen("звезд")))) {
        if ((x = number_of(c, k)) < 0 || not_a_rating(c, k))
            return false;
        y = 5;
        *span = 2;
        if (x > y && x <= 2 * y)
            x = y; /* "would give 6 stars if I could" */
    } else if (k + 2 < t->n && ((nx->kind == RM_TOK_SYM && c->text[nx->start] == '/' &&
                                 t->v[k].kind == RM_TOK_NUM) ||
                                !strcmp(nx->norm, "из"))) {
        if ((x = number_of(c, k)) < 0 || (y = number_of(c, k + 2)) < 0)
            return false;
        *span = 3;
        if (k + 3 < t->n && t->v[k + 3].kind == RM_TOK_SYM && t->v[k + 3].start == t->v[k + 2].end)
            return false; /* a date: 12/10/2024 */
        if (k + 3 < t->n && word_starts(c, k + 3, part, RM_ARRAY_LEN(part)))
            return false; /* a fraction: "за 1/10 цены", "1/2 of the price", "9/10 times" */
    } else if (k + 3 < t->n && !strcmp(nx->norm, "out") && !strcmp(t->v[k + 2].norm, "of")) {
        if ((x = number_of(c, k)) < 0 || (y = number_of(c, k + 3)) < 0)
            return false;
        *span = 4;
    } else {
        return false;
    }
    if ((y != 5 && y != 10) || x > y)
        return false;
    *r = x / y;
    return true;
}

/* "Ставлю 4", "поставила 2, потому что...", "I'd give this place a 3.": a bare number after a
 * verb of marking (`grade`) with at most three plain words or a colon between, closing its
 * clause or followed by a function word ("за качество", "for the price"). A number the next word
 * counts ("gave it 2 weeks", "поставил 3 полки") or written with a sign or letter ("5%", "5к")
 * is no mark. Out of 5, or of 10 above 5. */
static bool mark_at(const ctx *c, size_t i, double *r, size_t *span)
{
    const rm_tokens *t = c->toks;
    size_t k = c->u[i].tok, words = 0;
    const unit *nx = i + 1 < c->n ? &c->u[i + 1] : NULL;
    double x;
    char *end;

    bool word = number_word_at(c, &c->u[i]) && (unsigned char)t->v[k].norm[0] >= 0x80;
    bool graded = false;

    if (!word && t->v[k].kind != RM_TOK_NUM)
        return false; /* a Russian word may be a mark ("поставила тройку"); not "gave one" */
    if (nx && nx->clause == c->u[i].clause &&
        (nx->kind == RM_TOK_NUM || (is_word(nx) && !has(nx, RM_LEX_FUNC)) ||
         (nx->kind != RM_TOK_PUNCT && t->v[nx->tok].start == t->v[k].end)))
        return false; /* "5 полок", "5%", "за 5к" */
    for (size_t j = i; j-- > 0 && words <= 3 && !graded;) {
        const unit *p = &c->u[j];
        if (j + 1 == i && (colon(c, p) || dash(c, p)))
            continue; /* "Оценка: 4", "Rating: 2", "Оценка — 3" */
        if (!is_word(p) || (polar(p) && !has(p, RM_LEX_GRADE)))
            return false;
        graded = has(p, RM_LEX_GRADE);
        words++;
    }
    if (!graded)
        return false;
    if (word) {
        x = number_word(t->v[k].norm, true);
    } else {
        x = strtod(t->v[k].norm, &end);
        if (*end)
            return false;
    }
    if (x < 0 || x > 10 || x != floor(x))
        return false;
    *r = x / (x > 5 ? 10.0 : 5.0);
    *span = 1;
    return true;
}

/* "A+", "A+++ seller": the top school grade, written straight after the letter; not an energy
 * class ("класс энергопотребления A++", "energy rating A+"). */
static bool grade_at(const ctx *c, size_t i, double *r, size_t *span)
{
    static const char *const spec[] = {"class", "класс", "energ", "энерг"};
    const rm_tokens *t = c->toks;
    size_t k = c->u[i].tok, n = 0;

    if (t->v[k].kind != RM_TOK_WORD || t->v[k].norm_len != 1 || t->v[k].norm[0] != 'a')
        return false;
    while (k + 1 + n < t->n && t->v[k + 1 + n].kind == RM_TOK_SYM &&
           t->v[k + 1 + n].start == t->v[k + n].end && c->text[t->v[k + 1 + n].start] == '+')
        n++;
    if (n == 0 || (k + 1 + n < t->n && t->v[k + 1 + n].start == t->v[k + n].end &&
                   (t->v[k + 1 + n].kind == RM_TOK_WORD || t->v[k + 1 + n].kind == RM_TOK_NUM)))
        return false; /* "a+b" */
    for (size_t j = k, d = 0; j-- > 0 && d < 2; d++)
        if (word_starts(c, j, spec, RM_ARRAY_LEN(spec)))
            return false;
    *r = 1.0;
    *span = 1 + n;
    return true;
}

/* Is token k a star of a rating: 1 full ("★", "⭐"), 0 empty ("☆"), -1 no star? */
static int star(const ctx *c, size_t k)
{
    const rm_token *t = &c->toks->v[k];
    const char *p = c->text + t->start;

    if ((t->kind != RM_TOK_SYM && t->kind != RM_TOK_EMOJI) || t->end - t->start < 3)
        return -1;
    if (!memcmp(p, "\xE2\x98\x85", 3) || !memcmp(p, "\xE2\xAD\x90", 3))
        return 1;
    return !memcmp(p, "\xE2\x98\x86", 3) ? 0 : -1;
}

/* "★★★★☆", "⭐⭐⭐⭐⭐", "★★": a run of at least two stars is a rating, full stars out of the
 * run when it has empty ones (of 5 or 10), else out of 5 ("⭐⭐⭐⭐⭐⭐⭐" is top marks). A lone
 * star is a word of praise, not one star of five. */
static bool stars_at(const ctx *c, size_t i, double *r, size_t *span)
{
    size_t k = c->u[i].tok, n = 0, full = 0, y;
    int s;

    while (k + n < c->toks->n && (s = star(c, k + n)) >= 0) {
        full += (size_t)s;
        n++;
    }
    if (n < 2)
        return false;
    y = full == n ? 5 : n;
    if (y != 5 && y != 10)
        return false;
    *r = (double)RM_MIN(full, y) / (double)y;
    *span = n;
    return true;
}

static bool is_quote(const ctx *c, size_t tok)
{
    static const char *const quotes[] = {"\"", "'", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x98",
                                         "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D",
                                         "\xE2\x80\x9E"};
    const rm_token *t = &c->toks->v[tok];

    if (t->kind != RM_TOK_SYM)
        return false;
    for (size_t i = 0; i < RM_ARRAY_LEN(quotes); i++)
        if (t->end - t->start == strlen(quotes[i]) &&
            !memcmp(c->text + t->start, quotes[i], t->end - t->start))
            return true;
    return false;
}

/* One polar word alone in quotes. In lower case, or opening its sentence, a word of praise is
 * a scare quote, meant the other way (мой "любимый" оператор): QUOTE_IRONY. Capitalised inside
 * a sentence it is a name, the loyalty programme «Спасибо» or the deposit «Победа»:
 * QUOTE_NAME, which counts nothing. Titles of more words stay as they are. */
enum { QUOTE_NONE, QUOTE_IRONY, QUOTE_NAME };

static int quoted(const ctx *c, const unit *u)
{
    size_t before = u->tok, after = u->tok + u->ntok;

    if (!(u->v != 0 && before > 0 && after < c->toks->n && is_quote(c, before - 1) &&
          is_quote(c, after)))
        return QUOTE_NONE;
    if ((c->toks->v[u->tok].flags & RM_TOK_UPPER1) && !opens_sentence(c, (size_t)(u - c->u)))
        return QUOTE_NAME;
    return u->v > 0 ? QUOTE_IRONY : QUOTE_NONE;
}

/* "stress-free", "guilt free", "pain-free": "free" right after a complaint makes it praise;
 * hyphened to praise it makes a complaint ("charisma-free"). Moves the valence onto the word
 * before and returns true. */
static bool free_of(ctx *c, size_t i)
{
    unit *u = &c->u[i], *p;
    size_t from, to;

    if (!is_word(u))
        return false;
    p = (unit *)prev_word(c, i);
    if (!p || !p->e || p->v == 0 || p->negated)
        return false;
    from = c->toks->v[p->tok + p->ntok - 1].end;
    to = c->toks->v[u->tok].start;
    if (to - from > 1 || (to - from == 1 && c->text[from] != ' ' && c->text[from] != '-'))
        return false;
    /* Praise is freed from only with a hyphen ("charisma-free", "fun-free"); "a fun free app"
     * is fun and costs nothing. */
    if (p->v > 0 && (p->v < PRIV_MIN || to - from != 1 || c->text[from] != '-'))
        return false;
    p->v = -p->v * FREE_FLIP;
    p->term = join_terms(c, p->term ? p->term : p->e->term, u->e->term);
    p->span_ntok = u->tok + u->ntok - p->tok;
    u->v = 0;
    return true;
}

static const char *evidence_term(ctx *c, const unit *u);

/* Unit u's praise is meant the other way: it turns, x IRONY, and its evidence says why
 * ("irony: great", "short-lived: worked great"). */
static void turn(ctx *c, unit *u, const char *why)
{
    u->v *= IRONY;
    u->term = join_terms(c, why, evidence_term(c, u));
}

/* The word next to the pace word i, before it (across intensifiers: "broke so quickly") or
 * right after it ("быстро сломался"), when that word is a complaint; else NULL. */
static unit *pace_partner(ctx *c, size_t i)
{
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause;) {
        unit *p = &c->u[j];
        if (!is_word(p))
            continue;
        if (p->e && p->e->valence == 0.0f && (p->e->boost > 0.0f || has(p, RM_LEX_TOO)))
            continue; /* "broke so quickly", "scratches way too easily" */
        if (p->v <= -PACE_MIN)
            return p;
        break;
    }
    for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i].clause; j++) {
        unit *q = &c->u[j];
        if (!is_word(q))
            continue;
        return q->v <= -PACE_MIN ? q : NULL;
    }
    return NULL;
}

/* An adverb of speed or ease praises what goes well ("arrived quickly", "installs easily") but
 * next to a complaint it tells how badly it goes ("breaks easily", "drains quickly", "быстро
 * сломался"): its own valence moves onto the complaint as an intensifier. */
static void pace(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i], *w;
        if (!is_word(u) || !has(u, RM_LEX_PACE) || u->v <= 0 || !(w = pace_partner(c, i)))
            continue;
        w->v *= PACE_BOOST;
        w->term = w < u ? join_terms(c, evidence_term(c, w), u->e->term)
                        : join_terms(c, u->e->term, evidence_term(c, w));
        if (w < u)
            w->span_ntok = u->tok + u->ntok - w->tok;
        u->v = 0;
    }
}

/* A Russian word with an adjective's ending ("рублёвым", "ежемесячную"): it may stand between
 * a change and its amount, where another noun may not ("повышает удовлетворённость персонала"
 * raises no staff). */
static bool russian_modifier(const char *w)
{
    static const char *const ends[] = {"ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие",
                                       "ых", "их", "ым", "им", "ую", "юю", "ого", "его", "ому",
                                       "ему", "ыми", "ими"};
    size_t n = strlen(w);

    if ((unsigned char)w[0] != 0xD0 && (unsigned char)w[0] != 0xD1)
        return true; /* not Russian: English puts no case on its nouns, let it through */
    for (size_t k = 0; k < RM_ARRAY_LEN(ends); k++) {
        size_t m = strlen(ends[k]);
        if (n > m + 4 && !strcmp(w + n - m, ends[k]))
            return true;
    }
    return false;
}

/* The amount that the rise or fall at i changes: the word right before it when that is an
 * amount, its subject ("poverty drops sharply following expanded tax credit", "цены выросли
 * после отмены налога"); else the nearest `more` or `less` word of its clause within
 * CHANGE_REACH words after it ("raised its fees", "повысил ставки по рублёвым вкладам"), else
 * before it ("прибыль банка выросла"); SIZE_MAX when there is none. In those searches an
 * amount another change took is passed over ("raising prices AND cracking down": no "prices
 * down"); its subject right before a change is not ("spending cuts or tax increases"). After
 * it, a Russian noun that is no amount ends the search. */
static size_t changed_amount(const ctx *c, size_t i)
{
    if (i > 0 && is_word(&c->u[i - 1]) && c->u[i - 1].clause == c->u[i].clause &&
        has(&c->u[i - 1], RM_LEX_MORE | RM_LEX_LESS))
        return i - 1;
    for (int dir = 1; dir >= -1; dir -= 2) {
        int words = 0;
        for (size_t j = i; words < CHANGE_REACH;) {
            const unit *q;
            if (dir < 0 ? j == 0 : j + 1 >= c->n)
                break;
            j = dir < 0 ? j - 1 : j + 1;
            q = &c->u[j];
            if (q->clause != c->u[i].clause)
                break;
            if (!is_word(q))
                continue;
            if (has(q, RM_LEX_MORE | RM_LEX_LESS) && !q->changed)
                return j;
            if (!has(q, RM_LEX_FUNC))
                words++; /* "прибыль ВТБ по МСФО за год выросла": "по", "за" take no room */
            if (dir > 0 && !has(q, RM_LEX_FUNC | RM_LEX_VIA) && !russian_modifier(norm_of(c, q)))
                break;
        }
    }
    return SIZE_MAX;
}

/* The complaints that name the kind of the bad amount at j that the change at i moves: the
 * word right before it ("malaria cases fell", "cuts child cancer deaths") and, when the
 * amount comes first, the words between ("deaths from heart disease have dropped"). They are
 * spent with the amount's own valence. After the change, only the word right before the
 * amount: what else stands between describes the change ("bogs down in a mess of..."). */
static void spend_kind(ctx *c, size_t j, size_t i)
{
    if (j > 0 && j - 1 != i && is_word(&c->u[j - 1]) && c->u[j - 1].clause == c->u[j].clause &&
        c->u[j - 1].v < 0 && !c->u[j - 1].negated)
        c->u[j - 1].v = 0;
    for (size_t k = j + 1; k < i; k++)
        if (is_word(&c->u[k]) && c->u[k].v < 0 && !c->u[k].negated)
            c->u[k].v = 0;
}

/* "raised fees", "cut prices", "прибыль выросла", "снизил ставки по кредитам": a rise or fall of
 * an amount is good or bad by the amount, whatever the verb says alone ("dropped" is no
 * complaint in "prices dropped"). The change takes the valence; the amount's own is spent, and
 * with a bad amount the complaints that name its kind (spend_kind()). */
static void change(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        size_t j;
        if (!is_word(u) || !has(u, RM_LEX_RISE | RM_LEX_FALL) ||
            (j = changed_amount(c, i)) == SIZE_MAX)
            continue;
        unit *a = &c->u[j];
        double dir = has(u, RM_LEX_RISE) ? 1.0 : -1.0, good = has(a, RM_LEX_MORE) ? 1.0 : -1.0;
        u->v = emphasis(c, u, dir * good * CHANGE_VALENCE);
        u->term = j > i ? join_terms(c, u->e->term, a->e->term)
                        : join_terms(c, a->e->term, u->e->term);
        u->negated = false;
        modify(c, i);
        a->v = 0;
        a->changed = true; /* "raising prices AND cracking down on...": not "prices down" */
        if (has(a, RM_LEX_LESS))
            spend_kind(c, j, i);
    }
}

/* Is token k the word w? */
static bool tok_is(const ctx *c, size_t k, const char *w)
{
    return k < c->toks->n && c->toks->v[k].kind == RM_TOK_WORD && !strcmp(c->toks->v[k].norm, w);
}

static bool tok_one_of(const ctx *c, size_t k, const char *const *list, size_t n)
{
    return k < c->toks->n && c->toks->v[k].kind == RM_TOK_WORD &&
           one_of(c->toks->v[k].norm, list, n);
}

/* Does a time that the praise lasted start at token k: "for two weeks", "for about a month",
 * "for the first wash", "for a couple of days"? Years only one at most: "worked great for 5
 * years" is a long life. */
static bool brief_time(const ctx *c, size_t k)
{
    static const char *const hedge[] = {"about", "only", "just", "exactly", "almost", "nearly",
                                        "like", "maybe", "roughly", "around", "the", "first"};
    static const char *const some[] = {"a", "an", "few", "couple", "several"};
    static const char *const span[] = {"second", "seconds", "minute", "minutes", "hour", "hours",
                                       "day",    "days",    "week",   "weeks",   "month", "months",
                                       "year",   "use",     "uses",   "wash",    "washes",
                                       "charge", "charges", "ride",   "rides",   "wear"};
    static const char *const then[] = {"then", "and", "before", "until", "till", "after", "now",
                                       "but", "or", "past", "max", "tops", "at", "in", "if"};
    const rm_tokens *t = c->toks;
    double n = -1;

    if (!tok_is(c, k++, "for"))
        return false;
    while (k < t->n && t->v[k].kind == RM_TOK_WORD &&
           one_of(t->v[k].norm, hedge, RM_ARRAY_LEN(hedge)))
        k++;
    if (k < t->n && t->v[k].kind == RM_TOK_WORD && one_of(t->v[k].norm, some, RM_ARRAY_LEN(some)))
        n = 1;
    else if (k < t->n)
        n = number_of(c, k);
    if (n < 0 && !tok_is(c, k - 1, "first"))
        return false; /* "for the first wash" counts one */
    if (n >= 0)
        k++;
    while (k < t->n && (tok_is(c, k, "few") || tok_is(c, k, "couple") || tok_is(c, k, "of")))
        k++;
    if (k >= t->n || t->v[k].kind != RM_TOK_WORD ||
        !one_of(t->v[k].norm, span, RM_ARRAY_LEN(span)))
        return false;
    if (tok_is(c, k, "year") && n > 1)
        return false;
    return k + 1 >= t->n || t->v[k + 1].kind != RM_TOK_WORD ||
           one_of(t->v[k + 1].norm, then, RM_ARRAY_LEN(then)); /* not "for a day trip" */
}

/* Is there a "then" after unit i in its sentence? */
static bool then_after(const ctx *c, size_t i)
{
    for (size_t j = i + 1, e = sentence_end(c, i); j < e; j++)
        if (tok_is(c, c->u[j].tok, "then"))
            return true;
    return false;
}

/* Praise told in the past for a short time is a thing that stopped: "Worked great for two
 * weeks, then the Bluetooth started cutting out", "Was fine for 3 months", "Looked great for
 * the first wash". The praise follows "worked", "was", "looked", "sounded"... (or is a phrase
 * that starts with one), or opens its sentence with a "then" after it ("Fun for a week, then
 * the energy system kicks in"), and a brief time follows it; "has worked great for 2 years"
 * and "held up for a year" go on, and "worked great for 5 years" is a long life. The praise
 * turns, x IRONY. */
static void brief_praise(ctx *c)
{
    static const char *const past[] = {"worked", "was", "were", "looked", "sounded", "ran",
                                       "performed", "seemed", "felt"};
    static const char *const still[] = {"has", "have", "'ve", "had", "still"};

    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        if (u->v <= 0 || !is_word(u) || !brief_time(c, u->tok + u->ntok))
            continue;
        if (opens_sentence(c, i) && then_after(c, i)) {
            turn(c, u, "short-lived:"); /* "Fun for a week, then the energy system kicks in" */
            continue;
        }
        const unit *p = prev_word(c, i);
        const unit *verb = ONE_OF(norm_of(c, u), past) ? u : p;
        if (!verb || !ONE_OF(norm_of(c, verb), past))
            continue;
        const unit *before = verb == u ? p : prev_word(c, (size_t)(verb - c->u));
        if (before && ONE_OF(norm_of(c, before), still))
            continue;
        turn(c, u, "short-lived:");
    }
}

/* Does the revisit term at i go back to something else: "never going back to windows",
 * "not going back to polyester"? After "go back" comes "to" and a word that neither points at
 * the place reviewed ("to that place", "to them", "to the restaurant"), nor is a name (which
 * may be that place: "never going back to Applebee's"), nor names a routine ("to school", "to
 * work"). Refusing to go back to what the text left praises what it has now. */
static bool back_to_other(const ctx *c, size_t i)
{
    static const char *const go[] = {"go", "goes", "going", "went", "gone"};
    static const char *const not_other[] = {"that", "this",   "these", "those", "them",
                                            "it",   "him",    "her",   "there", "here",
                                            "the",  "school", "work",  "bed",   "sleep",
                                            "college", "uni", "normal"};
    const unit *u = &c->u[i];
    size_t k = u->tok + u->ntok;
    bool goes = false;

    for (size_t t = u->tok; t < k; t++)
        goes |= tok_one_of(c, t, go, RM_ARRAY_LEN(go)); /* not "come back" */
    if (!goes || !tok_is(c, k - 1, "back") || !tok_is(c, k, "to") || k + 1 >= c->toks->n ||
        c->toks->v[k + 1].kind != RM_TOK_WORD)
        return false;
    if (c->toks->v[k + 1].flags & RM_TOK_UPPER1)
        return false; /* a name */
    return !tok_one_of(c, k + 1, not_other, RM_ARRAY_LEN(not_other));
}

/* Valence of the revisit term at i; true when settled (told as a story, or denied: "won't be
 * back" is as strong a verdict as "will be back"), false when it is intent and goes on through
 * the usual intensifiers. Refusing to go back to something else praises (back_to_other). */
static bool revisit(ctx *c, size_t i)
{
    unit *u = &c->u[i];

    switch (revisit_mood(c, i)) {
    case REVISIT_INTENT:
        return false;
    case REVISIT_DENIED:
        u->v = emphasis(c, u, back_to_other(c, i) ? u->e->valence : -u->e->valence);
        u->negated = true;
        return true;
    default:
        return true;
    }
}

/* "bought it as a wedding gift", "for my husband's birthday": an occasion after "for" or "as",
 * with no polar word between, names what the thing is for; it colours nothing. */
static bool occasion_of_purchase(const ctx *c, size_t i)
{
    int words = 0;

    if (!has(&c->u[i], RM_LEX_OCCASION))
        return false;
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause && words < WINDOW + 1;) {
        const unit *p = &c->u[j];
        if (!is_word(p))
            continue;
        if (has(p, RM_LEX_PURPOSE))
            return true;
        if (polar(p) && !has(p, RM_LEX_OCCASION))
            return false;
        words++;
    }
    return false;
}

/* The plain negator (a `neg` entry of no valence) right before the rating at unit i, past
 * function words: "Not 5 stars, more like 3", "Used to be 5 stars", "Never a 1 star
 * experience", "Would have been 5 stars". NULL if there is none. */
static const unit *rating_denier(const ctx *c, size_t i)
{
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause;) {
        const unit *p = &c->u[j];
        if (!is_word(p))
            return NULL;
        if (has(p, RM_LEX_NEG) && !privative(p))
            return p;
        if (!has(p, RM_LEX_FUNC))
            return NULL;
    }
    return NULL;
}

/* Does no word (nor, with numbers, a number) follow unit i in its clause? */
static bool nothing_after_in_clause(const ctx *c, size_t i, bool numbers)
{
    for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i].clause; j++)
        if (is_word(&c->u[j]) || (numbers && c->u[j].kind == RM_TOK_NUM))
            return false;
    return true;
}

static bool last_word_of_clause(const ctx *c, size_t i)
{
    return nothing_after_in_clause(c, i, false);
}

/* "на уровне!" closes its clause, "на уровне 16%" does not. */
static bool closes_clause(const ctx *c, size_t i)
{
    return nothing_after_in_clause(c, i, true);
}

/* Is unit i the only word of its clause ("Typical.", "..., typical")? */
static bool alone_in_clause(const ctx *c, size_t i)
{
    for (size_t j = i; j-- > 0 && c->u[j].clause == c->u[i].clause;)
        if (is_word(&c->u[j]))
            return false;
    return last_word_of_clause(c, i);
}

static void valence(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        double r;
        size_t span;
        if (((u->kind == RM_TOK_NUM || number_word_at(c, u)) &&
             (rating_at(c, i, &r, &span) || mark_at(c, i, &r, &span))) ||
            grade_at(c, i, &r, &span) || stars_at(c, i, &r, &span)) {
            const unit *no = rating_denier(c, i);
            u->v = RM_MAX(-RATING_CAP, RM_MIN(RATING_CAP, (r - RATING_MID) * RATING_SCALE));
            if (r >= MID_MARK_LO && r <= MID_MARK_HI)
                c->mid_marks++;
            else
                c->other_marks++;
            u->span_ntok = span;
            u->term = rm_arena_strndup(c->a, c->text + c->toks->v[u->tok].start,
                                       c->toks->v[u->tok + span - 1].end -
                                           c->toks->v[u->tok].start);
            if (no) { /* "used to be 5 stars" */
                u->v *= u->v > 0 ? NEG_POS : NEG_NEG;
                u->term = join_terms(c, no->e->term, u->term);
            }
            while (i + 1 < c->n && c->u[i + 1].tok < u->tok + span)
                i++; /* the rest of the rating counts nothing of its own: "★★★★☆", "5 stars" */
            continue;
        }
        if (has(u, RM_LEX_MIDDLING))
            c->mid_marks++; /* "evens out": a middling verdict, as a mark of 3/5 */
        if (occasion_of_purchase(c, i))
            continue;
        if (!polar(u) || has(u, RM_LEX_DEGREE)) {
            rule_valence(c, i);
            if (u->v != 0.0 || !polar(u))
                continue;
        }
        /* An intensifier right before a polar word only intensifies ("pretty good", "terribly
         * good"); a damning one before a faint word judges on its own ("terrible fit": "fit" is
         * +0.4). A praising one before a size or amount word only intensifies too ("super
         * small" is no praise, "ужасно маленький" stays a complaint). */
        if (u->e->boost > 0.0f) {
            const unit *nw = next_word(c, i, 3);
            if (nw && ((polar(nw) && (u->e->valence >= 0 || fabsf(nw->e->valence) >= PRIV_MIN)) ||
                       (u->e->valence > 0 && has(nw, RM_LEX_DEGREE))))
                continue;
        }
        if (privative(u) && privative_spent(c, i))
            continue;
        if (has(u, RM_LEX_POST) && post_target(c, i) != SIZE_MAX)
            continue; /* spent on the word before it */
        if (has(u, RM_LEX_REVISIT) && revisit(c, i))
            continue;
        if (has(u, RM_LEX_BARE) && !alone_in_clause(c, i))
            continue; /* "a typical sports bar" */
        if (has(u, RM_LEX_CLOSING) && !closes_clause(c, i))
            continue; /* "сервис на уровне вокзальной столовки" */
        u->v = emphasis(c, u, u->e->valence);
        if (has(u, RM_LEX_FREE) && free_of(c, i))
            continue;
        if (is_word(u) && !has(u, RM_LEX_INTERJ))
            modify(c, i);
        int quote = is_word(u) ? quoted(c, u) : QUOTE_NONE;
        if (quote == QUOTE_NAME)
            u->v = 0;
        if (quote == QUOTE_IRONY) {
            size_t n = strlen(u->e->term);
            char *q = rm_arena_alloc(c->a, n + 3);
            q[0] = '"';
            memcpy(q + 1, u->e->term, n);
            memcpy(q + 1 + n, "\"", 2);
            u->v *= IRONY;
            u->term = q;
        }
    }
}

/* ---- expectations overturned ---- */

/* A contrast word ("but", "но", "а"), or a word of outcome (`outcome`) that answers an
 * expectation ("в итоге", "in the end", "turned out"). */
static bool contrast_word(const ctx *c, const unit *u)
{
    return is_word(u) && (but_word(c, u) || has(u, RM_LEX_OUTCOME));
}

/* The contrast word after unit i in its sentence, or opening the next one; SIZE_MAX if none. */
static size_t contrast_after(const ctx *c, size_t i)
{
    uint32_t sent = c->u[i].sent;

    for (size_t j = i + 1; j < c->n; j++) {
        if (!is_word(&c->u[j]))
            continue;
        if (contrast_word(c, &c->u[j]))
            return j;
        if (c->u[j].sent != sent)
            return SIZE_MAX; /* the next sentence opened with another word */
    }
    return SIZE_MAX;
}

/* A word that puts what follows in the expected future: "будет", "would", "to" ("expected it
 * to be"). */
static bool modal_word(const char *w)
{
    static const char *const modal[] = {"будет", "будут",  "окажется", "окажутся", "would",
                                        "will",  "to",     "might",    "gonna",    "it'd",
                                        "it'll", "they'd", "they'll"};
    return ONE_OF(w, modal);
}

/* Sum of the valences of units [b, e). */
static double span_valence(const ctx *c, size_t b, size_t e)
{
    double sum = 0;

    for (size_t j = b; j < e; j++)
        sum += c->u[j].v;
    return sum;
}

/* Is the sentence [b, e) a bare denial: at most three words, a negator among them, the rest
 * pronouns and intensifiers ("It isn't.", "It doesn't.", "Нет.", "Not at all.")? */
static bool bare_denial(const ctx *c, size_t b, size_t e)
{
    size_t words = 0;
    bool neg = false;

    for (size_t j = b; j < e; j++) {
        const unit *u = &c->u[j];
        if (!is_word(u))
            continue;
        if (!u->e || (u->e->valence != 0.0f && !has(u, RM_LEX_NEG)) ||
            !(has(u, RM_LEX_NEG | RM_LEX_FUNC) || u->e->boost > 0.0f))
            return false;
        neg |= has(u, RM_LEX_NEG);
        words += u->ntok;
    }
    return neg && words <= 3;
}

/* With no contrast word, the sentence after the expectation may still tell what happened:
 * "Думала будет ад. Всё заняло 15 минут, на следующий день уже нормально ела". When it judges
 * the other way from what was expected from m on, or only denies it ("I thought it would be
 * flimsy. It isn't."; the denial then counts nothing of its own), returns where the
 * expectation's sentence ends; SIZE_MAX when it judges the same way ("I thought it would be
 * great. And it was great!"), not at all, or there is none. */
static size_t answered_after(ctx *c, size_t m)
{
    size_t e = sentence_end(c, m), f;
    double expected, told;

    if (e >= c->n)
        return SIZE_MAX;
    f = sentence_end(c, e);
    expected = span_valence(c, m + 1, e);
    if (expected != 0 && bare_denial(c, e, f)) {
        for (size_t j = e; j < f; j++)
            c->u[j].v = 0; /* "Нет." answers here; it refuses nothing */
        return e;
    }
    told = span_valence(c, e, f);
    return expected * told < 0 ? e : SIZE_MAX;
}

/* "Думала, будет очередной синтетический ужас, а нет", "I thought it would be flimsy, but":
 * an expectation word (`expect`) not negated, a modal within five plain words after it ("думала
 * матрас за 15 тысяч будет так себе, а сплю как младенец"), and a contrast word later in the
 * sentence or opening the next one, or a next sentence that judges the other way. "expected"
 * and "ожидала" (`irr` too) may instead name the thing expected as their object, two plain
 * words at most before it in their clause ("expecting a cash grab", "ожидала ужас, а
 * получила"). What was expected did not happen: the polar words between the modal (or the
 * object) and the contrast are denied, as by "not" (evidence "unmet: ужас"): a feared flaw that
 * did not come is mild praise, a hoped-for quality that did not is a letdown. Comparatives keep
 * their rule ("думал, будет лучше" is a letdown). */
static void expectation(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const unit *p;
        size_t m = SIZE_MAX, e;
        int words = 0;
        if (!has(&c->u[i], RM_LEX_EXPECT) || ((p = prev_word(c, i)) && has(p, RM_LEX_NEG)))
            continue;
        for (size_t k = i + 1; k < c->n && c->u[k].sent == c->u[i].sent && words < 5; k++) {
            if (!is_word(&c->u[k]))
                continue;
            if (c->u[k].ntok == 1 && modal_word(norm_of(c, &c->u[k]))) {
                m = k;
                break;
            }
            if (c->u[k].v != 0) {
                if (has(&c->u[i], RM_LEX_IRR) && words <= 2 && c->u[k].clause == c->u[i].clause)
                    m = k - 1; /* "expecting a cash grab": the thing expected is named */
                break; /* what is expected starts at the modal: the words before name a thing */
            }
            words++;
        }
        if (m == SIZE_MAX ||
            ((e = contrast_after(c, m)) == SIZE_MAX && (e = answered_after(c, m)) == SIZE_MAX))
            continue;
        c->u[i].v = 0; /* a fear that did not come true: "worried it would look cheap" */
        for (size_t j = m + 1; j < e; j++)
            if (!has(&c->u[j], RM_LEX_CMP) && c->u[j].v != 0) {
                c->u[j].term = join_terms(c, "unmet:", evidence_term(c, &c->u[j]));
                c->u[j].v *= c->u[j].v > 0 ? NEG_POS : NEG_NEG;
            }
        i = e;
    }
}

/* ---- "can't recommend it enough" ---- */

/* Flags of the lexicon entry of token t alone, 0 when it has none. */
static unsigned token_flags(const ctx *c, size_t t)
{
    uint32_t payload;

    if (rm_termset_match(rm_lex_terms(c->lex), c->tt, c->toks->n, t, 1, &payload) != 1)
        return 0;
    return rm_lex_entry_at(c->lex, payload)->flags;
}

/* Is the negator that reaches unit u one of ability ("can't", "cannot", "could not")? */
static bool negated_by_can(const ctx *c, const unit *u)
{
    size_t from = u->tok > 2 * WINDOW ? u->tok - 2 * WINDOW : 0;

    for (size_t t = u->tok + u->ntok; t-- > from;) {
        if (!(c->tt[t].cls & RM_TERM_CLS_NEG))
            continue;
        return (token_flags(c, t) & RM_LEX_CAN) || (t > 0 && (token_flags(c, t - 1) & RM_LEX_CAN));
    }
    return false;
}

/* "I can't recommend it enough", "couldn't love it more", "can't thank you enough": a polar
 * word that "can't" negates, then, within three words of its clause and with nothing polar
 * between, "enough" or a clause-final "more", praises past any measure. The word gets its own
 * sign back, intensified. "Not good enough" keeps its negation: "not" is no negator of
 * ability. */
static void cannot_enough(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        int words = 0;
        if (!(u->negated || (u->has_neg && u->v < 0)) || !negated_by_can(c, u))
            continue;
        for (size_t j = i + 1; j < c->n && c->u[j].clause == u->clause && words < 3; j++) {
            const unit *q = &c->u[j];
            if (!is_word(q))
                continue;
            /* "more" only at the clause's end: "with more prestige" is about the noun. */
            if (has(q, RM_LEX_ENOUGH) && (!has(q, RM_LEX_CMP) || last_word_of_clause(c, j))) {
                const char *base = u->negated ? u->e->term : evidence_term(c, u);
                if (u->negated)
                    u->v = u->v / (u->e->valence > 0 ? NEG_POS : NEG_NEG) * NEVER_SO;
                else
                    u->v = -u->v * NEVER_SO;
                u->negated = false;
                u->term = join_terms(c, base, q->e->term);
                break;
            }
            if (polar(q))
                break;
            words++;
        }
    }
}

/* ---- contrast ---- */

static void weigh(ctx *c, size_t from, size_t to, double w)
{
    for (size_t j = from; j < to; j++)
        c->u[j].w *= w;
}

static bool first_word_of_sentence(const ctx *c, size_t b, size_t i)
{
    for (size_t j = b; j < i; j++)
        if (is_word(&c->u[j]))
            return false;
    return true;
}

/* "X but Y": Y decides. A sentence that opens with "But" answers the one before it. */
static void contrast_but(ctx *c, size_t b, size_t e, size_t prev_b)
{
    size_t at = e;

    for (size_t j = b; j < e; j++)
        if (has(&c->u[j], RM_LEX_BUT))
            at = j;
    if (at == e)
        return;
    if (first_word_of_sentence(c, b, at))
        weigh(c, prev_b, b, BUT_BEFORE);
    weigh(c, b, at, BUT_BEFORE);
    weigh(c, at + 1, e, BUT_AFTER);
}

/* "Although X, Y": X yields. "…, though." at a clause's end marks that clause as the turn. */
static void contrast_although(ctx *c, size_t b, size_t e)
{
    for (size_t j = b; j < e; j++) {
        size_t cb = j, ce = j;
        if (!has(&c->u[j], RM_LEX_ALTHOUGH))
            continue;
        while (cb > b && c->u[cb - 1].clause == c->u[j].clause)
            cb--;
        while (ce < e && c->u[ce].clause == c->u[j].clause)
            ce++;
        if (last_word_of_clause(c, j) && cb > b) {
            weigh(c, b, cb, BUT_BEFORE);
            weigh(c, cb, ce, BUT_AFTER);
        } else if (ce < e) {
            weigh(c, cb, ce, BUT_BEFORE);
            weigh(c, ce, e, BUT_AFTER);
        }
    }
}

/* "Раньше X, теперь Y", "Used to X, now Y": a sentence that opens with a past time and turns
 * to the present says X no longer holds. X's polar words not already denied turn, x IRONY
 * (evidence "past: шедевр": "Раньше студия делала шедевры, теперь штампует сиквелы", "Used to
 * dread the gym, now..."), and Y weighs as after "but". A phrase that opens with the past
 * word judges the change itself ("раньше любил"); with a contrast word before the turn
 * ("Раньше был хорошим, а теперь...") contrast_but() has weighed the sentence already. */
static void contrast_then(ctx *c, size_t b, size_t e)
{
    static const char *const now[] = {"теперь", "сейчас", "now"};
    size_t f = b;

    while (f < e && !is_word(&c->u[f]))
        f++;
    if (f == e || !(tok_is(c, c->u[f].tok, "раньше") ||
                    (tok_is(c, c->u[f].tok, "used") && tok_is(c, c->u[f].tok + 1, "to"))))
        return;
    for (size_t j = f + 1; j < e; j++) {
        const unit *u = &c->u[j];
        if (!is_word(u))
            continue;
        if (but_word(c, u) || has(u, RM_LEX_ALTHOUGH))
            return;
        if (u->ntok == 1 && ONE_OF(norm_of(c, u), now)) {
            for (size_t k = f + 1; k < j; k++) /* a phrase at f judges the past itself */
                if (c->u[k].v != 0.0 && !c->u[k].negated)
                    turn(c, &c->u[k], "past:");
            weigh(c, j, e, BUT_AFTER);
            return;
        }
    }
}

static void contrast(ctx *c)
{
    size_t b = 0, prev_b = 0;

    while (b < c->n) {
        size_t e = sentence_end(c, b);
        contrast_but(c, b, e, prev_b);
        contrast_then(c, b, e);
        contrast_although(c, b, e);
        prev_b = b;
        b = e;
    }
}

/* ---- the ironic verdict ---- */

/* Does unit u, at valence v, praise, in the checks for irony: at least PRIV_MIN, and no
 * occasion (`occasion`: "birthday", "vacation"), which is what a complaint spoils rather than
 * praise of it ("Thanks for ruining my birthday dinner, really appreciate it")? */
static bool praises(const unit *u, double v)
{
    return v >= PRIV_MIN && !has(u, RM_LEX_OCCASION);
}

/* Sum of the weighted valences of units [b, e) at least FAINT, praising occasions left out;
 * *praise tells whether any of them praises (praises(): "at home", +0.3, is no praise). */
static double weighted_sum(const ctx *c, size_t b, size_t e, bool *praise)
{
    double sum = 0;

    *praise = false;
    for (size_t j = b; j < e; j++) {
        double v = c->u[j].v * c->u[j].w;
        /* "lunch", "home" do not soften a complaint, nor does the holiday it spoils (a
         * missing one still complains: "now I have no gift for her birthday") */
        if (fabs(v) >= FAINT && !(v > 0 && has(&c->u[j], RM_LEX_OCCASION)))
            sum += v;
        *praise |= praises(&c->u[j], v);
    }
    return sum;
}

/* A colon or a dash: "Price: great", "Качество — отличное" name what they rate. */
static bool names_subject(const ctx *c, const unit *u)
{
    return dash(c, u) || colon(c, u);
}

/* "as always", "again", "как всегда": after a verdict they say the irony is a habit. */
static bool habit_tag(const ctx *c, const unit *u)
{
    static const char *const phrases[] = {"as always", "as usual", "как всегда", "как обычно"};
    static const char *const words[] = {"again", "опять", "снова"};

    return (u->e && ONE_OF(u->e->term, phrases)) || (u->ntok == 1 && ONE_OF(norm_of(c, u), words));
}

/* Is the sentence [b, e) a bare verdict: at most VERDICT_WORDS words, praise only by words
 * the lexicon marks `irony` ("great", "perfect", "отлично") or `thanks` (opened by thanks,
 * any praise and two words more: "Спасибо, очень помогли"), no complaint, no contrast ("Great
 * product though" answers what came before) and no named subject ("Price: great" rates, and so
 * does a plain word before the praise: "Product is great.", "Сам товар отличный"; one after it
 * is what the irony is about: "Great trade.", "Шикарная политика.")? */
static bool bare_verdict(const ctx *c, size_t b, size_t e)
{
    size_t words = 0;
    bool praise = false, thanked = false;

    for (size_t j = b; j < e; j++) {
        const unit *u = &c->u[j];
        double v = u->v * u->w;
        if (praise && habit_tag(c, u))
            continue; /* "Perfect timing as always." */
        if (v < 0 || has(u, RM_LEX_ALTHOUGH) || (is_word(u) && but_word(c, u)) ||
            (v > 0 && !thanked && !has(u, RM_LEX_IRONY | RM_LEX_THANKS)) ||
            names_subject(c, u) || (is_word(u) && !u->e && !praise))
            return false;
        thanked |= !praise && v > 0 && has(u, RM_LEX_THANKS);
        praise |= v > 0;
        words += is_word(u) ? u->ntok : 0;
    }
    return praise && words <= VERDICT_WORDS + (thanked ? 2 : 0);
}

/* A review form's field: a polar word opening its sentence, right before a colon ("Cons:",
 * "Недостатки:", "Disliked:", "Плюсы:"), names what follows. Filled with a refusal only
 * ("Недостатки: нет", "Disliked: Nothing.", "Cons: none really") it says the field is empty:
 * no drawbacks is praise, no merits a complaint. The header's valence is negated and the
 * refusal counts nothing of its own; a field with content keeps both. */
static void empty_fields(ctx *c)
{
    for (size_t h = 0; h + 1 < c->n; h++) {
        size_t f = h + 2;
        bool refusal = false, other = false;
        if (!header(c, h))
            continue;
        /* the field runs to the next header or its sentence's end ("Недостатки: не нашла
         * Комментарий: ...", the fields of a marketplace form run together in one line) */
        while (f < c->n && c->u[f].sent == c->u[h].sent && !(is_word(&c->u[f]) && f + 1 < c->n &&
                                                            colon(c, &c->u[f + 1])))
            f++;
        for (size_t j = h + 2; j < f; j++) {
            const unit *u = &c->u[j];
            if (!is_word(u))
                continue;
            if (has(u, RM_LEX_NEG) && !privative(u))
                refusal = true;
            else if (!u->e || u->e->valence != 0.0f || u->e->boost <= 0.0f)
                other = true; /* "really", "вообще" may stand with the refusal */
        }
        if (refusal && !other) {
            unit *u = &c->u[h];
            u->v *= u->v > 0 ? NEG_POS : NEG_NEG;
            u->negated = true;
            for (size_t j = h + 2; j < f; j++)
                c->u[j].v = 0;
        }
    }
}

/* A face, emoji, interjection or polar hashtag is a reaction; links, mentions, neutral tags and
 * punctuation may follow it. */
static bool is_reaction(const unit *u)
{
    return u->v != 0.0 && (u->kind == RM_TOK_EMOTICON || u->kind == RM_TOK_EMOJI ||
                           has(u, RM_LEX_INTERJ) || (u->tflags & RM_TOK_HASHTAG));
}

static bool trails(const unit *u)
{
    return u->v == 0.0 && (u->kind == RM_TOK_PUNCT || u->kind == RM_TOK_URL ||
                           u->kind == RM_TOK_MENTION || u->kind == RM_TOK_SYM ||
                           (u->tflags & RM_TOK_HASHTAG));
}

/* Where a sentence's closing verdict may start: its last clause, set off by a comma
 * ("Delayed again, thanks Southern"), or the run of reactions that ends it ("hung up on me
 * 👏👏"); SIZE_MAX if neither. */
static size_t verdict_tail(const ctx *c, size_t b, size_t e)
{
    size_t t = e;
    bool reaction = false;

    while (t > b && (is_reaction(&c->u[t - 1]) || trails(&c->u[t - 1])))
        reaction |= is_reaction(&c->u[--t]);
    if (reaction && t > b && is_word(&c->u[t - 1]))
        return t; /* not a closing "." alone: "You ruined my dinner, really appreciate it." */
    t = e - 1;
    while (t > b && c->u[t - 1].clause == c->u[e - 1].clause)
        t--;
    if (t > b && comma(c, &c->u[t - 1]))
        return t;
    return SIZE_MAX;
}

/* Turn the praise of the verdict [b, e) if what comes before it, [pb, b), complains (sums to
 * VERDICT_AFTER or less) and praises nothing. */
static bool verdict_after(ctx *c, size_t pb, size_t b, size_t e)
{
    bool praise, irony = false, excl = false, thanks = false, addressed = false;

    if (!bare_verdict(c, b, e) || weighted_sum(c, pb, b, &praise) > VERDICT_AFTER || praise)
        return false;
    for (size_t j = b; j < e; j++) {
        const unit *u = &c->u[j];
        irony |= u->v > 0 && has(u, RM_LEX_IRONY);
        excl |= u->kind == RM_TOK_PUNCT && c->toks->v[u->tok].n_excl;
        addressed |= thanks && (is_word(u) || u->kind == RM_TOK_MENTION);
        thanks |= u->v > 0 && has(u, RM_LEX_THANKS);
    }
    /* thanks alone is a polite close ("...blocked it within minutes. Thanks"), and with "!"
     * it is meant ("...turned my week around. Thank you, Daniel!!"); thanks to someone after
     * a complaint is not ("Thanks, Netflix.", "thanks a lot", "Спасибо, не надо") */
    if (!irony && (excl || !addressed))
        return false;
    for (size_t j = b; j < e; j++)
        if (c->u[j].v > 0)
            turn(c, &c->u[j], "irony:");
    return true;
}

/* A bare verdict right after a sentence that complains and praises nothing is irony: "Forgot
 * my phone at home. Great.", "my car won't start. perfect timing", "Опять нет связи. Супер!",
 * "Flight cancelled. Thanks @united". So is one closing the complaint's own sentence after a
 * comma or as its last reactions: "Delayed again, thanks Southern", "on hold for two hours
 * 👏👏". Praise after a problem told as solved is not: the sentence before it praises
 * ("Поменяли брак без вопросов. Отлично."). The verdict's praise turns, x IRONY. */
static void ironic_verdict(ctx *c)
{
    size_t b = 0, prev_b = SIZE_MAX;

    while (b < c->n) {
        size_t e = sentence_end(c, b), t = verdict_tail(c, b, e);
        int words = 0;
        bool polar_word = false;
        if (!(prev_b != SIZE_MAX && verdict_after(c, prev_b, b, e)) && t != SIZE_MAX)
            verdict_after(c, b, t, e);
        for (size_t j = b; j < e; j++)
            if (is_word(&c->u[j])) {
                words++;
                polar_word |= c->u[j].v != 0.0;
            }
        /* a short plain fragment adds to the sentence before: "can't sleep. work at 6.
         * brilliant" */
        if (words > 0 && (prev_b == SIZE_MAX || polar_word || words > FRAGMENT_WORDS))
            prev_b = b;
        b = e;
    }
}

/* A reaction that may applaud in irony (lexicon option `irony` on an emoji: 👏). */
static bool ironic_reaction(const unit *u)
{
    return !is_word(u) && u->v > 0 && has(u, RM_LEX_IRONY);
}

/* From j to e, up to a contrast word: is there a complaint (-PRIV_MIN or less), and praise
 * (praises(), not counting 👏, which applauds the irony as readily)? */
static bool complaint_after(const ctx *c, size_t j, size_t e, bool *praise)
{
    bool complaint = false;

    *praise = false;
    for (; j < e; j++) {
        if (is_word(&c->u[j]) && (but_word(c, &c->u[j]) || has(&c->u[j], RM_LEX_ALTHOUGH)))
            break;
        complaint |= c->u[j].v <= -PRIV_MIN;
        *praise |= praises(&c->u[j], c->u[j].v) && !ironic_reaction(&c->u[j]);
    }
    return complaint;
}

/* Praise at i turns, x IRONY, and with it the 👏 after it in its sentence: "Чудесная
 * доставка: коробка мятая 👏". */
static void turn_with_claps(ctx *c, size_t i, const char *why)
{
    turn(c, &c->u[i], why);
    for (size_t j = i + 1; j < c->n && c->u[j].sent == c->u[i].sent; j++)
        if (ironic_reaction(&c->u[j]))
            turn(c, &c->u[j], why);
}

/* Praise that names its subject before a colon, then only complains: "Шикарная работа Почты
 * России: коробку как будто слон топтал", "Great service: 40 minutes in a queue to be told the
 * parcel has not come". Up to OPENER_WORDS plain words or mentions may stand between the praise
 * and the colon; after it, a complaint and no praise before any contrast word ("Отличный
 * товар: не линяет, не садится" denies complaints, and so praises). */
static bool colon_turns(const ctx *c, size_t w, size_t e)
{
    size_t m = w + 1, words = 0;
    bool praise;

    while (m < e && words <= OPENER_WORDS && !colon(c, &c->u[m])) {
        if (c->u[m].v != 0.0 || (!is_word(&c->u[m]) && c->u[m].kind != RM_TOK_MENTION))
            return false;
        words += is_word(&c->u[m]) ? c->u[m].ntok : 0;
        m++;
    }
    if (m >= e || words > OPENER_WORDS || !colon(c, &c->u[m]))
        return false;
    return complaint_after(c, m + 1, e, &praise) && !praise;
}

/* A word that only scales the next one ("просто", "really", "truly"). */
static bool intensifier(const unit *u)
{
    return u->e && u->e->valence == 0.0f && u->e->boost > 1.0f;
}

/* Does the opener at w turn: set off by a comma (past mentions; a `lead` phrase needs none, a
 * `lead` word a comma and a conjunction), followed by "another" (or a later "again",
 * "опять") and no praise after it, or
 * (unless repeat_only) by a complaint before any contrast word; or,
 * unless repeat_only, does a colon after its subject turn it (colon_turns())? */
static bool opener_turns(ctx *c, size_t w, size_t e, bool repeat_only)
{
    static const char *const again[] = {"another", "очередной", "очередная", "очередное",
                                        "очередные"};
    static const char *const conj[] = {"когда", "как", "что"};
    static const char *const anew[] = {"again", "опять", "снова"};
    size_t m = w + 1;
    bool complaint, praise, repeat;

    while (m < e && c->u[m].kind == RM_TOK_MENTION)
        m++; /* "great job @Verizon," */
    if (has(&c->u[w], RM_LEX_LEAD)) { /* "Love how the app gets worse" */
        if (c->u[w].ntok == 1) { /* "Обожаю, когда...": the conjunction after a comma */
            if (m + 1 >= e || !comma(c, &c->u[m]) || !is_word(&c->u[m + 1]) ||
                !ONE_OF(norm_of(c, &c->u[m + 1]), conj))
                return false;
        }
        complaint = complaint_after(c, m, e, &praise);
        return !repeat_only && c->u[w].v > 0 && complaint && !praise;
    }
    if (m + 1 < e && c->u[w].v > 0 && !repeat_only && !comma(c, &c->u[m]))
        return colon_turns(c, w, e);
    if (m + 1 >= e || c->u[w].v <= 0 || !comma(c, &c->u[m]))
        return false;
    repeat = is_word(&c->u[m + 1]) && c->u[m + 1].ntok == 1 &&
             ONE_OF(norm_of(c, &c->u[m + 1]), again);
    /* "oh great, ... AGAIN", "Супер, опять..."; "again" closing its clause, not "see you
     * again soon" */
    for (size_t j = m + 1; j < e && !repeat; j++)
        repeat = is_word(&c->u[j]) && c->u[j].ntok == 1 && ONE_OF(norm_of(c, &c->u[j]), anew) &&
                 (strcmp(norm_of(c, &c->u[j]), "again") || last_word_of_clause(c, j));
    complaint = complaint_after(c, m + 1, e, &praise);
    /* "another" with praise after it is none: "Great, another reason to love it" */
    return (repeat && !praise) || (complaint && !repeat_only);
}

/* A sentence that opens with praise the lexicon marks `irony`, set off by a comma (after any
 * mentions: "great job @Verizon,"), and complains later with no contrast word between is
 * irony: "Great, another charger that only works at one angle", "Супер, опять списали деньги";
 * "another" right after the comma is enough, and so is "again" closing a clause or "опять",
 * "снова" anywhere after it ("Oh great, another gritty reboot", "oh great, facebook changed
 * the layout AGAIN"; then a praising interjection or any praise word opens too: "Yay, another
 * group project", "Oh good, another 10-episode show"); so is a colon after the praise's
 * subject (colon_turns()).
 * "Great, it fits" stays praise (nothing complains), and so does "Great product, but the
 * strap broke" (no comma after the praise, and a contrast). Praise of the clause after it
 * (lexicon option `lead`: "love how", "обожаю, когда") needs no comma: "Love how the zipper
 * broke". The opener's praise turns, x IRONY. Read before the ironic verdict, so that a bare
 * verdict after a sentence turned here is irony too ("...got delayed. awesome airline"). */
static void ironic_opener(ctx *c)
{
    size_t b = 0;

    while (b < c->n) {
        size_t e = sentence_end(c, b), f = SIZE_MAX, w = SIZE_MAX;
        for (size_t j = b; j < e && w == SIZE_MAX; j++)
            if (is_word(&c->u[j])) {
                f = f == SIZE_MAX ? j : f;
                if (!has(&c->u[j], RM_LEX_INTERJ) && !intensifier(&c->u[j]))
                    w = j; /* past "oh", "ну", "просто"; not past "a": "A wonderful, ghastly
                            * film" */
            }
        if (w != SIZE_MAX && has(&c->u[w], RM_LEX_IRONY | RM_LEX_LEAD) &&
            opener_turns(c, w, e, false))
            f = w;
        else if (w != SIZE_MAX && opener_turns(c, w, e, true))
            f = w; /* any praise before "another": "Oh good, another 10-episode show" */
        else if (f == SIZE_MAX || f == w || !opener_turns(c, f, e, true))
            f = SIZE_MAX; /* a praising interjection only before "another": "Yay, another..." */
        if (f != SIZE_MAX)
            turn_with_claps(c, f, "irony:");
        b = e;
    }
}

/* Is token k a time that an infinitive may follow: "day", "time", "weather"? Not "way": a
 * way to handle a problem names the problem ("a nice way to handle popups"). */
static bool time_noun(const ctx *c, size_t k)
{
    static const char *const nouns[] = {"day",     "time",   "night",   "morning", "evening",
                                        "weekend", "week",   "weather", "moment",  "start",
                                        "timing",  "день",   "время",   "утро",    "вечер",
                                        "начало",  "погода", "момент"};
    return tok_one_of(c, k, nouns, RM_ARRAY_LEN(nouns));
}

/* "Oh sure," or "yeah sure," opening a sentence grants what the sentence then praises only
 * to mock it: "Oh sure, I'd LOVE to cover your shift for the third time this week", "yeah
 * sure, i LOVE spending my saturday doing laundry". The praise after the comma turns, x
 * IRONY, and "sure" counts nothing. A contrast word in the sentence makes it a concession
 * ("Oh sure, it's pricey, but..."), and a "!" an eager yes ("Oh sure, I'd love to help!"):
 * both are left alone. "Sure," alone is as often a concession whose "but" comes in the next
 * sentence ("Sure, it's all well and good for them...") and is left alone too. */
static void sarcastic_sure(ctx *c)
{
    static const char *const scoff[] = {"oh", "yeah", "ah"};
    size_t b = 0;

    while (b < c->n) {
        size_t e = sentence_end(c, b), w = b;
        bool plain = true;
        while (w < e && !is_word(&c->u[w]))
            w++;
        if (w >= e || c->u[w].ntok != 1 || !ONE_OF(norm_of(c, &c->u[w]), scoff)) {
            b = e;
            continue;
        }
        w += w + 1 < e && comma(c, &c->u[w + 1]) ? 2 : 1; /* "yeah, sure," */
        if (w + 1 >= e || c->u[w].ntok != 1 || !tok_is(c, c->u[w].tok, "sure") ||
            !comma(c, &c->u[w + 1])) {
            b = e;
            continue;
        }
        for (size_t j = w; j < e && plain; j++) {
            const unit *u = &c->u[j];
            plain = !(is_word(u) && (but_word(c, u) || has(u, RM_LEX_ALTHOUGH))) &&
                    !(u->kind == RM_TOK_PUNCT && c->toks->v[u->tok].n_excl);
        }
        for (size_t j = w + 2; plain && j < e; j++)
            if (c->u[j].v > 0)
                turn(c, &c->u[j], "irony:");
        if (plain)
            c->u[w].v = 0;
        b = e;
    }
}

/* Is token k a whole hashtag that says its post is sarcastic: "#sarcasm", "#not", "#сарказм"
 * (not the first word of "#NotMyJob")? */
static bool sarcasm_tag(const ctx *c, size_t k)
{
    static const char *const tags[] = {"sarcasm", "sarcastic", "not",      "irony",
                                       "сарказм", "ирония",    "сарказмом"};
    const rm_token *t = &c->toks->v[k];

    return (t->flags & RM_TOK_HASHTAG) && c->text[t->start] == '#' &&
           tok_one_of(c, k, tags, RM_ARRAY_LEN(tags)) &&
           !(k + 1 < c->toks->n && c->toks->v[k + 1].start == t->end &&
             (c->toks->v[k + 1].flags & RM_TOK_HASHTAG));
}

/* A post its writer tags as sarcastic means none of its praise: "Love working weekends #not",
 * "Oh great, another group project. Love it. #sarcasm". Every praise turns, x IRONY, and the
 * tag counts nothing itself; after a negator it tags nothing. */
static void tagged_sarcasm(ctx *c)
{
    bool tagged = false;

    for (size_t i = 0; i < c->n; i++)
        if (is_word(&c->u[i]) && c->u[i].ntok == 1 && sarcasm_tag(c, c->u[i].tok)) {
            c->u[i].v = 0; /* denied, it tags nothing: "not #sarcasm but I loved it" */
            tagged |= !(i > 0 && is_word(&c->u[i - 1]) && has(&c->u[i - 1], RM_LEX_NEG));
        }
    for (size_t i = 0; tagged && i < c->n; i++)
        if (c->u[i].v > 0)
            turn(c, &c->u[i], "sarcasm:");
}

/* Praise of a time for doing something that complains is irony: "what a beautiful day to have
 * my car towed", "Great time for my phone to die", "Perfect weather to be stuck inside with the
 * flu", "Отличный день, чтобы сломать ногу". The praise ("great day" as one term, or "great"
 * with the time after it) is followed by "to", "for" or ", чтобы"; the rest of the sentence,
 * up to a contrast word, complains and praises nothing. The praise turns, x IRONY. "What a
 * great time to be alive", "Perfect day to go to the beach" stay praise. */
static void ironic_time(ctx *c)
{
    static const char *const to[] = {"to", "for", "чтобы"};

    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        size_t k = u->tok + u->ntok, e;
        bool praise;
        if (!is_word(u) || u->v < PRIV_MIN)
            continue;
        if (!time_noun(c, k - 1)) {
            if (!time_noun(c, k))
                continue;
            k++; /* "a beautiful day to" */
        }
        if (comma_tok(c, k))
            k++; /* "Отличный день, чтобы" */
        if (!tok_one_of(c, k, to, RM_ARRAY_LEN(to)))
            continue;
        e = sentence_end(c, i);
        for (size_t j = i + 1; j < e; j++)
            if (c->u[j].tok > k) {
                if (complaint_after(c, j, e, &praise) && !praise)
                    turn(c, u, "irony:");
                break;
            }
    }
}

/* Praise on a condition that names a complaint is irony: "Отличный телефон, если любите
 * перезагружать его три раза в день", "Great hotel if you enjoy cockroaches". After the
 * praise comes "если" or "if you" (English "if" alone may ask: "can't decide if I loved it"),
 * at most two function words ("вы", "you"), a word of positive valence, the liking ("любите",
 * "мечтали", "enjoy"), then words that complain (VERDICT_AFTER or less) and praise nothing.
 * The liking is no one's and counts nothing, complaint or not ("особенно если любите
 * пластыри"); the praise before "if" turns, x IRONY. "Great phone if you like big screens"
 * stays praise: what is liked is no complaint. */
static void conditional_praise(ctx *c)
{
    static const char *const if_words[] = {"if", "если"};
    const size_t n_if = RM_ARRAY_LEN(if_words);

    for (size_t b = 0, e; b < c->n; b = e) {
        size_t i = b, like = SIZE_MAX;
        bool praise = false, rest_praise = false, you;
        e = sentence_end(c, b);
        while (i < e && !(is_word(&c->u[i]) && tok_one_of(c, c->u[i].tok, if_words, n_if)))
            i++;
        if (i == e)
            continue;
        for (size_t j = b; j < i; j++)
            praise |= c->u[j].v >= PRIV_MIN;
        if (c->u[i].ntok > 1) /* the phrase "if you like" */
            like = tok_is(c, c->u[i].tok + c->u[i].ntok - 1, "like") ? i : SIZE_MAX;
        you = !tok_is(c, c->u[i].tok, "if");
        for (size_t j = i + 1, d = 0; c->u[i].ntok == 1 && j < e && d <= 2; j++) {
            const unit *u = &c->u[j];
            you |= tok_is(c, u->tok, "you");
            if (!is_word(u))
                continue;
            if (!polar(u) && has(u, RM_LEX_FUNC)) {
                d++;
                continue;
            }
            like = u->e && u->e->valence > 0 && you ? j : SIZE_MAX;
            break;
        }
        if (like == SIZE_MAX)
            continue;
        c->u[like].v = 0;
        if (!praise || weighted_sum(c, like + 1, e, &rest_praise) > VERDICT_AFTER || rest_praise)
            continue;
        for (size_t j = b; j < i; j++)
            if (c->u[j].v > 0)
                turn(c, &c->u[j], "irony:");
    }
}

/* Praise offered as a consolation is a letdown: "Ну хоть попкорн был вкусный", "Хотя бы
 * упаковка целая". "ну хоть" or "хотя бы" opening its clause turns the praise of that clause,
 * x IRONY (evidence "consolation: вкусный"). English "at least" and a bare "хоть" look on the
 * bright side as often ("at least I won", "хоть кто-то заботится )"): left alone. */
static void consolation(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const unit *u = &c->u[i];
        size_t t = u->tok;
        if (!is_word(u) || prev_word(c, i) ||
            !((tok_is(c, t, "ну") && tok_is(c, t + 1, "хоть")) ||
              (tok_is(c, t, "хотя") && tok_is(c, t + 1, "бы"))))
            continue;
        for (size_t j = i + 1; j < c->n && c->u[j].clause == c->u[i + 1].clause; j++)
            if (c->u[j].v > 0) /* the clause of "хоть", a contrast word, or of "бы" */
                turn(c, &c->u[j], "consolation:");
    }
}

/* Does the relief at token t open a sentence: "thankfully", "luckily", "fortunately", "good
 * thing", "хорошо(,) что", "к счастью", "слава богу"? */
static bool relief_at(const ctx *c, size_t t)
{
    static const char *const one[] = {"thankfully", "luckily", "fortunately"};

    return tok_one_of(c, t, one, RM_ARRAY_LEN(one)) ||
           (tok_is(c, t, "good") && tok_is(c, t + 1, "thing")) ||
           (tok_is(c, t, "хорошо") && (tok_is(c, t + 1, "что") ||
                                       (comma_tok(c, t + 1) && tok_is(c, t + 2, "что")))) ||
           (tok_is(c, t, "к") && tok_is(c, t + 1, "счастью")) ||
           (tok_is(c, t, "слава") && tok_is(c, t + 1, "богу"));
}

/* Relief after a mishap is no praise: "Fell apart at the seam. Thankfully I was at home",
 * "Пауэрбанк вздулся через месяц. Хорошо что дома заметил". A relief opening a sentence after
 * one that complains (its valence below 0) tells of the worse that did not happen: the praise
 * of its sentence counts nothing. After no complaint it praises ("Thankfully it fits!"). */
static void relief(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t b, e;
        if (!is_word(&c->u[i]) || !opens_sentence(c, i) || c->u[i].sent == 0 ||
            !relief_at(c, c->u[i].tok))
            continue;
        for (b = i; b > 0 && c->u[b - 1].sent + 1 >= c->u[i].sent;)
            b--; /* the sentence before starts at b */
        if (span_valence(c, b, i) >= 0)
            continue;
        e = sentence_end(c, i);
        for (size_t j = i; j < e; j++)
            if (c->u[j].v > 0)
                c->u[j].v = 0;
        i = e - 1;
    }
}

/* Praise right before a strong complaint only sizes it or mocks it: "a great loss", "Great
 * waste of money", "Nice bait and switch", "Lovely scam". A word of praise that may be ironic
 * (`irony`) directly before a word of -1.5 or less in its clause counts nothing; the
 * complaint speaks. */
static void sizing_praise(ctx *c)
{
    for (size_t i = 0; i + 1 < c->n; i++) {
        unit *u = &c->u[i];
        const unit *n = &c->u[i + 1];
        if (u->v > 0 && is_word(u) && has(u, RM_LEX_IRONY) && is_word(n) &&
            n->tok == u->tok + u->ntok && n->clause == u->clause && n->v <= -SIZED_MIN)
            u->v = 0;
    }
}

/* Does unit k open scare quotes: a quote mark, then at most SCARE_WORDS words, the first in
 * lower case (a capitalised one is a title: the "Best Employee" award), then a quote mark in
 * the same clause? "thanks for the 'feedback'", "спасибо за «бесплатный» период". The
 * closing quote mark, or SIZE_MAX. */
static size_t scare_quotes_at(const ctx *c, size_t k)
{
    size_t words = 0;

    if (c->u[k].kind != RM_TOK_SYM || !is_quote(c, c->u[k].tok) || k + 1 >= c->n ||
        !is_word(&c->u[k + 1]) || (c->u[k + 1].tflags & (RM_TOK_UPPER1 | RM_TOK_CAPS)))
        return SIZE_MAX;
    for (size_t j = k + 1; j < c->n && c->u[j].clause == c->u[k].clause; j++) {
        if (c->u[j].kind == RM_TOK_SYM && is_quote(c, c->u[j].tok))
            return j;
        if (is_word(&c->u[j]) && (words += c->u[j].ntok) > SCARE_WORDS)
            return SIZE_MAX;
    }
    return SIZE_MAX;
}

/* Thanks for a complaint is irony: "Thanks @AmericanAir for losing my bag", "thanks for the
 * bed bugs", "Спасибо МТС за списанные деньги". After the thanks word (and any mentions or
 * names the lexicon does not know, set off by commas or not) comes "for" or "за", and the
 * first word after it past function words and numbers (and a plain word after a number: "the 4
 * hour outage") is a complaint of -1.0 or less. "Thanks for fixing my broken screen", "thank
 * you for working in that mess" and "thanks for not charging me" thank: what is first named is
 * a favour or a plain word. Thanks for something in scare quotes ("thanks for the 'feedback'")
 * is irony too. The thanks turns, x IRONY. Read before the ironic verdict, so that
 * turned thanks is no praise there: "Thanks for ruining my dinner, really appreciate it". */
static void ironic_thanks(ctx *c)
{
    static const char *const for_words[] = {"for", "за"};

    for (size_t i = 0; i < c->n; i++) {
        unit *t = &c->u[i];
        size_t j = i + 1, close;
        bool praise, num = false;
        if (!has(t, RM_LEX_THANKS) || t->v <= 0)
            continue;
        while (j < c->n && (c->u[j].kind == RM_TOK_MENTION || comma(c, &c->u[j]) ||
                            (is_word(&c->u[j]) && !c->u[j].e &&
                             !ONE_OF(norm_of(c, &c->u[j]), for_words))))
            j++; /* "Thanks @united for", "Спасибо, МТС, за" */
        if (j >= c->n || !is_word(&c->u[j]) || !ONE_OF(norm_of(c, &c->u[j]), for_words))
            continue;
        for (size_t k = j + 1; k < c->n && c->u[k].clause == c->u[j].clause; k++) {
            const unit *o = &c->u[k];
            if (o->v == 0.0 && (o->kind == RM_TOK_NUM || (is_word(o) && has(o, RM_LEX_FUNC)))) {
                num = o->kind == RM_TOK_NUM;
                continue; /* "for the", "за эти" */
            }
            if (num && is_word(o) && !o->e) {
                num = false;
                continue; /* the unit of a number: "for the 4 hour outage" */
            }
            if ((close = scare_quotes_at(c, k)) != SIZE_MAX) { /* "for the 'feedback'" */
                turn(c, t, "irony:");
                for (size_t q = k + 1; q < close; q++)
                    if (c->u[q].v > 0)
                        turn(c, &c->u[q], "irony:"); /* "for the 'hot and fresh' pizza" */
            } else if (o->v <= -PRIV_MIN) {
                turn(c, t, "irony:");
            } else if (o->v >= PRIV_MIN && has(o, RM_LEX_IRONY) &&
                       complaint_after(c, k + 1, sentence_end(c, k), &praise) && !praise) {
                turn(c, t, "irony:"); /* "Спасибо за прекрасную связь, одна палка" */
                turn_with_claps(c, k, "irony:");
            }
            break;
        }
    }
}

/* Thanks that decline: "Спасибо, не надо", "спасибо, не нужно", "No, thanks". The thanks word
 * right after "no" and a comma, or before a comma and "не надо"/"не нужно" closing the
 * sentence, turns, x IRONY (the phrases without the comma, "no thanks", "спасибо не надо",
 * are lexicon entries; phrases do not match across punctuation). */
static void declining_thanks(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        unit *u = &c->u[i];
        size_t k = u->tok + u->ntok, b = u->tok;
        if (u->v <= 0 || !has(u, RM_LEX_THANKS))
            continue;
        if (comma_tok(c, k) && tok_is(c, k + 1, "не") &&
            (tok_is(c, k + 2, "надо") || tok_is(c, k + 2, "нужно")) &&
            (k + 3 >= c->toks->n || c->toks->v[k + 3].kind != RM_TOK_WORD))
            turn(c, u, "declined:"); /* not "Спасибо, не нужно было": you shouldn't have */
        else if (b >= 2 && comma_tok(c, b - 1) && tok_is(c, b - 2, "no"))
            turn(c, u, "declined:");
    }
}

/* Do only punctuation and reactions follow unit i in its sentence? */
static bool ends_sentence(const ctx *c, size_t i)
{
    for (size_t j = i + 1; j < c->n && c->u[j].sent == c->u[i].sent; j++)
        if (!trails(&c->u[j]) && !is_reaction(&c->u[j]))
            return false;
    return true;
}

/* A reaction that mocks (lexicon option `mocks`: 🙃, 🙄, 😒) turns the praise of its sentence
 * before it: "Love how @Spirit charges me for the air I breathe 🙃", "МТС ТВ отключилось
 * посреди финала. Благодарю, очень вовремя 🙃". So do words that mock what they follow,
 * ending their sentence after a comma ("Работа мечты, говорили они", "Easy setup, they said")
 * or after a short phrase ("Lifetime access they said.", at most VERDICT_WORDS words). Praise
 * of at least PRIV_MIN turns, x IRONY. */
static bool mocks_at(const ctx *c, size_t i)
{
    if (!has(&c->u[i], RM_LEX_MOCKS))
        return false;
    if (!is_word(&c->u[i]))
        return true; /* 🙃 */
    /* not "Great food, they said we could sit anywhere", "the agent they said would call":
     * those report */
    if (i == 0)
        return false;
    int before = words_before(c, i, VERDICT_WORDS + 1);
    if (!comma(c, &c->u[i - 1]) && (before == 0 || before > VERDICT_WORDS))
        return false;
    return ends_sentence(c, i);
}

/* A mocking phrase counts its own valence ("говорили они" -1) only where it mocks; a `bare`
 * one ("ага") has its own place rule. */
static void mocked(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!mocks_at(c, i)) {
            if (is_word(&c->u[i]) && has(&c->u[i], RM_LEX_MOCKS) && !has(&c->u[i], RM_LEX_BARE))
                c->u[i].v = 0;
            continue;
        }
        for (size_t j = i; j-- > 0 && c->u[j].sent == c->u[i].sent;)
            if (c->u[j].v >= PRIV_MIN)
                turn(c, &c->u[j], "mocked:");
    }
}

/* ---- praise on a condition ---- */

/* A condition (lexicon option `limits`: "when it works", "когда работает") closing its clause
 * says the praise before it holds only some of the time: "Great app when it works", "The game
 * is fun when it works. Which is about 40% of the time." The praise of at least PRIV_MIN before
 * it in its sentence, back to a contrast word, turns (x IRONY); a condition that is its whole
 * sentence turns the praise of the sentence before ("Vacuum is great... when it works."). One
 * with no praise before it that the sentence goes on after is the condition of what follows,
 * and counts nothing: "but when it works, nothing else comes close". */
static void limited(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        uint32_t s = c->u[i].sent;
        bool turned = false;
        if (!has(&c->u[i], RM_LEX_LIMITS) || !last_word_of_clause(c, i))
            continue;
        if (opens_sentence(c, i) && ends_sentence(c, i)) {
            if (s == 0)
                continue;
            s--;
        }
        for (size_t j = i; j-- > 0 && c->u[j].sent >= s && !but_word(c, &c->u[j]);)
            if (c->u[j].v >= PRIV_MIN) {
                turn(c, &c->u[j], "limited:");
                turned = true;
            }
        if (!turned && !ends_sentence(c, i))
            c->u[i].v = 0;
    }
}

/* ---- what would have been ---- */

/* Is unit j unreal already: denied by an unreal negator, or a term that holds "бы" ("бы не
 * справилась" is an entry of its own)? */
static bool unreal_already(const ctx *c, size_t j)
{
    const unit *u = &c->u[j];

    for (size_t t = u->tok; t < u->tok + u->ntok; t++)
        if (token_flags(c, t) & RM_LEX_IRR)
            return true;
    if (!u->negated)
        return false;
    for (size_t k = j; k-- > 0 && c->u[k].clause == u->clause;)
        if (has(&c->u[k], RM_LEX_NEG))
            return has(&c->u[k], RM_LEX_IRR); /* "would have been", not "бы не успели" */
    return false;
}

/* "Всё было бы отлично, если бы не грязь в номере", "Would be a great hotel if it weren't for
 * the noise", "Если бы не доставка, поставила бы 5": the condition (lexicon option `unreal`)
 * names what happened and keeps its sign (its "не" denies nothing); the praise of the
 * consequence, which did not happen, turns (x IRONY, evidence "unreal: отличный") unless it is
 * unreal already. A complaint there stays: "if not for the cast it would be a total loss" still
 * blames (critics write so; turning it lost a movie row). The consequence is the words before
 * the condition back to the start of the clause before its own, or, when the condition opens
 * its sentence, the clause after its own. */
static void unreal(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t b, e;
        if (!has(&c->u[i], RM_LEX_UNREAL))
            continue;
        if (opens_sentence(c, i)) {
            for (b = i; b < c->n && c->u[b].clause == c->u[i].clause;)
                b++;
            for (e = b; e < c->n && c->u[e].clause == c->u[b].clause;)
                e++;
            if (b >= c->n || c->u[b].sent != c->u[i].sent)
                continue;
        } else {
            uint32_t from = c->u[i].clause;
            if (i > 0 && c->u[i - 1].clause != from)
                from = c->u[i - 1].clause; /* the condition opens its clause */
            for (b = i; b > 0 && c->u[b - 1].clause >= from;)
                b--;
            e = i;
        }
        for (size_t j = b; j < e; j++)
            if (c->u[j].v > 0 && !unreal_already(c, j))
                turn(c, &c->u[j], "unreal:");
    }
}

/* ---- the closing reaction ---- */

/* Reactions that close a post after some text are the writer's verdict on all of it: "Making
 * a mess of the kitchen :)", "Home from the parties, off to wrap. Ugh!". */
static void closing(ctx *c)
{
    size_t j = c->n, end;

    while (j > 0 && trails(&c->u[j - 1]))
        j--;
    end = j;
    while (j > 0 && (is_reaction(&c->u[j - 1]) || trails(&c->u[j - 1])))
        j--;
    if (j == 0 || j == end)
        return;
    for (size_t k = j; k < end; k++)
        if (is_reaction(&c->u[k]))
            c->u[k].w *= CLOSING;
}

/* ---- neither one nor the other ---- */

/* A short sentence that denies both a praise and a complaint, and says nothing else polar, is
 * the writer weighing the thing as middling: "Not bad, not great.", "Not amazing, not
 * terrible", "Не ужас, но и не вау", "not faster, not slower". Its denials count x NEITHER.
 * A longer one denies two things ("it isn't exactly quality cinema, but it isn't nearly as
 * terrible as it could have been"). */
static void neither_nor(ctx *c)
{
    size_t b = 0;

    while (b < c->n) {
        size_t e = sentence_end(c, b);
        bool praise = false, complaint = false, other = false; /* denied; not denied */
        size_t words = 0;
        for (size_t j = b; j < e; j++) {
            const unit *u = &c->u[j];
            words += is_word(u) ? u->ntok : 0;
            if (u->v != 0.0 && (u->negated || u->has_neg)) {
                complaint |= u->v > 0;
                praise |= u->v < 0;
            } else {
                other |= u->v != 0.0;
            }
        }
        /* not "isn't exactly quality cinema, but it isn't nearly as terrible", a long sentence */
        bool balanced = praise && complaint && !other && words <= NEITHER_WORDS;
        for (size_t j = b; balanced && j < e; j++)
            if (c->u[j].v != 0.0 && (c->u[j].negated || c->u[j].has_neg))
                c->u[j].w *= NEITHER;
        b = e;
    }
}

/* ---- the middling mark ---- */

/* A middling mark and no other is the writer's own verdict: the thing is so-so, whatever its
 * good and bad points ("Good idea, needs polish. 3 stars.", "Итог — 3 звезды"); so is a phrase
 * that says the good and bad even out (`middling`: "Good sound, but the app is clunky. Evens
 * out I guess.", "так на так"). The rest of the text counts x MID_MARK_REST, so only
 * overwhelming praise or complaint still tips it. */
static void middling_mark(ctx *c)
{
    if (!c->mid_marks || c->other_marks)
        return;
    for (size_t i = 0; i < c->n; i++)
        c->u[i].w *= MID_MARK_REST;
}

/* ---- results ---- */

static const char *evidence_term(ctx *c, const unit *u)
{
    if (u->term)
        return u->term;
    if (!u->negated)
        return u->e->term;
    if (u->neg_term)
        return u->neg_post ? join_terms(c, u->e->term, u->neg_term)
                           : join_terms(c, u->neg_term, u->e->term);
    return join_terms(c, u->e->lang == RM_LANG_RU ? "не" : "not", u->e->term);
}

static void collect_evidence(ctx *c, rm_senti_result *out)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        n += c->u[i].v * c->u[i].w != 0.0;
    out->ev = rm_arena_alloc(c->a, (n ? n : 1) * sizeof(*out->ev));
    out->n_ev = 0;
    for (size_t i = 0; i < c->n; i++) {
        const unit *u = &c->u[i];
        rm_evidence *ev;
        if (u->v * u->w == 0.0)
            continue;
        ev = &out->ev[out->n_ev++];
        ev->start = c->toks->v[u->tok].start;
        ev->end = c->toks->v[u->tok + u->span_ntok - 1].end;
        ev->valence = u->v * u->w;
        ev->term = evidence_term(c, u);
    }
}

static void collect_clauses(ctx *c, rm_senti_result *out)
{
    out->n_clauses = c->n_clause;
    out->clauses = rm_arena_calloc(c->a, c->n_clause ? c->n_clause : 1, sizeof(*out->clauses));
    out->tok_clause = rm_arena_alloc(c->a, (c->toks->n ? c->toks->n : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < c->n; i++) {
        const unit *u = &c->u[i];
        rm_senti_clause *cl = &out->clauses[u->clause];
        const rm_token *first = &c->toks->v[u->tok], *last = &c->toks->v[u->tok + u->ntok - 1];
        for (size_t k = 0; k < u->ntok; k++)
            out->tok_clause[u->tok + k] = u->clause;
        cl->sent = u->sent;
        cl->sum += u->v;
        if (u->kind == RM_TOK_PUNCT)
            continue;
        if (!cl->n_words && cl->end == 0) {
            cl->start = first->start;
            cl->tok_first = u->tok;
        }
        cl->end = last->end;
        cl->tok_end = u->tok + u->ntok;
        cl->n_words += is_word(u) ? (uint32_t)u->ntok : 0;
    }
}

/* A word that makes its question a request for information: an auxiliary or "which" that
 * opens the sentence (`opens`: "Does it fit...?"), a request anywhere ("anyone know",
 * "подскажите"), or a choice ("red or blue?"). A rhetorical question opens with "why", "who" or
 * "how" instead. */
static bool inquiry_word(const unit *u, bool opens)
{
    if (has(u, RM_LEX_OR))
        return true;
    return has(u, RM_LEX_ASK) && (opens || !has(u, RM_LEX_FUNC));
}

static double total(ctx *c, rm_senti_result *out)
{
    double *weighted = rm_arena_calloc(c->a, c->n_sent ? c->n_sent : 1, sizeof(double));
    int *excl = rm_arena_calloc(c->a, c->n_sent ? c->n_sent : 1, sizeof(int));
    int *quest = rm_arena_calloc(c->a, c->n_sent ? c->n_sent : 1, sizeof(int));
    bool *asks = rm_arena_calloc(c->a, c->n_sent ? c->n_sent : 1, sizeof(bool));
    double sum = 0;
    size_t word_sent = SIZE_MAX; /* sentence of the last word seen */
    bool excited = true;

    out->n_sent = c->n_sent;
    out->sent_sum = rm_arena_calloc(c->a, c->n_sent ? c->n_sent : 1, sizeof(double));
    for (size_t i = 0; i < c->n; i++) {
        const unit *u = &c->u[i];
        weighted[u->sent] += u->v * u->w;
        out->sent_sum[u->sent] += u->v;
        if (is_word(u)) {
            if (inquiry_word(u, word_sent != u->sent))
                asks[u->sent] = true;
            word_sent = u->sent;
        }
        if (u->kind == RM_TOK_PUNCT) {
            excl[u->sent] += c->toks->v[u->tok].n_excl;
            quest[u->sent] += c->toks->v[u->tok].n_quest;
        }
    }
    /* "!" in a sentence with nothing polar is excitement ("the new season starts tonight!",
     * "LAKERS IN OT!!!") when nothing in the text complains, asks or is addressed to
     * someone: "Hi! Do the refills come in unscented?", "Я ничего не нажимала!!!" after a
     * complaint, "@mts_russia меняет тарифы с 1 июля!" */
    for (size_t s = 0; s < c->n_sent; s++)
        excited &= weighted[s] >= 0 && !quest[s];
    for (size_t i = 0; i < c->n && excited; i++)
        excited = c->u[i].kind != RM_TOK_MENTION;
    for (size_t s = 0; s < c->n_sent; s++) {
        double w = weighted[s], dir;
        if (quest[s] && !excl[s])
            w *= asks[s] ? INQUIRY : QUESTION;
        dir = w == 0.0 && excited ? 1.0 : sign(w);
        sum += w + dir * EXCL_ADD * RM_MIN(excl[s], EXCL_MAX);
    }
    return sum;
}

void rm_senti_run(const rm_lexicon *lex, const char *text, const rm_tokens *toks,
                  const rm_term_tok *tt, rm_arena *a, rm_senti_result *out)
{
    ctx c = {.lex = lex, .text = text, .toks = toks, .tt = tt, .a = a};

    memset(out, 0, sizeof(*out));
    build_units(&c);
    structure(&c);
    valence(&c);
    change(&c);
    brief_praise(&c);
    pace(&c);
    cannot_enough(&c);
    expectation(&c);
    contrast(&c);
    neither_nor(&c);
    empty_fields(&c);
    ironic_opener(&c);
    sarcastic_sure(&c);
    ironic_time(&c);
    ironic_thanks(&c);
    ironic_verdict(&c);
    sizing_praise(&c);
    conditional_praise(&c);
    consolation(&c);
    relief(&c);
    unreal(&c);
    declining_thanks(&c);
    mocked(&c);
    limited(&c);
    closing(&c);
    tagged_sarcasm(&c);
    middling_mark(&c);
    out->sum = total(&c, out);
    out->score = rm_senti_squash(out->sum);
    collect_evidence(&c, out);
    collect_clauses(&c, out);
}
