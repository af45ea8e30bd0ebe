#include "core/rm.h"
#include "nlp/nlp.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "core/embed.h"
#include "nlp/aspects.h"
#include "nlp/langid.h"
#include "nlp/lexicon.h"
#include "nlp/sentiment.h"
#include "nlp/stem.h"
#include "nlp/termset.h"
#include "nlp/token.h"

/* Config files are small; a bigger one is a mistake, not a lexicon. */
#define CONFIG_MAX_BYTES (16u << 20)
#define MAX_LEXICON_FILES 64

struct rm_nlp {
    rm_lexicon *lex;     /* owned */
    rm_aspects *aspects; /* owned */
    rm_stem_pool *pool;  /* owned; internally locked, the one mutable part */
};

const char *rm_label_str(rm_label label)
{
    return label == RM_LABEL_POS ? "pos" : label == RM_LABEL_NEG ? "neg" : "neu";
}

const char *rm_lang_str(rm_lang lang)
{
    switch (lang) {
    case RM_LANG_EN: return "en";
    case RM_LANG_RU: return "ru";
    case RM_LANG_OTHER: return "other";
    default: return "auto";
    }
}

int rm_lang_parse(const char *s, rm_lang *out)
{
    static const rm_lang all[] = {RM_LANG_AUTO, RM_LANG_EN, RM_LANG_RU, RM_LANG_OTHER};
    for (size_t i = 0; i < RM_ARRAY_LEN(all); i++) {
        if (!strcmp(s, rm_lang_str(all[i]))) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

/* ---- loading ---- */

/* Reads dir/name into b. RM_ENOTFOUND when there is no such file. */
static rm_err read_config(const char *dir, const char *name, rm_buf *b, rm_diag *diag)
{
    char path[4096];
    FILE *f;
    char chunk[8192];
    size_t n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return RM_ENOTFOUND;
        rm_diag_add(diag, path, 0, NULL, "%s", strerror(errno));
        return RM_EIO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        (void)rm_buf_add(b, chunk, n);
    if (ferror(f) || b->err)
        rm_diag_add(diag, path, 0, NULL, "%s", b->err ? "file too big" : strerror(errno));
    fclose(f);
    return b->err ? b->err : RM_OK;
}

/* The file from dir when it has one, else the built-in copy. *shown names it in messages:
 * its path, or its name under configs/ when built in. */
static rm_err config_data(const char *dir, const char *name, rm_buf *b, char *shown,
                          size_t shown_size, rm_diag *diag)
{
    const rm_embed_file *e;
    rm_err err;

    rm_buf_reset(b);
    snprintf(shown, shown_size, "%s", name);
    if (dir) {
        err = read_config(dir, name, b, diag);
        if (err != RM_ENOTFOUND) {
            snprintf(shown, shown_size, "%s/%s", dir, name);
            return err;
        }
    }
    e = rm_embed_find(name);
    if (!e) {
        rm_diag_add(diag, name, 0, NULL, "missing (not in %s and not built in)", dir ? dir : "-");
        return RM_ENOTFOUND;
    }
    return rm_buf_add(b, e->data, e->len);
}

static bool is_tsv(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".tsv");
}

static void add_name(char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(names[i], name))
            return;
    if (*n < MAX_LEXICON_FILES)
        names[(*n)++] = rm_xstrdup(name);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Built-in lexicon files plus any in dir/lexicons, by name. */
static size_t lexicon_names(const char *dir, char **names)
{
    size_t n = 0;
    char path[4096], name[512];
    DIR *d;
    struct dirent *ent;

    for (const rm_embed_file *f = rm_embed_files; f->name; f++)
        if (!strncmp(f->name, "lexicons/", 9) && is_tsv(f->name))
            add_name(names, &n, f->name);
    if (dir) {
        snprintf(path, sizeof(path), "%s/lexicons", dir);
        if ((d = opendir(path)) != NULL) {
            while ((ent = readdir(d)) != NULL) {
                if (!is_tsv(ent->d_name))
                    continue;
                snprintf(name, sizeof(name), "lexicons/%s", ent->d_name);
                add_name(names, &n, name);
            }
            closedir(d);
        }
    }
    qsort(names, n, sizeof(*names), cmp_names);
    return n;
}

static rm_err load_all(rm_nlp *nlp, const char *dir, rm_stemmer *st, rm_diag *diag)
{
    char *names[MAX_LEXICON_FILES], shown[4096];
    size_t n = lexicon_names(dir, names);
    rm_buf b;
    rm_err err = RM_OK, e;

    rm_buf_init(&b, CONFIG_MAX_BYTES);
    if (n == 0) {
        rm_diag_add(diag, "lexicons", 0, NULL, "no lexicon files");
        err = RM_ECONFIG;
    }
    for (size_t i = 0; i < n; i++) {
        e = config_data(dir, names[i], &b, shown, sizeof(shown), diag);
        if (!e)
            e = rm_lex_load(nlp->lex, shown, b.ptr, b.len, st, diag);
        if (e && !err)
            err = e;
        free(names[i]);
    }
    e = config_data(dir, "aspects.yaml", &b, shown, sizeof(shown), diag);
    if (!e)
        e = rm_aspects_load(shown, b.ptr, b.len, st, diag, &nlp->aspects);
    if (e && !err)
        err = e;
    rm_buf_release(&b);
    return err == RM_ENOTFOUND ? RM_ECONFIG : err;
}

rm_err rm_nlp_new(const char *dir, rm_diag *diag, rm_nlp **out)
{
    rm_nlp *nlp = rm_xcalloc(1, sizeof(*nlp));
    struct stat st_dir;
    rm_stemmer *st;
    rm_err err;

    nlp->lex = rm_lex_new();
    nlp->pool = rm_stem_pool_new();
    if (dir && (stat(dir, &st_dir) != 0 || !S_ISDIR(st_dir.st_mode))) {
        rm_diag_add(diag, dir, 0, NULL, "not a directory");
        err = RM_ECONFIG;
        goto cleanup;
    }
    st = rm_stem_acquire(nlp->pool);
    err = load_all(nlp, dir, st, diag);
    rm_stem_release(nlp->pool, st);
cleanup:
    if (err) {
        rm_nlp_free(nlp);
        return err;
    }
    *out = nlp;
    return RM_OK;
}

void rm_nlp_free(rm_nlp *nlp)
{
    if (!nlp)
        return;
    rm_lex_free(nlp->lex);
    rm_aspects_free(nlp->aspects);
    rm_stem_pool_free(nlp->pool);
    free(nlp);
}

/* ---- scoring ---- */

static void set_key(rm_term_tok *t, rm_stemmer *st, const char *norm, size_t len, rm_arena *a)
{
    size_t slen;

    t->norm = norm;
    t->h_norm = rm_termset_hash(norm, len);
    t->stem = NULL;
    if (t->lang == RM_LANG_EN || t->lang == RM_LANG_RU) {
        t->stem = rm_stem_word(st, (rm_lang)t->lang, norm, len, a, &slen);
        t->h_stem = rm_termset_hash(t->stem, slen);
    }
}

/* "goooood" is looked up as "good", "sooo" as "so": the first squeeze a lexicon knows. */
static void set_elongated_key(const rm_lexicon *lex, rm_term_tok *t, const rm_token *tok,
                              rm_stemmer *st, rm_arena *a)
{
    uint32_t payload;
    size_t len;
    const char *s;

    for (int keep = 2; keep >= 1; keep--) {
        s = rm_token_squeeze(tok->norm, tok->norm_len, keep, a, &len);
        set_key(t, st, s, len, a);
        if (keep == 1 || rm_termset_match(rm_lex_terms(lex), t, 1, 0, 1, &payload))
            return;
    }
}

/* "happyy", "funn", "спасибоо": a word the lexicon does not know (the caller looked) whose
 * last letter is doubled is looked up without the repeat when that finds a polar word of three
 * letters or more as it stands, not by stem ("sadd" is "sad"; "butt" stays: "but" judges
 * nothing; "add" stays: "ad" is too short). Not a form in "-es": "assess" and "caress" are
 * words, not "asses" and "cares" drawn out. Capitalised words are names ("Grimm", "Tripp"),
 * unless all in capitals. Returns whether t now holds the shorter key, with *payload. */
static bool shorten_doubled(const rm_lexicon *lex, rm_term_tok *t, const rm_token *tok,
                            rm_stemmer *st, rm_arena *a, uint32_t *payload)
{
    const char *s = tok->norm;
    size_t len = tok->norm_len, w = 1, chars = 0;
    rm_term_tok shorter = *t;
    char *cut;

    if (tok->kind != RM_TOK_WORD || !t->norm || (tok->flags & RM_TOK_ELONG) ||
        (tok->flags & (RM_TOK_UPPER1 | RM_TOK_CAPS)) == RM_TOK_UPPER1)
        return false;
    while (w < len && ((unsigned char)s[len - w] & 0xC0) == 0x80)
        w++;
    if (len < 2 * w || memcmp(s + len - w, s + len - 2 * w, w))
        return false;
    for (size_t i = 0; i < len - w; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (chars < 3 || (len - w >= 2 && !memcmp(s + len - w - 2, "es", 2)))
        return false;
    cut = rm_arena_alloc(a, len - w + 1);
    memcpy(cut, s, len - w);
    cut[len - w] = '\0';
    set_key(&shorter, st, cut, len - w, a);
    if (!rm_termset_match(rm_lex_terms(lex), &shorter, 1, 0, 1, payload) ||
        rm_lex_entry_at(lex, *payload)->valence == 0.0f ||
        strcmp(rm_lex_entry_at(lex, *payload)->term, cut))
        return false;
    *t = shorter;
    return true;
}

/* In Russian text a capitalised Latin word is a name ("МТС Smart", "Samsung Galaxy Note"),
 * not an English judgement. */
static bool latin_name(const rm_token *tok, rm_lang text_lang)
{
    return text_lang == RM_LANG_RU && (tok->flags & RM_TOK_LAT) && (tok->flags & RM_TOK_UPPER1);
}

static void term_token(const rm_nlp *nlp, const rm_token *tok, rm_lang text_lang, rm_stemmer *st,
                       rm_arena *a, rm_term_tok *t)
{
    memset(t, 0, sizeof(*t));
    switch (tok->kind) {
    case RM_TOK_WORD:
        if (!tok->norm_len || !(tok->flags & (RM_TOK_CYR | RM_TOK_LAT)) ||
            latin_name(tok, text_lang))
            return;
        t->lang = (tok->flags & RM_TOK_CYR) ? RM_LANG_RU : RM_LANG_EN;
        if (tok->flags & RM_TOK_ELONG)
            set_elongated_key(nlp->lex, t, tok, st, a);
        else
            set_key(t, st, tok->norm, tok->norm_len, a);
        break;
    case RM_TOK_EMOJI:
    case RM_TOK_EMOTICON:
    case RM_TOK_NUM:
        t->lang = RM_LANG_AUTO;
        set_key(t, st, tok->norm, tok->norm_len, a);
        break;
    default:
        break;
    }
}

static rm_term_tok *term_tokens(const rm_nlp *nlp, const rm_tokens *toks, rm_lang lang,
                                rm_arena *a)
{
    rm_term_tok *tt = rm_arena_alloc(a, (toks->n ? toks->n : 1) * sizeof(*tt));
    rm_stemmer *st = rm_stem_acquire(nlp->pool);

    for (size_t i = 0; i < toks->n; i++) {
        uint32_t payload;
        bool known;
        term_token(nlp, &toks->v[i], lang, st, a, &tt[i]);
        known = rm_termset_match(rm_lex_terms(nlp->lex), tt, toks->n, i, 1, &payload) ||
                shorten_doubled(nlp->lex, &tt[i], &toks->v[i], st, a, &payload);
        /* Negators get their class now, so phrases such as "<neg> fit" can match them. */
        if (known && (rm_lex_entry_at(nlp->lex, payload)->flags & RM_LEX_NEG))
            tt[i].cls |= RM_TERM_CLS_NEG;
    }
    rm_stem_release(nlp->pool, st);
    return tt;
}

/* Cuts at most RM_NLP_MAX_BYTES without splitting a UTF-8 sequence. */
static size_t capped_len(const char *text, size_t len)
{
    if (len <= RM_NLP_MAX_BYTES)
        return len;
    len = RM_NLP_MAX_BYTES;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    return len;
}

rm_err rm_nlp_score(const rm_nlp *nlp, const char *text, size_t len, rm_lang hint,
                    rm_arena *arena, rm_sentiment *out)
{
    rm_tokens toks;
    rm_term_tok *tt;
    rm_senti_result sr;

    if (!nlp || !out || !arena || (!text && len))
        return RM_EINVAL;
    if (!text)
        text = "";
    len = capped_len(text, len);
    rm_token_split(text, len, arena, &toks);
    memset(out, 0, sizeof(*out));
    out->lang = hint == RM_LANG_AUTO ? rm_langid_detect(&toks) : hint;
    tt = term_tokens(nlp, &toks, out->lang, arena);
    rm_senti_run(nlp->lex, text, &toks, tt, arena, &sr);
    out->score = sr.score;
    out->label = rm_senti_label(sr.score);
    out->evidence = sr.ev;
    out->n_evidence = sr.n_ev;
    rm_aspects_find(nlp->aspects, text, &toks, tt, &sr, arena, &out->aspects, &out->n_aspects);
    return RM_OK;
}
