/* revmine portrait: one portrait with the evidence behind every tag; --rebuild rebuilds all. */
#include "core/rm.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/portrait.h"
#include "store/privacy.h"

static const char usage[] =
    "usage: revmine portrait --db FILE [--raw-identities] ID\n"
    "       revmine portrait --db FILE --rebuild\n"
    "\n"
    "Prints one customer portrait as JSON: demographics, interests, behaviour, attitude,\n"
    "segments, the linked profiles with the identity links and their reasons, and every tag\n"
    "with its evidence. ID is the portrait's pseudonym (portrait_id of `revmine export\n"
    "portraits`) or number, or a linked profile's URL, pseudonym or handle.\n"
    "\n"
    "  --raw-identities   names, handles and profile URLs instead of pseudonymous ids\n"
    "  --rebuild          rebuild every portrait from the evidence (crawls update them\n"
    "                     incrementally by themselves)\n";

static int rebuild(const char *db)
{
    rm_portrait_stats st;
    rm_err err = rm_portrait_update_path(db, true, &st);
    if (err) {
        fprintf(stderr, "revmine portrait: rebuild failed (%s)\n", rm_err_str(err));
        return RM_EXIT_FAIL;
    }
    printf("{\"portraits\":%lld,\"profiles\":%lld,\"links\":%lld}\n", (long long)st.portraits,
           (long long)st.profiles, (long long)st.links);
    return RM_EXIT_OK;
}

static int show(const char *path, const char *ref, bool raw)
{
    rm_db *db = NULL;
    json_t *j = NULL;
    int64_t id = 0;
    rm_diag d;
    rm_err err;

    rm_diag_init(&d);
    err = rm_db_open(path, RM_DB_READONLY, &d, &db);
    if (!err)
        err = rm_privacy_register(rm_db_handle(db));
    if (!err)
        err = rm_portrait_find(db, ref, &id);
    if (!err)
        err = rm_portrait_json(db, id, raw, &j);
    rm_diag_print(&d, stderr);
    rm_diag_release(&d);
    if (!err) {
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        fputc('\n', stdout);
    } else if (err == RM_ENOTFOUND) {
        fprintf(stderr, "revmine portrait: no portrait matches '%s'\n", ref);
    } else {
        fprintf(stderr, "revmine portrait: failed (%s)\n", rm_err_str(err));
    }
    json_decref(j);
    rm_db_close(db);
    return err ? RM_EXIT_FAIL : RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"raw-identities", no_argument, NULL, 'R'},
        {"rebuild", no_argument, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    bool raw = false, full = false;
    int c;

    while ((c = rm_cli_getopt(&rm_cmd_portrait, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'R': raw = true; break;
        case 'B': full = true; break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (!db)
        return rm_cli_usage_error(&rm_cmd_portrait, "missing --db FILE");
    if (full)
        return optind == argc ? rebuild(db)
                              : rm_cli_usage_error(&rm_cmd_portrait, "--rebuild takes no ID");
    if (optind != argc - 1)
        return rm_cli_usage_error(&rm_cmd_portrait, optind >= argc ? "missing ID"
                                                                   : "too many arguments");
    return show(db, argv[optind], raw);
}

const rm_cmd rm_cmd_portrait = {"portrait", "print one customer portrait with its evidence",
                                usage, run};
