/* revmine check: validate a config and everything it references, without crawling. */
#include "core/rm.h"
#include "cli/cli.h"
#include "crawler/config.h"
#include "extractors/extract.h"

static const char usage[] =
    "usage: revmine check CONFIG\n"
    "       revmine check --fields\n"
    "\n"
    "Validates CONFIG: every job field, its rule files (selectors, patterns), schedules and\n"
    "time zones. Each problem is printed as FILE:LINE: FIELD: message; exit 2 when there is\n"
    "any. --fields prints the reference of every job field (Markdown).\n";

static void check_rules(const rm_job *job, rm_diag *d)
{
    rm_extractor *ex = NULL;
    if (rm_extractor_new((const char *const *)job->rules.v, job->rules.n, d, &ex) == RM_OK)
        rm_extractor_free(ex);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {{"fields", no_argument, NULL, 'F'},
                                             {NULL, 0, NULL, 0}};
    rm_config *cfg = NULL;
    rm_diag d;
    int c, fields = 0;

    while ((c = rm_cli_getopt(&rm_cmd_check, argc, argv, ":", longopts)) != -1) {
        if (c != 'F')
            return RM_EXIT_USAGE;
        fields = 1;
    }
    if (fields) {
        rm_config_write_fields(stdout);
        return RM_EXIT_OK;
    }
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_check, optind >= argc ? "missing CONFIG"
                                                                : "too many arguments");
    rm_diag_init(&d);
    if (rm_config_load(argv[optind], &d, &cfg) == RM_OK) {
        for (size_t i = 0; i < cfg->n_jobs; i++) {
            check_rules(&cfg->jobs[i], &d);
        }
    }
    rm_diag_print(&d, stderr);
    if (d.n == 0)
        printf("%s: ok, %zu job%s\n", argv[optind], cfg->n_jobs, cfg->n_jobs == 1 ? "" : "s");
    c = d.n ? RM_EXIT_USAGE : RM_EXIT_OK;
    rm_config_free(cfg);
    rm_diag_release(&d);
    return c;
}

const rm_cmd rm_cmd_check = {"check", "validate a config, its rule files and schedules", usage,
                             run};
