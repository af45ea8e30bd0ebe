/* Prices: amount and ISO 4217 currency from the text shops print. */
#include "core/rm.h"
#include "extractors/normalize_int.h"

#include <math.h>

/* Symbols shared by several currencies. The text's symbol gives the first code of its family
 * unless the page's currency hint names another member. */
typedef enum family {
    FAM_NONE = 0,
    FAM_DOLLAR,
    FAM_YEN,
    FAM_KRONA,
    FAM_RUBLE
} family;

/* Members of each family; the text's symbol alone gives the currency's own code (below). */
static const char *const family_codes[][12] = {
    [FAM_DOLLAR] = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP",
                    "UYU"},
    [FAM_YEN] = {"JPY", "CNY"},
    [FAM_KRONA] = {"SEK", "NOK", "DKK", "ISK"},
    /* Belarus writes its rouble "руб." too. */
    [FAM_RUBLE] = {"RUB", "BYN"},
};

typedef struct currency {
    const char *code; /* NULL: "kr" names no country until a hint does */
    family fam;
} currency;

typedef struct cur_symbol {
    int32_t cp;
    currency cur;
} cur_symbol;

static const cur_symbol symbols[] = {
    {0x20BD, {"RUB", FAM_NONE}}, {'$', {"USD", FAM_DOLLAR}},   {0x20AC, {"EUR", FAM_NONE}},
    {0xA3, {"GBP", FAM_NONE}},   {0xA5, {"JPY", FAM_YEN}},     {0xFFE5, {"JPY", FAM_YEN}},
    {0x20B8, {"KZT", FAM_NONE}}, {0x20B4, {"UAH", FAM_NONE}},  {0x20B9, {"INR", FAM_NONE}},
    {0x20BA, {"TRY", FAM_NONE}}, {0x20A9, {"KRW", FAM_NONE}},  {0x20AA, {"ILS", FAM_NONE}},
    {0x20AB, {"VND", FAM_NONE}}, {0x20BC, {"AZN", FAM_NONE}},  {0x20BE, {"GEL", FAM_NONE}},
    {0x20B1, {"PHP", FAM_NONE}}, {0x0E3F, {"THB", FAM_NONE}},  {0x20A6, {"NGN", FAM_NONE}},
    {0x20AE, {"MNT", FAM_NONE}}, {0x058F, {"AMD", FAM_NONE}},
};

typedef struct cur_word {
    const char *word; /* lower case, ё as е, without the abbreviation dot */
    currency cur;
} cur_word;

static const cur_word words[] = {
    {"руб", {"RUB", FAM_RUBLE}},      {"рубль", {"RUB", FAM_RUBLE}},
    {"рубля", {"RUB", FAM_RUBLE}},    {"рублей", {"RUB", FAM_RUBLE}},
    {"р", {"RUB", FAM_RUBLE}},        {"rub", {"RUB", FAM_NONE}},
    {"rur", {"RUB", FAM_NONE}},       {"евро", {"EUR", FAM_NONE}},
    {"долл", {"USD", FAM_DOLLAR}},    {"доллар", {"USD", FAM_DOLLAR}},
    {"доллара", {"USD", FAM_DOLLAR}}, {"долларов", {"USD", FAM_DOLLAR}},
    {"тг", {"KZT", FAM_NONE}},        {"тенге", {"KZT", FAM_NONE}},
    {"грн", {"UAH", FAM_NONE}},       {"гривна", {"UAH", FAM_NONE}},
    {"гривны", {"UAH", FAM_NONE}},    {"гривен", {"UAH", FAM_NONE}},
    {"сум", {"UZS", FAM_NONE}},       {"сом", {"KGS", FAM_NONE}},
    {"лари", {"GEL", FAM_NONE}},      {"драм", {"AMD", FAM_NONE}},
    {"dollar", {"USD", FAM_DOLLAR}},  {"dollars", {"USD", FAM_DOLLAR}},
    {"euro", {"EUR", FAM_NONE}},      {"euros", {"EUR", FAM_NONE}},
    {"pound", {"GBP", FAM_NONE}},     {"pounds", {"GBP", FAM_NONE}},
    {"yen", {"JPY", FAM_NONE}},       {"yuan", {"CNY", FAM_NONE}},
    {"rmb", {"CNY", FAM_NONE}},       {"rupee", {"INR", FAM_NONE}},
    {"rupees", {"INR", FAM_NONE}},    {"zł", {"PLN", FAM_NONE}},
    {"zl", {"PLN", FAM_NONE}},        {"zloty", {"PLN", FAM_NONE}},
    {"złoty", {"PLN", FAM_NONE}},     {"kč", {"CZK", FAM_NONE}},
    {"ft", {"HUF", FAM_NONE}},        {"lei", {"RON", FAM_NONE}},
    {"fr", {"CHF", FAM_NONE}},        {"kr", {NULL, FAM_KRONA}},
    /* CJK ideographs are letters (category Lo), so these arrive as words. */
    {"元", {"CNY", FAM_NONE}},        {"円", {"JPY", FAM_NONE}},
};

/* Letters written straight before "$" or "¥" ("US$", "CN¥"). */
typedef struct cur_prefixed {
    const char *prefix;
    int32_t cp;
    const char *code;
} cur_prefixed;

static const cur_prefixed prefixed[] = {
    {"us", '$', "USD"},  {"a", '$', "AUD"},   {"au", '$', "AUD"},  {"c", '$', "CAD"},
    {"ca", '$', "CAD"},  {"hk", '$', "HKD"},  {"nz", '$', "NZD"},  {"s", '$', "SGD"},
    {"sg", '$', "SGD"},  {"r", '$', "BRL"},   {"mx", '$', "MXN"},  {"nt", '$', "TWD"},
    {"cn", 0xA5, "CNY"}, {"jp", 0xA5, "JPY"}, {"rmb", 0xA5, "CNY"},
};

/* ISO 4217 codes accepted as written ("RUB 1299", "1299 usd"); static storage for results. */
static const char *const iso_codes[] = {
    "RUB", "USD", "EUR", "GBP", "JPY", "CNY", "KZT", "UAH", "BYN", "PLN", "CHF", "CZK", "HUF",
    "RON", "BGN", "SEK", "NOK", "DKK", "ISK", "TRY", "INR", "KRW", "ILS", "AED", "SAR", "CAD",
    "AUD", "NZD", "HKD", "SGD", "BRL", "MXN", "ARS", "CLP", "COP", "PEN", "UYU", "ZAR", "EGP",
    "THB", "VND", "IDR", "MYR", "PHP", "TWD", "GEL", "AMD", "AZN", "UZS", "KGS", "TJS", "MDL",
    "RSD", "NGN", "KES", "MNT", NULL,
};

static const char *static_code(const char *code)
{
    for (size_t k = 0; iso_codes[k]; k++)
        if (!strcmp(iso_codes[k], code))
            return iso_codes[k];
    return NULL;
}

static bool iso_word(const rm_norm_tk *t, currency *out)
{
    char up[4];
    const char *code;

    if (t->kind != RM_NORM_TK_WORD || strlen(t->word) != 3)
        return false;
    for (int k = 0; k < 3; k++)
        up[k] = (char)(t->word[k] >= 'a' && t->word[k] <= 'z' ? t->word[k] - 32 : '?');
    up[3] = '\0';
    code = static_code(up);
    if (!code)
        return false;
    out->code = code;
    out->fam = FAM_NONE;
    return true;
}

static bool symbol_cur(const rm_norm_tk *t, currency *out)
{
    if (t->kind != RM_NORM_TK_SYM)
        return false;
    for (size_t k = 0; k < RM_ARRAY_LEN(symbols); k++) {
        if (symbols[k].cp == t->cp) {
            *out = symbols[k].cur;
            return true;
        }
    }
    return false;
}

static bool word_cur(const rm_norm_tk *t, currency *out)
{
    if (t->kind != RM_NORM_TK_WORD)
        return false;
    for (size_t k = 0; k < RM_ARRAY_LEN(words); k++) {
        if (!strcmp(words[k].word, t->word)) {
            *out = words[k].cur;
            return true;
        }
    }
    return iso_word(t, out);
}

/* eBay writes "US $12.99": a space is allowed after a prefix of two letters or more, where
 * it cannot be an article ("a $5 card"). */
static bool prefixed_cur(const rm_norm_tk *t, const rm_norm_tk *next, currency *out)
{
    if (t->kind != RM_NORM_TK_WORD || next->kind != RM_NORM_TK_SYM || next->nspace > 1 ||
        (next->nspace && strlen(t->word) < 2))
        return false;
    for (size_t k = 0; k < RM_ARRAY_LEN(prefixed); k++) {
        if (prefixed[k].cp == next->cp && !strcmp(prefixed[k].prefix, t->word)) {
            out->code = prefixed[k].code;
            out->fam = FAM_NONE;
            return true;
        }
    }
    return false;
}

/* Reads one currency at tk[*i]; advances past it and an abbreviation dot ("руб."). */
static bool take_currency(const rm_norm_tks *tk, size_t *i, currency *out)
{
    const rm_norm_tk *t = &tk->v[*i];
    size_t used;

    if (*i + 1 < tk->n && prefixed_cur(t, &tk->v[*i + 1], out))
        used = 2;
    else if (symbol_cur(t, out) || word_cur(t, out))
        used = 1;
    else
        return false;
    *i += used;
    if (t->kind == RM_NORM_TK_WORD && used == 1 && *i < tk->n && rm_norm_tk_sym(&tk->v[*i], '.') &&
        !tk->v[*i].nspace)
        (*i)++;
    return true;
}

rm_err rm_norm_currency(const char *s, size_t len, const char **code)
{
    rm_norm_tks tk;
    currency c;
    size_t i = 0;

    if (!rm_norm_lex(s, len, &tk) || tk.n == 0 || !take_currency(&tk, &i, &c) || i != tk.n ||
        !c.code)
        return RM_EPARSE;
    *code = c.code;
    return RM_OK;
}

/* ---- numbers with thousands separators ---- */

typedef enum sep_kind {
    SEP_SPACE,
    SEP_APOS,
    SEP_COMMA,
    SEP_DOT
} sep_kind;

/* Fifteen digits stay exact in a double. */
#define MAX_DIGITS 15
#define MAX_GROUPS 8

typedef struct num_parts {
    const rm_norm_tk *group[MAX_GROUPS];
    sep_kind sep[MAX_GROUPS]; /* sep[k] precedes group[k], k >= 1 */
    size_t n;
    bool dash_cents; /* "12,-" or "12.–": no cents */
} num_parts;

static bool is_dash(int32_t cp)
{
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

/* Spaces that shops put between thousands: ordinary, no-break, thin, narrow no-break. */
static bool is_group_space(const rm_norm_tk *t)
{
    int32_t c = t->space_cp;
    return t->nspace == 1 && (c == ' ' || c == 0xA0 || c == 0x202F || (c >= 0x2007 && c <= 0x200A));
}

static bool sep_at(const rm_norm_tk *t, sep_kind *kind)
{
    if (t->kind != RM_NORM_TK_SYM || t->nspace)
        return false;
    if (t->cp == ',')
        *kind = SEP_COMMA;
    else if (t->cp == '.')
        *kind = SEP_DOT;
    else if (t->cp == '\'' || t->cp == 0x2019)
        *kind = SEP_APOS;
    else
        return false;
    return true;
}

/* Collects digit groups and the separators between them, starting at the number tk[*i]. */
static bool scan_groups(const rm_norm_tks *tk, size_t *i, num_parts *p)
{
    p->n = 0;
    p->dash_cents = false;
    p->group[p->n++] = &tk->v[(*i)++];
    while (*i < tk->n) {
        const rm_norm_tk *t = &tk->v[*i];
        sep_kind k;
        if (t->kind == RM_NORM_TK_NUM && t->ndig == 3 && is_group_space(t)) {
            k = SEP_SPACE;
            (*i)++;
        } else if (sep_at(t, &k) && *i + 1 < tk->n && tk->v[*i + 1].kind == RM_NORM_TK_NUM &&
                   !tk->v[*i + 1].nspace) {
            *i += 2;
        } else if (sep_at(t, &k) && k != SEP_APOS && *i + 1 < tk->n &&
                   tk->v[*i + 1].kind == RM_NORM_TK_SYM && is_dash(tk->v[*i + 1].cp) &&
                   !tk->v[*i + 1].nspace) {
            *i += 2;
            p->dash_cents = true;
            return true;
        } else {
            return true;
        }
        if (p->n == MAX_GROUPS)
            return false;
        p->sep[p->n] = k;
        p->group[p->n++] = &tk->v[*i - 1];
    }
    return true;
}

/* Which separator, if any, is the decimal point. Returns p->n when there is none. */
static size_t decimal_index(const num_parts *p)
{
    size_t last = p->n - 1;
    sep_kind lk;
    bool other = false;

    if (p->n < 2 || p->dash_cents)
        return p->n;
    lk = p->sep[last];
    if (lk != SEP_COMMA && lk != SEP_DOT)
        return p->n;
    for (size_t k = 1; k < last; k++) {
        if (p->sep[k] == lk)
            return p->n; /* "1,299,000": a repeated mark separates thousands */
        other = true;
    }
    if (other)
        return last; /* "1.299,50", "1 299,50" */
    /* A lone mark: three digits after it are thousands ("1,299", "1.299") when the part
     * before could be a thousands group (1-3 digits, not 0); else it is a decimal point
     * ("12,99", "0.299", "1299.000"). */
    if (p->group[1]->ndig == 3 && p->group[0]->num != 0 && p->group[0]->ndig <= 3)
        return p->n;
    return last;
}

static bool parts_value(const num_parts *p, double *out)
{
    size_t dec = decimal_index(p);
    uint64_t mant = 0;
    int digits = 0, frac = 0;

    for (size_t k = 0; k < p->n; k++) {
        const rm_norm_tk *g = p->group[k];
        if (k > 0 && k < dec && (p->sep[k] != p->sep[1] || g->ndig != 3))
            return false;
        if (k == 1 && dec > 1 && p->group[0]->ndig > 3)
            return false;
        digits += g->ndig;
        if (digits > MAX_DIGITS)
            return false;
        for (int d = 0; d < g->ndig; d++)
            mant *= 10;
        mant += g->num;
        if (k == dec)
            frac = g->ndig;
    }
    *out = (double)mant / pow(10, frac);
    return true;
}

static bool take_number(const rm_norm_tks *tk, size_t *i, double *out)
{
    num_parts p;
    return scan_groups(tk, i, &p) && parts_value(&p, out);
}

/* ---- price grammar ---- */

/* Words a price label may start with ("от 499 ₽", "Цена: 1 299 ₽"); Shopify themes put
 * "Regular price" and "Sale price" before every price for screen readers. */
static const char *const lead_words[] = {
    "от", "цена", "стоимость", "всего", "только", "итого", "from", "price", "only", "just",
    "total", "starting", "at", "regular", "sale", "special", "now", NULL,
};
static const char *const free_words[] = {
    "бесплатно", "бесплатный", "бесплатная", "бесплатное", "free", "gratis", NULL,
};
static const char *const range_words[] = {"до", "to", NULL};
/* A unit after the price ("499 ₽/мес", "499 ₽ за шт.") ends what we read. */
static const char *const unit_words[] = {"за", "per", "each", NULL};

/* One end of a price: a number with at most one currency before it and one after
 * ("$12.99 USD"). */
typedef struct side {
    bool has_num, cur_before, cur_after;
    double amount;
} side;

typedef struct price_parse {
    side sides[2];
    int cur;          /* side being filled: 0, or 1 after a range mark */
    bool has_currency;
    currency currency; /* every currency mention, merged */
    bool free;
    bool stop;        /* a unit tail started */
} price_parse;

static bool ignorable(const rm_norm_tks *tk, size_t i)
{
    const rm_norm_tk *t = &tk->v[i];
    if (t->kind != RM_NORM_TK_SYM)
        return false;
    return t->cp == ':' || t->cp == '*' || t->cp == ',' || t->cp == ';' || t->cp == '(' ||
           t->cp == ')' || t->cp == '!' || (t->cp == '.' && i > 0 && !t->nspace);
}

static bool take_range(price_parse *pp, const rm_norm_tk *t)
{
    bool mark = (t->kind == RM_NORM_TK_SYM && (is_dash(t->cp) || t->cp == '~')) ||
                rm_norm_tk_find(t, range_words) >= 0;
    if (!mark)
        return false;
    if (pp->cur == 1 || !pp->sides[0].has_num)
        return false;
    pp->cur = 1;
    return true;
}

static bool in_family(family f, const char *code)
{
    for (size_t k = 0; k < RM_ARRAY_LEN(family_codes[0]); k++)
        if (family_codes[f][k] && !strcmp(family_codes[f][k], code))
            return true;
    return false;
}

/* b refines a when both name the same currency or b names a member of a's family. */
static bool refines(const currency *a, const currency *b)
{
    if (a->code && b->code && !strcmp(a->code, b->code))
        return true;
    if (a->fam != FAM_NONE && a->fam == b->fam)
        return true;
    return a->fam != FAM_NONE && b->fam == FAM_NONE && in_family(a->fam, b->code);
}

/* All mentions must name one currency ("$10 - 20 CAD" is CAD); the most specific stays. */
static bool merge_currency(price_parse *pp, const currency *c)
{
    if (!pp->has_currency) {
        pp->has_currency = true;
        pp->currency = *c;
        return true;
    }
    if (refines(c, &pp->currency))
        return true;
    if (!refines(&pp->currency, c))
        return false;
    pp->currency = *c;
    return true;
}

static bool side_currency(price_parse *pp, side *sd, const currency *c)
{
    bool *slot = sd->has_num ? &sd->cur_after : &sd->cur_before;
    if (*slot)
        return false;
    *slot = true;
    return merge_currency(pp, c);
}

/* One step of the grammar at tk[*i]; false rejects the whole text. */
static bool price_step(const rm_norm_tks *tk, size_t *i, price_parse *pp)
{
    const rm_norm_tk *t = &tk->v[*i];
    side *sd = &pp->sides[pp->cur];
    currency c;

    if (t->kind == RM_NORM_TK_NUM) {
        if (sd->has_num)
            return false;
        sd->has_num = true;
        return take_number(tk, i, &sd->amount);
    }
    if (take_currency(tk, i, &c))
        return side_currency(pp, sd, &c);
    (*i)++;
    if (ignorable(tk, *i - 1) || take_range(pp, t))
        return true;
    if (pp->sides[0].has_num && (rm_norm_tk_sym(t, '/') || rm_norm_tk_find(t, unit_words) >= 0))
        return pp->stop = true;
    if (!pp->sides[0].has_num && !pp->has_currency && rm_norm_tk_find(t, lead_words) >= 0)
        return true;
    if (rm_norm_tk_find(t, free_words) >= 0 && !pp->free)
        return pp->free = true;
    return false;
}

/* The written currency wins; the hint only picks a member of an ambiguous symbol's family. */
static const char *resolve(const price_parse *pp, const char *hint)
{
    const currency *c = &pp->currency;

    if (!pp->has_currency)
        return hint;
    if (c->fam != FAM_NONE && hint && in_family(c->fam, hint))
        return hint;
    return c->code;
}

static rm_err finish(const price_parse *pp, const char *hint, rm_price *out)
{
    const side *a = &pp->sides[0], *b = &pp->sides[1];

    if (pp->free) {
        if (a->has_num || b->has_num || pp->cur)
            return RM_EPARSE;
        out->amount = 0;
    } else {
        if (!a->has_num || (pp->cur == 1 && !b->has_num))
            return RM_EPARSE;
        if (pp->cur == 1 && b->amount < a->amount)
            return RM_EPARSE;
        out->amount = a->amount;
    }
    out->currency = resolve(pp, hint);
    return RM_OK;
}

rm_err rm_norm_price(const char *s, size_t len, const char *currency_hint, rm_price *out)
{
    rm_norm_tks tk;
    price_parse pp;
    const char *hint = NULL;
    size_t i = 0;

    if (currency_hint && rm_norm_currency(currency_hint, strlen(currency_hint), &hint) != RM_OK)
        hint = NULL;
    if (!rm_norm_lex(s, len, &tk))
        return RM_EPARSE;
    memset(&pp, 0, sizeof(pp));
    while (i < tk.n && !pp.stop)
        if (!price_step(&tk, &i, &pp))
            return RM_EPARSE;
    return finish(&pp, hint, out);
}
