/* Value normalisers: price and currency, rating scale, dates (ru/en), field text cleanup.
 *
 * Thread-safety: pure functions over caller memory; any thread may call any of them at once.
 *
 * Each parser takes len bytes (s need not be NUL-terminated and is never read past len; s may
 * be NULL when len is 0), accepts any bytes and rejects with RM_EPARSE what it cannot read
 * with confidence: a wrong number in the store is worse than an absent one. Pointers passed
 * in are borrowed for the call only. None allocates except rm_norm_text(), which appends to
 * the caller's rm_buf. The accepted forms and the rules for ambiguous input are listed in
 * README.md ("Value normalisers and JSONPath").
 *
 *   rm_price p;
 *   if (rm_norm_price(text, len, json_currency, &p) == RM_OK)   // "1 299,50 ₽": 1299.5 "RUB"
 *       ...
 *   double r;
 *   if (rm_norm_rating(text, len, 0, &r) == RM_OK)              // "4,5 из 5": 4.5
 *       ...
 *   rm_date d;
 *   char iso[RM_DATE_ISO_SIZE];
 *   rm_date_opts o = {.now = fetched_at, .tz_min = 180};        // a Moscow site
 *   if (rm_norm_date(text, len, &o, &d) == RM_OK)               // "вчера"
 *       rm_norm_date_iso(&d, false, iso);                       // "2024-03-14"
 */
#ifndef RM_NORMALIZE_H
#define RM_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- price and currency ---- */

typedef struct rm_price {
    double amount;        /* >= 0; the low end of a range; 0 for "free" */
    const char *currency; /* static ISO 4217 code, NULL when neither text nor hint names one */
} rm_price;

/* Reads a price such as "1 299 ₽", "1.299,00 €", "от 499 ₽", "US$12.99", "бесплатно".
 * currency_hint is the page's separate currency field (JSON-LD priceCurrency, a rule's
 * currency), any text rm_norm_currency() reads, or NULL. The currency written in s wins over
 * the hint, except that the hint picks the country of an ambiguous symbol ("$" with "CAD");
 * a hint naming no known currency is ignored. Borrows s and currency_hint during the call. */
RM_MUST_CHECK rm_err rm_norm_price(const char *s, size_t len, const char *currency_hint,
                                   rm_price *out);

/* Maps a currency symbol, code or word ("₽", "руб.", "RUR", "US$", "zł", "CN¥") to its static
 * ISO 4217 code. Ambiguous symbols give their most common country ("$" USD, "¥" JPY);
 * "kr" alone names no country and is rejected. */
RM_MUST_CHECK rm_err rm_norm_currency(const char *s, size_t len, const char **code);

/* ---- rating ---- */

/* Reads a rating such as "4,5 из 5", "4.5/5", "9/10", "90%", "★★★★☆", "4 out of 5 stars"
 * and writes it on the 0..5 scale. A scale written in s wins; best_hint is the scale of a bare
 * number ("8,6" with 10 gives 4.3), 0 when unknown: then a bare number must be within 0..5.
 * RM_EINVAL when best_hint is negative, NaN or above 100. */
RM_MUST_CHECK rm_err rm_norm_rating(const char *s, size_t len, double best_hint, double *out);

/* Puts a schema.org rating (ratingValue, bestRating, worstRating) on the 0..5 scale. best and
 * worst are NAN when absent: best defaults to 5 as in schema.org, an absent worst only asks
 * value >= 0 (sites that omit it often rate from 0, not schema.org's 1). With worst >= 0 the
 * value counts as "value out of best" (4 of 5 is 4.0, 8 of 10 is 4.0); a scale reaching
 * below zero maps linearly onto 0..5. RM_EINVAL for a value outside worst..best, a value that
 * is not finite, or best <= worst. */
RM_MUST_CHECK rm_err rm_norm_rating_ld(double value, double best, double worst, double *out);

/* ---- date ---- */

typedef enum rm_date_order {
    RM_DATE_AUTO = 0, /* slashes: the reading that is not in the future, else month first */
    RM_DATE_DMY,      /* 03/12/2024 is 3 December */
    RM_DATE_MDY       /* 03/12/2024 is 12 March */
} rm_date_order;

typedef struct rm_date_opts {
    time_t now;          /* fetch time (UTC); relative dates count back from it; 0 = unknown */
    int tz_min;          /* the site's UTC offset in minutes: "today" is the site's today */
    rm_date_order order; /* how to read NN/NN/YYYY when both numbers are 12 or less */
} rm_date_opts;

typedef struct rm_date {
    int year, month, day;
    int hour, min, sec;  /* the clock time written in the text; valid when has_time */
    int tz_min;          /* UTC offset written in the text; valid when has_tz */
    bool has_time, has_tz;
    bool month_only;     /* the text named only month and year: day is 1 */
    bool relative;       /* computed from opts->now ("вчера", "3 days ago", "12 марта") */
} rm_date;

/* Reads a date such as "12 марта 2024", "12.03.2024", "2024-03-12T10:00:00+03:00", "вчера",
 * "3 days ago", "Mar 12, 2024", "March 2024", after an optional label of words ("Отзыв от",
 * "Reviewed in the United States on"). The date is the one written, in the site's time; an
 * offset in the text is reported, not applied. opts may be NULL (UTC, no fetch time, AUTO);
 * a relative or yearless date needs opts->now and is rejected without it. RM_EINVAL when
 * opts->tz_min is beyond ±14 hours. */
RM_MUST_CHECK rm_err rm_norm_date(const char *s, size_t len, const rm_date_opts *opts,
                                  rm_date *out);

#define RM_DATE_ISO_SIZE 32
/* Writes "YYYY-MM-DD", or with with_time and a written time "YYYY-MM-DDTHH:MM:SS" followed by
 * "Z" or "+HH:MM" when the text gave an offset. */
void rm_norm_date_iso(const rm_date *d, bool with_time, char out[RM_DATE_ISO_SIZE]);

/* ---- text ---- */

enum {
    RM_TEXT_HTML = 1 << 0,   /* s is an HTML fragment: drop tags, comments, script and style */
    RM_TEXT_BREAKS = 1 << 1, /* keep line breaks: a run of them (newlines in plain text; <br>,
                                <p>, <li>… in HTML) becomes one '\n' */
    RM_TEXT_DECODED = 1 << 2 /* s is text an HTML parser decoded already (a tree's text or
                                attribute): '&' is a character, so a page's "&amp;lt;" that the
                                parser made "&lt;" stays "&lt;"; not with RM_TEXT_HTML */
};

/* Appends a cleaned copy of len bytes to out: HTML entities decoded (once; not at all with
 * RM_TEXT_DECODED), with RM_TEXT_HTML tags stripped, runs of whitespace (NBSP, thin and other
 * Unicode spaces included) collapsed to one space, control and zero-width characters dropped,
 * the ends trimmed, invalid UTF-8 replaced by U+FFFD, and the result in Unicode NFC. Returns
 * out->err: on RM_ETOOBIG (the text does not fit out->max) out keeps only what it held before
 * the call; RM_EINVAL for unknown flags, or RM_TEXT_DECODED with RM_TEXT_HTML. The NFC step
 * runs only for texts with code points beyond Latin-1, Cyrillic, CJK, emoji and common
 * symbols; above 1023 code points it takes one temporary allocation. */
RM_MUST_CHECK rm_err rm_norm_text(const char *s, size_t len, unsigned flags, rm_buf *out);

#endif
