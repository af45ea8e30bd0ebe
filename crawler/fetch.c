#include "core/rm.h"
#include "crawler/fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

typedef struct xfer {
    CURL *easy;
    rm_fetcher *f;
    rm_fetch_res *res;
    struct curl_slist *headers;
    int refused;            /* addresses the filter refused */
    struct xfer *next;      /* in the active list or the pool */
    struct xfer *prev;
} xfer;

struct rm_fetcher {
    CURLM *multi;
    rm_fetcher_opts opts;
    xfer *active;           /* doubly linked */
    size_t n_active;
    xfer *pool;             /* finished transfers whose easy handles are kept for reuse */
    rm_fetch_res **done;    /* results not yet taken */
    size_t n_done, cap_done, done_head;
    atomic_int woken;       /* a wakeup is on its way and not yet seen by a poll */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

/* curl_global_init is not thread-safe before 7.84 and must run once per process. */
static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

rm_err rm_fetcher_new(const rm_fetcher_opts *opts, rm_fetcher **out)
{
    rm_fetcher *f;

    pthread_once(&global_once, global_init);
    f = rm_xcalloc(1, sizeof(*f));
    f->opts = *opts;
    f->multi = curl_multi_init();
    if (!f->multi) {
        free(f);
        return RM_ENET;
    }
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, opts->max_connections);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, opts->max_host_connections);
    /* Idle keep-alive connections to remember: enough for every host we talk to at once. */
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, opts->max_connections * 2);
    *out = f;
    return RM_OK;
}

static void res_free(rm_fetch_res *r)
{
    if (!r)
        return;
    free(r->final_url);
    free(r->content_type);
    free(r->etag);
    free(r->last_modified);
    free(r->retry_after);
    rm_buf_release(&r->body);
    free(r);
}

void rm_fetch_res_free(rm_fetch_res *r)
{
    res_free(r);
}

static void xfer_destroy(xfer *x)
{
    curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    res_free(x->res);
    free(x);
}

void rm_fetcher_free(rm_fetcher *f)
{
    xfer *x, *next;
    if (!f)
        return;
    for (x = f->active; x; x = next) {
        next = x->next;
        curl_multi_remove_handle(f->multi, x->easy);
        xfer_destroy(x);
    }
    for (x = f->pool; x; x = next) {
        next = x->next;
        xfer_destroy(x);
    }
    while (f->n_done) {
        res_free(f->done[f->done_head]);
        f->done_head = (f->done_head + 1) % f->cap_done;
        f->n_done--;
    }
    free(f->done);
    curl_multi_cleanup(f->multi);
    free(f);
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    if (x->res->body.cap == 0) {
        /* Size the buffer once from Content-Length (capped by max) instead of doubling. */
        curl_off_t len = -1;
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
        if (len > 0 && (size_t)len <= x->res->body.max)
            (void)rm_buf_grow(&x->res->body, (size_t)len);
    }
    if (rm_buf_add(&x->res->body, data, size * n)) {
        x->res->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return size * n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name), b, e;
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    for (b = nl + 1; b < len && (line[b] == ' ' || line[b] == '\t'); b++)
        ;
    for (e = len; e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ');
         e--)
        ;
    return rm_xstrndup(line + b, e - b);
}

static void set_header(char **slot, char *value)
{
    if (!value)
        return;
    free(*slot);
    *slot = value;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    rm_fetch_res *r = x->res;

    /* Each response of a redirect chain starts with a status line: keep the last one's. */
    if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
        free(r->etag), r->etag = NULL;
        free(r->last_modified), r->last_modified = NULL;
        free(r->retry_after), r->retry_after = NULL;
        return len;
    }
    set_header(&r->etag, header_value(data, len, "etag"));
    set_header(&r->last_modified, header_value(data, len, "last-modified"));
    set_header(&r->retry_after, header_value(data, len, "retry-after"));
    return len;
}

static curl_socket_t on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
    xfer *x = ud;
    (void)purpose;
    if (x->f->opts.addr_ok && !x->f->opts.addr_ok(&addr->addr)) {
        x->refused++;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

/* ---- transfers ---------------------------------------------------------------------------- */

static void setup_easy(rm_fetcher *f, xfer *x, const rm_fetch_req *req)
{
    CURL *e = x->easy;
    const rm_fetcher_opts *o = &f->opts;

    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl decodes */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, o->max_redirects);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    if (o->low_speed_bytes > 0) {
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (o->low_speed_ms + 999) / 1000);
    }
    /* Refuse early when the server announces a body over the cap. */
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    /* Larger reads: fewer syscalls and body callbacks per page. */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L * 1024);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->res->error);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    if (req->etag || req->last_modified) {
        rm_buf h;
        rm_buf_init(&h, 8192);
        if (req->etag) {
            rm_buf_addf(&h, "If-None-Match: %s", req->etag);
            x->headers = curl_slist_append(x->headers, h.ptr);
        }
        if (req->last_modified) {
            rm_buf_reset(&h);
            rm_buf_addf(&h, "If-Modified-Since: %s", req->last_modified);
            x->headers = curl_slist_append(x->headers, h.ptr);
        }
        rm_buf_release(&h);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
}

rm_err rm_fetcher_add(rm_fetcher *f, const rm_fetch_req *req)
{
    xfer *x = f->pool;

    if (x) {
        f->pool = x->next;
        curl_easy_reset(x->easy);
    } else {
        x = rm_xcalloc(1, sizeof(*x));
        x->f = f;
        x->easy = curl_easy_init();
        if (!x->easy) {
            free(x);
            return RM_ENET;
        }
    }
    x->refused = 0;
    x->res = rm_xcalloc(1, sizeof(*x->res));
    x->res->user = req->user;
    rm_buf_init(&x->res->body, f->opts.max_body);
    setup_easy(f, x, req);
    if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
        res_free(x->res);
        x->res = NULL;
        x->next = f->pool;
        f->pool = x;
        return RM_ENET;
    }
    x->prev = NULL;
    x->next = f->active;
    if (f->active)
        f->active->prev = x;
    f->active = x;
    f->n_active++;
    return RM_OK;
}

static void unlink_active(rm_fetcher *f, xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        f->active = x->next;
    if (x->next)
        x->next->prev = x->prev;
    f->n_active--;
}

static void push_done(rm_fetcher *f, rm_fetch_res *r)
{
    if (f->n_done == f->cap_done) {
        size_t cap = f->cap_done ? f->cap_done * 2 : 64;
        rm_fetch_res **d = rm_xcalloc(cap, sizeof(*d));
        for (size_t i = 0; i < f->n_done; i++)
            d[i] = f->done[(f->done_head + i) % f->cap_done];
        free(f->done);
        f->done = d;
        f->cap_done = cap;
        f->done_head = 0;
    }
    f->done[(f->done_head + f->n_done++) % f->cap_done] = r;
}

static char *info_str(CURL *e, CURLINFO what)
{
    char *s = NULL;
    return curl_easy_getinfo(e, what, &s) == CURLE_OK && s ? rm_xstrdup(s) : NULL;
}

static void finish(rm_fetcher *f, xfer *x, CURLcode code)
{
    rm_fetch_res *r = x->res;
    curl_off_t bytes = 0;

    curl_multi_remove_handle(f->multi, x->easy);
    unlink_active(f, x);
    r->curl_code = (int)code;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &r->redirects);
    curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &bytes);
    r->bytes = (int64_t)bytes;
    r->final_url = info_str(x->easy, CURLINFO_EFFECTIVE_URL);
    r->content_type = info_str(x->easy, CURLINFO_CONTENT_TYPE);
    r->addr_refused = code != CURLE_OK && x->refused > 0;
    if (code == CURLE_FILESIZE_EXCEEDED)
        r->too_big = true;
    if (code != CURLE_OK && !r->error[0])
        snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(code));
    curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, NULL);
    x->res = NULL;
    push_done(f, r);
    x->next = f->pool;
    f->pool = x;
}

rm_err rm_fetcher_perform(rm_fetcher *f, int timeout_ms)
{
    int running = 0, left;
    CURLMsg *m;

    if (curl_multi_perform(f->multi, &running) != CURLM_OK)
        return RM_ENET;
    if (curl_multi_poll(f->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK)
        return RM_ENET;
    /* After the poll and before the caller looks at shared state: a wakeup asked for from
     * here on sends a new signal, and one asked for before it is seen by that look. */
    atomic_store(&f->woken, 0);
    if (curl_multi_perform(f->multi, &running) != CURLM_OK)
        return RM_ENET;
    while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
        xfer *x = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        finish(f, x, m->data.result);
    }
    return RM_OK;
}

rm_fetch_res *rm_fetcher_done(rm_fetcher *f)
{
    rm_fetch_res *r;
    if (!f->n_done)
        return NULL;
    r = f->done[f->done_head];
    f->done_head = (f->done_head + 1) % f->cap_done;
    f->n_done--;
    return r;
}

size_t rm_fetcher_active(const rm_fetcher *f)
{
    return f->n_active;
}

/* Many threads ask for a wakeup many times per poll; one signal (a socket write) is enough. */
void rm_fetcher_wakeup(rm_fetcher *f)
{
    if (!atomic_exchange(&f->woken, 1))
        curl_multi_wakeup(f->multi);
}

void rm_fetcher_cancel_all(rm_fetcher *f, void (*cb)(void *user, void *ctx), void *ctx)
{
    while (f->active) {
        xfer *x = f->active;
        void *user = x->res->user;
        curl_multi_remove_handle(f->multi, x->easy);
        unlink_active(f, x);
        curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, NULL);
        res_free(x->res);
        x->res = NULL;
        x->next = f->pool;
        f->pool = x;
        if (cb)
            cb(user, ctx);
    }
}

bool rm_fetch_transient(int code)
{
    switch ((CURLcode)code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}
