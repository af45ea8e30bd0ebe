#include "core/rm.h"
#include "core/clock.h"
#include "crawler/fetch.h"
#include "tests/helpers/httpd.h"
#include "tests/helpers/testutil.h"

#include <curl/curl.h>
#include <zlib.h>

static char big_body[2 * 1024 * 1024];
static unsigned char gz_body[256];
static size_t gz_len;

static void handler(const rm_test_req *req, rm_test_resp *resp, void *ctx)
{
    static char loop_hdr[] = "Location: /loop";
    (void)ctx;
    if (!strcmp(req->path, "/ok")) {
        if (req->if_none_match && !strcmp(req->if_none_match, "\"v1\"")) {
            resp->status = 304;
            return;
        }
        resp->body = "<html>hello</html>";
        resp->headers[0] = "ETag: \"v1\"";
        resp->headers[1] = "Last-Modified: Tue, 12 Mar 2024 10:00:00 GMT";
    } else if (!strcmp(req->path, "/redirect")) {
        resp->status = 302;
        resp->headers[0] = "Location: /ok";
    } else if (!strcmp(req->path, "/loop")) {
        resp->status = 302;
        resp->headers[0] = loop_hdr;
    } else if (!strcmp(req->path, "/big")) {
        resp->body = big_body;
        resp->len = sizeof(big_body);
    } else if (!strcmp(req->path, "/429")) {
        resp->status = 429;
        resp->body = "slow down";
        resp->headers[0] = "Retry-After: 7";
    } else if (!strcmp(req->path, "/gzip")) {
        resp->body = (const char *)gz_body;
        resp->len = gz_len;
        resp->headers[0] = "Content-Encoding: gzip";
    } else if (!strcmp(req->path, "/slow")) {
        resp->delay_ms = 1500;
        resp->body = "late";
    } else if (!strcmp(req->path, "/drop")) {
        resp->status = 0;
    } else if (!strcmp(req->path, "/ua")) {
        resp->body = req->user_agent ? req->user_agent : "";
    } else {
        resp->status = 404;
        resp->body = "no";
    }
}

static void make_gzip(void)
{
    z_stream z;
    const char *text = "<p>сжатый ответ</p>";
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)text;
    z.avail_in = (unsigned)strlen(text);
    z.next_out = gz_body;
    z.avail_out = sizeof(gz_body);
    deflate(&z, Z_FINISH);
    gz_len = sizeof(gz_body) - z.avail_out;
    deflateEnd(&z);
}

typedef struct fx {
    rm_test_httpd *srv;
    rm_fetcher *f;
    char base[64];
} fx;

static bool refuse_all(const struct sockaddr *a)
{
    (void)a;
    return false;
}

static int setup_with(void **state, bool (*addr_ok)(const struct sockaddr *))
{
    fx *x = rm_xcalloc(1, sizeof(*x));
    rm_fetcher_opts o = {
        .user_agent = "revmine-test/1.0", .max_connections = 8, .max_host_connections = 4,
        .timeout_ms = 800, .connect_timeout_ms = 2000, .low_speed_bytes = 0,
        .low_speed_ms = 0, .max_redirects = 3, .max_body = 1024 * 1024, .addr_ok = addr_ok,
    };
    memset(big_body, 'x', sizeof(big_body));
    make_gzip();
    x->srv = rm_test_httpd_start(handler, NULL);
    if (!x->srv || rm_fetcher_new(&o, &x->f))
        return -1;
    snprintf(x->base, sizeof(x->base), "http://127.0.0.1:%d", rm_test_httpd_port(x->srv));
    *state = x;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL);
}

static int setup_refusing(void **state)
{
    return setup_with(state, refuse_all);
}

static int teardown(void **state)
{
    fx *x = *state;
    rm_fetcher_free(x->f);
    rm_test_httpd_stop(x->srv);
    free(x);
    return 0;
}

/* Fetches one path and waits for its result (bounded). */
static rm_fetch_res *get(fx *x, const char *path, const char *etag)
{
    char url[128];
    rm_fetch_req req = {url, etag, NULL, (void *)path};
    rm_fetch_res *r = NULL;
    int64_t deadline = rm_mono_ms() + 5000;

    snprintf(url, sizeof(url), "%s%s", x->base, path);
    assert_int_equal(rm_fetcher_add(x->f, &req), RM_OK);
    while (!r && rm_mono_ms() < deadline) {
        assert_int_equal(rm_fetcher_perform(x->f, 100), RM_OK);
        r = rm_fetcher_done(x->f);
    }
    assert_non_null(r);
    assert_ptr_equal(r->user, path);
    return r;
}

static void fetch_ok_captures_validators(void **state)
{
    rm_fetch_res *r = get(*state, "/ok", NULL);
    assert_int_equal(r->curl_code, 0);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body.ptr, "<html>hello</html>");
    assert_string_equal(r->etag, "\"v1\"");
    assert_string_equal(r->last_modified, "Tue, 12 Mar 2024 10:00:00 GMT");
    assert_string_equal(r->content_type, "text/html; charset=utf-8");
    rm_fetch_res_free(r);
}

static void fetch_conditional_get_gives_304(void **state)
{
    rm_fetch_res *r = get(*state, "/ok", "\"v1\"");
    assert_int_equal(r->status, 304);
    assert_int_equal(r->body.len, 0);
    rm_fetch_res_free(r);
}

static void fetch_follows_redirects_and_stops_loops(void **state)
{
    fx *x = *state;
    rm_fetch_res *r = get(x, "/redirect", NULL);
    char want[128];
    snprintf(want, sizeof(want), "%s/ok", x->base);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->redirects, 1);
    assert_string_equal(r->final_url, want);
    assert_string_equal(r->etag, "\"v1\""); /* headers of the last response */
    rm_fetch_res_free(r);
    r = get(x, "/loop", NULL);
    assert_int_equal(r->curl_code, CURLE_TOO_MANY_REDIRECTS);
    assert_false(rm_fetch_transient(r->curl_code));
    rm_fetch_res_free(r);
}

static void fetch_caps_body_size(void **state)
{
    rm_fetch_res *r = get(*state, "/big", NULL);
    assert_true(r->too_big);
    assert_int_not_equal(r->curl_code, 0);
    assert_true(r->body.len <= 1024 * 1024);
    rm_fetch_res_free(r);
}

static void fetch_reports_retry_after_and_decodes_gzip(void **state)
{
    rm_fetch_res *r = get(*state, "/429", NULL);
    assert_int_equal(r->status, 429);
    assert_string_equal(r->retry_after, "7");
    rm_fetch_res_free(r);
    r = get(*state, "/gzip", NULL);
    assert_int_equal(r->curl_code, 0);
    assert_string_equal(r->body.ptr, "<p>сжатый ответ</p>");
    rm_fetch_res_free(r);
}

static void fetch_timeouts_and_drops_are_transient(void **state)
{
    rm_fetch_res *r = get(*state, "/slow", NULL);
    assert_int_equal(r->curl_code, CURLE_OPERATION_TIMEDOUT);
    assert_true(rm_fetch_transient(r->curl_code));
    rm_fetch_res_free(r);
    r = get(*state, "/drop", NULL);
    assert_int_equal(r->curl_code, CURLE_GOT_NOTHING);
    assert_true(rm_fetch_transient(r->curl_code));
    rm_fetch_res_free(r);
}

static void fetch_sends_user_agent_and_runs_many_at_once(void **state)
{
    fx *x = *state;
    char url[128];
    int got = 0;
    int64_t deadline = rm_mono_ms() + 5000;
    snprintf(url, sizeof(url), "%s/ua", x->base);
    for (int i = 0; i < 20; i++) {
        rm_fetch_req req = {url, NULL, NULL, NULL};
        assert_int_equal(rm_fetcher_add(x->f, &req), RM_OK);
    }
    assert_int_equal(rm_fetcher_active(x->f), 20);
    while (got < 20 && rm_mono_ms() < deadline) {
        rm_fetch_res *r;
        assert_int_equal(rm_fetcher_perform(x->f, 100), RM_OK);
        while ((r = rm_fetcher_done(x->f)) != NULL) {
            assert_string_equal(r->body.ptr, "revmine-test/1.0");
            rm_fetch_res_free(r);
            got++;
        }
    }
    assert_int_equal(got, 20);
    assert_int_equal(rm_fetcher_active(x->f), 0);
}

static void fetch_address_filter_refuses(void **state)
{
    fx *x = *state;
    rm_fetch_res *r = get(x, "/ok", NULL);
    assert_true(r->addr_refused);
    assert_int_equal(r->status, 0);
    assert_int_equal(rm_test_httpd_hits(x->srv), 0);
    rm_fetch_res_free(r);
}

static void fetch_rejects_other_schemes(void **state)
{
    fx *x = *state;
    rm_fetch_req req = {"file:///etc/passwd", NULL, NULL, NULL};
    rm_fetch_res *r = NULL;
    int64_t deadline = rm_mono_ms() + 2000;
    assert_int_equal(rm_fetcher_add(x->f, &req), RM_OK);
    while (!r && rm_mono_ms() < deadline) {
        assert_int_equal(rm_fetcher_perform(x->f, 50), RM_OK);
        r = rm_fetcher_done(x->f);
    }
    assert_non_null(r);
    assert_int_equal(r->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    assert_int_equal(r->body.len, 0);
    rm_fetch_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fetch_ok_captures_validators, setup, teardown),
        cmocka_unit_test_setup_teardown(fetch_conditional_get_gives_304, setup, teardown),
        cmocka_unit_test_setup_teardown(fetch_follows_redirects_and_stops_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(fetch_caps_body_size, setup, teardown),
        cmocka_unit_test_setup_teardown(fetch_reports_retry_after_and_decodes_gzip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fetch_timeouts_and_drops_are_transient, setup, teardown),
        cmocka_unit_test_setup_teardown(fetch_sends_user_agent_and_runs_many_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fetch_address_filter_refuses, setup_refusing, teardown),
        cmocka_unit_test_setup_teardown(fetch_rejects_other_schemes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
