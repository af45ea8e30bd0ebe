/* Record values from selected text: the one place extraction turns strings into prices,
 * ratings, dates and counts.
 *
 * Thread-safety: pure functions; any thread.
 *
 * Structured data and rule fields both come through here, so the normalisers
 * (extractors/normalize.h, written separately) plug in at one spot. What is here reads the
 * machine forms structured data uses ("1299.00", "4,5", "2024-03-12T10:00:00+03:00") and the
 * common visible ones ("1 299 ₽", "12.03.2024"). */
#ifndef RM_VALUES_H
#define RM_VALUES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"

/* Amount of a price text ("1 299,00 ₽", "$1,299.99", "1299"); currency gets the ISO 4217 code
 * the text shows, or "" when it shows none. false when there is no number. */
bool rm_values_price(const char *s, double *amount, char currency[4]);
/* ISO 4217 code for a code, symbol or word ("RUB", "руб.", "₽", "$", "usd"). */
bool rm_values_currency(const char *s, char currency[4]);
/* A decimal number ("4.5", "4,5", "-1"): the first one in s. */
bool rm_values_number(const char *s, double *out);
/* A count ("1 234", "1,234 reviews", "87"): digits with grouping separators. */
bool rm_values_int(const char *s, int64_t *out);

/* Rating on a 0..5 scale. best and worst are the site's scale (NAN when not given; schema.org
 * then means 5 and 1); a value above best is refused. */
bool rm_values_rating(const char *s, double best, double worst, double *out);
/* Same for a number already parsed. */
bool rm_values_rating_d(double v, double best, double worst, double *out);

/* ISO 8601 date "YYYY-MM-DD" from a date or date-time text. now and lang are hints for texts
 * that need them. */
bool rm_values_date(const char *s, time_t now, const char *lang, char out[11]);

enum {
    RM_VALUES_HTML = 1 << 0,  /* s may hold markup (JSON values): strip tags, decode entities */
    RM_VALUES_BREAKS = 1 << 1 /* keep line breaks as one '\n' (review bodies, bios) */
};

/* Plain text: white space squashed to one space (or one newline with RM_VALUES_BREAKS), the
 * ends trimmed; with RM_VALUES_HTML tags stripped and entities decoded first. Text read from
 * an HTML tree is already decoded and goes without RM_VALUES_HTML, so "&lt;b&gt;" on a page
 * stays "<b>". NULL or empty results come back as NULL. The result comes from a. */
const char *rm_values_text(const char *s, unsigned flags, rm_arena *a);

#endif
