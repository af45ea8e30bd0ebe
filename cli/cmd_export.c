#include "core/rm.h"
#include "cli/cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "revmine export: not built yet\n");
    return RM_EXIT_FAIL;
}

const rm_cmd rm_cmd_export = {"export", "(being built)", "usage: revmine export\n", run};
