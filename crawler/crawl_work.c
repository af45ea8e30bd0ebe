/* Workers: a fetched page in, a page result for the writer out.
 *
 * Each worker thread owns a scratch arena (decoded body, trees) reset after every page; the
 * records, links and scores go into a fresh arena that travels with the result to the writer
 * and is freed there after the commit. Extractor and scorer are shared and immutable. */
#include "core/rm.h"
#include "core/clock.h"
#include "core/hash.h"
#include "crawler/crawl_int.h"
#include "crawler/sitemap.h"

/* Links a worker decided to skip (policy said no, or the frontier knows them), by hash of
 * the raw href: most links of a site repeat on every page (navigation, categories, related
 * items) and need no normalising, matching or SQL again. Direct-mapped, so bounded. */
#define LINK_CACHE 65536

#define HOST_MEMO 16

/* Whether the store held reviews of a host before this process began (see needs_score). */
typedef struct host_memo {
    char host[256];
    bool older;
} host_memo;

typedef struct worker {
    engine *e;
    rm_arena *scratch;
    uint64_t *skip; /* LINK_CACHE hashes; 0 = empty */
    rm_db *rdb;     /* this worker's read connection (known reviews); NULL: score all */
    host_memo memo[HOST_MEMO]; /* the first hosts met; later ones are asked each time */
    size_t n_memo;
} worker;

typedef struct result_ctx {
    engine *e;
    task *t;
    rm_page_result pr;
    uint64_t *idents; /* rm_store_review_ident per record (0 for others), pr.arena; or NULL */
} result_ctx;

void rm_crawl_task_free(task *t)
{
    if (!t)
        return;
    rm_lease_release(&t->lease);
    rm_fetch_res_free(t->res);
    free(t);
}

void rm_crawl_task_drop(engine *e, task *t)
{
    rm_frontier_release(e->frontier, t->lease.id);
    atomic_fetch_sub(&e->outstanding, 1);
    rm_crawl_task_free(t);
}

static rm_err apply_op(rm_store *s, void *ctx, rm_apply_stats *st)
{
    result_ctx *rc = ctx;
    return rm_store_apply_page(s, &rc->pr, st);
}

/* After the commit: the lease ends, so the frontier may hand the row out again only if the
 * committed state says it is still queued (a retry). */
static void result_done(void *ctx, rm_err err)
{
    result_ctx *rc = ctx;
    engine *e = rc->e;

    if (err)
        rm_log_error("%s: not stored (%s)", rc->pr.url, rm_err_str(err));
    for (size_t i = 0; !err && rc->idents && i < rc->pr.recs.n; i++)
        if (rc->pr.recs.v[i].type == RM_REC_REVIEW)
            rm_urlseen_add(e->reviews_done, rc->idents[i]);
    rm_frontier_release(e->frontier, rc->t->lease.id);
    rm_crawl_task_free(rc->t);
    atomic_fetch_sub(&e->outstanding, 1);
    rm_fetcher_wakeup(e->fetcher);
    rm_recs_release(&rc->pr.recs);
    rm_arena_free(rc->pr.arena);
}

static result_ctx *result_new(engine *e, task *t, rm_outcome out, int status)
{
    rm_arena *a = rm_arena_new(64 * 1024); /* a page's records usually fit one chunk */
    result_ctx *rc = rm_arena_calloc(a, 1, sizeof(*rc));
    rm_page_result *pr = &rc->pr;

    rc->e = e;
    rc->t = t;
    pr->arena = a;
    pr->frontier_id = t->lease.id;
    pr->run_id = e->run_id;
    pr->job_id = e->job_id;
    pr->url = t->lease.url;
    pr->outcome = out;
    pr->status = status;
    pr->failures = t->lease.failures;
    pr->fetched_at = time(NULL);
    rm_recs_init(&pr->recs, a);
    return rc;
}

static void submit(engine *e, result_ctx *rc)
{
    if (rm_writer_submit(e->writer, apply_op, result_done, rc) != RM_OK)
        atomic_store(&e->fatal, 1); /* result_done ran: the lease is released */
}

void rm_crawl_submit_outcome(engine *e, task *t, rm_outcome out, int status, const char *error,
                             int64_t retry_at_ms, const rm_fetch_res *res)
{
    result_ctx *rc = result_new(e, t, out, status);
    rm_page_result *pr = &rc->pr;

    pr->error = error ? rm_arena_strdup(pr->arena, error) : NULL;
    pr->retry_at_ms = retry_at_ms;
    if (out == RM_OUT_RETRY || out == RM_OUT_FAILED)
        pr->failures = t->lease.failures + 1;
    if (res) {
        pr->etag = res->etag ? rm_arena_strdup(pr->arena, res->etag) : NULL;
        pr->last_modified =
            res->last_modified ? rm_arena_strdup(pr->arena, res->last_modified) : NULL;
    }
    submit(e, rc);
}

/* ---- URLs --------------------------------------------------------------------------------- */

static bool in_scope(const engine *e, const char *key)
{
    size_t hl = strcspn(key, ":");
    for (char **s = e->scope; *s; s++) {
        if (strchr(*s, ':') ? !strcasecmp(*s, key)
                            : (strlen(*s) == hl && !strncasecmp(*s, key, hl)))
            return true;
    }
    return false;
}

/* The normal form of url in arena a, or NULL when it is no http(s) URL. */
static const char *norm_url(engine *e, rm_arena *a, const char *url, rm_buf *tmp)
{
    if (!url || rm_url_normalize(url, &e->url_opts, tmp) != RM_OK)
        return NULL;
    return rm_arena_strndup(a, tmp->ptr, tmp->len);
}

static int default_priority(rm_link_rel rel)
{
    switch (rel) {
    case RM_REL_PRODUCT: return PRIO_PRODUCT;
    case RM_REL_REVIEW: return PRIO_REVIEW;
    case RM_REL_PROFILE: return PRIO_PROFILE;
    case RM_REL_NEXT: return PRIO_NEXT;
    case RM_REL_OTHER: return PRIO_OTHER;
    }
    return PRIO_OTHER;
}

/* Per-page set of URL hashes, so a link repeated on a page is enqueued once. */
typedef struct seen {
    uint64_t *slot;
    size_t cap;
} seen;

static bool seen_add(seen *s, const char *url)
{
    uint64_t h = rm_hash64_fast(url, strlen(url)) | 1;
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->slot[i] == h)
            return false;
        if (!s->slot[i]) {
            s->slot[i] = h;
            return true;
        }
    }
}

static bool cached_skip(const worker *w, uint64_t h)
{
    return w->skip[h & (LINK_CACHE - 1)] == h;
}

static void cache_skip(worker *w, uint64_t h)
{
    w->skip[h & (LINK_CACHE - 1)] = h;
}

/* Adds url to the result's links when the job may follow it and the crawl does not know it
 * yet. Depth is checked first: it is the one rule that depends on the page, not the link. */
static void consider_link(worker *w, rm_page_result *pr, const task *t, const char *url,
                          rm_link_rel rel, rm_url_kind kind, rm_buf *tmp, seen *s,
                          const rm_url_trap_opts *trap)
{
    engine *e = w->e;
    uint64_t raw = rm_hash64_fast(url, strlen(url)) ^ (uint64_t)kind, nh;
    const char *n;
    rm_buf key;
    rm_new_url *u;

    raw |= 1;
    if ((kind == RM_KIND_PAGE && t->lease.depth + 1 > e->job->max_depth) ||
        cached_skip(w, raw))
        return;
    n = norm_url(e, pr->arena, url, tmp);
    if (!n) {
        cache_skip(w, raw);
        return;
    }
    if (!seen_add(s, n))
        return;
    if (kind == RM_KIND_PAGE && (!rm_job_follows(e->job, n, strlen(n)) ||
                                 rm_url_is_trap(n, trap) != RM_URL_TRAP_NONE)) {
        cache_skip(w, raw);
        return;
    }
    rm_buf_init(&key, 1024);
    nh = rm_hash64_fast(n, strlen(n));
    if (rm_url_host_key(n, &key) != RM_OK || !in_scope(e, key.ptr) ||
        !rm_urlseen_add(e->seen, nh)) {
        cache_skip(w, raw);
    } else {
        u = &pr->urls[pr->n_urls++];
        u->url = n;
        u->host = rm_arena_strndup(pr->arena, key.ptr, key.len);
        u->depth = kind == RM_KIND_SITEMAP ? t->lease.depth : t->lease.depth + 1;
        u->kind = kind;
        u->priority = kind == RM_KIND_SITEMAP
                          ? PRIO_SITEMAP
                          : rm_job_priority(e->job, n, strlen(n), default_priority(rel));
    }
    rm_buf_release(&key);
}

static seen seen_new(rm_arena *a, size_t n)
{
    seen s;
    s.cap = 16;
    while (s.cap < n * 2 + 2)
        s.cap *= 2;
    s.slot = rm_arena_calloc(a, s.cap, sizeof(uint64_t));
    return s;
}

static void collect_links(worker *w, rm_page_result *pr, const task *t, rm_buf *tmp)
{
    size_t n = 0;
    seen s;
    rm_url_trap_opts trap;

    for (size_t i = 0; i < pr->recs.n; i++)
        n += pr->recs.v[i].type == RM_REC_LINK;
    if (!n)
        return;
    rm_url_trap_opts_default(&trap, time(NULL));
    s = seen_new(w->scratch, n);
    pr->urls = rm_arena_calloc(pr->arena, n, sizeof(rm_new_url));
    for (size_t i = 0; i < pr->recs.n; i++) {
        const rm_rec *r = &pr->recs.v[i];
        if (r->type == RM_REC_LINK)
            consider_link(w, pr, t, r->u.link.url, r->u.link.rel, RM_KIND_PAGE, tmp, &s, &trap);
    }
}

/* Record URLs in normal form: the same product or profile reached from two pages (JSON-LD
 * url here, microdata url there, a tracking parameter on one) must be one row. */
static void normalise_records(engine *e, rm_page_result *pr, const char *page_url, rm_buf *tmp)
{
    rm_arena *a = pr->arena;
    for (size_t i = 0; i < pr->recs.n; i++) {
        rm_rec *r = &pr->recs.v[i];
        const char *n;
        switch (r->type) {
        case RM_REC_PRODUCT:
            n = norm_url(e, a, r->u.product.url ? r->u.product.url : page_url, tmp);
            r->u.product.url = n ? n : r->u.product.url;
            break;
        case RM_REC_REVIEW:
            if (r->u.review.product && (n = norm_url(e, a, r->u.review.product, tmp)))
                r->u.review.product = n;
            if (r->u.review.author_url)
                r->u.review.author_url = norm_url(e, a, r->u.review.author_url, tmp);
            r->u.review.url = norm_url(e, a, page_url, tmp);
            break;
        case RM_REC_PROFILE:
            n = norm_url(e, a, r->u.profile.url ? r->u.profile.url : page_url, tmp);
            r->u.profile.url = n ? n : r->u.profile.url;
            for (size_t k = 0; k < r->u.profile.n_links; k++)
                if ((n = norm_url(e, a, r->u.profile.links[k], tmp)))
                    r->u.profile.links[k] = n;
            break;
        case RM_REC_LINK:
            break;
        }
    }
}

/* Whether the store held reviews of host before this process began; asked once per host. */
static bool host_had_reviews(worker *w, const char *name)
{
    bool older = true;
    for (size_t i = 0; i < w->n_memo; i++)
        if (!strcmp(w->memo[i].host, name))
            return w->memo[i].older;
    if (rm_store_host_has_reviews_before(w->rdb, name, w->e->proc_started_s, &older) != RM_OK)
        return true;
    if (w->n_memo < HOST_MEMO && strlen(name) < sizeof(w->memo[0].host)) {
        snprintf(w->memo[w->n_memo].host, sizeof(w->memo[0].host), "%s", name);
        w->memo[w->n_memo++].older = older;
    }
    return older;
}

/* A re-crawl meets mostly reviews it has: those whose text the store holds already keep
 * their stored score, and only new or edited texts are scored. A review this process already
 * committed (met again on another page) is not scored again, and nothing needs looking up
 * for a host whose reviews all come from this process: each lookup is a read transaction,
 * which after every commit starts on an emptied page cache (2.4% of a first crawl's CPU). */
static bool needs_score(worker *w, const rm_review *r, uint64_t ident)
{
    char site[256];
    bool same = false;

    if (!w->rdb)
        return true;
    if (rm_urlseen_has(w->e->reviews_done, ident))
        return false;
    rm_store_review_host(r, site, sizeof(site));
    if (!host_had_reviews(w, site))
        return true;
    return rm_store_review_known(w->rdb, r, &same) != RM_OK || !same;
}

/* Scores the page's reviews that need it; each review's identity, computed once here, goes
 * into rc->idents for the commit callback (result_done). */
static void score_reviews(worker *w, result_ctx *rc, rm_buf *tmp)
{
    engine *e = w->e;
    rm_page_result *pr = &rc->pr;
    size_t n = pr->recs.n ? pr->recs.n : 1;
    bool *scored = rm_arena_calloc(pr->arena, n, sizeof(bool));

    pr->sent = rm_arena_calloc(pr->arena, n, sizeof(rm_sentiment));
    pr->scored = scored;
    rc->idents = rm_arena_calloc(pr->arena, n, sizeof(uint64_t));
    for (size_t i = 0; i < pr->recs.n; i++) {
        const rm_review *r = &pr->recs.v[i].u.review;
        if (pr->recs.v[i].type != RM_REC_REVIEW)
            continue;
        rc->idents[i] = rm_store_review_ident(r);
        if (!needs_score(w, r, rc->idents[i]))
            continue;
        scored[i] = true; /* a review without text is stored with the zero score */
        if (!r->title && !r->body)
            continue;
        /* Titles carry sentiment too ("Брак!"); spans then count from the title's start. */
        rm_buf_reset(tmp);
        if (r->title)
            rm_buf_adds(tmp, r->title);
        if (r->title && r->body)
            rm_buf_addc(tmp, '\n');
        if (r->body)
            rm_buf_adds(tmp, r->body);
        if (rm_nlp_score(e->o->nlp, tmp->ptr, tmp->len, RM_LANG_AUTO, pr->arena, &pr->sent[i]))
            memset(&pr->sent[i], 0, sizeof(pr->sent[i]));
    }
}

static void page_records(worker *w, task *t, result_ctx *rc)
{
    engine *e = w->e;
    rm_page_result *pr = &rc->pr;
    const rm_fetch_res *res = t->res;
    const char *page_url = res->final_url ? res->final_url : t->lease.url;
    rm_page page = {page_url, res->content_type, res->body.ptr, res->body.len, pr->fetched_at};
    rm_buf tmp;
    rm_err err = rm_extract(e->o->extractor, &page, w->scratch, &pr->recs);

    if (err == RM_EUNSUPPORTED) {
        pr->outcome = RM_OUT_SKIPPED;
        pr->error = "unsupported content type";
        return;
    }
    if (err) {
        pr->outcome = RM_OUT_FAILED;
        pr->failures = t->lease.failures + 1;
        pr->error = rm_arena_strdup(pr->arena, err == RM_ETOOBIG ? "bad page: too big to parse"
                                                                 : "bad page: unreadable");
        atomic_fetch_add(&e->c.err_bad_page, 1);
        atomic_fetch_add(&e->c.errors, 1);
        return;
    }
    rm_buf_init(&tmp, 1 << 20);
    normalise_records(e, pr, page_url, &tmp);
    collect_links(w, pr, t, &tmp);
    score_reviews(w, rc, &tmp);
    rm_buf_release(&tmp);
    if (e->job->cache_pages) {
        pr->body = rm_arena_strndup(pr->arena, res->body.ptr, res->body.len);
        pr->body_len = res->body.len;
        pr->content_type = res->content_type ? rm_arena_strdup(pr->arena, res->content_type)
                                             : NULL;
    }
}

static void sitemap_urls(worker *w, task *t, result_ctx *rc)
{
    engine *e = w->e;
    rm_page_result *pr = &rc->pr;
    rm_sitemap *sm = NULL;
    rm_err err = rm_sitemap_parse(t->res->body.ptr, t->res->body.len, NULL, &sm);
    size_t n = sm ? rm_sitemap_count(sm) : 0;
    rm_url_kind kind = sm && rm_sitemap_is_index(sm) ? RM_KIND_SITEMAP : RM_KIND_PAGE;
    rm_url_trap_opts trap;
    rm_buf tmp;
    seen s;

    if (err && !n) {
        pr->outcome = RM_OUT_FAILED;
        pr->error = "bad sitemap";
        atomic_fetch_add(&e->c.err_bad_page, 1);
        atomic_fetch_add(&e->c.errors, 1);
        rm_sitemap_free(sm);
        return;
    }
    rm_url_trap_opts_default(&trap, time(NULL));
    rm_buf_init(&tmp, RM_URL_MAX_LEN);
    s = seen_new(w->scratch, n);
    pr->urls = rm_arena_calloc(pr->arena, n ? n : 1, sizeof(rm_new_url));
    for (size_t i = 0; i < n; i++)
        consider_link(w, pr, t, rm_sitemap_entry_at(sm, i)->loc, RM_REL_OTHER, kind, &tmp, &s, &trap);
    rm_buf_release(&tmp);
    rm_sitemap_free(sm);
}

static void process(worker *w, task *t)
{
    engine *e = w->e;
    const rm_fetch_res *res = t->res;
    result_ctx *rc = result_new(e, t, RM_OUT_OK, (int)res->status);
    rm_page_result *pr = &rc->pr;
    char hex[17];

    rm_hash64_hex(rm_hash64_fast(res->body.ptr, res->body.len), hex);
    pr->content_hash = rm_arena_strdup(pr->arena, hex);
    pr->etag = res->etag ? rm_arena_strdup(pr->arena, res->etag) : NULL;
    pr->last_modified = res->last_modified ? rm_arena_strdup(pr->arena, res->last_modified)
                                           : NULL;
    if (t->lease.content_hash && !strcmp(t->lease.content_hash, hex)) {
        /* Same bytes as last time (a server without validators): nothing to extract. */
        pr->outcome = RM_OUT_NOT_MODIFIED;
        atomic_fetch_add(&e->c.not_modified, 1);
    } else if (t->lease.kind == RM_KIND_SITEMAP) {
        sitemap_urls(w, t, rc);
    } else {
        page_records(w, t, rc);
    }
    submit(e, rc);
}

void *rm_crawl_worker(void *arg)
{
    worker w = {.e = arg,
                .scratch = rm_arena_new(2 * 1024 * 1024),
                .skip = rm_xcalloc(LINK_CACHE, sizeof(uint64_t))};
    void *item;
    size_t left;
    rm_diag d;

    /* Without a read connection every review is scored: slower, never wrong. */
    rm_diag_init(&d);
    if (rm_db_open(w.e->o->db_path, RM_DB_READONLY, &d, &w.rdb) != RM_OK)
        w.rdb = NULL;
    rm_diag_release(&d);

    /* 2 MB: a parsed page fits the first chunk, so a page costs no malloc for its tree. */
    while (rm_queue_pop_left(w.e->work, &item, &left) == RM_OK) {
        /* Slots are free now: the fetch thread may be sleeping on pages it could not hand
         * over, and nothing else would wake it before its poll times out. Waking it once
         * half the queue is free refills it in one go; the other half keeps the workers
         * busy meanwhile. */
        if (left <= w.e->work_cap / 2 && atomic_load(&w.e->n_ready_seen))
            rm_fetcher_wakeup(w.e->fetcher);
        process(&w, item);
        rm_arena_reset(w.scratch);
    }
    rm_db_close(w.rdb);
    rm_arena_free(w.scratch);
    free(w.skip);
    return NULL;
}
