/* The revmine command: each subcommand is one cmd_*.c with a run function and its help.
 *
 * Thread-safety: main thread only.
 *
 * Exit codes (contract): 0 ok, 1 runtime failure, 2 usage or config error. Logs and errors go
 * to stderr; stdout carries data only. */
#ifndef RM_CLI_H
#define RM_CLI_H

#include <getopt.h>

#define RM_VERSION "0.1.0"

enum { RM_EXIT_OK = 0, RM_EXIT_FAIL = 1, RM_EXIT_USAGE = 2 };

typedef struct rm_cmd {
    const char *name;
    const char *summary; /* one line for `revmine --help` */
    const char *usage;   /* full help for `revmine NAME --help` */
    int (*run)(int argc, char **argv);
} rm_cmd;

/* Prints "revmine NAME: msg" and the command's usage to stderr; returns RM_EXIT_USAGE. */
int rm_cli_usage_error(const rm_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Looks a subcommand up by name; NULL when unknown. */
const rm_cmd *rm_cli_find(const char *name);
/* True when argv holds -h or --help before any "--". */
int rm_cli_wants_help(int argc, char **argv);
/* Parses a non-negative integer option value; returns 0 or -1. */
int rm_cli_parse_count(const char *s, long *out);

/* getopt_long wrapper (shortopts must start with ':'): prints usage errors for unknown flags and missing values. Returns the
 * option character, -1 at the end, or '?' after it printed the error. */
int rm_cli_getopt(const rm_cmd *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts);

extern const rm_cmd rm_cmd_check;
extern const rm_cmd rm_cmd_crawl;
extern const rm_cmd rm_cmd_extract;
extern const rm_cmd rm_cmd_score;
extern const rm_cmd rm_cmd_export;
extern const rm_cmd rm_cmd_search;
extern const rm_cmd rm_cmd_report;
extern const rm_cmd rm_cmd_daemon;
extern const rm_cmd rm_cmd_status;
extern const rm_cmd rm_cmd_runs;
extern const rm_cmd rm_cmd_portrait;
extern const rm_cmd rm_cmd_forget;

#endif
