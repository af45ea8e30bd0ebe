/* The crawl engine: setup, the fetch loop, what a response means, and a clean end.
 *
 * DESIGN
 * One fetch thread (the caller's) owns libcurl's multi handle, the host table and the
 * frontier's read side. It leases due URLs from the frontier into per-host queues, starts what
 * politeness allows (crawl_hosts.c), and classifies each response: 2xx pages go to the work
 * queue for the workers (crawl_work.c); 304s, failures, retries and robots denials go straight
 * to the writer as outcomes. The writer commits in batches and only then ends the lease, so the
 * database always says which URLs are done; after kill -9, a resumed run re-fetches only the
 * leases that were in flight. Queues between stages are bounded: a slow writer stalls the
 * workers, full work queues stall the fetch loop (it keeps finished pages aside and starts no
 * new request until they are handed over).
 *
 * Times: politeness uses the monotonic clock; retry times stored in the frontier use wall-clock
 * milliseconds, since they outlive the process. */
#include "core/rm.h"
#include "core/clock.h"
#include "crawler/crawl_int.h"
#include "crawler/httpdate.h"
#include "crawler/joblock.h"
#include "crawler/netsafe.h"
#include "store/forget.h"
#include "store/portrait.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/hash.h>
#include <math.h>
#include <unistd.h>

#define MAX_RETRY_DELAY_MS (3600LL * 1000) /* a retry never waits more than an hour */
#define STOP_GRACE_MS 5000                /* in-flight transfers get this long to finish */

/* ---- statistics --------------------------------------------------------------------------- */

static void snapshot(engine *e, rm_crawl_stats *st)
{
    counters *c = &e->c;
    rm_apply_stats w = rm_writer_stats(e->writer);

    memset(st, 0, sizeof(*st));
    st->pages = atomic_load(&c->pages);
    st->bytes = atomic_load(&c->bytes);
    st->status_2xx = atomic_load(&c->s2xx);
    st->status_3xx = atomic_load(&c->s3xx);
    st->status_4xx = atomic_load(&c->s4xx);
    st->status_5xx = atomic_load(&c->s5xx);
    st->not_modified = atomic_load(&c->not_modified);
    st->retries = atomic_load(&c->retries);
    st->errors = atomic_load(&c->errors);
    st->err_timeout = atomic_load(&c->err_timeout);
    st->err_reset = atomic_load(&c->err_reset);
    st->err_truncated = atomic_load(&c->err_truncated);
    st->err_too_big = atomic_load(&c->err_too_big);
    st->err_redirect_loop = atomic_load(&c->err_redirect_loop);
    st->err_connect = atomic_load(&c->err_connect);
    st->err_http = atomic_load(&c->err_http);
    st->err_bad_page = atomic_load(&c->err_bad_page);
    st->err_other = atomic_load(&c->err_other);
    st->robots_denied = atomic_load(&c->robots_denied);
    st->addr_refused = atomic_load(&c->addr_refused);
    st->records = w.records;
    st->new_reviews = w.new_reviews;
    st->reviews_scored = w.scored;
    st->price_changes = w.price_changes;
    st->duration_ms = rm_mono_ms() - e->started_ms;
    /* A resumed run adds to what its interrupted part counted. */
    for (size_t i = 0; i < sizeof(*st) / sizeof(int64_t); i++)
        ((int64_t *)st)[i] += ((const int64_t *)&e->base)[i];
}

char *rm_crawl_stats_json(const rm_crawl_stats *st)
{
    json_t *o = json_object(), *errs = json_object();
    char *s;

    json_object_set_new(errs, "timeout", json_integer(st->err_timeout));
    json_object_set_new(errs, "reset", json_integer(st->err_reset));
    json_object_set_new(errs, "truncated", json_integer(st->err_truncated));
    json_object_set_new(errs, "too_big", json_integer(st->err_too_big));
    json_object_set_new(errs, "redirect_loop", json_integer(st->err_redirect_loop));
    json_object_set_new(errs, "connect", json_integer(st->err_connect));
    json_object_set_new(errs, "http", json_integer(st->err_http));
    json_object_set_new(errs, "bad_page", json_integer(st->err_bad_page));
    json_object_set_new(errs, "other", json_integer(st->err_other));
    json_object_set_new(o, "pages", json_integer(st->pages));
    json_object_set_new(o, "bytes", json_integer(st->bytes));
    json_object_set_new(o, "status_2xx", json_integer(st->status_2xx));
    json_object_set_new(o, "status_3xx", json_integer(st->status_3xx));
    json_object_set_new(o, "status_4xx", json_integer(st->status_4xx));
    json_object_set_new(o, "status_5xx", json_integer(st->status_5xx));
    json_object_set_new(o, "not_modified", json_integer(st->not_modified));
    json_object_set_new(o, "retries", json_integer(st->retries));
    json_object_set_new(o, "errors", json_integer(st->errors));
    json_object_set_new(o, "errors_by_kind", errs);
    json_object_set_new(o, "robots_denied", json_integer(st->robots_denied));
    json_object_set_new(o, "address_refused", json_integer(st->addr_refused));
    json_object_set_new(o, "records", json_integer(st->records));
    json_object_set_new(o, "new_reviews", json_integer(st->new_reviews));
    json_object_set_new(o, "reviews_scored", json_integer(st->reviews_scored));
    json_object_set_new(o, "price_changes", json_integer(st->price_changes));
    json_object_set_new(o, "gone_products", json_integer(st->gone_products));
    json_object_set_new(o, "gone_reviews", json_integer(st->gone_reviews));
    json_object_set_new(o, "queued", json_integer(st->queued));
    json_object_set_new(o, "duration_ms", json_integer(st->duration_ms));
    json_object_set_new(o, "pages_per_s",
                        json_real(st->duration_ms > 0 ? st->pages * 1000.0 / st->duration_ms
                                                      : 0));
    s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    return s;
}

typedef struct run_save {
    int64_t run_id;
    const char *outcome; /* NULL: still running */
    rm_crawl_stats st;
} run_save;

static rm_err save_run_op(rm_store *s, void *ctx, rm_apply_stats *unused)
{
    run_save *r = ctx;
    rm_db *db = rm_store_db(s);
    char *json = rm_crawl_stats_json(&r->st);
    sqlite3_stmt *st = rm_db_stmt(
        db, "UPDATE runs SET pages = ?2, bytes = ?3, status_2xx = ?4, status_3xx = ?5, "
            "status_4xx = ?6, status_5xx = ?7, not_modified = ?8, errors = ?9, retries = ?10, "
            "robots_denied = ?11, bad_pages = ?12, records = ?13, new_reviews = ?14, "
            "price_changes = ?15, duration_ms = ?16, stats = ?17, gone_products = ?20, "
            "outcome = COALESCE(?18, outcome), "
            "ended_at = CASE WHEN ?18 IS NULL THEN NULL ELSE ?19 END WHERE id = ?1");
    rm_err err;

    (void)unused;
    if (!st) {
        free(json);
        return RM_EDB;
    }
    rm_db_bind_int(st, 1, r->run_id);
    rm_db_bind_int(st, 2, r->st.pages);
    rm_db_bind_int(st, 3, r->st.bytes);
    rm_db_bind_int(st, 4, r->st.status_2xx);
    rm_db_bind_int(st, 5, r->st.status_3xx);
    rm_db_bind_int(st, 6, r->st.status_4xx);
    rm_db_bind_int(st, 7, r->st.status_5xx);
    rm_db_bind_int(st, 8, r->st.not_modified);
    rm_db_bind_int(st, 9, r->st.errors);
    rm_db_bind_int(st, 10, r->st.retries);
    rm_db_bind_int(st, 11, r->st.robots_denied);
    rm_db_bind_int(st, 12, r->st.err_bad_page);
    rm_db_bind_int(st, 13, r->st.records);
    rm_db_bind_int(st, 14, r->st.new_reviews);
    rm_db_bind_int(st, 15, r->st.price_changes);
    rm_db_bind_int(st, 16, r->st.duration_ms);
    rm_db_bind_text(st, 17, json);
    rm_db_bind_text(st, 18, r->outcome);
    rm_db_bind_int(st, 19, (int64_t)time(NULL));
    rm_db_bind_int(st, 20, r->st.gone_products);
    err = rm_db_step_done(db, st);
    free(json);
    return err;
}

static void free_done(void *ctx, rm_err err)
{
    (void)err;
    free(ctx);
}

static int64_t get_int(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Stats of a resumed run continue from what the interrupted part stored. */
static void load_previous(engine *e)
{
    sqlite3_stmt *st = rm_db_stmt(e->rdb, "SELECT stats FROM runs WHERE id = ?1");
    const char *text;
    json_t *o, *k;
    rm_crawl_stats *b = &e->base;

    if (!st)
        return;
    rm_db_bind_int(st, 1, e->run_id);
    if (sqlite3_step(st) == SQLITE_ROW && (text = (const char *)sqlite3_column_text(st, 0)) &&
        (o = json_loads(text, 0, NULL)) != NULL) {
        k = json_object_get(o, "errors_by_kind");
        b->pages = get_int(o, "pages");
        b->bytes = get_int(o, "bytes");
        b->status_2xx = get_int(o, "status_2xx");
        b->status_3xx = get_int(o, "status_3xx");
        b->status_4xx = get_int(o, "status_4xx");
        b->status_5xx = get_int(o, "status_5xx");
        b->not_modified = get_int(o, "not_modified");
        b->retries = get_int(o, "retries");
        b->errors = get_int(o, "errors");
        b->err_timeout = get_int(k, "timeout");
        b->err_reset = get_int(k, "reset");
        b->err_truncated = get_int(k, "truncated");
        b->err_too_big = get_int(k, "too_big");
        b->err_redirect_loop = get_int(k, "redirect_loop");
        b->err_connect = get_int(k, "connect");
        b->err_http = get_int(k, "http");
        b->err_bad_page = get_int(k, "bad_page");
        b->err_other = get_int(k, "other");
        b->robots_denied = get_int(o, "robots_denied");
        b->addr_refused = get_int(o, "address_refused");
        b->records = get_int(o, "records");
        b->new_reviews = get_int(o, "new_reviews");
        b->reviews_scored = get_int(o, "reviews_scored");
        b->price_changes = get_int(o, "price_changes");
        b->duration_ms = get_int(o, "duration_ms");
        json_decref(o);
    }
    sqlite3_reset(st);
    e->started_pages = b->pages;
}

static void save_run(engine *e, const char *outcome, rm_crawl_stats *st)
{
    run_save *r = rm_xcalloc(1, sizeof(*r));
    r->run_id = e->run_id;
    r->outcome = outcome;
    r->st = *st;
    if (rm_writer_submit(e->writer, save_run_op, free_done, r))
        atomic_store(&e->fatal, 1);
}

/* ---- what a response means ---------------------------------------------------------------- */

static int64_t wall_ms(void)
{
    return rm_time_ms();
}

/* Exponential backoff with ±25% jitter: retries of many URLs spread out instead of returning
 * together; a server's Retry-After wins when it asks for longer. */
static double jitter(engine *e)
{
    /* xorshift64: cheap, and the fetch thread is its only user */
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    return (double)(e->rng % 1001) / 1000.0 * 0.5 - 0.25;
}

static int64_t backoff_ms(engine *e, int failures, int64_t retry_after_ms)
{
    int64_t base = e->job->backoff_ms, d;
    int shift = failures > 1 ? failures - 1 : 0;

    d = shift > 20 ? MAX_RETRY_DELAY_MS : base << shift;
    d += (int64_t)((double)d * jitter(e));
    if (retry_after_ms > d)
        d = retry_after_ms;
    return d > MAX_RETRY_DELAY_MS ? MAX_RETRY_DELAY_MS : d;
}

static void retry_or_fail(engine *e, task *t, int status, const char *why,
                          int64_t retry_after_ms, atomic_llong *kind)
{
    int failures = t->lease.failures + 1;
    char msg[320];

    if (failures > e->job->retries) {
        snprintf(msg, sizeof(msg), "%s (after %d attempts)", why, failures);
        atomic_fetch_add(&e->c.errors, 1);
        atomic_fetch_add(kind, 1);
        rm_crawl_submit_outcome(e, t, RM_OUT_FAILED, status, msg, 0, NULL);
        return;
    }
    atomic_fetch_add(&e->c.retries, 1);
    rm_crawl_submit_outcome(e, t, RM_OUT_RETRY, status, why,
                            wall_ms() + backoff_ms(e, failures, retry_after_ms), NULL);
}

static void fail(engine *e, task *t, int status, const char *why, atomic_llong *kind)
{
    atomic_fetch_add(&e->c.errors, 1);
    atomic_fetch_add(kind, 1);
    rm_crawl_submit_outcome(e, t, RM_OUT_FAILED, status, why, 0, NULL);
}

static void transport_failure(engine *e, task *t, rm_fetch_res *res)
{
    counters *c = &e->c;
    atomic_llong *kind = &c->err_other;

    switch ((CURLcode)res->curl_code) {
    case CURLE_OPERATION_TIMEDOUT: kind = &c->err_timeout; break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: kind = &c->err_reset; break;
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING: kind = &c->err_truncated; break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST: kind = &c->err_connect; break;
    default: break;
    }
    if (res->addr_refused) {
        atomic_fetch_add(&c->addr_refused, 1);
        rm_crawl_submit_outcome(e, t, RM_OUT_SKIPPED, 0,
                                "address not allowed (loopback, private or link-local; set "
                                "network.allow_private to crawl it)", 0, NULL);
    } else if (res->too_big) {
        fail(e, t, (int)res->status, "body larger than limits.max_body", &c->err_too_big);
    } else if (res->curl_code == CURLE_TOO_MANY_REDIRECTS) {
        fail(e, t, (int)res->status, "too many redirects (a redirect loop?)",
             &c->err_redirect_loop);
    } else if (rm_fetch_transient(res->curl_code)) {
        retry_or_fail(e, t, (int)res->status, res->error, 0, kind);
    } else {
        fail(e, t, (int)res->status, res->error, kind);
    }
}

/* 429 and 503 ask the whole host to slow down, not just this URL. */
static int64_t honour_retry_after(engine *e, task *t, rm_fetch_res *res)
{
    int64_t delay = 0;
    if (!res->retry_after || rm_retry_after_parse(res->retry_after, time(NULL), &delay) != RM_OK)
        return 0;
    if (delay > MAX_RETRY_DELAY_MS)
        delay = MAX_RETRY_DELAY_MS;
    if (rm_mono_ms() + delay > t->h->next_ok_ms)
        t->h->next_ok_ms = rm_mono_ms() + delay;
    return delay;
}

static void count_status(engine *e, long status)
{
    counters *c = &e->c;
    atomic_llong *k = status >= 500 ? &c->s5xx : status >= 400 ? &c->s4xx
                    : status >= 300 ? &c->s3xx : &c->s2xx;
    atomic_fetch_add(k, 1);
}

/* Returns true when the page went to (or waits for) a worker. */
static bool classify(engine *e, task *t, rm_fetch_res *res)
{
    char why[64];

    t->h->inflight--;
    atomic_fetch_add(&e->c.bytes, res->bytes);
    if (res->status > 0) {
        atomic_fetch_add(&e->c.pages, 1);
        count_status(e, res->status);
    }
    if (res->curl_code != 0 || res->status == 0) {
        transport_failure(e, t, res);
    } else if (res->status == 304) {
        atomic_fetch_add(&e->c.not_modified, 1);
        rm_crawl_submit_outcome(e, t, RM_OUT_NOT_MODIFIED, 304, NULL, 0, res);
    } else if (res->status >= 200 && res->status < 300) {
        t->res = res;
        return true;
    } else if (res->status == 429 || res->status == 503 || res->status >= 500 ||
               res->status == 408) {
        int64_t ra = res->status == 429 || res->status == 503 ? honour_retry_after(e, t, res)
                                                              : 0;
        snprintf(why, sizeof(why), "http %ld", res->status);
        retry_or_fail(e, t, (int)res->status, why, ra, &e->c.err_http);
    } else {
        snprintf(why, sizeof(why), "http %ld", res->status);
        fail(e, t, (int)res->status, why, &e->c.err_http);
    }
    rm_fetch_res_free(res);
    return false;
}

static void hand_to_workers(engine *e, task *t)
{
    if (e->n_ready == 0 && rm_queue_trypush(e->work, t) == RM_OK)
        return;
    /* Workers are busy: keep the page here, in order; no new request starts until they
     * take it (back-pressure without blocking the transfers already running). */
    RM_GROW(e->ready, e->cap_ready, e->n_ready + 1);
    e->ready[e->n_ready++] = t;
    atomic_store(&e->n_ready_seen, e->n_ready);
}

static void flush_ready(engine *e)
{
    size_t i = 0;
    if (!e->n_ready)
        return;
    while (i < e->n_ready && rm_queue_trypush(e->work, e->ready[i]) == RM_OK)
        i++;
    memmove(e->ready, e->ready + i, (e->n_ready - i) * sizeof(task *));
    e->n_ready -= i;
    atomic_store(&e->n_ready_seen, e->n_ready);
}

static void collect(engine *e)
{
    rm_fetch_res *res;
    while ((res = rm_fetcher_done(e->fetcher)) != NULL) {
        task *t = res->user;
        if (t->robots)
            rm_crawl_robots_done(e, t, res);
        else if (classify(e, t, res))
            hand_to_workers(e, t);
    }
}

/* ---- the loop ----------------------------------------------------------------------------- */

/* Leases keep arriving while the host queues hold fewer than this. */
static size_t buffer_target(const engine *e)
{
    size_t t = (size_t)e->job->concurrency * 4;
    return t < 64 ? 64 : t;
}

static bool limit_reached(const engine *e)
{
    return e->max_pages > 0 && e->started_pages >= e->max_pages;
}

/* Returns when the earliest waiting frontier row is due (wall ms), or 0. */
static int64_t refill(engine *e)
{
    size_t want, n = 0;
    int64_t next_due = 0;
    rm_lease batch[128];

    if (e->buffered >= buffer_target(e) / 2 || limit_reached(e))
        return 0;
    want = RM_MIN(buffer_target(e) - e->buffered, RM_ARRAY_LEN(batch));
    if (rm_frontier_next(e->frontier, wall_ms(), batch, want, &n, &next_due) != RM_OK) {
        atomic_store(&e->fatal, 1);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        task *t = rm_xcalloc(1, sizeof(*t));
        t->e = e;
        t->lease = batch[i];
        t->h = rm_crawl_host(e, t->lease.host, t->lease.url);
        atomic_fetch_add(&e->outstanding, 1);
        rm_crawl_enqueue(e, t);
    }
    return next_due;
}

static void progress(engine *e, int64_t *last, bool final)
{
    int64_t now = rm_mono_ms(), queued = 0, every;
    rm_crawl_stats st;
    double rate, eta;

    if (e->o->progress == RM_PROGRESS_NONE)
        return;
    every = e->o->progress == RM_PROGRESS_TTY ? 1000 : 10000;
    if (!final && now - *last < every)
        return;
    *last = now;
    snapshot(e, &st);
    (void)rm_frontier_pending(e->frontier, &queued);
    rate = st.duration_ms > 0 ? (double)(st.pages - e->base.pages) * 1000.0 /
                                    (double)(st.duration_ms - e->base.duration_ms + 1)
                              : 0;
    eta = rate > 0 ? (double)queued / rate : 0;
    if (e->o->progress == RM_PROGRESS_TTY) {
        fprintf(stderr, "\r\033[K%s: %lld pages, %lld queued, %.0f/s, %lld errors, %lld records, "
                        "ETA %d:%02d%s",
                e->job->name, (long long)st.pages, (long long)queued, rate,
                (long long)st.errors, (long long)st.records, (int)eta / 60, (int)eta % 60,
                final ? "\n" : "");
    } else {
        rm_log_info("%s: %lld pages, %lld queued, %.0f pages/s, %lld errors, %lld retries, "
                    "%lld records", e->job->name, (long long)st.pages, (long long)queued, rate,
                    (long long)st.errors, (long long)st.retries, (long long)st.records);
    }
}

static bool stop_asked(const engine *e)
{
    return (e->o->stop && atomic_load(e->o->stop)) || atomic_load(&e->fatal);
}

/* Runs until the frontier is exhausted, the page limit is reached or a stop is asked. */
static void fetch_loop(engine *e)
{
    int64_t last_progress = rm_mono_ms(), last_save = rm_mono_ms();

    for (;;) {
        int64_t now = rm_mono_ms(), next_host, next_due = 0, wait = 100, pending = 0;

        if (stop_asked(e))
            break;
        flush_ready(e);
        if (e->n_ready == 0) {
            next_due = refill(e);
            next_host = rm_crawl_dispatch(e, now);
            if (next_host >= 0)
                wait = RM_MAX(0, RM_MIN(wait, next_host - now));
            /* Nothing left to start: the URLs the next requests need may sit in the writer's
             * gathered batch, found by pages fetched a moment ago. */
            if (e->buffered == 0 && atomic_load(&e->outstanding) > 0)
                rm_writer_hurry(e->writer);
        }
        if (next_due > 0)
            wait = RM_MAX(1, RM_MIN(wait, next_due - wall_ms()));
        if (rm_fetcher_perform(e->fetcher, (int)wait) != RM_OK) {
            atomic_store(&e->fatal, 1);
            break;
        }
        collect(e);
        progress(e, &last_progress, false);
        if (rm_mono_ms() - last_save > 5000) {
            rm_crawl_stats st;
            snapshot(e, &st);
            save_run(e, NULL, &st);
            last_save = rm_mono_ms();
        }
        /* At the page limit the leases still waiting in host queues will never start: they
         * go back to the frontier, or the loop would wait on them for ever. */
        if (limit_reached(e) && e->buffered)
            rm_crawl_drop_waiting(e);
        if (e->buffered || rm_fetcher_active(e->fetcher) || e->n_ready)
            continue;
        if (limit_reached(e) && atomic_load(&e->outstanding) == 0)
            break;
        /* Every lease ends after its outcome is committed, so an empty frontier with nothing
         * outstanding is a finished crawl. */
        if (atomic_load(&e->outstanding) == 0 &&
            (rm_frontier_pending(e->frontier, &pending) != RM_OK || pending == 0))
            break;
    }
}

static void drop_cb(void *user, void *ctx)
{
    task *t = user;
    engine *e = ctx;
    if (t->robots) {
        t->h->inflight--;
        free(t);
        return;
    }
    t->h->inflight--;
    rm_crawl_task_drop(e, t);
}

/* Stop: no new requests; running ones may finish for a moment, the rest stay queued. */
static void wind_down(engine *e)
{
    int64_t until = rm_mono_ms() + STOP_GRACE_MS;

    rm_crawl_drop_waiting(e);
    while (rm_fetcher_active(e->fetcher) && rm_mono_ms() < until && !atomic_load(&e->fatal)) {
        if (rm_fetcher_perform(e->fetcher, 50) != RM_OK)
            break;
        collect(e);
        rm_crawl_drop_waiting(e);
        flush_ready(e);
    }
    rm_fetcher_cancel_all(e->fetcher, drop_cb, e);
    collect(e);
    rm_crawl_drop_waiting(e);
    /* Pages already fetched are worth keeping: the workers are still running. */
    for (size_t i = 0; i < e->n_ready; i++)
        if (rm_queue_push(e->work, e->ready[i]) != RM_OK)
            rm_crawl_task_drop(e, e->ready[i]);
    e->n_ready = 0;
    atomic_store(&e->n_ready_seen, 0);
}

/* ---- setup and teardown ------------------------------------------------------------------- */

static void setup_names(engine *e)
{
    const rm_job *j = e->job;
    size_t n = strcspn(j->user_agent, "/ ");

    snprintf(e->ua_token, sizeof(e->ua_token), "%.*s", (int)RM_MIN(n, 63), j->user_agent);
    e->strip = rm_xcalloc(j->strip_params.n + 1, sizeof(char *));
    for (size_t i = 0; i < j->strip_params.n; i++)
        e->strip[i] = j->strip_params.v[i];
    e->url_opts.max_len = (size_t)j->max_url_length;
    e->url_opts.strip = (const char *const *)e->strip;
    if (j->allow_hosts.n) {
        e->scope = rm_xcalloc(j->allow_hosts.n + 1, sizeof(char *));
        for (size_t i = 0; i < j->allow_hosts.n; i++)
            e->scope[i] = rm_xstrdup(j->allow_hosts.v[i]);
        return;
    }
    e->scope = rm_xcalloc(j->seeds.n + j->sitemap_urls.n + 1, sizeof(char *));
    for (size_t i = 0, k = 0; i < j->seeds.n + j->sitemap_urls.n; i++) {
        const char *u = i < j->seeds.n ? j->seeds.v[i] : j->sitemap_urls.v[i - j->seeds.n];
        rm_buf key;
        rm_buf_init(&key, 1024);
        if (rm_url_host_key(u, &key) == RM_OK)
            e->scope[k++] = rm_buf_detach(&key, NULL);
        rm_buf_release(&key);
    }
}

static rm_err add_seed(engine *e, const char *url, rm_url_kind kind, rm_diag *d)
{
    rm_buf norm, key;
    rm_new_url u;
    rm_err err;

    rm_buf_init(&norm, RM_URL_MAX_LEN);
    rm_buf_init(&key, 1024);
    err = rm_url_normalize(url, &e->url_opts, &norm);
    if (!err)
        err = rm_url_host_key(norm.ptr, &key);
    if (err) {
        rm_diag_add(d, NULL, 0, "seeds", "%s: %s", url, rm_err_str(err));
        err = RM_ECONFIG;
    } else {
        u = (rm_new_url){norm.ptr, key.ptr, 0, kind == RM_KIND_SITEMAP ? PRIO_SITEMAP : 100,
                         kind};
        err = rm_store_add_urls(e->store, e->job_id, &u, 1, time(NULL));
    }
    rm_buf_release(&norm);
    rm_buf_release(&key);
    return err;
}

/* Job, run and seeds, in one transaction on the writer's connection before its thread starts. */
static rm_err begin_run(engine *e, rm_diag *d)
{
    rm_err err = rm_db_begin(e->wdb);
    if (err)
        return err;
    err = rm_store_job(e->store, e->job->name, &e->job_id);
    if (!err)
        err = rm_store_run_begin(e->store, e->job_id, time(NULL), &e->run_id);
    for (size_t i = 0; !err && i < e->job->seeds.n; i++)
        err = add_seed(e, e->job->seeds.v[i], RM_KIND_PAGE, d);
    for (size_t i = 0; !err && i < e->job->sitemap_urls.n; i++)
        err = add_seed(e, e->job->sitemap_urls.v[i], RM_KIND_SITEMAP, d);
    if (err) {
        rm_db_rollback(e->wdb);
        return err;
    }
    return rm_db_commit(e->wdb);
}

static bool addr_public(const struct sockaddr *sa)
{
    return rm_netsafe_is_public(sa);
}

static rm_err start(engine *e)
{
    const rm_job *j = e->job;
    rm_fetcher_opts fo = {
        .user_agent = j->user_agent, .max_connections = (long)j->concurrency,
        .max_host_connections = (long)j->per_host, .timeout_ms = (long)j->timeout_ms,
        .connect_timeout_ms = (long)j->connect_timeout_ms,
        .low_speed_bytes = (long)j->low_speed_bytes, .low_speed_ms = (long)j->low_speed_ms,
        .max_redirects = (long)j->max_redirects, .max_body = (size_t)j->max_body,
        .addr_ok = j->allow_private ? NULL : addr_public,
    };
    /* A batch gathers pages for 30 ms, so a kill loses at most that much work: fewer, larger
     * commits write fewer WAL frames and search-index segments (bench/ab.sh: 5% less CPU per
     * page, same pages/s), and a fetcher starved of URLs cuts the wait short
     * (rm_writer_hurry in fetch_loop). */
    rm_writer_opts wo = {.queue_cap = 128, .batch_max = 512, .linger_ms = 30};
    rm_err err;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    e->n_workers = e->o->workers > 0 ? e->o->workers
                   : j->workers > 0  ? (int)j->workers
                                     : (int)(cores > 0 ? cores : 1);
    e->host_index = xmlHashCreate(64);
    if ((err = rm_frontier_open_sqlite(e->o->db_path, e->job_id, &e->frontier)))
        return err;
    if ((err = rm_fetcher_new(&fo, &e->fetcher)))
        return err;
    /* Deep enough that a worker wakes the fetch thread only when half of it is gone (see
     * rm_crawl_worker): one wake-up refills several slots. */
    e->work_cap = (size_t)e->n_workers * 8;
    e->work = rm_queue_new(e->work_cap);
    e->seen = rm_urlseen_new(256 * 1024); /* 4 MB */
    e->reviews_done = rm_urlseen_new(128 * 1024); /* 2 MB */
    if ((err = rm_writer_start(e->store, &wo, &e->writer)))
        return err;
    e->threads = rm_xcalloc((size_t)e->n_workers, sizeof(pthread_t));
    for (int i = 0; i < e->n_workers; i++) {
        if (pthread_create(&e->threads[i], NULL, rm_crawl_worker, e) != 0)
            return RM_EIO;
        pthread_setname_np(e->threads[i], "rm-worker"); /* top -H, perf, gdb */
        e->n_started++;
    }
    return RM_OK;
}

typedef struct gone_ctx {
    int64_t job_id, run_id;
    int64_t products, reviews; /* set on the writer thread, read after the flush */
} gone_ctx;

static rm_err mark_gone_op(rm_store *s, void *ctx, rm_apply_stats *unused)
{
    gone_ctx *g = ctx;
    (void)unused;
    return rm_store_mark_gone(s, g->job_id, g->run_id, (int64_t)time(NULL), &g->products,
                              &g->reviews);
}

/* Only a complete run has asked for every page, so only then does "not seen" mean gone. */
static void mark_gone(engine *e, rm_crawl_stats *st)
{
    gone_ctx g = {e->job_id, e->run_id, 0, 0};
    if (rm_writer_submit(e->writer, mark_gone_op, NULL, &g) != RM_OK ||
        rm_writer_flush(e->writer) != RM_OK) {
        atomic_store(&e->fatal, 1);
        return;
    }
    st->gone_products = g.products;
    st->gone_reviews = g.reviews;
    if (g.products || g.reviews)
        rm_log_info("%s: %lld products and %lld reviews are gone from the site",
                    e->job->name, (long long)g.products, (long long)g.reviews);
}

static const char *finish(engine *e, rm_crawl_stats *st)
{
    int64_t pending = -1;
    const char *outcome;
    bool stopped = e->o->stop && atomic_load(e->o->stop);

    wind_down(e);
    rm_queue_close(e->work);
    for (int i = 0; i < e->n_started; i++)
        pthread_join(e->threads[i], NULL);
    e->n_started = 0;
    if (rm_writer_flush(e->writer) != RM_OK)
        atomic_store(&e->fatal, 1);
    if (rm_frontier_pending(e->frontier, &pending) != RM_OK)
        atomic_store(&e->fatal, 1);
    outcome = atomic_load(&e->fatal) ? "failed"
              : pending == 0         ? "done"
              : stopped              ? "stopped"
              : limit_reached(e)     ? "limited"
                                     : "stopped";
    snapshot(e, st);
    st->queued = pending < 0 ? 0 : pending;
    if (!strcmp(outcome, "done"))
        mark_gone(e, st);
    if (atomic_load(&e->fatal))
        outcome = "failed";
    save_run(e, outcome, st);
    return outcome;
}

static void teardown(engine *e)
{
    if (e->work)
        rm_queue_close(e->work);
    for (int i = 0; i < e->n_started; i++)
        pthread_join(e->threads[i], NULL);
    if (e->writer && rm_writer_stop(e->writer) != RM_OK)
        atomic_store(&e->fatal, 1);
    rm_fetcher_free(e->fetcher);
    if (e->host_index)
        rm_crawl_hosts_free(e);
    rm_frontier_free(e->frontier);
    rm_queue_free(e->work);
    rm_urlseen_free(e->seen);
    rm_urlseen_free(e->reviews_done);
    free(e->threads);
    free(e->ready);
    rm_store_free(e->store);
    /* The read connection goes first: a read-only connection cannot checkpoint when it
     * closes last. The writer's connection stays open for the portraits (close_db). */
    rm_db_close(e->rdb);
    free(e->strip);
    for (char **s = e->scope; s && *s; s++)
        free(*s);
    free(e->scope);
}

/* Folds the WAL into the database file, so the .db alone holds the run (a copied or mailed
 * database is complete) and the next open does not replay tens of MB. */
static void close_db(engine *e)
{
    if (e->wdb && rm_db_exec(e->wdb, "PRAGMA wal_checkpoint(TRUNCATE)") != RM_OK)
        rm_log_warn("crawl: WAL checkpoint failed; the data is safe in the -wal file");
    rm_db_close(e->wdb);
}

/* Whole days, rounded up; -1 (keep) for 0. */
static int64_t retention_days(int64_t ms)
{
    const int64_t day = 86400000;
    return ms > 0 ? (ms + day - 1) / day : -1;
}

/* The job's retention settings, applied after each run once the writer has stopped. */
static rm_err retention(const rm_job *j, const char *db_path)
{
    rm_forget_stats st;
    rm_diag d;
    rm_err err;

    if (!j->keep_pages_ms && !j->keep_profiles_ms)
        return RM_OK;
    rm_diag_init(&d);
    err = rm_forget_expire(db_path, retention_days(j->keep_pages_ms),
                           retention_days(j->keep_profiles_ms), (int64_t)time(NULL), &st, &d);
    if (err)
        rm_log_error("%s: retention failed: %s", j->name, rm_err_str(err));
    else if (st.pages || st.profiles)
        rm_log_info("%s: retention erased %lld cached pages and %lld profiles", j->name,
                    (long long)st.pages, (long long)st.profiles);
    rm_diag_release(&d);
    return err;
}

rm_err rm_crawl_run(const rm_crawl_opts *o, rm_crawl_result *out)
{
    engine e;
    rm_diag d;
    rm_err err;
    int64_t last = 0;
    rm_joblock *lock = NULL;

    memset(&e, 0, sizeof(e));
    memset(out, 0, sizeof(*out));
    if ((err = rm_joblock_take(o->db_path, o->job->name, &lock))) {
        if (err == RM_EBUSY)
            rm_log_error("%s: already running (another revmine process is crawling this job "
                         "into %s)", o->job->name, o->db_path);
        else
            rm_log_error("%s: cannot lock %s-lock: %s", o->job->name, o->db_path,
                         err == RM_EIO ? strerror(errno) : rm_err_str(err));
        return err;
    }
    rm_diag_init(&d);
    e.o = o;
    e.job = o->job;
    e.max_pages = o->max_pages >= 0 ? o->max_pages : o->job->max_pages;
    e.started_ms = rm_mono_ms();
    e.proc_started_s = (int64_t)time(NULL);
    e.rng = (uint64_t)rm_time_ms() * 2654435761u | 1;
    setup_names(&e);
    err = rm_db_open(o->db_path, RM_DB_CREATE, &d, &e.wdb);
    if (!err) {
        e.store = rm_store_new(e.wdb);
        err = begin_run(&e, &d);
    }
    if (!err)
        err = rm_db_open(o->db_path, RM_DB_READONLY, &d, &e.rdb);
    if (err) {
        rm_diag_print(&d, stderr);
        goto cleanup;
    }
    load_previous(&e);
    if ((err = start(&e)))
        goto cleanup;
    rm_log_info("%s: run %lld started (%d workers)", e.job->name, (long long)e.run_id,
                e.n_workers);
    fetch_loop(&e);
    out->outcome = finish(&e, &out->stats);
    out->run_id = e.run_id;
    progress(&e, &last, true);
    if (atomic_load(&e.fatal))
        err = RM_EDB;
cleanup:
    teardown(&e);
    rm_diag_release(&d);
    if (!err && atomic_load(&e.fatal))
        err = RM_EDB;
    if (!err)
        err = retention(o->job, o->db_path);
    /* Portraits follow every run, after the writer thread has stopped (one writer at a time),
     * on its connection: its page cache holds what the run wrote. */
    if (!err && (err = rm_portrait_update_db(e.wdb, false, NULL)))
        rm_log_error("%s: portraits not updated: %s", o->job->name, rm_err_str(err));
    close_db(&e);
    rm_joblock_release(lock);
    return err;
}
