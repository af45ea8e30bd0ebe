/* Starts and stops the fixture marketplace (build/rm-market) for integration tests.
 *
 * Thread-safety: test main thread only. */
#ifndef RM_TEST_MARKET_H
#define RM_TEST_MARKET_H

#include <jansson.h>

#include "tests/helpers/testutil.h"

typedef struct rm_market {
    rm_child child;
    char market[256]; /* http://127.0.0.1:PORT */
    char social[256];
    char *truth_path;
    json_t *truth;    /* the ground truth the server dumped */
} rm_market;

/* Starts rm-market with the given extra arguments (NULL-terminated), waits until it is ready
 * and loads its truth into m->truth. Sets MARKET_URL and SOCIAL_URL in the environment for
 * configs/demo.yaml. Fails the test on error. dir holds the truth file. */
void rm_market_start(rm_market *m, const char *dir, const char *const *args);
/* Stops the server (SIGTERM) and frees the truth. */
void rm_market_stop(rm_market *m);
/* GETs a path of the market (e.g. "/_control/stats") with libcurl; returns the body (free) or
 * NULL. */
char *rm_market_get(const rm_market *m, const char *path);
/* GETs a full URL (either site) the same way; *len (may be NULL) gets the body's length. */
char *rm_market_fetch(const char *url, size_t *len);

#endif
