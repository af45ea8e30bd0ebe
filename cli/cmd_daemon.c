/* revmine daemon: run a config's jobs on their schedules (crawler/daemon.h) until a signal. */
#include "core/rm.h"
#include "cli/cli.h"
#include "crawler/config.h"
#include "crawler/crawl.h"
#include "crawler/daemon.h"

#include <pthread.h>
#include <signal.h>

static const char usage[] =
    "usage: revmine daemon CONFIG [--db FILE] [--max-parallel N] [--workers N]\n"
    "\n"
    "Runs the jobs of CONFIG that have a schedule (schedule.cron or schedule.every) whenever\n"
    "they are due, until stopped. A job never runs twice at once; a slot missed while the\n"
    "daemon was down (or while the job's previous run was still going) runs once, not once per\n"
    "slot; a run interrupted by a stop resumes when the daemon starts again.\n"
    "\n"
    "  --db FILE          database file (default revmine.db; created when missing)\n"
    "  --max-parallel N   runs at once over all jobs (default 2)\n"
    "  --workers N        parse/extract/score threads per run (default: the job's setting)\n"
    "\n"
    "Signals: SIGTERM and SIGINT stop gracefully (running crawls persist their frontier and\n"
    "end \"stopped\"; exit 0). SIGHUP reloads CONFIG; a config with errors is reported\n"
    "(file:line: field: problem) and the running one stays. Logs go to stderr.\n";

typedef struct daemon_args {
    const char *config;
    const char *db;
    long max_parallel;
    long workers;
} daemon_args;

typedef struct runner {
    const char *db;
    const rm_nlp *nlp;
    int workers;
} runner;

static int parse_args(int argc, char **argv, daemon_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"max-parallel", required_argument, NULL, 'p'},
        {"workers", required_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };
    int c;

    a->db = "revmine.db";
    a->max_parallel = 2;
    while ((c = rm_cli_getopt(&rm_cmd_daemon, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'p':
            if (rm_cli_parse_count(optarg, &a->max_parallel) || a->max_parallel < 1 ||
                a->max_parallel > 64)
                return rm_cli_usage_error(&rm_cmd_daemon, "--max-parallel needs a number 1..64");
            break;
        case 'w':
            if (rm_cli_parse_count(optarg, &a->workers) || a->workers > 256)
                return rm_cli_usage_error(&rm_cmd_daemon, "--workers needs a number 0..256");
            break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_daemon, optind >= argc ? "missing CONFIG"
                                                                 : "too many arguments");
    a->config = argv[optind];
    return RM_EXIT_OK;
}

/* One scheduled run: the job's rule files are read now, so a reload picks up edited rules. */
static rm_err run_job(void *ctx, const rm_job *job, atomic_int *stop)
{
    const runner *r = ctx;
    rm_extractor *ex = NULL;
    rm_crawl_result res;
    rm_crawl_opts o;
    rm_diag d;
    rm_err err;

    rm_diag_init(&d);
    err = rm_extractor_new((const char *const *)job->rules.v, job->rules.n, &d, &ex);
    if (err) {
        for (size_t i = 0; i < d.n; i++)
            rm_log_error("%s: %s:%d: %s", job->name, d.items[i].file ? d.items[i].file : "",
                         d.items[i].line, d.items[i].msg);
        rm_diag_release(&d);
        return err;
    }
    memset(&o, 0, sizeof(o));
    o.db_path = r->db;
    o.job = job;
    o.extractor = ex;
    o.nlp = r->nlp;
    o.max_pages = -1;
    o.workers = r->workers;
    o.stop = stop;
    o.progress = RM_PROGRESS_LOG;
    err = rm_crawl_run(&o, &res);
    if (!err)
        rm_log_info("%s: run %lld %s: %lld pages (%lld not modified), %lld errors, %lld new "
                    "reviews, %lld price changes, %lld gone products, %.1f s",
                    job->name, (long long)res.run_id, res.outcome, (long long)res.stats.pages,
                    (long long)res.stats.not_modified, (long long)res.stats.errors,
                    (long long)res.stats.new_reviews, (long long)res.stats.price_changes,
                    (long long)res.stats.gone_products,
                    (double)res.stats.duration_ms / 1000.0);
    rm_extractor_free(ex);
    rm_diag_release(&d);
    return err;
}

/* Signals arrive here, never in a handler: the daemon's calls take locks. */
typedef struct sig_ctx {
    rm_daemon *d;
    sigset_t set;
} sig_ctx;

static void *signal_main(void *arg)
{
    sig_ctx *s = arg;
    int sig;

    for (;;) {
        if (sigwait(&s->set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            rm_log_info("SIGHUP: reloading the config");
            rm_daemon_reload(s->d);
            continue;
        }
        rm_log_info("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        rm_daemon_stop(s->d);
        return NULL;
    }
}

static int serve(const daemon_args *a, rm_nlp *nlp, const sigset_t *set)
{
    runner r = {a->db, nlp, (int)a->workers};
    rm_daemon_opts o = {a->config, a->db, (int)a->max_parallel, run_job, &r, NULL};
    sig_ctx s;
    pthread_t th;
    rm_daemon_counts c;
    rm_diag d;
    rm_err err;

    rm_diag_init(&d);
    err = rm_daemon_new(&o, &d, &s.d);
    if (err) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return err == RM_ECONFIG ? RM_EXIT_USAGE : RM_EXIT_FAIL;
    }
    rm_diag_release(&d);
    s.set = *set;
    if (pthread_create(&th, NULL, signal_main, &s) != 0) {
        rm_daemon_free(s.d);
        return RM_EXIT_FAIL;
    }
    rm_log_info("daemon started: %s, database %s, up to %ld runs at once", a->config, a->db,
                a->max_parallel);
    rm_daemon_loop(s.d);
    pthread_join(th, NULL);
    c = rm_daemon_get_counts(s.d);
    rm_log_info("daemon stopped: %lld runs, %lld reloads, %lld reloads refused",
                (long long)c.runs_ended, (long long)c.reloads, (long long)c.reload_errors);
    rm_daemon_free(s.d);
    return RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    daemon_args a;
    rm_nlp *nlp = NULL;
    sigset_t set;
    rm_diag d;
    int rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(argc, argv, &a)) != RM_EXIT_OK)
        return rc;
    /* Blocked before any thread starts, so every thread inherits the mask and only the
     * sigwait() thread ever sees these signals. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    rm_diag_init(&d);
    if (rm_nlp_new(NULL, &d, &nlp) != RM_OK) {
        rm_diag_print(&d, stderr);
        rm_diag_release(&d);
        return RM_EXIT_FAIL;
    }
    rm_diag_release(&d);
    rc = serve(&a, nlp, &set);
    rm_nlp_free(nlp);
    return rc;
}

const rm_cmd rm_cmd_daemon = {"daemon", "run jobs on their schedules until stopped", usage, run};
