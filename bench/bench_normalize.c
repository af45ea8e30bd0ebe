/* Normaliser and JSONPath throughput: calls per second, median of 5 runs, with baselines
 * measured in the same run so the ratios hold on a busy machine (strtod for price and rating
 * numbers, memcpy for text, direct jansson lookups for JSONPath).
 *   bash bench/run.sh build bench_normalize */
#include "core/rm.h"

#include "extractors/jsonpath.h"
#include "extractors/normalize.h"

#define RUNS 5
/* Each timed run lasts about this long once the batch size is calibrated. */
#define TARGET_NS 60000000.0

static volatile double sink;

static const char *const prices[] = {
    "1 299 ₽", "1\xc2\xa0" "299,50\xc2\xa0руб.", "от 499 ₽", "$12.99", "1.299,00 €",
    "US$1,299.99", "CHF 1'299.50", "1 299 – 1 599 ₽", "бесплатно", "RUB 1299",
};
static const char *const ratings[] = {
    "4,5 из 5", "4.5/5", "9/10", "90%", "★★★★☆", "4 out of 5 stars", "Рейтинг: 4.8", "4.3",
};
static const char *const dates[] = {
    "12 марта 2024", "12.03.2024", "2024-03-12T10:00:00+03:00", "вчера", "3 дня назад",
    "Mar 12, 2024", "March 2024", "3 days ago", "03/12/2024", "12 мар. 2024 г. в 10:00",
};

static const char review[] =
    "Отличный чайник!&nbsp;Закипает быстро, &laquo;носик&raquo; не&nbsp;капает.\n\n"
    "Из минусов &mdash; шумноват, но за свои деньги&hellip; рекомендую.   Great kettle, "
    "boils fast &amp; quiet enough; the lid&#39;s hinge feels cheap though.\t\t";
static const char note[] =
    "<p>Just got the new <a href=\"https://shop.example/k\" class=\"u-url\">kettle</a> "
    "&amp; it&#39;s great <span class=\"h-card\"><a href=\"https://m.example/@bob\">@"
    "<span>bob</span></a></span> 🎉</p><p>Boils in 2 min<br>quiet too</p>";

static const char doc_text[] =
    "{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"Product\",\"name\":\"K\","
    "\"offers\":{\"@type\":\"Offer\",\"price\":\"1299.00\",\"priceCurrency\":\"RUB\"},"
    "\"aggregateRating\":{\"ratingValue\":4.6,\"reviewCount\":87},\"review\":["
    "{\"author\":{\"name\":\"a\"},\"reviewRating\":{\"ratingValue\":5}},"
    "{\"author\":{\"name\":\"b\"},\"reviewRating\":{\"ratingValue\":3}}]},"
    "{\"@type\":\"BreadcrumbList\",\"itemListElement\":[{\"name\":\"Home\"}]}]}";

static json_t *doc;
static rm_jsonpath *path_direct, *path_descent;
static rm_buf text_out;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

typedef void (*bench_fn)(size_t i);

static void b_price(size_t i)
{
    const char *s = prices[i % RM_ARRAY_LEN(prices)];
    rm_price p;
    if (rm_norm_price(s, strlen(s), NULL, &p) == RM_OK)
        sink += p.amount;
}

static void b_strtod(size_t i)
{
    static const char *const nums[] = {"1299", "1299.50", "499", "12.99", "1299.00"};
    sink += strtod(nums[i % RM_ARRAY_LEN(nums)], NULL);
}

static void b_rating(size_t i)
{
    const char *s = ratings[i % RM_ARRAY_LEN(ratings)];
    double v;
    if (rm_norm_rating(s, strlen(s), 0, &v) == RM_OK)
        sink += v;
}

static void b_date(size_t i)
{
    static const rm_date_opts o = {1710504000, 180, RM_DATE_AUTO};
    const char *s = dates[i % RM_ARRAY_LEN(dates)];
    rm_date d;
    if (rm_norm_date(s, strlen(s), &o, &d) == RM_OK)
        sink += d.day;
}

static void b_text_plain(size_t i)
{
    (void)i;
    rm_buf_reset(&text_out);
    if (rm_norm_text(review, sizeof(review) - 1, RM_TEXT_BREAKS, &text_out) == RM_OK)
        sink += (double)text_out.len;
}

static void b_text_html(size_t i)
{
    (void)i;
    rm_buf_reset(&text_out);
    if (rm_norm_text(note, sizeof(note) - 1, RM_TEXT_HTML | RM_TEXT_BREAKS, &text_out) == RM_OK)
        sink += (double)text_out.len;
}

static void b_memcpy(size_t i)
{
    (void)i;
    rm_buf_reset(&text_out);
    (void)rm_buf_add(&text_out, review, sizeof(review) - 1);
    sink += (double)text_out.len;
}

static void b_path(size_t i)
{
    (void)i;
    sink += (double)(uintptr_t)rm_jsonpath_first(path_direct, doc);
}

static void b_getters(size_t i)
{
    json_t *g = json_array_get(json_object_get(doc, "@graph"), 0);
    (void)i;
    sink += (double)(uintptr_t)json_object_get(json_object_get(g, "offers"), "price");
}

static void b_descent(size_t i)
{
    (void)i;
    sink += (double)(uintptr_t)rm_jsonpath_first(path_descent, doc);
}

static double run_once(bench_fn fn, size_t n)
{
    double t0 = now_ns();
    for (size_t i = 0; i < n; i++)
        fn(i);
    return now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Calibrates a batch to about TARGET_NS, then returns the median calls per second. */
static double measure(bench_fn fn)
{
    size_t n = 1000;
    double rates[RUNS], t;

    while ((t = run_once(fn, n)) < TARGET_NS / 10 && n < ((size_t)1 << 30))
        n *= 4;
    n = (size_t)((double)n * TARGET_NS / (t > 1 ? t : 1)) + 1;
    for (int r = 0; r < RUNS; r++)
        rates[r] = (double)n / (run_once(fn, n) / 1e9);
    qsort(rates, RUNS, sizeof(rates[0]), cmp_double);
    return rates[RUNS / 2];
}

static void row(const char *name, double rate, const char *note_text)
{
    printf("%-30s %12.0f  %s\n", name, rate, note_text);
}

int main(void)
{
    double price, base_num, rating, date, plain, html, copy, path, get, descent;
    char ratio[96], name[64];

    doc = json_loads(doc_text, 0, NULL);
    if (!doc || rm_jsonpath_compile("$['@graph'][0].offers.price", &path_direct, NULL) ||
        rm_jsonpath_compile("$..reviewRating.ratingValue", &path_descent, NULL)) {
        fprintf(stderr, "bench_normalize: setup failed\n");
        return 1;
    }
    rm_buf_init(&text_out, 1 << 20);

    price = measure(b_price), base_num = measure(b_strtod);
    rating = measure(b_rating);
    date = measure(b_date);
    plain = measure(b_text_plain), html = measure(b_text_html), copy = measure(b_memcpy);
    path = measure(b_path), get = measure(b_getters), descent = measure(b_descent);

    printf("%-30s %12s  %s\n", "benchmark", "calls/s", "(median of 5 runs)");
    snprintf(ratio, sizeof(ratio), "%.1fx the cost of strtod (%.0f/s)", base_num / price,
             base_num);
    row("price, 10 ru/en forms", price, ratio);
    snprintf(ratio, sizeof(ratio), "%.1fx the cost of strtod", base_num / rating);
    row("rating, 8 forms", rating, ratio);
    row("date, 10 forms (2 relative)", date, "");
    snprintf(ratio, sizeof(ratio), "%.1f MB/s; %.1fx the cost of a copy",
             plain * (sizeof(review) - 1) / 1e6, copy / plain);
    snprintf(name, sizeof(name), "text, %zu-byte review", sizeof(review) - 1);
    row(name, plain, ratio);
    snprintf(ratio, sizeof(ratio), "%.1f MB/s", html * (sizeof(note) - 1) / 1e6);
    snprintf(name, sizeof(name), "text, %zu-byte HTML note", sizeof(note) - 1);
    row(name, html, ratio);
    snprintf(ratio, sizeof(ratio), "%.1fx the cost of 4 jansson getters", get / path);
    row("jsonpath $['@graph'][0]...", path, ratio);
    row("jsonpath $..reviewRating...", descent, "first match, recursive descent");

    rm_buf_release(&text_out);
    rm_jsonpath_free(path_direct);
    rm_jsonpath_free(path_descent);
    json_decref(doc);
    return 0;
}
