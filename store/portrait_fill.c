/* Portrait contents: demographics, interests, behaviour, attitude, then tags and segments from
 * documented rules (README, "Customer portraits"). Every tag carries the evidence it rests on. */
#include "core/rm.h"
#include "store/portrait_int.h"

#include <math.h>

#include "core/clock.h"

#define MAX_MATCH 16
#define EVIDENCE_CLAUSE_BYTES 200 /* quoted page text in evidence, at most */
#define EVIDENCE_MAX_BYTES 2000   /* a tag's evidence stops growing here */

/* Rule thresholds; the README's segment table quotes them. */
#define CATEGORY_INTEREST_MIN 2     /* reviews in a category that make it an interest */
#define FREQUENT_REVIEWS 5
#define FREQUENT_MIN_REVIEWS 3
#define FREQUENT_CADENCE_DAYS 30.0
#define HIGH_VALUE_LEVEL 1.25
#define BUDGET_LEVEL 0.8
#define PROMOTER_ATTITUDE 0.6
#define DETRACTOR_ATTITUDE 0.1
#define ASPECT_TAG_MEAN 0.25
#define INFLUENCER_FOLLOWERS 1000
#define DORMANT_DAYS 365
#define RATING_WEIGHT 0.6          /* of a review's attitude when it has rating and sentiment */

#define STMT(var, sql)                                                                          \
    sqlite3_stmt *var = rm_db_stmt(db, sql);                                                    \
    if (!var)                                                                                   \
        return RM_EDB

/* The portrait's reviews, as a join: an IN (SELECT ...) list made SQLite build, fill and drop a
 * temporary b-tree on every run, about a dozen per portrait. */
#define MEMBER_REVIEWS "portrait_members m JOIN reviews r ON r.profile_id = m.profile_id "

typedef struct contents {
    int64_t id, now;
    const rm_interests *tx;
    rm_portrait_ctx *ctx;
    json_t *interests;   /* array of ids */
    json_t *categories;  /* category -> reviews */
    json_t *aspects;     /* aspect -> {n, mean} */
    json_t *segments;    /* array of names */
    int64_t birth_year, followers, reviews, priced;
    double cadence, price_level, attitude;
    const char *stance;
    char first[16], last[16];
} contents;

/* Cuts s to at most max bytes on a UTF-8 character boundary. */
static int utf8_cut(const char *s, int max)
{
    int n = (int)strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static rm_err add_tag(rm_db *db, int64_t id, const char *tag, const char *evidence)
{
    STMT(ins, "INSERT INTO portrait_tags(portrait_id, tag, evidence) VALUES (?1, ?2, ?3) "
              "ON CONFLICT(portrait_id, tag) DO UPDATE SET evidence = CASE "
              "WHEN length(evidence) < ?4 THEN evidence || '; ' || excluded.evidence "
              "ELSE evidence END");
    rm_db_bind_int(ins, 1, id);
    rm_db_bind_text(ins, 2, tag);
    rm_db_bind_text(ins, 3, evidence);
    rm_db_bind_int(ins, 4, EVIDENCE_MAX_BYTES);
    return rm_db_step_done(db, ins);
}

static rm_err tagf(rm_db *db, int64_t id, const char *tag, const char *fmt, ...)
    RM_PRINTF(4, 5);
static rm_err tagf(rm_db *db, int64_t id, const char *tag, const char *fmt, ...)
{
    rm_buf ev;
    va_list ap;
    rm_err err;

    rm_buf_init(&ev, 4096);
    va_start(ap, fmt);
    rm_buf_vaddf(&ev, fmt, ap);
    va_end(ap);
    err = add_tag(db, id, tag, ev.ptr);
    rm_buf_release(&ev);
    return err;
}

/* ---- interests ------------------------------------------------------------------------------- */

static rm_err note_interest(rm_db *db, contents *c, size_t idx, const char *evidence)
{
    const char *iid = rm_interests_id(c->tx, idx);
    char tag[96];
    size_t i;
    json_t *v;
    bool have = false;

    json_array_foreach(c->interests, i, v)
        have = have || !strcmp(json_string_value(v), iid);
    if (!have)
        json_array_append_new(c->interests, json_string(iid));
    snprintf(tag, sizeof(tag), "interest:%s", iid);
    return add_tag(db, c->id, tag, evidence);
}

static rm_err text_interests(rm_db *db, contents *c, const char *text, const char *evidence,
                             rm_arena *a)
{
    size_t hits[MAX_MATCH];
    size_t n = rm_interests_match(c->tx, text, strlen(text), a, hits, MAX_MATCH);
    rm_err err = RM_OK;
    for (size_t k = 0; k < n && !err; k++)
        err = note_interest(db, c, hits[k], evidence);
    return err;
}

static rm_err profile_interests(rm_db *db, contents *c, rm_arena *a)
{
    rm_buf ev;
    rm_err err = RM_OK;
    int rc;
    STMT(sel, "SELECT COALESCE(p.platform, 'a') || ' profile', j.value "
              "FROM portrait_members m JOIN profiles p ON p.id = m.profile_id, "
              "json_each(p.interests) j WHERE m.portrait_id = ?1 AND json_valid(p.interests) "
              "AND j.type = 'text' ORDER BY p.id, j.key");

    rm_buf_init(&ev, 4096);
    rm_db_bind_int(sel, 1, c->id);
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(sel, 1);
        rm_buf_reset(&ev);
        rm_buf_addf(&ev, "%s lists \"%.*s\"", (const char *)sqlite3_column_text(sel, 0),
                    utf8_cut(text, EVIDENCE_CLAUSE_BYTES), text);
        err = text_interests(db, c, text, ev.ptr, a);
    }
    sqlite3_reset(sel);
    rm_buf_release(&ev);
    return err;
}

static rm_err category_interests(rm_db *db, contents *c, rm_arena *a)
{
    rm_buf ev;
    rm_err err = RM_OK;
    int rc;
    STMT(sel, "SELECT p.category, count(*) FROM " MEMBER_REVIEWS
              "JOIN products p ON p.id = r.product_id "
              "WHERE m.portrait_id = ?1 AND p.category IS NOT NULL "
              "GROUP BY p.category ORDER BY 2 DESC, 1");

    rm_buf_init(&ev, 4096);
    rm_db_bind_int(sel, 1, c->id);
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *cat = (const char *)sqlite3_column_text(sel, 0);
        int64_t n = sqlite3_column_int64(sel, 1);
        json_object_set_new(c->categories, cat, json_integer(n));
        if (n < CATEGORY_INTEREST_MIN)
            continue;
        rm_buf_reset(&ev);
        rm_buf_addf(&ev, "%lld reviews in category \"%.*s\"", (long long)n,
                    utf8_cut(cat, EVIDENCE_CLAUSE_BYTES), cat);
        err = text_interests(db, c, cat, ev.ptr, a);
    }
    sqlite3_reset(sel);
    rm_buf_release(&ev);
    return err;
}

/* ---- demographics ---------------------------------------------------------------------------- */

/* The first stored member profile that has a field gives it: a choice that does not move
 * with the order pages happen to be re-crawled in (last_seen), so updates stay reproducible.
 * One pass over the members (a portrait has a few) instead of a subquery per field. */
static const char demo_sql[] =
    "SELECT p.name, p.city, p.country, p.gender, p.birth_year, p.platform, p.followers "
    "FROM portrait_members m JOIN profiles p ON p.id = m.profile_id WHERE m.portrait_id = ?1 "
    "ORDER BY p.id";

enum { DEMO_TEXT = 4 }; /* name, city, country, gender: the first non-NULL of each */

static int year_of(int64_t t)
{
    char d[16];
    rm_date_iso((time_t)t, d);
    return (int)strtol(d, NULL, 10);
}

/* Reads the members' fields into text[] (owned) and c; born names the profile it came from. */
static rm_err read_demographics(rm_db *db, contents *c, char *text[DEMO_TEXT], char *born,
                                size_t born_size)
{
    int rc;
    STMT(sel, demo_sql);

    rm_db_bind_int(sel, 1, c->id);
    c->followers = -1;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        for (int i = 0; i < DEMO_TEXT; i++)
            if (!text[i] && sqlite3_column_text(sel, i))
                text[i] = rm_xstrdup((const char *)sqlite3_column_text(sel, i));
        if (!c->birth_year && sqlite3_column_type(sel, 4) != SQLITE_NULL &&
            sqlite3_column_int64(sel, 4) > 0) {
            const char *platform = (const char *)sqlite3_column_text(sel, 5);
            c->birth_year = sqlite3_column_int64(sel, 4);
            snprintf(born, born_size, "%lld on the %s profile", (long long)c->birth_year,
                     platform ? platform : "");
        }
        if (sqlite3_column_type(sel, 6) != SQLITE_NULL &&
            sqlite3_column_int64(sel, 6) > c->followers)
            c->followers = sqlite3_column_int64(sel, 6);
    }
    sqlite3_reset(sel);
    return rc == SQLITE_DONE ? RM_OK : RM_EDB;
}

static rm_err demographics(rm_db *db, contents *c)
{
    char *text[DEMO_TEXT] = {NULL, NULL, NULL, NULL}, born[96] = "";
    rm_err err;
    sqlite3_stmt *up = rm_db_stmt(db, "UPDATE portraits SET name = ?2, city = ?3, "
                                      "country = ?4, gender = ?5, birth_year = ?6, "
                                      "followers = ?7 WHERE id = ?1");

    err = up ? read_demographics(db, c, text, born, sizeof(born)) : RM_EDB;
    if (!err && c->birth_year > 0) {
        int age = year_of(c->now) - (int)c->birth_year;
        const char *band = age < 25 ? "age:under-25" : age < 35 ? "age:25-34"
                           : age < 45 ? "age:35-44" : age < 55 ? "age:45-54" : "age:55-plus";
        err = tagf(db, c->id, band, "born %s (about %d)", born, age);
    }
    if (!err) {
        rm_db_bind_int(up, 1, c->id);
        for (int i = 0; i < DEMO_TEXT; i++)
            rm_db_bind_text(up, i + 2, text[i]);
        rm_db_bind_count(up, 6, c->birth_year > 0 ? c->birth_year : -1);
        rm_db_bind_count(up, 7, c->followers);
        err = rm_db_step_done(db, up);
    }
    for (int i = 0; i < DEMO_TEXT; i++)
        free(text[i]);
    return err;
}

/* ---- behaviour ------------------------------------------------------------------------------- */

static rm_err behaviour(rm_db *db, contents *c)
{
    int rc;
    STMT(sel, "SELECT count(*), min(d), max(d), julianday(max(d)) - julianday(min(d)) FROM "
              "(SELECT COALESCE(date(r.date), date(r.first_seen, 'unixepoch')) AS d "
              " FROM " MEMBER_REVIEWS "WHERE m.portrait_id = ?1)");
    rm_db_bind_int(sel, 1, c->id);
    rc = sqlite3_step(sel);
    if (rc == SQLITE_ROW) {
        c->reviews = sqlite3_column_int64(sel, 0);
        snprintf(c->first, sizeof(c->first), "%s",
                 c->reviews ? (const char *)sqlite3_column_text(sel, 1) : "");
        snprintf(c->last, sizeof(c->last), "%s",
                 c->reviews ? (const char *)sqlite3_column_text(sel, 2) : "");
        c->cadence = c->reviews >= 2 ? sqlite3_column_double(sel, 3) / (double)(c->reviews - 1)
                                     : NAN;
    }
    sqlite3_reset(sel);
    return rc == SQLITE_ROW ? RM_OK : RM_EDB;
}

static const char median_sql[] =
    "SELECT price FROM products WHERE site_id = ?1 AND price > 0 ORDER BY price "
    "LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM products WHERE site_id = ?1 AND price > 0)";

static double median_of(rm_db *db, int64_t site)
{
    sqlite3_stmt *med = rm_db_stmt(db, median_sql);
    double m = 0;

    if (!med)
        return 0;
    rm_db_bind_int(med, 1, site);
    if (sqlite3_step(med) == SQLITE_ROW)
        m = sqlite3_column_double(med, 0);
    sqlite3_reset(med);
    return m;
}

/* The median product price of a site (0 when it has no prices). */
static double site_median(rm_db *db, rm_portrait_ctx *ctx, int64_t site)
{
    for (size_t i = 0; i < ctx->n_sites; i++)
        if (ctx->site[i] == site)
            return ctx->median[i];
    return median_of(db, site);
}

static rm_err site_moved(rm_db *db, int64_t site, double m)
{
    rm_err err;
    STMT(mark, "INSERT OR IGNORE INTO portrait_dirty SELECT DISTINCT r.profile_id FROM "
               "products p JOIN reviews r ON r.product_id = p.id "
               "WHERE p.site_id = ?1 AND r.profile_id IS NOT NULL");
    STMT(save, "INSERT INTO portrait_sites(site_id, median) VALUES (?1, ?2) "
               "ON CONFLICT(site_id) DO UPDATE SET median = excluded.median");
    rm_db_bind_int(mark, 1, site);
    if ((err = rm_db_step_done(db, mark)))
        return err;
    rm_db_bind_int(save, 1, site);
    rm_db_bind_real(save, 2, m);
    return rm_db_step_done(db, save);
}

rm_err rm_portrait_medians(rm_db *db, rm_portrait_ctx *ctx)
{
    rm_err err = RM_OK;
    int rc;
    STMT(sel, "SELECT s.id, ps.median, ps.site_id IS NOT NULL FROM sites s "
              "LEFT JOIN portrait_sites ps ON ps.site_id = s.id ORDER BY s.id");

    /* The statement stays open while dirty rows are written: SQLite allows writes to other
     * tables under a running select. */
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t site = sqlite3_column_int64(sel, 0);
        double m = median_of(db, site);
        bool known = sqlite3_column_int(sel, 2);
        double old = sqlite3_column_type(sel, 1) == SQLITE_NULL ? 0 : sqlite3_column_double(sel, 1);
        if (ctx->n_sites < RM_PORTRAIT_SITES) {
            ctx->site[ctx->n_sites] = site;
            ctx->median[ctx->n_sites++] = m;
        }
        if (!known || old != m)
            err = site_moved(db, site, m);
    }
    sqlite3_reset(sel);
    return err;
}

static rm_err price_level(rm_db *db, contents *c)
{
    double sum = 0;
    int rc;
    STMT(sel, "SELECT p.price, p.site_id FROM " MEMBER_REVIEWS
              "JOIN products p ON p.id = r.product_id WHERE m.portrait_id = ?1 AND p.price > 0");

    c->priced = 0;
    rm_db_bind_int(sel, 1, c->id);
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        double m = site_median(db, c->ctx, sqlite3_column_int64(sel, 1));
        if (m > 0) {
            sum += log(sqlite3_column_double(sel, 0) / m);
            c->priced++;
        }
    }
    sqlite3_reset(sel);
    /* Geometric mean: prices are skewed, and one 10x item should not outweigh ten 0.5x ones. */
    c->price_level = c->priced ? exp(sum / (double)c->priced) : NAN;
    return rc == SQLITE_DONE ? RM_OK : RM_EDB;
}

/* ---- attitude -------------------------------------------------------------------------------- */

/* A review's attitude in -1..1: the rating mapped so 5 stars is 1, 3 is 0 and 1 is -1, blended
 * with the text's sentiment when both are known. */
static double review_attitude(sqlite3_stmt *st, bool *known)
{
    bool has_r = sqlite3_column_type(st, 0) != SQLITE_NULL;
    bool has_s = sqlite3_column_type(st, 1) != SQLITE_NULL;
    double r = has_r ? (sqlite3_column_double(st, 0) - 3.0) / 2.0 : 0;
    double s = has_s ? sqlite3_column_double(st, 1) : 0;

    *known = has_r || has_s;
    if (has_r && has_s)
        return RATING_WEIGHT * r + (1 - RATING_WEIGHT) * s;
    return has_r ? r : s;
}

static rm_err attitude(rm_db *db, contents *c)
{
    double sum = 0;
    int64_t n = 0;
    int rc;
    STMT(sel, "SELECT r.rating, se.score FROM " MEMBER_REVIEWS "LEFT JOIN sentiment se "
              "ON se.review_id = r.id WHERE m.portrait_id = ?1");

    rm_db_bind_int(sel, 1, c->id);
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        bool known;
        double a = review_attitude(sel, &known);
        if (known) {
            sum += a;
            n++;
        }
    }
    sqlite3_reset(sel);
    c->attitude = n ? sum / (double)n : NAN;
    c->stance = !n                               ? NULL
                : c->attitude >= PROMOTER_ATTITUDE ? "promoter"
                : c->attitude < DETRACTOR_ATTITUDE ? "detractor"
                                                   : "passive";
    if (rc != SQLITE_DONE)
        return RM_EDB;
    if (!c->stance)
        return RM_OK;
    {
        char tag[32];
        snprintf(tag, sizeof(tag), "attitude:%s", c->stance);
        return tagf(db, c->id, tag, "mean attitude %.2f over %lld rated or scored reviews",
                    c->attitude, (long long)n);
    }
}

/* Per aspect: mentions, mean polarity, and the clause of the strongest mention that agrees with
 * the mean (the evidence a reader checks). Rows come by aspect, weakest score first: a negative
 * mean takes the group's first row, a positive one its last. Grouping here and cutting the one
 * clause a tag needs costs a fifth of what a window query that cut every clause did. */
static const char aspects_sql[] =
    "SELECT a.aspect, a.score, r.id, a.span_start, a.span_end "
    "FROM " MEMBER_REVIEWS "JOIN aspects a ON a.review_id = r.id WHERE m.portrait_id = ?1 "
    "ORDER BY a.aspect, a.score, r.id";

typedef struct mention {
    int64_t review, start, end;
} mention;

typedef struct aspect_group {
    char name[96];
    int64_t n;
    double sum;
    mention first, last;
} aspect_group;

static rm_err aspect_tag(rm_db *db, contents *c, const aspect_group *g, double mean,
                         const mention *m)
{
    char tag[128];
    const char *clause;
    rm_err err;
    STMT(sel, "SELECT CAST(substr(CAST(COALESCE(title || char(10), '') || COALESCE(body, '') "
              "AS BLOB), ?2 + 1, ?3 - ?2) AS TEXT) FROM reviews WHERE id = ?1");

    rm_db_bind_int(sel, 1, m->review);
    rm_db_bind_int(sel, 2, m->start);
    rm_db_bind_int(sel, 3, m->end);
    clause = sqlite3_step(sel) == SQLITE_ROW ? (const char *)sqlite3_column_text(sel, 0) : NULL;
    snprintf(tag, sizeof(tag), "%s:%s", mean < 0 ? "detractor" : "promoter", g->name);
    err = tagf(db, c->id, tag, "%lld mention%s, mean %.2f; review %lld: \"%.*s\"",
               (long long)g->n, g->n == 1 ? "" : "s", mean, (long long)m->review,
               utf8_cut(clause ? clause : "", EVIDENCE_CLAUSE_BYTES), clause ? clause : "");
    sqlite3_reset(sel);
    return err;
}

static rm_err aspect_done(rm_db *db, contents *c, const aspect_group *g)
{
    double mean = g->sum / (double)g->n;

    json_object_set_new(c->aspects, g->name,
                        json_pack("{s:I,s:f}", "n", (json_int_t)g->n, "mean",
                                  round(mean * 1e4) / 1e4));
    if (mean <= -ASPECT_TAG_MEAN)
        return aspect_tag(db, c, g, mean, &g->first);
    if (mean >= ASPECT_TAG_MEAN)
        return aspect_tag(db, c, g, mean, &g->last);
    return RM_OK;
}

static rm_err aspects(rm_db *db, contents *c)
{
    aspect_group g = {.n = 0};
    rm_err err = RM_OK;
    int rc;
    STMT(sel, aspects_sql);

    rm_db_bind_int(sel, 1, c->id);
    while (!err && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *asp = (const char *)sqlite3_column_text(sel, 0);
        mention m = {sqlite3_column_int64(sel, 2), sqlite3_column_int64(sel, 3),
                     sqlite3_column_int64(sel, 4)};

        if (g.n && strcmp(g.name, asp ? asp : "") != 0) {
            err = aspect_done(db, c, &g);
            g.n = 0;
        }
        if (!g.n) {
            snprintf(g.name, sizeof(g.name), "%s", asp ? asp : "");
            g.sum = 0;
            g.first = m;
        }
        g.n++;
        g.sum += sqlite3_column_double(sel, 1);
        g.last = m;
    }
    if (!err && g.n)
        err = aspect_done(db, c, &g);
    sqlite3_reset(sel);
    return err;
}

/* ---- segments -------------------------------------------------------------------------------- */

static rm_err segment(rm_db *db, contents *c, const char *name, const char *evidence)
{
    char tag[64];
    json_array_append_new(c->segments, json_string(name));
    snprintf(tag, sizeof(tag), "segment:%s", name);
    return add_tag(db, c->id, tag, evidence);
}

static rm_err price_tag(rm_db *db, contents *c, bool *high)
{
    const char *level;

    *high = false;
    if (!c->priced)
        return RM_OK;
    *high = c->price_level >= HIGH_VALUE_LEVEL;
    level = *high ? "price:high" : c->price_level <= BUDGET_LEVEL ? "price:low" : "price:mid";
    return tagf(db, c->id, level, "reviewed products cost %.2f x their site's median price "
                "(%lld priced products)", c->price_level, (long long)c->priced);
}

static rm_err segments(rm_db *db, contents *c)
{
    char ev[256];
    bool frequent, high;
    int64_t dormant_days = -1;
    time_t last;
    rm_err err = price_tag(db, c, &high);

    frequent = c->reviews >= FREQUENT_REVIEWS ||
               (c->reviews >= FREQUENT_MIN_REVIEWS && c->cadence <= FREQUENT_CADENCE_DAYS);
    snprintf(ev, sizeof(ev), "%lld reviews from %s to %s, one every %.1f days",
             (long long)c->reviews, c->first, c->last, isnan(c->cadence) ? 0.0 : c->cadence);
    if (!err && frequent)
        err = segment(db, c, "frequent", ev);
    if (!err && frequent && high)
        err = segment(db, c, "frequent-high-value", ev);
    if (!err && high)
        err = segment(db, c, "high-value", ev);
    if (!err && c->priced && c->price_level <= BUDGET_LEVEL)
        err = segment(db, c, "budget", ev);
    if (!err && c->reviews == 1)
        err = segment(db, c, "one-time", ev);
    if (!err && c->reviews == 0)
        err = segment(db, c, "silent", "profiles only, no reviews stored");
    if (c->reviews && rm_time_parse_iso(c->last, &last) == 0)
        dormant_days = (c->now - (int64_t)last) / 86400;
    if (!err && dormant_days > DORMANT_DAYS)
        err = segment(db, c, "dormant", ev);
    if (!err && c->stance && !strcmp(c->stance, "promoter") && c->reviews >= 3)
        err = segment(db, c, "advocate", ev);
    if (!err && c->stance && !strcmp(c->stance, "detractor") && c->reviews >= 2)
        err = segment(db, c, "at-risk", ev);
    if (!err && c->followers >= INFLUENCER_FOLLOWERS) {
        snprintf(ev, sizeof(ev), "%lld followers", (long long)c->followers);
        err = segment(db, c, "influencer", ev);
    }
    return err;
}

/* ---- the whole portrait ---------------------------------------------------------------------- */

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
}

static rm_err store_contents(rm_db *db, contents *c)
{
    char *js[4] = {dump(c->interests), dump(c->categories), dump(c->aspects),
                   dump(c->segments)};
    rm_err err;
    sqlite3_stmt *up = rm_db_stmt(db, "UPDATE portraits SET interests = ?2, categories = ?3, "
                                      "aspects = ?4, segments = ?5, reviews = ?6, "
                                      "first_review = ?7, last_review = ?8, cadence_days = ?9, "
                                      "price_level = ?10, attitude = ?11, stance = ?12, "
                                      "mean_rating = (SELECT avg(r.rating) FROM "
                                      MEMBER_REVIEWS "WHERE m.portrait_id = ?1), "
                                      "mean_sentiment = (SELECT avg(se.score) FROM "
                                      MEMBER_REVIEWS "JOIN sentiment se ON se.review_id = r.id "
                                      "WHERE m.portrait_id = ?1) "
                                      "WHERE id = ?1");
    if (!up) {
        err = RM_EDB;
        goto cleanup;
    }
    rm_db_bind_int(up, 1, c->id);
    for (int i = 0; i < 4; i++)
        rm_db_bind_text(up, i + 2, js[i]);
    rm_db_bind_int(up, 6, c->reviews);
    rm_db_bind_text(up, 7, c->first[0] ? c->first : NULL);
    rm_db_bind_text(up, 8, c->last[0] ? c->last : NULL);
    rm_db_bind_real(up, 9, c->cadence);
    rm_db_bind_real(up, 10, c->price_level);
    rm_db_bind_real(up, 11, c->attitude);
    rm_db_bind_text(up, 12, c->stance);
    err = rm_db_step_done(db, up);
cleanup:
    for (int i = 0; i < 4; i++)
        free(js[i]);
    return err;
}

rm_err rm_portrait_fill(rm_db *db, rm_portrait_ctx *ctx, int64_t id)
{
    contents c;
    rm_arena *a;
    rm_err err;
    STMT(del, "DELETE FROM portrait_tags WHERE portrait_id = ?1");

    a = rm_arena_new(16 * 1024);
    memset(&c, 0, sizeof(c));
    c.id = id;
    c.now = ctx->now;
    c.tx = ctx->tx;
    c.ctx = ctx;
    c.interests = json_array();
    c.categories = json_object();
    c.aspects = json_object();
    c.segments = json_array();
    rm_db_bind_int(del, 1, id);
    err = rm_db_step_done(db, del);
    if (!err)
        err = demographics(db, &c);
    if (!err)
        err = profile_interests(db, &c, a);
    if (!err)
        err = behaviour(db, &c);
    if (!err)
        err = category_interests(db, &c, a);
    if (!err)
        err = price_level(db, &c);
    if (!err)
        err = attitude(db, &c);
    if (!err)
        err = aspects(db, &c);
    if (!err)
        err = segments(db, &c);
    if (!err)
        err = store_contents(db, &c);
    json_decref(c.interests);
    json_decref(c.categories);
    json_decref(c.aspects);
    json_decref(c.segments);
    rm_arena_free(a);
    return err;
}
