#include "core/rm.h"
#include "store/db.h"
#include "store/keywords.h"
#include "store/report.h"
#include "store/report_int.h"

#include <math.h>

typedef struct ctx {
    sqlite3 *h;
    FILE *out;
    int top_products, top_terms;
} ctx;

/* Query results for one chart: a text label and `cols` numbers per row (NULL reads NAN). */
typedef struct grid {
    size_t n, cap, cols;
    char **labels;
    double *v; /* n * cols */
} grid;

static void grid_free(grid *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->labels[i]);
    free(g->labels);
    free(g->v);
    memset(g, 0, sizeof(*g));
}

static double at(const grid *g, size_t row, size_t col)
{
    return g->v[row * g->cols + col];
}

/* Steps st to the end into g (labels from column 0, numbers from 1..cols), then finalizes it.
 * Every query here has a LIMIT, which bounds g. */
static rm_err grid_fill(ctx *c, sqlite3_stmt *st, size_t cols, grid *g)
{
    size_t vcap = 0;
    int rc;

    memset(g, 0, sizeof(*g));
    g->cols = cols;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *l = (const char *)sqlite3_column_text(st, 0);
        RM_GROW(g->labels, g->cap, g->n + 1);
        RM_GROW(g->v, vcap, (g->n + 1) * cols);
        g->labels[g->n] = rm_xstrdup(l ? l : "");
        for (size_t k = 0; k < cols; k++)
            g->v[g->n * cols + k] = sqlite3_column_type(st, (int)k + 1) == SQLITE_NULL
                                        ? NAN
                                        : sqlite3_column_double(st, (int)k + 1);
        g->n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rm_log_error("report: %s", sqlite3_errmsg(c->h));
        grid_free(g);
        return RM_EDB;
    }
    return RM_OK;
}

/* Prepares sql, binds the integers (a, b) to ?1 and ?2 when it has them, and fills g. */
static rm_err query(ctx *c, const char *sql, int64_t a, int64_t b, size_t cols, grid *g)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->h, sql, -1, &st, NULL) != SQLITE_OK) {
        rm_log_error("report: %s", sqlite3_errmsg(c->h));
        sqlite3_finalize(st);
        return RM_EDB;
    }
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    return grid_fill(c, st, cols, g);
}

/* Opens a card; id and title are ours (literals), note too. A wide card spans the grid. */
static void section(ctx *c, const char *id, const char *title, const char *note)
{
    fprintf(c->out, "<section class=\"card%s\" id=\"%s\"><h2>%s</h2>",
            !strcmp(id, "aspects") || !strcmp(id, "health") ? " wide" : "", id, title);
    if (note)
        fprintf(c->out, "<p class=\"note\">%s</p>", note);
}

static void section_end(ctx *c)
{
    fputs("</section>\n", c->out);
}

static void empty(ctx *c, const char *what)
{
    fprintf(c->out, "<p class=\"empty\">%s</p>", what);
}

/* ---- sections ----------------------------------------------------------------------------- */

static rm_err summary(ctx *c)
{
    static const char sql[] =
        "SELECT '', (SELECT count(*) FROM sites), (SELECT count(*) FROM products),"
        " (SELECT count(*) FROM reviews), (SELECT count(*) FROM profiles),"
        " (SELECT count(*) FROM sentiment), (SELECT avg(score) FROM sentiment)";
    static const char *const names[] = {"sites", "products", "reviews", "profiles", "scored"};
    grid g;
    rm_err err = query(c, sql, 0, 0, 6, &g);
    if (err)
        return err;
    fputs("<section class=\"summary\">", c->out);
    for (size_t k = 0; k < RM_ARRAY_LEN(names); k++)
        fprintf(c->out, "<div class=\"stat\"><b>%.0f</b><span>%s</span></div>", at(&g, 0, k),
                names[k]);
    if (isnan(at(&g, 0, 5)))
        fputs("<div class=\"stat\"><b>–</b><span>mean sentiment</span></div>", c->out);
    else
        fprintf(c->out, "<div class=\"stat\"><b>%+.2f</b><span>mean sentiment</span></div>",
                at(&g, 0, 5));
    fputs("</section>\n", c->out);
    grid_free(&g);
    return RM_OK;
}

static rm_err distribution(ctx *c)
{
    /* 20 bins of 0.1 over -1..1; a score of exactly 1 joins the top bin. The epsilon keeps
     * scores on a bin edge (-0.8 is 1.999... bins up in binary) in the bin they name. */
    static const char sql[] =
        "SELECT printf('%+.1f', -1 + 0.1 * b), n FROM (SELECT max(0, min(19, CAST((score + 1)"
        " * 10 + 1e-9 AS INTEGER))) AS b, count(*) AS n FROM sentiment GROUP BY b) ORDER BY b"
        " LIMIT 20";
    static const char labels_sql[] =
        "SELECT label, count(*) FROM sentiment GROUP BY label ORDER BY label DESC LIMIT 3";
    double values[20] = {0};
    const char *labels[20], *colors[20];
    char names[20][8];
    grid g, lg;
    rm_err err;

    section(c, "distribution", "Sentiment distribution",
            "Reviews per sentiment score (-1 most negative, +1 most positive).");
    if ((err = query(c, sql, 0, 0, 1, &g)))
        return err;
    if ((err = query(c, labels_sql, 0, 0, 1, &lg))) {
        grid_free(&g);
        return err;
    }
    for (int b = 0; b < 20; b++) {
        snprintf(names[b], sizeof(names[b]), "%+.1f", -1 + 0.1 * b);
        labels[b] = names[b];
        colors[b] = b < 9 ? RM_REPORT_NEG : b > 10 ? RM_REPORT_POS : RM_REPORT_NEU;
    }
    for (size_t i = 0; i < g.n; i++)
        for (int b = 0; b < 20; b++)
            if (!strcmp(g.labels[i], names[b]))
                values[b] = at(&g, i, 0);
    if (!g.n) {
        empty(c, "No scored reviews yet.");
    } else {
        rm_report_bars bars = {20, labels, values, NULL, colors, "%.0f", 0};
        rm_report_columns(c->out, &bars, "Histogram of review sentiment scores");
        fputs("<p class=\"legend\">", c->out);
        for (size_t i = 0; i < lg.n; i++) {
            fputs("<span class=\"key ", c->out);
            rm_report_esc(c->out, lg.labels[i]);
            fputs("\"></span>", c->out);
            rm_report_esc(c->out, lg.labels[i]);
            fprintf(c->out, " %.0f &nbsp; ", at(&lg, i, 0));
        }
        fputs("</p>", c->out);
    }
    section_end(c);
    grid_free(&g);
    grid_free(&lg);
    return RM_OK;
}

static rm_err over_time(ctx *c)
{
    /* The latest 36 months that have dated, scored reviews. */
    static const char sql[] =
        "SELECT m, n, s FROM (SELECT substr(r.date, 1, 7) AS m, count(*) AS n, avg(se.score)"
        " AS s FROM reviews r JOIN sentiment se ON se.review_id = r.id"
        " WHERE r.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY m ORDER BY m DESC"
        " LIMIT 36) ORDER BY m";
    grid g;
    rm_err err;

    section(c, "over-time", "Sentiment over time",
            "Reviews per month (bars, right scale) and their mean sentiment (line, left scale).");
    if ((err = query(c, sql, 0, 0, 2, &g)))
        return err;
    if (!g.n) {
        empty(c, "No dated reviews yet.");
    } else {
        double *counts = rm_xcalloc(g.n, sizeof(double)), *means = rm_xcalloc(g.n, sizeof(double));
        for (size_t i = 0; i < g.n; i++) {
            counts[i] = at(&g, i, 0);
            means[i] = at(&g, i, 1);
        }
        rm_report_timeline(c->out, g.n, (const char *const *)g.labels, counts, means,
                           "Monthly review counts and mean sentiment");
        free(counts);
        free(means);
    }
    section_end(c);
    grid_free(&g);
    return RM_OK;
}

static rm_err rating_vs_sentiment(ctx *c)
{
    static const char sql[] =
        "SELECT printf('%d ★', CAST(round(r.rating) AS INTEGER)) AS star,"
        " sum(se.label = 'pos'), sum(se.label = 'neu'), sum(se.label = 'neg'), avg(se.score)"
        " FROM reviews r JOIN sentiment se ON se.review_id = r.id WHERE r.rating IS NOT NULL"
        " GROUP BY CAST(round(r.rating) AS INTEGER) ORDER BY CAST(round(r.rating) AS INTEGER)"
        " DESC LIMIT 11";
    /* Pearson's r from the sums, in one pass. */
    static const char corr_sql[] =
        "SELECT '', (count(*) * sum(x * y) - sum(x) * sum(y)) / sqrt((count(*) * sum(x * x) -"
        " sum(x) * sum(x)) * (count(*) * sum(y * y) - sum(y) * sum(y))), count(*) FROM"
        " (SELECT r.rating AS x, se.score AS y FROM reviews r JOIN sentiment se"
        " ON se.review_id = r.id WHERE r.rating IS NOT NULL)";
    grid g, cg;
    rm_err err;

    section(c, "rating", "Rating vs sentiment",
            "Share of positive, neutral and negative text per star rating.");
    if ((err = query(c, sql, 0, 0, 4, &g)))
        return err;
    if ((err = query(c, corr_sql, 0, 0, 2, &cg))) {
        grid_free(&g);
        return err;
    }
    if (!g.n) {
        empty(c, "No rated, scored reviews yet.");
    } else {
        double *p = rm_xcalloc(g.n, sizeof(double)), *u = rm_xcalloc(g.n, sizeof(double));
        double *m = rm_xcalloc(g.n, sizeof(double));
        for (size_t i = 0; i < g.n; i++) {
            p[i] = at(&g, i, 0);
            u[i] = at(&g, i, 1);
            m[i] = at(&g, i, 2);
        }
        rm_report_stacked(c->out, g.n, (const char *const *)g.labels, p, u, m,
                          "Sentiment label shares per star rating");
        if (!isnan(at(&cg, 0, 0)))
            fprintf(c->out, "<p class=\"legend\">Pearson r between rating and sentiment: "
                            "<b>%.2f</b> over %.0f reviews.</p>", at(&cg, 0, 0), at(&cg, 0, 1));
        free(p);
        free(u);
        free(m);
    }
    section_end(c);
    grid_free(&g);
    grid_free(&cg);
    return RM_OK;
}

/* The products with most aspect mentions against the most mentioned aspects. */
static rm_err aspects_grid(ctx *c, grid *cols, grid *cells)
{
    static const char cols_sql[] =
        "SELECT aspect, count(*) FROM aspects GROUP BY aspect ORDER BY count(*) DESC, aspect"
        " LIMIT ?1";
    static const char cells_sql[] =
        "WITH top AS (SELECT r.product_id AS pid, count(*) AS n FROM aspects a JOIN reviews r"
        " ON r.id = a.review_id WHERE r.product_id IS NOT NULL GROUP BY r.product_id"
        " ORDER BY n DESC, r.product_id LIMIT ?1),"
        " asp AS (SELECT aspect FROM aspects GROUP BY aspect ORDER BY count(*) DESC, aspect"
        " LIMIT ?2)"
        " SELECT COALESCE(p.name, p.url) || char(1) || a.aspect, avg(a.score), count(*), t.pid"
        " FROM top t JOIN products p ON p.id = t.pid JOIN reviews r ON r.product_id = t.pid"
        " JOIN aspects a ON a.review_id = r.id WHERE a.aspect IN (SELECT aspect FROM asp)"
        " GROUP BY t.pid, a.aspect ORDER BY t.n DESC, t.pid LIMIT ?1 * ?2";
    rm_err err = query(c, cols_sql, 8, 0, 1, cols);
    if (err)
        return err;
    if ((err = query(c, cells_sql, c->top_products, 8, 3, cells)))
        grid_free(cols);
    return err;
}

static rm_err aspect_polarity(ctx *c)
{
    grid cols, cells;
    size_t rows = 0;
    double *means;
    long *counts;
    char **row_labels;
    const char **col_labels;
    rm_err err;

    section(c, "aspects", "Aspect polarity per product",
            "Mean polarity of the clauses that mention each aspect, for the products with the "
            "most aspect mentions (green positive, red negative).");
    if ((err = aspects_grid(c, &cols, &cells)))
        return err;
    means = rm_xmalloc((cells.n + 1) * cols.n * sizeof(double) + 1);
    counts = rm_xcalloc((cells.n + 1) * cols.n + 1, sizeof(long));
    row_labels = rm_xcalloc(cells.n + 1, sizeof(char *));
    col_labels = rm_xcalloc(cols.n + 1, sizeof(char *));
    for (size_t k = 0; k < cols.n; k++)
        col_labels[k] = cols.labels[k];
    for (size_t i = 0; i < (cells.n + 1) * cols.n; i++)
        means[i] = NAN;
    for (size_t i = 0; i < cells.n; i++) {
        char *sep = strchr(cells.labels[i], '\x01');
        if (!sep)
            continue;
        *sep = '\0';
        /* rows arrive grouped by product: a new product id starts a new row */
        if (!rows || at(&cells, i, 2) != at(&cells, i - 1, 2))
            row_labels[rows++] = cells.labels[i];
        for (size_t k = 0; k < cols.n; k++)
            if (!strcmp(sep + 1, cols.labels[k])) {
                means[(rows - 1) * cols.n + k] = at(&cells, i, 0);
                counts[(rows - 1) * cols.n + k] = (long)at(&cells, i, 1);
            }
    }
    if (!rows)
        empty(c, "No aspect mentions yet.");
    else
        rm_report_heatmap(c->out, rows, cols.n, (const char *const *)row_labels, col_labels,
                          means, counts, "Aspect polarity per product");
    section_end(c);
    free(means);
    free(counts);
    free(row_labels);
    free(col_labels);
    grid_free(&cols);
    grid_free(&cells);
    return RM_OK;
}

/* One side of the keyword list: terms and their review counts. */
typedef struct side_terms {
    size_t n, cap;
    char **terms;
    double *reviews;
} side_terms;

static void side_add(side_terms *t, const char *term, double reviews)
{
    size_t cap = t->cap;
    RM_GROW(t->terms, t->cap, t->n + 1);
    RM_GROW(t->reviews, cap, t->n + 1);
    t->terms[t->n] = rm_xstrdup(term ? term : "");
    t->reviews[t->n++] = reviews;
}

static void side_free(side_terms *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->terms[i]);
    free(t->terms);
    free(t->reviews);
}

static void term_bars(ctx *c, const side_terms *t, const char *colour, const char *title)
{
    const char **colors = rm_xcalloc(t->n + 1, sizeof(char *));
    for (size_t i = 0; i < t->n; i++)
        colors[i] = colour;
    fprintf(c->out, "<div><h3>%s</h3>", title);
    if (t->n) {
        rm_report_bars bars = {t->n, (const char *const *)t->terms, t->reviews, NULL, colors,
                               "%.0f", 300};
        rm_report_hbars(c->out, &bars, title);
    } else {
        empty(c, "None with enough support yet.");
    }
    fputs("</div>", c->out);
    free(colors);
}

static rm_err terms(ctx *c)
{
    rm_keywords_opts ko = {.by = RM_KEYWORDS_BY_ALL, .top = c->top_terms};
    side_terms praised = {0}, complained = {0};
    sqlite3_stmt *st;
    rm_err err;
    int rc;

    section(c, "terms", "Top praised and complained-about terms",
            "Sentiment words and phrases (lemmas) by the number of reviews using them; a term "
            "counts when at least two reviews use it.");
    if ((err = rm_keywords_prepare(c->h, &ko, &st)))
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *side = (const char *)sqlite3_column_text(st, RM_KW_COL_SIDE);
        side_add(side && *side == 'p' ? &praised : &complained,
                 (const char *)sqlite3_column_text(st, RM_KW_COL_TERM),
                 sqlite3_column_double(st, RM_KW_COL_REVIEWS));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rm_log_error("report: %s", sqlite3_errmsg(c->h));
        err = RM_EDB;
    } else {
        fputs("<div class=\"pair\">", c->out);
        term_bars(c, &praised, RM_REPORT_POS, "Praised");
        term_bars(c, &complained, RM_REPORT_NEG, "Complained about");
        fputs("</div>", c->out);
        section_end(c);
    }
    side_free(&praised);
    side_free(&complained);
    return err;
}

/* ---- portraits (store/portrait.h) -------------------------------------------------------- */

static rm_err portraits(ctx *c)
{
    grid n, g;
    rm_err err;
    double total;

    section(c, "portraits", "Portrait segments",
            "People per segment (a portrait can be in several); stance from ratings and "
            "sentiment.");
    if ((err = query(c, "SELECT '', count(*), sum(stance = 'promoter'), sum(stance = 'passive'), "
                        "sum(stance = 'detractor') FROM portraits", 0, 0, 4, &n)))
        return err;
    total = n.n ? at(&n, 0, 0) : 0.0;
    if (total <= 0) {
        grid_free(&n);
        empty(c, "No portraits yet.");
        section_end(c);
        return RM_OK;
    }
    fprintf(c->out, "<p class=\"note\">%.0f portraits: %.0f promoters, %.0f passives, %.0f "
                    "detractors.</p>", total, at(&n, 0, 1), at(&n, 0, 2), at(&n, 0, 3));
    grid_free(&n);
    if ((err = query(c, "SELECT j.value, count(*) FROM portraits po, json_each(CASE WHEN "
                        "json_valid(po.segments) THEN po.segments ELSE '[]' END) j "
                        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 16", 0, 0, 1, &g)))
        return err;
    if (g.n) {
        double *values = rm_xcalloc(g.n, sizeof(double));
        rm_report_bars bars = {g.n, (const char *const *)g.labels, values, NULL, NULL, "%.0f", 0};
        for (size_t i = 0; i < g.n; i++)
            values[i] = at(&g, i, 0);
        rm_report_hbars(c->out, &bars, "People per portrait segment");
        free(values);
    } else {
        empty(c, "No portrait segments yet.");
    }
    grid_free(&g);
    section_end(c);
    return RM_OK;
}

/* ---- crawl health ------------------------------------------------------------------------- */

static rm_err frontier_states(ctx *c)
{
    static const char sql[] =
        "SELECT CASE state WHEN 0 THEN 'queued' WHEN 1 THEN 'fetched' WHEN 2 THEN 'failed'"
        " WHEN 3 THEN 'robots-denied' WHEN 4 THEN 'skipped' ELSE 'other' END, count(*)"
        " FROM frontier GROUP BY state ORDER BY state LIMIT 8";
    grid g;
    rm_err err = query(c, sql, 0, 0, 1, &g);
    if (err)
        return err;
    fputs("<div class=\"stats\">", c->out);
    for (size_t i = 0; i < g.n; i++) {
        fprintf(c->out, "<div class=\"stat\"><b>%.0f</b><span>", at(&g, i, 0));
        rm_report_esc(c->out, g.labels[i]);
        fputs("</span></div>", c->out);
    }
    if (!g.n)
        empty(c, "No pages crawled yet.");
    fputs("</div>", c->out);
    grid_free(&g);
    return RM_OK;
}

static rm_err runs_chart(ctx *c)
{
    static const char sql[] =
        "SELECT '#' || id, pages, errors FROM (SELECT id, pages, errors FROM runs"
        " ORDER BY id DESC LIMIT 20) ORDER BY id";
    grid g;
    rm_err err = query(c, sql, 0, 0, 2, &g);
    if (err)
        return err;
    if (g.n) {
        double *pages = rm_xcalloc(g.n, sizeof(double)), *errors = rm_xcalloc(g.n, sizeof(double));
        rm_report_bars bars = {g.n, (const char *const *)g.labels, pages, errors, NULL, "%.0f", 1100};
        for (size_t i = 0; i < g.n; i++) {
            pages[i] = at(&g, i, 0);
            errors[i] = at(&g, i, 1);
        }
        fputs("<h3>Pages per run (errors in red)</h3>", c->out);
        rm_report_columns(c->out, &bars, "Pages and errors of the latest runs");
        free(pages);
        free(errors);
    }
    grid_free(&g);
    return RM_OK;
}

/* Writes the rows of st as table cells (column 0 left-aligned text), then finalizes st. */
static rm_err table_rows(ctx *c, sqlite3_stmt *st, const char *const *heads, int cols)
{
    int rc, rows = 0;
    fputs("<table><tr>", c->out);
    for (int k = 0; k < cols; k++)
        fprintf(c->out, "<th>%s</th>", heads[k]);
    fputs("</tr>", c->out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs("<tr>", c->out);
        for (int k = 0; k < cols; k++) {
            fputs("<td>", c->out);
            rm_report_esc_cut(c->out, (const char *)sqlite3_column_text(st, k), 120);
            fputs("</td>", c->out);
        }
        fputs("</tr>", c->out);
        rows++;
    }
    fputs("</table>", c->out);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rm_log_error("report: %s", sqlite3_errmsg(c->h));
        return RM_EDB;
    }
    if (!rows)
        empty(c, "None.");
    return RM_OK;
}

static rm_err table(ctx *c, const char *sql, const char *const *heads, int cols)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->h, sql, -1, &st, NULL) != SQLITE_OK) {
        rm_log_error("report: %s", sqlite3_errmsg(c->h));
        sqlite3_finalize(st);
        return RM_EDB;
    }
    return table_rows(c, st, heads, cols);
}

static rm_err crawl_health(ctx *c)
{
    static const char runs_sql[] =
        "SELECT j.name, strftime('%Y-%m-%d %H:%M', r.started_at, 'unixepoch'), r.outcome,"
        " printf('%.1f s', r.duration_ms / 1000.0), r.pages, r.not_modified, r.errors,"
        " r.status_4xx, r.status_5xx, r.retries, r.robots_denied, r.new_reviews"
        " FROM runs r JOIN jobs j ON j.id = r.job_id ORDER BY r.id DESC LIMIT 10";
    static const char *const run_heads[] = {"job", "started (UTC)", "outcome", "took", "pages",
                                            "304", "errors", "4xx", "5xx", "retries",
                                            "robots", "new reviews"};
    static const char errors_sql[] =
        "SELECT last_error, count(*) FROM frontier WHERE state = 2 AND last_error IS NOT NULL"
        " GROUP BY last_error ORDER BY count(*) DESC, last_error LIMIT 8";
    static const char *const error_heads[] = {"failure", "pages"};
    rm_err err;

    section(c, "health", "Crawl health", "Frontier pages by state, the latest runs and the "
                                         "most common failures.");
    if ((err = frontier_states(c)) || (err = runs_chart(c)))
        return err;
    fputs("<h3>Latest runs</h3>", c->out);
    if ((err = table(c, runs_sql, run_heads, (int)RM_ARRAY_LEN(run_heads))))
        return err;
    fputs("<h3>Failures</h3>", c->out);
    if ((err = table(c, errors_sql, error_heads, (int)RM_ARRAY_LEN(error_heads))))
        return err;
    section_end(c);
    return RM_OK;
}

/* ---- page --------------------------------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "margin:0;background:#f4f6f8;color:#1d2329}"
    "header{padding:14px 24px;background:#1d2329;color:#fff}"
    "header h1{margin:0;font-size:20px}header p{margin:2px 0 0;color:#c9d1d9;font-size:12px}"
    "main{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px;"
    "padding:16px 24px;max-width:1600px;margin:0 auto}"
    ".card{background:#fff;border-radius:8px;padding:10px 16px 14px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.1);min-width:0}"
    ".card h2{font-size:16px;margin:4px 0}.card h3{font-size:13px;margin:10px 0 4px}"
    ".wide{grid-column:1/-1}"
    ".summary,.stats{display:flex;flex-wrap:wrap;gap:12px}.summary{grid-column:1/-1}"
    ".stat{background:#fff;border-radius:8px;padding:8px 16px;min-width:110px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.1)}"
    ".stat b{display:block;font-size:22px}.stat span{color:#5b6570;font-size:12px}"
    ".stats .stat{box-shadow:none;background:#f4f6f8}"
    "p.note,p.legend{color:#5b6570;font-size:12px;margin:2px 0 8px}"
    "p.empty{color:#7a838c;font-style:italic}"
    "svg.chart{display:block;width:100%;height:auto}"
    "svg text{font-size:11px;fill:#38414a}svg text.in{fill:#fff;font-weight:600}"
    ".axis{stroke:#8a939c}.grid{stroke:#e3e6ea}.count{fill:" RM_REPORT_ACCENT ";opacity:.3}"
    ".mean{fill:none;stroke:#1d2329;stroke-width:2}rect.empty{fill:#f1f3f5}"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:12px}"
    ".key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}"
    ".key.pos{background:" RM_REPORT_POS "}.key.neu{background:" RM_REPORT_NEU "}"
    ".key.neg{background:" RM_REPORT_NEG "}"
    "table{border-collapse:collapse;width:100%;font-size:12px}"
    "th,td{padding:3px 6px;border-bottom:1px solid #eceff2;text-align:right}"
    "th:first-child,td:first-child{text-align:left}th{color:#5b6570;font-weight:600}";

/* Marks the document once the page's own script ran: automated checks (tests/it_report.c)
 * read the marker from the DOM, so a script error shows up as a missing marker. */
static const char script[] =
    "<script>document.documentElement.setAttribute('data-charts',"
    "String(document.querySelectorAll('svg.chart').length));</script>\n";

static void page_head(ctx *c, const char *db_path, int64_t now)
{
    const char *base = strrchr(db_path, '/');
    struct tm tm;
    char when[32];
    time_t t = (time_t)now;

    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>revmine report</title><style>", c->out);
    fputs(css, c->out);
    fputs("</style></head>\n<body><header><h1>revmine report</h1><p>", c->out);
    rm_report_esc(c->out, base ? base + 1 : db_path);
    fprintf(c->out, " · generated %s</p></header>\n<main>\n", when);
}

static rm_err write_all(ctx *c, const char *db_path, int64_t now)
{
    rm_err err;
    page_head(c, db_path, now);
    if ((err = summary(c)) || (err = distribution(c)) || (err = over_time(c)) ||
        (err = rating_vs_sentiment(c)) || (err = terms(c)))
        return err;
    if ((err = aspect_polarity(c)) || (err = portraits(c)) || (err = crawl_health(c)))
        return err;
    fputs("</main>\n", c->out);
    fputs(script, c->out);
    fputs("</body></html>\n", c->out);
    return RM_OK;
}

rm_err rm_report_write(const char *db_path, const rm_report_opts *opts, FILE *out, rm_diag *diag)
{
    ctx c = {NULL, out, opts->top_products > 0 ? opts->top_products : 12,
             opts->top_terms > 0 ? opts->top_terms : 12};
    rm_db *db;
    rm_err err;

    if ((err = rm_db_open(db_path, RM_DB_READONLY, diag, &db)))
        return err;
    c.h = rm_db_handle(db);
    err = write_all(&c, db_path, opts->now ? opts->now : (int64_t)time(NULL));
    rm_db_close(db);
    if (err)
        rm_diag_add(diag, NULL, 0, NULL, "report: reading the database failed");
    else if (fflush(out) != 0 || ferror(out)) {
        rm_diag_add(diag, NULL, 0, NULL, "writing the report failed");
        err = RM_EIO;
    }
    return err;
}
