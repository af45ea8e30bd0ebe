#include "core/rm.h"
#include "extractors/values.h"

#include <ctype.h>
#include <math.h>

#include "extractors/extract.h"

/* ---- numbers and counts: the readers normalize.h does not have ---- */

static bool is_group_space(const unsigned char *p, size_t *w)
{
    if (*p == ' ' || *p == '\'') {
        *w = 1;
        return true;
    }
    if (p[0] == 0xC2 && p[1] == 0xA0) { /* NBSP */
        *w = 2;
        return true;
    }
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x89 || p[2] == 0xAF)) { /* thin, narrow */
        *w = 3;
        return true;
    }
    return false;
}

typedef struct digits {
    char d[64];      /* the digits, separators removed */
    size_t n;
    size_t seps[8];  /* position in d where each '.'/',' stood */
    char sep_ch[8];
    size_t n_seps;
    bool neg;
} digits;

/* Collects the first run of digits and separators in s. */
static bool scan_digits(const char *s, digits *g)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w;

    memset(g, 0, sizeof(*g));
    while (*p && !isdigit(*p))
        p++;
    if (!*p)
        return false;
    g->neg = p > (const unsigned char *)s && p[-1] == '-';
    while (*p && g->n < sizeof(g->d) - 1) {
        if (isdigit(*p)) {
            g->d[g->n++] = (char)*p++;
        } else if ((*p == '.' || *p == ',') && isdigit(p[1]) && g->n_seps < RM_ARRAY_LEN(g->seps)) {
            g->seps[g->n_seps] = g->n;
            g->sep_ch[g->n_seps++] = (char)*p++;
        } else if (is_group_space(p, &w) && isdigit(p[w])) {
            p += w;
        } else {
            break;
        }
    }
    return true;
}

/* Index of the decimal separator in g->seps, or -1 when the marks group digits: in a decimal
 * "4,5" and "4.5" are the same number; of "1.299,00" and "1,299.00" the last mark is the
 * point; a mark that repeats ("1.299.000") groups. */
static int decimal_sep(const digits *g)
{
    size_t last = g->n_seps - 1;

    if (!g->n_seps)
        return -1;
    for (size_t i = 0; i < last; i++)
        if (g->sep_ch[i] != g->sep_ch[last])
            return (int)last;
    return g->n_seps > 1 ? -1 : (int)last;
}

static bool parse_num(const char *s, bool decimal, double *out)
{
    digits g;
    char buf[80];
    size_t o = 0;
    int dec;

    if (!s || !scan_digits(s, &g))
        return false;
    dec = decimal ? decimal_sep(&g) : -1;
    if (g.neg)
        buf[o++] = '-';
    for (size_t i = 0; i < g.n; i++) {
        if (dec >= 0 && g.seps[dec] == i)
            buf[o++] = '.';
        buf[o++] = g.d[i];
    }
    buf[o] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

bool rm_values_number(const char *s, double *out)
{
    return parse_num(s, true, out);
}

bool rm_values_int(const char *s, int64_t *out)
{
    double v;
    if (!parse_num(s, false, &v) || v < 0 || v > 9e15)
        return false;
    *out = (int64_t)v;
    return true;
}

/* ---- through the normalisers ---- */

bool rm_values_price(const char *s, const char *currency_hint, double *amount,
                     const char **currency)
{
    rm_price p;

    if (!s || rm_norm_price(s, strlen(s), currency_hint, &p) != RM_OK)
        return false;
    *amount = p.amount;
    *currency = p.currency;
    return true;
}

bool rm_values_currency(const char *s, const char **code)
{
    return s && rm_norm_currency(s, strlen(s), code) == RM_OK;
}

/* Three decimals are more than any site shows and keep 4.6 of 5 from printing as
 * 4.6000000000000005. */
static double stored_rating(double v)
{
    return round(v * 1000) / 1000;
}

bool rm_values_rating_d(double v, double best, double worst, double *out)
{
    double r;

    if (rm_norm_rating_ld(v, best, worst, &r) != RM_OK)
        return false;
    *out = stored_rating(r);
    return true;
}

bool rm_values_rating(const char *s, double best, double worst, double *out)
{
    double r;

    if (!s)
        return false;
    /* rm_norm_rating() reads scales from 0 or 1 ("v out of best"); only a linear -5..5 scale
     * needs the number itself. */
    if (worst < 0)
        return rm_values_number(s, &r) && rm_values_rating_d(r, best, worst, out);
    if (rm_norm_rating(s, strlen(s), isnan(best) ? 0 : best, &r) != RM_OK)
        return false;
    *out = stored_rating(r);
    return true;
}

bool rm_values_date(const char *s, const rm_date_opts *opts, char out[RM_DATE_ISO_SIZE])
{
    rm_date d;

    if (!s || rm_norm_date(s, strlen(s), opts, &d) != RM_OK)
        return false;
    rm_norm_date_iso(&d, false, out);
    return true;
}

/* Source text is HTML only when it holds a tag: a JSON reviewBody without markup is plain
 * text whose newlines are the author's line breaks, while in HTML they are mere spacing. */
static unsigned text_flags(const char *s, unsigned flags)
{
    unsigned tf = RM_TEXT_DECODED;

    if (flags & RM_VALUES_HTML)
        tf = strchr(s, '<') ? RM_TEXT_HTML : 0;
    return tf | ((flags & RM_VALUES_BREAKS) ? RM_TEXT_BREAKS : 0);
}

const char *rm_values_text(const char *s, unsigned flags, rm_arena *a)
{
    const char *t = NULL;
    rm_buf b;

    if (!s)
        return NULL;
    rm_buf_init(&b, RM_EXTRACT_MAX_PAGE);
    if (rm_norm_text(s, strlen(s), text_flags(s, flags), &b) == RM_OK && b.len)
        t = rm_arena_strndup(a, b.ptr, b.len);
    rm_buf_release(&b);
    return t;
}
