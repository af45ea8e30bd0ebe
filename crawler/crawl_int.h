/* Internals shared by crawl.c (lifecycle and fetch loop), crawl_hosts.c (politeness and
 * robots.txt) and crawl_work.c (workers). Not a public header.
 *
 * Thread-safety: fields are owned by the fetch thread unless marked. */
#ifndef RM_CRAWL_INT_H
#define RM_CRAWL_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/queue.h"
#include "crawler/crawl.h"
#include "crawler/fetch.h"
#include "crawler/frontier.h"
#include "crawler/robots.h"
#include "crawler/url.h"
#include "crawler/urlseen.h"
#include "store/store.h"
#include "store/writer.h"

/* Default priorities by link kind when no job rule matches: items and their reviews before
 * catalogue pages, so records arrive early and a limited crawl still holds whole products. */
enum { PRIO_REVIEW = 15, PRIO_PRODUCT = 20, PRIO_PROFILE = 10, PRIO_NEXT = 5, PRIO_OTHER = 0,
       PRIO_SITEMAP = 50 };

typedef enum robots_state {
    ROBOTS_UNKNOWN = 0,
    ROBOTS_FETCHING,
    ROBOTS_READY,        /* rules loaded (NULL rules = allow all) */
    ROBOTS_WAIT,         /* unreachable: retry at robots_retry_ms */
    ROBOTS_FAILED        /* unreachable after retries: this run gives up on the host */
} robots_state;

typedef struct task task;

typedef struct host {
    char *key;               /* host:port */
    char *origin;            /* scheme://host[:port] */
    int inflight;
    int64_t next_ok_ms;      /* earliest next request start (politeness delay, Retry-After) */
    int64_t delay_ms;        /* max(job delay, Crawl-delay) */
    robots_state robots;
    rm_robots *rules;        /* NULL: allow all */
    int robots_failures;
    int64_t robots_retry_ms;
    bool seed_host;          /* its robots.txt sitemaps seed the crawl */
    bool refused;            /* the address policy refused the host: its URLs are skipped */
    task **q;                /* leases waiting for this host (ring) */
    size_t q_head, q_len, q_cap;
    bool active;             /* in the engine's active list */
} host;

struct task {
    struct engine *e;
    rm_lease lease;
    host *h;
    bool robots;             /* a robots.txt fetch, not a lease */
    rm_fetch_res *res;       /* the response, on its way to a worker */
};

typedef struct counters {
    atomic_llong pages, bytes, s2xx, s3xx, s4xx, s5xx, not_modified, retries, errors;
    atomic_llong err_timeout, err_reset, err_truncated, err_too_big, err_redirect_loop;
    atomic_llong err_connect, err_http, err_bad_page, err_other;
    atomic_llong robots_denied, addr_refused;
} counters;

typedef struct engine {
    const rm_crawl_opts *o;
    const rm_job *job;
    int64_t job_id, run_id;
    int64_t max_pages;
    int64_t started_pages;   /* page fetches started in this run (resumed runs included) */
    char ua_token[64];       /* robots.txt product token: first word of the User-Agent */
    char **strip;            /* NULL-terminated strip list for URL normalisation */
    rm_url_opts url_opts;
    char **scope;            /* allowed hosts (host or host:port), NULL-terminated */

    rm_db *wdb;              /* the writer's connection (writer thread after start) */
    rm_db *rdb;              /* fetch thread's read connection (robots cache) */
    rm_store *store;
    rm_writer *writer;
    rm_frontier *frontier;
    rm_fetcher *fetcher;
    rm_queue *work;          /* fetched pages waiting for a worker */
    size_t work_cap;         /* its capacity: 8 pages per worker */
    rm_urlseen *seen;        /* URLs already handed to the frontier (all threads) */
    rm_urlseen *reviews_done; /* rm_store_review_ident of reviews committed by this process */
    int64_t proc_started_s;  /* unix time this process began the run: reviews first seen
                                before it are from earlier runs (or an earlier process) */
    pthread_t *threads;
    int n_workers;
    int n_started;           /* worker threads running */

    void *host_index;        /* xmlHashTable: key -> host */
    host **hosts;            /* every host seen; fetch thread only */
    size_t n_hosts, cap_hosts;
    host **active;           /* hosts with waiting leases */
    size_t n_active, cap_active;
    size_t buffered;         /* leases waiting in host queues */
    task **ready;            /* fetched pages the work queue could not take yet */
    size_t n_ready, cap_ready;
    atomic_size_t n_ready_seen; /* n_ready as the workers see it: they wake the fetch thread
                                   when they take work while pages wait for a hand-over */

    atomic_llong outstanding; /* leases not yet committed or dropped (all threads) */
    atomic_int fatal;         /* the writer failed: stop */
    counters c;               /* all threads */
    rm_crawl_stats base;      /* what earlier parts of a resumed run counted */
    atomic_llong records, new_reviews, price_changes; /* writer thread */
    int64_t started_ms;
    uint64_t rng;             /* retry jitter; fetch thread */
} engine;

/* crawl_hosts.c */
host *rm_crawl_host(engine *e, const char *key, const char *url);
void rm_crawl_hosts_free(engine *e);
void rm_crawl_enqueue(engine *e, task *t);
/* Starts what politeness allows; returns ms until a host may start again (or -1). */
int64_t rm_crawl_dispatch(engine *e, int64_t now);
void rm_crawl_robots_done(engine *e, task *t, rm_fetch_res *res);
/* Drops every waiting lease (stop, page limit): they stay queued for the next run. */
void rm_crawl_drop_waiting(engine *e);

/* crawl_work.c */
void *rm_crawl_worker(void *arg);
/* Sends a page result without records (failure, denial, 304) to the writer. */
void rm_crawl_submit_outcome(engine *e, task *t, rm_outcome out, int status, const char *error,
                             int64_t retry_at_ms, const rm_fetch_res *res);
void rm_crawl_task_free(task *t);
/* Finishes a lease without a result (dropped): it stays queued in the frontier. */
void rm_crawl_task_drop(engine *e, task *t);

#endif
