#include "core/rm.h"
#include "cli/cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "revmine score: not built yet\n");
    return RM_EXIT_FAIL;
}

const rm_cmd rm_cmd_score = {"score", "(being built)", "usage: revmine score\n", run};
