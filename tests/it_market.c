/* Integration tests of the fixture marketplace (build/rm-market): pages and types,
 * determinism, truth against pages, robots and sitemaps, page counts, every fault kind,
 * epochs, windows-1251, flags and shutdown. Servers run on 127.0.0.1 with free ports. */
#include "core/rm.h"

#include <curl/curl.h>
#include <iconv.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/clock.h"
#include "core/hash.h"
#include "tests/helpers/testutil.h"

#define PRODUCTS "60"

typedef struct srv {
    rm_child ch;
    char market[64], social[64];
} srv;

/* Servers still running when a test fails are killed by the teardown, so a failure never
 * leaves a process holding the test's stdout. */
static rm_child running[8]; /* copies: a failed test's frame is gone by teardown */

static void track(const rm_child *ch, int on)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(running); i++) {
        if (on && !running[i].pid) {
            running[i] = *ch;
            return;
        }
        if (!on && running[i].pid == ch->pid)
            running[i].pid = 0;
    }
}

static int kill_leftovers(void **state)
{
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(running); i++)
        if (running[i].pid)
            rm_test_stop(&running[i], SIGKILL, 1000);
    return 0;
}

/* Starts rm-market with extra arguments (NULL-terminated) and waits for "ready". */
static void srv_start(srv *s, const char *const *extra)
{
    char bin[FIXTURE_PATH_MAX], line[256];
    char *argv[64];
    int n = 0;

    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    argv[n++] = bin;
    for (; extra && *extra && n < 62; extra++)
        argv[n++] = (char *)*extra;
    argv[n] = NULL;
    assert_int_equal(rm_test_spawn(argv, &s->ch), 0);
    track(&s->ch, 1);
    assert_int_equal(rm_test_read_line(&s->ch, line, sizeof(line), 10000), 0);
    assert_int_equal(sscanf(line, "market %63s", s->market), 1);
    assert_int_equal(rm_test_read_line(&s->ch, line, sizeof(line), 10000), 0);
    assert_int_equal(sscanf(line, "social %63s", s->social), 1);
    assert_int_equal(rm_test_read_line(&s->ch, line, sizeof(line), 10000), 0);
    assert_string_equal(line, "ready");
}

static void srv_stop(srv *s)
{
    int status;
    track(&s->ch, 0);
    status = rm_test_stop(&s->ch, SIGTERM, 5000);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

typedef struct resp {
    CURLcode rc;
    long status;
    rm_buf body;
    rm_buf headers;
    char *ctype; /* points into headers or "" */
    double secs;
} resp;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    (void)rm_buf_add(ud, p, size * n);
    return size * n;
}

/* GET url; hdr is one extra request header or NULL; gzip asks curl to accept and decode. */
static void fetch_ex(const char *url, const char *hdr, int gzip, int follow, resp *r)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = hdr ? curl_slist_append(NULL, hdr) : NULL;
    char *ct = NULL;
    int64_t t0 = rm_mono_ms();

    rm_buf_init(&r->body, 256u << 20);
    rm_buf_init(&r->headers, 1u << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (h)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (gzip)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    if (follow) {
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 6L);
    }
    r->rc = curl_easy_perform(c);
    r->status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    r->ctype = rm_xstrdup(ct ? ct : "");
    r->secs = (double)(rm_mono_ms() - t0) / 1000.0;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static void fetch(const char *url, resp *r)
{
    fetch_ex(url, NULL, 0, 0, r);
}

static void resp_free(resp *r)
{
    rm_buf_release(&r->body);
    rm_buf_release(&r->headers);
    free(r->ctype);
}

static char *join(const char *a, const char *b)
{
    rm_buf u;
    rm_buf_init(&u, RM_BUF_NOLIMIT);
    rm_buf_addf(&u, "%s%s", a, b);
    return rm_buf_detach(&u, NULL);
}

/* The header's value (case-insensitive name), copied into out; 0 or -1. */
static int header(const resp *r, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = r->headers.ptr; p && *p;
         p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            size_t n;
            while (*v == ' ')
                v++;
            n = strcspn(v, "\r\n");
            snprintf(out, size, "%.*s", (int)n, v);
            return 0;
        }
    }
    return -1;
}

/* Decodes the few entities the server writes (&amp; &lt; &gt; &quot; &#39; &#N;). */
static char *unescape(const char *s, size_t n)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < n; i++) {
        static const char *const ents[][2] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
        int done = 0;
        if (s[i] == '&' && i + 2 < n && s[i + 1] == '#' && s[i + 2] >= '0' && s[i + 2] <= '9') {
            char *end;
            unsigned long cp = strtoul(s + i + 2, &end, 10);
            if (*end == ';') {
                /* UTF-8 of cp: windows-1251 pages carry what the code page lacks this way. */
                if (cp < 0x80)
                    rm_buf_addc(&b, (char)cp);
                else if (cp < 0x800)
                    rm_buf_addf(&b, "%c%c", 0xC0 | (int)(cp >> 6), 0x80 | (int)(cp & 0x3F));
                else if (cp < 0x10000)
                    rm_buf_addf(&b, "%c%c%c", 0xE0 | (int)(cp >> 12),
                                0x80 | (int)((cp >> 6) & 0x3F), 0x80 | (int)(cp & 0x3F));
                else
                    rm_buf_addf(&b, "%c%c%c%c", 0xF0 | (int)(cp >> 18),
                                0x80 | (int)((cp >> 12) & 0x3F), 0x80 | (int)((cp >> 6) & 0x3F),
                                0x80 | (int)(cp & 0x3F));
                i = (size_t)(end - s);
                continue;
            }
        }
        for (size_t k = 0; k < RM_ARRAY_LEN(ents) && !done; k++) {
            size_t el = strlen(ents[k][0]);
            if (i + el <= n && !strncmp(s + i, ents[k][0], el)) {
                rm_buf_adds(&b, ents[k][1]);
                i += el - 1;
                done = 1;
            }
        }
        if (!done)
            rm_buf_addc(&b, s[i]);
    }
    return rm_buf_detach(&b, NULL);
}

/* Text between the first `open` at or after *from and the next `close`; NULL at the end. */
static char *between(const char *body, const char *open, const char *close, const char **from)
{
    const char *a = strstr(*from, open), *b;
    if (!a)
        return NULL;
    a += strlen(open);
    b = strstr(a, close);
    if (!b)
        return NULL;
    *from = b + strlen(close);
    (void)body;
    return rm_xstrndup(a, (size_t)(b - a));
}

static json_t *ld_json(const char *body)
{
    const char *from = body;
    char *txt = between(body, "<script type=\"application/ld+json\">", "</script>", &from);
    json_t *j;
    json_error_t e;
    assert_non_null(txt);
    j = json_loads(txt, 0, &e);
    if (!j)
        fail_msg("JSON-LD does not parse: %s (line %d)", e.text, e.line);
    free(txt);
    return j;
}

/* The Product object, at the top or inside @graph. */
static json_t *ld_product(json_t *doc)
{
    json_t *g = json_object_get(doc, "@graph"), *it;
    size_t i;
    if (!g)
        return doc;
    json_array_foreach(g, i, it)
        if (!strcmp(json_string_value(json_object_get(it, "@type")), "Product"))
            return it;
    fail_msg("no Product in @graph");
    return NULL;
}

static json_t *load_truth(const char *path)
{
    json_error_t e;
    json_t *t = json_load_file(path, 0, &e);
    if (!t)
        fail_msg("truth %s: %s", path, e.text);
    return t;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static char *tmpfile_in(const char *dir, const char *name)
{
    rm_buf p;
    rm_buf_init(&p, RM_BUF_NOLIMIT);
    rm_buf_addf(&p, "%s/%s", dir, name);
    return rm_buf_detach(&p, NULL);
}

/* The truth's reviews of product url, in site order. */
static size_t truth_reviews(json_t *truth, const char *url, json_t **out, size_t max)
{
    json_t *it;
    size_t i, n = 0;
    json_array_foreach(json_object_get(truth, "reviews"), i, it)
        if (!strcmp(jstr(it, "product"), url) && n < max)
            out[n++] = it;
    return n;
}

/* ---- pages and types ---- */

static void expect(const srv *s, int social, const char *path, long status, const char *ctype)
{
    char *url = join(social ? s->social : s->market, path);
    resp r;
    fetch(url, &r);
    assert_int_equal(r.rc, CURLE_OK);
    if (r.status != status || strncmp(r.ctype, ctype, strlen(ctype)))
        fail_msg("%s: got %ld %s, want %ld %s", url, r.status, r.ctype, status, ctype);
    resp_free(&r);
    free(url);
}

static void market_serves_pages_with_types(void **state)
{
    const char *args[] = {"--seed", "5", "--products", PRODUCTS, NULL};
    srv s;
    (void)state;
    srv_start(&s, args);
    expect(&s, 0, "/", 200, "text/html; charset=utf-8");
    expect(&s, 0, "/robots.txt", 200, "text/plain");
    expect(&s, 0, "/sitemap.xml", 200, "application/xml");
    expect(&s, 0, "/sitemaps/catalog.xml", 200, "application/xml");
    expect(&s, 0, "/sitemaps/products-1.xml.gz", 200, "application/gzip");
    expect(&s, 0, "/sitemaps/products-2.xml.gz", 404, "text/html");
    expect(&s, 0, "/catalog?page=1", 200, "text/html");
    expect(&s, 0, "/catalog?page=99", 404, "text/html");
    expect(&s, 0, "/c/electronics?page=1", 200, "text/html");
    expect(&s, 0, "/c/nope?page=1", 404, "text/html");
    expect(&s, 0, "/p/1", 301, "text/html");
    expect(&s, 0, "/p/999999-x", 404, "text/html");
    expect(&s, 0, "/p/1/reviews?page=1", 200, "text/html");
    expect(&s, 0, "/u/nobody-here", 404, "text/html");
    expect(&s, 0, "/events/2025/06", 200, "text/html");
    expect(&s, 0, "/tag/a/tag/a/", 200, "text/html");
    expect(&s, 0, "/img/p/1-1.jpg", 200, "image/gif");
    expect(&s, 0, "/_control/stats", 200, "application/json");
    expect(&s, 1, "/robots.txt", 200, "text/plain");
    expect(&s, 1, "/people?page=1", 200, "text/html");
    expect(&s, 1, "/private/settings", 200, "text/html");
    expect(&s, 1, "/api/v1/accounts/lookup?acct=nobody", 404, "application/json");
    expect(&s, 1, "/@nobody", 404, "text/html");
    srv_stop(&s);
}

/* ---- determinism ---- */

/* body with the server's base URLs replaced, so two servers compare. */
static char *normalised(const srv *s, const char *body)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    while (*body) {
        size_t ml = strlen(s->market), sl = strlen(s->social);
        if (!strncmp(body, s->market, ml)) {
            rm_buf_adds(&b, "MARKET");
            body += ml;
        } else if (!strncmp(body, s->social, sl)) {
            rm_buf_adds(&b, "SOCIAL");
            body += sl;
        } else {
            rm_buf_addc(&b, *body++);
        }
    }
    return rm_buf_detach(&b, NULL);
}

static char *get_norm(const srv *s, int social, const char *path)
{
    char *url = join(social ? s->social : s->market, path), *n;
    resp r;
    fetch(url, &r);
    assert_int_equal(r.status, 200);
    n = normalised(s, r.body.ptr);
    resp_free(&r);
    free(url);
    return n;
}

static void market_is_deterministic(void **state)
{
    const char *args[] = {"--seed", "9", "--products", PRODUCTS, NULL};
    const char *other[] = {"--seed", "10", "--products", PRODUCTS, "--pad-kb", "40", NULL};
    const char *paths[] = {"/", "/catalog?page=2", "/c/shoes?page=1", "/p/1/reviews?page=1",
                           "/robots.txt", "/sitemap.xml"};
    srv a, b, c;
    (void)state;
    srv_start(&a, args);
    srv_start(&b, args);
    srv_start(&c, other);
    for (size_t i = 0; i < RM_ARRAY_LEN(paths); i++) {
        char *x = get_norm(&a, 0, paths[i]), *y = get_norm(&b, 0, paths[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    {
        char *x = get_norm(&a, 1, "/people?page=1"), *y = get_norm(&b, 1, "/people?page=1");
        char *z = get_norm(&c, 1, "/people?page=1");
        assert_string_equal(x, y);
        assert_string_not_equal(x, z); /* another seed, other people */
        free(x), free(y), free(z);
    }
    {
        char *padded, *url = join(c.market, "/p/1");
        resp r;
        fetch_ex(url, NULL, 0, 1, &r); /* --pad-kb 40: product pages of about 40 KiB */
        assert_int_equal(r.status, 200);
        assert_true(r.body.len >= 38 * 1024 && r.body.len <= 41 * 1024);
        padded = normalised(&c, r.body.ptr);
        assert_non_null(strstr(padded, "<style>"));
        resp_free(&r);
        free(padded), free(url);
    }
    srv_stop(&a);
    srv_stop(&b);
    srv_stop(&c);
}

static void market_truth_only_is_byte_identical(void **state)
{
    char *dir = rm_test_tmpdir(), *f1 = tmpfile_in(dir, "a.json"), *f2 = tmpfile_in(dir, "b.json");
    char bin[FIXTURE_PATH_MAX];
    char *a1[] = {bin, "--truth-only", "--seed", "4", "--products", "300", "--epoch", "1",
                  "--port", "8080", "--social-port", "8081", "--dump-truth", f1, NULL};
    char *a2[] = {bin, "--truth-only", "--seed", "4", "--products", "300", "--epoch", "1",
                  "--port", "8080", "--social-port", "8081", "--dump-truth", f2, NULL};
    size_t n1, n2;
    char *t1, *t2;
    (void)state;
    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    assert_int_equal(rm_test_run(a1, NULL, NULL, NULL, 10000), 0);
    assert_int_equal(rm_test_run(a2, NULL, NULL, NULL, 10000), 0);
    t1 = rm_test_read_file(f1, &n1);
    t2 = rm_test_read_file(f2, &n2);
    assert_non_null(t1);
    assert_int_equal(n1, n2);
    assert_memory_equal(t1, t2, n1);
    assert_non_null(strstr(t1, "\"market\": \"http://127.0.0.1:8080\""));
    free(t1), free(t2), free(f1), free(f2);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- truth against pages ---- */

static json_t *offer_of(json_t *p)
{
    json_t *o = json_object_get(p, "offers");
    return json_is_array(o) ? json_array_get(o, 0) : o;
}

static double offer_price(json_t *p)
{
    json_t *o = offer_of(p);
    const char *v = json_string_value(json_object_get(o, "price"));
    if (!v)
        v = json_string_value(json_object_get(o, "lowPrice"));
    assert_non_null(v);
    return strtod(v, NULL);
}

static void check_ld_review(json_t *lr, json_t *tr)
{
    json_t *author = json_object_get(lr, "author");
    assert_string_equal(jstr(lr, "identifier"), jstr(tr, "id"));
    if (json_is_string(author)) {
        assert_string_equal(json_string_value(author), jstr(tr, "author"));
        assert_null(json_object_get(tr, "author_url"));
    } else {
        assert_string_equal(jstr(author, "name"), jstr(tr, "author"));
        assert_string_equal(jstr(author, "url"), jstr(tr, "author_url"));
    }
    assert_true(json_number_value(json_object_get(json_object_get(lr, "reviewRating"),
                                                  "ratingValue")) ==
                json_real_value(json_object_get(tr, "rating")));
    assert_string_equal(jstr(lr, "datePublished"), jstr(tr, "date"));
    assert_string_equal(jstr(lr, "name"), jstr(tr, "title"));
    assert_string_equal(jstr(lr, "reviewBody"), jstr(tr, "body"));
}

static void check_product_page(const char *body, json_t *truth, json_t *tp)
{
    json_t *doc = ld_json(body), *p = ld_product(doc), *agg, *revs[64], *lr;
    size_t n = truth_reviews(truth, jstr(tp, "url"), revs, 64), i;
    char canon[512];

    snprintf(canon, sizeof(canon), "<link rel=\"canonical\" href=\"%s\">", jstr(tp, "url"));
    assert_non_null(strstr(body, canon));
    assert_non_null(strstr(body, "<meta property=\"og:site_name\" content=\"market\">"));
    assert_string_equal(jstr(p, "url"), jstr(tp, "url"));
    assert_string_equal(jstr(p, "name"), jstr(tp, "name"));
    assert_string_equal(jstr(p, "sku"), jstr(tp, "sku"));
    assert_string_equal(jstr(json_object_get(p, "brand"), "name"), jstr(tp, "brand"));
    assert_string_equal(jstr(p, "category"), jstr(tp, "category"));
    assert_true(offer_price(p) == json_real_value(json_object_get(tp, "price")));
    assert_string_equal(jstr(offer_of(p), "priceCurrency"), "RUB");
    agg = json_object_get(p, "aggregateRating");
    assert_int_equal(agg != NULL, json_object_get(tp, "rating") != NULL);
    assert_int_equal(n != 0, agg != NULL);
    if (agg) {
        assert_true(json_number_value(json_object_get(agg, "ratingValue")) ==
                    json_real_value(json_object_get(tp, "rating")));
        assert_int_equal(json_integer_value(json_object_get(agg, "reviewCount")),
                         json_integer_value(json_object_get(tp, "review_count")));
        assert_int_equal(json_integer_value(json_object_get(agg, "ratingCount")),
                         json_integer_value(json_object_get(tp, "rating_count")));
        assert_int_equal(json_array_size(json_object_get(p, "review")), RM_MIN(n, 5));
        json_array_foreach(json_object_get(p, "review"), i, lr)
            check_ld_review(lr, revs[i]);
    }
    json_decref(doc);
}

/* Walks /p/ID/reviews?page=1.. through rel=next; ids and bodies must be exactly the truth's. */
static void check_review_pages(const srv *s, json_t *truth, json_t *tp)
{
    json_t *revs[64];
    size_t n = truth_reviews(truth, jstr(tp, "url"), revs, 64), seen = 0;
    unsigned id = 0;
    char path[64];

    assert_int_equal(sscanf(jstr(tp, "url") + strlen(s->market), "/p/%u-", &id), 1);
    for (int page = 1;; page++) {
        char *url, *rid, *body;
        const char *from;
        resp r;
        snprintf(path, sizeof(path), "/p/%u/reviews?page=%d", id, page);
        url = join(s->market, path);
        fetch(url, &r);
        assert_int_equal(r.status, 200);
        from = r.body.ptr;
        while ((rid = between(r.body.ptr, "data-review-id=\"", "\"", &from)) != NULL) {
            assert_true(seen < n);
            assert_string_equal(rid, jstr(revs[seen], "id"));
            body = between(r.body.ptr, "itemprop=\"reviewBody\">", "</p>", &from);
            assert_non_null(body);
            char *text = unescape(body, strlen(body));
            assert_string_equal(text, jstr(revs[seen], "body"));
            free(text), free(body), free(rid);
            seen++;
        }
        int more = strstr(r.body.ptr, "rel=\"next\"") != NULL;
        resp_free(&r);
        free(url);
        if (!more)
            break;
    }
    assert_int_equal(seen, n);
}

static void check_market_profile(json_t *tp)
{
    resp r;
    json_t *doc, *who, *addr, *want, *got;
    const char *g;

    fetch(jstr(tp, "url"), &r);
    assert_int_equal(r.status, 200);
    doc = ld_json(r.body.ptr);
    assert_string_equal(jstr(doc, "@type"), "ProfilePage");
    who = json_object_get(doc, "mainEntity");
    addr = json_object_get(who, "address");
    assert_string_equal(jstr(who, "name"), jstr(tp, "name"));
    assert_string_equal(jstr(who, "alternateName"), jstr(tp, "handle"));
    assert_string_equal(jstr(who, "url"), jstr(tp, "url"));
    assert_string_equal(jstr(addr, "addressLocality"), jstr(tp, "city"));
    assert_string_equal(jstr(addr, "addressCountry"), jstr(tp, "country"));
    assert_string_equal(jstr(who, "description"), jstr(tp, "bio"));
    g = jstr(who, "gender");
    assert_string_equal(*g ? (strcmp(g, "Female") ? "male" : "female") : "", jstr(tp, "gender"));
    assert_int_equal(atol(jstr(who, "birthDate")), json_integer_value(json_object_get(tp,
                                                                        "birth_year")));
    assert_true(json_equal(json_object_get(who, "knowsAbout"), json_object_get(tp, "interests")));
    want = json_object_get(tp, "links");
    got = json_object_get(who, "sameAs");
    assert_true(want ? json_equal(want, got) : got == NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(who,
                                                        "interactionStatistic"),
                                                        "userInteractionCount")),
                     json_integer_value(json_object_get(tp, "followers")));
    json_decref(doc);
    resp_free(&r);
}

/* The unescaped text of the first element whose opening tag ends with marker. */
static char *field(const char *body, const char *marker, const char *close)
{
    const char *from = body;
    char *raw = between(body, marker, close, &from), *text;
    if (!raw)
        return rm_xstrdup("");
    text = unescape(raw, strlen(raw));
    free(raw);
    return text;
}

static void assert_field(const char *body, const char *marker, const char *close,
                         const char *want)
{
    char *got = field(body, marker, close);
    if (strcmp(got, want))
        fail_msg("%s: got '%s', want '%s'", marker, got, want);
    free(got);
}

static void check_social_profile(const srv *s, json_t *tp)
{
    resp r, api;
    char buf[64], *url, *lookup;
    json_t *acct, *it, *links = json_object_get(tp, "links");
    size_t i;
    const char *from;

    fetch(jstr(tp, "url"), &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.ptr, "<meta property=\"og:site_name\" content=\"social\">"));
    assert_field(r.body.ptr, "class=\"p-name u-url\" href=\"", "\"", jstr(tp, "url"));
    from = strstr(r.body.ptr, "class=\"p-name u-url\"");
    assert_field(from, "\">", "</a>", jstr(tp, "name"));
    assert_field(r.body.ptr, "<span class=\"p-nickname\">", "<", jstr(tp, "handle"));
    assert_field(r.body.ptr, "<span class=\"p-locality\">", "<", jstr(tp, "city"));
    assert_field(r.body.ptr, "<span class=\"p-country-name\">", "<", jstr(tp, "country"));
    assert_field(r.body.ptr, "<div class=\"p-note\">", "</div>", jstr(tp, "bio"));
    assert_field(r.body.ptr, "class=\"dt-joined\" datetime=\"", "\"", jstr(tp, "joined"));
    snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(json_object_get(tp,
                                                                       "followers")));
    assert_field(r.body.ptr, "<data class=\"p-followers\" value=\"", "\"", buf);
    from = r.body.ptr;
    json_array_foreach(json_object_get(tp, "interests"), i, it) {
        char *cat = between(r.body.ptr, "<li class=\"p-category\">", "</li>", &from);
        assert_non_null(cat);
        char *text = unescape(cat, strlen(cat));
        assert_string_equal(text, json_string_value(it));
        free(text), free(cat);
    }
    if (json_object_get(tp, "gender"))
        assert_non_null(strstr(r.body.ptr, jstr(tp, "gender")));
    if (links)
        assert_field(r.body.ptr, "rel=\"me\" href=\"", "\"",
                     json_string_value(json_array_get(links, 0)));
    lookup = join("/api/v1/accounts/lookup?acct=", jstr(tp, "handle"));
    url = join(s->social, lookup);
    fetch(url, &api);
    assert_int_equal(api.status, 200);
    acct = json_loads(api.body.ptr, 0, NULL);
    assert_non_null(acct);
    assert_string_equal(jstr(acct, "display_name"), jstr(tp, "name"));
    assert_string_equal(jstr(acct, "url"), jstr(tp, "url"));
    assert_int_equal(json_integer_value(json_object_get(acct, "followers_count")),
                     json_integer_value(json_object_get(tp, "followers")));
    json_decref(acct);
    resp_free(&api), resp_free(&r);
    free(url), free(lookup);
}

static void market_truth_matches_pages(void **state)
{
    char *dir = rm_test_tmpdir(), *tf = tmpfile_in(dir, "truth.json");
    const char *args[] = {"--seed", "7", "--products", PRODUCTS, "--dump-truth", tf, NULL};
    json_t *truth, *tp;
    size_t i, markets = 0, socials = 0;
    srv s;
    (void)state;
    srv_start(&s, args);
    truth = load_truth(tf);
    assert_string_equal(jstr(truth, "market"), s.market);
    assert_string_equal(jstr(truth, "social"), s.social);
    json_array_foreach(json_object_get(truth, "products"), i, tp) {
        resp r;
        if (i % 4)
            continue;
        fetch(jstr(tp, "url"), &r);
        assert_int_equal(r.status, 200);
        check_product_page(r.body.ptr, truth, tp);
        resp_free(&r);
        check_review_pages(&s, truth, tp);
    }
    json_array_foreach(json_object_get(truth, "profiles"), i, tp) {
        if (!strcmp(jstr(tp, "platform"), "market") && markets++ < 12)
            check_market_profile(tp);
        else if (!strcmp(jstr(tp, "platform"), "social") && socials++ < 12)
            check_social_profile(&s, tp);
    }
    assert_true(markets > 12 && socials > 12);
    json_decref(truth);
    srv_stop(&s);
    free(tf);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- robots.txt and sitemaps ---- */

static char *gunzip(const char *data, size_t len)
{
    z_stream z;
    rm_buf out;
    int rc = Z_OK;

    memset(&z, 0, sizeof(z));
    rm_buf_init(&out, 64u << 20);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    while (rc == Z_OK) {
        assert_int_equal(rm_buf_grow(&out, 65536), RM_OK);
        z.next_out = (Bytef *)out.ptr + out.len;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        out.len = z.total_out;
    }
    assert_int_equal(rc, Z_STREAM_END);
    out.ptr[out.len] = '\0';
    inflateEnd(&z);
    return rm_buf_detach(&out, NULL);
}

/* Counts <loc> values of xml that are also truth product URLs; all must be. */
static size_t product_locs(const char *xml, json_t *truth)
{
    const char *from = xml;
    char *loc;
    size_t n = 0;
    while ((loc = between(xml, "<loc>", "</loc>", &from)) != NULL) {
        json_t *tp;
        size_t i;
        int found = 0;
        json_array_foreach(json_object_get(truth, "products"), i, tp)
            found |= !strcmp(jstr(tp, "url"), loc);
        if (!found)
            fail_msg("sitemap lists %s, not a product of the truth", loc);
        n++;
        free(loc);
    }
    return n;
}

static void check_robots(const srv *s)
{
    char *url = join(s->market, "/robots.txt"), want[256];
    resp r;

    fetch(url, &r);
    snprintf(want, sizeof(want), "Sitemap: %s/sitemap.xml\n", s->market);
    assert_non_null(strstr(r.body.ptr, "User-agent: *\n"));
    assert_non_null(strstr(r.body.ptr, "Disallow: /cart\n"));
    assert_non_null(strstr(r.body.ptr, "Disallow: /search\n"));
    assert_non_null(strstr(r.body.ptr, "Disallow: /_control\n"));
    assert_non_null(strstr(r.body.ptr, "Crawl-delay: 0.5\n"));
    assert_non_null(strstr(r.body.ptr, want));
    resp_free(&r), free(url);
    url = join(s->social, "/robots.txt");
    fetch(url, &r);
    assert_string_equal(r.body.ptr, "User-agent: *\nDisallow: /private/\n");
    resp_free(&r), free(url);
}

static void market_robots_and_sitemaps(void **state)
{
    char *dir = rm_test_tmpdir(), *tf = tmpfile_in(dir, "truth.json");
    const char *args[] = {"--seed", "2", "--products", "2100", "--crawl-delay", "0.5",
                          "--dump-truth", tf, NULL};
    char *url, want[256];
    json_t *truth;
    size_t listed = 0;
    resp r;
    srv s;
    (void)state;
    srv_start(&s, args);
    truth = load_truth(tf);
    check_robots(&s);
    url = join(s.market, "/sitemap.xml");
    fetch(url, &r);
    assert_non_null(strstr(r.body.ptr, "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""));
    assert_non_null(strstr(r.body.ptr, "<lastmod>"));
    snprintf(want, sizeof(want), "<loc>%s/sitemaps/catalog.xml</loc>", s.market);
    assert_non_null(strstr(r.body.ptr, want));
    snprintf(want, sizeof(want), "<loc>%s/sitemaps/products-3.xml.gz</loc>", s.market);
    assert_non_null(strstr(r.body.ptr, want)); /* 2100 products: three files of 1000 */
    snprintf(want, sizeof(want), "<loc>%s/sitemaps/products-4.xml.gz</loc>", s.market);
    assert_null(strstr(r.body.ptr, want));
    resp_free(&r), free(url);

    for (int k = 1; k <= 3; k++) {
        char path[64], *xml;
        snprintf(path, sizeof(path), "/sitemaps/products-%d.xml.gz", k);
        url = join(s.market, path);
        fetch(url, &r);
        assert_string_equal(r.ctype, "application/gzip");
        xml = gunzip(r.body.ptr, r.body.len);
        listed += product_locs(xml, truth);
        free(xml);
        resp_free(&r), free(url);
    }
    assert_int_equal(listed, json_array_size(json_object_get(truth, "products")));

    url = join(s.market, "/sitemaps/catalog.xml");
    fetch(url, &r);
    snprintf(want, sizeof(want), "<loc>%s/catalog?page=88</loc>", s.market); /* 2100 / 24 */
    assert_non_null(strstr(r.body.ptr, want));
    snprintf(want, sizeof(want), "<loc>%s/c/garden?page=1</loc>", s.market);
    assert_non_null(strstr(r.body.ptr, want));
    resp_free(&r), free(url);

    json_decref(truth);
    srv_stop(&s);
    free(tf);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- page counts: a polite breadth-first crawl finds exactly truth.pages ---- */

typedef struct crawl {
    uint64_t *seen; /* hashes of queued URLs, open addressing, 0 = empty */
    size_t cap, n;
    char **queue;
    size_t qhead, qlen, qcap;
    uint64_t *canon; /* hashes of canonical URLs of pages served */
    size_t ccap, ncanon;
} crawl;

static int set_add(uint64_t **set, size_t *cap, size_t *n, const char *s)
{
    uint64_t h = rm_hash64(s, strlen(s)) | 1;
    size_t i;
    if ((*n + 1) * 2 > *cap) {
        uint64_t *old = *set;
        size_t oc = *cap;
        *cap = oc ? oc * 2 : 1024;
        *set = rm_xcalloc(*cap, sizeof(**set));
        for (size_t k = 0; k < oc; k++) {
            if (!old[k])
                continue;
            for (i = old[k] & (*cap - 1); (*set)[i]; i = (i + 1) & (*cap - 1))
                ;
            (*set)[i] = old[k];
        }
        free(old);
    }
    for (i = h & (*cap - 1); (*set)[i]; i = (i + 1) & (*cap - 1))
        if ((*set)[i] == h)
            return 0;
    (*set)[i] = h;
    (*n)++;
    return 1;
}

static void enqueue(crawl *c, const char *url)
{
    if (!set_add(&c->seen, &c->cap, &c->n, url))
        return;
    RM_GROW(c->queue, c->qcap, c->qlen + 1);
    c->queue[c->qlen++] = rm_xstrdup(url);
}

static int skipped(const char *path, int social)
{
    static const char *const market[] = {"/cart", "/search", "/_control", "/events/", "/tag/",
                                         "/img/", "/static/", "/favicon"};
    if (social)
        return !strncmp(path, "/private/", 9);
    for (size_t i = 0; i < RM_ARRAY_LEN(market); i++)
        if (!strncmp(path, market[i], strlen(market[i])))
            return 1;
    return 0;
}

static void follow_links(crawl *c, const char *base, const char *body, int social)
{
    const char *from = body;
    char *href;
    while ((href = between(body, "href=\"", "\"", &from)) != NULL) {
        char *v = unescape(href, strlen(href)), *abs = NULL;
        if (v[0] == '/')
            abs = join(base, v);
        else if (!strncmp(v, base, strlen(base)) && v[strlen(base)] == '/')
            abs = rm_xstrdup(v);
        if (abs && !skipped(abs + strlen(base), social))
            enqueue(c, abs);
        free(abs), free(v), free(href);
    }
}

static size_t crawl_site(const char *base, int social)
{
    crawl c;
    char *start = join(base, "/");
    size_t pages;

    memset(&c, 0, sizeof(c));
    enqueue(&c, start);
    while (c.qhead < c.qlen) {
        char *url = c.queue[c.qhead++], *canon;
        const char *from;
        resp r;
        fetch(url, &r);
        if (r.status == 200 && !strncmp(r.ctype, "text/html", 9)) {
            from = r.body.ptr;
            canon = between(r.body.ptr, "<link rel=\"canonical\" href=\"", "\"", &from);
            assert_non_null(canon);
            set_add(&c.canon, &c.ccap, &c.ncanon, canon);
            free(canon);
            follow_links(&c, base, r.body.ptr, social);
        }
        resp_free(&r);
        free(url);
    }
    pages = c.ncanon;
    free(c.queue), free(c.seen), free(c.canon), free(start);
    return pages;
}

static void market_page_counts_match_a_crawl(void **state)
{
    char *dir = rm_test_tmpdir(), *tf = tmpfile_in(dir, "truth.json");
    const char *args[] = {"--seed", "11", "--products", "40", "--dump-truth", tf, NULL};
    json_t *truth, *pages;
    srv s;
    (void)state;
    srv_start(&s, args);
    truth = load_truth(tf);
    pages = json_object_get(truth, "pages");
    assert_int_equal(crawl_site(s.market, 0), json_integer_value(json_object_get(pages, "market")));
    assert_int_equal(crawl_site(s.social, 1), json_integer_value(json_object_get(pages, "social")));
    json_decref(truth);
    srv_stop(&s);
    free(tf);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- faults ---- */

/* The product URL whose id is id, from the truth. */
static const char *product_url(json_t *truth, unsigned id)
{
    json_t *tp;
    size_t i;
    char prefix[32];
    json_array_foreach(json_object_get(truth, "products"), i, tp) {
        const char *u = jstr(tp, "url"), *p = strstr(u, "/p/");
        snprintf(prefix, sizeof(prefix), "/p/%u-", id);
        if (p && !strncmp(p, prefix, strlen(prefix)))
            return u;
    }
    fail_msg("no product %u", id);
    return NULL;
}

typedef struct bg_fetch {
    const char *url;
    resp r;
} bg_fetch;

static void *bg_run(void *arg)
{
    bg_fetch *b = arg;
    fetch(b->url, &b->r);
    return NULL;
}

static int valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n || (k == 2 && c < 0xC2))
            return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

static void faults_errors_and_times(const srv *s, json_t *truth)
{
    resp r;
    char val[128];

    for (int k = 0; k < 3; k++) { /* 500 twice, then served */
        fetch(product_url(truth, 1), &r);
        assert_int_equal(r.status, k < 2 ? 500 : 200);
        resp_free(&r);
    }
    fetch(product_url(truth, 2), &r);
    assert_int_equal(r.status, 429);
    assert_int_equal(header(&r, "Retry-After", val, sizeof(val)), 0);
    assert_string_equal(val, "7");
    resp_free(&r);
    fetch(product_url(truth, 3), &r);
    assert_int_equal(r.status, 503);
    assert_int_equal(header(&r, "Retry-After", val, sizeof(val)), 0);
    assert_string_equal(val, "5");
    resp_free(&r);
    fetch(product_url(truth, 4), &r);
    assert_int_equal(r.status, 429);
    assert_int_equal(header(&r, "Retry-After", val, sizeof(val)), 0);
    assert_non_null(strstr(val, " GMT")); /* an HTTP-date */
    resp_free(&r);
    for (int k = 0; k < 2; k++) { /* first rule exhausted after one: the next rule applies */
        fetch(product_url(truth, 13), &r);
        assert_int_equal(r.status, k == 0 ? 500 : 503);
        resp_free(&r);
    }
}

static void faults_broken_connections(const srv *s, json_t *truth)
{
    resp r;
    char val[1024];

    fetch(product_url(truth, 5), &r);
    assert_int_equal(r.rc, CURLE_GOT_NOTHING);
    resp_free(&r);
    fetch(product_url(truth, 6), &r);
    assert_int_equal(r.rc, CURLE_PARTIAL_FILE);
    resp_free(&r);
    fetch_ex(product_url(truth, 7), NULL, 0, 1, &r);
    assert_int_equal(r.rc, CURLE_TOO_MANY_REDIRECTS);
    resp_free(&r);
    fetch(product_url(truth, 7), &r);
    assert_int_equal(r.status, 302);
    assert_int_equal(header(&r, "Location", val, sizeof(val)), 0);
    assert_int_equal(strncmp(val, "/_loop?to=", 10), 0);
    resp_free(&r);
    (void)s;
}

static void faults_slow(const srv *s, json_t *truth)
{
    bg_fetch bg = {product_url(truth, 8), {0}};
    pthread_t th;
    char *quick = join(s->market, "/robots.txt");
    resp r, again;

    /* One polling thread: the delayed request must not hold up another one. */
    assert_int_equal(pthread_create(&th, NULL, bg_run, &bg), 0);
    usleep(100000);
    fetch(quick, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.secs < 0.3);
    resp_free(&r);
    pthread_join(th, NULL);
    assert_int_equal(bg.r.status, 200);
    assert_true(bg.r.secs >= 0.55);
    resp_free(&bg.r);
    free(quick);

    fetch(product_url(truth, 9), &r); /* drip at 40 kB/s, once */
    fetch(product_url(truth, 9), &again);
    assert_int_equal(r.status, 200);
    assert_true(r.secs >= (double)r.body.len / 40000.0 * 0.8);
    assert_true(again.secs < r.secs);
    assert_int_equal(r.body.len, again.body.len);
    assert_memory_equal(r.body.ptr, again.body.ptr, r.body.len);
    resp_free(&r), resp_free(&again);

    fetch(product_url(truth, 10), &r);
    assert_int_equal(r.status, 200);
    assert_true(r.body.len > (3u << 20) - 4096 && r.body.len <= (3u << 20));
    assert_int_equal(strncmp(r.body.ptr, "<!DOCTYPE html>", 15), 0);
    assert_string_equal(r.body.ptr + r.body.len - 8, "</html>\n");
    resp_free(&r);
}

static void faults_content(const srv *s, json_t *truth)
{
    resp r, z;
    json_t *doc, *tp = NULL, *it;
    char val[64];
    size_t i;

    fetch(product_url(truth, 11), &r);
    assert_int_equal(r.status, 200);
    assert_false(valid_utf8(r.body.ptr, r.body.len));
    json_array_foreach(json_object_get(truth, "products"), i, it)
        if (!strcmp(jstr(it, "url"), product_url(truth, 11)))
            tp = it;
    check_product_page(r.body.ptr, truth, tp); /* records still equal the truth */
    resp_free(&r);

    fetch(product_url(truth, 12), &r);
    fetch_ex(product_url(truth, 12), NULL, 1, 0, &z);
    assert_int_equal(header(&r, "Content-Encoding", val, sizeof(val)), -1);
    assert_int_equal(header(&z, "Content-Encoding", val, sizeof(val)), 0);
    assert_string_equal(val, "gzip");
    assert_int_equal(r.body.len, z.body.len); /* curl decoded it */
    assert_memory_equal(r.body.ptr, z.body.ptr, r.body.len);
    doc = ld_json(z.body.ptr);
    json_decref(doc);
    resp_free(&r), resp_free(&z);
    (void)s;
}

/* p=0.5 on 40 trap paths: some but not all fail, and the same ones every time. */
static int faults_share_p(const srv *s)
{
    int first[40], hits = 0;
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 40; k++) {
            char path[64], *url;
            resp r;
            snprintf(path, sizeof(path), "/tag/x%d/", k);
            url = join(s->market, path);
            fetch(url, &r);
            if (round == 0) {
                first[k] = (int)r.status;
                hits += r.status == 500;
            } else {
                assert_int_equal(r.status, first[k]);
            }
            resp_free(&r);
            free(url);
        }
    }
    assert_true(hits >= 8 && hits <= 32);
    return hits;
}

static void faults_stats(const srv *s, json_t *truth, int tag_hits)
{
    char *url = join(s->market, "/_control/stats");
    const char *p1 = product_url(truth, 1) + strlen(s->market);
    json_t *st, *faults;
    resp r;

    fetch(url, &r);
    st = json_loads(r.body.ptr, 0, NULL);
    assert_non_null(st);
    faults = json_object_get(st, "faults");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(st, "paths"), p1)), 3);
    assert_int_equal(json_integer_value(json_object_get(faults, "500")), 2 + 1 + 2 * tag_hits);
    assert_int_equal(json_integer_value(json_object_get(faults, "429")), 2);
    assert_int_equal(json_integer_value(json_object_get(faults, "503")), 2);
    assert_int_equal(json_integer_value(json_object_get(faults, "reset")), 1);
    assert_int_equal(json_integer_value(json_object_get(faults, "truncate")), 1);
    assert_int_equal(json_integer_value(json_object_get(faults, "drip")), 1);
    assert_int_equal(json_integer_value(json_object_get(faults, "huge")), 1);
    assert_int_equal(json_integer_value(json_object_get(faults, "delay")), 1);
    assert_true(json_integer_value(json_object_get(faults, "gzip")) >= 1);
    assert_true(json_integer_value(json_object_get(json_object_get(st, "classes"),
                                                   "product")) >= 15);
    json_decref(st);
    resp_free(&r);
    free(url);
}

static void market_fault_kinds(void **state)
{
    char *dir = rm_test_tmpdir(), *tf = tmpfile_in(dir, "truth.json");
    const char *args[] = {"--seed", "3", "--products", PRODUCTS, "--threads", "1",
                          "--dump-truth", tf,
                          "--fault", "/p/1-*=500,times=2",
                          "--fault", "/p/2-*=429,retry_after=7",
                          "--fault", "/p/3-*=503,retry_after=5",
                          "--fault", "/p/4-*=429,retry_after=3,retry_after_date=1",
                          "--fault", "/p/5-*=reset",
                          "--fault", "/p/6-*=truncate",
                          "--fault", "/p/7-*=redirect_loop",
                          "--fault", "/p/8-*=delay,ms=600",
                          "--fault", "/p/9-*=drip,bytes_per_sec=40000,times=1",
                          "--fault", "/p/10-*=huge,mb=3",
                          "--fault", "/p/11-*=bad_utf8",
                          "--fault", "/p/13-*=500,times=1",
                          "--fault", "/p/13-*=503",
                          "--fault", "/tag/*=500,p=0.5",
                          "--fault", "*=gzip",
                          NULL};
    json_t *truth;
    srv s;
    (void)state;
    srv_start(&s, args);
    truth = load_truth(tf);
    faults_errors_and_times(&s, truth);
    faults_broken_connections(&s, truth);
    faults_slow(&s, truth);
    faults_content(&s, truth);
    faults_stats(&s, truth, faults_share_p(&s));
    json_decref(truth);
    srv_stop(&s);
    free(tf);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- epochs ---- */

static int in_list(json_t *arr, const char *s)
{
    json_t *it;
    size_t i;
    json_array_foreach(arr, i, it)
        if (!strcmp(json_string_value(it), s))
            return 1;
    return 0;
}

/* The epoch-2 truth written by a second run with the same ports. */
static json_t *truth_at(const srv *s, int epoch, const char *path)
{
    char bin[FIXTURE_PATH_MAX], port[16], sport[16], ep[16];
    char *argv[] = {bin, "--truth-only", "--seed", "6", "--products", PRODUCTS, "--epoch", ep,
                    "--port", port, "--social-port", sport, "--dump-truth", (char *)path, NULL};
    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    snprintf(port, sizeof(port), "%s", strrchr(s->market, ':') + 1);
    snprintf(sport, sizeof(sport), "%s", strrchr(s->social, ':') + 1);
    snprintf(ep, sizeof(ep), "%d", epoch);
    assert_int_equal(rm_test_run(argv, NULL, NULL, NULL, 10000), 0);
    return load_truth(path);
}

/* Removed products answer 404 and leave the catalogue and the sitemap. */
static void check_removed_vanish(const srv *s, json_t *ch)
{
    char *sm = join(s->market, "/sitemaps/products-1.xml.gz"), *xml;
    char *cat = join(s->market, "/catalog?page=1"), *cat2 = join(s->market, "/catalog?page=2");
    resp r, c1, c2;
    json_t *it;
    size_t i;

    fetch(sm, &r);
    fetch(cat, &c1);
    fetch(cat2, &c2);
    xml = gunzip(r.body.ptr, r.body.len);
    json_array_foreach(ch, i, it) {
        const char *u = json_string_value(it);
        resp gone;
        fetch(u, &gone);
        assert_int_equal(gone.status, 404);
        resp_free(&gone);
        assert_null(strstr(xml, u));
        assert_null(strstr(c1.body.ptr, strstr(u, "/p/")));
        assert_null(strstr(c2.body.ptr, strstr(u, "/p/")));
    }
    free(xml), free(sm), free(cat), free(cat2);
    resp_free(&r), resp_free(&c1), resp_free(&c2);
}

static void check_epoch_changes(const srv *s, json_t *t0, json_t *t2)
{
    json_t *ch = json_object_get(t2, "changes"), *it, *tp;
    size_t i, n0 = json_array_size(json_object_get(t0, "products"));
    size_t removed = json_array_size(json_object_get(ch, "removed"));
    size_t r0 = 0;

    assert_non_null(ch);
    assert_null(json_object_get(t0, "changes"));
    assert_true(removed >= 2 && json_array_size(json_object_get(ch, "price_changes")) >= 2);
    assert_true(json_array_size(json_object_get(ch, "new_reviews")) >= 2);
    assert_int_equal(json_array_size(json_object_get(t2, "products")), n0 - removed);
    check_removed_vanish(s, json_object_get(ch, "removed"));
    json_array_foreach(json_object_get(ch, "price_changes"), i, it) {
        resp r;
        json_t *doc;
        fetch(jstr(it, "url"), &r);
        doc = ld_json(r.body.ptr);
        assert_true(offer_price(ld_product(doc)) == json_real_value(json_object_get(it, "new")));
        assert_true(json_real_value(json_object_get(it, "new")) !=
                    json_real_value(json_object_get(it, "old")));
        json_decref(doc);
        resp_free(&r);
    }
    /* Reviews: the old ones of live products plus exactly the new ones. */
    json_array_foreach(json_object_get(t0, "reviews"), i, it)
        r0 += !in_list(json_object_get(ch, "removed"), jstr(it, "product"));
    assert_int_equal(json_array_size(json_object_get(t2, "reviews")),
                     r0 + json_array_size(json_object_get(ch, "new_reviews")));
    json_array_foreach(json_object_get(t2, "products"), i, tp) {
        if (i % 3 == 0)
            check_review_pages(s, t2, tp);
    }
}

/* Whether product url changed in t2's epoch, or whether page links a changed product. */
static int touched(json_t *t2, const char *url, const char *page)
{
    json_t *ch = json_object_get(t2, "changes"), *x;
    size_t k;
    int hit = 0;

    json_array_foreach(json_object_get(ch, "price_changes"), k, x)
        hit |= url ? !strcmp(jstr(x, "url"), url)
                   : strstr(page, strstr(jstr(x, "url"), "/p/")) != NULL;
    json_array_foreach(json_object_get(ch, "removed"), k, x)
        hit |= !url && strstr(page, strstr(json_string_value(x), "/p/")) != NULL;
    json_array_foreach(json_object_get(t2, "reviews"), k, x)
        hit |= url && !strcmp(jstr(x, "product"), url) &&
               in_list(json_object_get(ch, "new_reviews"), jstr(x, "id"));
    return hit;
}

static void market_epochs_change_what_truth_says(void **state)
{
    char *dir = rm_test_tmpdir(), *f0 = tmpfile_in(dir, "t0.json");
    char *f2 = tmpfile_in(dir, "t2.json");
    const char *args[] = {"--seed", "6", "--products", PRODUCTS, "--dump-truth", f0, NULL};
    json_t *t0, *t2, *tp;
    char *url, *same = NULL, *before = NULL;
    size_t i;
    resp r;
    srv s;
    (void)state;
    srv_start(&s, args);
    t0 = load_truth(f0);
    t2 = truth_at(&s, 2, f2);
    /* A product nothing happened to, and whose related products did not change either,
     * keeps a byte-identical page. */
    json_array_foreach(json_object_get(t2, "products"), i, tp) {
        const char *u = jstr(tp, "url");
        if (!same && !touched(t2, u, NULL)) {
            fetch(u, &r);
            if (!touched(t2, NULL, r.body.ptr)) {
                same = rm_xstrdup(u);
                before = rm_buf_detach(&r.body, NULL);
            }
            resp_free(&r);
        }
    }
    assert_non_null(same);
    url = join(s.market, "/_control/epoch?set=2");
    fetch(url, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body.ptr, "ok\n");
    resp_free(&r);
    free(url);
    fetch(same, &r);
    assert_string_equal(r.body.ptr, before);
    resp_free(&r);
    check_epoch_changes(&s, t0, t2);
    url = join(s.market, "/_control/epoch?set=999");
    fetch(url, &r);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    free(url);
    free(same), free(before);
    json_decref(t0), json_decref(t2);
    srv_stop(&s);
    free(f0), free(f2);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- windows-1251 ---- */

static char *from_cp1251(const char *in, size_t len)
{
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1251");
    rm_buf out;
    char *src = (char *)(uintptr_t)in, *dst;
    size_t left = len, room;

    assert_true(cd != (iconv_t)-1);
    rm_buf_init(&out, RM_BUF_NOLIMIT);
    assert_int_equal(rm_buf_grow(&out, len * 3 + 16), RM_OK);
    dst = out.ptr;
    room = out.cap - 1;
    assert_true(iconv(cd, &src, &left, &dst, &room) != (size_t)-1);
    out.len = (size_t)(dst - out.ptr);
    out.ptr[out.len] = '\0';
    iconv_close(cd);
    return rm_buf_detach(&out, NULL);
}

static void market_serves_windows_1251(void **state)
{
    char *dir = rm_test_tmpdir(), *tf = tmpfile_in(dir, "truth.json");
    const char *args[] = {"--seed", "8", "--products", PRODUCTS, "--charset", "windows-1251",
                          "--dump-truth", tf, NULL};
    json_t *truth, *tp;
    size_t i;
    srv s;
    (void)state;
    srv_start(&s, args);
    truth = load_truth(tf);
    json_array_foreach(json_object_get(truth, "products"), i, tp) {
        resp r;
        char *utf8;
        if (i % 6)
            continue;
        fetch(jstr(tp, "url"), &r);
        assert_string_equal(r.ctype, "text/html; charset=windows-1251");
        assert_non_null(strstr(r.body.ptr, "<meta charset=\"windows-1251\">"));
        assert_non_null(strstr(r.body.ptr, "&#8381;")); /* the rouble sign is not in 1251 */
        utf8 = from_cp1251(r.body.ptr, r.body.len);
        check_product_page(utf8, truth, tp);
        free(utf8);
        resp_free(&r);
    }
    json_decref(truth);
    srv_stop(&s);
    free(tf);
    rm_test_rmdir(dir);
    free(dir);
}

/* ---- flags and shutdown ---- */

static void market_rejects_bad_flags(void **state)
{
    const char *bad[][3] = {
        {"--fault", "nonsense", NULL}, {"--fault", "/x=delay,foo=1", NULL},
        {"--fault", "/x=delay,ms=abc", NULL}, {"--fault", "/x=500,p=1.5", NULL},
        {"--products", "0", NULL}, {"--charset", "koi8-r", NULL}, {"--bogus", NULL, NULL},
        {"--truth-only", NULL, NULL}, {"--epoch", "101", NULL}, {"--port", "70000", NULL},
    };
    char bin[FIXTURE_PATH_MAX];
    (void)state;
    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    for (size_t i = 0; i < RM_ARRAY_LEN(bad); i++) {
        char *argv[] = {bin, (char *)bad[i][0], (char *)bad[i][1], NULL};
        char *err = NULL;
        int rc = rm_test_run(argv, NULL, NULL, &err, 5000);
        if (rc != 2)
            fail_msg("%s %s: exit %d, want 2", bad[i][0], bad[i][1] ? bad[i][1] : "", rc);
        assert_non_null(strstr(err, "rm-market"));
        free(err);
    }
}

static void market_stops_cleanly_with_waiting_connections(void **state)
{
    const char *args[] = {"--products", "10", "--fault", "/=delay,ms=20000", NULL};
    bg_fetch bg;
    pthread_t th;
    int64_t t0;
    srv s;
    (void)state;
    srv_start(&s, args);
    bg.url = join(s.market, "/");
    assert_int_equal(pthread_create(&th, NULL, bg_run, &bg), 0);
    usleep(200000);
    t0 = rm_mono_ms();
    srv_stop(&s); /* exit 0, not stuck behind the suspended connection */
    assert_true(rm_mono_ms() - t0 < 3000);
    pthread_join(th, NULL);
    assert_true(bg.r.secs < 5);
    resp_free(&bg.r);
    free((char *)bg.url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(market_serves_pages_with_types, kill_leftovers),
        cmocka_unit_test_teardown(market_is_deterministic, kill_leftovers),
        cmocka_unit_test_teardown(market_truth_only_is_byte_identical, kill_leftovers),
        cmocka_unit_test_teardown(market_truth_matches_pages, kill_leftovers),
        cmocka_unit_test_teardown(market_robots_and_sitemaps, kill_leftovers),
        cmocka_unit_test_teardown(market_page_counts_match_a_crawl, kill_leftovers),
        cmocka_unit_test_teardown(market_fault_kinds, kill_leftovers),
        cmocka_unit_test_teardown(market_epochs_change_what_truth_says, kill_leftovers),
        cmocka_unit_test_teardown(market_serves_windows_1251, kill_leftovers),
        cmocka_unit_test_teardown(market_rejects_bad_flags, kill_leftovers),
        cmocka_unit_test_teardown(market_stops_cleanly_with_waiting_connections, kill_leftovers),
    };
    int rc;
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
