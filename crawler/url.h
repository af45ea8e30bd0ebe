/* URLs for the crawler: normalisation (RFC 3986 §6 plus crawler rules), reference resolution
 * (RFC 3986 §5), politeness keys and crawler-trap guards, on top of libcurl's URL API.
 *
 * Thread-safety: every function may be called from any thread; calls share no state (each
 * uses its own CURLU handle; the URL API needs no curl_global_init()).
 *
 *   rm_buf u;
 *   rm_buf_init(&u, RM_URL_MAX_LEN);
 *   if (rm_url_resolve(page_url, href, &u) == RM_OK &&
 *       rm_url_normalize(u.ptr, &job_url_opts, &u) == RM_OK)   // in place is fine
 *       frontier_add(u.ptr);
 *
 * Normalisation, in order (README "URL normalisation" has the table):
 *  - leading and trailing spaces and control characters are trimmed, tabs and newlines inside
 *    removed (what browsers do to an href);
 *  - bytes a URL cannot hold (controls, space, non-ASCII, " < > \ ^ ` { | }) are
 *    percent-encoded outside the host; %XX of an unreserved character (A-Z a-z 0-9 - . _ ~) is
 *    decoded, any other %XX gets upper-case hex; a '%' not followed by two hex digits becomes
 *    %25;
 *  - scheme and host are lower-cased (ASCII letters only: an IDN host stays as given, no
 *    punycode); curl writes numeric IPv4 forms as dotted quads (0x7f.1 -> 127.0.0.1);
 *  - the default port (80 for http, 443 for https) and an empty port are dropped;
 *  - dot segments are removed (after decoding, so %2E%2E counts), an empty path becomes "/";
 *  - the fragment is dropped;
 *  - in the query, empty parameters (a=1&&b=2) are dropped, then parameters whose name is in
 *    the strip list or, unless keep_trackers, a tracker (utm_*, fbclid, gclid, gclsrc, dclid,
 *    yclid, msclkid, mc_cid, mc_eid, igshid, _openstat: click ids and campaign tags that name
 *    one page many ways) are dropped, names compared without case; then the rest are optionally sorted by name (stable: repeated names keep their
 *    order); a query left empty loses its '?';
 *  - user information is kept.
 * Errors: RM_EUNSUPPORTED for a well-formed URL of another scheme (mailto:, ftp:, javascript:),
 * RM_EPARSE for a relative reference or anything curl does not parse, RM_ETOOBIG for input or
 * output longer than max_len. On any error out is left empty. */
#ifndef RM_URL_H
#define RM_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

/* Longest URL accepted or produced when the options say 0. */
#define RM_URL_MAX_LEN 4096

typedef struct rm_url_opts {
    size_t max_len;            /* longest URL accepted or produced; 0 = RM_URL_MAX_LEN */
    const char *const *strip;  /* NULL-terminated parameter names to drop ("utm_*" drops a
                                * prefix); may be NULL; borrowed during the call */
    bool keep_trackers;        /* false (default): also drop the trackers listed above */
    bool sort_query;           /* sort parameters by name; false keeps the page's order */
} rm_url_opts;

/* Writes the normal form of the absolute http(s) URL url into out, replacing what out held.
 * opts NULL means all defaults. url may point into out. */
RM_MUST_CHECK rm_err rm_url_normalize(const char *url, const rm_url_opts *opts, rm_buf *out);

/* Resolves the reference href (absolute, scheme-relative, path, "?query", "#frag" or empty)
 * against the absolute http(s) URL base per RFC 3986 §5.2, writing the target into out
 * (replacing its contents; the fragment is kept, normalise afterwards). Inputs are cleaned as
 * for rm_url_normalize. "http:g" with base's scheme resolves as "g" (§5.2.2, non-strict, as
 * browsers do). A target of another scheme is RM_EUNSUPPORTED; base and href may point into
 * out. */
RM_MUST_CHECK rm_err rm_url_resolve(const char *base, const char *href, rm_buf *out);

/* Writes the politeness key "host:port" of an http(s) URL into out (replacing its contents):
 * host lower-case (IPv6 in brackets), port always present (80 or 443 when the URL has none). */
RM_MUST_CHECK rm_err rm_url_host_key(const char *url, rm_buf *out);

/* Crawler-trap guards, applied to a normalised URL. Every limit has a default
 * (rm_url_trap_opts_default); a max_* of 0 turns that check off, and so does now = 0 for the
 * calendar check (years_back and years_ahead of 0 mean "this year only"). */
typedef struct rm_url_trap_opts {
    time_t now;               /* reference time for the calendar window (the caller's clock);
                               * 0 turns the calendar check off */
    unsigned max_repeat;      /* a path segment more often than this: RM_URL_TRAP_REPEAT (2) */
    unsigned max_segments;    /* more path segments than this: RM_URL_TRAP_DEPTH (16) */
    unsigned max_query_len;   /* longer query (bytes, without '?'): RM_URL_TRAP_QUERY (512) */
    unsigned years_back;      /* calendar years older than now - years_back ... (30) */
    unsigned years_ahead;     /* ... or newer than now + years_ahead: RM_URL_TRAP_CALENDAR (2) */
} rm_url_trap_opts;

typedef enum rm_url_trap {
    RM_URL_TRAP_NONE = 0,
    RM_URL_TRAP_REPEAT,   /* /a/b/a/b/a/b, /tag/x/tag/x/tag/x: relative links looping */
    RM_URL_TRAP_DEPTH,    /* too many path segments */
    RM_URL_TRAP_CALENDAR, /* /2031/11/, ?date=2031-11-05, ?year=2031 outside the window */
    RM_URL_TRAP_QUERY     /* query string too long */
} rm_url_trap;

/* Fills o with the defaults above and now. */
void rm_url_trap_opts_default(rm_url_trap_opts *o, time_t now);
/* Returns why url looks like a crawler trap, or RM_URL_TRAP_NONE; opts NULL means the
 * defaults with the calendar check off. The first failing check is reported, in this order:
 * query length, depth, repeats, calendar. Calendar checks: a path segment of four digits (a
 * year) followed by a segment 1..12 (a month), a path segment or query value starting
 * YYYY-MM (dates such as 2024-03 and 2024-03-12), and a query parameter named year (any case)
 * with a four-digit value; the year must lie in [year(now) - years_back,
 * year(now) + years_ahead]. Borrows url during the call. */
rm_url_trap rm_url_is_trap(const char *url, const rm_url_trap_opts *opts);
/* "none", "repeat", "depth", "calendar", "query". */
const char *rm_url_trap_str(rm_url_trap t);

#endif
