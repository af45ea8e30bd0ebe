/* revmine forget: erase one person everywhere, or expire old pages and profiles. */
#include "core/rm.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "store/forget.h"

static const char usage[] =
    "usage: revmine forget --db FILE [--vacuum] PROFILE-ID|--handle H\n"
    "       revmine forget --db FILE [--expire-pages DAYS] [--expire-profiles DAYS]\n"
    "\n"
    "Erases one person: every profile linked to them, their portrait, their reviews (with\n"
    "sentiment, aspects and full-text index rows), cached pages that show them and crawl\n"
    "queue entries of their profiles, then scrubs the file (secure delete, index rebuild, WAL\n"
    "checkpoint) so no trace remains. PROFILE-ID is a profile URL or pseudonym, a portrait\n"
    "number or pseudonym, or a handle; later crawls skip their profiles.\n"
    "\n"
    "  --handle H            the person with this handle on any platform\n"
    "  --vacuum              rewrite the whole file afterwards (VACUUM)\n"
    "  --expire-pages N      retention: delete cached page bodies fetched over N days ago\n"
    "  --expire-profiles N   retention: delete profiles not seen for over N days\n";

static void print_stats(const rm_forget_stats *st)
{
    printf("{\"profiles\":%lld,\"reviews\":%lld,\"pages\":%lld,\"frontier\":%lld,"
           "\"portraits\":%lld}\n",
           (long long)st->profiles, (long long)st->reviews, (long long)st->pages,
           (long long)st->frontier, (long long)st->portraits);
}

static int finish(rm_err err, rm_diag *d, const rm_forget_stats *st)
{
    rm_diag_print(d, stderr);
    rm_diag_release(d);
    if (err) {
        fprintf(stderr, "revmine forget: failed (%s)\n", rm_err_str(err));
        return RM_EXIT_FAIL;
    }
    print_stats(st);
    return RM_EXIT_OK;
}

static int parse_days(const char *s, int64_t *out)
{
    long v;
    if (rm_cli_parse_count(s, &v))
        return rm_cli_usage_error(&rm_cmd_forget, "days are a whole number >= 0: '%s'", s);
    *out = v;
    return RM_EXIT_OK;
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"handle", required_argument, NULL, 'H'},
        {"vacuum", no_argument, NULL, 'V'},
        {"expire-pages", required_argument, NULL, 'P'},
        {"expire-profiles", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *ref = NULL;
    int64_t pages = -1, profiles = -1;
    bool vacuum = false;
    rm_forget_stats st;
    rm_diag d;
    int c, rc = RM_EXIT_OK;

    while (rc == RM_EXIT_OK &&
           (c = rm_cli_getopt(&rm_cmd_forget, argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'H': ref = optarg; break;
        case 'V': vacuum = true; break;
        case 'P': rc = parse_days(optarg, &pages); break;
        case 'F': rc = parse_days(optarg, &profiles); break;
        default: return RM_EXIT_USAGE;
        }
    }
    if (rc != RM_EXIT_OK)
        return rc;
    if (!db)
        return rm_cli_usage_error(&rm_cmd_forget, "missing --db FILE");
    if (optind < argc && !ref)
        ref = argv[optind++];
    if (optind < argc)
        return rm_cli_usage_error(&rm_cmd_forget, "too many arguments");
    if (!ref == (pages < 0 && profiles < 0))
        return rm_cli_usage_error(&rm_cmd_forget, "give one person, or --expire-pages / "
                                                  "--expire-profiles");
    rm_diag_init(&d);
    if (ref)
        return finish(rm_forget(db, ref, vacuum, &st, &d), &d, &st);
    return finish(rm_forget_expire(db, pages, profiles, rm_time_ms() / 1000, &st, &d), &d, &st);
}

const rm_cmd rm_cmd_forget = {"forget", "erase one person everywhere; expire old pages and "
                                        "profiles", usage, run};
