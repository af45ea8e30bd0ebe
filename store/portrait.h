/* rm_portrait: customer portraits, one per person the data shows, built from profiles and
 * reviews.
 *
 * Thread-safety: functions take the connection they work on and belong to its thread. The
 * crawl calls rm_portrait_update_db() on its writer's connection after the writer thread has
 * stopped, so no other writer runs at the same time and the page cache is warm.
 *
 * Identity linking (store/portrait.c). Profiles join one portrait only on evidence; each piece
 * is stored in identity_links with its reason and confidence:
 *   rel-me-mutual         a links to b and b links to a (rel=me, sameAs, profile fields)  0.95
 * (links and profile URLs compare by rm_portrait_url_key())
 *   same-verified-handle  a links to b (one way) and both carry the same handle          0.90
 *   authored              a review whose author URL is the profile's URL                   1.00
 * A one-way link alone, or the same display name, never merges. Portraits are the connected
 * components of the profile links (union-find), so a full rebuild from the evidence gives the
 * same portraits every time, and a merge is undone by rebuilding once its evidence is gone.
 *
 * Incremental updates. Triggers (store/schema.c) put a profile into portrait_dirty when a
 * field a portrait shows changes, or when one of its reviews (or their sentiment) is added,
 * changed or deleted; refreshing last_seen does not count. rm_portrait_update() takes the dirty
 * profiles, adds every profile linked to them and every member of their old portraits (until
 * closed), and rebuilds those portraits only. Everything else stays as it is. A portrait keeps
 * its id when its members were in one old portrait; its stable public id is the pseudonym of
 * its key, the smallest member profile URL.
 *
 * Pointer arguments are borrowed for the call only, unless a comment says otherwise. */
#ifndef RM_PORTRAIT_H
#define RM_PORTRAIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/interests.h"

typedef struct rm_portrait_stats {
    int64_t dirty;     /* profiles marked dirty when the update began */
    int64_t profiles;  /* profiles whose portraits were rebuilt (dirty plus linked) */
    int64_t portraits; /* portraits written */
    int64_t links;     /* profile-to-profile identity links written */
} rm_portrait_stats;

/* Rebuilds the portraits of dirty profiles, in the caller's transaction. tx borrowed. */
RM_MUST_CHECK rm_err rm_portrait_update(rm_db *db, const rm_interests *tx, int64_t now,
                                        rm_portrait_stats *st);
/* Drops every portrait, link and tag and builds all from the evidence, in the caller's
 * transaction. */
RM_MUST_CHECK rm_err rm_portrait_rebuild(rm_db *db, const rm_interests *tx, int64_t now,
                                         rm_portrait_stats *st);
/* Runs rm_portrait_update() (or the full rebuild) on db in one transaction of its own, with the
 * built-in taxonomy, and logs what it did. st may be NULL. */
RM_MUST_CHECK rm_err rm_portrait_update_db(rm_db *db, bool full, rm_portrait_stats *st);
/* The same on a connection of its own to the database at path. */
RM_MUST_CHECK rm_err rm_portrait_update_path(const char *path, bool full, rm_portrait_stats *st);

/* Writes the key profile URLs are compared by: host (lower case, no "www.", no default port)
 * and path with query, without scheme, fragment or trailing slashes, so links written as
 * https://www.site/u/x/ and http://site/u/x meet. "" when url has no "://". */
void rm_portrait_url_key(const char *url, char *out, size_t size);

/* Finds a portrait by ref: its number, its pseudonym (p_...), or a member's profile URL,
 * profile pseudonym or handle. RM_ENOTFOUND when none. Needs rm_privacy_register() on db for
 * pseudonyms. */
RM_MUST_CHECK rm_err rm_portrait_find(rm_db *db, const char *ref, int64_t *id);

/* One portrait as a JSON object: contents, members, identity links and every tag with its
 * evidence. With raw false, people's names, handles and URLs are left out and ids are
 * pseudonyms. Returns a new reference (json_decref). */
RM_MUST_CHECK rm_err rm_portrait_json(rm_db *db, int64_t id, bool raw, json_t **out);

#endif
