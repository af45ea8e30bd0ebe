#include "core/rm.h"
#include "store/db.h"
#include "store/schema.h"

#include <math.h>
#include <pthread.h>

#define STMT_CACHE 64

typedef struct cached_stmt {
    const char *sql; /* the caller's literal: compared by address */
    sqlite3_stmt *st;
    int64_t ns, runs; /* REVMINE_SQL_PROFILE only */
} cached_stmt;

struct rm_db {
    sqlite3 *h;
    cached_stmt cache[STMT_CACHE];
    size_t n_cache;
    int64_t other_ns, other_runs; /* profiled statements outside the cache */
};

/* ---- REVMINE_SQL_PROFILE=1: where a connection's time went, printed when it closes ------ */

static int profile_cb(unsigned type, void *ctx, void *p, void *x)
{
    rm_db *db = ctx;
    int64_t ns = *(const sqlite3_int64 *)x;

    (void)type;
    for (size_t i = 0; i < db->n_cache; i++)
        if (db->cache[i].st == p) {
            db->cache[i].ns += ns;
            db->cache[i].runs++;
            return 0;
        }
    db->other_ns += ns;
    db->other_runs++;
    return 0;
}

static int cmp_ns(const void *a, const void *b)
{
    const cached_stmt *x = a, *y = b;
    return (x->ns < y->ns) - (x->ns > y->ns);
}

static void profile_print(rm_db *db)
{
    const char *file = sqlite3_db_filename(db->h, "main");
    qsort(db->cache, db->n_cache, sizeof(db->cache[0]), cmp_ns);
    fprintf(stderr, "sql profile %s: other statements %lld runs %.1f ms\n", file ? file : "",
            (long long)db->other_runs, (double)db->other_ns / 1e6);
    for (size_t i = 0; i < db->n_cache && db->cache[i].runs; i++)
        fprintf(stderr, "  %9.1f ms %8lld runs %11d VM steps  %.100s\n",
                (double)db->cache[i].ns / 1e6, (long long)db->cache[i].runs,
                sqlite3_stmt_status(db->cache[i].st, SQLITE_STMTSTATUS_VM_STEP, 0),
                db->cache[i].sql);
}

static rm_err exec_sql(sqlite3 *h, const char *sql, rm_diag *diag, const char *path)
{
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (diag)
            rm_diag_add(diag, path, 0, NULL, "SQLite: %s", msg ? msg : sqlite3_errmsg(h));
        else
            rm_log_error("SQLite: %s", msg ? msg : sqlite3_errmsg(h));
        sqlite3_free(msg);
        return RM_EDB;
    }
    return RM_OK;
}

static int user_version(sqlite3 *h)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Each step runs in its own transaction together with the version bump, so the file is always
 * at a whole version. */
static rm_err migrate(sqlite3 *h, rm_diag *diag, const char *path)
{
    int v = user_version(h);
    char bump[64];

    if (v < 0) {
        rm_diag_add(diag, path, 0, NULL, "not a SQLite database: %s", sqlite3_errmsg(h));
        return RM_EDB;
    }
    if ((size_t)v > rm_schema_n_migrations) {
        rm_diag_add(diag, path, 0, NULL,
                    "database schema version %d is newer than this revmine (%d); upgrade revmine",
                    v, RM_DB_SCHEMA_VERSION);
        return RM_EDB;
    }
    for (size_t i = (size_t)v; i < rm_schema_n_migrations; i++) {
        snprintf(bump, sizeof(bump), "PRAGMA user_version=%zu", i + 1);
        if (exec_sql(h, "BEGIN IMMEDIATE", diag, path))
            return RM_EDB;
        if (exec_sql(h, rm_schema_migrations[i], diag, path) || exec_sql(h, bump, diag, path)) {
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
            return RM_EDB;
        }
        if (exec_sql(h, "COMMIT", diag, path))
            return RM_EDB;
    }
    return RM_OK;
}

/* Before the first connection: SQLite's memory statistics take a global mutex on every
 * allocation, shared by all our threads, and nothing here reads them. */
static void configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

rm_err rm_db_open(const char *path, int flags, rm_diag *diag, rm_db **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int oflags = SQLITE_OPEN_NOMUTEX;
    sqlite3 *h = NULL;
    rm_db *db;
    rm_err err;

    pthread_once(&once, configure_once);
    *out = NULL;
    if (flags & RM_DB_READONLY)
        oflags |= SQLITE_OPEN_READONLY;
    else
        oflags |= SQLITE_OPEN_READWRITE | ((flags & RM_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &h, oflags, NULL) != SQLITE_OK) {
        rm_diag_add(diag, path, 0, NULL, "cannot open database: %s",
                    h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return RM_EDB;
    }
    /* A reader waits for the writer's checkpoint instead of failing with SQLITE_BUSY. */
    sqlite3_busy_timeout(h, 30000);
    sqlite3_extended_result_codes(h, 1);
    err = exec_sql(h, "PRAGMA foreign_keys=ON", diag, path);
    if (!err && !(flags & RM_DB_READONLY)) {
        /* WAL: readers never block the writer. synchronous=NORMAL in WAL mode loses at most the
         * last transactions on power loss, never on a process crash or kill -9. */
        err = exec_sql(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                          "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                          "PRAGMA wal_autocheckpoint=8192; PRAGMA journal_size_limit=67108864;",
                       diag, path);
        if (!err)
            err = migrate(h, diag, path);
    } else if (!err && user_version(h) != RM_DB_SCHEMA_VERSION) {
        rm_diag_add(diag, path, 0, NULL, "database schema version %d, expected %d%s",
                    user_version(h), RM_DB_SCHEMA_VERSION,
                    user_version(h) < RM_DB_SCHEMA_VERSION ? " (run a crawl to migrate)" : "");
        err = RM_EDB;
    }
    if (err) {
        sqlite3_close(h);
        return err;
    }
    db = rm_xcalloc(1, sizeof(*db));
    db->h = h;
    if (getenv("REVMINE_SQL_PROFILE"))
        sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, profile_cb, db);
    *out = db;
    return RM_OK;
}

void rm_db_close(rm_db *db)
{
    if (!db)
        return;
    if (getenv("REVMINE_SQL_PROFILE"))
        profile_print(db);
    for (size_t i = 0; i < db->n_cache; i++)
        sqlite3_finalize(db->cache[i].st);
    if (sqlite3_close(db->h) != SQLITE_OK)
        rm_log_error("closing database: %s", sqlite3_errmsg(db->h));
    free(db);
}

sqlite3 *rm_db_handle(rm_db *db)
{
    return db->h;
}

sqlite3_stmt *rm_db_stmt(rm_db *db, const char *sql)
{
    sqlite3_stmt *st;

    for (size_t i = 0; i < db->n_cache; i++)
        if (db->cache[i].sql == sql) {
            st = db->cache[i].st;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        rm_log_error("SQLite prepare: %s in: %.120s", sqlite3_errmsg(db->h), sql);
        return NULL;
    }
    if (db->n_cache < STMT_CACHE) {
        db->cache[db->n_cache].sql = sql;
        db->cache[db->n_cache++].st = st;
    } else {
        /* A full cache is a programming error (too many distinct statements); fail loudly. */
        rm_log_error("statement cache full");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

rm_err rm_db_exec(rm_db *db, const char *sql)
{
    return exec_sql(db->h, sql, NULL, NULL);
}

rm_err rm_db_begin(rm_db *db)
{
    return exec_sql(db->h, "BEGIN IMMEDIATE", NULL, NULL);
}

rm_err rm_db_commit(rm_db *db)
{
    return exec_sql(db->h, "COMMIT", NULL, NULL);
}

void rm_db_rollback(rm_db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

rm_err rm_db_step_done(rm_db *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        rm_log_error("SQLite: %s", sqlite3_errmsg(db->h));
        return RM_EDB;
    }
    return RM_OK;
}

const char *rm_db_errmsg(rm_db *db)
{
    return sqlite3_errmsg(db->h);
}

int rm_db_user_version(rm_db *db)
{
    return user_version(db->h);
}

void rm_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void rm_db_bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

void rm_db_bind_count(sqlite3_stmt *st, int i, int64_t v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

void rm_db_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st, i, v);
}
