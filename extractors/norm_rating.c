/* Ratings: whatever scale the site uses, stored on 0..5 so averages compare across sites. */
#include "core/rm.h"
#include "extractors/normalize_int.h"

#include <math.h>

/* Larger scales are not ratings (a price, a count, a year slipped into the field). */
#define MAX_SCALE 100.0
#define MAX_STARS 20

static const char *const lead_words[] = {
    "рейтинг", "оценка", "средняя", "средний", "балл", "rating", "rated", "score", "average",
    "avg", NULL,
};
/* Units after the value or after the scale: "4 stars", "4 из 5 звёзд", "8 баллов". */
static const char *const unit_words[] = {
    "звезда", "звезды", "звезд", "звездочки", "звездочек", "балл", "балла", "баллов", "star",
    "stars", "points", "pts", NULL,
};
static const char *const of_words[] = {"из", "of", NULL};

typedef struct cursor {
    const rm_norm_tks *tk;
    size_t i;
} cursor;

static const rm_norm_tk *peek(const cursor *c)
{
    return c->i < c->tk->n ? &c->tk->v[c->i] : NULL;
}

static bool at_sym(const cursor *c, int32_t cp, bool spaced)
{
    const rm_norm_tk *t = peek(c);
    return t && rm_norm_tk_sym(t, cp) && (spaced || !t->nspace);
}

static bool is_filled_star(int32_t cp)
{
    return cp == 0x2605 || cp == 0x2B50 || cp == 0x1F31F;
}

/* Half-star glyphs, and "½" drawn after the stars ("★★★★½"). */
static bool is_half_star(int32_t cp)
{
    return cp == 0x2BE8 || cp == 0x2BEA || cp == 0x2BE9 || cp == 0xBD;
}

static bool is_empty_star(int32_t cp)
{
    return cp == 0x2606 || cp == 0x2729;
}

/* A decimal such as "4", "4.5" or "4,5", or "4½"; "4.5.6" is not a number. */
static bool take_value(cursor *c, double *out)
{
    const rm_norm_tk *t = peek(c), *f;

    if (!t || t->kind != RM_NORM_TK_NUM || t->ndig > 6)
        return false;
    *out = (double)t->num;
    c->i++;
    if ((at_sym(c, '.', false) || at_sym(c, ',', false)) && c->i + 1 < c->tk->n &&
        c->tk->v[c->i + 1].kind == RM_NORM_TK_NUM && !c->tk->v[c->i + 1].nspace) {
        f = &c->tk->v[c->i + 1];
        if (f->ndig > 6)
            return false;
        /* Both parts are exact integers, so one division rounds like strtod() does. */
        *out = ((double)t->num * pow(10, f->ndig) + (double)f->num) / pow(10, f->ndig);
        c->i += 2;
        if ((at_sym(c, '.', false) || at_sym(c, ',', false)) && c->i + 1 < c->tk->n &&
            c->tk->v[c->i + 1].kind == RM_NORM_TK_NUM)
            return false;
    } else if (at_sym(c, 0xBD, false)) {
        *out += 0.5;
        c->i++;
    }
    return true;
}

static void skip_lead(cursor *c)
{
    const rm_norm_tk *t;
    while ((t = peek(c)) && (rm_norm_tk_find(t, lead_words) >= 0 || rm_norm_tk_sym(t, ':')))
        c->i++;
}

/* Units and closing punctuation that may end the text. */
static bool at_end(cursor *c)
{
    const rm_norm_tk *t;
    while ((t = peek(c))) {
        if (rm_norm_tk_find(t, unit_words) >= 0 || rm_norm_tk_sym(t, '.') ||
            (t->kind == RM_NORM_TK_SYM && is_filled_star(t->cp)))
            c->i++;
        else
            return false;
    }
    return true;
}

static bool scaled(double v, double scale, double *out)
{
    if (!(scale > 0) || scale > MAX_SCALE || v < 0 || v > scale)
        return false;
    *out = v / scale * 5.0;
    return true;
}

/* "★★★★☆": filled (and half) stars over all stars drawn, or over the hint's scale when no
 * empty star is drawn. */
static bool stars(cursor *c, double best_hint, double *out)
{
    int filled = 0, half = 0, empty = 0;
    const rm_norm_tk *t;

    while ((t = peek(c)) && t->kind == RM_NORM_TK_SYM) {
        if (is_filled_star(t->cp))
            filled++;
        else if (is_half_star(t->cp))
            half++;
        else if (is_empty_star(t->cp))
            empty++;
        else
            break;
        c->i++;
    }
    if (filled + half + empty == 0 || filled + half + empty > MAX_STARS || peek(c))
        return false;
    if (half + empty > 0)
        return scaled(filled + 0.5 * half, filled + half + empty, out);
    return scaled(filled, best_hint > 0 ? best_hint : 5.0, out);
}

/* "4.5", "4,5 из 5", "9/10", "90%", "4 out of 5 stars", "8 баллов". */
static bool numeric(cursor *c, double best_hint, double *out)
{
    double v, scale;
    const rm_norm_tk *t;

    if (!take_value(c, &v))
        return false;
    if (at_sym(c, '%', true)) {
        c->i++;
        return at_end(c) && scaled(v, 100.0, out);
    }
    t = peek(c);
    if (t && rm_norm_tk_is(t, "out"))
        c->i++, t = peek(c);
    if (t && (rm_norm_tk_sym(t, '/') || rm_norm_tk_find(t, of_words) >= 0)) {
        c->i++;
        return take_value(c, &scale) && at_end(c) && scaled(v, scale, out);
    }
    if (!at_end(c))
        return false;
    return scaled(v, best_hint > 0 ? best_hint : 5.0, out);
}

rm_err rm_norm_rating(const char *s, size_t len, double best_hint, double *out)
{
    rm_norm_tks tk;
    cursor c = {&tk, 0};
    size_t start;

    if (!(best_hint >= 0) || best_hint > MAX_SCALE)
        return RM_EINVAL;
    if (!rm_norm_lex(s, len, &tk))
        return RM_EPARSE;
    skip_lead(&c);
    start = c.i;
    if (stars(&c, best_hint, out))
        return RM_OK;
    c.i = start;
    return numeric(&c, best_hint, out) ? RM_OK : RM_EPARSE;
}

rm_err rm_norm_rating_ld(double value, double best, double worst, double *out)
{
    if (isnan(best))
        best = 5.0;
    if (!isfinite(value) || !isfinite(best) || isinf(worst) || best <= 0)
        return RM_EINVAL;
    /* schema.org's default worst is 1, but sites that omit it often rate from 0: only a
     * written worst narrows the range. */
    if (isnan(worst))
        worst = 0;
    if (worst >= best || value < worst || value > best)
        return RM_EINVAL;
    if (worst >= 0)
        *out = value / best * 5.0;
    else
        *out = (value - worst) / (best - worst) * 5.0;
    return RM_OK;
}
