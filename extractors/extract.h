/* Extraction: one fetched page in, records out (products, reviews, profiles, links).
 *
 * Thread-safety: an rm_extractor is immutable once built; any number of worker threads may
 * call rm_extract() with one shared extractor, each with its own scratch arena and record
 * list. rm_extractor_new() initialises libxml2 and must run before worker threads start.
 *
 *   rm_extractor *ex;
 *   if (rm_extractor_new(files, n, &diag, &ex)) ...     // RM_ECONFIG: diag says file:line
 *   rm_page page = {url, content_type, body, len, time(NULL)};
 *   err = rm_extract(ex, &page, scratch, &recs);       // then rm_arena_reset(scratch)
 *
 * Without rule files, structured data is read as it is published: JSON-LD, microdata,
 * microformats2 (h-card, h-review, h-product), OpenGraph, and JSON documents (Mastodon account
 * objects, ActivityPub actors, schema.org JSON-LD). Rule files (YAML in configs/sites/) add
 * CSS, XPath, JSONPath and regex fields for sites that publish none; README.md describes the
 * format. */
#ifndef RM_EXTRACT_H
#define RM_EXTRACT_H

#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/err.h"
#include "extractors/record.h"

typedef struct rm_page {
    const char *url;          /* final URL after redirects; base for relative links */
    const char *content_type; /* the HTTP Content-Type header value, or NULL */
    const char *body;         /* raw bytes as fetched (already decompressed), any encoding */
    size_t len;
    time_t fetched_at;        /* "now" for relative dates ("3 дня назад") */
} rm_page;

typedef struct rm_extractor rm_extractor; /* immutable once built; shared by worker threads */

/* Pages above this many bytes are not parsed (RM_ETOOBIG). */
#define RM_EXTRACT_MAX_PAGE ((size_t)16 << 20)

/* Loads n site rule files (n == 0: zero-config only). A name that is no file but matches a
 * built-in rule file (configs/sites/NAME.yaml) loads that. Errors go to diag with file, line
 * and field; returns RM_ECONFIG then. Borrows rule_files during the call only. Free with
 * rm_extractor_free(). */
RM_MUST_CHECK rm_err rm_extractor_new(const char *const *rule_files, size_t n, rm_diag *diag,
                                      rm_extractor **out);
void rm_extractor_free(rm_extractor *ex); /* NULL is fine */

/* Appends the page's records (products, reviews, profiles, links) to out; every string goes
 * into out->arena. scratch holds per-page temporaries (decoded body, trees) and is reset by the
 * caller after the call. Borrows page during the call only. A page that cannot be read at all
 * returns RM_EPARSE (not HTML or JSON, or JSON that does not parse) or RM_ETOOBIG (above
 * RM_EXTRACT_MAX_PAGE); partial problems are not errors. */
RM_MUST_CHECK rm_err rm_extract(const rm_extractor *ex, const rm_page *page, rm_arena *scratch,
                                rm_recs *out);

/* The name of the rule file and page type that would handle url ("market-fixture/product"),
 * written into out; returns 0, or -1 when no rule applies (zero-config only). For previews. */
int rm_extractor_page_type(const rm_extractor *ex, const char *url, char *out, size_t size);

#endif
