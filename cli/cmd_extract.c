/* revmine extract: the records of one saved page, as a crawl would store them. */
#include "core/rm.h"
#include "cli/cli.h"

#include <errno.h>

#include "core/arena.h"
#include "core/clock.h"
#include "extractors/extract.h"

#define MAX_RULE_FILES 32

static const char usage[] =
    "usage: revmine extract [--rules FILE]... [--url URL] [--content-type TYPE] [--now DATE]\n"
    "                       FILE|-\n"
    "\n"
    "Prints the records of one saved page (FILE, or - for stdin) as JSON Lines, one object\n"
    "per record with \"type\" first: product, review, profile, link. Without rules it reads\n"
    "the structured data the page publishes: JSON-LD, microdata, microformats2 (h-card,\n"
    "h-review, h-product), OpenGraph, and JSON documents (Mastodon accounts, ActivityPub\n"
    "actors). With --rules it runs site rule files exactly as a crawl would.\n"
    "\n"
    "options:\n"
    "  --rules FILE         a site rule file (repeatable); a bare name such as market-fixture\n"
    "                       loads the built-in configs/sites/NAME.yaml\n"
    "  --url URL            the page's URL: base for relative links, picks the rule page type\n"
    "                       (without it, relative links are left out)\n"
    "  --content-type TYPE  the Content-Type the page was served with (charset, JSON)\n"
    "  --now DATE           the fetch time for relative dates, YYYY-MM-DD[THH:MM:SSZ]\n"
    "                       (default: now)\n"
    "\n"
    "Exit codes: 0 ok, 1 the page cannot be read, 2 usage or rule file error (file:line).\n";

static char *read_all(const char *path, size_t *len, rm_err *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    rm_buf b;
    char chunk[65536];
    size_t n;

    if (!f) {
        *err = RM_EIO;
        return NULL;
    }
    /* One byte over the page cap is enough to know it is too big. */
    rm_buf_init(&b, RM_EXTRACT_MAX_PAGE + 1);
    while (b.len < b.max && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        (void)rm_buf_add(&b, chunk, RM_MIN(n, b.max - b.len));
    *err = ferror(f) ? RM_EIO : RM_OK;
    if (f != stdin)
        fclose(f);
    if (*err) {
        rm_buf_release(&b);
        return NULL;
    }
    return rm_buf_detach(&b, len);
}

static void print_records(const rm_recs *recs)
{
    for (size_t i = 0; i < recs->n; i++) {
        json_t *j = rm_rec_to_json(&recs->v[i]);
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        if (s)
            puts(s);
        free(s);
        json_decref(j);
    }
}

typedef struct opts {
    const char *rules[MAX_RULE_FILES];
    size_t n_rules;
    const char *url, *content_type, *file;
    time_t now;
} opts;

static int parse_args(int argc, char **argv, opts *o)
{
    static const struct option longopts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"url", required_argument, NULL, 'u'},
        {"content-type", required_argument, NULL, 'c'},
        {"now", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 1;
    o->now = time(NULL);
    while ((c = rm_cli_getopt(&rm_cmd_extract, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'r':
            if (o->n_rules == MAX_RULE_FILES)
                return rm_cli_usage_error(&rm_cmd_extract, "at most %d rule files",
                                          MAX_RULE_FILES);
            o->rules[o->n_rules++] = optarg;
            break;
        case 'u':
            o->url = optarg;
            break;
        case 'c':
            o->content_type = optarg;
            break;
        case 'n':
            if (rm_time_parse_iso(optarg, &o->now) != 0)
                return rm_cli_usage_error(&rm_cmd_extract, "--now: expected YYYY-MM-DD, got %s",
                                          optarg);
            break;
        default:
            return RM_EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_extract, "expected one page file (or -)");
    o->file = argv[optind];
    return RM_EXIT_OK;
}

static int extract_file(const rm_extractor *ex, const opts *o)
{
    rm_arena *scratch = rm_arena_new(1 << 20), *out_arena = rm_arena_new(64 << 10);
    rm_recs recs;
    rm_page page = {o->url, o->content_type, NULL, 0, o->now};
    rm_err err;
    char *body = read_all(o->file, &page.len, &err);
    char type[256];
    int rc = RM_EXIT_OK;

    rm_recs_init(&recs, out_arena);
    if (!body) {
        fprintf(stderr, "revmine extract: %s: %s\n", o->file, strerror(errno));
        rc = RM_EXIT_FAIL;
        goto done;
    }
    page.body = body;
    if (o->url && o->n_rules && rm_extractor_page_type(ex, o->url, type, sizeof(type)) == 0)
        rm_log_info("extract: rule page type %s", type);
    err = rm_extract(ex, &page, scratch, &recs);
    if (err) {
        fprintf(stderr, "revmine extract: %s: %s\n", o->file, rm_err_str(err));
        rc = RM_EXIT_FAIL;
        goto done;
    }
    print_records(&recs);
done:
    free(body);
    rm_recs_release(&recs);
    rm_arena_free(scratch);
    rm_arena_free(out_arena);
    return rc;
}

static int run(int argc, char **argv)
{
    opts o = {0};
    rm_extractor *ex = NULL;
    rm_diag diag;
    int rc = parse_args(argc, argv, &o);

    if (rc != RM_EXIT_OK)
        return rc;
    rm_diag_init(&diag);
    if (rm_extractor_new(o.rules, o.n_rules, &diag, &ex) != RM_OK) {
        rm_diag_print(&diag, stderr);
        rm_diag_release(&diag);
        return RM_EXIT_USAGE;
    }
    rm_diag_release(&diag);
    rc = extract_file(ex, &o);
    rm_extractor_free(ex);
    return rc;
}

const rm_cmd rm_cmd_extract = {"extract", "print the records of one page as JSON Lines", usage,
                               run};
