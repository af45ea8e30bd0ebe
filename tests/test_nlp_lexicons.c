/* The English lexicon files together: everyday world-knowledge words (en_life.tsv) and words
 * of critique (en_critique.tsv) score with the sign people give them in context, and the en
 * files never disagree about a term. */
#include "core/rm.h"
#include "core/arena.h"
#include "nlp/nlp.h"
#include "tests/helpers/testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>

static rm_nlp *nlp;
static rm_arena *arena;

static int setup(void **state)
{
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    if (rm_nlp_new(NULL, &d, &nlp) != RM_OK || d.n) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return -1;
    }
    rm_diag_release(&d);
    arena = rm_arena_new(64 * 1024);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_nlp_free(nlp);
    rm_arena_free(arena);
    return 0;
}

static rm_sentiment run(const char *text)
{
    rm_sentiment s;
    assert_int_equal(rm_nlp_score(nlp, text, strlen(text), RM_LANG_EN, arena, &s), RM_OK);
    return s;
}

static bool has_evidence(const rm_sentiment *s, const char *term)
{
    for (size_t i = 0; i < s->n_evidence; i++)
        if (!strcmp(s->evidence[i].term, term))
            return true;
    return false;
}

/* A text, the sign a reader gives it, and the en_life.tsv entry that must carry it (NULL when
 * the words come from other files). */
typedef struct life_case {
    const char *text;
    int sign;
    const char *term;
} life_case;

static const life_case life_cases[] = {
    {"stuck in traffic again", -1, NULL},
    {"finally on vacation", 1, NULL},
    {"So groggy this morning", -1, "groggy"},
    {"Off work with bronchitis", -1, "bronchitis"},
    {"Just married!", 1, "just married"},
    {"Grandpa passed away last night", -1, "passed away"},
    {"Day off tomorrow", 1, "day off"},
    {"My boss is a micromanager", -1, "micromanager"},
    {"Tax refund came through", 1, "tax refund"},
    {"Overdrawn again", -1, "overdrawn"},
    {"Caught in a downpour on the way home", -1, "downpour"},
    {"Stranded at the airport overnight", -1, "stranded"},
    {"Weekend getaway booked", 1, "weekend getaway"},
    {"Burst pipe in the kitchen", -1, "burst pipe"},
    {"Lazy Sunday by the fireplace", 1, "fireplace"},
    {"Cold beer on the porch", 1, "cold beer"},
    {"Relegated after ten years", -1, "relegated"},
    {"Gunfire downtown tonight", -1, "gunfire"},
    {"My phone is bricked after the update", -1, "bricked"},
    {"He unfollowed me", -1, "unfollowed"},
    {"Belly rubs for the puppy", 1, "belly rubs"},
    {"No traffic on the way in", 1, "no traffic"},
    {"the comfiest chair", 1, "comfiest"},
    {"the rudest waiter", -1, "rudest"},
    {"That call made my week", 1, "made my week"},
    {"Power cut again", -1, "power cut"},
};

/* Words of critique and appraisal (en_critique.tsv) in review and news sentences. */
static const life_case critique_cases[] = {
    {"The plot is contrived and the ending generic", -1, "contrived"},
    {"A tepid, mawkish sequel", -1, "tepid"},
    {"The pasta was insipid", -1, "insipid"},
    {"Customer service is nonexistent", -1, "nonexistent"},
    {"The whole launch was a travesty", -1, "travesty"},
    {"A cliché-ridden script", -1, "cliché"},
    {"Written with flair and real wit", 1, "flair"},
    {"An incisive, illuminating documentary", 1, "incisive"},
    {"The manual is informative and thorough", 1, "informative"},
    {"A nifty little gadget", 1, "nifty"},
    {"The staff showed real competence", 1, "competence"},
    {"Years of treachery and carnage", -1, "treachery"},
};

static void check_cases(const life_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const life_case *c = &cases[i];
        rm_sentiment s = run(c->text);
        if (s.score * c->sign < 0.05 || (c->term && !has_evidence(&s, c->term)))
            fail_msg("'%s' scored %.4f, want sign %d from '%s'", c->text, s.score, c->sign,
                     c->term ? c->term : "(any file)");
    }
}

static void lexicons_world_knowledge_words_score_in_context(void **state)
{
    (void)state;
    check_cases(life_cases, sizeof(life_cases) / sizeof(life_cases[0]));
}

static void lexicons_critique_words_score_in_context(void **state)
{
    (void)state;
    check_cases(critique_cases, sizeof(critique_cases) / sizeof(critique_cases[0]));
}

static void lexicons_neutral_senses_stay_neutral(void **state)
{
    (void)state;
    /* Words with a common neutral sense were left out of en_life.tsv on purpose. */
    assert_true(run("a book entitled Paris").score == 0.0);
    assert_true(run("It charges overnight").score == 0.0);
    assert_true(run("grey case with a blue strap").score == 0.0);
    assert_true(run("We moved house in May").score == 0.0);
}

/* Snowball gives a derived word the stem of a polar one, and the written-form guard lets it
 * through ("political" starts with "polit", "business" with "bus" + i): these words name
 * things, not verdicts. The list came from matching every word of a dictionary against the
 * lexicon (tools/lex_audit.sh) and reading the derived matches. */
static const char *const derived_neutral[] = {
    "I witnessed it", "generics",  "an articulated arm",
    "business",     "customer",      "political",    "politics",     "the resolution",
    "first impression", "respectively", "originally", "accommodation", "the assistant",
    "amenities",    "classical",  "chilli",     "a coupe",      "bubble",
    "the treasurer", "reminiscent of", "an exhaustive list", "consideration", "succession",
    "protestant",   "authentication", "perishables", "contention",   "correction",
    "historical",   "promotional",   "functionality", "securities",  "humanities",
    "gorge",        "fitness",       "respective",   "successive",   "quite",
};

static void lexicons_derived_words_keep_their_own_sense(void **state)
{
    size_t bad = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(derived_neutral) / sizeof(derived_neutral[0]); i++) {
        rm_sentiment s = run(derived_neutral[i]);
        if (s.score != 0.0) {
            fprintf(stderr, "'%s' scored %.4f (%s)\n", derived_neutral[i], s.score,
                    s.n_evidence ? s.evidence[0].term : "-");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Degree adverbs made from an evaluative adjective intensify the next word, whatever its sign,
 * and keep their own valence only when they stand alone. */
static void lexicons_degree_adverbs_intensify_either_sign(void **state)
{
    (void)state;
    assert_true(run("quite big").score == 0.0);
    assert_true(run("quite good").score >= run("good").score);
    assert_true(run("quite slow").score <= run("slow").score);
    assert_true(run("greatly disappointed").score < run("disappointed").score);
    assert_true(run("strongly dislike").score < run("dislike").score);
    assert_true(run("surprisingly slow").score < run("slow").score);
    assert_true(run("dangerously good").score > run("good").score);
    assert_true(run("shockingly good").score > run("good").score);
    assert_true(run("outrageously good").score > run("good").score);
    assert_true(run("absurdly good").score > run("good").score);
    assert_true(run("damned good").score > run("good").score);
    /* alone, the adverb is a verdict of its own */
    assert_true(run("Surprisingly!").score > 0);
    assert_true(run("I quit").score < 0);
}

/* ---- the files themselves ---- */

typedef struct lex_row {
    char *term;       /* owned; ASCII-lower-cased */
    double valence;
    const char *file; /* borrowed from the files array */
    int line;
} lex_row;

typedef struct lex_rows {
    lex_row *v;
    size_t n, cap;
} lex_rows;

static void add_line(lex_rows *rows, const char *file, int line, char *text)
{
    char *tab = strchr(text, '\t'), *end;
    lex_row *r;

    if (!*text || *text == '#' || !tab)
        return;
    *tab = '\0';
    RM_GROW(rows->v, rows->cap, rows->n + 1);
    r = &rows->v[rows->n++];
    r->term = rm_xstrdup(text);
    for (char *p = r->term; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    r->valence = strtod(tab + 1, &end);
    r->file = file;
    r->line = line;
}

static void read_lexicon(lex_rows *rows, const char *dir, const char *file)
{
    char path[FIXTURE_PATH_MAX];
    size_t len;
    char *data, *p, *nl;
    int line = 0, w;

    w = snprintf(path, sizeof(path), "%s/%s", dir, file);
    assert_true(w > 0 && (size_t)w < sizeof(path));
    data = rm_test_read_file(path, &len);
    assert_non_null(data);
    for (p = data; p < data + len; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(data + len - p));
        if (!nl)
            nl = data + len;
        *nl = '\0';
        add_line(rows, file, ++line, p);
    }
    free(data);
}

static int by_term(const void *a, const void *b)
{
    return strcmp(((const lex_row *)a)->term, ((const lex_row *)b)->term);
}

/* Every configs/lexicons/en*.tsv, rows sorted by term; names are owned by *files. */
static size_t load_en_files(lex_rows *rows, char **files, size_t max_files)
{
    char dir[FIXTURE_PATH_MAX];
    DIR *d;
    struct dirent *ent;
    size_t n = 0;

    snprintf(dir, sizeof(dir), "%s/configs/lexicons", rm_test_root());
    d = opendir(dir);
    assert_non_null(d);
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (strncmp(ent->d_name, "en", 2) || (ent->d_name[2] != '.' && ent->d_name[2] != '_') ||
            len < 4 || strcmp(ent->d_name + len - 4, ".tsv"))
            continue;
        assert_true(n < max_files);
        files[n] = rm_xstrdup(ent->d_name);
        read_lexicon(rows, dir, files[n]);
        n++;
    }
    closedir(d);
    qsort(rows->v, rows->n, sizeof(*rows->v), by_term);
    return n;
}

static void free_en_files(lex_rows *rows, char **files, size_t n)
{
    for (size_t i = 0; i < rows->n; i++)
        free(rows->v[i].term);
    free(rows->v);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
}

static void lexicons_no_term_in_two_en_files_with_opposite_signs(void **state)
{
    lex_rows rows = {0};
    char *files[32];
    size_t n_files, clashes = 0;
    (void)state;
    n_files = load_en_files(&rows, files, 32);
    assert_true(n_files >= 2);
    for (size_t i = 0; i < rows.n; i++)
        for (size_t j = i + 1; j < rows.n && !strcmp(rows.v[i].term, rows.v[j].term); j++)
            if (rows.v[i].valence * rows.v[j].valence < 0) {
                fprintf(stderr, "'%s': %s:%d says %g, %s:%d says %g\n", rows.v[i].term,
                        rows.v[i].file, rows.v[i].line, rows.v[i].valence, rows.v[j].file,
                        rows.v[j].line, rows.v[j].valence);
                clashes++;
            }
    free_en_files(&rows, files, n_files);
    assert_int_equal(clashes, 0);
}

/* Every entry of `file` is polar and in no other en file; returns how many it has. */
static size_t file_adds_only_new_polar_terms(const char *file)
{
    lex_rows rows = {0};
    char *files[32];
    size_t n_files, count = 0, bad = 0;
    n_files = load_en_files(&rows, files, 32);
    for (size_t i = 0; i < rows.n; i++) {
        const lex_row *r = &rows.v[i];
        bool repeated = (i > 0 && !strcmp(rows.v[i - 1].term, r->term)) ||
                        (i + 1 < rows.n && !strcmp(rows.v[i + 1].term, r->term));
        if (strcmp(r->file, file))
            continue;
        count++;
        if (repeated || r->valence == 0.0) {
            fprintf(stderr, "%s:%d: '%s' %s\n", file, r->line, r->term,
                    repeated ? "is in another en file" : "is neutral");
            bad++;
        }
    }
    free_en_files(&rows, files, n_files);
    assert_int_equal(bad, 0);
    return count;
}

static void lexicons_life_file_adds_only_new_polar_terms(void **state)
{
    (void)state;
    assert_true(file_adds_only_new_polar_terms("en_life.tsv") >= 1500);
}

static void lexicons_critique_file_adds_only_new_polar_terms(void **state)
{
    (void)state;
    assert_true(file_adds_only_new_polar_terms("en_critique.tsv") >= 250);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lexicons_world_knowledge_words_score_in_context),
        cmocka_unit_test(lexicons_critique_words_score_in_context),
        cmocka_unit_test(lexicons_neutral_senses_stay_neutral),
        cmocka_unit_test(lexicons_derived_words_keep_their_own_sense),
        cmocka_unit_test(lexicons_degree_adverbs_intensify_either_sign),
        cmocka_unit_test(lexicons_no_term_in_two_en_files_with_opposite_signs),
        cmocka_unit_test(lexicons_life_file_adds_only_new_polar_terms),
        cmocka_unit_test(lexicons_critique_file_adds_only_new_polar_terms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
