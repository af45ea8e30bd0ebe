/* rm_crawl: one run of one job — the whole pipeline.
 *
 * Thread-safety: rm_crawl_run() runs the fetch loop on the calling thread and starts its own
 * worker and writer threads; *stop may be set from a signal handler or another thread.
 *
 *   fetch (this thread) ──> work queue ──> workers (extract, score, links) ──> writer (SQLite)
 *        ^                                                                        |
 *        └──────────── frontier (leases end after the writer's commit) <──────────┘
 *
 * A run is resumable: killed at any point, the next rm_crawl_run() of the same job continues
 * it, re-fetching at most the pages that were in flight and storing every record once. */
#ifndef RM_CRAWL_H
#define RM_CRAWL_H

#include <stdatomic.h>
#include <stdint.h>

#include "crawler/config.h"
#include "extractors/extract.h"
#include "nlp/nlp.h"

typedef struct rm_crawl_stats {
    int64_t pages;           /* responses received (robots.txt excluded) */
    int64_t bytes;
    int64_t status_2xx, status_3xx, status_4xx, status_5xx;
    int64_t not_modified;    /* 304, or a body identical to the last fetch */
    int64_t retries;         /* transient failures scheduled for another try */
    int64_t errors;          /* URLs that ended failed (after retries) */
    int64_t err_timeout, err_reset, err_truncated, err_too_big, err_redirect_loop;
    int64_t err_connect, err_http, err_bad_page, err_other;
    int64_t robots_denied;
    int64_t addr_refused;
    int64_t records;
    int64_t new_reviews;
    int64_t reviews_scored;  /* sentiment stored: new reviews and changed texts */
    int64_t price_changes;
    int64_t gone_products;   /* marked gone at the end of a complete run (store.h) */
    int64_t gone_reviews;
    int64_t queued;          /* URLs left in the frontier when the run ended */
    int64_t duration_ms;
} rm_crawl_stats;

typedef enum rm_progress {
    RM_PROGRESS_NONE = 0,
    RM_PROGRESS_TTY,         /* one line redrawn in place */
    RM_PROGRESS_LOG          /* a log line every 10 s */
} rm_progress;

typedef struct rm_crawl_opts {
    const char *db_path;
    const rm_job *job;
    const rm_extractor *extractor; /* shared by workers; built from job->rules */
    const rm_nlp *nlp;
    int64_t max_pages;             /* -1: the job's limit */
    int workers;                   /* 0: the job's setting (0 there: one per core) */
    atomic_int *stop;              /* non-zero: stop gracefully; may be NULL */
    rm_progress progress;
} rm_crawl_opts;

/* How the run ended: "done" (frontier exhausted), "stopped" (asked to stop), "limited"
 * (max_pages reached) or "failed". */
typedef struct rm_crawl_result {
    int64_t run_id;
    const char *outcome;           /* static string */
    rm_crawl_stats stats;
} rm_crawl_result;

/* Runs (or resumes) one crawl of opts->job. Errors that stop the run (database, setup) return
 * non-zero; page-level problems are counted in the stats, never returned. */
RM_MUST_CHECK rm_err rm_crawl_run(const rm_crawl_opts *opts, rm_crawl_result *out);

/* Writes stats as one JSON object (for runs.stats and logs); caller frees. */
char *rm_crawl_stats_json(const rm_crawl_stats *st);

#endif
