/* rm_fetcher: many HTTP transfers at once on one thread, with libcurl's multi interface.
 *
 * Thread-safety: an rm_fetcher and its CURLM belong to the fetch thread. Other threads only
 * call rm_fetcher_wakeup(), which interrupts a waiting rm_fetcher_perform().
 *
 * The fetcher knows nothing of politeness or retries: the crawl engine decides what to fetch
 * when, and what a result means. It does enforce what protects the process: body size cap,
 * timeouts (connect, total, low speed), redirect limit, http/https only (redirects too), and
 * an address filter checked after DNS resolution, before connecting. */
#ifndef RM_FETCH_H
#define RM_FETCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct rm_fetcher_opts {
    const char *user_agent;     /* borrowed for the fetcher's life */
    long max_connections;       /* all hosts */
    long max_host_connections;
    long timeout_ms;
    long connect_timeout_ms;
    long low_speed_bytes;       /* abort below this rate ... */
    long low_speed_ms;          /* ... sustained this long */
    long max_redirects;
    size_t max_body;            /* bytes; larger bodies abort with too_big */
    /* Returns false to refuse connecting to addr; NULL allows every address. */
    bool (*addr_ok)(const struct sockaddr *addr);
} rm_fetcher_opts;

typedef struct rm_fetch_req {
    const char *url;            /* borrowed during rm_fetcher_add() */
    const char *etag;           /* sent as If-None-Match, or NULL */
    const char *last_modified;  /* sent as If-Modified-Since, or NULL */
    void *user;                 /* handed back in the result */
} rm_fetch_req;

typedef struct rm_fetch_res {
    void *user;
    int curl_code;              /* CURLcode; 0 when the transfer completed */
    long status;                /* HTTP status of the last response, 0 when none */
    char *final_url;            /* after redirects */
    char *content_type;         /* header value, or NULL */
    char *etag;
    char *last_modified;
    char *retry_after;          /* header value, or NULL */
    rm_buf body;                /* decoded (gzip, deflate, br) body */
    bool too_big;               /* aborted at max_body */
    bool addr_refused;          /* the address filter refused every address */
    long redirects;
    int64_t bytes;              /* bytes received on the wire (headers excluded) */
    char error[256];            /* curl's message when curl_code != 0 */
} rm_fetch_res;

typedef struct rm_fetcher rm_fetcher;

/* Returns a new fetcher; free with rm_fetcher_free(). Borrows opts' strings. */
RM_MUST_CHECK rm_err rm_fetcher_new(const rm_fetcher_opts *opts, rm_fetcher **out);
/* Aborts transfers still running; their results are dropped. NULL is fine. */
void rm_fetcher_free(rm_fetcher *f);
/* Starts a transfer (it runs during rm_fetcher_perform()). */
RM_MUST_CHECK rm_err rm_fetcher_add(rm_fetcher *f, const rm_fetch_req *req);
/* Drives transfers, waiting at most timeout_ms for activity or a wakeup. */
RM_MUST_CHECK rm_err rm_fetcher_perform(rm_fetcher *f, int timeout_ms);
/* Returns the next finished transfer, or NULL; free it with rm_fetch_res_free(). */
rm_fetch_res *rm_fetcher_done(rm_fetcher *f);
/* Transfers running. */
size_t rm_fetcher_active(const rm_fetcher *f);
/* Safe from any thread: makes a waiting rm_fetcher_perform() return. */
void rm_fetcher_wakeup(rm_fetcher *f);
/* Cancels every running transfer and returns their user pointers through cb. */
void rm_fetcher_cancel_all(rm_fetcher *f, void (*cb)(void *user, void *ctx), void *ctx);
void rm_fetch_res_free(rm_fetch_res *r); /* NULL is fine */

/* True when the failure is worth retrying: timeouts, resets, truncated bodies, DNS hiccups. */
bool rm_fetch_transient(int curl_code);

#endif
