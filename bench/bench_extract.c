/* Extraction throughput in MB/s of HTML on one core: Gumbo parse alone, zero-config
 * extraction, and extraction with a rule file (CSS rules on the libxml2 copy), measured side
 * by side on the same pages in one run. Medians of several rounds; the ratio to parse-only is
 * the figure that survives a busy machine.
 *
 * Pages: the corpus in tests/fixtures/extract/pages (small, real-world shaped) and a large
 * generated marketplace page (a product with 300 reviews in microdata and JSON-LD, 600 links),
 * closer to what a crawler fetches. */
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

/* A product page as big marketplaces serve them: navigation, JSON-LD with the first reviews,
 * then every review in visible HTML with microdata, and pagination. */
static void make_big_page(set *s)
{
    rm_buf b;
    size_t len;
    char *body;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    (void)rm_buf_adds(&b, "<!DOCTYPE html><html lang=ru><head><meta charset=utf-8>"
                          "<title>Чайник — Маркет</title><meta property=og:site_name content=Маркет>"
                          "<script type=application/ld+json>{\"@context\":\"https://schema.org\","
                          "\"@type\":\"Product\",\"name\":\"Электрочайник\",\"sku\":\"MK-42\","
                          "\"offers\":{\"@type\":\"Offer\",\"price\":\"2490.00\",\"priceCurrency\":"
                          "\"RUB\"},\"aggregateRating\":{\"ratingValue\":\"4.4\",\"reviewCount\":300},"
                          "\"review\":[");
    for (int i = 0; i < 5; i++)
        (void)rm_buf_addf(&b, "%s{\"@type\":\"Review\",\"author\":\"Автор %d\",\"reviewRating\":"
                              "{\"ratingValue\":%d},\"reviewBody\":\"Текст отзыва номер %d.\"}",
                          i ? "," : "", i, 1 + i % 5, i);
    (void)rm_buf_adds(&b, "]}</script></head><body><header><nav>");
    for (int i = 0; i < 300; i++)
        (void)rm_buf_addf(&b, "<a href=\"/catalog/c%d\">Категория %d</a> ", i, i);
    (void)rm_buf_adds(&b, "</nav></header><main class=product itemscope "
                          "itemtype=https://schema.org/Product><h1 class=product-title "
                          "itemprop=name>Электрочайник Vitek VT-7009</h1>"
                          "<span class=price data-price=2490.00 data-currency=RUB>2 490 ₽</span>");
    for (int i = 0; i < 300; i++)
        (void)rm_buf_addf(&b,
            "<div class=review data-review-id=%d itemprop=review itemscope "
            "itemtype=https://schema.org/Review><div class=review-author itemprop=author itemscope "
            "itemtype=https://schema.org/Person><a itemprop=url href=/user/%d><span itemprop=name>"
            "Покупатель %d</span></a></div><span class=stars data-rating=%d itemprop=reviewRating "
            "itemscope><meta itemprop=ratingValue content=%d>★★★★☆</span><time "
            "itemprop=datePublished datetime=2024-03-%02d>%d марта</time><h3 class=review-title "
            "itemprop=name>Заголовок %d</h3><p class=review-text itemprop=reviewBody>Закипает "
            "быстро, не шумит, крышка открывается легко. Через месяц всё ещё как новый; "
            "доставка заняла %d дня.</p></div>",
            1000 + i, i, i, 1 + i % 5, 1 + i % 5, 1 + i % 28, 1 + i % 28, i, 1 + i % 7);
    (void)rm_buf_adds(&b, "</main><nav class=pagination><a class=next "
                          "href=/product/42/reviews?page=2>Дальше</a></nav></body></html>");
    body = rm_buf_detach(&b, &len);
    add_page(s, body, len);
}

typedef enum mode { PARSE, ZERO, RULES } mode;

static void run_page(mode m, const rm_extractor *ex, const page *p, rm_arena *scratch,
                     rm_arena *out)
{
    rm_page pg = {"http://127.0.0.1:8080/product/42", "text/html; charset=utf-8", p->body,
                  p->len, 1711929600};
    rm_recs recs;
    GumboOutput *doc;

    if (m == PARSE) {
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
            run_page(m, ex, &s->pages[i], scratch, out);
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
    double r[3][ROUNDS], med[3];
    const rm_extractor *ex[3] = {NULL, zero, rules};

    /* Rounds interleave the modes so a neighbour's burst of work hits all three alike. */
    for (int k = 0; k < ROUNDS; k++)
        for (int m = 0; m < 3; m++)
            r[m][k] = round_mbps((mode)m, ex[m], s, scratch, out);
    for (int m = 0; m < 3; m++) {
        qsort(r[m], ROUNDS, sizeof(double), cmp_double);
        med[m] = r[m][ROUNDS / 2];
    }
    printf("%-24s %5zu pages %8.1f KB | parse %7.1f MB/s | zero-config %7.1f MB/s (%3.0f%%) | "
           "rules %7.1f MB/s (%3.0f%%)\n",
           s->name, s->n, (double)s->bytes / 1024, med[0], med[1], 100 * med[1] / med[0], med[2],
           100 * med[2] / med[0]);
    rm_arena_free(scratch);
    rm_arena_free(out);
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
    set corpus = {"corpus pages", NULL, 0, 0}, big = {"generated 300-review page", NULL, 0, 0};
    rm_extractor *zero = NULL, *rules = NULL;
    rm_diag d;

    rm_diag_init(&d);
    if (rm_extractor_new(NULL, 0, &d, &zero) || rm_extractor_new(files, 1, &d, &rules)) {
        rm_diag_print(&d, stderr);
        return 1;
    }
    load_corpus(&corpus, root);
    make_big_page(&big);
    printf("median of %d rounds, one core; %% is of parse-only speed on the same pages "
           "(target >= 50%%)\n", ROUNDS);
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
