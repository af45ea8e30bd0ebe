/* Records: what extraction turns a page into, and what the store keeps.
 *
 * Thread-safety: a record list belongs to one thread; hand it over whole.
 *
 * The JSON shape (rm_rec_to_json) is a contract analysts' scripts rely on
 * (../shared/ARCHITECTURE.md): `type` first, fields in a fixed order, absent fields left out.
 * Absent means: NULL for strings, NAN for doubles (rm_has_d), -1 for counts, 0 for years.
 *
 * Every string of a record points into the list's arena: records live exactly as long as that
 * arena. A worker gives each page's records their own arena and hands list and arena to the
 * writer together, so nothing is copied twice. */
#ifndef RM_RECORD_H
#define RM_RECORD_H

#include <jansson.h>
#include <math.h>
#include <stdint.h>

#include "core/arena.h"

#define rm_has_d(x) (!isnan(x))

typedef enum rm_rec_type {
    RM_REC_PRODUCT = 1,
    RM_REC_REVIEW,
    RM_REC_PROFILE,
    RM_REC_LINK
} rm_rec_type;

/* Any reviewable item: shop product, business, recipe, book… */
typedef struct rm_product {
    const char *url;         /* canonical URL of the item (page URL when it has none) */
    const char *schema_type; /* "Product", "LocalBusiness", …; NULL when not schema.org */
    const char *name;
    const char *sku;
    const char *brand;
    const char *category;
    double price;            /* lowest offer price; NAN when absent */
    const char *currency;    /* ISO 4217 */
    double rating;           /* 0..5 */
    int64_t rating_count;
    int64_t review_count;
} rm_product;

typedef struct rm_review {
    const char *url;        /* page the review was found on */
    const char *product;    /* the product's URL, or its SKU when no URL is known */
    const char *id;         /* the site's review id; NULL when the site gives none */
    const char *author;
    const char *author_url;
    double rating;          /* 0..5 */
    const char *date;       /* ISO 8601 date */
    const char *title;
    const char *body;
} rm_review;

typedef struct rm_profile {
    const char *url;
    const char *platform;   /* site name or host, such as "social.example" */
    const char *handle;
    const char *name;
    const char *city;
    const char *country;
    const char *gender;     /* "female", "male", or the site's own word */
    int birth_year;         /* 0 when absent */
    const char *bio;
    const char **interests;
    size_t n_interests;
    int64_t followers;
    int64_t following;
    const char *joined;     /* ISO 8601 date */
    const char **links;     /* other profiles of the same person */
    size_t n_links;
} rm_profile;

typedef enum rm_link_rel {
    RM_REL_OTHER = 0,
    RM_REL_NEXT,
    RM_REL_PRODUCT,
    RM_REL_REVIEW,
    RM_REL_PROFILE
} rm_link_rel;

typedef struct rm_link {
    const char *url;
    rm_link_rel rel;
} rm_link;

typedef struct rm_rec {
    rm_rec_type type;
    union {
        rm_product product;
        rm_review review;
        rm_profile profile;
        rm_link link;
    } u;
} rm_rec;

typedef struct rm_recs {
    rm_rec *v;
    size_t n, cap;
    rm_arena *arena; /* borrowed: owns every string of every record */
} rm_recs;

/* Borrows arena for the list's life. */
void rm_recs_init(rm_recs *r, rm_arena *arena);
/* Frees the array (not the arena). */
void rm_recs_release(rm_recs *r);
/* Appends a record with every field absent; the pointer is valid until the next add. */
rm_rec *rm_recs_add(rm_recs *r, rm_rec_type type);
/* Copies s (NULL stays NULL) into the list's arena. */
const char *rm_recs_str(rm_recs *r, const char *s);

const char *rm_rec_type_str(rm_rec_type t);
const char *rm_link_rel_str(rm_link_rel rel);
/* Returns RM_REL_OTHER for an unknown word. */
rm_link_rel rm_link_rel_parse(const char *s);

/* Returns a new JSON object in the contract's field order; json_decref() it. */
json_t *rm_rec_to_json(const rm_rec *rec);

#endif
