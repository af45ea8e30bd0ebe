/* Reading portraits back: lookup by any id people hold, and one portrait as JSON. */
#include "core/rm.h"
#include "store/portrait.h"

#include "store/privacy.h"

#define STMT(var, sql)                                                                          \
    sqlite3_stmt *var = rm_db_stmt(db, sql);                                                    \
    if (!var)                                                                                   \
        return RM_EDB

static rm_err first_id(rm_db *db, sqlite3_stmt *st, int64_t *id)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rm_log_error("SQLite: %s", rm_db_errmsg(db));
        return RM_EDB;
    }
    return rc == SQLITE_ROW ? RM_OK : RM_ENOTFOUND;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

rm_err rm_portrait_find(rm_db *db, const char *ref, int64_t *id)
{
    char handle[256];
    size_t n = 0;
    STMT(by_id, "SELECT id FROM portraits WHERE id = ?1");
    STMT(by_pseudo, "SELECT id FROM portraits WHERE rm_pseudonym(key) = ?1 UNION ALL "
                    "SELECT m.portrait_id FROM portrait_members m JOIN profiles p "
                    "ON p.id = m.profile_id WHERE rm_pseudonym(p.url) = ?1 LIMIT 1");
    STMT(by_ref, "SELECT m.portrait_id FROM portrait_members m JOIN profiles p "
                 "ON p.id = m.profile_id WHERE p.url = ?1 OR lower(p.handle) = lower(?2) "
                 "ORDER BY p.url = ?1 DESC, m.portrait_id LIMIT 1");

    if (all_digits(ref)) {
        rm_db_bind_int(by_id, 1, strtoll(ref, NULL, 10));
        return first_id(db, by_id, id);
    }
    if (!strncmp(ref, "p_", 2) && strlen(ref) == RM_PSEUDONYM_LEN) {
        rm_db_bind_text(by_pseudo, 1, ref);
        return first_id(db, by_pseudo, id);
    }
    for (const char *h = ref + (*ref == '@'); *h && *h != '@' && n + 1 < sizeof(handle); h++)
        handle[n++] = *h;
    handle[n] = '\0';
    rm_db_bind_text(by_ref, 1, ref);
    rm_db_bind_text(by_ref, 2, handle);
    return first_id(db, by_ref, id);
}

/* Column i of st as JSON: integers, reals, text (parsed when it is one of our JSON columns). */
static json_t *column_json(sqlite3_stmt *st, int i, bool json_text)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL: return NULL;
    default:
        if (json_text)
            return json_loads((const char *)sqlite3_column_text(st, i), 0, NULL);
        return json_string((const char *)sqlite3_column_text(st, i));
    }
}

static void set_row(json_t *o, sqlite3_stmt *st, const char *const *json_cols)
{
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        bool js = false;
        json_t *v;
        for (const char *const *c = json_cols; *c; c++)
            js = js || !strcmp(*c, name);
        if ((v = column_json(st, i, js)) != NULL)
            json_object_set_new(o, name, v);
    }
}

static const char *const portrait_json_cols[] = {"interests", "categories", "aspects",
                                                 "segments", NULL};
static const char *const no_json_cols[] = {NULL};

/* ?2 = 1: raw identities. */
static const char head_sql[] =
    "SELECT rm_pseudonym(key) AS portrait_id, id AS number, "
    "CASE WHEN ?2 THEN key END AS key, CASE WHEN ?2 THEN name END AS name, city, country, "
    "gender, birth_year, profiles, reviews, first_review, last_review, "
    "round(cadence_days, 2) AS cadence_days, categories, round(price_level, 4) AS price_level, "
    "round(mean_rating, 4) AS mean_rating, round(mean_sentiment, 4) AS mean_sentiment, "
    "round(attitude, 4) AS attitude, stance, interests, aspects, segments, followers, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', built_at, 'unixepoch') AS built_at "
    "FROM portraits WHERE id = ?1";

static const char members_sql[] =
    "SELECT CASE WHEN ?2 THEN p.url ELSE rm_pseudonym(p.url) END AS profile_id, p.platform, "
    "CASE WHEN ?2 THEN p.handle END AS handle, "
    "(SELECT count(*) FROM reviews r WHERE r.profile_id = p.id) AS reviews "
    "FROM portrait_members m JOIN profiles p ON p.id = m.profile_id "
    "WHERE m.portrait_id = ?1 ORDER BY p.id";

static const char links_sql[] =
    "SELECT CASE WHEN ?2 THEN a.url ELSE rm_pseudonym(a.url) END AS profile_a, "
    "CASE WHEN ?2 THEN b.url ELSE rm_pseudonym(b.url) END AS profile_b, l.reason, "
    "l.confidence, CASE WHEN ?2 THEN l.evidence END AS evidence "
    "FROM identity_links l JOIN portrait_members m ON m.profile_id = l.profile_a "
    "JOIN profiles a ON a.id = l.profile_a JOIN profiles b ON b.id = l.profile_b "
    "WHERE m.portrait_id = ?1 ORDER BY l.rowid";

static const char authored_sql[] =
    "SELECT count(*) AS reviews, min(l.confidence) AS confidence FROM identity_links l "
    "JOIN portrait_members m ON m.profile_id = l.profile_a "
    "WHERE m.portrait_id = ?1 AND l.reason = 'authored' AND ?2 IN (0, 1)";

static const char tags_sql[] =
    "SELECT tag, evidence FROM portrait_tags WHERE portrait_id = ?1 AND ?2 IN (0, 1) "
    "ORDER BY tag";

static rm_err rows_into(rm_db *db, const char *sql, int64_t id, bool raw, json_t *arr,
                        const char *const *json_cols)
{
    int rc;
    STMT(st, sql);
    rm_db_bind_int(st, 1, id);
    rm_db_bind_int(st, 2, raw);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        set_row(o, st, json_cols);
        json_array_append_new(arr, o);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? RM_OK : RM_EDB;
}

rm_err rm_portrait_json(rm_db *db, int64_t id, bool raw, json_t **out)
{
    json_t *head = json_array(), *o = NULL;
    json_t *parts[4] = {json_array(), json_array(), json_array(), json_array()};
    const char *sql[4] = {members_sql, links_sql, authored_sql, tags_sql};
    const char *names[4] = {"members", "links", "authored", "tags"};
    rm_err err = rows_into(db, head_sql, id, raw, head, portrait_json_cols);

    if (!err && json_array_size(head) != 1)
        err = RM_ENOTFOUND;
    for (int i = 0; i < 4 && !err; i++)
        err = rows_into(db, sql[i], id, raw, parts[i], no_json_cols);
    if (!err) {
        o = json_incref(json_array_get(head, 0));
        for (int i = 0; i < 4; i++)
            json_object_set(o, names[i], i == 2 ? json_array_get(parts[i], 0) : parts[i]);
    }
    for (int i = 0; i < 4; i++)
        json_decref(parts[i]);
    json_decref(head);
    *out = o;
    return err;
}
