/* bench_market: how fast the fixture marketplace serves. Starts build/rm-market with 5000
 * products (and `*=gzip`), reads every product URL from the gzip sitemaps, then fetches all
 * product pages with 16 keep-alive connections (libcurl multi), plain and with
 * Accept-Encoding: gzip, three runs each, interleaved. Prints the medians and their ratio.
 *   build/bench/bench_market [PRODUCTS] */
#include "core/rm.h"

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/clock.h"

#define CONNS 16
#define RUNS 3

typedef struct urls {
    char **v;
    size_t n, cap;
} urls;

static size_t sink(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += size * n;
    return size * n;
}

static size_t keep(char *p, size_t size, size_t n, void *ud)
{
    (void)rm_buf_add(ud, p, size * n);
    return size * n;
}

/* Starts the server; fills base with the market URL. Returns the pid or -1. */
static pid_t start_server(const char *products, char *base, size_t size)
{
    const char *dir = getenv("RM_BIN_DIR");
    char bin[4096], line[256];
    int fds[2];
    pid_t pid;
    FILE *out;

    snprintf(bin, sizeof(bin), "%s/rm-market", dir && *dir ? dir : "build");
    if (pipe(fds))
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--products", products, "--fault", "*=gzip", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    out = fdopen(fds[0], "r");
    if (pid < 0 || !out || !fgets(line, sizeof(line), out) ||
        sscanf(line, "market %255s", line) != 1) {
        fprintf(stderr, "bench_market: %s did not start\n", bin);
        return -1;
    }
    snprintf(base, size, "%s", line);
    while (fgets(line, sizeof(line), out) && strcmp(line, "ready\n"))
        ;
    return pid;
}

static int get(const char *url, rm_buf *body)
{
    CURL *c = curl_easy_init();
    long status = 0;
    CURLcode rc;

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return rc == CURLE_OK && status == 200 ? 0 : -1;
}

static int gunzip(const rm_buf *in, rm_buf *out)
{
    z_stream z;
    int rc = Z_OK;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    z.next_in = (Bytef *)in->ptr;
    z.avail_in = (uInt)in->len;
    while (rc == Z_OK && !rm_buf_grow(out, 65536)) {
        z.next_out = (Bytef *)out->ptr + out->len;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len = z.total_out;
        out->ptr[out->len] = '\0';
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

/* Every <loc> of /sitemaps/products-K.xml.gz, K = 1, 2, ... until one is missing. */
static void product_urls(const char *base, urls *u)
{
    for (int k = 1;; k++) {
        char url[512];
        rm_buf gz, xml;
        const char *p;
        snprintf(url, sizeof(url), "%s/sitemaps/products-%d.xml.gz", base, k);
        rm_buf_init(&gz, 64u << 20);
        rm_buf_init(&xml, 256u << 20);
        if (get(url, &gz) || gunzip(&gz, &xml)) {
            rm_buf_release(&gz);
            rm_buf_release(&xml);
            return;
        }
        for (p = xml.ptr; (p = strstr(p, "<loc>")) != NULL;) {
            const char *e = strstr(p, "</loc>");
            if (!e)
                break;
            RM_GROW(u->v, u->cap, u->n + 1);
            u->v[u->n++] = rm_xstrndup(p + 5, (size_t)(e - p - 5));
            p = e;
        }
        rm_buf_release(&gz);
        rm_buf_release(&xml);
    }
}

static CURL *easy_for(const char *url, int gzip, size_t *bytes)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
    if (gzip)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    return c;
}

/* Fetches every URL with CONNS connections; returns pages per second, or -1 on a failure. */
static double fetch_all(const urls *u, int gzip, size_t *bytes)
{
    CURLM *m = curl_multi_init();
    size_t next = 0, done = 0, failed = 0;
    int64_t t0 = rm_mono_ms();
    int running = 0;

    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)CONNS);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)CONNS);
    for (; next < u->n && next < CONNS; next++)
        curl_multi_add_handle(m, easy_for(u->v[next], gzip, bytes));
    while (done < u->n) {
        CURLMsg *msg;
        int left;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            failed += msg->data.result != CURLE_OK || status != 200;
            curl_multi_remove_handle(m, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            done++;
            if (next < u->n)
                curl_multi_add_handle(m, easy_for(u->v[next++], gzip, bytes));
        }
        if (done < u->n)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    curl_multi_cleanup(m);
    if (failed)
        return -1;
    return (double)u->n * 1000.0 / (double)RM_MAX(1, rm_mono_ms() - t0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *products = argc > 1 ? argv[1] : "5000";
    double plain[RUNS], gz[RUNS];
    size_t plain_bytes = 0, gz_bytes = 0;
    char base[256];
    urls u = {0};
    pid_t pid;
    int status, rc = 0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    pid = start_server(products, base, sizeof(base));
    if (pid < 0)
        return 1;
    product_urls(base, &u);
    printf("rm-market --products %s: %zu product pages, %d connections, %d runs\n", products,
           u.n, CONNS, RUNS);
    for (int r = 0; r < RUNS && !rc; r++) {
        plain[r] = fetch_all(&u, 0, &plain_bytes);
        gz[r] = fetch_all(&u, 1, &gz_bytes);
        rc = plain[r] < 0 || gz[r] < 0;
    }
    if (!rc && u.n) {
        qsort(plain, RUNS, sizeof(double), cmp_double);
        qsort(gz, RUNS, sizeof(double), cmp_double);
        printf("%-26s %10s %18s\n", "", "pages/s", "KiB/page decoded");
        printf("%-26s %10.0f %18.1f\n", "plain (median)", plain[RUNS / 2],
               (double)plain_bytes / RUNS / (double)u.n / 1024.0);
        printf("%-26s %10.0f %18.1f\n", "Accept-Encoding: gzip", gz[RUNS / 2],
               (double)gz_bytes / RUNS / (double)u.n / 1024.0);
        printf("gzip/plain throughput ratio: %.2f\n", gz[RUNS / 2] / plain[RUNS / 2]);
    } else {
        fprintf(stderr, "bench_market: some fetches failed\n");
        rc = 1;
    }
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    for (size_t i = 0; i < u.n; i++)
        free(u.v[i]);
    free(u.v);
    curl_global_cleanup();
    return rc;
}
