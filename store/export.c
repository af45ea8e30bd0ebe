#include "core/rm.h"
#include "store/db.h"
#include "store/export.h"
#include "store/privacy.h"

#include <math.h>
#include <utf8proc.h>

typedef struct column {
    const char *name;
    const char *expr;   /* SQL expression with raw identities */
    const char *pseudo; /* the expression without them; NULL = same as expr */
    bool text;          /* text column: CSV formula neutralisation applies */
    const char *doc;
} column;

#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
/* Reviews are scored as title, newline, body: aspect spans count bytes of that text. */
#define SCORED_TEXT "(COALESCE(r.title || char(10), '') || COALESCE(r.body, ''))"

static const column product_cols[] = {
    {"product_id", "p.id", NULL, false, "revmine's id of the product"},
    {"site", "s.host", NULL, true, "host[:port] of the site"},
    {"url", "p.url", NULL, true, "product URL (normalised)"},
    {"schema_type", "p.schema_type", NULL, true, "schema.org type (Product, LocalBusiness, ...)"},
    {"name", "p.name", NULL, true, "product name"},
    {"sku", "p.sku", NULL, true, "site's SKU"},
    {"brand", "p.brand", NULL, true, "brand"},
    {"category", "p.category", NULL, true, "category as the site gives it"},
    {"price", "p.price", NULL, false, "latest price"},
    {"currency", "p.currency", NULL, true, "ISO 4217 code"},
    {"rating", "p.rating", NULL, false, "site's average rating, 0-5"},
    {"rating_count", "p.rating_count", NULL, false, "ratings the site counts"},
    {"review_count", "p.review_count", NULL, false, "reviews the site counts"},
    {"reviews_stored", "(SELECT count(*) FROM reviews r WHERE r.product_id = p.id)", NULL, false,
     "reviews revmine stored"},
    {"mean_sentiment", "(SELECT round(avg(se.score), 4) FROM reviews r JOIN sentiment se "
                       "ON se.review_id = r.id WHERE r.product_id = p.id)", NULL, false,
     "mean review sentiment, -1..1"},
    {"price_changes", "(SELECT count(*) - 1 FROM prices h WHERE h.product_id = p.id)", NULL,
     false, "price changes recorded"},
    {"first_seen", ISO("p.first_seen"), NULL, false, "first crawl that saw it (UTC)"},
    {"last_seen", ISO("p.last_seen"), NULL, false, "latest crawl that saw it (UTC)"},
    {"gone_at", ISO("p.gone_at"), NULL, false, "when it disappeared from the site, if it did"},
};

static const column review_cols[] = {
    {"review_id", "r.id", NULL, false, "revmine's id of the review"},
    {"site", "s.host", NULL, true, "host[:port] of the site"},
    {"product_url", "COALESCE(p.url, r.product_ref)", NULL, true, "reviewed product's URL (or SKU)"},
    {"product_name", "p.name", NULL, true, "reviewed product's name"},
    {"site_review_id", "r.ext_id", NULL, true, "the site's own review id"},
    {"author_id", "COALESCE(r.author_url, r.author)",
     "rm_pseudonym(COALESCE(r.author_url, s.host || char(10) || r.author))", true,
     "pseudonymous author id (same as profile_id of the author's profile); the author's URL "
     "or name with --raw-identities"},
    {"author", "r.author", "NULL", true, "author's display name (--raw-identities only)"},
    {"author_url", "r.author_url", "NULL", true, "author's profile URL (--raw-identities only)"},
    {"rating", "r.rating", NULL, false, "rating, 0-5"},
    {"date", "r.date", NULL, false, "date written (ISO 8601)"},
    {"title", "r.title", NULL, true, "title"},
    {"body", "r.body", NULL, true, "text"},
    {"lang", "se.lang", NULL, false, "language: en, ru, other"},
    {"sentiment", "round(se.score, 4)", NULL, false, "sentiment score, -1..1"},
    {"label", "se.label", NULL, false, "pos, neu or neg"},
    {"aspects", "(SELECT group_concat(a.aspect || ':' || printf('%.2f', a.score), ';') "
                "FROM aspects a WHERE a.review_id = r.id)", NULL, true,
     "aspect:score pairs separated by ;"},
    {"first_seen", ISO("r.first_seen"), NULL, false, "first crawl that saw it (UTC)"},
    {"last_seen", ISO("r.last_seen"), NULL, false, "latest crawl that saw it (UTC)"},
    {"gone_at", ISO("r.gone_at"), NULL, false, "when it disappeared from the site, if it did"},
};

static const column profile_cols[] = {
    {"profile_id", "pr.url", "rm_pseudonym(pr.url)", true,
     "pseudonymous id (the profile URL with --raw-identities)"},
    {"platform", "pr.platform", NULL, true, "site name or host"},
    {"handle", "pr.handle", "NULL", true, "handle (--raw-identities only)"},
    {"name", "pr.name", "NULL", true, "display name (--raw-identities only)"},
    {"city", "pr.city", NULL, true, "city"},
    {"country", "pr.country", NULL, true, "country"},
    {"gender", "pr.gender", NULL, true, "gender as published"},
    {"birth_year", "pr.birth_year", NULL, false, "birth year when published"},
    {"bio", "pr.bio", "NULL", true, "bio text (--raw-identities only)"},
    {"interests", "(SELECT group_concat(value, ';') FROM json_each(pr.interests))", NULL, true,
     "interests separated by ;"},
    {"followers", "pr.followers", NULL, false, "followers"},
    {"following", "pr.following", NULL, false, "accounts followed"},
    {"joined", "pr.joined", NULL, false, "date joined"},
    {"reviews", "(SELECT count(*) FROM reviews r WHERE r.profile_id = pr.id)", NULL, false,
     "reviews by this profile"},
    {"mean_sentiment", "(SELECT round(avg(se.score), 4) FROM reviews r JOIN sentiment se "
                       "ON se.review_id = r.id WHERE r.profile_id = pr.id)", NULL, false,
     "mean sentiment of those reviews"},
    {"first_seen", ISO("pr.first_seen"), NULL, false, "first crawl that saw it (UTC)"},
    {"last_seen", ISO("pr.last_seen"), NULL, false, "latest crawl that saw it (UTC)"},
};

static const column aspect_cols[] = {
    {"review_id", "r.id", NULL, false, "review (review_id of the reviews export)"},
    {"site", "s.host", NULL, true, "host[:port] of the site"},
    {"product_url", "COALESCE(p.url, r.product_ref)", NULL, true, "reviewed product"},
    {"aspect", "a.aspect", NULL, false, "aspect id (configs/aspects.yaml)"},
    {"score", "round(a.score, 4)", NULL, false, "polarity of the clause, -1..1"},
    {"label", "a.label", NULL, false, "pos, neu or neg"},
    {"term", "a.term", NULL, true, "aspect word as written"},
    {"evidence", "CAST(substr(CAST(" SCORED_TEXT " AS BLOB), a.span_start + 1, "
                 "a.span_end - a.span_start) AS TEXT)", NULL, true,
     "the clause the polarity comes from"},
    {"date", "r.date", NULL, false, "review date"},
    {"lang", "se.lang", NULL, false, "review language"},
};

static const column keyword_cols[] = {
    {"scope", NULL, NULL, true, "product URL (--by product), host (--by site) or empty (--by all)"},
    {"side", NULL, NULL, false, "praised or complained"},
    {"rank", NULL, NULL, false, "1 = most reviews, per scope and side"},
    {"term", NULL, NULL, true, "lexicon lemma or phrase; negated terms read \"not good\""},
    {"reviews", NULL, NULL, false, "reviews using the term (support, at least --min-support)"},
    {"mean_valence", NULL, NULL, false, "mean valence in those reviews, about -4..4"},
};

static const column portrait_cols[] = {
    {"portrait_id", "po.key", "rm_pseudonym(po.key)", true,
     "pseudonymous id (the key profile's URL with --raw-identities); `revmine portrait` takes "
     "either"},
    {"profiles", "po.profiles", NULL, false, "linked profiles"},
    {"profile_ids", "(SELECT group_concat(p.url, ';') FROM portrait_members m JOIN profiles p "
                    "ON p.id = m.profile_id WHERE m.portrait_id = po.id)",
     "(SELECT group_concat(rm_pseudonym(p.url), ';') FROM portrait_members m JOIN profiles p "
     "ON p.id = m.profile_id WHERE m.portrait_id = po.id)", true,
     "member profile ids separated by ; (profile_id of the profiles export)"},
    {"name", "po.name", "NULL", true, "display name (--raw-identities only)"},
    {"city", "po.city", NULL, true, "city"},
    {"country", "po.country", NULL, true, "country"},
    {"gender", "po.gender", NULL, true, "gender as published"},
    {"birth_year", "po.birth_year", NULL, false, "birth year when published"},
    {"interests", "(SELECT group_concat(value, ';') FROM json_each(po.interests))", NULL, true,
     "interest ids (configs/interests.yaml) separated by ;"},
    {"reviews", "po.reviews", NULL, false, "reviews written"},
    {"first_review", "po.first_review", NULL, false, "date of the first review"},
    {"last_review", "po.last_review", NULL, false, "date of the latest review"},
    {"cadence_days", "round(po.cadence_days, 2)", NULL, false,
     "mean days between reviews (2 reviews or more)"},
    {"categories", "(SELECT group_concat(key || ':' || value, ';') FROM "
                   "json_each(po.categories))", NULL, true,
     "reviewed categories as category:reviews separated by ;"},
    {"price_level", "round(po.price_level, 4)", NULL, false,
     "geometric mean of reviewed products' prices over their site's median price"},
    {"mean_rating", "round(po.mean_rating, 4)", NULL, false, "mean rating given, 0-5"},
    {"mean_sentiment", "round(po.mean_sentiment, 4)", NULL, false, "mean review sentiment, -1..1"},
    {"attitude", "round(po.attitude, 4)", NULL, false,
     "mean attitude, -1..1 (rating and sentiment blended)"},
    {"stance", "po.stance", NULL, false, "promoter, passive or detractor"},
    {"aspects", "(SELECT group_concat(key || ':' || printf('%.2f', json_extract(value, "
                "'$.mean')), ';') FROM json_each(po.aspects))", NULL, true,
     "aspect:mean polarity pairs separated by ;"},
    {"segments", "(SELECT group_concat(value, ';') FROM json_each(po.segments))", NULL, true,
     "segments separated by ;"},
    {"tags", "(SELECT group_concat(tag, ';') FROM portrait_tags t WHERE t.portrait_id = po.id)",
     NULL, true, "every tag separated by ; (`revmine portrait` shows the evidence)"},
    {"followers", "po.followers", NULL, false, "most followers of any linked profile"},
    {"built_at", ISO("po.built_at"), NULL, false, "when the portrait was built (UTC)"},
};

typedef struct kind_def {
    const char *name;
    const column *cols;
    size_t n;
    const char *from;   /* FROM ... with the joins */
    const char *filter; /* WHERE clause over the bound filters ?1..?7 */
    const char *order;
} kind_def;

/* ?1 site ?2 since ?3 until ?4 product ?5 lang ?6 label ?7 aspect */
#define REVIEW_FILTER                                                                           \
    "(?1 IS NULL OR s.host = ?1) AND (?2 IS NULL OR r.date >= ?2) "                            \
    "AND (?3 IS NULL OR r.date <= ?3) AND (?4 IS NULL OR p.url = ?4 OR r.product_ref = ?4) "   \
    "AND (?5 IS NULL OR se.lang = ?5) AND (?6 IS NULL OR se.label = ?6) "

static const kind_def kinds[RM_EXPORT_N_KINDS] = {
    [RM_EXPORT_PRODUCTS] = {"products", product_cols, RM_ARRAY_LEN(product_cols),
                            "products p JOIN sites s ON s.id = p.site_id",
                            "(?1 IS NULL OR s.host = ?1) "
                            "AND (?2 IS NULL OR " ISO("p.last_seen") " >= ?2) "
                            "AND (?3 IS NULL OR " ISO("p.first_seen") " < date(?3, '+1 day')) "
                            "AND (?4 IS NULL OR p.url = ?4) "
                            "AND (?7 IS NULL OR EXISTS (SELECT 1 FROM reviews r JOIN aspects a "
                            "ON a.review_id = r.id WHERE r.product_id = p.id AND a.aspect = ?7))",
                            "p.id"},
    [RM_EXPORT_REVIEWS] = {"reviews", review_cols, RM_ARRAY_LEN(review_cols),
                           "reviews r JOIN sites s ON s.id = r.site_id "
                           "LEFT JOIN products p ON p.id = r.product_id "
                           "LEFT JOIN sentiment se ON se.review_id = r.id",
                           REVIEW_FILTER "AND (?7 IS NULL OR EXISTS (SELECT 1 FROM aspects a "
                                         "WHERE a.review_id = r.id AND a.aspect = ?7))",
                           "r.id"},
    [RM_EXPORT_PROFILES] = {"profiles", profile_cols, RM_ARRAY_LEN(profile_cols), "profiles pr",
                            "(?1 IS NULL OR pr.url LIKE '%://' || ?1 || '/%') "
                            "AND (?2 IS NULL OR " ISO("pr.last_seen") " >= ?2) "
                            "AND (?3 IS NULL OR " ISO("pr.first_seen") " < date(?3, '+1 day'))",
                            "pr.id"},
    [RM_EXPORT_ASPECTS] = {"aspects", aspect_cols, RM_ARRAY_LEN(aspect_cols),
                           "aspects a JOIN reviews r ON r.id = a.review_id "
                           "JOIN sites s ON s.id = r.site_id "
                           "LEFT JOIN products p ON p.id = r.product_id "
                           "LEFT JOIN sentiment se ON se.review_id = r.id",
                           REVIEW_FILTER "AND (?7 IS NULL OR a.aspect = ?7)", "r.id, a.span_start, a.aspect"},
    /* Aggregated by store/keywords.c: no FROM of its own. */
    [RM_EXPORT_KEYWORDS] = {"keywords", keyword_cols, RM_ARRAY_LEN(keyword_cols), NULL, NULL,
                            NULL},
    [RM_EXPORT_PORTRAITS] = {"portraits", portrait_cols, RM_ARRAY_LEN(portrait_cols),
                             "portraits po",
                             "(?1 IS NULL OR EXISTS (SELECT 1 FROM portrait_members m JOIN "
                             "profiles p ON p.id = m.profile_id WHERE m.portrait_id = po.id "
                             "AND p.url LIKE '%://' || ?1 || '/%')) "
                             "AND (?2 IS NULL OR po.last_review >= ?2) "
                             "AND (?3 IS NULL OR po.first_review <= ?3) "
                             "AND (?7 IS NULL OR json_extract(po.aspects, '$.' || ?7) "
                             "IS NOT NULL)",
                             "po.id"},
};

int rm_export_kind_parse(const char *s, rm_export_kind *out)
{
    for (int i = 0; i < RM_EXPORT_N_KINDS; i++)
        if (!strcmp(s, kinds[i].name)) {
            *out = (rm_export_kind)i;
            return 0;
        }
    return -1;
}

const char *rm_export_kind_str(rm_export_kind k)
{
    return (unsigned)k < RM_EXPORT_N_KINDS ? kinds[k].name : "?";
}

void rm_export_write_columns(FILE *out)
{
    for (int k = 0; k < RM_EXPORT_N_KINDS; k++) {
        fprintf(out, "\n`%s`:\n\n| column | meaning |\n| --- | --- |\n", kinds[k].name);
        for (size_t i = 0; i < kinds[k].n; i++)
            fprintf(out, "| `%s` | %s |\n", kinds[k].cols[i].name, kinds[k].cols[i].doc);
    }
}

/* ---- CSV ---------------------------------------------------------------------------------- */

/* Bytes that force RFC 4180 quoting. */
static const bool needs_quote[256] = {['"'] = true, [','] = true, ['\n'] = true, ['\r'] = true};

void rm_csv_field(FILE *out, const char *s, size_t len, bool text)
{
    bool quote = false, formula;
    size_t start = 0;

    /* OWASP CSV injection: a spreadsheet runs a cell starting with = + - @ (or tab/CR) as a
     * formula; a leading ' makes it text. Numbers are ours and never neutralised. */
    formula = text && len && strchr("=+-@\t\r", s[0]) != NULL;
    for (size_t i = 0; i < len && !quote; i++)
        quote = needs_quote[(unsigned char)s[i]];
    if (!quote && !formula) {
        fwrite(s, 1, len, out);
        return;
    }
    if (quote)
        fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            fwrite(s + start, 1, i + 1 - start, out);
            fputc('"', out);
            start = i + 1;
        }
    }
    fwrite(s + start, 1, len - start, out);
    if (quote)
        fputc('"', out);
}

static void csv_row(FILE *out, sqlite3_stmt *st, const kind_def *k)
{
    for (size_t i = 0; i < k->n; i++) {
        int ci = (int)i;
        if (i)
            fputc(',', out);
        if (sqlite3_column_type(st, ci) == SQLITE_NULL)
            continue;
        rm_csv_field(out, (const char *)sqlite3_column_text(st, ci),
                     (size_t)sqlite3_column_bytes(st, ci), k->cols[i].text);
    }
    fputs("\r\n", out);
}

/* ---- JSON Lines ---------------------------------------------------------------------------- */

/* Whether s is valid UTF-8, as JSON requires; ASCII, the common case, is checked bytewise. */
static bool valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

/* RFC 8259 §7: quote, backslash and control characters escaped; runs of plain bytes go out
 * in one write. */
static void json_str(FILE *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    putc_unlocked('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7] = {'\\', 0};
        size_t n = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fwrite_unlocked(s + start, 1, i - start, out);
        start = i + 1;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        fwrite_unlocked(esc, 1, n, out);
    }
    fwrite_unlocked(s + start, 1, len - start, out);
    putc_unlocked('"', out);
}

/* A real with up to 10 significant digits that still reads as a real ("2.0", not "2"). */
static void json_real_out(FILE *out, double v)
{
    char num[40];
    int n = snprintf(num, sizeof(num), "%.10g", v);
    fwrite_unlocked(num, 1, (size_t)n, out);
    if (!strpbrk(num, ".eE"))
        fwrite_unlocked(".0", 1, 2, out);
}

/* One object per row, written straight from the column values: no per-row allocation. NULLs,
 * non-finite reals and strings that are not UTF-8 are left out, as absent. */
static void jsonl_row(FILE *out, sqlite3_stmt *st, const kind_def *k)
{
    bool first = true;
    putc_unlocked('{', out);
    for (size_t i = 0; i < k->n; i++) {
        int ci = (int)i, type = sqlite3_column_type(st, ci);
        const char *text = NULL;
        size_t len = 0;
        if (type == SQLITE_NULL || (type == SQLITE_FLOAT && !isfinite(sqlite3_column_double(st, ci))))
            continue;
        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
            text = (const char *)sqlite3_column_text(st, ci);
            len = (size_t)sqlite3_column_bytes(st, ci);
            if (!text || !valid_utf8(text, len))
                continue;
        }
        fprintf(out, "%s\"%s\":", first ? "" : ",", k->cols[i].name);
        first = false;
        if (type == SQLITE_INTEGER)
            fprintf(out, "%lld", (long long)sqlite3_column_int64(st, ci));
        else if (type == SQLITE_FLOAT)
            json_real_out(out, sqlite3_column_double(st, ci));
        else
            json_str(out, text, len);
    }
    fputs("}\n", out);
}

static char *build_sql(const kind_def *k, bool raw)
{
    rm_buf sql;
    rm_buf_init(&sql, RM_BUF_NOLIMIT);
    rm_buf_adds(&sql, "SELECT ");
    for (size_t i = 0; i < k->n; i++)
        rm_buf_addf(&sql, "%s%s", i ? ", " : "",
                    !raw && k->cols[i].pseudo ? k->cols[i].pseudo : k->cols[i].expr);
    rm_buf_addf(&sql, " FROM %s WHERE %s ORDER BY %s", k->from, k->filter, k->order);
    return rm_buf_detach(&sql, NULL);
}

char *rm_export_sql(rm_export_kind kind, bool raw_identities)
{
    if ((unsigned)kind >= RM_EXPORT_N_KINDS || !kinds[kind].from)
        return NULL;
    return build_sql(&kinds[kind], raw_identities);
}

static rm_err prepare(rm_db *db, const rm_export_opts *o, sqlite3_stmt **st)
{
    const kind_def *k = &kinds[o->kind];
    const char *filters[] = {o->site, o->since, o->until, o->product, o->lang, o->label,
                             o->aspect};
    char *sql;
    int rc;

    if (o->kind == RM_EXPORT_KEYWORDS) {
        rm_keywords_opts ko = {o->keywords_by, o->min_support, o->top, o->site, o->since,
                               o->until, o->product, o->lang};
        return rm_keywords_prepare(rm_db_handle(db), &ko, st);
    }
    sql = build_sql(k, o->raw_identities);
    rc = sqlite3_prepare_v2(rm_db_handle(db), sql, -1, st, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        rm_log_error("export: %s", rm_db_errmsg(db));
        return RM_EDB;
    }
    for (int i = 0; i < 7; i++)
        rm_db_bind_text(*st, i + 1, filters[i]);
    return RM_OK;
}

static rm_err run_export(rm_db *db, const rm_export_opts *o, FILE *out, int64_t *rows)
{
    const kind_def *k = &kinds[o->kind];
    sqlite3_stmt *st;
    int rc;
    rm_err err;

    if ((err = prepare(db, o, &st)))
        return err;
    if (o->format == RM_FORMAT_CSV) {
        if (o->bom)
            fputs("\xEF\xBB\xBF", out);
        for (size_t i = 0; i < k->n; i++)
            fprintf(out, "%s%s", i ? "," : "", k->cols[i].name);
        fputs("\r\n", out);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (o->format == RM_FORMAT_CSV)
            csv_row(out, st, k);
        else
            jsonl_row(out, st, k);
        (*rows)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rm_log_error("export: %s", rm_db_errmsg(db));
        return RM_EDB;
    }
    return RM_OK;
}

rm_err rm_export(const char *db_path, const rm_export_opts *opts, FILE *out, int64_t *rows,
                 rm_diag *diag)
{
    rm_db *db;
    int64_t n = 0;
    rm_err err;

    if ((unsigned)opts->kind >= RM_EXPORT_N_KINDS)
        return RM_EINVAL;
    if ((err = rm_db_open(db_path, RM_DB_READONLY, diag, &db)))
        return err;
    err = rm_privacy_register(rm_db_handle(db));
    if (!err)
        err = run_export(db, opts, out, &n);
    rm_db_close(db);
    if (!err && (fflush(out) != 0 || ferror(out))) {
        rm_diag_add(diag, NULL, 0, NULL, "writing the export failed");
        err = RM_EIO;
    }
    if (rows)
        *rows = n;
    return err;
}
