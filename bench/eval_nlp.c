/* eval_nlp: revmine's sentiment scorer on one labelled set (../shared/data/sentiment format:
 * header, then id<TAB>label<TAB>gold_score<TAB>text), beside another scorer's scores when given.
 *
 *   eval_nlp SET.tsv [OTHER_SCORES OTHER_NAME]   prints one table row per scorer
 *   eval_nlp --scores SET.tsv                    prints our score per row (for error analysis)
 *
 * Metrics: Pearson r against the gold score (when every row has one); 3-class accuracy and
 * macro-F1 with the labels pos >= 0.05 > neu > -0.05 >= neg; binary F1: macro-F1 over pos and
 * neg on the rows whose gold is pos or neg, where a neu prediction counts as a miss. */
#include "core/rm.h"

#include <math.h>

#include "core/arena.h"
#include "nlp/nlp.h"

#define MAX_ROWS 200000

typedef struct rows {
    rm_label *gold;
    double *gold_score; /* NAN when absent */
    double *score;
    double *other;
    size_t n;
} rows;

static rm_label parse_label(const char *s)
{
    return !strcmp(s, "pos") ? RM_LABEL_POS : !strcmp(s, "neg") ? RM_LABEL_NEG : RM_LABEL_NEU;
}

static rm_label label_of(double s)
{
    return s >= 0.05 ? RM_LABEL_POS : s <= -0.05 ? RM_LABEL_NEG : RM_LABEL_NEU;
}

static int load(const char *path, const rm_nlp *nlp, rows *r)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    rm_arena *a = rm_arena_new(64 * 1024);
    bool header = true;

    if (!f) {
        perror(path);
        return -1;
    }
    r->gold = rm_xcalloc(MAX_ROWS, sizeof(*r->gold));
    r->gold_score = rm_xcalloc(MAX_ROWS, sizeof(double));
    r->score = rm_xcalloc(MAX_ROWS, sizeof(double));
    r->other = rm_xcalloc(MAX_ROWS, sizeof(double));
    while ((len = getline(&line, &cap, f)) > 0 && r->n < MAX_ROWS) {
        char *fields[4], *p = line;
        rm_sentiment s;
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        if (header) {
            header = false;
            continue;
        }
        for (int k = 0; k < 3; k++) {
            fields[k] = p;
            p = strchr(p, '\t');
            if (!p)
                break;
            *p++ = '\0';
        }
        if (!p)
            continue;
        fields[3] = p;
        r->gold[r->n] = parse_label(fields[1]);
        r->gold_score[r->n] = *fields[2] ? strtod(fields[2], NULL) : NAN;
        if (rm_nlp_score(nlp, fields[3], strlen(fields[3]), RM_LANG_AUTO, a, &s) != RM_OK)
            return -1;
        r->score[r->n++] = s.score;
        rm_arena_reset(a);
    }
    free(line);
    fclose(f);
    rm_arena_free(a);
    return 0;
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            return NAN;
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

/* F1 of class c over rows where keep(gold) holds. */
static double f1(const rows *r, const double *s, rm_label c, bool binary)
{
    size_t tp = 0, fp = 0, fn = 0;

    for (size_t i = 0; i < r->n; i++) {
        rm_label g = r->gold[i], p = label_of(s[i]);
        if (binary && g == RM_LABEL_NEU)
            continue;
        tp += g == c && p == c;
        fp += g != c && p == c;
        fn += g == c && p != c;
    }
    return tp ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0.0;
}

static void print_row(const char *set, const char *who, const rows *r, const double *s)
{
    size_t ok = 0, support[3] = {0};
    double macro = 0;
    int classes = 0;

    for (size_t i = 0; i < r->n; i++) {
        ok += label_of(s[i]) == r->gold[i];
        support[r->gold[i] + 1]++;
    }
    for (int c = -1; c <= 1; c++) {
        if (support[c + 1]) {
            macro += f1(r, s, (rm_label)c, false);
            classes++;
        }
    }
    printf("%-20s %-10s %6zu  %6.3f  %6.3f  %8.3f  %7.3f\n", set, who, r->n,
           pearson(s, r->gold_score, r->n), (double)ok / (double)r->n, macro / classes,
           (f1(r, s, RM_LABEL_POS, true) + f1(r, s, RM_LABEL_NEG, true)) / 2);
}

static int read_other(const char *path, rows *r)
{
    FILE *f = fopen(path, "r");
    size_t i = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    while (i < r->n && fscanf(f, "%lf", &r->other[i]) == 1)
        i++;
    fclose(f);
    if (i != r->n) {
        fprintf(stderr, "%s: %zu scores for %zu rows\n", path, i, r->n);
        return -1;
    }
    return 0;
}

static const char *set_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int main(int argc, char **argv)
{
    rm_diag diag;
    rm_nlp *nlp;
    rows r = {0};
    bool dump = argc > 1 && !strcmp(argv[1], "--scores");
    const char *set = argv[dump ? 2 : 1];
    int rc = 1;

    if (argc < 2 + dump) {
        fprintf(stderr, "usage: eval_nlp [--scores] SET.tsv [OTHER_SCORES OTHER_NAME]\n");
        return 2;
    }
    rm_diag_init(&diag);
    if (rm_nlp_new(NULL, &diag, &nlp) != RM_OK) {
        rm_diag_print(&diag, stderr);
        return 1;
    }
    if (load(set, nlp, &r) != 0 || r.n == 0)
        goto cleanup;
    if (dump) {
        for (size_t i = 0; i < r.n; i++)
            printf("%.4f\n", r.score[i]);
    } else {
        print_row(set_name(set), "revmine", &r, r.score);
        if (argc >= 4 && read_other(argv[2], &r) == 0)
            print_row(set_name(set), argv[3], &r, r.other);
    }
    rc = 0;
cleanup:
    free(r.gold);
    free(r.gold_score);
    free(r.score);
    free(r.other);
    rm_nlp_free(nlp);
    rm_diag_release(&diag);
    return rc;
}
