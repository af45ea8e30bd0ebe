/* Politeness: per-host queues, delays, concurrency, robots.txt and Retry-After.
 *
 * Everything here runs on the fetch thread. A lease waits in its host's queue until the host's
 * robots.txt is known and the host may take another request: fewer than per_host in flight
 * and its next start time (the job's delay, robots Crawl-delay, or a server's Retry-After)
 * has come. */
#include "core/rm.h"
#include "core/clock.h"
#include "crawler/crawl_int.h"

#include <libxml/hash.h>

/* A Crawl-delay above this is treated as this: a typo must not stall a job for hours. */
#define MAX_CRAWL_DELAY_MS (60 * 1000)

static void origin_of(const char *url, rm_buf *out)
{
    const char *p = strstr(url, "://");
    size_t n;
    rm_buf_reset(out);
    if (!p)
        return;
    p += 3;
    n = strcspn(p, "/?#");
    rm_buf_add(out, url, (size_t)(p - url) + n);
}

static void load_cached_robots(engine *e, host *h);

host *rm_crawl_host(engine *e, const char *key, const char *url)
{
    host *h = xmlHashLookup(e->host_index, (const xmlChar *)key);
    rm_buf origin;

    if (h)
        return h;
    h = rm_xcalloc(1, sizeof(*h));
    h->key = rm_xstrdup(key);
    rm_buf_init(&origin, 4096);
    origin_of(url, &origin);
    h->origin = rm_buf_detach(&origin, NULL);
    h->delay_ms = e->job->delay_ms;
    if (xmlHashAddEntry(e->host_index, (const xmlChar *)key, h) != 0)
        rm_log_error("host table: cannot add %s", key);
    RM_GROW(e->hosts, e->cap_hosts, e->n_hosts + 1);
    e->hosts[e->n_hosts++] = h;
    for (size_t i = 0; i < e->job->seeds.n; i++) {
        rm_buf sk;
        rm_buf_init(&sk, 1024);
        if (rm_url_host_key(e->job->seeds.v[i], &sk) == RM_OK && !strcmp(sk.ptr, key))
            h->seed_host = true;
        rm_buf_release(&sk);
    }
    if (!e->job->obey_robots)
        h->robots = ROBOTS_READY;
    else
        load_cached_robots(e, h);
    return h;
}

void rm_crawl_hosts_free(engine *e)
{
    for (size_t i = 0; i < e->n_hosts; i++) {
        host *h = e->hosts[i];
        for (size_t k = 0; k < h->q_len; k++)
            rm_crawl_task_free(h->q[(h->q_head + k) % h->q_cap]);
        free(h->q);
        rm_robots_free(h->rules);
        free(h->key);
        free(h->origin);
        free(h);
    }
    free(e->hosts);
    free(e->active);
    xmlHashFree(e->host_index, NULL);
}

/* ---- queues ------------------------------------------------------------------------------- */

static void activate(engine *e, host *h)
{
    if (h->active)
        return;
    RM_GROW(e->active, e->cap_active, e->n_active + 1);
    e->active[e->n_active++] = h;
    h->active = true;
}

void rm_crawl_enqueue(engine *e, task *t)
{
    host *h = t->h;
    if (h->q_len == h->q_cap) {
        size_t cap = h->q_cap ? h->q_cap * 2 : 16;
        task **q = rm_xcalloc(cap, sizeof(*q));
        for (size_t i = 0; i < h->q_len; i++)
            q[i] = h->q[(h->q_head + i) % h->q_cap];
        free(h->q);
        h->q = q;
        h->q_cap = cap;
        h->q_head = 0;
    }
    h->q[(h->q_head + h->q_len++) % h->q_cap] = t;
    e->buffered++;
    activate(e, h);
}

static task *dequeue(engine *e, host *h)
{
    task *t;
    if (!h->q_len)
        return NULL;
    t = h->q[h->q_head];
    h->q_head = (h->q_head + 1) % h->q_cap;
    h->q_len--;
    e->buffered--;
    return t;
}

void rm_crawl_drop_waiting(engine *e)
{
    for (size_t i = 0; i < e->n_active; i++) {
        host *h = e->active[i];
        task *t;
        while ((t = dequeue(e, h)) != NULL)
            rm_crawl_task_drop(e, t);
        h->active = false;
    }
    e->n_active = 0;
}

/* ---- robots.txt --------------------------------------------------------------------------- */

static void apply_robots(engine *e, host *h, int status, const char *body, size_t len)
{
    double delay;

    rm_robots_free(h->rules);
    h->rules = NULL;
    h->robots = ROBOTS_READY;
    h->robots_failures = 0;
    if (rm_robots_policy_for_status(status) != RM_ROBOTS_PARSE)
        return; /* RFC 9309 §2.3.1.3: 4xx means no rules; callers never pass 5xx here */
    if (rm_robots_parse(body, len, &h->rules) != RM_OK) {
        h->rules = NULL;
        return;
    }
    delay = rm_robots_crawl_delay(h->rules, e->ua_token);
    if (delay > 0) {
        int64_t ms = (int64_t)(delay * 1000);
        if (ms > MAX_CRAWL_DELAY_MS)
            ms = MAX_CRAWL_DELAY_MS;
        if (ms > h->delay_ms)
            h->delay_ms = ms;
    }
}

static void load_cached_robots(engine *e, host *h)
{
    sqlite3_stmt *st = rm_db_stmt(e->rdb, "SELECT robots_status, robots_body, robots_fetched_at "
                                          "FROM hosts WHERE host = ?1");
    if (!st)
        return;
    rm_db_bind_text(st, 1, h->key);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int status = sqlite3_column_int(st, 0);
        int64_t at = sqlite3_column_int64(st, 2);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        bool fresh = (time(NULL) - at) * 1000 < e->job->robots_ttl_ms;
        if (fresh && status < 500)
            apply_robots(e, h, status, body ? body : "", body ? strlen(body) : 0);
    }
    sqlite3_reset(st);
}

typedef struct robots_save {
    char *host;
    int status;
    char *body;
    int64_t at;
} robots_save;

static rm_err save_robots_op(rm_store *s, void *ctx, rm_apply_stats *st)
{
    robots_save *r = ctx;
    (void)st;
    return rm_store_save_robots(s, r->host, r->status, r->body, r->at);
}

static void save_robots_done(void *ctx, rm_err err)
{
    robots_save *r = ctx;
    (void)err;
    free(r->host);
    free(r->body);
    free(r);
}

/* Sitemap URLs named in a seed host's robots.txt join the frontier as sitemaps. */
static void seed_sitemaps(engine *e, host *h);

#define REFUSED_MSG "address not allowed (loopback, private or link-local; set " \
                    "network.allow_private to crawl it)"

/* Fails (or, for a refused address, skips) every lease waiting for a host given up on. */
static void give_up_host(engine *e, host *h)
{
    task *t;
    while ((t = dequeue(e, h)) != NULL) {
        if (h->refused) {
            atomic_fetch_add(&e->c.addr_refused, 1);
            rm_crawl_submit_outcome(e, t, RM_OUT_SKIPPED, 0, REFUSED_MSG, 0, NULL);
        } else {
            rm_crawl_submit_outcome(e, t, RM_OUT_FAILED, 0, "robots.txt unreachable", 0, NULL);
        }
    }
}

static void robots_failed(engine *e, host *h, const char *why)
{
    int64_t wait;

    h->robots_failures++;
    if (h->robots_failures > e->job->retries) {
        /* RFC 9309 §2.3.1.4: unreachable robots.txt means disallow all; this run gives the
         * host up and its URLs fail with the reason (a later run tries again). */
        rm_log_warn("%s: robots.txt unreachable (%s); skipping the host this run", h->key, why);
        h->robots = ROBOTS_FAILED;
        give_up_host(e, h);
        return;
    }
    wait = e->job->backoff_ms << (h->robots_failures - 1);
    h->robots = ROBOTS_WAIT;
    h->robots_retry_ms = rm_mono_ms() + wait;
    rm_log_info("%s: robots.txt %s; retrying in %lld ms", h->key, why, (long long)wait);
}

void rm_crawl_robots_done(engine *e, task *t, rm_fetch_res *res)
{
    host *h = t->h;
    robots_save *save;

    h->inflight--;
    if (res->addr_refused) {
        /* The policy will refuse every URL of this host, not just robots.txt. */
        rm_log_warn("%s: %s", h->key, REFUSED_MSG);
        h->refused = true;
        h->robots = ROBOTS_FAILED;
        give_up_host(e, h);
        goto done;
    }
    if (res->curl_code != 0 ||
        rm_robots_policy_for_status((int)res->status) == RM_ROBOTS_DISALLOW_ALL) {
        robots_failed(e, h, res->curl_code ? res->error : "server error");
        goto done;
    }
    apply_robots(e, h, (int)res->status, res->body.ptr, res->body.len);
    save = rm_xcalloc(1, sizeof(*save));
    save->host = rm_xstrdup(h->key);
    save->status = (int)res->status;
    save->body = res->status < 300 ? rm_xstrndup(res->body.ptr, res->body.len) : NULL;
    save->at = time(NULL);
    if (rm_writer_submit(e->writer, save_robots_op, save_robots_done, save))
        atomic_store(&e->fatal, 1);
    if (h->seed_host && e->job->sitemaps)
        seed_sitemaps(e, h);
done:
    rm_fetch_res_free(res);
    free(t);
}

static rm_err add_urls_op(rm_store *s, void *ctx, rm_apply_stats *st)
{
    rm_page_result *r = ctx;
    (void)st;
    return rm_store_add_urls(s, r->job_id, r->urls, r->n_urls, r->fetched_at);
}

static void add_urls_done(void *ctx, rm_err err)
{
    rm_page_result *r = ctx;
    (void)err;
    rm_arena_free(r->arena);
}

static void seed_sitemaps(engine *e, host *h)
{
    const char *const *maps = h->rules ? rm_robots_sitemaps(h->rules) : NULL;
    size_t n = 0;
    rm_arena *a;
    rm_page_result *r;
    rm_buf norm;

    while (maps && maps[n])
        n++;
    if (!n)
        return;
    a = rm_arena_new(4096);
    r = rm_arena_calloc(a, 1, sizeof(*r));
    r->arena = a;
    r->job_id = e->job_id;
    r->fetched_at = time(NULL);
    r->urls = rm_arena_calloc(a, n, sizeof(rm_new_url));
    rm_buf_init(&norm, RM_URL_MAX_LEN);
    for (size_t i = 0; i < n; i++) {
        rm_buf key;
        if (rm_url_normalize(maps[i], &e->url_opts, &norm))
            continue;
        rm_buf_init(&key, 1024);
        if (rm_url_host_key(norm.ptr, &key) == RM_OK) {
            rm_new_url *u = &r->urls[r->n_urls++];
            u->url = rm_arena_strdup(a, norm.ptr);
            u->host = rm_arena_strdup(a, key.ptr);
            u->kind = RM_KIND_SITEMAP;
            u->priority = PRIO_SITEMAP;
        }
        rm_buf_release(&key);
    }
    rm_buf_release(&norm);
    if (rm_writer_submit(e->writer, add_urls_op, add_urls_done, r))
        atomic_store(&e->fatal, 1);
}

static void start_robots(engine *e, host *h)
{
    task *t = rm_xcalloc(1, sizeof(*t));
    rm_buf url;
    rm_fetch_req req;

    t->e = e;
    t->h = h;
    t->robots = true;
    rm_buf_init(&url, 4096);
    rm_buf_addf(&url, "%s/robots.txt", h->origin);
    req = (rm_fetch_req){url.ptr, NULL, NULL, t};
    if (rm_fetcher_add(e->fetcher, &req) != RM_OK) {
        free(t);
        robots_failed(e, h, "could not start the request");
    } else {
        h->robots = ROBOTS_FETCHING;
        h->inflight++;
    }
    rm_buf_release(&url);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* The path and query of an absolute URL: what robots.txt rules match. */
static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p += strcspn(p, "/?#");
    return *p ? p : "/";
}

static void start_page(engine *e, host *h, task *t, int64_t now)
{
    rm_fetch_req req = {t->lease.url, t->lease.etag, t->lease.last_modified, t};
    if (rm_fetcher_add(e->fetcher, &req) != RM_OK) {
        rm_crawl_submit_outcome(e, t, RM_OUT_FAILED, 0, "could not start the request", 0, NULL);
        return;
    }
    h->inflight++;
    h->next_ok_ms = now + h->delay_ms;
    e->started_pages++;
}

/* Starts what host h may start now; returns when it may start the next, or -1. */
static int64_t dispatch_host(engine *e, host *h, int64_t now)
{
    if (h->robots == ROBOTS_UNKNOWN || (h->robots == ROBOTS_WAIT && now >= h->robots_retry_ms)) {
        start_robots(e, h);
        return -1;
    }
    if (h->robots == ROBOTS_WAIT)
        return h->robots_retry_ms;
    if (h->robots == ROBOTS_FAILED) {
        give_up_host(e, h);
        return -1;
    }
    if (h->robots != ROBOTS_READY)
        return -1;
    while (h->q_len && h->inflight < e->job->per_host &&
           (int64_t)rm_fetcher_active(e->fetcher) < e->job->concurrency) {
        task *t;
        if (now < h->next_ok_ms)
            return h->next_ok_ms;
        if (e->max_pages > 0 && e->started_pages >= e->max_pages)
            return -1;
        t = dequeue(e, h);
        if (h->rules && !rm_robots_allowed(h->rules, e->ua_token, path_of(t->lease.url))) {
            atomic_fetch_add(&e->c.robots_denied, 1);
            rm_crawl_submit_outcome(e, t, RM_OUT_DENIED, 0, "disallowed by robots.txt", 0, NULL);
            continue;
        }
        start_page(e, h, t, now);
    }
    return -1;
}

int64_t rm_crawl_dispatch(engine *e, int64_t now)
{
    int64_t soonest = -1;
    size_t keep = 0;

    for (size_t i = 0; i < e->n_active; i++) {
        host *h = e->active[i];
        int64_t next = dispatch_host(e, h, now);
        if (next >= 0 && (soonest < 0 || next < soonest))
            soonest = next;
        if (h->q_len)
            e->active[keep++] = h;
        else
            h->active = false;
    }
    e->n_active = keep;
    return soonest;
}
