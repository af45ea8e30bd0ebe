/* Field text cleanup: entities, tags, whitespace, invisible characters, NFC.
 *
 * One pass over the input writes to the caller's buffer; separators are owed rather than
 * written, so runs collapse and the ends come out trimmed without a second pass. Entity
 * output never re-enters tag or entity parsing: "&lt;b&gt;" stays the text "<b>". */
#include "core/rm.h"
#include "extractors/normalize_int.h"

#include <libxml/HTMLparser.h>
#include <utf8proc.h>

#define ENTITY_NAME_MAX 32
#define TAG_NAME_MAX 16
/* Short fields normalise in stack memory; longer ones take one temporary allocation. */
#define NFC_STACK 1024

typedef struct writer {
    rm_buf *out;
    unsigned flags;
    char pending; /* separator owed before the next visible character: 0, ' ' or '\n' */
    bool started; /* something visible was written */
    bool stable;  /* every code point so far is NFC-stable (below): skip normalisation */
} writer;

/* Ranges whose code points are their own NFC (combining class 0, NFC_Quick_Check=Yes) and
 * never compose with a neighbour, so a text made only of them is already NFC. Latin-1,
 * Cyrillic letters, punctuation, currency, symbols, CJK and emoji cover most reviews; any
 * other code point (combining marks, Greek singletons, Hangul jamo…) takes the full pass. */
static const struct {
    int32_t lo, hi;
} nfc_stable[] = {
    {0x0000, 0x02FF}, {0x0400, 0x0482}, {0x048A, 0x052F}, {0x200C, 0x200D},
    {0x2010, 0x2027}, {0x2030, 0x205E}, {0x20A0, 0x20C0}, {0x2600, 0x27BF},
    {0x2B00, 0x2BFF}, {0x4E00, 0x9FFF}, {0xFE00, 0xFE0F}, {0xFFFD, 0xFFFD},
    {0x1F300, 0x1FAFF},
};

static bool is_nfc_stable(int32_t cp)
{
    for (size_t k = 0; k < RM_ARRAY_LEN(nfc_stable); k++)
        if (cp >= nfc_stable[k].lo && cp <= nfc_stable[k].hi)
            return true;
    return false;
}

static void owe_space(writer *w, bool line)
{
    if (line && (w->flags & RM_TEXT_BREAKS))
        w->pending = '\n';
    else if (!w->pending)
        w->pending = ' ';
}

static void pay_space(writer *w)
{
    if (w->pending && w->started)
        (void)rm_buf_addc(w->out, w->pending);
    w->pending = 0;
    w->started = true;
}

static bool dropped(int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || rm_norm_is_invisible(cp) ||
           cp == 0xFFFE || cp == 0xFFFF;
}

static void emit(writer *w, int32_t cp)
{
    char enc[4];

    if (rm_norm_is_space(cp)) {
        /* In HTML, source newlines are plain whitespace; only tags break lines. */
        owe_space(w, rm_norm_is_newline(cp) && !(w->flags & RM_TEXT_HTML));
        return;
    }
    if (dropped(cp))
        return;
    pay_space(w);
    if (cp >= 0x300 && w->stable)
        w->stable = is_nfc_stable(cp);
    (void)rm_buf_add(w->out, enc, rm_norm_utf8_put(cp, enc));
}

/* ---- entities ---- */

/* HTML5 §13.2.5.80: &#128;..&#159; mean what Windows-1252 puts there (&#150; is "–"). */
static const uint16_t cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int32_t numeric_value(uint32_t v)
{
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return RM_NORM_REPLACEMENT;
    if (v >= 0x80 && v <= 0x9F && cp1252[v - 0x80])
        return cp1252[v - 0x80];
    return (int32_t)v;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "&#1234;" or "&#x4D2;" at s[i]; the ';' may be missing, as browsers allow. */
static size_t numeric_entity(const char *s, size_t len, size_t i, int32_t *cp)
{
    size_t j = i + 2;
    int base = 10, d;
    uint32_t v = 0;
    bool any = false;

    if (j < len && (s[j] == 'x' || s[j] == 'X'))
        base = 16, j++;
    for (; j < len && (d = hex_digit(s[j])) >= 0 && d < base; j++, any = true)
        v = v > 0x10FFFF ? v : v * (uint32_t)base + (uint32_t)d;
    if (!any)
        return 0;
    if (j < len && s[j] == ';')
        j++;
    *cp = numeric_value(v);
    return j - i;
}

/* The references careless sites leave in text, looked up before libxml2's linear scan of
 * all HTML 4 names (which also lacks XML's "&apos;"). */
static const struct {
    const char *name;
    int32_t cp;
} common_entities[] = {
    {"amp", '&'},       {"nbsp", 0xA0},     {"quot", '"'},      {"apos", '\''},
    {"lt", '<'},        {"gt", '>'},        {"laquo", 0xAB},    {"raquo", 0xBB},
    {"mdash", 0x2014},  {"ndash", 0x2013},  {"hellip", 0x2026}, {"rsquo", 0x2019},
    {"lsquo", 0x2018},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},
    {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122},  {"euro", 0x20AC},
    {"bull", 0x2022},   {"middot", 0xB7},   {"deg", 0xB0},      {"shy", 0xAD},
};

static bool lookup_entity(const char *name, int32_t *cp)
{
    const htmlEntityDesc *e;

    for (size_t k = 0; k < RM_ARRAY_LEN(common_entities); k++) {
        if (!strcmp(common_entities[k].name, name)) {
            *cp = common_entities[k].cp;
            return true;
        }
    }
    e = htmlEntityLookup((const xmlChar *)name);
    if (e)
        *cp = (int32_t)e->value;
    return e != NULL;
}

/* "&name;" at s[i]. A name without ';' stays text: "AT&T" and "&copy2024" are not
 * references. */
static size_t named_entity(const char *s, size_t len, size_t i, int32_t *cp)
{
    char name[ENTITY_NAME_MAX + 1];
    size_t j = i + 1, n = 0;

    while (j < len && n < ENTITY_NAME_MAX &&
           ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
            (s[j] >= '0' && s[j] <= '9')))
        name[n++] = s[j++];
    if (n == 0 || j >= len || s[j] != ';')
        return 0;
    name[n] = '\0';
    return lookup_entity(name, cp) ? j + 1 - i : 0;
}

static size_t entity(const char *s, size_t len, size_t i, int32_t *cp)
{
    if (i + 1 < len && s[i + 1] == '#')
        return numeric_entity(s, len, i, cp);
    return named_entity(s, len, i, cp);
}

/* ---- tags ---- */

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Returns the index of needle in s[from, len) (ASCII case-insensitive), or len. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t k = from; k + n <= len; k++)
        if (!strncasecmp(s + k, needle, n))
            return k;
    return len;
}

/* Block elements end a line; table cells only separate words. */
static const char *const line_tags[] = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", NULL,
};

static bool in_list(const char *name, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (!strcmp(name, list[k]))
            return true;
    return false;
}

/* Index just past the '>' closing a tag that opens at s[i], quotes in attributes honoured;
 * len when the input ends first (an unterminated tag is dropped, as browsers do). */
static size_t tag_end(const char *s, size_t len, size_t i)
{
    char quote = 0;
    for (size_t k = i; k < len; k++) {
        if (quote) {
            if (s[k] == quote)
                quote = 0;
        } else if (s[k] == '"' || s[k] == '\'') {
            quote = s[k];
        } else if (s[k] == '>') {
            return k + 1;
        }
    }
    return len;
}

static size_t skip_raw_text(const char *s, size_t len, size_t from, const char *closer)
{
    size_t k = find_ci(s, len, from, closer);
    return k == len ? len : tag_end(s, len, k);
}

/* Handles markup at s[i] == '<'. Returns the index after it, or i when the '<' is text. */
static size_t markup(writer *w, const char *s, size_t len, size_t i)
{
    char name[TAG_NAME_MAX + 1];
    size_t j = i + 1, n = 0, end;
    bool closing;

    if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
        size_t k = find_ci(s, len, i + 4, "-->");
        return k == len ? len : k + 3;
    }
    if (j < len && (s[j] == '!' || s[j] == '?'))
        return tag_end(s, len, j);
    closing = j < len && s[j] == '/';
    j += closing;
    if (j >= len || !ascii_alpha(s[j]))
        return i;
    while (j < len && (ascii_alpha(s[j]) || (s[j] >= '0' && s[j] <= '9'))) {
        if (n < TAG_NAME_MAX)
            name[n++] = (char)(s[j] | 0x20);
        j++;
    }
    name[n] = '\0';
    end = tag_end(s, len, j);
    if (!closing && !strcmp(name, "script"))
        return skip_raw_text(s, len, end, "</script");
    if (!closing && !strcmp(name, "style"))
        return skip_raw_text(s, len, end, "</style");
    if (in_list(name, line_tags))
        owe_space(w, true);
    else if (!strcmp(name, "td") || !strcmp(name, "th"))
        owe_space(w, false);
    return end;
}

/* ---- NFC ---- */

/* Rewrites out[start..] in Unicode NFC (utf8proc). The text is valid UTF-8 by construction. */
static void nfc(rm_buf *out, size_t start)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    utf8proc_int32_t stack[NFC_STACK], *buf = stack;
    const utf8proc_uint8_t *seg = (const utf8proc_uint8_t *)out->ptr + start;
    utf8proc_ssize_t seglen = (utf8proc_ssize_t)(out->len - start), n, r;

    /* utf8proc_reencode() writes a NUL after the text: keep one slot spare. */
    n = utf8proc_decompose(seg, seglen, buf, NFC_STACK - 1, opts);
    if (n > NFC_STACK - 1) {
        buf = rm_xmalloc(((size_t)n + 1) * sizeof(*buf));
        n = utf8proc_decompose(seg, seglen, buf, n, opts);
    }
    if (n < 0)
        goto cleanup;
    r = utf8proc_reencode(buf, n, opts);
    if (r < 0 || (r == seglen && !memcmp(buf, seg, (size_t)r)))
        goto cleanup;
    rm_buf_truncate(out, start);
    (void)rm_buf_add(out, buf, (size_t)r);
cleanup:
    if (buf != stack)
        free(buf);
}

/* ---- entry point ---- */

static bool ascii_word_byte(char c, unsigned flags)
{
    return c > 0x20 && c < 0x7F && (c != '&' || (flags & RM_TEXT_DECODED)) &&
           !(c == '<' && (flags & RM_TEXT_HTML));
}

/* Returns the end of the run at s[i] that passes through unchanged: ASCII other than
 * spaces, controls, '&' (unless decoded already) and '<' in HTML, and valid UTF-8 that is
 * neither a space nor a dropped character. Copying runs in one append is what makes cleanup
 * fast. */
static size_t unchanged_run(writer *w, const char *s, size_t len, size_t i)
{
    size_t j = i;

    while (j < len) {
        size_t k = j;
        int32_t cp;
        if ((unsigned char)s[j] < 0x80) {
            if (!ascii_word_byte(s[j], w->flags))
                break;
            j++;
            continue;
        }
        cp = rm_norm_utf8_next(s, len, &k);
        /* A one-byte U+FFFD is an invalid byte to replace, not text to copy. */
        if ((cp == RM_NORM_REPLACEMENT && k - j == 1) || rm_norm_is_space(cp) || dropped(cp))
            break;
        if (w->stable)
            w->stable = is_nfc_stable(cp);
        j = k;
    }
    return j;
}

rm_err rm_norm_text(const char *s, size_t len, unsigned flags, rm_buf *out)
{
    writer w = {out, flags, 0, false, true};
    bool html = flags & RM_TEXT_HTML;
    size_t start = out->len, i = 0;

    if ((flags & ~(unsigned)(RM_TEXT_HTML | RM_TEXT_BREAKS | RM_TEXT_DECODED)) ||
        (html && (flags & RM_TEXT_DECODED)))
        return RM_EINVAL;
    if (out->err)
        return out->err;
    while (i < len && !out->err) {
        int32_t cp;
        size_t j, n;
        if ((j = unchanged_run(&w, s, len, i)) > i) {
            pay_space(&w);
            (void)rm_buf_add(out, s + i, j - i);
            i = j;
        } else if (html && s[i] == '<' && (j = markup(&w, s, len, i)) != i) {
            i = j;
        } else if (s[i] == '&' && !(flags & RM_TEXT_DECODED) &&
                   (n = entity(s, len, i, &cp)) > 0) {
            emit(&w, cp);
            i += n;
        } else {
            emit(&w, rm_norm_utf8_next(s, len, &i));
        }
    }
    if (!out->err && !w.stable)
        nfc(out, start);
    if (out->err)
        rm_buf_truncate(out, start);
    return out->err;
}
