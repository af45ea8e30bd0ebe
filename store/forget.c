#include "core/rm.h"
#include "store/forget.h"

#include <zlib.h>

#include "store/db.h"
#include "store/portrait.h"
#include "store/privacy.h"

#define PAGE_MAX_BYTES (64u << 20) /* larger cached bodies are dropped unread */

#define STMT(var, sql)                                                                          \
    sqlite3_stmt *var = rm_db_stmt(db, sql);                                                    \
    if (!var)                                                                                   \
        return RM_EDB

static rm_err open_secure(const char *path, rm_diag *diag, rm_db **out)
{
    rm_err err = rm_db_open(path, 0, diag, out);
    if (err)
        return err;
    err = rm_privacy_register(rm_db_handle(*out));
    /* Deleted rows and freed pages are overwritten with zeros instead of left in the file. */
    if (!err)
        err = rm_db_exec(*out, "PRAGMA secure_delete=ON");
    if (err) {
        rm_db_close(*out);
        *out = NULL;
    }
    return err;
}

/* ---- who and what to erase ------------------------------------------------------------------- */

static const char temp_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS fg_profiles(id INTEGER PRIMARY KEY, url TEXT NOT NULL,\n"
    "  handle TEXT, name TEXT);\n"
    "CREATE TEMP TABLE IF NOT EXISTS fg_pages(url TEXT PRIMARY KEY);\n"
    "DELETE FROM fg_profiles; DELETE FROM fg_pages;";

static bool mentions(const char *body, size_t len, const char *needle)
{
    size_t n = needle ? strlen(needle) : 0;
    return n >= 4 && memmem(body, len, needle, n) != NULL;
}

/* Strings that name the person on a page: profile URLs, their paths (pages link them
 * relatively) and display names. */
static char **needles(rm_db *db, size_t *n)
{
    sqlite3_stmt *st = rm_db_stmt(db, "SELECT url, name FROM fg_profiles ORDER BY id");
    char **v = NULL;
    size_t cap = 0;

    *n = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *url = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *path = strstr(url, "://");
        path = path ? strchr(path + 3, '/') : NULL;
        if (*n + 3 > cap)
            v = rm_xrealloc(v, (cap = cap * 2 + 8) * sizeof(char *));
        v[(*n)++] = rm_xstrdup(url);
        if (path && path[1])
            v[(*n)++] = rm_xstrdup(path);
        if (name)
            v[(*n)++] = rm_xstrdup(name);
    }
    if (st)
        sqlite3_reset(st);
    return v;
}

static bool page_names_them(sqlite3_stmt *st, char **nd, size_t n, unsigned char *buf)
{
    uLongf raw = (uLongf)sqlite3_column_int64(st, 1);
    const void *z = sqlite3_column_blob(st, 2);
    uLong zlen = (uLong)sqlite3_column_bytes(st, 2);

    if (raw > PAGE_MAX_BYTES || uncompress(buf, &raw, z, zlen) != Z_OK)
        return true; /* unreadable: it may name them, and the cache can do without it */
    for (size_t i = 0; i < n; i++)
        if (mentions((const char *)buf, raw, nd[i]))
            return true;
    return false;
}

/* Adds every cached page whose body names the person to fg_pages. */
static rm_err scan_pages(rm_db *db)
{
    size_t n;
    char **nd = needles(db, &n);
    unsigned char *buf = rm_xmalloc(PAGE_MAX_BYTES);
    rm_err err = RM_OK;
    int rc;
    sqlite3_stmt *sel = rm_db_stmt(db, "SELECT url, raw_len, body FROM pages");
    sqlite3_stmt *ins = rm_db_stmt(db, "INSERT OR IGNORE INTO fg_pages(url) VALUES (?1)");

    if (!sel || !ins)
        err = RM_EDB;
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        if (!page_names_them(sel, nd, n, buf))
            continue;
        rm_db_bind_text(ins, 1, (const char *)sqlite3_column_text(sel, 0));
        err = rm_db_step_done(db, ins);
    }
    if (sel)
        sqlite3_reset(sel);
    for (size_t i = 0; i < n; i++)
        free(nd[i]);
    free(nd);
    free(buf);
    return err;
}

static rm_err collect(rm_db *db, int64_t portrait)
{
    rm_err err = rm_db_exec(db, temp_sql);
    if (err)
        return err;
    STMT(who, "INSERT INTO fg_profiles(id, url, handle, name) SELECT p.id, p.url, p.handle, "
              "p.name FROM portrait_members m JOIN profiles p ON p.id = m.profile_id "
              "WHERE m.portrait_id = ?1");
    rm_db_bind_int(who, 1, portrait);
    if ((err = rm_db_step_done(db, who)))
        return err;
    err = rm_db_exec(db, "INSERT OR IGNORE INTO fg_pages SELECT url FROM fg_profiles;"
                         "INSERT OR IGNORE INTO fg_pages SELECT page_url FROM reviews "
                         "WHERE page_url IS NOT NULL AND (profile_id IN (SELECT id FROM "
                         "fg_profiles) OR author_url IN (SELECT url FROM fg_profiles));");
    return err ? err : scan_pages(db);
}

/* ---- the erase ------------------------------------------------------------------------------- */

static int64_t changes_after(rm_db *db, const char *sql, rm_err *err)
{
    if (*err)
        return 0;
    *err = rm_db_exec(db, sql);
    return *err ? 0 : sqlite3_changes64(rm_db_handle(db));
}

/* Other profiles' links to the person go (compared by URL key, as portraits link them). */
static rm_err drop_links_in(rm_db *db, int64_t id, const char *links)
{
    json_t *arr = json_loads(links, 0, NULL), *keep = json_array();
    char key[2048], *out;
    size_t i;
    json_t *v;
    rm_err err;
    STMT(is_them, "SELECT 1 FROM profile_keys WHERE kind = 'url' AND value = ?1 "
                  "AND profile_id IN (SELECT id FROM fg_profiles)");
    STMT(up, "UPDATE profiles SET links = ?2 WHERE id = ?1");

    json_array_foreach(arr, i, v) {
        bool them;
        rm_portrait_url_key(json_string_value(v), key, sizeof(key));
        rm_db_bind_text(is_them, 1, key);
        them = sqlite3_step(is_them) == SQLITE_ROW;
        sqlite3_reset(is_them);
        if (!them)
            json_array_append(keep, v);
    }
    out = json_array_size(keep) ? json_dumps(keep, JSON_COMPACT) : NULL;
    rm_db_bind_int(up, 1, id);
    rm_db_bind_text(up, 2, out);
    err = rm_db_step_done(db, up);
    free(out);
    json_decref(keep);
    json_decref(arr);
    return err;
}

static rm_err unlink_others(rm_db *db)
{
    sqlite3_stmt *sel = rm_db_stmt(db, "SELECT DISTINCT p.id, p.links FROM profile_keys k "
                                       "JOIN profile_keys u ON u.kind = 'url' AND u.value = "
                                       "k.value JOIN profiles p ON p.id = k.profile_id "
                                       "WHERE k.kind = 'link' AND u.profile_id IN (SELECT id "
                                       "FROM fg_profiles) AND k.profile_id NOT IN (SELECT id "
                                       "FROM fg_profiles)");
    int64_t *ids = NULL;
    char **links = NULL;
    size_t n = 0, cap = 0;
    rm_err err = sel ? RM_OK : RM_EDB;

    /* Collected first: the update must not run under the open select. */
    while (!err && sqlite3_step(sel) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap * 2 + 8;
            ids = rm_xrealloc(ids, cap * sizeof(*ids));
            links = rm_xrealloc(links, cap * sizeof(*links));
        }
        ids[n] = sqlite3_column_int64(sel, 0);
        links[n++] = rm_xstrdup((const char *)sqlite3_column_text(sel, 1));
    }
    if (sel)
        sqlite3_reset(sel);
    for (size_t i = 0; i < n; i++) {
        if (!err)
            err = drop_links_in(db, ids[i], links[i]);
        free(links[i]);
    }
    free(ids);
    free(links);
    return err;
}

/* Crawl-queue URLs of the person: their profile URLs, and URLs naming their handle as a whole
 * path segment or query value (/u/h, /@h/..., ?acct=h), not as part of a longer handle. */
#define HANDLE_AT(sep, end) "instr(frontier.url || char(1), " sep " || h.v || " end ") > 0"
static const char frontier_sql[] =
    "DELETE FROM frontier WHERE url IN (SELECT url FROM fg_profiles) OR EXISTS ("
    "SELECT 1 FROM (SELECT ltrim(handle, '@') AS v FROM fg_profiles "
    "WHERE length(ltrim(handle, '@')) >= 3) h WHERE "
    HANDLE_AT("'/'", "char(1)") " OR " HANDLE_AT("'@'", "char(1)") " OR "
    HANDLE_AT("'='", "char(1)") " OR " HANDLE_AT("'/'", "'/'") " OR " HANDLE_AT("'@'", "'/'")
    " OR " HANDLE_AT("'/'", "'?'") " OR " HANDLE_AT("'@'", "'?'") " OR "
    HANDLE_AT("'='", "'&'") ")";

static rm_err erase(rm_db *db, int64_t now, rm_forget_stats *st)
{
    rm_err err;
    STMT(mark, "INSERT OR IGNORE INTO forgotten(hash, at) "
               "SELECT rm_pseudonym(url), ?1 FROM fg_profiles");
    rm_db_bind_int(mark, 1, now);
    err = rm_db_step_done(db, mark);
    st->reviews = changes_after(db, "DELETE FROM reviews WHERE profile_id IN (SELECT id FROM "
                                    "fg_profiles) OR author_url IN (SELECT url FROM fg_profiles)",
                                &err);
    st->pages = changes_after(db, "DELETE FROM pages WHERE url IN (SELECT url FROM fg_pages)",
                              &err);
    st->frontier = changes_after(db, frontier_sql, &err);
    st->portraits = changes_after(db, "DELETE FROM portraits WHERE id IN (SELECT portrait_id "
                                      "FROM portrait_members WHERE profile_id IN (SELECT id "
                                      "FROM fg_profiles))", &err);
    if (!err)
        err = unlink_others(db);
    changes_after(db, "DELETE FROM profile_keys WHERE kind = 'link' AND value IN (SELECT value "
                      "FROM profile_keys WHERE kind = 'url' AND profile_id IN (SELECT id FROM "
                      "fg_profiles))", &err);
    st->profiles = changes_after(db, "DELETE FROM profiles WHERE id IN (SELECT id FROM "
                                     "fg_profiles)", &err);
    changes_after(db, "DELETE FROM portrait_dirty WHERE profile_id IN (SELECT id FROM "
                      "fg_profiles); DROP TABLE fg_profiles; DROP TABLE fg_pages", &err);
    return err;
}

/* The index's segments still hold deleted terms until merged; a rebuild writes it afresh from
 * the remaining reviews and frees (zeroes, with secure_delete) the old segments. */
static rm_err scrub(rm_db *db)
{
    return rm_db_exec(db, "INSERT INTO reviews_fts(reviews_fts) VALUES ('rebuild');"
                          "INSERT INTO reviews_fts(reviews_fts) VALUES ('optimize');");
}

static rm_err compact(rm_db *db, bool vacuum)
{
    rm_err err = RM_OK;
    if (vacuum)
        err = rm_db_exec(db, "VACUUM");
    /* Old page images stay in the WAL until a checkpoint copies the new ones over them;
     * TRUNCATE then empties the WAL file itself. */
    if (!err)
        err = rm_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    return err;
}

static rm_err forget_in(rm_db *db, const char *ref, bool vacuum, rm_forget_stats *st,
                        rm_diag *diag)
{
    rm_portrait_stats ps;
    rm_interests *tx = NULL;
    int64_t portrait, now = (int64_t)time(NULL);
    rm_err err = rm_interests_builtin(diag, &tx);

    if (!err)
        err = rm_db_begin(db);
    if (err)
        goto cleanup;
    /* Profiles stored since the last build join their person before the lookup. */
    err = rm_portrait_update(db, tx, now, &ps);
    if (!err && (err = rm_portrait_find(db, ref, &portrait)) == RM_ENOTFOUND)
        rm_diag_add(diag, NULL, 0, NULL, "nobody matches '%s'", ref);
    if (!err)
        err = collect(db, portrait);
    if (!err)
        err = erase(db, now, st);
    if (!err)
        err = scrub(db);
    if (err) {
        rm_db_rollback(db);
        goto cleanup;
    }
    err = rm_db_commit(db);
    if (!err)
        err = compact(db, vacuum);
cleanup:
    rm_interests_free(tx);
    return err;
}

rm_err rm_forget(const char *db_path, const char *ref, bool vacuum, rm_forget_stats *st,
                 rm_diag *diag)
{
    rm_db *db;
    rm_err err;

    memset(st, 0, sizeof(*st));
    if ((err = open_secure(db_path, diag, &db)))
        return err;
    err = forget_in(db, ref, vacuum, st, diag);
    rm_db_close(db);
    return err;
}

/* ---- retention ------------------------------------------------------------------------------- */

static rm_err expire_in(rm_db *db, int64_t page_days, int64_t profile_days, int64_t now,
                        rm_forget_stats *st)
{
    rm_portrait_stats ps;
    rm_interests *tx = NULL;
    rm_diag d;
    rm_err err;
    sqlite3_stmt *pages = rm_db_stmt(db, "DELETE FROM pages WHERE fetched_at < ?1");
    sqlite3_stmt *unlink = rm_db_stmt(db, "UPDATE reviews SET profile_id = NULL WHERE "
                                          "profile_id IN (SELECT id FROM profiles WHERE "
                                          "last_seen < ?1)");
    sqlite3_stmt *profiles = rm_db_stmt(db, "DELETE FROM profiles WHERE last_seen < ?1");

    if (!pages || !unlink || !profiles)
        return RM_EDB;
    rm_diag_init(&d);
    err = rm_interests_builtin(&d, &tx);
    if (!err && page_days >= 0) {
        rm_db_bind_int(pages, 1, now - page_days * 86400);
        err = rm_db_step_done(db, pages);
        st->pages = err ? 0 : sqlite3_changes64(rm_db_handle(db));
    }
    if (!err && profile_days >= 0) {
        rm_db_bind_int(unlink, 1, now - profile_days * 86400);
        err = rm_db_step_done(db, unlink);
        rm_db_bind_int(profiles, 1, now - profile_days * 86400);
        if (!err)
            err = rm_db_step_done(db, profiles);
        st->profiles = err ? 0 : sqlite3_changes64(rm_db_handle(db));
    }
    if (!err)
        err = rm_portrait_update(db, tx, now, &ps);
    rm_interests_free(tx);
    rm_diag_release(&d);
    return err;
}

rm_err rm_forget_expire(const char *db_path, int64_t page_days, int64_t profile_days,
                        int64_t now, rm_forget_stats *st, rm_diag *diag)
{
    rm_db *db;
    rm_err err;

    memset(st, 0, sizeof(*st));
    if ((err = open_secure(db_path, diag, &db)))
        return err;
    err = rm_db_begin(db);
    if (!err) {
        err = expire_in(db, page_days, profile_days, now, st);
        if (err)
            rm_db_rollback(db);
        else
            err = rm_db_commit(db);
    }
    if (!err)
        err = compact(db, false);
    rm_db_close(db);
    return err;
}
