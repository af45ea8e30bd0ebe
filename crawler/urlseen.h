/* rm_urlseen: a bounded, thread-safe set of 64-bit hashes. The crawl keeps two: URLs it already
 * handed to the frontier, so workers skip links the database already knows without asking
 * it, and reviews it committed in this run, so a review met again is not scored again.
 *
 * Thread-safety: every function may be called from any thread (striped locks).
 *
 * It is a cache, not the truth: when a stripe fills up it is emptied, and a URL it forgot is
 * simply offered to the frontier again, where the UNIQUE index ignores it (a review, looked up
 * or scored again). Memory stays bounded however large the crawl. */
#ifndef RM_URLSEEN_H
#define RM_URLSEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rm_urlseen rm_urlseen;

/* Returns a set remembering about max_entries hashes; free with rm_urlseen_free(). */
rm_urlseen *rm_urlseen_new(size_t max_entries);
void rm_urlseen_free(rm_urlseen *s); /* NULL is fine */
/* Adds h; returns true when it was not there (the caller is the first to see it). */
bool rm_urlseen_add(rm_urlseen *s, uint64_t h);
/* Whether h is there (forgotten hashes answer false). */
bool rm_urlseen_has(rm_urlseen *s, uint64_t h);

#endif
