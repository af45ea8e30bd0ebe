#include "core/rm.h"
#include "cli/cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "revmine check: not built yet\n");
    return RM_EXIT_FAIL;
}

const rm_cmd rm_cmd_check = {"check", "(being built)", "usage: revmine check\n", run};
