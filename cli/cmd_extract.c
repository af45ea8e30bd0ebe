#include "core/rm.h"
#include "cli/cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "revmine extract: not built yet\n");
    return RM_EXIT_FAIL;
}

const rm_cmd rm_cmd_extract = {"extract", "(being built)", "usage: revmine extract\n", run};
