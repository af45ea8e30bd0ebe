/* Internals shared by portrait.c (linking, rebuild) and portrait_fill.c (contents, tags).
 *
 * Thread-safety: as store/portrait.h. */
#ifndef RM_PORTRAIT_INT_H
#define RM_PORTRAIT_INT_H

#include "store/portrait.h"

#define RM_PORTRAIT_SITES 64

/* What one update shares across the portraits it fills. */
typedef struct rm_portrait_ctx {
    const rm_interests *tx; /* borrowed */
    int64_t now;
    /* Median product price per site, computed once per update (a sort of the site's
     * products); sites beyond the cache are computed per use. */
    int64_t site[RM_PORTRAIT_SITES];
    double median[RM_PORTRAIT_SITES];
    size_t n_sites;
} rm_portrait_ctx;

/* Computes every site's median product price into ctx; when one moved since the last update
 * (portrait_sites), marks every profile with a review on that site dirty. */
RM_MUST_CHECK rm_err rm_portrait_medians(rm_db *db, rm_portrait_ctx *ctx);

/* Computes the contents and tags of portrait id, whose portrait_members rows are written.
 * Clears its old tags first. */
RM_MUST_CHECK rm_err rm_portrait_fill(rm_db *db, rm_portrait_ctx *ctx, int64_t id);

#endif
