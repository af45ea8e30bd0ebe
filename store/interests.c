#include "core/rm.h"
#include "store/interests.h"

#include <yaml.h>

#include "core/embed.h"
#include "nlp/lexicon.h"
#include "nlp/stem.h"
#include "nlp/termset.h"
#include "nlp/token.h"

#define TERM_MAX_WORDS 6
#define INTERESTS_MAX 1024

struct rm_interests {
    rm_termset *terms;
    rm_stem_pool *pool;
    char **ids; /* owned */
    size_t n;
};

typedef struct load_ctx {
    rm_interests *t;
    const char *file;
    yaml_document_t *doc;
    rm_stemmer *st;
    rm_arena *scratch;
    rm_diag *diag;
    int bad;
} load_ctx;

void rm_interests_free(rm_interests *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->ids[i]);
    free(t->ids);
    rm_termset_free(t->terms);
    rm_stem_pool_free(t->pool);
    free(t);
}

size_t rm_interests_count(const rm_interests *t)
{
    return t->n;
}

const char *rm_interests_id(const rm_interests *t, size_t i)
{
    return t->ids[i];
}

static int line_of(const yaml_node_t *node)
{
    return (int)node->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static void bad(load_ctx *c, const yaml_node_t *node, const char *field, const char *msg)
{
    rm_diag_add(c->diag, c->file, node ? line_of(node) : 0, field, "%s", msg);
    c->bad++;
}

static void add_term(load_ctx *c, const yaml_node_t *node, uint8_t lang, const char *field)
{
    rm_term_word words[TERM_MAX_WORDS];
    const char *term = scalar(node), *why;
    uint32_t existing;
    int n;

    if (!term) {
        bad(c, node, field, "expected a term (a string)");
        return;
    }
    n = rm_lex_term_words(term, strlen(term), lang, false, c->st, c->scratch, words,
                          TERM_MAX_WORDS, &why);
    if (n <= 0) {
        rm_diag_add(c->diag, c->file, line_of(node), field, "term '%s' %s", term, why);
        c->bad++;
        return;
    }
    /* The same term twice in one interest is harmless; in two interests it is ambiguous. */
    if (rm_termset_add(c->t->terms, lang, words, (size_t)n, (uint32_t)(c->t->n - 1),
                       &existing) &&
        existing != c->t->n - 1) {
        rm_diag_add(c->diag, c->file, line_of(node), field, "term '%s' is already in %s", term,
                    c->t->ids[existing]);
        c->bad++;
    }
}

static void add_terms(load_ctx *c, const yaml_node_t *seq, uint8_t lang, const char *field)
{
    if (seq->type != YAML_SEQUENCE_NODE) {
        bad(c, seq, field, "expected a list of terms");
        return;
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++)
        add_term(c, yaml_document_get_node(c->doc, *it), lang, field);
}

static void load_interest(load_ctx *c, const char *id, const yaml_node_t *body)
{
    char field[160];
    bool named = false;

    if (body->type != YAML_MAPPING_NODE) {
        bad(c, body, id, "expected a mapping with name, en and ru");
        return;
    }
    for (yaml_node_pair_t *p = body->data.mapping.pairs.start; p < body->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(k);
        snprintf(field, sizeof(field), "%s.%s", id, key ? key : "?");
        if (key && !strcmp(key, "en"))
            add_terms(c, v, RM_LANG_EN, field);
        else if (key && !strcmp(key, "ru"))
            add_terms(c, v, RM_LANG_RU, field);
        else if (key && !strcmp(key, "name") && scalar(v) && !named)
            named = true; /* for people reading the file; ids are what revmine stores */
        else
            bad(c, k, field, "expected name, en or ru (once each)");
    }
}

static bool valid_id(const char *id)
{
    if (!*id || strlen(id) > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

static void load_root(load_ctx *c, const yaml_node_t *root)
{
    size_t cap;

    if (!root || root->type != YAML_MAPPING_NODE) {
        bad(c, root, NULL, "expected a mapping of interest ids");
        return;
    }
    cap = (size_t)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
    if (cap > INTERESTS_MAX) {
        bad(c, root, NULL, "more than 1024 interests");
        return;
    }
    c->t->ids = rm_xcalloc(cap ? cap : 1, sizeof(char *));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *id = scalar(yaml_document_get_node(c->doc, p->key));
        if (!id || !valid_id(id)) {
            bad(c, yaml_document_get_node(c->doc, p->key), id,
                "interest ids are 1-64 of [a-z0-9_]");
            continue;
        }
        for (size_t i = 0; i < c->t->n; i++)
            if (!strcmp(c->t->ids[i], id))
                bad(c, yaml_document_get_node(c->doc, p->key), id, "duplicate interest id");
        c->t->ids[c->t->n++] = rm_xstrdup(id);
        load_interest(c, id, yaml_document_get_node(c->doc, p->value));
    }
}

rm_err rm_interests_load(const char *file, const char *data, size_t len, rm_diag *diag,
                         rm_interests **out)
{
    rm_interests *t = rm_xcalloc(1, sizeof(*t));
    yaml_parser_t parser;
    yaml_document_t doc;
    load_ctx c = {.t = t, .file = file, .doc = &doc, .diag = diag};

    *out = NULL;
    t->terms = rm_termset_new();
    t->pool = rm_stem_pool_new();
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rm_diag_add(diag, file, (int)parser.problem_mark.line + 1, NULL, "YAML: %s",
                    parser.problem ? parser.problem : "syntax error");
        c.bad++;
    } else {
        c.st = rm_stem_acquire(t->pool);
        c.scratch = rm_arena_new(16 * 1024);
        load_root(&c, yaml_document_get_root_node(&doc));
        rm_arena_free(c.scratch);
        rm_stem_release(t->pool, c.st);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (c.bad) {
        rm_interests_free(t);
        return RM_ECONFIG;
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
        size_t w = tt[i].norm ? rm_termset_match(t->terms, tt, toks.n, i, TERM_MAX_WORDS,
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
