/* rm_store: what a crawl writes, in SQL. Internal state is one rm_db write connection.
 *
 * Thread-safety: an rm_store belongs to the writer thread (store/writer.h), which batches
 * rm_store_apply_*() calls into transactions. Nothing here commits by itself.
 *
 * Identity rules (stable across runs, so re-crawls update instead of duplicating):
 *   site     = host[:port] of the product URL (else of the page URL)
 *   product  = its URL (normalised by the crawler)
 *   review   = (site, "id:" + site's review id), or (site, "h:" + hash of product, author,
 *              date and text) when the site gives no id
 *   profile  = its URL */
#ifndef RM_STORE_H
#define RM_STORE_H

#include <stdint.h>

#include "core/arena.h"
#include "extractors/record.h"
#include "nlp/nlp.h"
#include "store/db.h"

/* How a fetch ended; decides the frontier row's next state. */
typedef enum rm_outcome {
    RM_OUT_OK = 0,        /* fetched and extracted */
    RM_OUT_NOT_MODIFIED,  /* 304, or the same content hash as last time: records refreshed */
    RM_OUT_RETRY,         /* transient failure; fetch again at retry_at_ms */
    RM_OUT_FAILED,        /* permanent failure (4xx, too big, retries used up, bad page) */
    RM_OUT_DENIED,        /* robots.txt disallows it */
    RM_OUT_SKIPPED        /* policy: address not allowed, unsupported type... */
} rm_outcome;

typedef enum rm_url_kind { RM_KIND_PAGE = 0, RM_KIND_SITEMAP = 1 } rm_url_kind;

typedef struct rm_new_url {
    const char *url;   /* normalised absolute URL */
    const char *host;  /* host:port politeness key */
    int depth;
    int priority;
    rm_url_kind kind;
} rm_new_url;

/* Everything the writer needs to record one fetched URL. Every pointer points into arena. */
typedef struct rm_page_result {
    int64_t frontier_id;
    int64_t run_id;
    int64_t job_id;
    const char *url;            /* the frontier URL */
    rm_outcome outcome;
    int status;                 /* HTTP status, 0 when none */
    const char *etag;
    const char *last_modified;
    const char *content_hash;   /* 16 hex digits of the body, NULL when none */
    const char *error;          /* reason, for RETRY/FAILED/DENIED/SKIPPED */
    int64_t retry_at_ms;        /* RETRY only */
    int failures;               /* consecutive failures including this one */
    int64_t fetched_at;         /* Unix seconds */
    rm_recs recs;               /* OK: products, reviews, profiles (links are in urls) */
    rm_sentiment *sent;         /* parallel to recs.v (review entries only), or NULL */
    const bool *scored;         /* parallel to sent: false = not scored because the store
                                 * holds the same text (rm_store_review_known); NULL = all */
    rm_new_url *urls;           /* links to enqueue */
    size_t n_urls;
    const char *content_type;
    const void *body;           /* for the page cache; NULL = do not cache */
    size_t body_len;
    rm_arena *arena;            /* owns all of the above and is freed with the result */
} rm_page_result;

/* Counters of what one apply changed, for run statistics. */
typedef struct rm_apply_stats {
    int64_t records;
    int64_t new_reviews;
    int64_t price_changes;
    int64_t scored; /* reviews whose sentiment was stored: new or edited texts */
} rm_apply_stats;

typedef struct rm_store rm_store;

/* Borrows db for the store's life. */
rm_store *rm_store_new(rm_db *db);
void rm_store_free(rm_store *s); /* NULL is fine */
rm_db *rm_store_db(rm_store *s);
/* After a rollback: forgets what the store remembered of rows that may be gone now. */
void rm_store_rolled_back(rm_store *s);
/* Bulk search indexing for a writer's batch: called right after BEGIN and right before
 * COMMIT of the same transaction, they index the reviews inserted in between with one
 * statement instead of one index segment per review (see schema v4). Without them every
 * insert is indexed at once. */
RM_MUST_CHECK rm_err rm_store_begin_batch(rm_store *s);
RM_MUST_CHECK rm_err rm_store_end_batch(rm_store *s);

/* Jobs and runs. */
RM_MUST_CHECK rm_err rm_store_job(rm_store *s, const char *name, int64_t *job_id);
/* Records the job's schedule (as written) and next run time (Unix seconds, -1: none), creating
 * the job when new. Borrows name and schedule during the call. */
RM_MUST_CHECK rm_err rm_store_job_schedule(rm_store *s, const char *name, const char *schedule,
                                           int64_t next_run_at);
/* The unfinished run of the job (crashed or stopped), or 0. */
RM_MUST_CHECK rm_err rm_store_open_run(rm_store *s, int64_t job_id, int64_t *run_id);
/* Starts a run. When fresh (no unfinished run), every finished frontier row of the job is
 * queued again so the run re-visits the site (with conditional GETs). */
RM_MUST_CHECK rm_err rm_store_run_begin(rm_store *s, int64_t job_id, int64_t now,
                                        int64_t *run_id);
/* Adds URLs to the job's frontier; known URLs are left as they are. */
RM_MUST_CHECK rm_err rm_store_add_urls(rm_store *s, int64_t job_id, const rm_new_url *urls,
                                       size_t n, int64_t now);
/* Records one fetched URL: frontier state, records, sentiment, new links, page cache. */
RM_MUST_CHECK rm_err rm_store_apply_page(rm_store *s, const rm_page_result *r,
                                         rm_apply_stats *st);
/* After a run of the job that ended complete ("done"): marks gone (gone_at = now) the
 * products whose URL answered 404 or 410 in the run, and those whose page the run fetched
 * without showing them; then the reviews of gone products and the reviews a page fetched in
 * the run no longer shows. "Shown" means last_seen at or after the run's start, so a record
 * first stored in the same second as the run began is never marked. Seen again later, a
 * record's gone_at is cleared by rm_store_apply_page(). Counts what it marked into *products
 * and *reviews. Call only for complete runs: a stopped run has not fetched every page. */
RM_MUST_CHECK rm_err rm_store_mark_gone(rm_store *s, int64_t job_id, int64_t run_id,
                                        int64_t now, int64_t *products, int64_t *reviews);
/* Whether the store holds review r (same site and review key, as rm_store_apply_page() keys
 * it) with the same title and body: scoring it again would change nothing. db is any
 * connection of the calling thread (workers use read-only ones). */
RM_MUST_CHECK rm_err rm_store_review_known(rm_db *db, const rm_review *r, bool *same_text);
/* The host whose site review r is stored under (its product's, else its page's), "" if none. */
void rm_store_review_host(const rm_review *r, char *out, size_t size);
/* A 64-bit identity of review r and its text (host, review key, title and body, as
 * rm_store_apply_page() keys and compares them): equal identities, same review with the same
 * text. For in-memory sets of reviews already handled. */
uint64_t rm_store_review_ident(const rm_review *r);
/* Whether the store holds a review of host first seen before time before (unix seconds): a
 * crawl uses it to skip rm_store_review_known() for hosts it alone has stored reviews of.
 * *yes is true when the question cannot be answered. */
RM_MUST_CHECK rm_err rm_store_host_has_reviews_before(rm_db *db, const char *host,
                                                      int64_t before, bool *yes);
/* Caches a host's robots.txt (body may be NULL for 4xx/5xx). */
RM_MUST_CHECK rm_err rm_store_save_robots(rm_store *s, const char *host, int status,
                                          const char *body, int64_t fetched_at);

#endif
