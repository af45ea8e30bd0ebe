#include "core/rm.h"
#include "store/interests.h"

#include "core/embed.h"
#include "nlp/stem.h"
#include "nlp/termdict.h"
#include "nlp/termset.h"
#include "nlp/token.h"

struct rm_interests {
    rm_termdict d;
    rm_stem_pool *pool;
};

void rm_interests_free(rm_interests *t)
{
    if (!t)
        return;
    rm_termdict_release(&t->d);
    rm_stem_pool_free(t->pool);
    free(t);
}

size_t rm_interests_count(const rm_interests *t)
{
    return t->d.n;
}

const char *rm_interests_id(const rm_interests *t, size_t i)
{
    return t->d.ids[i];
}

rm_err rm_interests_load(const char *file, const char *data, size_t len, rm_diag *diag,
                         rm_interests **out)
{
    rm_interests *t = rm_xcalloc(1, sizeof(*t));
    rm_stemmer *st;
    rm_err err;

    *out = NULL;
    t->pool = rm_stem_pool_new();
    st = rm_stem_acquire(t->pool);
    err = rm_termdict_load(file, "interest", data, len, st, diag, &t->d);
    rm_stem_release(t->pool, st);
    if (err) {
        rm_interests_free(t);
        return err;
    }
    *out = t;
    return RM_OK;
}

rm_err rm_interests_builtin(rm_diag *diag, rm_interests **out)
{
    const rm_embed_file *e = rm_embed_find("interests.yaml");
    if (!e) {
        rm_diag_add(diag, "interests.yaml", 0, NULL, "not built in");
        return RM_ECONFIG;
    }
    return rm_interests_load("interests.yaml", e->data, e->len, diag, out);
}

static void term_tok(const rm_token *tok, rm_stemmer *st, rm_arena *a, rm_term_tok *t)
{
    size_t slen;

    memset(t, 0, sizeof(*t));
    if (tok->kind != RM_TOK_WORD || !tok->norm_len || !(tok->flags & (RM_TOK_CYR | RM_TOK_LAT)))
        return;
    t->lang = (tok->flags & RM_TOK_CYR) ? RM_LANG_RU : RM_LANG_EN;
    t->norm = tok->norm;
    t->h_norm = rm_termset_hash(tok->norm, tok->norm_len);
    t->stem = rm_stem_word(st, (rm_lang)t->lang, tok->norm, tok->norm_len, a, &slen);
    t->h_stem = rm_termset_hash(t->stem, slen);
}

static size_t add_unique(size_t *out, size_t n, size_t max, size_t v)
{
    for (size_t i = 0; i < n; i++)
        if (out[i] == v)
            return n;
    if (n < max)
        out[n++] = v;
    return n;
}

size_t rm_interests_match(const rm_interests *t, const char *text, size_t len, rm_arena *a,
                          size_t *out, size_t max)
{
    rm_tokens toks;
    rm_term_tok *tt;
    rm_stemmer *st;
    size_t found = 0;

    rm_token_split(text, len, a, &toks);
    if (!toks.n)
        return 0;
    tt = rm_arena_alloc(a, toks.n * sizeof(*tt));
    st = rm_stem_acquire(t->pool);
    for (size_t i = 0; i < toks.n; i++)
        term_tok(&toks.v[i], st, a, &tt[i]);
    rm_stem_release(t->pool, st);
    for (size_t i = 0; i < toks.n;) {
        uint32_t payload;
        size_t w = tt[i].norm ? rm_termset_match(t->d.terms, tt, toks.n, i, RM_TERMDICT_MAX_WORDS,
                                                 &payload)
                              : 0;
        if (w) {
            found = add_unique(out, found, max, payload);
            i += w;
        } else {
            i++;
        }
    }
    return found;
}
