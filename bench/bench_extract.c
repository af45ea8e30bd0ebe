/* Extraction throughput in MB/s of HTML on one core: Gumbo's parse of the whole page, our
 * parse (rm_html_parse: the same tree, script and style contents cut before Gumbo and put
 * back), zero-config extraction, and extraction with the market-fixture rule file (CSS rules,
 * structured data off), measured side by side on the same pages in one run. Medians of
 * several rounds; ratios to Gumbo's parse are the figures that survive a busy machine.
 *
 * Pages: the corpus in tests/fixtures/extract/pages (small, real-world shaped, read as the
 * fixture marketplace's product pages) and a large review page generated in the fixture
 * marketplace's markup (300 reviews in microdata, 600 links), closer to what a crawler
 * fetches. */
#include "core/rm.h"

#include <dirent.h>

#include "core/arena.h"
#include "core/clock.h"
#include "extractors/extract.h"
#include "extractors/html.h"

#define ROUNDS 5
#define MIN_ROUND_MS 400

typedef struct page {
    char *body;
    size_t len;
} page;

typedef struct set {
    const char *name;
    const char *url; /* what the pages were fetched as: picks the rule file's page type */
    page *pages;
    size_t n, bytes;
} set;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    rm_buf b;
    char chunk[65536];
    size_t n;

    if (!f)
        return NULL;
    rm_buf_init(&b, RM_EXTRACT_MAX_PAGE);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        (void)rm_buf_add(&b, chunk, n);
    fclose(f);
    return rm_buf_detach(&b, len);
}

static void add_page(set *s, char *body, size_t len)
{
    s->pages = rm_xrealloc(s->pages, (s->n + 1) * sizeof(*s->pages));
    s->pages[s->n++] = (page){body, len};
    s->bytes += len;
}

static void load_corpus(set *s, const char *root)
{
    char dir[4096], path[8192];
    DIR *d;
    struct dirent *e;

    snprintf(dir, sizeof(dir), "%s/tests/fixtures/extract/pages", root);
    if (!(d = opendir(dir)))
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len, k = strlen(e->d_name);
        char *body;
        if (k < 6 || strcmp(e->d_name + k - 5, ".html"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if ((body = read_file(path, &len)) != NULL)
            add_page(s, body, len);
    }
    closedir(d);
}

/* A review page of the fixture marketplace (/p/ID/reviews?page=K) grown to 300 reviews:
 * navigation, the product in microdata, every review in microdata, pagination. */
static void make_big_page(set *s)
{
    rm_buf b;
    size_t len;
    char *body;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    (void)rm_buf_adds(&b, "<!DOCTYPE html><html lang=ru><head><meta charset=utf-8>"
                          "<title>Отзывы: Чайник — Маркет</title><meta property=og:site_name "
                          "content=market></head><body><header><nav>");
    for (int i = 0; i < 300; i++)
        (void)rm_buf_addf(&b, "<a href=\"/c/c%d?page=1\">Категория %d</a> ", i, i);
    (void)rm_buf_adds(&b, "</nav></header><main class=reviews-page><div itemscope "
                          "itemtype=https://schema.org/Product><h1>Отзывы о товаре <span "
                          "itemprop=name>Электрочайник Vitek VT-7009</span></h1><link itemprop=url "
                          "href=/p/42-elektrochaynik><a class=back href=/p/42-elektrochaynik>К "
                          "товару</a><div class=reviews-list>");
    for (int i = 0; i < 300; i++)
        (void)rm_buf_addf(&b,
            "<div class=review itemprop=review itemscope itemtype=https://schema.org/Review "
            "data-review-id=r-%06d><meta itemprop=identifier content=r-%06d><div class=review__author "
            "itemprop=author itemscope itemtype=https://schema.org/Person><a itemprop=url "
            "href=/u/buyer%d><span itemprop=name>Покупатель %d</span></a></div><div "
            "class=review__rating itemprop=reviewRating itemscope "
            "itemtype=https://schema.org/Rating><meta itemprop=worstRating content=1><meta "
            "itemprop=bestRating content=5><meta itemprop=ratingValue content=%d><span "
            "class=stars>%s</span></div><time itemprop=datePublished datetime=2024-03-%02d>%d "
            "марта 2024</time><h3 class=review__title itemprop=name>Заголовок %d</h3><p "
            "class=review__body itemprop=reviewBody>Закипает быстро, не шумит, крышка открывается "
            "легко. Через месяц всё ещё как новый; доставка заняла %d дня.</p></div>",
            1000 + i, 1000 + i, i, i, 1 + i % 5,
            (const char *[]){"★☆☆☆☆", "★★☆☆☆", "★★★☆☆", "★★★★☆", "★★★★★"}[i % 5],
            1 + i % 28, 1 + i % 28, i, 1 + i % 7);
    (void)rm_buf_adds(&b, "</div></div><nav class=pagination><a rel=next class=pagination__next "
                          "href=/p/42/reviews?page=2>Вперёд</a></nav></main></body></html>");
    body = rm_buf_detach(&b, &len);
    add_page(s, body, len);
}

typedef enum mode { GUMBO, PARSE, ZERO, RULES, NMODES } mode;

static void run_page(mode m, const rm_extractor *ex, const set *s, const page *p,
                     rm_arena *scratch, rm_arena *out)
{
    rm_page pg = {s->url, "text/html; charset=utf-8", p->body, p->len, 1711929600};
    rm_recs recs;
    GumboOutput *doc;

    if (m == GUMBO) {
        if (rm_html_parse_whole(p->body, p->len, scratch, &doc) != RM_OK)
            abort();
    } else if (m == PARSE) {
        if (rm_html_parse(p->body, p->len, scratch, &doc) != RM_OK)
            abort();
    } else {
        rm_recs_init(&recs, out);
        if (rm_extract(ex, &pg, scratch, &recs) != RM_OK)
            abort();
        rm_recs_release(&recs);
    }
    rm_arena_reset(scratch);
    rm_arena_reset(out);
}

/* MB/s of one round: whole passes over the set until MIN_ROUND_MS has gone by. */
static double round_mbps(mode m, const rm_extractor *ex, const set *s, rm_arena *scratch,
                         rm_arena *out)
{
    int64_t start = rm_mono_ms(), el;
    size_t bytes = 0;

    do {
        for (size_t i = 0; i < s->n; i++)
            run_page(m, ex, s, &s->pages[i], scratch, out);
        bytes += s->bytes;
        el = rm_mono_ms() - start;
    } while (el < MIN_ROUND_MS);
    return (double)bytes / 1e6 / ((double)el / 1000.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void measure(const set *s, const rm_extractor *zero, const rm_extractor *rules)
{
    rm_arena *scratch = rm_arena_new(1 << 20), *out = rm_arena_new(1 << 16);
    double r[NMODES][ROUNDS], med[NMODES];
    const rm_extractor *ex[NMODES] = {NULL, NULL, zero, rules};

    /* Rounds interleave the modes so a neighbour's burst of work hits all alike. */
    for (int k = 0; k < ROUNDS; k++)
        for (int m = 0; m < NMODES; m++)
            r[m][k] = round_mbps((mode)m, ex[m], s, scratch, out);
    for (int m = 0; m < NMODES; m++) {
        qsort(r[m], ROUNDS, sizeof(double), cmp_double);
        med[m] = r[m][ROUNDS / 2];
    }
    printf("%s, %zu pages, %.1f KB\n  gumbo %6.1f MB/s | parse %6.1f MB/s (%3.0f%%) | "
           "zero-config %6.1f MB/s (%3.0f%%) | rules %6.1f MB/s (%3.0f%%)\n",
           s->name, s->n, (double)s->bytes / 1024, med[GUMBO], med[PARSE],
           100 * med[PARSE] / med[GUMBO], med[ZERO], 100 * med[ZERO] / med[GUMBO], med[RULES],
           100 * med[RULES] / med[GUMBO]);
    rm_arena_free(scratch);
    rm_arena_free(out);
}

/* Review records extract gives for the first page of s: the generated page must be one the
 * rules really read, or the figures would time a no-op. */
static size_t reviews_of(const rm_extractor *ex, const set *s)
{
    rm_arena *scratch = rm_arena_new(1 << 20), *out = rm_arena_new(1 << 16);
    rm_page pg = {s->url, "text/html; charset=utf-8", s->pages[0].body, s->pages[0].len, 0};
    rm_recs recs;
    size_t n = 0;

    rm_recs_init(&recs, out);
    if (rm_extract(ex, &pg, scratch, &recs) == RM_OK)
        for (size_t i = 0; i < recs.n; i++)
            n += recs.v[i].type == RM_REC_REVIEW;
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out);
    return n;
}

static void free_set(set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->pages[i].body);
    free(s->pages);
}

int main(void)
{
    const char *root = getenv("RM_ROOT") ? getenv("RM_ROOT") : ".";
    const char *files[] = {"market-fixture"};
    set corpus = {"corpus pages", "http://127.0.0.1:8700/p/42-elektrochaynik", NULL, 0, 0};
    set big = {"generated 300-review page", "http://127.0.0.1:8700/p/42/reviews?page=1", NULL, 0, 0};
    rm_extractor *zero = NULL, *rules = NULL;
    rm_diag d;

    rm_diag_init(&d);
    if (rm_extractor_new(NULL, 0, &d, &zero) || rm_extractor_new(files, 1, &d, &rules)) {
        rm_diag_print(&d, stderr);
        return 1;
    }
    load_corpus(&corpus, root);
    make_big_page(&big);
    if (reviews_of(zero, &big) != 300 || reviews_of(rules, &big) != 300) {
        fprintf(stderr, "bench_extract: the generated page does not give 300 reviews\n");
        return 1;
    }
    printf("median of %d rounds, one core; %% is of Gumbo's whole-page parse speed on the same "
           "pages (extraction target >= 50%%)\n", ROUNDS);
    if (corpus.n)
        measure(&corpus, zero, rules);
    measure(&big, zero, rules);
    free_set(&corpus);
    free_set(&big);
    rm_extractor_free(zero);
    rm_extractor_free(rules);
    rm_diag_release(&d);
    return 0;
}
