/* A tiny HTTP server on 127.0.0.1 for unit tests (libmicrohttpd, a thread per connection).
 *
 * Thread-safety: the handler runs on server threads; it must only read shared test state or
 * guard it. */
#ifndef RM_TEST_HTTPD_H
#define RM_TEST_HTTPD_H

#include <stddef.h>

typedef struct rm_test_req {
    const char *method;
    const char *path;         /* without the query */
    const char *query;        /* value of the "q" parameter, or "" */
    const char *if_none_match;
    const char *accept_encoding;
    const char *user_agent;
} rm_test_req;

typedef struct rm_test_resp {
    int status;               /* 0 = drop the connection without a response */
    const char *content_type;
    const char *body;         /* copied */
    size_t len;               /* 0 = strlen(body) */
    const char *headers[8];   /* "Name: value" pairs, NULL-terminated */
    int delay_ms;             /* sleep before answering */
} rm_test_resp;

typedef void (*rm_test_handler)(const rm_test_req *req, rm_test_resp *resp, void *ctx);

typedef struct rm_test_httpd rm_test_httpd;

/* Starts a server on a free port; NULL on failure. */
rm_test_httpd *rm_test_httpd_start(rm_test_handler h, void *ctx);
int rm_test_httpd_port(const rm_test_httpd *s);
/* Requests answered so far. */
long rm_test_httpd_hits(rm_test_httpd *s);
void rm_test_httpd_stop(rm_test_httpd *s);

#endif
