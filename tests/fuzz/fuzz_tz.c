/* libFuzzer target for crawler/tz. Input starting with "TZif" is a zone file; anything else
 * becomes the footer rule of a minimal version 2 file, so POSIX TZ strings get fuzzed
 * directly. Besides memory errors and hangs it checks that offsets stay in RFC 8536's range
 * and that conversions of ordinary times terminate with sane results. */
#include "core/rm.h"
#include "crawler/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void wrap_footer(const uint8_t *data, size_t size, rm_buf *b)
{
    static const unsigned char header[] = {
        'T', 'Z', 'i', 'f', '2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4,
    };
    static const unsigned char type0[] = {0, 0, 0x0e, 0x10, 0, 0, 'X', 'Y', 'Z', 0};

    for (int pass = 0; pass < 2; pass++) {
        rm_buf_add(b, header, sizeof(header));
        rm_buf_add(b, type0, sizeof(type0));
    }
    rm_buf_addc(b, '\n');
    rm_buf_add(b, data, strnlen((const char *)data, size));
    rm_buf_addc(b, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t probes[] = {
        INT64_MIN, -4102444800LL, -1, 0, 1711846800, 1729990800, 4102444800LL,
        253402300799LL, (int64_t)1 << 61, INT64_MAX,
    };
    rm_buf b;
    rm_tz *tz = NULL;

    rm_buf_init(&b, RM_BUF_NOLIMIT);
    if (size >= 4 && !memcmp(data, "TZif", 4))
        rm_buf_add(&b, data, size);
    else
        wrap_footer(data, size, &b);
    if (rm_tz_parse(b.ptr, b.len, &tz) == RM_OK) {
        for (size_t i = 0; i < RM_ARRAY_LEN(probes); i++) {
            int32_t off = rm_tz_offset(tz, probes[i]);
            if (off < -89999 || off > 93599)
                abort();
            (void)rm_tz_to_local(tz, probes[i]);
            (void)rm_tz_from_local(tz, probes[i]);
        }
        rm_tz_free(tz);
    }
    rm_buf_release(&b);
    return 0;
}
