/* Sitemaps (sitemaps.org protocol 0.9): XML <urlset> and <sitemapindex>, plain-text sitemaps
 * (one URL a line), gzip-compressed or not. No I/O: the fetcher hands over the body.
 *
 * Thread-safety: an rm_sitemap is immutable once parsed and may be read from any thread.
 * rm_sitemap_parse() may run in several threads at once, after the program has called
 * libxml2's xmlInitParser() once from its main thread (libxml2's rule, not ours).
 *
 *   rm_sitemap *sm;
 *   rm_err err = rm_sitemap_parse(body, len, NULL, &sm);   // sm is set even on error
 *   for (size_t i = 0; i < rm_sitemap_count(sm); i++) {
 *       const rm_sitemap_entry *e = rm_sitemap_entry_at(sm, i);
 *       rm_sitemap_is_index(sm) ? fetch_sitemap(e->loc) : frontier_add(e->loc);
 *   }
 *   rm_sitemap_free(sm);
 *
 * The body is read as a stream, never held uncompressed: a body starting with the gzip magic
 * (1f 8b) is inflated on the fly (several gzip members are read one after the other), and at
 * most max_bytes uncompressed bytes are read (50 MB, the protocol's limit). After an optional
 * UTF-8 BOM and white space, '<' means XML, anything else a text sitemap.
 *
 * XML: the root must be urlset or sitemapindex, with the sitemaps.org namespace, another one
 * (old Google schemas) or none; url/sitemap entries are its children in the root's namespace,
 * and loc, lastmod and priority their children in that namespace (so image:loc and the like
 * from extensions are not taken for the page's loc). Text and CDATA both count; white space
 * around values is trimmed. The parser does not load external entities or DTDs.
 * Text: every line that, trimmed, starts with http:// or https:// (any case) is an entry;
 * other non-empty lines are skipped.
 *
 * Entries with an empty loc, or a loc longer than RM_SITEMAP_MAX_LOC, are skipped and counted
 * (rm_sitemap_skipped); loc is kept as written otherwise (normalise it with crawler/url). The
 * protocol's rule that a sitemap lists only URLs under its own directory is the caller's to
 * apply, since only the caller knows where the sitemap came from. */
#ifndef RM_SITEMAP_H
#define RM_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/err.h"

#define RM_SITEMAP_MAX_BYTES ((size_t)50 * 1000 * 1000) /* uncompressed, sitemaps.org */
#define RM_SITEMAP_MAX_URLS 50000                       /* entries per file, sitemaps.org */
#define RM_SITEMAP_MAX_LOC 8192                         /* bytes; the protocol says < 2048 */

typedef struct rm_sitemap_opts {
    size_t max_bytes; /* uncompressed bytes read at most; 0 = RM_SITEMAP_MAX_BYTES */
    size_t max_urls;  /* entries kept at most; 0 = RM_SITEMAP_MAX_URLS */
} rm_sitemap_opts;

typedef struct rm_sitemap_entry {
    const char *loc;  /* trimmed, never empty; owned by the rm_sitemap */
    time_t lastmod;   /* W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, with time and zone) in UTC */
    bool has_lastmod; /* false when absent or not a date */
    double priority;  /* 0..1; NAN when absent or out of range (isnan()) */
} rm_sitemap_entry;

typedef struct rm_sitemap rm_sitemap;

/* Parses len bytes of body. *out receives a new rm_sitemap on every return but RM_EINVAL
 * (body NULL with len > 0), holding what was read before any problem; free it with
 * rm_sitemap_free(). Returns RM_OK; RM_EPARSE for malformed XML or a corrupt gzip stream;
 * RM_ETOOBIG when max_bytes or max_urls was reached (the entries up to there are kept);
 * RM_EUNSUPPORTED for XML whose root is neither urlset nor sitemapindex (an RSS feed, an
 * HTML error page), with no entries. opts may be NULL. Borrows body during the call only. */
RM_MUST_CHECK rm_err rm_sitemap_parse(const void *body, size_t len, const rm_sitemap_opts *opts,
                                      rm_sitemap **out);
void rm_sitemap_free(rm_sitemap *s); /* NULL is fine */

/* True for a <sitemapindex>: the entries are further sitemaps, not pages. */
bool rm_sitemap_is_index(const rm_sitemap *s);
size_t rm_sitemap_count(const rm_sitemap *s);
/* Entry i (i < rm_sitemap_count()), in document order; valid as long as s. */
const rm_sitemap_entry *rm_sitemap_entry_at(const rm_sitemap *s, size_t i);
/* Entries dropped for an empty or too long loc, and text lines that were no URL. */
size_t rm_sitemap_skipped(const rm_sitemap *s);

#endif
