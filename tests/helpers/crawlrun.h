/* Runs `revmine crawl` on configs/demo.yaml against a started fixture marketplace, and small
 * queries on the resulting database, for integration tests.
 *
 * Thread-safety: test main thread only. */
#ifndef RM_TEST_CRAWLRUN_H
#define RM_TEST_CRAWLRUN_H

#include <jansson.h>
#include <stdint.h>

#include "tests/helpers/market.h"

/* Crawls with configs/demo.yaml into db (extra args NULL-terminated, may be NULL); returns the
 * run's JSON result line (json_decref) or fails the test when the command fails. */
json_t *rm_crawl_demo(const char *db, const char *const *extra);
/* Starts the same crawl in the background (for kill tests). */
void rm_crawl_demo_spawn(const char *db, rm_child *child);
/* Runs the demo crawl and returns its exit status; *err gets its stderr (free()). */
int rm_crawl_demo_status(const char *db, char **err);
/* First column of the first row of sql on the database at db, or -1. */
int64_t rm_db_int(const char *db, const char *sql);
/* Asserts that the database equals the market's ground truth, printing mismatches. */
void rm_expect_truth(const char *db, json_t *truth);

#endif
