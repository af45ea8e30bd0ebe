/* revmine crawl: run each job of a config once (resuming an interrupted run). */
#include "core/rm.h"
#include "cli/cli.h"
#include "crawler/config.h"
#include "crawler/crawl.h"

#include <signal.h>
#include <unistd.h>

static atomic_int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop_flag, 1);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static const char usage[] =
    "usage: revmine crawl CONFIG [--db FILE] [--job NAME] [--max-pages N] [--workers N]\n"
    "                     [--quiet] [--json]\n"
    "\n"
    "Runs every job in CONFIG once (or only --job NAME), storing products, reviews,\n"
    "profiles and sentiment in the SQLite database. An interrupted run (Ctrl-C, kill, crash)\n"
    "resumes where it stopped when the same command runs again; a finished run is followed\n"
    "by a fresh one that re-visits the site with conditional requests.\n"
    "\n"
    "  --db FILE        database file (default revmine.db; created when missing)\n"
    "  --job NAME       run only this job\n"
    "  --max-pages N    fetch at most N pages in this run (overrides limits.max_pages)\n"
    "  --workers N      parse/extract/score threads (overrides the job's setting)\n"
    "  --quiet          no progress display\n"
    "  --json           print each run's result as a JSON line on stdout\n"
    "\n"
    "SIGINT/SIGTERM stop gracefully: no new requests, work in flight is stored or left\n"
    "queued, exit 0.\n";

typedef struct crawl_args {
    const char *config;
    const char *db;
    const char *job;
    long max_pages;
    long workers;
    int quiet;
    int json;
} crawl_args;

static int parse_args(int argc, char **argv, crawl_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"job", required_argument, NULL, 'j'},
        {"max-pages", required_argument, NULL, 'm'}, {"workers", required_argument, NULL, 'w'},
        {"quiet", no_argument, NULL, 'q'},         {"json", no_argument, NULL, 'J'},
        {NULL, 0, NULL, 0},
    };
    int c;

    a->db = "revmine.db";
    a->max_pages = -1;
    while ((c = rm_cli_getopt(&rm_cmd_crawl, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'j': a->job = optarg; break;
        case 'm':
            if (rm_cli_parse_count(optarg, &a->max_pages))
                return rm_cli_usage_error(&rm_cmd_crawl, "--max-pages needs a number");
            break;
        case 'w':
            if (rm_cli_parse_count(optarg, &a->workers) || a->workers > 256)
                return rm_cli_usage_error(&rm_cmd_crawl, "--workers needs a number 0..256");
            break;
        case 'q': a->quiet = 1; break;
        case 'J': a->json = 1; break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_crawl, optind >= argc ? "missing CONFIG"
                                                                : "too many arguments");
    a->config = argv[optind];
    return RM_EXIT_OK;
}

static void report(const rm_job *job, const rm_crawl_result *r, int json)
{
    const rm_crawl_stats *s = &r->stats;
    rm_log_info("%s: run %lld %s: %lld pages (%lld not modified), %lld errors, %lld retries, "
                "%lld robots-denied, %lld records (%lld new reviews), %lld queued, %.1f s",
                job->name, (long long)r->run_id, r->outcome, (long long)s->pages,
                (long long)s->not_modified, (long long)s->errors, (long long)s->retries,
                (long long)s->robots_denied, (long long)s->records, (long long)s->new_reviews,
                (long long)s->queued, (double)s->duration_ms / 1000.0);
    if (json) {
        char *st = rm_crawl_stats_json(s);
        printf("{\"job\":\"%s\",\"run\":%lld,\"outcome\":\"%s\",\"stats\":%s}\n", job->name,
               (long long)r->run_id, r->outcome, st);
        free(st);
        fflush(stdout);
    }
}

static int run_job(const crawl_args *a, const rm_job *job, const rm_nlp *nlp)
{
    rm_extractor *ex = NULL;
    rm_crawl_result res;
    rm_diag d;
    rm_crawl_opts o;
    int rc = RM_EXIT_OK;

    rm_diag_init(&d);
    if (rm_extractor_new((const char *const *)job->rules.v, job->rules.n, &d, &ex) != RM_OK) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return RM_EXIT_USAGE;
    }
    memset(&o, 0, sizeof(o));
    o.db_path = a->db;
    o.job = job;
    o.extractor = ex;
    o.nlp = nlp;
    o.max_pages = a->max_pages;
    o.workers = (int)a->workers;
    o.stop = &stop_flag;
    o.progress = a->quiet ? RM_PROGRESS_NONE : isatty(2) ? RM_PROGRESS_TTY : RM_PROGRESS_LOG;
    if (rm_crawl_run(&o, &res) != RM_OK) {
        rm_log_error("%s: crawl failed", job->name);
        rc = RM_EXIT_FAIL;
    } else {
        report(job, &res, a->json);
    }
    rm_extractor_free(ex);
    rm_diag_release(&d);
    return rc;
}

static int run(int argc, char **argv)
{
    crawl_args a;
    rm_config *cfg = NULL;
    rm_nlp *nlp = NULL;
    rm_diag d;
    int rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(argc, argv, &a)) != RM_EXIT_OK)
        return rc;
    rm_diag_init(&d);
    if (rm_config_load(a.config, &d, &cfg) != RM_OK) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return RM_EXIT_USAGE;
    }
    if (a.job && !rm_config_job(cfg, a.job)) {
        fprintf(stderr, "revmine crawl: %s: no job named \"%s\"\n", a.config, a.job);
        rc = RM_EXIT_USAGE;
        goto cleanup;
    }
    if (rm_nlp_new(NULL, &d, &nlp) != RM_OK) {
        rm_diag_print(&d, stderr);
        rc = RM_EXIT_FAIL;
        goto cleanup;
    }
    install_signals();
    for (size_t i = 0; i < cfg->n_jobs && !atomic_load(&stop_flag); i++) {
        const rm_job *job = &cfg->jobs[i];
        if (a.job && strcmp(job->name, a.job))
            continue;
        rc = run_job(&a, job, nlp);
        if (rc != RM_EXIT_OK)
            break;
    }
cleanup:
    rm_nlp_free(nlp);
    rm_config_free(cfg);
    rm_diag_release(&d);
    return rc;
}

const rm_cmd rm_cmd_crawl = {"crawl", "run jobs once (resumable) and store what they find", usage,
                             run};
