/* Internals shared by the extraction files: extract.c (API, page walk, merging), links.c,
 * schema.c (schema.org vocabulary to records), jsonld.c, microdata.c, mf2.c, og.c, jsondoc.c
 * (JSON documents) and rules.c. Not a public header.
 *
 * Thread-safety: an rm_x_page belongs to the worker extracting that page.
 *
 * Every reader appends pending records to the page; rm_extract() then merges what several
 * sources said about one item (JSON-LD beats microdata beats microformats beats OpenGraph),
 * fills in review-to-product links and emits records and links in that order. Pending records'
 * strings already live in out->arena; temporaries live in scratch. */
#ifndef RM_EXTRACT_INT_H
#define RM_EXTRACT_INT_H

#include <curl/curl.h>
#include <gumbo.h>
#include <jansson.h>
#include <stdbool.h>

#include "extractors/extract.h"

/* Bounds on what one page can add, so hostile pages cannot grow memory without limit. */
#define RM_X_MAX_ITEMS 5000   /* products, reviews, profiles each */
#define RM_X_MAX_LINKS 20000
#define RM_X_MAX_DEPTH 32     /* nesting of JSON-LD objects, microdata and mf2 items */
#define RM_X_MAX_LIST 256     /* interests or links of one profile */

/* Where a record came from; lower wins when two describe the same item. */
typedef enum rm_x_src {
    RM_X_RULES = 0,
    RM_X_JSONLD,
    RM_X_MICRODATA,
    RM_X_MF2,
    RM_X_OG,
    RM_X_JSON
} rm_x_src;

typedef struct rm_x_prod {
    rm_product p;
    const char *id;  /* @id or itemid, when given: the same item described twice */
    bool url_given;  /* p.url came from the data, not from the page URL */
    bool main;       /* the page's own item (OpenGraph, rule product) */
    rm_x_src src;
} rm_x_prod;

/* A review's product: "the page's own item", settled when the page is done. */
#define RM_X_PAGE_ITEM (-2L)

typedef struct rm_x_rev {
    rm_review r;
    long prod;       /* index of its product, RM_X_PAGE_ITEM, or -1 when r.product says it */
    rm_x_src src;
} rm_x_rev;

typedef struct rm_x_prof {
    rm_profile p;
    size_t cap_interests, cap_links;
    rm_x_src src;
} rm_x_prof;

typedef struct rm_x_meta {
    const char *prop; /* og:title, product:price:amount, profile:username ... */
    const char *content;
} rm_x_meta;

typedef struct rm_x_link {
    const char *url;
    rm_link_rel rel;
    bool chosen;     /* named by a rule's link selector */
    bool data;       /* named by a record (product URL, author, sameAs, rel=me) */
} rm_x_link;

typedef struct rm_x_linkset {
    uint32_t *slots; /* link index + 1; 0 is empty */
    size_t cap;      /* power of two */
} rm_x_linkset;

typedef struct rm_x_page {
    const rm_extractor *ex;
    const rm_page *page;
    rm_arena *scratch;
    rm_recs *out;
    CURLU *base;            /* <base href> or the page URL: resolves relative references */
    const char *url;        /* page URL without fragment (out->arena) */
    const char *platform;   /* og:site_name, else host[:port] */
    const char *lang;       /* the rule file's lang (order of slashed dates); may be NULL */
    bool rule_links;        /* a rule chooses which anchors are followed */

    rm_x_prod *prods;
    size_t n_prods, cap_prods;
    rm_x_rev *revs;
    size_t n_revs, cap_revs;
    rm_x_prof *profs;
    size_t n_profs, cap_profs;
    rm_x_link *links;       /* in the order first seen */
    size_t n_links, cap_links;
    rm_x_linkset linkset;
    const char **me;        /* rel="me" URLs: the page profile's links */
    size_t n_me, cap_me;
    struct rm_x_idmap *idmap; /* elements by id (scratch), built on the first itemref */
    struct rm_x_hrefs *hrefs; /* resolved hrefs (scratch): a page repeats its links */
    const char *origin;     /* scheme://host[:port] of base (scratch), NULL until needed */
} rm_x_page;

/* links.c */
/* Resolves href against the page's base; returns an absolute http(s) URL without fragment
 * in out->arena, or NULL. */
const char *rm_extract_resolve(rm_x_page *x, const char *href);
/* Adds a resolved URL a record names (product URL, author, sameAs); a URL seen before keeps
 * the strongest rel (next > review > product > profile > other). */
void rm_extract_link(rm_x_page *x, const char *url, rm_link_rel rel);
/* A plain <a>/<link> of the page: left out when the page's rules choose the links. */
void rm_extract_link_anchor(rm_x_page *x, const char *url, rm_link_rel rel);
/* A link a rule's link selector chose. */
void rm_extract_link_chosen(rm_x_page *x, const char *url, rm_link_rel rel);
/* Host and port of url ("shop.example:8080"), in out->arena; NULL when it has none. */
const char *rm_extract_host(rm_x_page *x, const char *url);

/* extract.c: pending records. The pointers are valid until the next add of that kind;
 * NULL once a page reached RM_X_MAX_ITEMS. */
rm_x_prod *rm_extract_product(rm_x_page *x, rm_x_src src);
rm_x_rev *rm_extract_review(rm_x_page *x, long prod, rm_x_src src);
rm_x_prof *rm_extract_profile(rm_x_page *x, rm_x_src src);
void rm_extract_profile_link(rm_x_page *x, rm_x_prof *pr, const char *url);
void rm_extract_profile_interest(rm_x_page *x, rm_x_prof *pr, const char *s);
/* Plain text (rm_values_text() with RM_VALUES_* flags) in out->arena; NULL when s is NULL or
 * blank. */
const char *rm_extract_text(rm_x_page *x, const char *s, unsigned flags);
/* Handle without a leading '@', in out->arena; NULL when blank. */
const char *rm_extract_handle(rm_x_page *x, const char *s);
/* "female" or "male" for the usual words (F, Female, женский ...), else the site's word. */
const char *rm_extract_gender(rm_x_page *x, const char *s);
/* ISO date of a text into out->arena, or NULL; relative dates count back from the page's
 * fetch time. */
const char *rm_extract_date(rm_x_page *x, const char *s);
/* Year of a birth date or a bare year ("1993-05-25", "25.05.1993", "1993"); 0 when none. */
int rm_extract_year(rm_x_page *x, const char *s);

/* schema.c: schema.org entities (JSON-LD, or microdata turned into the same shape). ids maps
 * "@id" to nodes of every block on the page, to follow references; may be NULL. */
void rm_extract_schema(rm_x_page *x, json_t *root, json_t *ids, rm_x_src src);
/* Drops the "http://schema.org/", "https://schema.org/" or "schema:" prefix of a type or
 * property name. */
const char *rm_extract_schema_local(const char *name);

/* jsonld.c */
/* Parses one <script type="application/ld+json"> text: strict JSON first, then with the
 * repairs real pages need (comments, CDATA, trailing commas, raw newlines in strings).
 * Returns a new reference, or NULL when even that fails. */
json_t *rm_extract_jsonld_parse(const char *text, size_t len);
/* Adds every node of doc that has an "@id" and more to ids. */
void rm_extract_jsonld_index(json_t *ids, json_t *doc);

/* microdata.c: the item at el (an itemscope element) in JSON-LD shape; a new reference. */
json_t *rm_extract_microdata(rm_x_page *x, const GumboNode *el, const GumboNode *doc);

/* mf2.c: records of the microformats2 root el (h-card, h-review, h-product, ...). */
void rm_extract_mf2(rm_x_page *x, const GumboNode *el);
/* True when a class attribute names a microformats2 root (h-*). */
bool rm_extract_mf2_is_root(const char *class_attr);

/* og.c: records of a page's OpenGraph (and product:/profile:) meta tags. */
void rm_extract_og(rm_x_page *x, const rm_x_meta *meta, size_t n);

/* jsondoc.c: records of a JSON document (Mastodon account or list of accounts, ActivityPub
 * actor, schema.org JSON-LD). */
void rm_extract_json_doc(rm_x_page *x, json_t *doc);

/* rules.c: the rule part of an extractor. */
typedef struct rm_rules rm_rules;
typedef struct rm_rule_page rm_rule_page;
RM_MUST_CHECK rm_err rm_rules_load(const char *name, const char *text, size_t len,
                                   rm_diag *diag, rm_rules **out);
void rm_rules_free(rm_rules *r);
/* The page type of the first matching rule file, or NULL. */
const rm_rule_page *rm_rules_match(rm_rules *const *files, size_t n, const char *url,
                                   const rm_rules **file);
bool rm_rules_structured(const rm_rule_page *pt);
bool rm_rules_has_links(const rm_rule_page *pt);
const char *rm_rules_lang(const rm_rules *r);
const char *rm_rules_name(const rm_rules *r);
const char *rm_rule_page_name(const rm_rule_page *pt);
/* Runs a page type's fields and link rules over an HTML tree or a JSON document (one of them
 * is NULL). */
void rm_rules_apply_html(rm_x_page *x, const rm_rule_page *pt, const GumboOutput *doc,
                         const char *html, size_t len);
void rm_rules_apply_json(rm_x_page *x, const rm_rule_page *pt, json_t *doc,
                         const char *text, size_t len);

#endif
