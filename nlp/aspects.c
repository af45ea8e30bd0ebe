#include "core/rm.h"
#include "nlp/aspects.h"

#include "nlp/termdict.h"

/* A clause of at most this many words around an aspect term is a list item or a heading. */
#define BARE_CLAUSE_WORDS 2

struct rm_aspects {
    rm_termdict d;
};

void rm_aspects_free(rm_aspects *as)
{
    if (!as)
        return;
    rm_termdict_release(&as->d);
    free(as);
}

rm_err rm_aspects_load(const char *name, const char *data, size_t len, rm_stemmer *st,
                       rm_diag *diag, rm_aspects **out)
{
    rm_aspects *as = rm_xcalloc(1, sizeof(*as));
    rm_err err = rm_termdict_load(name, "aspect", data, len, st, diag, &as->d);

    *out = NULL;
    if (err) {
        free(as);
        return err;
    }
    *out = as;
    return RM_OK;
}

/* ---- matching ---- */

static void sentence_span(const rm_senti_result *sr, uint32_t sent, size_t *start, size_t *end)
{
    bool first = true;

    for (size_t i = 0; i < sr->n_clauses; i++) {
        const rm_senti_clause *cl = &sr->clauses[i];
        if (cl->sent != sent || cl->end == 0)
            continue;
        if (first)
            *start = cl->start;
        *end = cl->end;
        first = false;
    }
}

static bool seen(const rm_aspect_hit *hits, size_t n, const char *id, size_t start)
{
    for (size_t i = 0; i < n; i++)
        if (hits[i].aspect == id && hits[i].start == start)
            return true;
    return false;
}

void rm_aspects_find(const rm_aspects *as, const char *text, const rm_tokens *toks,
                     const rm_term_tok *tt, const rm_senti_result *sr, rm_arena *a,
                     rm_aspect_hit **hits, size_t *n_hits)
{
    rm_aspect_hit *v = rm_arena_alloc(a, (toks->n ? toks->n : 1) * sizeof(*v));
    size_t n = 0;

    for (size_t i = 0; i < toks->n;) {
        uint32_t id;
        size_t k = rm_termset_match(as->d.terms, tt, toks->n, i, RM_TERMDICT_MAX_WORDS, &id);
        const rm_senti_clause *cl;
        rm_aspect_hit h;
        double sum;
        if (!k) {
            i++;
            continue;
        }
        cl = &sr->clauses[sr->tok_clause[i]];
        sum = cl->sum;
        h.start = cl->start;
        h.end = cl->end;
        if (sum == 0.0 && cl->n_words <= BARE_CLAUSE_WORDS) {
            sum = sr->sent_sum[cl->sent];
            sentence_span(sr, cl->sent, &h.start, &h.end);
        }
        h.aspect = as->d.ids[id];
        h.score = rm_senti_squash(sum);
        h.label = rm_senti_label(h.score);
        h.term = rm_arena_strndup(a, text + toks->v[i].start,
                                  toks->v[i + k - 1].end - toks->v[i].start);
        if (!seen(v, n, h.aspect, h.start))
            v[n++] = h;
        i += k;
    }
    *hits = v;
    *n_hits = n;
}
