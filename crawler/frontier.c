#include "core/rm.h"
#include "crawler/frontier.h"
#include "store/db.h"

#include <pthread.h>

/* Open-addressing set of leased row ids. Sized for the leases a crawl holds at once
 * (in flight plus queued in the fetcher), it grows when needed. */
typedef struct idset {
    int64_t *slots; /* 0 = empty, -1 = deleted */
    size_t cap, n, used;
} idset;

typedef struct sql_frontier {
    rm_frontier base;
    rm_db *db;
    int64_t job_id;
    pthread_mutex_t mu; /* guards leased */
    idset leased;
} sql_frontier;

static size_t slot_of(int64_t id, size_t cap)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 17) & (cap - 1);
}

static bool idset_has(const idset *s, int64_t id)
{
    if (!s->cap)
        return false;
    for (size_t i = slot_of(id, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == id)
            return true;
        if (s->slots[i] == 0)
            return false;
    }
}

static void idset_add(idset *s, int64_t id);

static void idset_rehash(idset *s, size_t cap)
{
    idset n = {rm_xcalloc(cap, sizeof(int64_t)), cap, 0, 0};
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i] > 0)
            idset_add(&n, s->slots[i]);
    free(s->slots);
    *s = n;
}

static void idset_add(idset *s, int64_t id)
{
    size_t i;
    if (idset_has(s, id))
        return;
    /* Keep the table at most half full of live ids and tombstones; rehashing at the same size
     * clears tombstones when few ids are live. */
    if ((s->used + 1) * 2 > s->cap)
        idset_rehash(s, !s->cap ? 64 : (s->n + 1) * 4 > s->cap ? s->cap * 2 : s->cap);
    for (i = slot_of(id, s->cap); s->slots[i] > 0; i = (i + 1) & (s->cap - 1))
        ;
    if (s->slots[i] == 0)
        s->used++;
    s->slots[i] = id;
    s->n++;
}

static void idset_del(idset *s, int64_t id)
{
    if (!s->cap)
        return;
    for (size_t i = slot_of(id, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == 0)
            return;
        if (s->slots[i] == id) {
            s->slots[i] = -1;
            s->n--;
            return;
        }
    }
}

void rm_lease_release(rm_lease *l)
{
    free(l->url);
    free(l->host);
    free(l->etag);
    free(l->last_modified);
    free(l->content_hash);
    memset(l, 0, sizeof(*l));
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? rm_xstrdup((const char *)t) : NULL;
}

static rm_err next_due(sql_frontier *f, int64_t *next_due_ms)
{
    sqlite3_stmt *st = rm_db_stmt(f->db, "SELECT min(next_fetch_ms) FROM frontier "
                                         "WHERE job_id = ?1 AND state = 0");
    if (!st)
        return RM_EDB;
    rm_db_bind_int(st, 1, f->job_id);
    *next_due_ms = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *next_due_ms = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return RM_OK;
}

static rm_err sql_next(rm_frontier *base, int64_t now_ms, rm_lease *out, size_t max, size_t *n,
                       int64_t *next_due_ms)
{
    sql_frontier *f = (sql_frontier *)base;
    sqlite3_stmt *st;
    size_t leased;
    int rc;

    *n = 0;
    *next_due_ms = 0;
    pthread_mutex_lock(&f->mu);
    leased = f->leased.n;
    pthread_mutex_unlock(&f->mu);
    st = rm_db_stmt(f->db, "SELECT id, url, host, depth, priority, kind, failures, etag, "
                           "last_modified, content_hash FROM frontier "
                           "WHERE job_id = ?1 AND state = 0 AND next_fetch_ms <= ?2 "
                           "ORDER BY priority DESC, id LIMIT ?3");
    if (!st)
        return RM_EDB;
    rm_db_bind_int(st, 1, f->job_id);
    rm_db_bind_int(st, 2, now_ms);
    /* Leased rows are still queued in the database: read past as many as we hold. */
    rm_db_bind_int(st, 3, (int64_t)(leased + max));
    pthread_mutex_lock(&f->mu);
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        rm_lease *l;
        if (idset_has(&f->leased, id))
            continue;
        idset_add(&f->leased, id);
        l = &out[(*n)++];
        l->id = id;
        l->url = col_dup(st, 1);
        l->host = col_dup(st, 2);
        l->depth = sqlite3_column_int(st, 3);
        l->priority = sqlite3_column_int(st, 4);
        l->kind = sqlite3_column_int(st, 5);
        l->failures = sqlite3_column_int(st, 6);
        l->etag = col_dup(st, 7);
        l->last_modified = col_dup(st, 8);
        l->content_hash = col_dup(st, 9);
    }
    pthread_mutex_unlock(&f->mu);
    sqlite3_reset(st);
    if (*n == 0)
        return next_due(f, next_due_ms);
    return RM_OK;
}

static void sql_release(rm_frontier *base, int64_t id)
{
    sql_frontier *f = (sql_frontier *)base;
    pthread_mutex_lock(&f->mu);
    idset_del(&f->leased, id);
    pthread_mutex_unlock(&f->mu);
}

static rm_err sql_pending(rm_frontier *base, int64_t *count)
{
    sql_frontier *f = (sql_frontier *)base;
    sqlite3_stmt *st = rm_db_stmt(f->db, "SELECT count(*) FROM frontier "
                                         "WHERE job_id = ?1 AND state = 0");
    if (!st)
        return RM_EDB;
    rm_db_bind_int(st, 1, f->job_id);
    *count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return RM_OK;
}

static void sql_free(rm_frontier *base)
{
    sql_frontier *f = (sql_frontier *)base;
    rm_db_close(f->db);
    pthread_mutex_destroy(&f->mu);
    free(f->leased.slots);
    free(f);
}

static const rm_frontier_vt sql_vt = {sql_next, sql_release, sql_pending, sql_free};

rm_err rm_frontier_open_sqlite(const char *path, int64_t job_id, rm_frontier **out)
{
    sql_frontier *f;
    rm_diag d;
    rm_db *db;
    rm_err err;

    rm_diag_init(&d);
    err = rm_db_open(path, RM_DB_READONLY, &d, &db);
    if (err) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return err;
    }
    rm_diag_release(&d);
    f = rm_xcalloc(1, sizeof(*f));
    f->base.vt = &sql_vt;
    f->db = db;
    f->job_id = job_id;
    pthread_mutex_init(&f->mu, NULL);
    *out = &f->base;
    return RM_OK;
}
