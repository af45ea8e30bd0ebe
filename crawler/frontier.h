/* rm_frontier: which URL to fetch next.
 *
 * Thread-safety: next/pending belong to the fetch thread; rm_frontier_release() may be called
 * from any thread (the writer calls it after a commit).
 *
 * The frontier is a swappable part (SQLite now; a shared Redis frontier when several machines
 * crawl one job), so it is a table of functions like SQLite's VFS. The SQLite frontier keeps
 * the queue in the database, never in RAM: memory stays flat however large the site. Rows are
 * leased in memory only; a lease ends when the writer has committed the page's outcome, so a
 * crash re-fetches at most the pages in flight and never loses one. */
#ifndef RM_FRONTIER_H
#define RM_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* One URL handed to the fetcher. Strings are owned by the lease. */
typedef struct rm_lease {
    int64_t id;
    char *url;
    char *host;          /* host:port politeness key */
    int depth;
    int priority;
    int kind;            /* rm_url_kind */
    int failures;        /* consecutive failures so far */
    char *etag;          /* for a conditional GET, or NULL */
    char *last_modified;
    char *content_hash;
} rm_lease;

/* Frees the strings of a lease (not the struct). */
void rm_lease_release(rm_lease *l);

typedef struct rm_frontier rm_frontier;

typedef struct rm_frontier_vt {
    /* Leases up to max due URLs (highest priority first) into out[]; *n says how many. When
     * none is due, *next_due_ms tells when the earliest waiting one is (0 = none waiting). */
    rm_err (*next)(rm_frontier *f, int64_t now_ms, rm_lease *out, size_t max, size_t *n,
                   int64_t *next_due_ms);
    /* Ends the lease of frontier row id. */
    void (*release)(rm_frontier *f, int64_t id);
    /* URLs not finished (queued, waiting for a retry, or leased). */
    rm_err (*pending)(rm_frontier *f, int64_t *count);
    void (*free)(rm_frontier *f);
} rm_frontier_vt;

struct rm_frontier {
    const rm_frontier_vt *vt;
};

/* Opens the SQLite frontier of job_id in the database at path, on its own read connection.
 * Returns a new frontier; free with rm_frontier_free(). */
RM_MUST_CHECK rm_err rm_frontier_open_sqlite(const char *path, int64_t job_id,
                                             rm_frontier **out);

static inline rm_err rm_frontier_next(rm_frontier *f, int64_t now_ms, rm_lease *out, size_t max,
                                      size_t *n, int64_t *next_due_ms)
{
    return f->vt->next(f, now_ms, out, max, n, next_due_ms);
}

static inline void rm_frontier_release(rm_frontier *f, int64_t id)
{
    f->vt->release(f, id);
}

static inline rm_err rm_frontier_pending(rm_frontier *f, int64_t *count)
{
    return f->vt->pending(f, count);
}

static inline void rm_frontier_free(rm_frontier *f)
{
    if (f)
        f->vt->free(f);
}

#endif
