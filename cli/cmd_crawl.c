#include "core/rm.h"
#include "cli/cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "revmine crawl: not built yet\n");
    return RM_EXIT_FAIL;
}

const rm_cmd rm_cmd_crawl = {"crawl", "(being built)", "usage: revmine crawl\n", run};
