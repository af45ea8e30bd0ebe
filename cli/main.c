/* revmine: argument parsing and wiring; the work happens in the modules. */
#include "core/rm.h"
#include "cli/cli.h"

#include <errno.h>
#include <malloc.h>

static const rm_cmd *const commands[] = {
    &rm_cmd_crawl,
    &rm_cmd_check,
    &rm_cmd_extract,
    &rm_cmd_score,
    &rm_cmd_export,
    &rm_cmd_search,
    &rm_cmd_report,
    &rm_cmd_daemon,
    &rm_cmd_status,
    &rm_cmd_runs,
    &rm_cmd_portrait,
    &rm_cmd_forget,
};

static void print_main_help(FILE *out)
{
    fputs("usage: revmine COMMAND [OPTIONS] [ARGS]\n\n"
          "Crawls marketplaces, review pages and public profiles, extracts products, reviews\n"
          "and profiles, scores review sentiment, and stores everything in SQLite.\n\n"
          "commands:\n", out);
    for (size_t i = 0; i < RM_ARRAY_LEN(commands); i++)
        fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n`revmine COMMAND --help` describes one command.\n"
          "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.\n", out);
}

const rm_cmd *rm_cli_find(const char *name)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(commands); i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    return NULL;
}

int rm_cli_usage_error(const rm_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "revmine %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", cmd->usage);
    return RM_EXIT_USAGE;
}

int rm_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    }
    return 0;
}

int rm_cli_parse_count(const char *s, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

int rm_cli_getopt(const rm_cmd *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts)
{
    int c;

    /* shortopts starts with ':' so a missing value is told apart from an unknown flag. */
    opterr = 0;
    c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == ':') {
        rm_cli_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
        return '?';
    }
    if (c == '?') {
        if (optopt)
            rm_cli_usage_error(cmd, "unknown option -%c", optopt);
        else
            rm_cli_usage_error(cmd, "unknown option %s", argv[optind - 1]);
        return '?';
    }
    return c;
}

int main(int argc, char **argv)
{
    const rm_cmd *cmd;

    /* The heap grows and shrinks in 4 MB steps instead of 128 KB: a crawl allocates and frees
     * page-sized buffers across threads at a high rate, and each grow or trim at a heap's top
     * is a system call (brk, mprotect). bench/ab.sh on the bench site: 4-8% less CPU per page,
     * 4-8 MB more peak RSS. */
    mallopt(M_TOP_PAD, 4 * 1024 * 1024);
    if (argc < 2) {
        print_main_help(stderr);
        return RM_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        if (argc > 2 && (cmd = rm_cli_find(argv[2])) != NULL) {
            fputs(cmd->usage, stdout);
            return RM_EXIT_OK;
        }
        print_main_help(stdout);
        return RM_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("revmine " RM_VERSION);
        return RM_EXIT_OK;
    }
    cmd = rm_cli_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "revmine: unknown command '%s'\n\n", argv[1]);
        print_main_help(stderr);
        return RM_EXIT_USAGE;
    }
    if (rm_cli_wants_help(argc - 1, argv + 1)) {
        fputs(cmd->usage, stdout);
        return RM_EXIT_OK;
    }
    /* Subcommands parse argv[1..]: their argv[0] is their own name, as getopt expects. */
    return cmd->run(argc - 1, argv + 1);
}
