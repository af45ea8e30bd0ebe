#include "core/rm.h"
#include "core/hash.h"
#include "store/store.h"

#include <jansson.h>

#include "store/privacy.h"
#include <zlib.h>

#define SITE_CACHE 64

typedef struct site_entry {
    char host[256];
    int64_t id;
} site_entry;

struct rm_store {
    rm_db *db;
    site_entry sites[SITE_CACHE]; /* most sites of a crawl fit; misses go to SQL */
    size_t n_sites, next_evict;
    /* Forgotten people (store/forget.h), read once per store: 0 unknown, 1 none, 2 some. */
    int forgotten;
    char *pseudonym_key;
    /* Bulk search indexing (rm_store_begin_batch): reviews inserted and not yet indexed. */
    bool deferring;
    int64_t *fts_ids;
    size_t n_fts, cap_fts;
};

rm_store *rm_store_new(rm_db *db)
{
    rm_store *s = rm_xcalloc(1, sizeof(*s));
    s->db = db;
    return s;
}

void rm_store_rolled_back(rm_store *s)
{
    s->n_sites = 0; /* a site inserted in the rolled-back transaction has no row now */
    s->next_evict = 0;
    s->deferring = false; /* the fts_defer row went with the transaction */
    s->n_fts = 0;
}

void rm_store_free(rm_store *s)
{
    if (s) {
        free(s->pseudonym_key);
        free(s->fts_ids);
    }
    free(s);
}

rm_db *rm_store_db(rm_store *s)
{
    return s->db;
}

#define STMT(var, sql)                                                                          \
    sqlite3_stmt *var = rm_db_stmt(s->db, sql);                                                 \
    if (!var)                                                                                   \
        return RM_EDB

/* Reads one integer from a statement already bound; *found says whether a row came back. */
static rm_err step_int(rm_store *s, sqlite3_stmt *st, int64_t *out, bool *found)
{
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rm_log_error("SQLite: %s", rm_db_errmsg(s->db));
        return RM_EDB;
    }
    return RM_OK;
}

/* Whether url belongs to a person erased with rm_forget(): then nothing of theirs is stored
 * again. The list holds keyed hashes only, so it names nobody. */
static rm_err is_forgotten(rm_store *s, const char *url, bool *out)
{
    char hash[RM_PSEUDONYM_LEN + 1];
    int64_t one;
    rm_err err;

    *out = false;
    if (!url)
        return RM_OK;
    if (!s->forgotten) {
        STMT(any, "SELECT (SELECT value FROM meta WHERE key = 'pseudonym_key') "
                  "WHERE EXISTS (SELECT 1 FROM forgotten)");
        s->forgotten = sqlite3_step(any) == SQLITE_ROW && sqlite3_column_text(any, 0) ? 2 : 1;
        if (s->forgotten == 2)
            s->pseudonym_key = rm_xstrdup((const char *)sqlite3_column_text(any, 0));
        sqlite3_reset(any);
    }
    if (s->forgotten != 2)
        return RM_OK;
    rm_pseudonym(s->pseudonym_key, url, strlen(url), hash);
    STMT(sel, "SELECT 1 FROM forgotten WHERE hash = ?1");
    rm_db_bind_text(sel, 1, hash);
    err = step_int(s, sel, &one, out);
    return err;
}

/* ---- bulk search indexing ----------------------------------------------------------------- */

rm_err rm_store_begin_batch(rm_store *s)
{
    rm_err err;
    STMT(st, "INSERT INTO fts_defer(x) VALUES (1)");
    if ((err = rm_db_step_done(s->db, st)))
        return err;
    s->deferring = true;
    return RM_OK;
}

/* One statement for the whole batch: FTS5 writes one segment. */
static rm_err index_pending(rm_store *s)
{
    rm_buf ids;
    rm_err err;

    if (!s->n_fts)
        return RM_OK;
    STMT(st, "INSERT INTO reviews_fts(rowid, title, body) SELECT id, title, body FROM reviews "
             "WHERE id IN (SELECT value FROM json_each(?1))");
    rm_buf_init(&ids, 24 * s->n_fts + 2); /* an int64, a comma: always fits */
    err = rm_buf_addc(&ids, '[');
    for (size_t i = 0; i < s->n_fts && !err; i++)
        err = rm_buf_addf(&ids, "%s%lld", i ? "," : "", (long long)s->fts_ids[i]);
    if (!err)
        err = rm_buf_addc(&ids, ']');
    if (!err) {
        rm_db_bind_text(st, 1, ids.ptr);
        err = rm_db_step_done(s->db, st);
    }
    rm_buf_release(&ids);
    s->n_fts = 0;
    return err;
}

rm_err rm_store_end_batch(rm_store *s)
{
    rm_err err;
    if (!s->deferring)
        return RM_OK;
    if ((err = index_pending(s)))
        return err;
    STMT(st, "DELETE FROM fts_defer");
    if ((err = rm_db_step_done(s->db, st)))
        return err;
    s->deferring = false;
    return RM_OK;
}

/* ---- jobs, runs, frontier ----------------------------------------------------------------- */

rm_err rm_store_job(rm_store *s, const char *name, int64_t *job_id)
{
    bool found;
    rm_err err;
    STMT(ins, "INSERT INTO jobs(name, created_at) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING");
    rm_db_bind_text(ins, 1, name);
    rm_db_bind_int(ins, 2, (int64_t)time(NULL));
    if ((err = rm_db_step_done(s->db, ins)))
        return err;
    STMT(sel, "SELECT id FROM jobs WHERE name = ?1");
    rm_db_bind_text(sel, 1, name);
    err = step_int(s, sel, job_id, &found);
    return err ? err : found ? RM_OK : RM_EDB;
}

rm_err rm_store_job_schedule(rm_store *s, const char *name, const char *schedule,
                             int64_t next_run_at)
{
    int64_t id;
    rm_err err = rm_store_job(s, name, &id);
    if (err)
        return err;
    STMT(up, "UPDATE jobs SET schedule = ?2, next_run_at = ?3 WHERE id = ?1");
    rm_db_bind_int(up, 1, id);
    rm_db_bind_text(up, 2, schedule);
    rm_db_bind_count(up, 3, next_run_at);
    return rm_db_step_done(s->db, up);
}

rm_err rm_store_open_run(rm_store *s, int64_t job_id, int64_t *run_id)
{
    bool found;
    rm_err err;
    STMT(sel, "SELECT id FROM runs WHERE job_id = ?1 AND outcome <> 'done' "
              "ORDER BY id DESC LIMIT 1");
    rm_db_bind_int(sel, 1, job_id);
    err = step_int(s, sel, run_id, &found);
    if (!found)
        *run_id = 0;
    return err;
}

rm_err rm_store_run_begin(rm_store *s, int64_t job_id, int64_t now, int64_t *run_id)
{
    rm_err err = rm_store_open_run(s, job_id, run_id);
    if (err)
        return err;
    if (*run_id) {
        STMT(upd, "UPDATE runs SET outcome = 'running', ended_at = NULL WHERE id = ?1");
        rm_db_bind_int(upd, 1, *run_id);
        return rm_db_step_done(s->db, upd);
    }
    STMT(ins, "INSERT INTO runs(job_id, started_at) VALUES (?1, ?2)");
    rm_db_bind_int(ins, 1, job_id);
    rm_db_bind_int(ins, 2, now);
    if ((err = rm_db_step_done(s->db, ins)))
        return err;
    *run_id = sqlite3_last_insert_rowid(rm_db_handle(s->db));
    /* A fresh run re-visits everything the job knows; conditional GETs keep unchanged pages
     * cheap. Failures get a clean slate: the site may have recovered. */
    STMT(requeue, "UPDATE frontier SET state = 0, next_fetch_ms = 0, failures = 0 "
                  "WHERE job_id = ?1 AND state <> 0");
    rm_db_bind_int(requeue, 1, job_id);
    return rm_db_step_done(s->db, requeue);
}

rm_err rm_store_add_urls(rm_store *s, int64_t job_id, const rm_new_url *urls, size_t n,
                         int64_t now)
{
    STMT(ins, "INSERT INTO frontier(job_id, url, host, kind, depth, priority, discovered_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(job_id, url) DO NOTHING");
    for (size_t i = 0; i < n; i++) {
        rm_err err;
        rm_db_bind_int(ins, 1, job_id);
        rm_db_bind_text(ins, 2, urls[i].url);
        rm_db_bind_text(ins, 3, urls[i].host);
        rm_db_bind_int(ins, 4, urls[i].kind);
        rm_db_bind_int(ins, 5, urls[i].depth);
        rm_db_bind_int(ins, 6, urls[i].priority);
        rm_db_bind_int(ins, 7, now);
        if ((err = rm_db_step_done(s->db, ins)))
            return err;
    }
    return RM_OK;
}

rm_err rm_store_save_robots(rm_store *s, const char *host, int status, const char *body,
                            int64_t fetched_at)
{
    STMT(up, "INSERT INTO hosts(host, robots_status, robots_body, robots_fetched_at) "
             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(host) DO UPDATE SET "
             "robots_status = excluded.robots_status, robots_body = excluded.robots_body, "
             "robots_fetched_at = excluded.robots_fetched_at");
    rm_db_bind_text(up, 1, host);
    rm_db_bind_int(up, 2, status);
    rm_db_bind_text(up, 3, body);
    rm_db_bind_int(up, 4, fetched_at);
    return rm_db_step_done(s->db, up);
}

/* Runs st (bound to ?1 job, ?2 run, ?3 now) and adds the rows it changed to *count. */
static rm_err mark(rm_store *s, sqlite3_stmt *st, int64_t job_id, int64_t run_id, int64_t now,
                   int64_t *count)
{
    rm_err err;
    rm_db_bind_int(st, 1, job_id);
    rm_db_bind_int(st, 2, run_id);
    rm_db_bind_int(st, 3, now);
    if ((err = rm_db_step_done(s->db, st)))
        return err;
    *count += sqlite3_changes(rm_db_handle(s->db));
    return RM_OK;
}

rm_err rm_store_mark_gone(rm_store *s, int64_t job_id, int64_t run_id, int64_t now,
                          int64_t *products, int64_t *reviews)
{
    rm_err err;
    *products = *reviews = 0;
    STMT(dead, "UPDATE products SET gone_at = ?3 WHERE gone_at IS NULL AND url IN ("
               "SELECT url FROM frontier WHERE job_id = ?1 AND run_id = ?2 "
               "AND state = 2 AND status IN (404, 410))");
    if ((err = mark(s, dead, job_id, run_id, now, products)))
        return err;
    STMT(unseen, "UPDATE products SET gone_at = ?3 WHERE gone_at IS NULL "
                 "AND last_seen < (SELECT started_at FROM runs WHERE id = ?2) AND url IN ("
                 "SELECT url FROM frontier WHERE job_id = ?1 AND run_id = ?2 AND state = 1)");
    if ((err = mark(s, unseen, job_id, run_id, now, products)))
        return err;
    STMT(orphan, "UPDATE reviews SET gone_at = ?3 WHERE gone_at IS NULL "
                 "AND last_seen < (SELECT started_at FROM runs WHERE id = ?2) "
                 "AND product_id IN (SELECT id FROM products WHERE gone_at IS NOT NULL)");
    if ((err = mark(s, orphan, job_id, run_id, now, reviews)))
        return err;
    STMT(off_page, "UPDATE reviews SET gone_at = ?3 WHERE gone_at IS NULL "
                   "AND last_seen < (SELECT started_at FROM runs WHERE id = ?2) "
                   "AND page_url IN (SELECT url FROM frontier WHERE job_id = ?1 "
                   "AND run_id = ?2 AND (state = 1 OR (state = 2 AND status IN (404, 410))))");
    return mark(s, off_page, job_id, run_id, now, reviews);
}

static const int state_of[] = {
    [RM_OUT_OK] = 1, [RM_OUT_NOT_MODIFIED] = 1, [RM_OUT_RETRY] = 0,
    [RM_OUT_FAILED] = 2, [RM_OUT_DENIED] = 3, [RM_OUT_SKIPPED] = 4,
};

static rm_err update_frontier(rm_store *s, const rm_page_result *r)
{
    STMT(up, "UPDATE frontier SET state = ?2, run_id = ?3, status = ?4, "
             "etag = COALESCE(?5, etag), last_modified = COALESCE(?6, last_modified), "
             "content_hash = COALESCE(?7, content_hash), fetched_at = ?8, failures = ?9, "
             "last_error = ?10, next_fetch_ms = ?11 WHERE id = ?1");
    rm_db_bind_int(up, 1, r->frontier_id);
    rm_db_bind_int(up, 2, state_of[r->outcome]);
    rm_db_bind_int(up, 3, r->run_id);
    if (r->status)
        rm_db_bind_int(up, 4, r->status);
    rm_db_bind_text(up, 5, r->etag);
    rm_db_bind_text(up, 6, r->last_modified);
    rm_db_bind_text(up, 7, r->content_hash);
    rm_db_bind_int(up, 8, r->fetched_at);
    rm_db_bind_int(up, 9, r->outcome == RM_OUT_OK || r->outcome == RM_OUT_NOT_MODIFIED
                              ? 0 : r->failures);
    rm_db_bind_text(up, 10, r->error);
    rm_db_bind_int(up, 11, r->outcome == RM_OUT_RETRY ? r->retry_at_ms : 0);
    return rm_db_step_done(s->db, up);
}

/* ---- sites -------------------------------------------------------------------------------- */

/* host[:port] of an absolute URL, lower-cased; "" when url has none. */
static void url_host(const char *url, char *out, size_t size)
{
    const char *p = url ? strstr(url, "://") : NULL;
    size_t n = 0;

    out[0] = '\0';
    if (!p)
        return;
    p += 3;
    /* skip user:pass@ */
    for (const char *q = p; *q && *q != '/' && *q != '?' && *q != '#'; q++)
        if (*q == '@')
            p = q + 1;
    while (p[n] && p[n] != '/' && p[n] != '?' && p[n] != '#' && n + 1 < size) {
        out[n] = (char)((p[n] >= 'A' && p[n] <= 'Z') ? p[n] + 32 : p[n]);
        n++;
    }
    out[n] = '\0';
}

static rm_err site_id(rm_store *s, const char *url, const char *fallback_url, int64_t *id)
{
    char host[256];
    bool found;
    rm_err err;
    site_entry *e;

    url_host(url, host, sizeof(host));
    if (!host[0])
        url_host(fallback_url, host, sizeof(host));
    for (size_t i = 0; i < s->n_sites; i++)
        if (!strcmp(s->sites[i].host, host)) {
            *id = s->sites[i].id;
            return RM_OK;
        }
    STMT(ins, "INSERT INTO sites(host) VALUES (?1) ON CONFLICT(host) DO NOTHING");
    rm_db_bind_text(ins, 1, host);
    if ((err = rm_db_step_done(s->db, ins)))
        return err;
    STMT(sel, "SELECT id FROM sites WHERE host = ?1");
    rm_db_bind_text(sel, 1, host);
    if ((err = step_int(s, sel, id, &found)) || !found)
        return err ? err : RM_EDB;
    e = s->n_sites < SITE_CACHE ? &s->sites[s->n_sites++]
                                : &s->sites[s->next_evict++ % SITE_CACHE];
    snprintf(e->host, sizeof(e->host), "%s", host);
    e->id = *id;
    return RM_OK;
}

/* ---- products ----------------------------------------------------------------------------- */

static bool same_price(sqlite3_stmt *st, double price, const char *currency)
{
    const char *old_cur = (const char *)sqlite3_column_text(st, 2);
    if (sqlite3_column_type(st, 1) == SQLITE_NULL)
        return false;
    if (sqlite3_column_double(st, 1) != price)
        return false;
    return !currency || (old_cur && !strcmp(old_cur, currency));
}

static rm_err put_product(rm_store *s, const rm_product *p, const char *page_url, int64_t now,
                          rm_apply_stats *st)
{
    int64_t site, id = 0;
    bool had = false, changed;
    rm_err err;
    int rc;

    if (!p->url)
        return RM_OK; /* the crawler gives every product a URL; nothing to key it on otherwise */
    if ((err = site_id(s, p->url, page_url, &site)))
        return err;
    STMT(old, "SELECT id, price, currency FROM products WHERE url = ?1");
    rm_db_bind_text(old, 1, p->url);
    rc = sqlite3_step(old);
    if (rc == SQLITE_ROW) {
        had = true;
        id = sqlite3_column_int64(old, 0);
    }
    changed = rm_has_d(p->price) && !(had && same_price(old, p->price, p->currency));
    /* A product seen before with a price, now with another: that is a price change. */
    if (changed && had && sqlite3_column_type(old, 1) != SQLITE_NULL)
        st->price_changes++;
    sqlite3_reset(old);

    STMT(up, "INSERT INTO products(site_id, url, schema_type, name, sku, brand, category, price,"
             " currency, rating, rating_count, review_count, first_seen, last_seen) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) "
             "ON CONFLICT(url) DO UPDATE SET "
             "schema_type = COALESCE(excluded.schema_type, schema_type), "
             "name = COALESCE(excluded.name, name), sku = COALESCE(excluded.sku, sku), "
             "brand = COALESCE(excluded.brand, brand), "
             "category = COALESCE(excluded.category, category), "
             "price = COALESCE(excluded.price, price), "
             "currency = COALESCE(excluded.currency, currency), "
             "rating = COALESCE(excluded.rating, rating), "
             "rating_count = COALESCE(excluded.rating_count, rating_count), "
             "review_count = COALESCE(excluded.review_count, review_count), "
             "last_seen = excluded.last_seen, gone_at = NULL");
    rm_db_bind_int(up, 1, site);
    rm_db_bind_text(up, 2, p->url);
    rm_db_bind_text(up, 3, p->schema_type);
    rm_db_bind_text(up, 4, p->name);
    rm_db_bind_text(up, 5, p->sku);
    rm_db_bind_text(up, 6, p->brand);
    rm_db_bind_text(up, 7, p->category);
    rm_db_bind_real(up, 8, p->price);
    rm_db_bind_text(up, 9, p->currency);
    rm_db_bind_real(up, 10, p->rating);
    rm_db_bind_count(up, 11, p->rating_count);
    rm_db_bind_count(up, 12, p->review_count);
    rm_db_bind_int(up, 13, now);
    if ((err = rm_db_step_done(s->db, up)))
        return err;
    if (!had) {
        id = sqlite3_last_insert_rowid(rm_db_handle(s->db));
        /* Reviews stored before their product (another page came first) join it now. */
        STMT(fix, "UPDATE reviews SET product_id = ?1 WHERE product_id IS NULL "
                  "AND (product_ref = ?2 OR (?3 IS NOT NULL AND product_ref = ?3 "
                  "AND site_id = ?4))");
        rm_db_bind_int(fix, 1, id);
        rm_db_bind_text(fix, 2, p->url);
        rm_db_bind_text(fix, 3, p->sku);
        rm_db_bind_int(fix, 4, site);
        if ((err = rm_db_step_done(s->db, fix)))
            return err;
    }
    if (changed) {
        STMT(hist, "INSERT INTO prices(product_id, seen_at, price, currency) "
                   "VALUES (?1, ?2, ?3, ?4)");
        rm_db_bind_int(hist, 1, id);
        rm_db_bind_int(hist, 2, now);
        rm_db_bind_real(hist, 3, p->price);
        rm_db_bind_text(hist, 4, p->currency);
        if ((err = rm_db_step_done(s->db, hist)))
            return err;
    }
    st->records++;
    return RM_OK;
}

/* ---- profiles ----------------------------------------------------------------------------- */

static char *json_list(const char **v, size_t n)
{
    json_t *a;
    char *out;
    if (!n)
        return NULL;
    a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return out;
}

static rm_err put_profile(rm_store *s, const rm_profile *p, int64_t now, rm_apply_stats *st)
{
    char *interests, *links;
    int64_t id;
    bool found;
    rm_err err;

    if (!p->url)
        return RM_OK;
    if ((err = is_forgotten(s, p->url, &found)) || found)
        return err;
    interests = json_list(p->interests, p->n_interests);
    links = json_list(p->links, p->n_links);
    sqlite3_stmt *up = rm_db_stmt(
        s->db,
        "INSERT INTO profiles(url, platform, handle, name, city, country, gender, birth_year, bio,"
        " interests, followers, following, joined, links, first_seen, last_seen) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15) "
        "ON CONFLICT(url) DO UPDATE SET platform = COALESCE(excluded.platform, platform), "
        "handle = COALESCE(excluded.handle, handle), name = COALESCE(excluded.name, name), "
        "city = COALESCE(excluded.city, city), country = COALESCE(excluded.country, country), "
        "gender = COALESCE(excluded.gender, gender), "
        "birth_year = COALESCE(excluded.birth_year, birth_year), "
        "bio = COALESCE(excluded.bio, bio), interests = COALESCE(excluded.interests, interests), "
        "followers = COALESCE(excluded.followers, followers), "
        "following = COALESCE(excluded.following, following), "
        "joined = COALESCE(excluded.joined, joined), links = COALESCE(excluded.links, links), "
        "last_seen = excluded.last_seen");
    if (!up) {
        free(interests);
        free(links);
        return RM_EDB;
    }
    rm_db_bind_text(up, 1, p->url);
    rm_db_bind_text(up, 2, p->platform);
    rm_db_bind_text(up, 3, p->handle);
    rm_db_bind_text(up, 4, p->name);
    rm_db_bind_text(up, 5, p->city);
    rm_db_bind_text(up, 6, p->country);
    rm_db_bind_text(up, 7, p->gender);
    rm_db_bind_count(up, 8, p->birth_year > 0 ? p->birth_year : -1);
    rm_db_bind_text(up, 9, p->bio);
    rm_db_bind_text(up, 10, interests);
    rm_db_bind_count(up, 11, p->followers);
    rm_db_bind_count(up, 12, p->following);
    rm_db_bind_text(up, 13, p->joined);
    rm_db_bind_text(up, 14, links);
    rm_db_bind_int(up, 15, now);
    err = rm_db_step_done(s->db, up);
    free(interests);
    free(links);
    if (err)
        return err;
    STMT(sel, "SELECT id FROM profiles WHERE url = ?1");
    rm_db_bind_text(sel, 1, p->url);
    if ((err = step_int(s, sel, &id, &found)) || !found)
        return err ? err : RM_EDB;
    /* Reviews whose author page is this profile join it (they may have come first). */
    STMT(fix, "UPDATE reviews SET profile_id = ?1 WHERE author_url = ?2 AND profile_id IS NULL");
    rm_db_bind_int(fix, 1, id);
    rm_db_bind_text(fix, 2, p->url);
    if ((err = rm_db_step_done(s->db, fix)))
        return err;
    st->records++;
    return RM_OK;
}

/* ---- reviews and sentiment ---------------------------------------------------------------- */

static uint64_t hash_fields(const char *const *f, size_t n)
{
    uint64_t h = RM_HASH64_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *v = f[i] ? f[i] : "";
        h = rm_hash64_add(h, v, strlen(v) + 1); /* the NUL separates fields */
    }
    return h;
}

static void review_key(const rm_review *r, rm_buf *key)
{
    char hex[17];
    const char *f[] = {r->product, r->author, r->date, r->title, r->body};

    rm_buf_reset(key);
    if (r->id) {
        rm_buf_addf(key, "id:%s", r->id);
        return;
    }
    rm_hash64_hex(hash_fields(f, RM_ARRAY_LEN(f)), hex);
    rm_buf_addf(key, "h:%s", hex);
}

static rm_err lookup_id(rm_store *s, const char *sql, const char *a, int64_t b, int64_t *id)
{
    bool found;
    rm_err err;
    sqlite3_stmt *st;

    *id = 0;
    if (!a)
        return RM_OK;
    st = rm_db_stmt(s->db, sql);
    if (!st)
        return RM_EDB;
    rm_db_bind_text(st, 1, a);
    if (b)
        rm_db_bind_int(st, 2, b);
    err = step_int(s, st, id, &found);
    if (!found)
        *id = 0;
    return err;
}

/* Keywords (store/keywords.h) count the scorer's evidence terms: lexicon lemmas, negated ones
 * prefixed, so "loved" and "love" group. The queries count reviews, not mentions, so a review
 * keeps one row per term with the mean valence of its mentions (schema v6 keys the table so). */
static int cmp_evidence_term(const void *a, const void *b)
{
    const rm_evidence *x = *(const rm_evidence *const *)a, *y = *(const rm_evidence *const *)b;
    return strcmp(x->term, y->term);
}

static rm_err put_terms(rm_store *s, int64_t review_id, const rm_sentiment *sent)
{
    const rm_evidence **v;
    size_t n = 0;
    rm_err err = RM_OK;
    STMT(ins, "INSERT INTO review_terms(review_id, term, valence) VALUES (?1, ?2, ?3)");

    if (!sent->n_evidence)
        return RM_OK;
    v = rm_xcalloc(sent->n_evidence, sizeof(*v));
    for (size_t i = 0; i < sent->n_evidence; i++) {
        const rm_evidence *e = &sent->evidence[i];
        if (e->term && *e->term && e->valence != 0.0)
            v[n++] = e;
    }
    qsort(v, n, sizeof(*v), cmp_evidence_term);
    for (size_t i = 0, j; i < n && !err; i = j) {
        double sum = 0.0;
        for (j = i; j < n && !strcmp(v[j]->term, v[i]->term); j++)
            sum += v[j]->valence;
        rm_db_bind_int(ins, 1, review_id);
        rm_db_bind_text(ins, 2, v[i]->term);
        rm_db_bind_real(ins, 3, sum / (double)(j - i));
        err = rm_db_step_done(s->db, ins);
    }
    free(v);
    return err;
}

static rm_err put_sentiment(rm_store *s, int64_t review_id, const rm_sentiment *sent,
                            int64_t now, bool fresh)
{
    rm_err err;
    STMT(up, "INSERT INTO sentiment(review_id, score, label, lang, scored_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(review_id) DO UPDATE SET "
             "score = excluded.score, label = excluded.label, lang = excluded.lang, "
             "scored_at = excluded.scored_at");
    rm_db_bind_int(up, 1, review_id);
    rm_db_bind_real(up, 2, sent->score);
    rm_db_bind_text(up, 3, rm_label_str(sent->label));
    rm_db_bind_text(up, 4, rm_lang_str(sent->lang));
    rm_db_bind_int(up, 5, now);
    if ((err = rm_db_step_done(s->db, up)))
        return err;
    if (!fresh) { /* a rescored review: its old aspects and terms go */
        STMT(del, "DELETE FROM aspects WHERE review_id = ?1");
        rm_db_bind_int(del, 1, review_id);
        if ((err = rm_db_step_done(s->db, del)))
            return err;
        STMT(del_terms, "DELETE FROM review_terms WHERE review_id = ?1");
        rm_db_bind_int(del_terms, 1, review_id);
        if ((err = rm_db_step_done(s->db, del_terms)))
            return err;
    }
    if ((err = put_terms(s, review_id, sent)))
        return err;
    STMT(ins, "INSERT INTO aspects(review_id, aspect, score, label, span_start, span_end, term) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (size_t i = 0; i < sent->n_aspects; i++) {
        const rm_aspect_hit *a = &sent->aspects[i];
        rm_db_bind_int(ins, 1, review_id);
        rm_db_bind_text(ins, 2, a->aspect);
        rm_db_bind_real(ins, 3, a->score);
        rm_db_bind_text(ins, 4, rm_label_str(a->label));
        rm_db_bind_int(ins, 5, (int64_t)a->start);
        rm_db_bind_int(ins, 6, (int64_t)a->end);
        rm_db_bind_text(ins, 7, a->term);
        if ((err = rm_db_step_done(s->db, ins)))
            return err;
    }
    return RM_OK;
}

static rm_err insert_review(rm_store *s, const rm_review *r, int64_t site, const char *key,
                            const char *text_hash, int64_t product_id, int64_t profile_id,
                            int64_t now, int64_t *id)
{
    rm_err err;
    STMT(ins, "INSERT INTO reviews(site_id, review_key, product_id, product_ref, page_url, ext_id,"
              " author, author_url, profile_id, rating, date, title, body, text_hash, first_seen,"
              " last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
              " ?15, ?15)");
    rm_db_bind_int(ins, 1, site);
    rm_db_bind_text(ins, 2, key);
    rm_db_bind_count(ins, 3, product_id ? product_id : -1);
    rm_db_bind_text(ins, 4, r->product);
    rm_db_bind_text(ins, 5, r->url);
    rm_db_bind_text(ins, 6, r->id);
    rm_db_bind_text(ins, 7, r->author);
    rm_db_bind_text(ins, 8, r->author_url);
    rm_db_bind_count(ins, 9, profile_id ? profile_id : -1);
    rm_db_bind_real(ins, 10, r->rating);
    rm_db_bind_text(ins, 11, r->date);
    rm_db_bind_text(ins, 12, r->title);
    rm_db_bind_text(ins, 13, r->body);
    rm_db_bind_text(ins, 14, text_hash);
    rm_db_bind_int(ins, 15, now);
    if ((err = rm_db_step_done(s->db, ins)))
        return err;
    *id = sqlite3_last_insert_rowid(rm_db_handle(s->db));
    if (s->deferring) {
        RM_GROW(s->fts_ids, s->cap_fts, s->n_fts + 1);
        s->fts_ids[s->n_fts++] = *id;
    }
    return RM_OK;
}

/* Seen again: refresh last_seen, fill what was missing, take edited text. Returns whether the
 * text changed (then it is scored again). */
static rm_err update_review(rm_store *s, const rm_review *r, int64_t id, const char *text_hash,
                            int64_t product_id, int64_t profile_id, int64_t now)
{
    STMT(up, "UPDATE reviews SET last_seen = ?2, gone_at = NULL, page_url = ?3, "
             "product_id = COALESCE(product_id, ?4), profile_id = COALESCE(profile_id, ?5), "
             "author = COALESCE(?6, author), author_url = COALESCE(author_url, ?7), "
             "rating = COALESCE(?8, rating), date = COALESCE(date, ?9), "
             "title = CASE WHEN ?10 <> text_hash THEN ?11 ELSE title END, "
             "body = CASE WHEN ?10 <> text_hash THEN ?12 ELSE body END, "
             "text_hash = ?10 WHERE id = ?1");
    rm_db_bind_int(up, 1, id);
    rm_db_bind_int(up, 2, now);
    rm_db_bind_text(up, 3, r->url);
    rm_db_bind_count(up, 4, product_id ? product_id : -1);
    rm_db_bind_count(up, 5, profile_id ? profile_id : -1);
    rm_db_bind_text(up, 6, r->author);
    rm_db_bind_text(up, 7, r->author_url);
    rm_db_bind_real(up, 8, r->rating);
    rm_db_bind_text(up, 9, r->date);
    rm_db_bind_text(up, 10, text_hash);
    rm_db_bind_text(up, 11, r->title);
    rm_db_bind_text(up, 12, r->body);
    return rm_db_step_done(s->db, up);
}

static rm_err put_review(rm_store *s, const rm_review *r, const rm_sentiment *sent, int64_t now,
                         rm_buf *key, rm_apply_stats *st)
{
    int64_t site, id, product_id, profile_id;
    const char *text[] = {r->title, r->body};
    char text_hash[17];
    bool found, rescore;
    rm_err err;

    if ((err = is_forgotten(s, r->author_url, &found)) || found)
        return err;
    if ((err = site_id(s, r->product, r->url, &site)))
        return err;
    review_key(r, key);
    rm_hash64_hex(hash_fields(text, 2), text_hash);
    if ((err = lookup_id(s, "SELECT id FROM products WHERE url = ?1", r->product, 0,
                         &product_id)))
        return err;
    if (!product_id &&
        (err = lookup_id(s, "SELECT id FROM products WHERE sku = ?1 AND site_id = ?2",
                         r->product, site, &product_id)))
        return err;
    if ((err = lookup_id(s, "SELECT id FROM profiles WHERE url = ?1", r->author_url, 0,
                         &profile_id)))
        return err;

    STMT(sel, "SELECT id, text_hash FROM reviews WHERE site_id = ?1 AND review_key = ?2");
    rm_db_bind_int(sel, 1, site);
    rm_db_bind_text(sel, 2, key->ptr);
    found = sqlite3_step(sel) == SQLITE_ROW;
    id = found ? sqlite3_column_int64(sel, 0) : 0;
    rescore = !found || !sqlite3_column_text(sel, 1) ||
              strcmp((const char *)sqlite3_column_text(sel, 1), text_hash) != 0;
    sqlite3_reset(sel);

    if (!found) {
        err = insert_review(s, r, site, key->ptr, text_hash, product_id, profile_id, now, &id);
        st->new_reviews++;
    } else {
        /* New text replaces indexed text: the update trigger unindexes the old one, so a
         * review inserted earlier in this batch must be in the index first. */
        if (rescore && s->n_fts)
            err = index_pending(s);
        if (!err)
            err = update_review(s, r, id, text_hash, product_id, profile_id, now);
    }
    if (!err && rescore && sent) {
        err = put_sentiment(s, id, sent, now, !found);
        st->scored += !err && (r->title || r->body);
    }
    if (!err)
        st->records++;
    return err;
}

/* A 304 (or identical body) means the page's records are still there: mark them seen. */
static rm_err touch_page_records(rm_store *s, const char *url, int64_t now)
{
    rm_err err;
    STMT(rev, "UPDATE reviews SET last_seen = ?2, gone_at = NULL WHERE page_url = ?1");
    rm_db_bind_text(rev, 1, url);
    rm_db_bind_int(rev, 2, now);
    if ((err = rm_db_step_done(s->db, rev)))
        return err;
    STMT(prod, "UPDATE products SET last_seen = ?2, gone_at = NULL WHERE url = ?1");
    rm_db_bind_text(prod, 1, url);
    rm_db_bind_int(prod, 2, now);
    if ((err = rm_db_step_done(s->db, prod)))
        return err;
    STMT(prof, "UPDATE profiles SET last_seen = ?2 WHERE url = ?1");
    rm_db_bind_text(prof, 1, url);
    rm_db_bind_int(prof, 2, now);
    return rm_db_step_done(s->db, prof);
}

static rm_err cache_page(rm_store *s, const rm_page_result *r)
{
    uLongf clen = compressBound((uLong)r->body_len);
    unsigned char *z = rm_xmalloc(clen);
    rm_err err;

    if (compress2(z, &clen, r->body, (uLong)r->body_len, 6) != Z_OK) {
        free(z);
        return RM_OK; /* the cache is optional; the records are what matters */
    }
    sqlite3_stmt *up = rm_db_stmt(s->db, "INSERT INTO pages(url, fetched_at, content_type, "
                                         "raw_len, body) VALUES (?1, ?2, ?3, ?4, ?5) "
                                         "ON CONFLICT(url) DO UPDATE SET "
                                         "fetched_at = excluded.fetched_at, "
                                         "content_type = excluded.content_type, "
                                         "raw_len = excluded.raw_len, body = excluded.body");
    if (!up) {
        free(z);
        return RM_EDB;
    }
    rm_db_bind_text(up, 1, r->url);
    rm_db_bind_int(up, 2, r->fetched_at);
    rm_db_bind_text(up, 3, r->content_type);
    rm_db_bind_int(up, 4, (int64_t)r->body_len);
    sqlite3_bind_blob(up, 5, z, (int)clen, SQLITE_TRANSIENT);
    err = rm_db_step_done(s->db, up);
    free(z);
    return err;
}

void rm_store_review_host(const rm_review *r, char *out, size_t size)
{
    url_host(r->product, out, size);
    if (!out[0])
        url_host(r->url, out, size);
}

uint64_t rm_store_review_ident(const rm_review *r)
{
    char host[256];
    rm_buf key;
    uint64_t h;

    rm_store_review_host(r, host, sizeof(host));
    rm_buf_init(&key, 65536);
    review_key(r, &key);
    const char *f[] = {host, key.ptr, r->title, r->body};
    h = hash_fields(f, RM_ARRAY_LEN(f));
    rm_buf_release(&key);
    return h;
}

rm_err rm_store_host_has_reviews_before(rm_db *db, const char *host, int64_t before, bool *yes)
{
    sqlite3_stmt *st = rm_db_stmt(db, "SELECT EXISTS (SELECT 1 FROM reviews r JOIN sites s "
                                      "ON s.id = r.site_id WHERE s.host = ?1 "
                                      "AND r.first_seen < ?2)");
    int rc;

    *yes = true;
    if (!st)
        return RM_EDB;
    rm_db_bind_text(st, 1, host);
    rm_db_bind_int(st, 2, before);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *yes = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? RM_OK : RM_EDB;
}

rm_err rm_store_review_known(rm_db *db, const rm_review *r, bool *same_text)
{
    const char *text[] = {r->title, r->body};
    char host[256], hash[17];
    sqlite3_stmt *st;
    const char *old;
    rm_buf key;
    int rc;

    *same_text = false;
    rm_store_review_host(r, host, sizeof(host));
    st = rm_db_stmt(db, "SELECT r.text_hash FROM reviews r JOIN sites s ON s.id = r.site_id "
                        "WHERE s.host = ?1 AND r.review_key = ?2");
    if (!st)
        return RM_EDB;
    rm_buf_init(&key, 65536);
    review_key(r, &key);
    rm_hash64_hex(hash_fields(text, 2), hash);
    rm_db_bind_text(st, 1, host);
    rm_db_bind_text(st, 2, key.ptr);
    rc = sqlite3_step(st);
    old = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    *same_text = old && !strcmp(old, hash);
    sqlite3_reset(st);
    rm_buf_release(&key);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? RM_OK : RM_EDB;
}

/* Products first, then profiles, then reviews: a review then finds its product and author
 * from the same page already stored. */
static rm_err put_records(rm_store *s, const rm_page_result *r, rm_apply_stats *st)
{
    static const rm_rec_type order[] = {RM_REC_PRODUCT, RM_REC_PROFILE, RM_REC_REVIEW};
    rm_buf key;
    rm_err err = RM_OK;

    rm_buf_init(&key, 65536);
    for (size_t o = 0; o < RM_ARRAY_LEN(order) && !err; o++) {
        for (size_t i = 0; i < r->recs.n && !err; i++) {
            const rm_rec *rec = &r->recs.v[i];
            if (rec->type != order[o])
                continue;
            if (rec->type == RM_REC_PRODUCT)
                err = put_product(s, &rec->u.product, r->url, r->fetched_at, st);
            else if (rec->type == RM_REC_PROFILE)
                err = put_profile(s, &rec->u.profile, r->fetched_at, st);
            else
                err = put_review(s, &rec->u.review,
                                 r->sent && (!r->scored || r->scored[i]) ? &r->sent[i] : NULL,
                                 r->fetched_at, &key, st);
        }
    }
    rm_buf_release(&key);
    return err;
}

rm_err rm_store_apply_page(rm_store *s, const rm_page_result *r, rm_apply_stats *st)
{
    rm_err err = update_frontier(s, r);

    if (!err && r->outcome == RM_OUT_OK)
        err = put_records(s, r, st);
    if (!err && r->outcome == RM_OUT_NOT_MODIFIED)
        err = touch_page_records(s, r->url, r->fetched_at);
    if (!err && r->n_urls)
        err = rm_store_add_urls(s, r->job_id, r->urls, r->n_urls, r->fetched_at);
    if (!err && r->body && r->outcome == RM_OUT_OK)
        err = cache_page(s, r);
    return err;
}
