/* UTF-8 decoding, character classes and the token scanner shared by the normalisers. */
#include "core/rm.h"
#include "extractors/normalize_int.h"

#include <utf8proc.h>

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int32_t rm_norm_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    int32_t cp;
    size_t n;

    if (p[0] < 0x80) {
        *i += 1;
        return p[0];
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, cp = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3, cp = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, cp = p[0] & 0x07;
    else
        goto invalid;
    if (left < n)
        goto invalid;
    for (size_t k = 1; k < n; k++) {
        if (!is_cont(p[k]))
            goto invalid;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629 §3). */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        goto invalid;
    *i += n;
    return cp;
invalid:
    *i += 1;
    return RM_NORM_REPLACEMENT;
}

size_t rm_norm_utf8_put(int32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool rm_norm_is_newline(int32_t cp)
{
    return (cp >= 0x0A && cp <= 0x0D) || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

bool rm_norm_is_space(int32_t cp)
{
    if (cp == ' ' || cp == '\t' || rm_norm_is_newline(cp))
        return true;
    return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

bool rm_norm_is_invisible(int32_t cp)
{
    return cp == 0xAD || cp == 0x180E || cp == 0x200B || (cp >= 0x200E && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xFEFF;
}

/* Emoji presentation selectors and joiners glue pictographs ("⭐️"); a value parser sees
 * through them, while rm_norm_text() keeps them because they change what people see. */
static bool lex_ignores(int32_t cp)
{
    return rm_norm_is_invisible(cp) || cp == 0x200C || cp == 0x200D || cp == 0xFE0E ||
           cp == 0xFE0F;
}

static bool is_letter(int32_t cp)
{
    utf8proc_category_t c;
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static bool is_mark(int32_t cp)
{
    utf8proc_category_t c = cp < 0x300 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

/* Words are compared lower-cased, with ё folded to е: Russian sites write either. */
static int32_t fold(int32_t cp)
{
    cp = cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp) : utf8proc_tolower(cp);
    return cp == 0x451 ? 0x435 : cp;
}

static void lex_word(const char *s, size_t len, size_t *i, rm_norm_tk *t)
{
    size_t w = 0;
    bool fits = true;

    while (*i < len) {
        size_t at = *i;
        int32_t cp = rm_norm_utf8_next(s, len, i);
        char enc[4];
        size_t n;
        if (!is_letter(cp) && !is_mark(cp)) {
            *i = at;
            break;
        }
        n = rm_norm_utf8_put(fold(cp), enc);
        if (w + n >= sizeof(t->word))
            fits = false;
        else
            memcpy(t->word + w, enc, n), w += n;
    }
    t->word[fits ? w : 0] = '\0';
}

static void lex_num(const char *s, size_t len, size_t *i, rm_norm_tk *t)
{
    uint64_t v = 0;
    int nd = 0;

    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        unsigned d = (unsigned)(s[*i] - '0');
        v = v > (RM_NORM_NUM_MAX - d) / 10 ? RM_NORM_NUM_MAX : v * 10 + d;
        nd = nd < 1000 ? nd + 1 : nd;
        (*i)++;
    }
    t->num = v;
    t->ndig = nd;
}

bool rm_norm_lex(const char *s, size_t len, rm_norm_tks *out)
{
    size_t i = 0;
    unsigned spaces = 0;
    int32_t space_cp = 0;

    out->n = 0;
    while (i < len) {
        size_t at = i;
        int32_t cp = rm_norm_utf8_next(s, len, &i);
        rm_norm_tk *t;
        if (rm_norm_is_space(cp)) {
            spaces += spaces < 255;
            space_cp = cp;
            continue;
        }
        if (lex_ignores(cp))
            continue;
        if (out->n == RM_NORM_MAX_TOKENS)
            return false;
        t = &out->v[out->n++];
        memset(t, 0, sizeof(*t));
        t->nspace = (uint8_t)spaces;
        t->space_cp = space_cp;
        spaces = 0;
        if (cp >= '0' && cp <= '9') {
            t->kind = RM_NORM_TK_NUM;
            i = at;
            lex_num(s, len, &i, t);
        } else if (is_letter(cp)) {
            t->kind = RM_NORM_TK_WORD;
            i = at;
            lex_word(s, len, &i, t);
        } else {
            t->kind = RM_NORM_TK_SYM;
            t->cp = cp;
        }
    }
    return true;
}

bool rm_norm_tk_is(const rm_norm_tk *t, const char *w)
{
    return t->kind == RM_NORM_TK_WORD && !strcmp(t->word, w);
}

bool rm_norm_tk_sym(const rm_norm_tk *t, int32_t cp)
{
    return t->kind == RM_NORM_TK_SYM && t->cp == cp;
}

int rm_norm_tk_find(const rm_norm_tk *t, const char *const *list)
{
    if (t->kind != RM_NORM_TK_WORD || !t->word[0])
        return -1;
    for (int k = 0; list[k]; k++)
        if (!strcmp(t->word, list[k]))
            return k;
    return -1;
}
