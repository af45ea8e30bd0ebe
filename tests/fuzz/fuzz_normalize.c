/* libFuzzer target for the value normalisers. The first byte picks options (currency hint,
 * rating scale, date order and offset, text flags); the rest is the field text. Besides
 * memory errors (ASan, UBSan), it checks each parser's promise on what it accepts, and that
 * cleaned text is valid UTF-8, trimmed, collapsed and stable when cleaned again. */
#include "core/rm.h"
#include "extractors/normalize.h"

#include <math.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "broken promise: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static bool is_code(const char *c)
{
    return c && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
           c[2] >= 'A' && c[2] <= 'Z';
}

static void check_price(const char *s, size_t n, uint8_t opt)
{
    static const char *const hints[] = {NULL, "RUB", "$", "CAD", "kr", "SEK", "руб.", "??"};
    rm_price p;
    const char *code;

    if (rm_norm_price(s, n, hints[opt & 7], &p) == RM_OK)
        CHECK(isfinite(p.amount) && p.amount >= 0 && (!p.currency || is_code(p.currency)));
    if (rm_norm_currency(s, n, &code) == RM_OK)
        CHECK(is_code(code));
}

static void check_rating(const char *s, size_t n, uint8_t opt)
{
    static const double hints[] = {0, 5, 10, 100};
    double v;

    if (rm_norm_rating(s, n, hints[opt & 3], &v) == RM_OK)
        CHECK(v >= 0 && v <= 5);
}

static void check_date(const char *s, size_t n, uint8_t opt)
{
    rm_date_opts o = {1710504000, (opt % 5 - 2) * 180, (rm_date_order)(opt % 3)};
    rm_date d;
    char iso[RM_DATE_ISO_SIZE];

    if (rm_norm_date(s, n, (opt & 0x80) ? NULL : &o, &d) != RM_OK)
        return;
    CHECK(d.year >= 1900 && d.year <= 2200 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
          d.day <= 31);
    CHECK(!d.has_time || (d.hour <= 23 && d.min <= 59 && d.sec <= 60));
    CHECK(!d.has_tz || (d.tz_min >= -14 * 60 && d.tz_min <= 14 * 60));
    rm_norm_date_iso(&d, true, iso);
    CHECK(strlen(iso) >= 10);
}

static void check_clean(const char *t, size_t n, unsigned flags)
{
    utf8proc_ssize_t i = 0;

    CHECK(n == 0 || (t[0] != ' ' && t[0] != '\n' && t[n - 1] != ' ' && t[n - 1] != '\n'));
    while (i < (utf8proc_ssize_t)n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                              (utf8proc_ssize_t)n - i, &cp);
        CHECK(k > 0);
        CHECK(cp >= 0x20 || (cp == '\n' && (flags & RM_TEXT_BREAKS)));
        CHECK(!(cp == ' ' || cp == '\n') || (t[i + k] != ' ' && t[i + k] != '\n'));
        i += k;
    }
}

static void check_text(const char *s, size_t n, uint8_t opt)
{
    /* Bit 2 asks for decoded text; with html that is a usage error, checked below. */
    unsigned flags = opt & (RM_TEXT_HTML | RM_TEXT_BREAKS | RM_TEXT_DECODED);
    rm_buf a, b;
    rm_err err;

    rm_buf_init(&a, 1 << 20);
    rm_buf_init(&b, 1 << 20);
    err = rm_norm_text(s, n, flags, &a);
    if ((flags & RM_TEXT_HTML) && (flags & RM_TEXT_DECODED)) {
        CHECK(err == RM_EINVAL && a.len == 0);
    } else if (err == RM_OK) {
        check_clean(a.ptr, a.len, flags);
        /* Cleaning the result as decoded text changes nothing: the output is final. */
        CHECK(rm_norm_text(a.ptr, a.len, (flags & RM_TEXT_BREAKS) | RM_TEXT_DECODED, &b) ==
              RM_OK);
        CHECK(b.len == a.len && !memcmp(a.ptr, b.ptr, a.len));
    }
    rm_buf_release(&a);
    rm_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s;
    uint8_t opt;

    if (size == 0)
        return 0;
    opt = data[0];
    s = (const char *)data + 1;
    check_price(s, size - 1, opt);
    check_rating(s, size - 1, opt);
    check_date(s, size - 1, opt);
    check_text(s, size - 1, opt);
    return 0;
}
