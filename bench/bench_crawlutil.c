/* Throughput of the crawler building blocks, medians of 5 runs each, with the ratios that
 * justify two API choices measured side by side: rm_cron_next_in() with a loaded zone versus
 * rm_cron_next() loading it per call, and gzip versus plain sitemaps. */
#include "core/rm.h"
#include "core/clock.h"
#include "crawler/cron.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"
#include "crawler/tz.h"
#include "crawler/url.h"

#include <zlib.h>

#define RUNS 5

typedef void (*bench_fn)(size_t n, void *ctx);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median nanoseconds per operation over RUNS runs of n operations. */
static double median_ns(bench_fn fn, size_t n, void *ctx)
{
    double t[RUNS];

    for (int r = 0; r < RUNS; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        fn(n, ctx);
        clock_gettime(CLOCK_MONOTONIC, &b);
        t[r] = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
    }
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    return t[RUNS / 2];
}

static const char *const urls[] = {
    "HTTPS://Shop.Example.COM:443/catalog/../p/12345?utm_source=mail&color=red&fbclid=x#reviews",
    "http://market.example/product/%7ebest/reviews?page=2&sort=date",
    "https://отзывы.example/товар/123?ref=main",
    "http://h.example/a/./b/../../c/d.html",
};

static void do_normalize(size_t n, void *ctx)
{
    rm_buf *b = ctx;
    for (size_t i = 0; i < n; i++)
        if (rm_url_normalize(urls[i % RM_ARRAY_LEN(urls)], NULL, b))
            abort();
}

static void do_resolve(size_t n, void *ctx)
{
    rm_buf *b = ctx;
    for (size_t i = 0; i < n; i++)
        if (rm_url_resolve("https://shop.example/c/phones/page/2", "../../p/123?x=1", b))
            abort();
}

typedef struct robots_ctx {
    rm_robots *r;
    const char *ua;
} robots_ctx;

static void do_robots(size_t n, void *ctx)
{
    static const char *const paths[] = {"/p/123?sort=asc", "/search?q=phone", "/cart/help",
                                        "/c/phones/page/7", "/static/a.css"};
    robots_ctx *c = ctx;
    size_t allowed = 0;
    for (size_t i = 0; i < n; i++)
        allowed += rm_robots_allowed(c->r, c->ua, paths[i % RM_ARRAY_LEN(paths)]);
    if (!allowed)
        abort();
}

typedef struct sitemap_ctx {
    const char *body;
    size_t len;
} sitemap_ctx;

static void do_sitemap(size_t n, void *ctx)
{
    sitemap_ctx *s = ctx;
    for (size_t i = 0; i < n; i++) {
        rm_sitemap *sm;
        if (rm_sitemap_parse(s->body, s->len, NULL, &sm) || rm_sitemap_count(sm) != 20000)
            abort();
        rm_sitemap_free(sm);
    }
}

typedef struct cron_ctx {
    rm_cron cron;
    rm_tz *tz;
} cron_ctx;

static void do_cron_loaded(size_t n, void *ctx)
{
    cron_ctx *c = ctx;
    time_t t = 1711800000, next;
    for (size_t i = 0; i < n; i++, t += 3607)
        if (rm_cron_next_in(&c->cron, t, c->tz, &next))
            abort();
}

static void do_cron_by_name(size_t n, void *ctx)
{
    cron_ctx *c = ctx;
    time_t t = 1711800000, next;
    for (size_t i = 0; i < n; i++, t += 3607)
        if (rm_cron_next(&c->cron, t, "Europe/Berlin", &next))
            abort();
}

static rm_robots *big_robots(void)
{
    rm_buf b;
    rm_robots *r;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_buf_adds(&b, "User-agent: *\nDisallow: /search\nAllow: /search/about\n");
    for (int i = 0; i < 200; i++)
        rm_buf_addf(&b, "Disallow: /*?*filter%d=\nAllow: /c/*/page/%d$\n", i, i);
    rm_buf_adds(&b, "User-agent: revmine\nDisallow: /cart\nAllow: /cart/help\n"
                    "Disallow: /*?sort=\nDisallow: /*.css$\n");
    if (rm_robots_parse(b.ptr, b.len, &r))
        abort();
    rm_buf_release(&b);
    return r;
}

static void make_sitemap(rm_buf *xml, rm_buf *gz)
{
    z_stream z;
    unsigned char out[65536];

    rm_buf_adds(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (int i = 0; i < 20000; i++)
        rm_buf_addf(xml, "  <url><loc>https://shop.example/p/%d-some-product-name</loc>"
                         "<lastmod>2024-03-%02dT10:00:00+00:00</lastmod><priority>0.%d</priority>"
                         "</url>\n", i, 1 + i % 28, i % 10);
    rm_buf_adds(xml, "</urlset>\n");
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)xml->ptr;
    z.avail_in = (uInt)xml->len;
    do {
        z.next_out = out;
        z.avail_out = sizeof(out);
        deflate(&z, Z_FINISH);
        rm_buf_add(gz, out, sizeof(out) - z.avail_out);
    } while (z.avail_out == 0);
    deflateEnd(&z);
}

int main(void)
{
    rm_buf b, xml, gz;
    rm_robots *robots = big_robots();
    cron_ctx cron;
    sitemap_ctx plain, packed;
    double ns_plain, ns_gz, ns_loaded, ns_named;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_buf_init(&xml, RM_BUF_NOLIMIT);
    rm_buf_init(&gz, RM_BUF_NOLIMIT);
    make_sitemap(&xml, &gz);
    plain = (sitemap_ctx){xml.ptr, xml.len};
    packed = (sitemap_ctx){gz.ptr, gz.len};
    if (rm_cron_parse("*/15 2-4 * * mon-fri", &cron.cron, NULL, 0) ||
        rm_tz_load("Europe/Berlin", &cron.tz))
        return 1;

    printf("%-44s %12s\n", "operation (median of 5 runs)", "per op");
    printf("%-44s %9.0f ns\n", "rm_url_normalize", median_ns(do_normalize, 20000, &b));
    printf("%-44s %9.0f ns\n", "rm_url_resolve", median_ns(do_resolve, 20000, &b));
    printf("%-44s %9.0f ns\n", "rm_robots_allowed, own group (4 rules)",
           median_ns(do_robots, 200000, &(robots_ctx){robots, "revmine"}));
    printf("%-44s %9.0f ns\n", "rm_robots_allowed, '*' group (402 rules)",
           median_ns(do_robots, 20000, &(robots_ctx){robots, "otherbot"}));
    ns_plain = median_ns(do_sitemap, 3, &plain);
    ns_gz = median_ns(do_sitemap, 3, &packed);
    printf("%-44s %9.1f ms  (%.0f MB/s)\n", "rm_sitemap_parse, 20000 URLs, plain",
           ns_plain / 1e6, (double)xml.len / ns_plain * 1e3);
    printf("%-44s %9.1f ms  (%zu KB in)\n", "rm_sitemap_parse, same, gzip", ns_gz / 1e6,
           gz.len / 1024);
    ns_loaded = median_ns(do_cron_loaded, 20000, &cron);
    ns_named = median_ns(do_cron_by_name, 2000, &cron);
    printf("%-44s %9.0f ns\n", "rm_cron_next_in (zone loaded once)", ns_loaded);
    printf("%-44s %9.0f ns\n", "rm_cron_next (zone loaded per call)", ns_named);
    printf("ratio gzip / plain sitemap: %.2f\n", ns_gz / ns_plain);
    printf("ratio next by name / next_in: %.1f\n", ns_named / ns_loaded);

    rm_tz_free(cron.tz);
    rm_robots_free(robots);
    rm_buf_release(&gz);
    rm_buf_release(&xml);
    rm_buf_release(&b);
    return 0;
}
