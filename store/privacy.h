/* Personal data: pseudonymous ids for exports.
 *
 * Thread-safety: functions take the connection they work on; the registered SQL function
 * holds its own copy of the key.
 *
 * A pseudonym is HMAC-SHA256 under the database's own secret (meta.pseudonym_key, random at
 * creation), so ids are stable within one database (exports join up) but cannot be reversed
 * or matched across databases without the secret. */
#ifndef RM_PRIVACY_H
#define RM_PRIVACY_H

#include <sqlite3.h>
#include <stddef.h>

#include "core/err.h"

#define RM_PSEUDONYM_LEN 18 /* "p_" + 16 hex digits */

/* Writes the pseudonym of identity (len bytes) under key into out (NUL-terminated). */
void rm_pseudonym(const char *key, const char *identity, size_t len,
                  char out[RM_PSEUDONYM_LEN + 1]);

/* Registers SQL function rm_pseudonym(text) on h, keyed by the database's secret. */
RM_MUST_CHECK rm_err rm_privacy_register(sqlite3 *h);

#endif
