/* robots.txt per RFC 9309: parsing, group selection, longest-match rules, crawl-delay and
 * sitemaps. No I/O: the fetcher gets /robots.txt (following up to five redirects), asks
 * rm_robots_policy_for_status() what the status means, and parses 2xx bodies.
 *
 * Thread-safety: an rm_robots is immutable after rm_robots_parse(); any number of threads may
 * query one at the same time. rm_robots_policy_for_status() is pure.
 *
 *   rm_robots *r;
 *   switch (rm_robots_policy_for_status(status)) {
 *   case RM_ROBOTS_PARSE:        err = rm_robots_parse(body, len, &r); break;
 *   case RM_ROBOTS_ALLOW_ALL:    err = rm_robots_parse("", 0, &r); break;
 *   case RM_ROBOTS_DISALLOW_ALL: ...retry later; crawl nothing on the host meanwhile...
 *   }
 *   if (rm_robots_allowed(r, "revmine", "/p/1?page=2")) ...
 *
 * Parsing is lenient, as crawlers must be with files written by hand: a UTF-8 BOM, CR, LF
 * or CRLF line ends, '#' comments, keys in any case, no space after the colon, a missing
 * colon ("disallow /x"), the common misspellings of the keys (useragent, user agent,
 * dissallow, disalow, site-map, ...) and unknown lines are accepted. A group is one or more
 * user-agent lines (blank, comment and unknown lines between them do not end the list)
 * followed by rules; the next user-agent line after a rule starts a new group. Rules before
 * any user-agent line are ignored. Sitemap lines belong to no group.
 *
 * Matching (RFC 9309 §2.2): the groups whose product token equals the caller's
 * case-insensitively are merged, else the '*' groups are; a user-agent value's token is its
 * leading run of [A-Za-z_-] ("Googlebot/2.1" is "Googlebot"), and so is the caller's. Among
 * the rules that match the path, the longest pattern wins and allow wins a tie; no match
 * means allowed, and "/robots.txt" is always allowed. '*' matches any run of bytes, a final
 * '$' anchors the end. Before comparing, path and pattern are put in one form: %XX of a
 * printable ASCII character other than '%' is decoded (so %62 matches b, %2A a literal '*',
 * %2F a '/', as the examples of §2.2.2 and §2.2.3 require), every other byte outside
 * printable ASCII is written %XX with upper-case hex (so a raw UTF-8 pattern matches its
 * encoded URL), and a '%' that starts no escape becomes %25. */
#ifndef RM_ROBOTS_H
#define RM_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* RFC 9309 §2.5: parse at least 500 KiB; reading no more caps memory per host. */
#define RM_ROBOTS_MAX_BYTES (500 * 1024)
/* A larger Crawl-delay is read as this many seconds: one host must not stall a job. */
#define RM_ROBOTS_MAX_CRAWL_DELAY 60.0

typedef struct rm_robots rm_robots;

typedef enum rm_robots_policy {
    RM_ROBOTS_PARSE = 0,    /* 2xx: parse the body */
    RM_ROBOTS_ALLOW_ALL,    /* 4xx except 429, or still a 3xx after the redirect limit:
                             * "unavailable", crawl as if there were no file (§2.3.1.3) */
    RM_ROBOTS_DISALLOW_ALL  /* 5xx, 429, no response (status <= 0) or anything else:
                             * "unreachable", crawl nothing and retry later (§2.3.1.4) */
} rm_robots_policy;

/* What the final HTTP status of /robots.txt means. 429 is read as "unreachable", not as
 * RFC 9309's "unavailable": a host that asks us to slow down should not get a free run. */
rm_robots_policy rm_robots_policy_for_status(int status);

/* Parses len bytes of body (at most RM_ROBOTS_MAX_BYTES of it; a line cut by that limit is
 * dropped). body need not be NUL-terminated and may be NULL when len is 0. Never fails on
 * content: lines it does not understand are skipped. Returns a new rm_robots in *out; free
 * with rm_robots_free(). Borrows body during the call only. */
RM_MUST_CHECK rm_err rm_robots_parse(const char *body, size_t len, rm_robots **out);
void rm_robots_free(rm_robots *r); /* NULL is fine */

/* Whether the crawler whose product token is ua may fetch path_and_query ("/a/b?x=1", as
 * sent in the request line; "" means "/"). ua may also be a full User-Agent value:
 * only its leading token counts. Borrows both strings during the call only. */
bool rm_robots_allowed(const rm_robots *r, const char *ua, const char *path_and_query);

/* Crawl-delay in seconds (fractions allowed) of the group selected for ua, at most
 * RM_ROBOTS_MAX_CRAWL_DELAY; -1 when that group gives none or gives a value that is not a
 * non-negative number. Merged groups give their largest delay. */
double rm_robots_crawl_delay(const rm_robots *r, const char *ua);

/* Sitemap URLs in file order, as written; a NULL-terminated array owned by r. */
const char *const *rm_robots_sitemaps(const rm_robots *r);

#endif
