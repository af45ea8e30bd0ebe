/* revmine export: stream stored rows as CSV or JSON Lines. */
#include "core/rm.h"
#include "cli/cli.h"
#include "store/export.h"

#include <errno.h>

static const char usage[] =
    "usage: revmine export KIND --db FILE --format csv|jsonl [--out FILE] [--bom]\n"
    "                      [--site HOST] [--since DATE] [--until DATE] [--product URL]\n"
    "                      [--lang en|ru|other] [--label pos|neu|neg] [--aspect NAME]\n"
    "                      [--raw-identities] [--by product|site|all] [--min-support N]\n"
    "                      [--top N]\n"
    "       revmine export --columns\n"
    "\n"
    "KIND is products, reviews, profiles, aspects, portraits or keywords. Rows stream in\n"
    "constant memory; CSV is RFC 4180 UTF-8 (--bom adds a byte-order mark for Excel) and text\n"
    "cells starting with = + - @ are prefixed with ' so spreadsheets never run them as formulas.\n"
    "\n"
    "  --out FILE         write here instead of stdout\n"
    "  --site HOST        one site (host or host:port)\n"
    "  --since, --until   dates YYYY-MM-DD, inclusive (reviews: review date)\n"
    "  --product URL      reviews or aspects of one product\n"
    "  --lang, --label    review language or sentiment label\n"
    "  --aspect NAME      reviews mentioning this aspect (aspects: only this aspect)\n"
    "  --raw-identities   people's names, handles and URLs instead of pseudonymous ids\n"
    "  --columns          print the column reference of every kind (Markdown)\n"
    "\n"
    "keywords: the top praised and complained-about terms (lexicon lemmas) per scope.\n"
    "  --by WHAT          product (default), site or all\n"
    "  --min-support N    reviews a term needs (default 2)\n"
    "  --top N            terms per scope and side (default 10)\n";

static bool valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(s) == 10 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
}

static bool one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return true;
    return false;
}

static int check_values(const rm_export_opts *o)
{
    static const char *const langs[] = {"en", "ru", "other", NULL};
    static const char *const labels[] = {"pos", "neu", "neg", NULL};
    if ((o->since && !valid_date(o->since)) || (o->until && !valid_date(o->until)))
        return rm_cli_usage_error(&rm_cmd_export, "dates are written YYYY-MM-DD");
    if (o->lang && !one_of(o->lang, langs))
        return rm_cli_usage_error(&rm_cmd_export, "--lang is en, ru or other");
    if (o->label && !one_of(o->label, labels))
        return rm_cli_usage_error(&rm_cmd_export, "--label is pos, neu or neg");
    /* A filter a kind cannot apply is refused, never silently ignored. */
    if (o->kind == RM_EXPORT_PORTRAITS && (o->product || o->lang || o->label))
        return rm_cli_usage_error(&rm_cmd_export, "portraits filter by --site, --since, "
                                                  "--until and --aspect");
    return RM_EXIT_OK;
}

static int parse_args(int argc, char **argv, rm_export_opts *o, const char **db,
                      const char **outp, int *columns)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},       {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},      {"bom", no_argument, NULL, 'B'},
        {"site", required_argument, NULL, 's'},     {"since", required_argument, NULL, 'S'},
        {"until", required_argument, NULL, 'U'},    {"product", required_argument, NULL, 'p'},
        {"lang", required_argument, NULL, 'l'},     {"label", required_argument, NULL, 'L'},
        {"aspect", required_argument, NULL, 'a'},   {"raw-identities", no_argument, NULL, 'R'},
        {"columns", no_argument, NULL, 'C'},        {"by", required_argument, NULL, 'b'},
        {"min-support", required_argument, NULL, 'm'},
        {"top", required_argument, NULL, 't'},      {NULL, 0, NULL, 0},
    };
    const char *format = NULL;
    bool keyword_flags = false;
    long n;
    int c;

    while ((c = rm_cli_getopt(&rm_cmd_export, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': *db = optarg; break;
        case 'f': format = optarg; break;
        case 'o': *outp = optarg; break;
        case 'B': o->bom = true; break;
        case 's': o->site = optarg; break;
        case 'S': o->since = optarg; break;
        case 'U': o->until = optarg; break;
        case 'p': o->product = optarg; break;
        case 'l': o->lang = optarg; break;
        case 'L': o->label = optarg; break;
        case 'a': o->aspect = optarg; break;
        case 'R': o->raw_identities = true; break;
        case 'C': *columns = 1; break;
        case 'b':
            keyword_flags = true;
            if (rm_keywords_by_parse(optarg, &o->keywords_by))
                return rm_cli_usage_error(&rm_cmd_export, "--by is product, site or all");
            break;
        case 'm':
        case 't':
            keyword_flags = true;
            if (rm_cli_parse_count(optarg, &n) || n < 1 || n > 1000000)
                return rm_cli_usage_error(&rm_cmd_export, "--%s needs a number from 1",
                                          c == 'm' ? "min-support" : "top");
            *(c == 'm' ? &o->min_support : &o->top) = (int)n;
            break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (*columns)
        return RM_EXIT_OK;
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_export, optind >= argc ? "missing KIND"
                                                                : "too many arguments");
    if (rm_export_kind_parse(argv[optind], &o->kind))
        return rm_cli_usage_error(&rm_cmd_export, "unknown KIND '%s'", argv[optind]);
    if (keyword_flags && o->kind != RM_EXPORT_KEYWORDS)
        return rm_cli_usage_error(&rm_cmd_export, "--by, --min-support and --top are for "
                                                  "keywords");
    /* A filter a kind cannot apply is refused, never silently ignored. */
    if (o->kind == RM_EXPORT_KEYWORDS && (o->label || o->aspect))
        return rm_cli_usage_error(&rm_cmd_export, "keywords filter by --site, --since, "
                                                  "--until, --product and --lang");
    if (o->kind == RM_EXPORT_PRODUCTS && (o->lang || o->label))
        return rm_cli_usage_error(&rm_cmd_export, "products filter by --site, --since, "
                                                  "--until, --product and --aspect");
    if (o->kind == RM_EXPORT_PROFILES && (o->product || o->lang || o->label || o->aspect))
        return rm_cli_usage_error(&rm_cmd_export, "profiles filter by --site, --since and "
                                                  "--until");
    if (!*db)
        return rm_cli_usage_error(&rm_cmd_export, "missing --db FILE");
    if (!format)
        return rm_cli_usage_error(&rm_cmd_export, "missing --format csv|jsonl");
    if (!strcmp(format, "csv"))
        o->format = RM_FORMAT_CSV;
    else if (!strcmp(format, "jsonl"))
        o->format = RM_FORMAT_JSONL;
    else
        return rm_cli_usage_error(&rm_cmd_export, "--format is csv or jsonl");
    return check_values(o);
}

static int run(int argc, char **argv)
{
    rm_export_opts o;
    const char *db = NULL, *outp = NULL;
    int columns = 0, rc;
    FILE *out = stdout;
    static char buf[1 << 20];
    rm_diag d;
    int64_t rows = 0;
    rm_err err;

    memset(&o, 0, sizeof(o));
    if ((rc = parse_args(argc, argv, &o, &db, &outp, &columns)) != RM_EXIT_OK)
        return rc;
    if (columns) {
        rm_export_write_columns(stdout);
        return RM_EXIT_OK;
    }
    if (outp && !(out = fopen(outp, "wb"))) {
        fprintf(stderr, "revmine export: %s: %s\n", outp, strerror(errno));
        return RM_EXIT_FAIL;
    }
    setvbuf(out, buf, _IOFBF, sizeof(buf));
    rm_diag_init(&d);
    err = rm_export(db, &o, out, &rows, &d);
    if (outp && fclose(out) != 0 && !err)
        err = RM_EIO;
    else if (!outp)
        fflush(stdout);
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    if (err) {
        fprintf(stderr, "revmine export: failed (%s)\n", rm_err_str(err));
        return RM_EXIT_FAIL;
    }
    rm_log_info("exported %lld %s", (long long)rows, rm_export_kind_str(o.kind));
    return RM_EXIT_OK;
}

const rm_cmd rm_cmd_export = {"export", "write products, reviews, profiles, aspects, portraits "
                                        "or keywords as CSV or JSON Lines", usage, run};
