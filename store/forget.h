/* rm_forget: erasing one person, and retention.
 *
 * Thread-safety: each call opens its own write connection; run it while no crawl writes the
 * same database (SQLite would make it wait for the writer's lock, up to 30 s).
 *
 * rm_forget() erases everything the database holds about one person, found by any id of theirs
 * (profile URL, handle, portrait number or pseudonym): every linked profile, the portrait, its
 * links and tags, the person's reviews (deleted whole, with sentiment, aspects and their
 * full-text index rows: a review without author and text would keep only a rating nobody can
 * check), cached pages of their profiles and review pages and any cached page naming them, and
 * frontier rows of their profile URLs. Other profiles' links to them are removed. Keyed hashes
 * of their profile URLs go into `forgotten`, so later crawls do not store them again.
 *
 * No trace is left in the file: the erase runs with PRAGMA secure_delete=ON (freed space is
 * zeroed), the full-text index is rebuilt and merged, and the WAL is checkpointed and truncated.
 * VACUUM (optional) then rewrites the file compactly.
 *
 * Every pointer argument is borrowed for the call only. */
#ifndef RM_FORGET_H
#define RM_FORGET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/err.h"

typedef struct rm_forget_stats {
    int64_t profiles, reviews, pages, frontier, portraits;
} rm_forget_stats;

/* Erases the person ref names. RM_ENOTFOUND when nobody matches (nothing changes). */
RM_MUST_CHECK rm_err rm_forget(const char *db_path, const char *ref, bool vacuum,
                               rm_forget_stats *st, rm_diag *diag);

/* Retention: deletes cached page bodies fetched more than page_days ago and profiles not seen
 * for more than profile_days (their reviews stay, unlinked; portraits are rebuilt). A negative
 * number of days leaves that kind alone. The same secure erase as rm_forget(). */
RM_MUST_CHECK rm_err rm_forget_expire(const char *db_path, int64_t page_days,
                                      int64_t profile_days, int64_t now, rm_forget_stats *st,
                                      rm_diag *diag);

#endif
