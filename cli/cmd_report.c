/* revmine report: one self-contained HTML file with charts. */
#include "core/rm.h"
#include "cli/cli.h"
#include "store/report.h"

#include <errno.h>

static const char usage[] =
    "usage: revmine report --out FILE.html [--db FILE] [--top-products N] [--top-terms N]\n"
    "\n"
    "Writes one self-contained HTML page (inline CSS and SVG charts, nothing fetched when it\n"
    "is opened): summary, sentiment distribution, sentiment over time, rating vs sentiment,\n"
    "top praised and complained-about terms, aspect polarity per product, portrait segments\n"
    "and crawl health. The file is replaced only once the report is complete.\n"
    "\n"
    "  --out FILE          the HTML file to write\n"
    "  --db FILE           database (default revmine.db)\n"
    "  --top-products N    products in the aspect chart (default 12)\n"
    "  --top-terms N       praised and complained terms each (default 12)\n";

static int parse_args(int argc, char **argv, const char **db, const char **outp,
                      rm_report_opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"out", required_argument, NULL, 'o'},
        {"top-products", required_argument, NULL, 'p'},
        {"top-terms", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    long n;
    int c;

    while ((c = rm_cli_getopt(&rm_cmd_report, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': *db = optarg; break;
        case 'o': *outp = optarg; break;
        case 'p':
        case 't':
            if (rm_cli_parse_count(optarg, &n) || n < 1 || n > 100)
                return rm_cli_usage_error(&rm_cmd_report, "--top-%s is 1..100",
                                          c == 'p' ? "products" : "terms");
            *(c == 'p' ? &o->top_products : &o->top_terms) = (int)n;
            break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return rm_cli_usage_error(&rm_cmd_report, "unexpected argument '%s'", argv[optind]);
    if (!*outp)
        return rm_cli_usage_error(&rm_cmd_report, "missing --out FILE.html");
    return RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    const char *db = "revmine.db", *outp = NULL;
    rm_report_opts o = {0, 0, 0};
    rm_buf tmp;
    FILE *out;
    rm_diag d;
    rm_err err;
    int rc;

    if ((rc = parse_args(argc, argv, &db, &outp, &o)) != RM_EXIT_OK)
        return rc;
    /* Written beside the target and renamed: a failed report never replaces a good one. */
    rm_buf_init(&tmp, 8192);
    rm_buf_addf(&tmp, "%s.tmp", outp);
    if (tmp.err || !(out = fopen(tmp.ptr, "wb"))) {
        fprintf(stderr, "revmine report: %s: %s\n", tmp.ptr, strerror(errno));
        rm_buf_release(&tmp);
        return RM_EXIT_FAIL;
    }
    rm_diag_init(&d);
    err = rm_report_write(db, &o, out, &d);
    if (fclose(out) != 0 && !err)
        err = RM_EIO;
    if (!err && rename(tmp.ptr, outp) != 0) {
        fprintf(stderr, "revmine report: %s: %s\n", outp, strerror(errno));
        err = RM_EIO;
    }
    if (err)
        remove(tmp.ptr);
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    rm_buf_release(&tmp);
    if (err) {
        fprintf(stderr, "revmine report: failed (%s)\n", rm_err_str(err));
        return RM_EXIT_FAIL;
    }
    rm_log_info("report written to %s", outp);
    return RM_EXIT_OK;
}

const rm_cmd rm_cmd_report = {"report", "write a self-contained HTML report with charts", usage,
                              run};
