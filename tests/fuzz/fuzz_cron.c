/* libFuzzer target for crawler/cron: the input is an expression. Besides memory errors and
 * hangs it checks that a parsed schedule's next time is strictly later, that walking it
 * forward terminates, and that an error always comes with a message. */
#include "core/rm.h"
#include "crawler/cron.h"
#include "crawler/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rm_tz *berlin(void)
{
    static rm_tz *tz;
    if (!tz && rm_tz_load("Europe/Berlin", &tz) != RM_OK && rm_tz_load(NULL, &tz) != RM_OK)
        abort();
    return tz;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const time_t starts[] = {0, 1711846000, 1729989000, 4107542400};
    char *expr = rm_xstrndup((const char *)data, size);
    char why[96] = "";
    rm_cron c;

    if (rm_cron_parse(expr, &c, why, sizeof(why)) != RM_OK) {
        if (!why[0])
            abort();
    } else {
        for (size_t i = 0; i < RM_ARRAY_LEN(starts); i++) {
            time_t t = starts[i], next;
            for (int k = 0; k < 3 && rm_cron_next_in(&c, t, berlin(), &next) == RM_OK; k++) {
                if (next <= t)
                    abort();
                t = next;
            }
        }
    }
    free(expr);
    return 0;
}
