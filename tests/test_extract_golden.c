/* Zero-config extraction on the page corpus (tests/fixtures/extract/pages) against reviewed
 * JSON Lines files beside each page. index.tsv gives each page's URL and Content-Type.
 *
 * After a deliberate change, RM_GOLDEN_UPDATE=1 rewrites the .jsonl files; review the diff
 * by hand before committing it. */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/extract.h"
#include "tests/helpers/testutil.h"

#define FETCHED_AT 1711929600 /* 2024-04-01: "now" for every page */

typedef struct entry {
    char name[256], url[1024], ctype[256];
} entry;

static char *records_of(const rm_extractor *ex, const entry *e, const char *body, size_t len)
{
    rm_arena *scratch = rm_arena_new(1 << 16), *out = rm_arena_new(1 << 16);
    rm_recs recs;
    rm_page page = {e->url, strcmp(e->ctype, "-") ? e->ctype : NULL, body, len, FETCHED_AT};
    rm_buf b;
    rm_err err;

    rm_recs_init(&recs, out);
    err = rm_extract(ex, &page, scratch, &recs);
    if (err)
        fail_msg("%s: %s", e->name, rm_err_str(err));
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < recs.n; i++) {
        json_t *j = rm_rec_to_json(&recs.v[i]);
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        (void)rm_buf_addf(&b, "%s\n", s);
        free(s);
        json_decref(j);
    }
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out);
    return rm_buf_detach(&b, NULL);
}

static int parse_line(char *line, entry *e)
{
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    char *nl = strchr(line, '\n');

    if (line[0] == '#' || !tab2)
        return -1;
    if (nl)
        *nl = '\0';
    *tab1 = *tab2 = '\0';
    snprintf(e->name, sizeof(e->name), "%s", line);
    snprintf(e->url, sizeof(e->url), "%s", tab1 + 1);
    snprintf(e->ctype, sizeof(e->ctype), "%s", tab2 + 1);
    return 0;
}

static void golden_path(const entry *e, char *out, size_t size)
{
    const char *dot = strrchr(e->name, '.');
    snprintf(out, size, "%s/tests/fixtures/extract/pages/%.*s.jsonl", rm_test_root(),
             (int)(dot ? dot - e->name : (long)strlen(e->name)), e->name);
}

/* One page: its output equals its golden file (or rewrites it in update mode). */
static int check_page(const rm_extractor *ex, const entry *e, bool update)
{
    char rel[512], golden[FIXTURE_PATH_MAX];
    size_t len;
    char *body, *got, *want;
    int bad = 0;

    snprintf(rel, sizeof(rel), "extract/pages/%s", e->name);
    body = rm_test_read_fixture(rel, &len);
    got = records_of(ex, e, body, len);
    golden_path(e, golden, sizeof(golden));
    if (update) {
        FILE *f = fopen(golden, "w");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    } else {
        want = rm_test_read_file(golden, NULL);
        if (!want || strcmp(want, got)) {
            fprintf(stderr, "golden mismatch: %s\n--- want\n%s--- got\n%s", e->name,
                    want ? want : "(missing)\n", got);
            bad = 1;
        }
        free(want);
    }
    free(body);
    free(got);
    return bad;
}

static void golden_corpus_matches(void **state)
{
    size_t len;
    char *index = rm_test_read_fixture("extract/pages/index.tsv", &len), *line, *next;
    bool update = getenv("RM_GOLDEN_UPDATE") && *getenv("RM_GOLDEN_UPDATE") == '1';
    rm_extractor *ex = NULL;
    rm_diag d;
    int pages = 0, bad = 0;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_extractor_new(NULL, 0, &d, &ex), RM_OK);
    for (line = index; line && *line; line = next) {
        entry e;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (parse_line(line, &e) != 0)
            continue;
        bad += check_page(ex, &e, update);
        pages++;
    }
    rm_extractor_free(ex);
    free(index);
    /* The corpus is the accuracy evidence: it must not shrink by accident. */
    assert_true(pages >= 30);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_corpus_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
