#include "core/rm.h"
#include "nlp/lexicon.h"

#include <errno.h>
#include <math.h>

#include "nlp/token.h"

/* Longest term, in words. */
#define TERM_MAX_WORDS 8
/* Snowball stems shorter than this collide too often ("люб" is both "любить" and "любой"):
 * such words match their written form only. Counted in code points. */
#define MIN_STEM_EN 3
#define MIN_STEM_RU 4

typedef struct origin {
    const char *file; /* from lx->strings */
    int line;
} origin;

/* A line merged into an earlier entry as another form of it ("твердую четверку" into
 * "твердая четверка"): kept so that a third line repeating it is still caught. */
typedef struct merged_form {
    uint32_t entry;
    const char *term; /* from lx->strings */
    bool polar;       /* it had a valence (not only a modifier's options) */
    origin where;
} merged_form;

struct rm_lexicon {
    rm_termset *terms;
    rm_lex_entry *v;
    origin *from;      /* parallel to v: where each entry was defined */
    size_t n, cap;
    merged_form *forms; /* lines merged into v's entries */
    size_t n_forms, cap_forms;
    rm_arena *strings; /* entry terms and file names */
};

rm_lexicon *rm_lex_new(void)
{
    rm_lexicon *lx = rm_xcalloc(1, sizeof(*lx));
    lx->terms = rm_termset_new();
    lx->strings = rm_arena_new(64 * 1024);
    return lx;
}

void rm_lex_free(rm_lexicon *lx)
{
    if (!lx)
        return;
    rm_termset_free(lx->terms);
    rm_arena_free(lx->strings);
    free(lx->v);
    free(lx->from);
    free(lx->forms);
    free(lx);
}

const rm_termset *rm_lex_terms(const rm_lexicon *lx)
{
    return lx->terms;
}

const rm_lex_entry *rm_lex_entry_at(const rm_lexicon *lx, uint32_t i)
{
    return &lx->v[i];
}

static size_t codepoints(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* English guards: the lemma itself, less a final e or y that inflection drops or changes
 * ("love" -> "loving", "cry" -> "cried"); then an e, i or y must follow the guard. */
static const char *english_guard(const char *norm, size_t len, rm_arena *a, uint8_t *eiy)
{
    *eiy = len > 3 && (norm[len - 1] == 'e' || norm[len - 1] == 'y');
    return rm_arena_strndup(a, norm, len - *eiy);
}

static void word_from_token(const rm_token *t, uint8_t lang, bool exact, rm_stemmer *st,
                            rm_arena *a, rm_term_word *w)
{
    size_t slen;
    const char *stem;

    memset(w, 0, sizeof(*w));
    w->key = t->norm;
    w->mode = RM_TERM_EXACT;
    if (t->kind != RM_TOK_WORD || exact || (lang != RM_LANG_EN && lang != RM_LANG_RU))
        return;
    stem = rm_stem_word(st, (rm_lang)lang, t->norm, t->norm_len, a, &slen);
    if (codepoints(stem) < (lang == RM_LANG_EN ? MIN_STEM_EN : MIN_STEM_RU))
        return;
    w->key = stem;
    w->mode = RM_TERM_STEM;
    if (lang == RM_LANG_EN)
        w->guard = english_guard(t->norm, t->norm_len, a, &w->guard_eiy);
}

static int piece_words(const char *p, size_t n, uint8_t lang, bool exact, rm_stemmer *st,
                       rm_arena *a, rm_term_word *words, int k, int max, const char **why)
{
    rm_tokens toks;

    if (n == 5 && !memcmp(p, "<neg>", 5)) {
        if (k >= max)
            return -1;
        memset(&words[k], 0, sizeof(words[k]));
        words[k].key = "";
        words[k].mode = RM_TERM_CLASS;
        words[k].cls = RM_TERM_CLS_NEG;
        return k + 1;
    }
    rm_token_split(p, n, a, &toks);
    for (size_t i = 0; i < toks.n; i++) {
        const rm_token *t = &toks.v[i];
        bool wordish = t->kind == RM_TOK_WORD;
        if (!wordish && t->kind != RM_TOK_EMOJI && t->kind != RM_TOK_EMOTICON &&
            t->kind != RM_TOK_NUM) {
            *why = "has a piece that is not a word, number, emoji or emoticon";
            return -1;
        }
        if (wordish != (lang != RM_LANG_AUTO)) {
            *why = lang == RM_LANG_AUTO ? "has a word; words go in the en or ru files"
                                        : "has an emoji or emoticon; those go in emoji.tsv";
            return -1;
        }
        if (k >= max) {
            *why = "has too many words";
            return -1;
        }
        word_from_token(t, lang, exact, st, a, &words[k++]);
    }
    return k;
}

int rm_lex_term_words(const char *term, size_t len, uint8_t lang, bool exact, rm_stemmer *st,
                      rm_arena *a, rm_term_word *words, int max, const char **why)
{
    size_t i = 0;
    int k = 0;

    *why = "is empty";
    while (i < len) {
        size_t j = i;
        while (j < len && term[j] != ' ')
            j++;
        if (j > i) {
            k = piece_words(term + i, j - i, lang, exact, st, a, words, k, max, why);
            if (k < 0)
                return -1;
        }
        i = j + 1;
    }
    return k;
}

/* ---- one line ---- */

typedef struct line_ctx {
    rm_lexicon *lx;
    const char *file; /* from lx->strings */
    int line;
    uint8_t lang;
    rm_stemmer *st;
    rm_diag *diag;
    rm_arena *scratch;
} line_ctx;

/* Options that set a flag, by name. */
static const struct {
    const char *name;
    uint64_t flag;
} flag_options[] = {
    {"neg", RM_LEX_NEG},   {"but", RM_LEX_BUT},     {"although", RM_LEX_ALTHOUGH},
    {"too", RM_LEX_TOO},   {"degree", RM_LEX_DEGREE}, {"interj", RM_LEX_INTERJ},
    {"ever", RM_LEX_EVER}, {"such", RM_LEX_SUCH},   {"be", RM_LEX_BE},
    {"cmp", RM_LEX_CMP},   {"free", RM_LEX_FREE},     {"irr", RM_LEX_IRR},
    {"can", RM_LEX_CAN},   {"enough", RM_LEX_ENOUGH}, {"this", RM_LEX_THIS},
    {"pace", RM_LEX_PACE}, {"absent", RM_LEX_ABSENT},
    {"func", RM_LEX_FUNC}, {"will", RM_LEX_WILL}, {"revisit", RM_LEX_REVISIT},
    {"post", RM_LEX_POST}, {"or", RM_LEX_OR}, {"raise", RM_LEX_RAISE},
    {"ask", RM_LEX_ASK},   {"actual", RM_LEX_ACTUAL}, {"occasion", RM_LEX_OCCASION},
    {"purpose", RM_LEX_PURPOSE}, {"rise", RM_LEX_RISE}, {"fall", RM_LEX_FALL},
    {"more", RM_LEX_MORE}, {"less", RM_LEX_LESS}, {"via", RM_LEX_VIA},
    {"irony", RM_LEX_IRONY}, {"nil", RM_LEX_NIL}, {"after", RM_LEX_AFTER},
    {"expect", RM_LEX_EXPECT}, {"outcome", RM_LEX_OUTCOME}, {"grade", RM_LEX_GRADE},
    {"thanks", RM_LEX_THANKS}, {"num", RM_LEX_NUM},
    {"middling", RM_LEX_MIDDLING}, {"mocks", RM_LEX_MOCKS}, {"limits", RM_LEX_LIMITS},
    {"unreal", RM_LEX_UNREAL}, {"bare", RM_LEX_BARE},
    {"closing", RM_LEX_CLOSING}, {"lead", RM_LEX_LEAD},
};

static uint64_t flag_option(const char *o)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(flag_options); i++)
        if (!strcmp(o, flag_options[i].name))
            return flag_options[i].flag;
    return 0;
}

static bool parse_options(line_ctx *c, char *opts, rm_lex_entry *e, bool *exact)
{
    char *save = NULL;

    for (char *o = strtok_r(opts, ", ", &save); o; o = strtok_r(NULL, ", ", &save)) {
        uint64_t flag = flag_option(o);
        if (flag)
            e->flags |= flag;
        else if (!strcmp(o, "exact"))
            *exact = true;
        else if (!strncmp(o, "boost=", 6)) {
            char *end;
            errno = 0;
            e->boost = strtof(o + 6, &end);
            if (errno || *end || !(e->boost > 0.0f && e->boost <= 4.0f)) {
                rm_diag_add(c->diag, c->file, c->line, "options",
                            "boost needs a factor in (0, 4], got '%s'", o + 6);
                return false;
            }
        } else {
            rm_diag_add(c->diag, c->file, c->line, "options", "unknown option '%s'", o);
            return false;
        }
    }
    return true;
}

/* A word that acts on its neighbours; "interj" only shields the word itself. */
static bool is_modifier(const rm_lex_entry *e)
{
    return (e->flags & ~RM_LEX_INTERJ) || e->boost > 0.0f;
}

static void report_clash(line_ctx *c, uint32_t old, const char *what)
{
    const origin *o = &c->lx->from[old];
    rm_diag_add(c->diag, c->file, c->line, "term", "'%s' %s '%s' (%s:%d)",
                c->lx->v[c->lx->n].term, what, c->lx->v[old].term, o->file, o->line);
}

/* Was the new polar entry's text already merged into entry old as a polar form of it? Reports
 * it. (A polar word and its modifier line, "terribly -2" and "terribly 0 boost=1.4", are two
 * roles of one word, not a repeat.) */
static bool repeats_a_form(line_ctx *c, uint32_t old)
{
    const rm_lex_entry *add = &c->lx->v[c->lx->n];

    if (add->valence == 0.0f)
        return false;
    for (size_t i = 0; i < c->lx->n_forms; i++) {
        const merged_form *f = &c->lx->forms[i];
        if (f->entry == old && f->polar && !strcmp(f->term, add->term)) {
            rm_diag_add(c->diag, c->file, c->line, "term", "'%s' repeats '%s' (%s:%d)",
                        add->term, f->term, f->where.file, f->where.line);
            return true;
        }
    }
    return false;
}

static void keep_form(line_ctx *c, uint32_t old)
{
    RM_GROW(c->lx->forms, c->lx->cap_forms, c->lx->n_forms + 1);
    c->lx->forms[c->lx->n_forms++] = (merged_form){
        old, c->lx->v[c->lx->n].term, c->lx->v[c->lx->n].valence != 0.0f, {c->file, c->line}};
}

/* The new entry (at lx->v[lx->n], not yet counted) has the same key as entry old. */
static bool merge(line_ctx *c, uint32_t old)
{
    rm_lex_entry *e = &c->lx->v[old];
    const rm_lex_entry *add = &c->lx->v[c->lx->n];
    bool same_text = !strcmp(e->term, add->term);

    if (repeats_a_form(c, old))
        return false;

    if (add->valence != 0.0f && e->valence != 0.0f) {
        if ((add->valence > 0) != (e->valence > 0)) {
            report_clash(c, old, "has the opposite sign of");
            return false;
        }
        if (same_text) {
            report_clash(c, old, "repeats");
            return false;
        }
        /* another form of the same word: the first keeps its valence, and an option written
         * on either form holds for both ("быстро" is a pace word, so "быстрый" is) */
        e->flags |= add->flags;
        if (add->boost > 0.0f && e->boost <= 0.0f)
            e->boost = add->boost;
        keep_form(c, old);
        return true;
    }
    if (add->valence != 0.0f || e->valence != 0.0f) {
        const rm_lex_entry *zero = add->valence == 0.0f ? add : e;
        if (!is_modifier(zero)) {
            report_clash(c, old, "is polar but shares its key with neutral");
            return false;
        }
    } else if (!is_modifier(add) || !is_modifier(e)) {
        report_clash(c, old, "repeats");
        return false;
    }
    if (add->boost > 0.0f && e->boost > 0.0f) {
        report_clash(c, old, "gives a second boost to");
        return false;
    }
    if (add->valence != 0.0f)
        e->valence = add->valence;
    if (add->boost > 0.0f)
        e->boost = add->boost;
    e->flags |= add->flags;
    keep_form(c, old);
    return true;
}

static bool parse_valence(line_ctx *c, const char *s, float *out)
{
    char *end;

    errno = 0;
    *out = strtof(s, &end);
    if (errno || end == s || *end || !isfinite(*out) || *out < -4.0f || *out > 4.0f) {
        rm_diag_add(c->diag, c->file, c->line, "valence", "expected a number in -4..4, got '%s'",
                    s);
        return false;
    }
    return true;
}

/* The term as evidence: folded, with <neg> written as the language's plain negator so that
 * "<neg> рекомендую" aggregates with the negated "рекомендую" ("не рекомендую"). */
static const char *evidence_term(line_ctx *c, const char *term)
{
    const char *neg = c->lang == RM_LANG_RU ? "не" : "not";
    rm_buf b;
    const char *folded, *out;
    size_t flen;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (const char *p = term; *p;) {
        if (!strncmp(p, "<neg>", 5)) {
            (void)rm_buf_adds(&b, neg);
            p += 5;
        } else {
            (void)rm_buf_addc(&b, *p++);
        }
    }
    folded = rm_token_fold(b.ptr, b.len, c->lx->strings, &flen);
    out = flen ? folded : rm_arena_strdup(c->lx->strings, b.ptr);
    rm_buf_release(&b);
    return out;
}

static bool load_line(line_ctx *c, char *line)
{
    char *term = line, *val, *opts = NULL, *tab;
    rm_term_word words[TERM_MAX_WORDS];
    rm_lex_entry *e;
    const char *why;
    bool exact = false;
    uint32_t existing;
    int n;

    val = strchr(line, '\t');
    if (!val) {
        rm_diag_add(c->diag, c->file, c->line, NULL, "expected term<TAB>valence[<TAB>options]");
        return false;
    }
    *val++ = '\0';
    tab = strchr(val, '\t');
    if (tab) {
        *tab = '\0';
        opts = tab + 1;
        if (strchr(opts, '\t')) {
            rm_diag_add(c->diag, c->file, c->line, NULL, "more than three fields");
            return false;
        }
    }
    if (c->lx->n + 1 > c->lx->cap) { /* v and from grow together, and only when full */
        RM_GROW(c->lx->v, c->lx->cap, c->lx->n + 1);
        c->lx->from = rm_xrealloc(c->lx->from, c->lx->cap * sizeof(*c->lx->from));
    }
    e = &c->lx->v[c->lx->n];
    memset(e, 0, sizeof(*e));
    e->lang = c->lang;
    if (!parse_valence(c, val, &e->valence) || (opts && !parse_options(c, opts, e, &exact)))
        return false;
    n = rm_lex_term_words(term, strlen(term), c->lang, exact, c->st, c->scratch, words,
                          TERM_MAX_WORDS, &why);
    if (n <= 0) {
        rm_diag_add(c->diag, c->file, c->line, "term", "'%s' %s", term, why);
        return false;
    }
    e->term = evidence_term(c, term);
    c->lx->from[c->lx->n] = (origin){c->file, c->line};
    if (rm_termset_add(c->lx->terms, c->lang, words, (size_t)n, (uint32_t)c->lx->n, &existing))
        return merge(c, existing);
    c->lx->n++;
    return true;
}

/* ---- files ---- */

static int lang_of(const char *name)
{
    const char *base = strrchr(name, '/');
    size_t n;

    base = base ? base + 1 : name;
    n = strcspn(base, "_.");
    if (n == 2 && !strncmp(base, "en", 2))
        return RM_LANG_EN;
    if (n == 2 && !strncmp(base, "ru", 2))
        return RM_LANG_RU;
    if (n == 5 && !strncmp(base, "emoji", 5))
        return RM_LANG_AUTO;
    return -1;
}

rm_err rm_lex_load(rm_lexicon *lx, const char *name, const char *data, size_t len,
                   rm_stemmer *st, rm_diag *diag)
{
    line_ctx c = {.lx = lx, .st = st, .diag = diag};
    rm_buf line;
    size_t pos = 0;
    int lang = lang_of(name), bad = 0;

    if (lang < 0) {
        rm_diag_add(diag, name, 0, NULL,
                    "file name must start with en, ru or emoji (the language of its terms)");
        return RM_ECONFIG;
    }
    c.lang = (uint8_t)lang;
    c.file = rm_arena_strdup(lx->strings, name);
    c.scratch = rm_arena_new(16 * 1024);
    rm_buf_init(&line, 4096);
    while (pos < len) {
        size_t end = pos;
        while (end < len && data[end] != '\n')
            end++;
        c.line++;
        rm_buf_reset(&line);
        (void)rm_buf_add(&line, data + pos, end - pos);
        if (line.len && line.ptr[line.len - 1] == '\r')
            rm_buf_truncate(&line, line.len - 1);
        if (line.err) {
            rm_diag_add(diag, c.file, c.line, NULL, "line longer than 4096 bytes");
            bad++;
        } else if (line.len && line.ptr[0] != '#' && strspn(line.ptr, " \t") < line.len &&
                   !load_line(&c, line.ptr)) {
            bad++;
        }
        rm_arena_reset(c.scratch);
        pos = end + 1;
    }
    rm_buf_release(&line);
    rm_arena_free(c.scratch);
    return bad ? RM_ECONFIG : RM_OK;
}
