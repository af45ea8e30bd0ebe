#include "core/rm.h"
#include "nlp/termdict.h"

#include <yaml.h>

#include "nlp/lexicon.h"
#include "nlp/nlp.h"

typedef struct load_ctx {
    rm_termdict *d;
    const char *file, *what;
    yaml_document_t *doc;
    rm_stemmer *st;
    rm_arena *scratch;
    rm_diag *diag;
    int bad;
} load_ctx;

void rm_termdict_release(rm_termdict *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->ids[i]);
    free(d->ids);
    rm_termset_free(d->terms);
    memset(d, 0, sizeof(*d));
}

static int line_of(const yaml_node_t *node)
{
    return node ? (int)node->start_mark.line + 1 : 1;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static void bad(load_ctx *c, const yaml_node_t *node, const char *field, const char *fmt, ...)
    RM_PRINTF(4, 5);

static void bad(load_ctx *c, const yaml_node_t *node, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rm_diag_add(c->diag, c->file, line_of(node), field, "%s", msg);
    c->bad++;
}

/* Adds one term of the entry being loaded (the last id). */
static void add_term(load_ctx *c, const yaml_node_t *node, uint8_t lang, const char *field)
{
    rm_term_word words[RM_TERMDICT_MAX_WORDS];
    const char *t = scalar(node), *why;
    uint32_t self = (uint32_t)(c->d->n - 1), existing;
    bool exact;
    int n;

    if (!t) {
        bad(c, node, field, "expected a term (a string)");
        return;
    }
    exact = t[0] == '=';
    t += exact;
    n = rm_lex_term_words(t, strlen(t), lang, exact, c->st, c->scratch, words,
                          RM_TERMDICT_MAX_WORDS, &why);
    if (n <= 0) {
        bad(c, node, field, "term '%s' %s", t, why);
        return;
    }
    /* The same term twice under one id is harmless; under two ids it is ambiguous. */
    if (rm_termset_add(c->d->terms, lang, words, (size_t)n, self, &existing) && existing != self)
        bad(c, node, field, "term '%s' is already in %s %s", t, c->what, c->d->ids[existing]);
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

static void load_entry(load_ctx *c, const char *id, const yaml_node_t *body)
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
        bad(c, root, NULL, "expected a mapping of %s ids", c->what);
        return;
    }
    cap = (size_t)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
    if (cap > RM_TERMDICT_MAX_IDS) {
        bad(c, root, NULL, "more than %d %ss", RM_TERMDICT_MAX_IDS, c->what);
        return;
    }
    c->d->ids = rm_xcalloc(cap ? cap : 1, sizeof(char *));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        const char *id = scalar(k);
        if (!id || !valid_id(id)) {
            bad(c, k, id, "%s id must be 1-64 of [a-z0-9_]", c->what);
            continue;
        }
        for (size_t i = 0; i < c->d->n; i++)
            if (!strcmp(c->d->ids[i], id))
                bad(c, k, id, "%s defined twice", c->what);
        c->d->ids[c->d->n++] = rm_xstrdup(id);
        load_entry(c, id, yaml_document_get_node(c->doc, p->value));
    }
}

rm_err rm_termdict_load(const char *file, const char *what, const char *data, size_t len,
                        rm_stemmer *st, rm_diag *diag, rm_termdict *out)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    load_ctx c = {.d = out, .file = file, .what = what, .doc = &doc, .st = st, .diag = diag};

    memset(out, 0, sizeof(*out));
    out->terms = rm_termset_new();
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rm_diag_add(diag, file, (int)parser.problem_mark.line + 1, NULL, "YAML: %s",
                    parser.problem ? parser.problem : "syntax error");
        c.bad++;
    } else {
        c.scratch = rm_arena_new(16 * 1024);
        load_root(&c, yaml_document_get_root_node(&doc));
        rm_arena_free(c.scratch);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (c.bad) {
        rm_termdict_release(out);
        return RM_ECONFIG;
    }
    return RM_OK;
}
