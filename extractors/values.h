/* Record values from selected text: the one place extraction turns strings into prices,
 * ratings, dates, counts and clean text.
 *
 * Thread-safety: pure functions; any thread.
 *
 * Structured data, microformats, OpenGraph and rule fields all come through here. Prices,
 * currencies, ratings, dates and text are read by the normalisers (extractors/normalize.h);
 * this layer adapts them to NUL-terminated strings and record fields and adds the two readers
 * normalize.h has no use for: plain decimal numbers and counts. Strings are borrowed during
 * the call; a NULL string is no value. */
#ifndef RM_VALUES_H
#define RM_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "extractors/normalize.h"

/* A price text ("1 299,00 ₽", "$1,299.99", "1299.00"); currency_hint is the page's separate
 * currency field (priceCurrency, a rule's currency) or NULL. *currency is a static ISO 4217
 * code: the one written in s, else the hint's, else NULL. */
bool rm_values_price(const char *s, const char *currency_hint, double *amount,
                     const char **currency);
/* Static ISO 4217 code of a currency field alone ("RUB", "руб.", "₽", "usd"). */
bool rm_values_currency(const char *s, const char **code);
/* A decimal number ("4.5", "4,5", "-1"): the first one in s. For scale fields (bestRating)
 * and counts that only hold a number. */
bool rm_values_number(const char *s, double *out);
/* A count ("1 234", "1,234 reviews", "87"): digits with grouping separators. */
bool rm_values_int(const char *s, int64_t *out);

/* Rating text ("4,5", "4.5 из 5", "9/10", "★★★★☆") on the 0..5 scale. best and worst are the
 * site's scale, NAN when not given: best is the scale of a bare number (5 by default); a
 * scale reaching below zero (worst < 0) maps a bare number linearly. Three decimals kept. */
bool rm_values_rating(const char *s, double best, double worst, double *out);
/* Same for a number already parsed (schema.org ratingValue, bestRating, worstRating). */
bool rm_values_rating_d(double v, double best, double worst, double *out);

/* ISO 8601 date "YYYY-MM-DD" of a date, date-time or relative text ("3 дня назад" counts
 * back from opts->now); opts as for rm_norm_date(). */
bool rm_values_date(const char *s, const rm_date_opts *opts, char out[RM_DATE_ISO_SIZE]);

enum {
    RM_VALUES_HTML = 1 << 0,  /* s is source text (JSON values, regex captures): strip tags,
                                 decode entities */
    RM_VALUES_BREAKS = 1 << 1 /* keep line breaks as one '\n' (review bodies, bios) */
};

/* Clean text (rm_norm_text()): white space squashed to one space (or one newline with
 * RM_VALUES_BREAKS), the ends trimmed, invisible characters dropped, NFC; with RM_VALUES_HTML
 * entities decoded and, when s holds a '<', tags stripped (then source newlines are spacing,
 * as in a browser). Without it s is text an HTML parser decoded already, so a page's
 * "&amp;lt;b&amp;gt;" (the tree's "&lt;b&gt;") is not decoded again.
 * NULL, blank and over-long results come back as NULL. The result comes from a. */
const char *rm_values_text(const char *s, unsigned flags, rm_arena *a);

#endif
