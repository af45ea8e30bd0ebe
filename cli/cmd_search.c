/* revmine search: full-text search over stored reviews. */
#include "core/rm.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/search.h"

#include <jansson.h>
#include <math.h>
#include <unistd.h>

static const char usage[] =
    "usage: revmine search QUERY [--db FILE] [--limit N] [--json]\n"
    "\n"
    "Prints the reviews matching QUERY, best first: product, rating, sentiment and a snippet\n"
    "with the matched words highlighted (bold on a terminal, [brackets] otherwise).\n"
    "QUERY is FTS5 syntax: words (all must match), \"a phrase\", OR, NOT, prefix*, NEAR(a b).\n"
    "\n"
    "  --db FILE   database (default revmine.db)\n"
    "  --limit N   at most N reviews (default 20)\n"
    "  --json      one JSON object per review; snippets use [brackets]\n"
    "\n"
    "Exit status 2 when QUERY is not valid FTS5 syntax.\n";

typedef struct printer {
    FILE *out;
    bool json;
    const char *open, *close; /* highlight markers */
    int n;
    rm_buf tmp;
} printer;

/* Writes a snippet on one line: markers become open/close, other control bytes (newlines,
 * escape sequences someone put in a review) become spaces so nothing reaches the terminal. */
static void clean_snippet(const char *s, const printer *p, rm_buf *out)
{
    rm_buf_reset(out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == RM_SEARCH_OPEN)
            rm_buf_adds(out, p->open);
        else if (c == RM_SEARCH_CLOSE)
            rm_buf_adds(out, p->close);
        else
            rm_buf_addc(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
}

static void set_str(json_t *o, const char *key, const char *v)
{
    json_t *s = v ? json_string(v) : NULL; /* NULL also for invalid UTF-8: left out */
    if (s)
        json_object_set_new(o, key, s);
}

static void set_real(json_t *o, const char *key, double v)
{
    if (!isnan(v))
        json_object_set_new(o, key, json_real(round(v * 10000.0) / 10000.0));
}

static void print_json(printer *p, const rm_search_hit *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "review_id", json_integer(h->review_id));
    set_str(o, "site", h->site);
    set_str(o, "product", h->product_name);
    set_str(o, "product_url", h->product_url);
    set_real(o, "rating", h->rating);
    set_str(o, "date", h->date);
    set_real(o, "sentiment", h->sentiment);
    set_str(o, "label", h->label);
    set_str(o, "snippet", p->tmp.ptr);
    json_dumpf(o, p->out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    fputc('\n', p->out);
    json_decref(o);
}

static void print_text(printer *p, const rm_search_hit *h)
{
    rm_buf name;
    rm_buf_init(&name, 4096);
    clean_snippet(h->product_name ? h->product_name : h->product_url, p, &name);
    fprintf(p->out, "%d. %s", p->n, name.ptr[0] ? name.ptr : "(no product)");
    if (h->site)
        fprintf(p->out, " (%s)", h->site);
    if (!isnan(h->rating))
        fprintf(p->out, "  rating %.1f/5", h->rating);
    if (h->label)
        fprintf(p->out, "  %s %+.2f", h->label, h->sentiment);
    if (h->date)
        fprintf(p->out, "  %s", h->date);
    fprintf(p->out, "  #%lld\n    %s\n", (long long)h->review_id, p->tmp.ptr);
    rm_buf_release(&name);
}

static int on_hit(const rm_search_hit *h, void *ud)
{
    printer *p = ud;
    p->n++;
    clean_snippet(h->snippet, p, &p->tmp);
    if (p->json)
        print_json(p, h);
    else
        print_text(p, h);
    return 0;
}

static int parse_args(int argc, char **argv, const char **db, const char **query, long *limit,
                      bool *json)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = rm_cli_getopt(&rm_cmd_search, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': *db = optarg; break;
        case 'n':
            if (rm_cli_parse_count(optarg, limit) || *limit < 1 || *limit > 100000)
                return rm_cli_usage_error(&rm_cmd_search, "--limit is 1..100000");
            break;
        case 'j': *json = true; break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_search, optind >= argc ? "missing QUERY"
                                                                : "too many arguments");
    *query = argv[optind];
    return RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    const char *db_path = "revmine.db", *query = NULL;
    long limit = 20;
    bool json = false, tty;
    printer p;
    rm_diag d;
    rm_db *db = NULL;
    rm_err err;
    int rc;

    if ((rc = parse_args(argc, argv, &db_path, &query, &limit, &json)) != RM_EXIT_OK)
        return rc;
    tty = !json && isatty(fileno(stdout));
    p = (printer){stdout, json, tty ? "\x1b[1m" : "[", tty ? "\x1b[0m" : "]", 0, {0}};
    rm_buf_init(&p.tmp, RM_BUF_NOLIMIT);
    rm_diag_init(&d);
    err = rm_db_open(db_path, RM_DB_READONLY, &d, &db);
    if (!err)
        err = rm_search(rm_db_handle(db), query, (int)limit, on_hit, &p, &d);
    rm_db_close(db);
    fflush(stdout);
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    rm_buf_release(&p.tmp);
    if (err == RM_EPARSE) {
        fputs("revmine search: see `revmine search --help` for the query syntax\n", stderr);
        return RM_EXIT_USAGE;
    }
    if (err)
        return RM_EXIT_FAIL;
    if (!json && !p.n)
        fprintf(stderr, "revmine search: no review matches\n");
    return RM_EXIT_OK;
}

const rm_cmd rm_cmd_search = {"search", "full-text search over review text", usage, run};
