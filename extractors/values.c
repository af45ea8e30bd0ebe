#include "core/rm.h"
#include "extractors/values.h"

#include <ctype.h>
#include <math.h>

#include "extractors/html.h"

typedef enum num_mode {
    NUM_DECIMAL, /* one separator is the decimal point: ratings "4,5" */
    NUM_MONEY,   /* "1.299" and "1,299" group thousands, "12,99" is decimal */
    NUM_INT      /* every separator groups */
} num_mode;

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
    int seps[8];     /* position in d where each '.'/',' stood */
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
            g->seps[g->n_seps] = (int)g->n;
            g->sep_ch[g->n_seps++] = (char)*p++;
        } else if (is_group_space(p, &w) && isdigit(p[w])) {
            p += w;
        } else {
            break;
        }
    }
    return true;
}

/* Index of the decimal separator in g->seps, or -1 when all of them group digits. */
static int decimal_sep(const digits *g, num_mode mode)
{
    size_t last = g->n_seps - 1;
    size_t after;

    if (!g->n_seps || mode == NUM_INT)
        return -1;
    for (size_t i = 0; i < last; i++)
        if (g->sep_ch[i] != g->sep_ch[last])
            return (int)last; /* "1.299,00", "1,299.00": the other mark is the point */
    if (g->n_seps > 1)
        return -1; /* "1.299.000" */
    after = g->n - (size_t)g->seps[last];
    if (mode == NUM_MONEY && after == 3 && g->seps[last] <= 3 &&
        !(g->seps[last] == 1 && g->d[0] == '0'))
        return -1;
    return (int)last;
}

static bool parse_num(const char *s, num_mode mode, double *out)
{
    digits g;
    char buf[80];
    size_t o = 0;
    int dec;

    if (!s || !scan_digits(s, &g))
        return false;
    dec = decimal_sep(&g, mode);
    if (g.neg)
        buf[o++] = '-';
    for (size_t i = 0; i < g.n; i++) {
        if (dec >= 0 && (size_t)g.seps[dec] == i)
            buf[o++] = '.';
        buf[o++] = g.d[i];
    }
    buf[o] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

bool rm_values_number(const char *s, double *out)
{
    return parse_num(s, NUM_DECIMAL, out);
}

bool rm_values_int(const char *s, int64_t *out)
{
    double v;
    if (!parse_num(s, NUM_INT, &v) || v < 0 || v > 9e15)
        return false;
    *out = (int64_t)v;
    return true;
}

typedef struct currency_word {
    const char *word; /* matched case-insensitively for ASCII */
    const char *code;
} currency_word;

/* Codes first (exact three letters), then symbols and words as sites print them. */
static const currency_word currency_words[] = {
    {"₽", "RUB"}, {"руб", "RUB"}, {"р.", "RUB"}, {"rur", "RUB"}, {"rub", "RUB"},
    {"€", "EUR"}, {"eur", "EUR"}, {"£", "GBP"}, {"gbp", "GBP"}, {"usd", "USD"},
    {"us$", "USD"}, {"$", "USD"}, {"₴", "UAH"}, {"грн", "UAH"}, {"uah", "UAH"},
    {"₸", "KZT"}, {"тг", "KZT"}, {"kzt", "KZT"}, {"byn", "BYN"}, {"₹", "INR"}, {"inr", "INR"},
    {"₺", "TRY"}, {"try", "TRY"}, {"zł", "PLN"}, {"pln", "PLN"}, {"¥", "JPY"}, {"jpy", "JPY"},
    {"cny", "CNY"}, {"chf", "CHF"}, {"cad", "CAD"}, {"aud", "AUD"}, {"sek", "SEK"},
    {"nok", "NOK"}, {"dkk", "DKK"}, {"czk", "CZK"}, {"kč", "CZK"},
};

/* w at s; an ASCII word ("rub", "usd") must stand alone, not inside "rubber". */
static bool word_at(const char *start, const char *s, const char *w)
{
    size_t k = strlen(w);
    if (strncasecmp(s, w, k))
        return false;
    if (!isalpha((unsigned char)w[0]))
        return true;
    return (s == start || !isalpha((unsigned char)s[-1])) && !isalpha((unsigned char)s[k]);
}

bool rm_values_currency(const char *s, char currency[4])
{
    if (!s)
        return false;
    /* Any three-letter upper-case code stands for itself (schema.org priceCurrency). */
    while (isspace((unsigned char)*s))
        s++;
    if (isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
        isupper((unsigned char)s[2]) && !isalpha((unsigned char)s[3])) {
        if (!strncmp(s, "RUR", 3))
            s = "RUB";
        memcpy(currency, s, 3);
        currency[3] = '\0';
        return true;
    }
    for (const char *p = s; *p; p++) {
        for (size_t i = 0; i < RM_ARRAY_LEN(currency_words); i++) {
            if (word_at(s, p, currency_words[i].word)) {
                memcpy(currency, currency_words[i].code, 4);
                return true;
            }
        }
    }
    return false;
}

bool rm_values_price(const char *s, double *amount, char currency[4])
{
    currency[0] = '\0';
    if (!parse_num(s, NUM_MONEY, amount) || *amount < 0)
        return false;
    if (!rm_values_currency(s, currency))
        currency[0] = '\0';
    return true;
}

bool rm_values_rating_d(double v, double best, double worst, double *out)
{
    /* schema.org defaults: best 5, worst 1. */
    if (isnan(best))
        best = 5;
    if (isnan(worst))
        worst = best > 1 ? 1 : 0;
    if (!isfinite(v) || best <= 0 || worst >= best || v > best || (v < worst && v < 0))
        return false;
    /* Sites rate out of 5, 10 or 100; store 0..5 so averages compare across sites. A scale
     * from 0 or 1 counts "v out of best" (4 of 5 is 4.0, 8 of 10 is 4.0); one reaching below
     * zero maps linearly. */
    v = worst >= 0 ? v / best * 5 : (v - worst) / (best - worst) * 5;
    *out = round(RM_MAX(v, 0) * 1000) / 1000;
    return true;
}

bool rm_values_rating(const char *s, double best, double worst, double *out)
{
    double v;
    return rm_values_number(s, &v) && rm_values_rating_d(v, best, worst, out);
}

static bool valid_ymd(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

static bool put_date(int y, int m, int d, char out[11])
{
    if (!valid_ymd(y, m, d))
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    return true;
}

static int read_int(const char **p, int max_digits)
{
    int v = 0, n = 0;
    while (n < max_digits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

bool rm_values_date(const char *s, time_t now, const char *lang, char out[11])
{
    const char *p = s;
    int a, b, c;
    char s1, s2;

    (void)now;
    (void)lang;
    if (!s)
        return false;
    while (*p && !isdigit((unsigned char)*p))
        p++;
    a = read_int(&p, 4);
    s1 = *p ? *p++ : 0;
    b = read_int(&p, 2);
    s2 = *p ? *p++ : 0;
    c = read_int(&p, 4);
    if (a < 0 || b < 0 || c < 0 || s1 != s2)
        return false;
    /* 2024-03-12, 2024/03/12, 2024.03.12 ... then 12.03.2024, 12/03/2024 (day first, as
     * written outside the US). */
    if (a >= 1000 && (s1 == '-' || s1 == '/' || s1 == '.'))
        return put_date(a, b, c, out);
    if (c >= 1000 && (s1 == '.' || s1 == '/' || s1 == '-'))
        return put_date(c, b, a, out);
    return false;
}

const char *rm_values_text(const char *s, unsigned flags, rm_arena *a)
{
    char *t;

    if (!s)
        return NULL;
    /* Either way t is a fresh copy, so it can be changed in place. */
    t = (char *)((flags & RM_VALUES_HTML) ? rm_html_strip(s, a)
                                          : rm_html_squash(rm_arena_strdup(a, s)));
    if (!t || !*t)
        return NULL;
    if (!(flags & RM_VALUES_BREAKS))
        for (char *p = t; *p; p++)
            if (*p == '\n')
                *p = ' ';
    return t;
}
