/* Dates in Russian and English: absolute, relative to the fetch time, and machine formats.
 *
 * The text is read as tokens (normalize_int.h). A date may follow a label of words ("Отзыв
 * от", "Reviewed in the United States on") but never digits, so "32 февраля" cannot shrink to
 * "февраля". Each start position tries the forms below in turn; a form is accepted only when
 * it, an optional clock time and time zone, and closing words ("г.", "года") use every token. */
#include "core/rm.h"
#include "extractors/normalize_int.h"

#define MIN_YEAR 1900
#define MAX_YEAR 2200
/* Relative counts beyond this are not something a site prints ("10000 дней назад"). */
#define MAX_AGO 10000

typedef struct dctx {
    const rm_date_opts *o;
    bool has_now;
    int64_t now_local; /* now in the site's time, seconds since the epoch */
    int64_t today;     /* the site's current day, days since the epoch */
    int now_year;
} dctx;

typedef struct cursor {
    const rm_norm_tks *tk;
    size_t i;
} cursor;

/* ---- calendar arithmetic (proleptic Gregorian, no libc time zone state) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static bool valid_ymd(int y, int m, int d)
{
    return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

static void set_day(rm_date *d, int64_t days)
{
    civil_from_days(days, &d->year, &d->month, &d->day);
}

/* A review cannot be from the future; one day of slack covers time zone guesses. */
static bool in_future(const dctx *x, int y, int m, int d)
{
    return x->has_now && days_from_civil(y, m, d) > x->today + 1;
}

/* ---- token helpers ---- */

static const rm_norm_tk *peek(const cursor *c)
{
    return c->i < c->tk->n ? &c->tk->v[c->i] : NULL;
}

static bool at_sym(const cursor *c, int32_t cp, bool spaced)
{
    const rm_norm_tk *t = peek(c);
    return t && rm_norm_tk_sym(t, cp) && (spaced || !t->nspace);
}

static bool at_word(const cursor *c, const char *w)
{
    const rm_norm_tk *t = peek(c);
    return t && rm_norm_tk_is(t, w);
}

static bool skip_sym(cursor *c, int32_t cp, bool spaced)
{
    if (!at_sym(c, cp, spaced))
        return false;
    c->i++;
    return true;
}

static bool skip_word(cursor *c, const char *w)
{
    if (!at_word(c, w))
        return false;
    c->i++;
    return true;
}

/* A number of min..max digits; glued (no space before) when spaced is false. */
static bool take_int(cursor *c, int min, int max, bool spaced, int *out)
{
    const rm_norm_tk *t = peek(c);
    if (!t || t->kind != RM_NORM_TK_NUM || t->ndig < min || t->ndig > max ||
        (!spaced && t->nspace))
        return false;
    *out = (int)t->num;
    c->i++;
    return true;
}

/* ---- words ---- */

/* Full forms of each month; a word names the month when it is a prefix of one of them of at
 * least three letters ("мар.", "sept", "марта", "марте"). */
static const char *const month_forms[12][4] = {
    {"январь", "января", "январе", "january"},   {"февраль", "февраля", "феврале", "february"},
    {"март", "марта", "марте", "march"},         {"апрель", "апреля", "апреле", "april"},
    {"май", "мая", "мае", "may"},                {"июнь", "июня", "июне", "june"},
    {"июль", "июля", "июле", "july"},            {"август", "августа", "августе", "august"},
    {"сентябрь", "сентября", "сентябре", "september"},
    {"октябрь", "октября", "октябре", "october"},
    {"ноябрь", "ноября", "ноябре", "november"},   {"декабрь", "декабря", "декабре", "december"},
};

static size_t letters(const char *w)
{
    size_t n = 0;
    for (; *w; w++)
        n += ((unsigned char)*w & 0xC0) != 0x80;
    return n;
}

static bool month_of(const rm_norm_tk *t, int *m)
{
    size_t len;

    if (t->kind != RM_NORM_TK_WORD || letters(t->word) < 3)
        return false;
    len = strlen(t->word);
    for (int k = 0; k < 12; k++) {
        for (int f = 0; f < 4; f++) {
            if (!strncmp(month_forms[k][f], t->word, len)) {
                *m = k + 1;
                return true;
            }
        }
    }
    return false;
}

static bool take_month(cursor *c, int *m)
{
    const rm_norm_tk *t = peek(c);
    if (!t || !month_of(t, m))
        return false;
    c->i++;
    skip_sym(c, '.', false);
    return true;
}

/* "12", "12th", "1st" */
static bool take_day(cursor *c, int *d)
{
    static const char *const ordinals[] = {"st", "nd", "rd", "th", NULL};
    const rm_norm_tk *t;

    if (!take_int(c, 1, 2, true, d))
        return false;
    t = peek(c);
    if (t && !t->nspace && rm_norm_tk_find(t, ordinals) >= 0)
        c->i++;
    return true;
}

/* ---- relative dates ---- */

#define MINUTE 60
#define HOUR 3600
#define DAY 86400
#define WEEK (7 * DAY)
#define MONTHS 1
#define YEARS 12

typedef struct unit_word {
    const char *word;
    bool calendar; /* months and years move the calendar, not the clock */
    int size;      /* seconds, or months when calendar */
    bool one;      /* the word alone means one ("неделю назад") */
} unit_word;

static const unit_word unit_words[] = {
    {"секунду", false, 1, true},          {"секунды", false, 1, false},
    {"секунд", false, 1, false},          {"сек", false, 1, false},
    {"минуту", false, MINUTE, true},      {"минуты", false, MINUTE, false},
    {"минут", false, MINUTE, false},      {"мин", false, MINUTE, false},
    {"час", false, HOUR, true},           {"часа", false, HOUR, false},
    {"часов", false, HOUR, false},        {"ч", false, HOUR, false},
    {"день", false, DAY, true},           {"дня", false, DAY, false},
    {"дней", false, DAY, false},          {"дн", false, DAY, false},
    {"сутки", false, DAY, true},          {"суток", false, DAY, false},
    {"неделю", false, WEEK, true},        {"недели", false, WEEK, false},
    {"недель", false, WEEK, false},       {"нед", false, WEEK, false},
    {"месяц", true, MONTHS, true},        {"месяца", true, MONTHS, false},
    {"месяцев", true, MONTHS, false},     {"мес", true, MONTHS, false},
    {"год", true, YEARS, true},           {"года", true, YEARS, false},
    {"лет", true, YEARS, false},          {"полгода", true, 6 * MONTHS, true},
    {"полчаса", false, 30 * MINUTE, true},
    {"second", false, 1, false},          {"seconds", false, 1, false},
    {"sec", false, 1, false},             {"secs", false, 1, false},
    {"s", false, 1, false},               {"minute", false, MINUTE, false},
    {"minutes", false, MINUTE, false},    {"min", false, MINUTE, false},
    {"mins", false, MINUTE, false},       {"m", false, MINUTE, false},
    {"hour", false, HOUR, false},         {"hours", false, HOUR, false},
    {"hr", false, HOUR, false},           {"hrs", false, HOUR, false},
    {"h", false, HOUR, false},            {"day", false, DAY, false},
    {"days", false, DAY, false},          {"d", false, DAY, false},
    {"week", false, WEEK, false},         {"weeks", false, WEEK, false},
    {"wk", false, WEEK, false},           {"wks", false, WEEK, false},
    {"w", false, WEEK, false},            {"month", true, MONTHS, false},
    {"months", true, MONTHS, false},      {"mo", true, MONTHS, false},
    {"mos", true, MONTHS, false},         {"year", true, YEARS, false},
    {"years", true, YEARS, false},        {"yr", true, YEARS, false},
    {"yrs", true, YEARS, false},          {"y", true, YEARS, false},
};

typedef struct number_word {
    const char *word;
    int n;
} number_word;

static const number_word number_words[] = {
    {"a", 1},       {"an", 1},        {"one", 1},        {"two", 2},       {"three", 3},
    {"four", 4},    {"five", 5},      {"six", 6},        {"seven", 7},     {"eight", 8},
    {"nine", 9},    {"ten", 10},      {"eleven", 11},    {"twelve", 12},   {"один", 1},
    {"одна", 1},    {"одну", 1},      {"одни", 1},       {"два", 2},       {"две", 2},
    {"пару", 2},    {"около", 1},     {"три", 3},       {"четыре", 4},     {"пять", 5},      {"шесть", 6},
    {"семь", 7},    {"восемь", 8},    {"девять", 9},     {"десять", 10},   {"одиннадцать", 11},
    {"двенадцать", 12},
};

/* "около месяца назад" (about a month ago) reads as one; "около 3 дней" starts at "3". */
static bool take_count(cursor *c, int *n)
{
    const rm_norm_tk *t = peek(c);

    if (!t)
        return false;
    if (t->kind == RM_NORM_TK_NUM) {
        if (t->ndig > 5 || t->num > MAX_AGO)
            return false;
        *n = (int)t->num;
        c->i++;
        return true;
    }
    for (size_t k = 0; k < RM_ARRAY_LEN(number_words); k++) {
        if (rm_norm_tk_is(t, number_words[k].word)) {
            *n = number_words[k].n;
            c->i++;
            return true;
        }
    }
    return false;
}

static const unit_word *take_unit(cursor *c)
{
    const rm_norm_tk *t = peek(c);

    if (!t || t->kind != RM_NORM_TK_WORD)
        return NULL;
    for (size_t k = 0; k < RM_ARRAY_LEN(unit_words); k++) {
        if (!strcmp(unit_words[k].word, t->word)) {
            c->i++;
            skip_sym(c, '.', false);
            return &unit_words[k];
        }
    }
    return NULL;
}

/* Moves the site's current day back by n calendar months, keeping the day when it exists
 * (31 March minus one month is 29 February in a leap year). */
static void months_back(const dctx *x, int n, rm_date *d)
{
    int y, m, day;
    int64_t idx;

    civil_from_days(x->today, &y, &m, &day);
    idx = (int64_t)y * 12 + (m - 1) - n;
    d->year = (int)floor_div(idx, 12);
    d->month = (int)(idx - (int64_t)d->year * 12) + 1;
    d->day = RM_MIN(day, days_in_month(d->year, d->month));
}

static void apply_ago(const dctx *x, const unit_word *u, int n, rm_date *d)
{
    if (u->calendar)
        months_back(x, n * u->size, d);
    else
        set_day(d, floor_div(x->now_local - (int64_t)n * u->size, 86400));
    d->relative = true;
}

/* "3 дня назад", "неделю назад", "a week ago", "last month", "2 дн. тому назад" */
static bool alt_ago(cursor *c, const dctx *x, rm_date *d)
{
    const unit_word *u;
    int n = 1;
    bool counted, last = skip_word(c, "last");

    counted = !last && take_count(c, &n);
    u = take_unit(c);
    if (!u || (!counted && !last && !u->one))
        return false;
    if (!last) {
        skip_word(c, "тому");
        if (!skip_word(c, "назад") && !skip_word(c, "ago"))
            return false;
    }
    if (!x->has_now)
        return false;
    apply_ago(x, u, n, d);
    return true;
}

typedef struct day_word {
    const char *first, *second, *third; /* up to three words in a row; NULL ends */
    int back;                           /* days before today */
} day_word;

static const day_word day_words[] = {
    {"сегодня", NULL, NULL, 0},   {"today", NULL, NULL, 0},     {"вчера", NULL, NULL, 1},
    {"yesterday", NULL, NULL, 1}, {"позавчера", NULL, NULL, 2}, {"только", "что", NULL, 0},
    {"just", "now", NULL, 0},     {"day", "before", "yesterday", 2},
};

/* "сегодня", "вчера", "позавчера", "yesterday", "just now" */
static bool alt_day_word(cursor *c, const dctx *x, rm_date *d)
{
    for (size_t k = 0; k < RM_ARRAY_LEN(day_words); k++) {
        const day_word *w = &day_words[k];
        cursor t = *c;
        if (!skip_word(&t, w->first) || (w->second && !skip_word(&t, w->second)) ||
            (w->third && !skip_word(&t, w->third)))
            continue;
        if (!x->has_now)
            return false;
        *c = t;
        set_day(d, x->today - w->back);
        d->relative = true;
        return true;
    }
    return false;
}

/* ---- absolute dates ---- */

/* "12 марта" without a year: the latest such day that is not in the future. */
static bool infer_year(const dctx *x, int m, int day, rm_date *d)
{
    if (!x->has_now)
        return false;
    for (int y = x->now_year; y >= x->now_year - 8; y--) {
        if (valid_ymd(y, m, day) && !in_future(x, y, m, day)) {
            d->year = y, d->month = m, d->day = day;
            d->relative = true;
            return true;
        }
    }
    return false;
}

static bool set_ymd(int y, int m, int day, rm_date *d)
{
    if (!valid_ymd(y, m, day))
        return false;
    d->year = y, d->month = m, d->day = day;
    return true;
}

/* An optional four-digit year after a day and month. */
static bool finish_dm(cursor *c, const dctx *x, int m, int day, rm_date *d)
{
    int y;
    skip_sym(c, ',', true);
    if (take_int(c, 4, 4, true, &y))
        return set_ymd(y, m, day, d);
    return infer_year(x, m, day, d);
}

/* "12 марта 2024", "12 мар. 2024", "12th of March, 2024", "12 марта" */
static bool alt_day_month(cursor *c, const dctx *x, rm_date *d)
{
    int day, m;

    if (!take_day(c, &day))
        return false;
    if (!skip_sym(c, '.', false) && skip_sym(c, '-', false)) {
        /* "12-Mar-2024" */
        if (!take_month(c, &m) || !skip_sym(c, '-', false))
            return false;
        return finish_dm(c, x, m, day, d);
    }
    skip_word(c, "of");
    if (!take_month(c, &m))
        return false;
    return finish_dm(c, x, m, day, d);
}

/* "Mar 12, 2024", "March 12th 2024", "March 12" */
static bool alt_month_day(cursor *c, const dctx *x, rm_date *d)
{
    int day, m;

    if (!take_month(c, &m) || !take_day(c, &day))
        return false;
    return finish_dm(c, x, m, day, d);
}

/* "March 2024", "март 2024 г.": the first of the month, flagged month_only. */
static bool alt_month_year(cursor *c, const dctx *x, rm_date *d)
{
    int m, y;

    (void)x;
    if (!take_month(c, &m))
        return false;
    skip_sym(c, ',', true);
    if (!take_int(c, 4, 4, true, &y) || !set_ymd(y, m, 1, d))
        return false;
    d->month_only = true;
    return true;
}

/* Two-digit years are this century unless that lands more than a year ahead. */
static int full_year(const dctx *x, int y, int ndig)
{
    if (ndig != 2)
        return y;
    if (x->has_now && 2000 + y > x->now_year + 1)
        return 1900 + y;
    return 2000 + y;
}

/* Slashes and dashes put the month first in the US and the day first in Europe. Only a
 * number above 12 or the caller's order settles it; in AUTO, a reading that would be in the
 * future loses, and month-first wins a tie. */
static bool pick_order(const dctx *x, int a, int b, int y, rm_date *d)
{
    bool mdy_ok = valid_ymd(y, a, b), dmy_ok = valid_ymd(y, b, a);
    rm_date_order o = x->o->order;

    if (o == RM_DATE_AUTO && mdy_ok && dmy_ok && a != b) {
        bool mdy_future = in_future(x, y, a, b), dmy_future = in_future(x, y, b, a);
        o = mdy_future && !dmy_future ? RM_DATE_DMY : RM_DATE_MDY;
    }
    if (o == RM_DATE_DMY && dmy_ok)
        return set_ymd(y, b, a, d);
    if (mdy_ok && (o != RM_DATE_DMY || !dmy_ok))
        return set_ymd(y, a, b, d);
    return dmy_ok && set_ymd(y, b, a, d);
}

/* "2024-03-12", "2024/03/12", "2024.03.12", "12.03.2024", "12.03.24", "03/12/2024",
 * "12-03-2024", and month-only "2024-03", "03.2024", "03/2024". */
static bool alt_numeric(cursor *c, const dctx *x, rm_date *d)
{
    const rm_norm_tk *t1 = peek(c), *t2, *t3, *sep;
    int a, b, y, day;

    if (!t1 || t1->kind != RM_NORM_TK_NUM || c->i + 2 >= c->tk->n)
        return false;
    sep = &c->tk->v[c->i + 1];
    t2 = &c->tk->v[c->i + 2];
    if (!(rm_norm_tk_sym(sep, '.') || rm_norm_tk_sym(sep, '/') || rm_norm_tk_sym(sep, '-')) ||
        sep->nspace || !take_int(c, 1, 4, true, &a) || !skip_sym(c, sep->cp, false) ||
        !take_int(c, 1, 4, false, &b))
        return false;
    if (!skip_sym(c, sep->cp, false)) {
        /* Month and year only. */
        if (t1->ndig == 4 && t2->ndig <= 2 && sep->cp == '-')
            y = a, a = b;
        else if (t1->ndig <= 2 && t2->ndig == 4)
            y = b;
        else
            return false;
        d->month_only = true;
        return set_ymd(y, a, 1, d);
    }
    t3 = peek(c);
    if (t1->ndig == 4)
        return t2->ndig <= 2 && take_int(c, 1, 2, false, &day) && set_ymd(a, b, day, d);
    if (t1->ndig > 2 || t2->ndig > 2 || !t3 || (t3->ndig != 4 && t3->ndig != 2) ||
        !take_int(c, 2, 4, false, &y))
        return false;
    y = full_year(x, y, t3->ndig);
    if (sep->cp == '.')
        return set_ymd(y, b, a, d); /* dots: day first everywhere */
    return pick_order(x, a, b, y, d);
}

/* ---- clock time and zone ---- */

static bool take_ampm(cursor *c, int *h)
{
    bool pm;

    if (at_word(c, "am") || at_word(c, "pm")) {
        pm = at_word(c, "pm");
        c->i++;
    } else if ((at_word(c, "a") || at_word(c, "p")) && c->i + 2 < c->tk->n &&
               rm_norm_tk_sym(&c->tk->v[c->i + 1], '.') &&
               rm_norm_tk_is(&c->tk->v[c->i + 2], "m")) {
        pm = at_word(c, "p");
        c->i += 3;
        skip_sym(c, '.', false);
    } else {
        return true;
    }
    if (*h < 1 || *h > 12)
        return false;
    *h = *h % 12 + (pm ? 12 : 0);
    return true;
}

/* "10:00", "10:00:15", "10:00:15.123", "3:15 PM" */
static bool take_clock(cursor *c, rm_date *d)
{
    int h, mi, s = 0;

    if (!take_int(c, 1, 2, true, &h) || !skip_sym(c, ':', false) ||
        !take_int(c, 2, 2, false, &mi))
        return false;
    if (skip_sym(c, ':', false) && !take_int(c, 2, 2, false, &s))
        return false;
    if ((at_sym(c, '.', false) || at_sym(c, ',', false)) && c->i + 1 < c->tk->n &&
        c->tk->v[c->i + 1].kind == RM_NORM_TK_NUM && !c->tk->v[c->i + 1].nspace)
        c->i += 2;
    if (!take_ampm(c, &h) || h > 23 || mi > 59 || s > 60)
        return false;
    d->has_time = true;
    d->hour = h, d->min = mi, d->sec = s;
    return true;
}

/* "+03:00", "+0300", "-05", "+3" */
static bool take_offset(cursor *c, rm_date *d)
{
    int sign, h, m = 0;
    const rm_norm_tk *t = peek(c);

    if (!t || !(rm_norm_tk_sym(t, '+') || rm_norm_tk_sym(t, '-') || rm_norm_tk_sym(t, 0x2212)))
        return false;
    sign = t->cp == '+' ? 1 : -1;
    c->i++;
    if (take_int(c, 4, 4, false, &h)) {
        m = h % 100, h /= 100;
    } else if (!take_int(c, 1, 2, false, &h)) {
        return false;
    } else if (skip_sym(c, ':', false) && !take_int(c, 2, 2, false, &m)) {
        return false;
    }
    if (h > 14 || m > 59)
        return false;
    d->has_tz = true;
    d->tz_min = sign * (h * 60 + m);
    return true;
}

static bool take_zone(cursor *c, rm_date *d)
{
    if (skip_word(c, "z") || skip_word(c, "utc") || skip_word(c, "gmt")) {
        d->has_tz = true;
        d->tz_min = 0;
        if (at_sym(c, '+', true) || at_sym(c, '-', true))
            return take_offset(c, d);
        return true;
    }
    if (skip_word(c, "мск") || skip_word(c, "msk")) {
        d->has_tz = true;
        d->tz_min = 180;
        return true;
    }
    if (d->has_time && (at_sym(c, '+', true) || at_sym(c, '-', true) || at_sym(c, 0x2212, true)))
        return take_offset(c, d);
    return true;
}

/* Closing words after a year: "2024 г.", "2024 года", "2024г". */
static void skip_year_words(cursor *c)
{
    if (skip_word(c, "г") || skip_word(c, "года") || skip_word(c, "гг"))
        skip_sym(c, '.', false);
}

/* A zone name in parentheses, as JavaScript's Date.toString() ends: "(Moscow Standard Time)". */
static void skip_zone_name(cursor *c)
{
    cursor t = *c;
    const rm_norm_tk *k;

    if (!skip_sym(&t, '(', true))
        return;
    while ((k = peek(&t)) && k->kind == RM_NORM_TK_WORD)
        t.i++;
    if (t.i > c->i + 1 && skip_sym(&t, ')', false))
        *c = t;
}

/* What may follow a date: year words, a clock time after ",", "в", "at" or ISO's "T", a
 * zone, closing punctuation. True when every token is used. */
static bool tail(cursor *c, rm_date *d)
{
    const rm_norm_tk *t;

    skip_year_words(c);
    skip_sym(c, ',', true);
    if (!skip_word(c, "в") && !skip_word(c, "at"))
        skip_word(c, "t");
    if ((t = peek(c)) && t->kind == RM_NORM_TK_NUM && !take_clock(c, d))
        return false;
    if (!take_zone(c, d))
        return false;
    if (d->has_tz)
        skip_zone_name(c);
    skip_year_words(c);
    while (skip_sym(c, '.', true) || skip_sym(c, ',', true))
        ;
    return c->i == c->tk->n;
}

/* ---- entry points ---- */

/* Unix time in seconds (10 digits) or milliseconds (13), as JSON APIs give it. */
static bool epoch(const rm_norm_tks *tk, const dctx *x, rm_date *d)
{
    int64_t t, local;

    if (tk->n != 1 || tk->v[0].kind != RM_NORM_TK_NUM ||
        (tk->v[0].ndig != 10 && tk->v[0].ndig != 13))
        return false;
    t = (int64_t)tk->v[0].num / (tk->v[0].ndig == 13 ? 1000 : 1);
    local = t + (int64_t)x->o->tz_min * 60;
    set_day(d, floor_div(local, 86400));
    local -= floor_div(local, 86400) * 86400;
    d->hour = (int)(local / 3600), d->min = (int)(local / 60 % 60), d->sec = (int)(local % 60);
    d->has_time = d->has_tz = true;
    d->tz_min = x->o->tz_min;
    return valid_ymd(d->year, d->month, d->day);
}

typedef bool (*date_form)(cursor *c, const dctx *x, rm_date *d);

static const date_form forms[] = {
    alt_numeric, alt_day_month, alt_month_day, alt_month_year, alt_day_word, alt_ago,
};

static bool parse_at(const rm_norm_tks *tk, size_t start, const dctx *x, rm_date *out)
{
    for (size_t k = 0; k < RM_ARRAY_LEN(forms); k++) {
        cursor c = {tk, start};
        rm_date d;
        memset(&d, 0, sizeof(d));
        if (forms[k](&c, x, &d) && tail(&c, &d) && valid_ymd(d.year, d.month, d.day)) {
            *out = d;
            return true;
        }
    }
    return false;
}

static void init_ctx(dctx *x, const rm_date_opts *o)
{
    static const rm_date_opts defaults = {0, 0, RM_DATE_AUTO};
    int m, d;

    memset(x, 0, sizeof(*x));
    x->o = o ? o : &defaults;
    x->has_now = x->o->now > 0;
    x->now_local = (int64_t)x->o->now + (int64_t)x->o->tz_min * 60;
    x->today = floor_div(x->now_local, 86400);
    civil_from_days(x->today, &x->now_year, &m, &d);
}

rm_err rm_norm_date(const char *s, size_t len, const rm_date_opts *opts, rm_date *out)
{
    rm_norm_tks tk;
    dctx x;
    rm_date d;

    if (opts && (opts->tz_min < -14 * 60 || opts->tz_min > 14 * 60))
        return RM_EINVAL;
    if (!rm_norm_lex(s, len, &tk))
        return RM_EPARSE;
    init_ctx(&x, opts);
    memset(&d, 0, sizeof(d));
    if (epoch(&tk, &x, &d)) {
        *out = d;
        return RM_OK;
    }
    /* A label of words may precede the date; digits may not (see the top of the file). */
    for (size_t start = 0; start < tk.n; start++) {
        if (start > 0 && tk.v[start - 1].kind == RM_NORM_TK_NUM)
            break;
        if (parse_at(&tk, start, &x, out))
            return RM_OK;
    }
    return RM_EPARSE;
}

void rm_norm_date_iso(const rm_date *d, bool with_time, char out[RM_DATE_ISO_SIZE])
{
    int n;
    unsigned y = (unsigned)d->year % 10000, mo = (unsigned)d->month % 100,
             dd = (unsigned)d->day % 100;

    n = snprintf(out, RM_DATE_ISO_SIZE, "%04u-%02u-%02u", y, mo, dd);
    if (!with_time || !d->has_time)
        return;
    n += snprintf(out + n, RM_DATE_ISO_SIZE - (size_t)n, "T%02u:%02u:%02u",
                  (unsigned)d->hour % 100, (unsigned)d->min % 100, (unsigned)d->sec % 100);
    if (!d->has_tz)
        return;
    if (d->tz_min == 0) {
        snprintf(out + n, RM_DATE_ISO_SIZE - (size_t)n, "Z");
        return;
    }
    snprintf(out + n, RM_DATE_ISO_SIZE - (size_t)n, "%c%02u:%02u", d->tz_min < 0 ? '-' : '+',
             (unsigned)abs(d->tz_min) / 60 % 100, (unsigned)abs(d->tz_min) % 60);
}
