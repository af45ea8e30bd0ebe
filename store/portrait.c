#include "core/rm.h"
#include "store/portrait.h"

#include "store/portrait_int.h"

#include "core/clock.h"

#define CONF_MUTUAL 0.95
#define CONF_HANDLE 0.90
#define CONF_AUTHORED 1.0

#define STMT(var, sql)                                                                          \
    sqlite3_stmt *var = rm_db_stmt(db, sql);                                                    \
    if (!var)                                                                                   \
        return RM_EDB

/* ---- a set of profile ids, with a list in insertion order ------------------------------------ */

typedef struct idset {
    int64_t *slots; /* 0 = empty (profile ids start at 1) */
    size_t cap;
    int64_t *list;
    size_t n;
} idset;

static void idset_init(idset *s)
{
    s->cap = 64;
    s->slots = rm_xcalloc(s->cap, sizeof(int64_t));
    s->list = rm_xmalloc(s->cap * sizeof(int64_t));
    s->n = 0;
}

static void idset_release(idset *s)
{
    free(s->slots);
    free(s->list);
}

static size_t slot_of(const idset *s, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 7) & (s->cap - 1);
    while (s->slots[i] && s->slots[i] != id)
        i = (i + 1) & (s->cap - 1);
    return i;
}

/* Returns true when id was new. */
static bool idset_add(idset *s, int64_t id)
{
    size_t i = slot_of(s, id);
    if (s->slots[i] == id)
        return false;
    if (2 * (s->n + 1) > s->cap) {
        int64_t *old = s->slots;
        size_t old_cap = s->cap;
        s->cap *= 2;
        s->slots = rm_xcalloc(s->cap, sizeof(int64_t));
        s->list = rm_xrealloc(s->list, s->cap * sizeof(int64_t));
        for (size_t k = 0; k < old_cap; k++)
            if (old[k])
                s->slots[slot_of(s, old[k])] = old[k];
        free(old);
        i = slot_of(s, id);
    }
    s->slots[i] = id;
    s->list[s->n++] = id;
    return true;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Position of id in a sorted list of n ids; n when absent. */
static size_t sorted_index(const int64_t *list, size_t n, int64_t id)
{
    const int64_t *hit = bsearch(&id, list, n, sizeof(int64_t), cmp_i64);
    return hit ? (size_t)(hit - list) : n;
}

typedef struct comp_entry {
    size_t root, idx;
} comp_entry;

static int cmp_comp(const void *a, const void *b)
{
    const comp_entry *x = a, *y = b;
    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* ---- profile keys: links and folded handles, indexed for the link search --------------------- */

/* "@Ivan@social.example" and "ivan" are one handle: no @, the account part, ASCII lower case.
 * Writes "" when nothing is left. */
static void fold_handle(const char *h, char *out, size_t size)
{
    size_t n = 0;
    if (h && *h == '@')
        h++;
    for (; h && *h && *h != '@' && n + 1 < size; h++)
        out[n++] = (char)((*h >= 'A' && *h <= 'Z') ? *h + 32 : *h);
    out[n] = '\0';
}

void rm_portrait_url_key(const char *url, char *out, size_t size)
{
    const char *p = url ? strstr(url, "://") : NULL, *host, *end;
    size_t n = 0, hlen;

    out[0] = '\0';
    if (!p || size < 2)
        return;
    host = p + 3;
    for (end = host; *end && *end != '/' && *end != '?' && *end != '#'; end++)
        if (*end == '@')
            host = end + 1; /* user:pass@ */
    hlen = (size_t)(end - host);
    if (hlen >= 4 && !strncasecmp(host, "www.", 4))
        host += 4, hlen -= 4;
    if (hlen >= 3 && !strncmp(host + hlen - 3, ":80", 3))
        hlen -= 3;
    else if (hlen >= 4 && !strncmp(host + hlen - 4, ":443", 4))
        hlen -= 4;
    for (size_t i = 0; i < hlen && n + 1 < size; i++)
        out[n++] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
    for (p = end; *p && *p != '#' && n + 1 < size; p++)
        out[n++] = *p;
    while (n > 0 && out[n - 1] == '/')
        n--;
    out[n] = '\0';
}

static rm_err put_key(rm_db *db, int64_t id, const char *kind, const char *value)
{
    STMT(ins, "INSERT INTO profile_keys(profile_id, kind, value) VALUES (?1, ?2, ?3)");
    if (!value[0])
        return RM_OK;
    rm_db_bind_int(ins, 1, id);
    rm_db_bind_text(ins, 2, kind);
    rm_db_bind_text(ins, 3, value);
    return rm_db_step_done(db, ins);
}

/* The profile's own URL key, its folded handle and the URL keys it links to. */
static rm_err write_keys(rm_db *db, int64_t id, const char *url, const char *handle,
                         const char *links)
{
    char own[2048], key[2048];
    json_t *arr = links ? json_loads(links, 0, NULL) : NULL;
    size_t i;
    json_t *v;
    rm_err err;

    rm_portrait_url_key(url, own, sizeof(own));
    fold_handle(handle, key, sizeof(key));
    err = put_key(db, id, "url", own);
    if (!err)
        err = put_key(db, id, "handle", key);
    json_array_foreach(arr, i, v) {
        rm_portrait_url_key(json_string_value(v), key, sizeof(key));
        if (!err && strcmp(key, own) != 0)
            err = put_key(db, id, "link", key);
    }
    json_decref(arr);
    return err;
}

static rm_err refresh_keys(rm_db *db, int64_t id)
{
    char *f[3] = {NULL, NULL, NULL};
    rm_err err;
    STMT(del, "DELETE FROM profile_keys WHERE profile_id = ?1");
    STMT(sel, "SELECT url, handle, links FROM profiles WHERE id = ?1");

    rm_db_bind_int(del, 1, id);
    if ((err = rm_db_step_done(db, del)))
        return err;
    rm_db_bind_int(sel, 1, id);
    if (sqlite3_step(sel) == SQLITE_ROW)
        for (int i = 0; i < 3; i++)
            if (sqlite3_column_text(sel, i))
                f[i] = rm_xstrdup((const char *)sqlite3_column_text(sel, i));
    sqlite3_reset(sel);
    err = f[0] ? write_keys(db, id, f[0], f[1], f[2]) : RM_OK;
    for (int i = 0; i < 3; i++)
        free(f[i]);
    return err;
}

/* ---- which profiles to rebuild --------------------------------------------------------------- */

static rm_err load_dirty(rm_db *db, idset *s)
{
    int rc;
    STMT(sel, "SELECT d.profile_id FROM portrait_dirty d JOIN profiles p ON p.id = d.profile_id "
              "ORDER BY d.profile_id");
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW)
        idset_add(s, sqlite3_column_int64(sel, 0));
    sqlite3_reset(sel);
    return rc == SQLITE_DONE ? RM_OK : RM_EDB;
}

/* Profiles this one links to, profiles linking to it, and its old portrait's members (join
 * order fixed with CROSS JOIN, as in links_sql below). */
static const char neighbours_sql[] =
    "SELECT q.profile_id FROM profile_keys k CROSS JOIN profile_keys q "
    "ON q.kind = 'url' AND q.value = k.value WHERE k.profile_id = ?1 AND k.kind = 'link' "
    "UNION SELECT k.profile_id FROM profile_keys u CROSS JOIN profile_keys k "
    "ON k.kind = 'link' AND k.value = u.value WHERE u.profile_id = ?1 AND u.kind = 'url' "
    "UNION SELECT m2.profile_id FROM portrait_members m1 "
    "JOIN portrait_members m2 ON m2.portrait_id = m1.portrait_id WHERE m1.profile_id = ?1";

/* Grows s (the dirty profiles) until it is closed under links and old co-membership. */
static rm_err close_set(rm_db *db, idset *s)
{
    int rc = SQLITE_DONE;
    STMT(nb, neighbours_sql);
    for (size_t i = 0; i < s->n; i++) {
        rm_db_bind_int(nb, 1, s->list[i]);
        while ((rc = sqlite3_step(nb)) == SQLITE_ROW)
            idset_add(s, sqlite3_column_int64(nb, 0));
        sqlite3_reset(nb);
        if (rc != SQLITE_DONE)
            return RM_EDB;
    }
    return RM_OK;
}

/* Keys that are not yet refreshed (a linked profile that was not dirty) are still right: they
 * only change with the profile, which then is dirty. So only dirty profiles need refreshing. */
static rm_err refresh_dirty_keys(rm_db *db, const idset *dirty)
{
    rm_err err = RM_OK;
    for (size_t i = 0; i < dirty->n && !err; i++)
        err = refresh_keys(db, dirty->list[i]);
    return err;
}

/* ---- union-find over the rebuilt profiles ---------------------------------------------------- */

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    /* The smaller index wins, so roots do not depend on the order links are found in. */
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

static rm_err insert_link(rm_db *db, int64_t a, int64_t b, const char *reason, double conf,
                          const char *evidence)
{
    STMT(ins, "INSERT INTO identity_links(profile_a, profile_b, reason, confidence, evidence) "
              "VALUES (?1, ?2, ?3, ?4, ?5)");
    rm_db_bind_int(ins, 1, a);
    rm_db_bind_int(ins, 2, b);
    rm_db_bind_text(ins, 3, reason);
    rm_db_bind_real(ins, 4, conf);
    rm_db_bind_text(ins, 5, evidence);
    return rm_db_step_done(db, ins);
}

/* CROSS JOIN fixes the join order (SQLite's rule): without statistics the planner would
 * scan every 'url' key first. */
/* Each profile p links to q: mutual (q links back) or one-way with the same handle. Mutual
 * pairs are recorded once, from the smaller id. */
static const char links_sql[] =
    "SELECT DISTINCT q.id, q.url, p.url, "
    "EXISTS (SELECT 1 FROM profile_keys b JOIN profile_keys pu ON pu.profile_id = p.id "
    "        AND pu.kind = 'url' WHERE b.profile_id = q.id AND b.kind = 'link' "
    "        AND b.value = pu.value), "
    "EXISTS (SELECT 1 FROM profile_keys h1 JOIN profile_keys h2 ON h2.value = h1.value "
    "        WHERE h1.profile_id = p.id AND h1.kind = 'handle' "
    "        AND h2.profile_id = q.id AND h2.kind = 'handle'), "
    "(SELECT value FROM profile_keys WHERE profile_id = p.id AND kind = 'handle') "
    "FROM profiles p CROSS JOIN profile_keys k ON k.profile_id = p.id AND k.kind = 'link' "
    "CROSS JOIN profile_keys qu ON qu.kind = 'url' AND qu.value = k.value "
    "CROSS JOIN profiles q ON q.id = qu.profile_id WHERE p.id = ?1 AND q.id <> p.id "
    "ORDER BY q.id";

static rm_err link_one(rm_db *db, const idset *s, size_t *parent, size_t i, int64_t *n_links)
{
    int64_t p = s->list[i];
    rm_buf ev;
    rm_err err = RM_OK;
    int rc;
    STMT(sel, links_sql);

    rm_buf_init(&ev, 8192);
    rm_db_bind_int(sel, 1, p);
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t q = sqlite3_column_int64(sel, 0);
        const char *q_url = (const char *)sqlite3_column_text(sel, 1);
        const char *p_url = (const char *)sqlite3_column_text(sel, 2);
        bool mutual = sqlite3_column_int(sel, 3), handle = sqlite3_column_int(sel, 4);
        size_t j = sorted_index(s->list, s->n, q);

        if (j == s->n || (mutual && q < p) || (!mutual && !handle))
            continue;
        rm_buf_reset(&ev);
        if (mutual)
            rm_buf_addf(&ev, "%s links to %s and back", p_url, q_url);
        else
            rm_buf_addf(&ev, "%s links to %s; both are @%s", p_url, q_url,
                        (const char *)sqlite3_column_text(sel, 5));
        err = insert_link(db, p, q, mutual ? "rel-me-mutual" : "same-verified-handle",
                          mutual ? CONF_MUTUAL : CONF_HANDLE, ev.ptr);
        uf_union(parent, i, j);
        (*n_links)++;
    }
    sqlite3_reset(sel);
    rm_buf_release(&ev);
    return err;
}

/* ---- writing portraits ----------------------------------------------------------------------- */

/* Drops the old portraits and links of every profile in s; remembers each profile's old
 * portrait in old[] (0 = none) so a rebuilt portrait can keep its number. */
static rm_err drop_old(rm_db *db, const idset *s, int64_t *old)
{
    rm_err err = RM_OK;
    STMT(sel, "SELECT portrait_id FROM portrait_members WHERE profile_id = ?1");
    STMT(del, "DELETE FROM portraits WHERE id = ?1");
    STMT(links, "DELETE FROM identity_links WHERE profile_a = ?1 OR profile_b = ?1");
    for (size_t i = 0; i < s->n && !err; i++) {
        rm_db_bind_int(sel, 1, s->list[i]);
        old[i] = sqlite3_step(sel) == SQLITE_ROW ? sqlite3_column_int64(sel, 0) : 0;
        sqlite3_reset(sel);
    }
    for (size_t i = 0; i < s->n && !err; i++) {
        if (old[i]) {
            rm_db_bind_int(del, 1, old[i]);
            err = rm_db_step_done(db, del);
        }
        if (!err) {
            rm_db_bind_int(links, 1, s->list[i]);
            err = rm_db_step_done(db, links);
        }
    }
    return err;
}

static rm_err add_member(rm_db *db, int64_t portrait, int64_t profile)
{
    rm_err err;
    STMT(ins, "INSERT INTO portrait_members(profile_id, portrait_id) VALUES (?1, ?2)");
    rm_db_bind_int(ins, 1, profile);
    rm_db_bind_int(ins, 2, portrait);
    if ((err = rm_db_step_done(db, ins)))
        return err;
    STMT(auth, "INSERT INTO identity_links(profile_a, review_id, reason, confidence, evidence) "
               "SELECT ?1, r.id, 'authored', ?2, 'review ' || r.id || ' names ' || r.author_url "
               "|| ' as its author' FROM reviews r WHERE r.profile_id = ?1");
    rm_db_bind_int(auth, 1, profile);
    rm_db_bind_real(auth, 2, CONF_AUTHORED);
    return rm_db_step_done(db, auth);
}

/* members: indexes into s of one component, in increasing profile id. */
static rm_err write_portrait(rm_db *db, rm_portrait_ctx *ctx, const idset *s,
                             const size_t *members, size_t n, int64_t reuse_id)
{
    int64_t id;
    rm_err err;
    STMT(ins, "INSERT INTO portraits(id, key, built_at, profiles) "
              "VALUES (?1, (SELECT min(url) FROM profiles WHERE id IN "
              "(SELECT value FROM json_each(?2))), ?3, ?4)");
    rm_buf ids;

    rm_buf_init(&ids, RM_BUF_NOLIMIT);
    rm_buf_addc(&ids, '[');
    for (size_t k = 0; k < n; k++)
        rm_buf_addf(&ids, "%s%lld", k ? "," : "", (long long)s->list[members[k]]);
    rm_buf_addc(&ids, ']');
    rm_db_bind_count(ins, 1, reuse_id ? reuse_id : -1);
    rm_db_bind_text(ins, 2, ids.ptr);
    rm_db_bind_int(ins, 3, ctx->now);
    rm_db_bind_int(ins, 4, (int64_t)n);
    err = rm_db_step_done(db, ins);
    rm_buf_release(&ids);
    if (err)
        return err;
    id = sqlite3_last_insert_rowid(rm_db_handle(db));
    for (size_t k = 0; k < n && !err; k++)
        err = add_member(db, id, s->list[members[k]]);
    return err ? err : rm_portrait_fill(db, ctx, id);
}

/* A rebuilt portrait keeps the number of its first member's old portrait, once. */
static int64_t pick_reuse(const int64_t *old, const size_t *members, size_t n, idset *used)
{
    for (size_t k = 0; k < n; k++)
        if (old[members[k]] && idset_add(used, old[members[k]]))
            return old[members[k]];
    return 0;
}

static rm_err write_components(rm_db *db, rm_portrait_ctx *ctx, const idset *s,
                               size_t *parent, const int64_t *old, rm_portrait_stats *st)
{
    comp_entry *ce = rm_xmalloc((s->n ? s->n : 1) * sizeof(*ce));
    size_t *members = rm_xmalloc((s->n ? s->n : 1) * sizeof(size_t));
    idset used;
    rm_err err = RM_OK;

    idset_init(&used);
    for (size_t i = 0; i < s->n; i++) {
        ce[i].root = uf_find(parent, i);
        ce[i].idx = i;
    }
    /* s->list is sorted and a root is the smallest index of its component: grouping by root
     * writes portraits in the order of their smallest profile id, members in id order. */
    qsort(ce, s->n, sizeof(*ce), cmp_comp);
    for (size_t i = 0; i < s->n && !err;) {
        size_t n = 0, r = ce[i].root;
        for (; i < s->n && ce[i].root == r; i++)
            members[n++] = ce[i].idx;
        err = write_portrait(db, ctx, s, members, n, pick_reuse(old, members, n, &used));
        st->portraits++;
    }
    idset_release(&used);
    free(ce);
    free(members);
    return err;
}

static rm_err rebuild_set(rm_db *db, rm_portrait_ctx *ctx, idset *s, rm_portrait_stats *st)
{
    size_t *parent = rm_xmalloc((s->n ? s->n : 1) * sizeof(size_t));
    int64_t *old = rm_xcalloc(s->n ? s->n : 1, sizeof(int64_t));
    rm_err err;

    /* Sorted ids make the result independent of the order evidence was found in (the set's
     * hash slots stay valid: they do not depend on the list's order). */
    qsort(s->list, s->n, sizeof(int64_t), cmp_i64);
    for (size_t i = 0; i < s->n; i++)
        parent[i] = i;
    err = drop_old(db, s, old);
    for (size_t i = 0; i < s->n && !err; i++)
        err = link_one(db, s, parent, i, &st->links);
    if (!err)
        err = write_components(db, ctx, s, parent, old, st);
    st->profiles = (int64_t)s->n;
    free(parent);
    free(old);
    return err;
}

rm_err rm_portrait_update(rm_db *db, const rm_interests *tx, int64_t now, rm_portrait_stats *st)
{
    rm_portrait_ctx *ctx = rm_xcalloc(1, sizeof(*ctx));
    idset s;
    rm_err err;

    memset(st, 0, sizeof(*st));
    ctx->tx = tx;
    ctx->now = now;
    idset_init(&s);
    err = rm_portrait_medians(db, ctx);
    if (!err)
        err = load_dirty(db, &s);
    st->dirty = (int64_t)s.n;
    if (!err)
        err = refresh_dirty_keys(db, &s);
    if (!err)
        err = close_set(db, &s);
    if (!err && s.n)
        err = rebuild_set(db, ctx, &s, st);
    /* A portrait whose every profile was deleted (retention) has nobody left to rebuild. */
    if (!err)
        err = rm_db_exec(db, "DELETE FROM portrait_dirty; DELETE FROM portraits WHERE id NOT IN "
                             "(SELECT portrait_id FROM portrait_members)");
    idset_release(&s);
    free(ctx);
    return err;
}

rm_err rm_portrait_rebuild(rm_db *db, const rm_interests *tx, int64_t now, rm_portrait_stats *st)
{
    rm_err err = rm_db_exec(db, "DELETE FROM portraits; DELETE FROM identity_links; "
                                "DELETE FROM profile_keys; DELETE FROM portrait_dirty; "
                                "DELETE FROM portrait_sites; "
                                "INSERT INTO portrait_dirty SELECT id FROM profiles;");
    return err ? err : rm_portrait_update(db, tx, now, st);
}

rm_err rm_portrait_update_db(rm_db *db, bool full, rm_portrait_stats *st)
{
    rm_portrait_stats local;
    rm_interests *tx = NULL;
    int64_t t0 = rm_mono_ms();
    rm_diag d;
    rm_err err;

    st = st ? st : &local;
    rm_diag_init(&d);
    err = rm_interests_builtin(&d, &tx);
    if (!err)
        err = rm_db_begin(db);
    if (!err) {
        err = full ? rm_portrait_rebuild(db, tx, (int64_t)time(NULL), st)
                   : rm_portrait_update(db, tx, (int64_t)time(NULL), st);
        if (err)
            rm_db_rollback(db);
        else
            err = rm_db_commit(db);
    }
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    rm_interests_free(tx);
    if (!err)
        rm_log_info("portraits: %lld rebuilt from %lld profiles (%lld changed) in %lld ms",
                    (long long)st->portraits, (long long)st->profiles, (long long)st->dirty,
                    (long long)(rm_mono_ms() - t0));
    return err;
}

rm_err rm_portrait_update_path(const char *path, bool full, rm_portrait_stats *st)
{
    rm_db *db = NULL;
    rm_diag d;
    rm_err err;

    rm_diag_init(&d);
    err = rm_db_open(path, 0, &d, &db);
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    if (!err)
        err = rm_portrait_update_db(db, full, st);
    rm_db_close(db);
    return err;
}
