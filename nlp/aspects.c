#include "core/rm.h"
#include "nlp/aspects.h"

#include <yaml.h>

#include "nlp/lexicon.h"

#define TERM_MAX_WORDS 8
/* A clause of at most this many words around an aspect term is a list item or a heading. */
#define BARE_CLAUSE_WORDS 2

struct rm_aspects {
    rm_termset *terms;
    char **ids;    /* owned */
    size_t n, cap;
};

typedef struct load_ctx {
    rm_aspects *as;
    const char *file;
    yaml_document_t *doc;
    rm_stemmer *st;
    rm_diag *diag;
    rm_arena *scratch;
    int bad;
} load_ctx;

void rm_aspects_free(rm_aspects *as)
{
    if (!as)
        return;
    for (size_t i = 0; i < as->n; i++)
        free(as->ids[i]);
    free(as->ids);
    rm_termset_free(as->terms);
    free(as);
}

static int line_of(const yaml_node_t *node)
{
    return (int)node->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static void add_term(load_ctx *c, const yaml_node_t *node, uint8_t lang, const char *field)
{
    rm_term_word words[TERM_MAX_WORDS];
    const char *t = scalar(node), *why;
    bool exact;
    uint32_t existing;
    int n;

    if (!t) {
        rm_diag_add(c->diag, c->file, line_of(node), field, "expected a term (a string)");
        c->bad++;
        return;
    }
    exact = t[0] == '=';
    t += exact;
    n = rm_lex_term_words(t, strlen(t), lang, exact, c->st, c->scratch, words, TERM_MAX_WORDS,
                          &why);
    if (n <= 0) {
        rm_diag_add(c->diag, c->file, line_of(node), field, "term '%s' %s", t, why);
        c->bad++;
        return;
    }
    if (rm_termset_add(c->as->terms, lang, words, (size_t)n, (uint32_t)c->as->n, &existing) &&
        existing != c->as->n) {
        rm_diag_add(c->diag, c->file, line_of(node), field, "term '%s' is already in aspect %s",
                    t, c->as->ids[existing]);
        c->bad++;
    }
}

static void add_terms(load_ctx *c, const yaml_node_t *seq, uint8_t lang, const char *field)
{
    if (seq->type != YAML_SEQUENCE_NODE) {
        rm_diag_add(c->diag, c->file, line_of(seq), field, "expected a list of terms");
        c->bad++;
        return;
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++)
        add_term(c, yaml_document_get_node(c->doc, *it), lang, field);
}

static void load_aspect(load_ctx *c, const char *id, const yaml_node_t *body)
{
    char field[160];

    if (body->type != YAML_MAPPING_NODE) {
        rm_diag_add(c->diag, c->file, line_of(body), id, "expected a mapping with en and ru");
        c->bad++;
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
        else if (key && !strcmp(key, "name") && scalar(v))
            continue;
        else {
            rm_diag_add(c->diag, c->file, line_of(k), field, "expected name, en or ru");
            c->bad++;
        }
    }
}

static bool valid_id(const char *id)
{
    if (!*id)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

static void load_root(load_ctx *c, const yaml_node_t *root)
{
    if (!root || root->type != YAML_MAPPING_NODE) {
        rm_diag_add(c->diag, c->file, root ? line_of(root) : 1, NULL,
                    "expected a mapping of aspect ids");
        c->bad++;
        return;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        const char *id = scalar(k);
        if (!id || !valid_id(id)) {
            rm_diag_add(c->diag, c->file, line_of(k), id, "aspect id must be [a-z0-9_]+");
            c->bad++;
            continue;
        }
        for (size_t i = 0; i < c->as->n; i++) {
            if (!strcmp(c->as->ids[i], id)) {
                rm_diag_add(c->diag, c->file, line_of(k), id, "aspect defined twice");
                c->bad++;
            }
        }
        RM_GROW(c->as->ids, c->as->cap, c->as->n + 1);
        c->as->ids[c->as->n] = rm_xstrdup(id);
        load_aspect(c, id, yaml_document_get_node(c->doc, p->value));
        c->as->n++;
    }
}

rm_err rm_aspects_load(const char *name, const char *data, size_t len, rm_stemmer *st,
                       rm_diag *diag, rm_aspects **out)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    load_ctx c = {.file = name, .doc = &doc, .st = st, .diag = diag};
    rm_err err = RM_OK;

    c.as = rm_xcalloc(1, sizeof(*c.as));
    c.as->terms = rm_termset_new();
    c.scratch = rm_arena_new(16 * 1024);
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rm_diag_add(diag, name, (int)parser.problem_mark.line + 1, NULL, "%s",
                    parser.problem ? parser.problem : "YAML syntax error");
        err = RM_ECONFIG;
        goto cleanup;
    }
    load_root(&c, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    if (c.bad)
        err = RM_ECONFIG;
cleanup:
    yaml_parser_delete(&parser);
    rm_arena_free(c.scratch);
    if (err)
        rm_aspects_free(c.as);
    else
        *out = c.as;
    return err;
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
        size_t k = rm_termset_match(as->terms, tt, toks->n, i, TERM_MAX_WORDS, &id);
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
        h.aspect = as->ids[id];
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
