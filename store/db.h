/* rm_db: one SQLite connection with revmine's settings and schema.
 *
 * Thread-safety: a connection belongs to one thread. The crawl's writer thread owns the only
 * write connection; readers (frontier, export, report) open their own read-only connections,
 * which WAL mode lets run beside the writer.
 *
 * Opening for writing applies pending migrations: the schema version is PRAGMA user_version,
 * and each migration runs in its own transaction, so a crash leaves the previous version. */
#ifndef RM_DB_H
#define RM_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/err.h"

typedef struct rm_db rm_db;

enum {
    RM_DB_READONLY = 1, /* no migrations; fails when the file does not exist */
    RM_DB_CREATE = 2    /* create the file when missing */
};

/* The schema version this build writes. */
#define RM_DB_SCHEMA_VERSION 6

/* Opens path. Problems are described in diag. Returns a new handle; close with rm_db_close(). */
RM_MUST_CHECK rm_err rm_db_open(const char *path, int flags, rm_diag *diag, rm_db **out);
void rm_db_close(rm_db *db); /* NULL is fine */

/* The connection, for code that steps its own statements. Borrowed. */
sqlite3 *rm_db_handle(rm_db *db);
/* Returns a prepared statement for sql, cached by the sql pointer (use string literals), reset
 * and with bindings cleared. Borrowed: valid until rm_db_close(). NULL on error (logged). */
sqlite3_stmt *rm_db_stmt(rm_db *db, const char *sql);
/* Runs SQL without parameters (schema, pragmas, transactions). */
RM_MUST_CHECK rm_err rm_db_exec(rm_db *db, const char *sql);
RM_MUST_CHECK rm_err rm_db_begin(rm_db *db);
RM_MUST_CHECK rm_err rm_db_commit(rm_db *db);
void rm_db_rollback(rm_db *db);
/* Steps a statement that returns no rows (or whose rows are ignored) and resets it. */
RM_MUST_CHECK rm_err rm_db_step_done(rm_db *db, sqlite3_stmt *st);
const char *rm_db_errmsg(rm_db *db);
int rm_db_user_version(rm_db *db);

/* Binding helpers: NULL text, NAN and negative counts bind SQL NULL ("absent"). */
void rm_db_bind_text(sqlite3_stmt *st, int i, const char *s);
void rm_db_bind_real(sqlite3_stmt *st, int i, double v);
void rm_db_bind_count(sqlite3_stmt *st, int i, int64_t v);
void rm_db_bind_int(sqlite3_stmt *st, int i, int64_t v);

#endif
