/* libFuzzer target for crawler/httpdate. Besides memory errors it checks that a parsed date
 * formats and parses back to the same instant, and that Retry-After stays in 0..max. */
#include "core/rm.h"
#include "crawler/httpdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = rm_xstrndup((const char *)data, size);
    char out[RM_HTTP_DATE_SIZE];
    time_t t, back;
    int64_t ms;

    if (rm_http_date_parse(s, &t) == RM_OK && rm_http_date_format(t, out) == RM_OK &&
        (rm_http_date_parse(out, &back) != RM_OK || back != t))
        abort();
    if (rm_retry_after_parse(s, 1749988800, &ms) == RM_OK &&
        (ms < 0 || ms > RM_RETRY_AFTER_MAX_MS))
        abort();
    free(s);
    return 0;
}
