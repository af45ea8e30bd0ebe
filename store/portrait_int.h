/* Internals shared by portrait.c (linking, rebuild) and portrait_fill.c (contents, tags).
 *
 * Thread-safety: as store/portrait.h. */
#ifndef RM_PORTRAIT_INT_H
#define RM_PORTRAIT_INT_H

#include "store/portrait.h"

/* Computes the contents and tags of portrait id, whose portrait_members rows are written.
 * Clears its old tags first. */
RM_MUST_CHECK rm_err rm_portrait_fill(rm_db *db, const rm_interests *tx, int64_t id,
                                      int64_t now);

#endif
