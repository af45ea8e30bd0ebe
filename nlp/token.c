#include "core/rm.h"
#include "nlp/token.h"

#include <utf8proc.h>

/* Longer words match no lexicon entry; folding them would only cost memory. */
#define FOLD_MAX_BYTES 128
/* The widest decomposition utf8proc produces for one code point (U+FDFA). */
#define DECOMP_MAX 18
/* Open parentheses we remember; deeper nesting is not prose. */
#define PAREN_DEPTH_MAX 64

typedef struct lexer {
    const unsigned char *s;
    size_t len;
    size_t pos;
    rm_arena *a;
    rm_tokens *out;
    size_t cap;
    int depth;       /* '(' seen and not yet closed, for bracket smileys */
    int joined_next; /* the next word follows a hyphen between letters */
    int camel_next;  /* a hashtag word stopped where a capital starts its next word */
} lexer;

/* ---- code points ---- */

/* Decodes one code point at pos; returns its byte length, with *cp = -1 for a bad byte. */
static size_t decode(const lexer *lx, size_t pos, int32_t *cp)
{
    utf8proc_ssize_t n;

    if (lx->s[pos] < 0x80) {
        *cp = lx->s[pos];
        return 1;
    }
    n = utf8proc_iterate(lx->s + pos, (utf8proc_ssize_t)(lx->len - pos), cp);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    return (size_t)n;
}

static int32_t peek(const lexer *lx, size_t pos)
{
    int32_t cp;
    if (pos >= lx->len)
        return -1;
    (void)decode(lx, pos, &cp);
    return cp;
}

static bool is_cyrillic(int32_t cp)
{
    return cp >= 0x400 && cp <= 0x52F;
}

static bool is_latin(int32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F &&
                                                                     cp != 0xD7 && cp != 0xF7);
}

static bool is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    if (cp >= 0x400 && cp <= 0x45F)
        return true; /* basic Cyrillic, without a table lookup */
    if (cp < 0)
        return false;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return true;
    default:
        return false;
    }
}

static bool is_upper(int32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0x400 && cp <= 0x45F)
        return cp < 0x430;
    return utf8proc_tolower(cp) != cp;
}

static bool is_lower(int32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    if (cp >= 0x400 && cp <= 0x45F)
        return cp >= 0x430;
    return utf8proc_toupper(cp) != cp;
}

static bool is_mark(int32_t cp)
{
    if (cp < 0x300)
        return false;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return cp == 0xAD || cp == 0x200C; /* soft hyphen, ZWNJ: invisible inside words */
    }
}

static bool is_digit(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static bool is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || cp == '\r' || cp == '\n';
    if (cp < 0)
        return false;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return true;
    default:
        return cp == 0x200B || cp == 0xFEFF;
    }
}

static bool is_line_break(int32_t cp)
{
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == '`' ||
           cp == 0xB4 || cp == 0x2032;
}

static bool is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

/* Code points that only modify the pictograph before them. */
static bool is_emoji_modifier(int32_t cp)
{
    return cp == 0xFE0F || cp == 0xFE0E || cp == 0x200D || cp == 0x20E3 ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F);
}

static bool is_emoji(int32_t cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF && !(cp >= 0x1F3FB && cp <= 0x1F3FF)) ||
           (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2300 && cp <= 0x23FF) ||
           (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0x3030 || cp == 0x303D || cp == 0x3297 ||
           cp == 0x3299;
}

/* Sentence-ending and clause-ending punctuation, merged into one run token. */
static bool is_run_punct(int32_t cp)
{
    switch (cp) {
    case '.': case '!': case '?': case ',': case ';': case ':':
    case 0x2026: case 0x203C: case 0x2049: case 0xA1: case 0xBF:
    case 0x2013: case 0x2014: case 0x2015:
        return true;
    default:
        return false;
    }
}

/* ---- folding ---- */

/* Folds that the lexicon relies on and utf8proc leaves alone. */
static int32_t fold_extra(int32_t cp)
{
    if (cp == 0x451)
        return 0x435; /* ё -> е: written either way in Russian */
    if (is_apostrophe(cp))
        return '\'';
    return cp;
}

static bool dropped(int32_t cp)
{
    return cp == 0x300 || cp == 0x301; /* stress marks in Russian text */
}

/* Lower-cases ASCII and basic Cyrillic without utf8proc's tables: most words are these. */
static int32_t fast_lower(int32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    return cp;
}

static bool fast_foldable(int32_t cp)
{
    return (cp >= 0 && cp < 0x80) || (cp >= 0x400 && cp <= 0x45F);
}

static size_t decomp_all(const int32_t *cps, size_t n, int32_t *dst, size_t cap)
{
    size_t m = 0;
    int bound = 0;
    const utf8proc_option_t opt = UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
                                  UTF8PROC_DECOMPOSE;

    for (size_t i = 0; i < n; i++) {
        utf8proc_ssize_t k = utf8proc_decompose_char(cps[i], dst + m, (utf8proc_ssize_t)(cap - m),
                                                     opt, &bound);
        if (k < 0 || (size_t)k > cap - m)
            continue;
        m += (size_t)k;
    }
    return m;
}

static const char *encode(const int32_t *cps, size_t n, rm_arena *a, size_t *out_len)
{
    char *out = rm_arena_alloc(a, n * 4 + 1);
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        int32_t cp = fold_extra(cps[i]);
        if (dropped(cp))
            continue;
        m += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + m);
    }
    out[m] = '\0';
    *out_len = m;
    return out;
}

/* ASCII and basic Cyrillic without marks, folded byte by byte: nearly every word in our
 * languages. Returns NULL when the word needs the general path. */
static const char *fold_bytes(const unsigned char *s, size_t len, rm_arena *a, size_t *out_len)
{
    char *out = rm_arena_alloc(a, len + 1);
    size_t m = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i], d = i + 1 < len ? s[i + 1] : 0;
        if (c < 0x80) {
            out[m++] = (char)(c == '`' ? '\'' : (c >= 'A' && c <= 'Z') ? c + 32 : c);
        } else if ((c == 0xD0 && d == 0x81) || (c == 0xD1 && d == 0x91)) {
            out[m++] = (char)0xD0, out[m++] = (char)0xB5, i++; /* Ё ё -> е */
        } else if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {
            out[m++] = (char)0xD0, out[m++] = (char)(d + 0x20), i++; /* А-П */
        } else if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {
            out[m++] = (char)0xD1, out[m++] = (char)(d - 0x20), i++; /* Р-Я */
        } else if ((c == 0xD0 && d >= 0xB0 && d <= 0xBF) || (c == 0xD1 && d >= 0x80 && d <= 0x8F)) {
            out[m++] = (char)c, out[m++] = (char)d, i++; /* а-я */
        } else {
            return NULL;
        }
    }
    out[m] = '\0';
    *out_len = m;
    return out;
}

const char *rm_token_fold(const char *word, size_t len, rm_arena *a, size_t *out_len)
{
    int32_t cps[FOLD_MAX_BYTES];
    size_t n = 0, pos = 0;
    bool fast = true;
    lexer lx = {.s = (const unsigned char *)word, .len = len};

    const char *quick;

    if (len > FOLD_MAX_BYTES) {
        *out_len = 0;
        return "";
    }
    quick = fold_bytes((const unsigned char *)word, len, a, out_len);
    if (quick)
        return quick;
    while (pos < len) {
        int32_t cp;
        pos += decode(&lx, pos, &cp);
        if (cp < 0)
            continue;
        fast = fast && fast_foldable(cp);
        cps[n++] = fast_lower(cp);
    }
    if (!fast) {
        int32_t *wide = rm_arena_alloc(a, (n * DECOMP_MAX + 1) * sizeof(*wide));
        size_t m = decomp_all(cps, n, wide, n * DECOMP_MAX + 1);
        utf8proc_ssize_t k = utf8proc_normalize_utf32(wide, (utf8proc_ssize_t)m,
                                                      UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        return encode(wide, k < 0 ? 0 : (size_t)k, a, out_len);
    }
    return encode(cps, n, a, out_len);
}

const char *rm_token_squeeze(const char *s, size_t len, int keep, rm_arena *a, size_t *out_len)
{
    char *out = rm_arena_alloc(a, len + 1);
    size_t m = 0, i = 0;
    lexer lx = {.s = (const unsigned char *)s, .len = len};

    while (i < len) {
        int32_t cp;
        size_t w = decode(&lx, i, &cp), j = i + w;
        int run = 1;
        while (j + w <= len && !memcmp(s + i, s + j, w)) {
            j += w;
            run++;
        }
        if (run >= 3)
            run = keep;
        for (int r = 0; r < run; r++) {
            memcpy(out + m, s + i, w);
            m += w;
        }
        i = j;
    }
    out[m] = '\0';
    *out_len = m;
    return out;
}

/* ---- token list ---- */

static rm_token *push(lexer *lx, rm_tok_kind kind, size_t start, size_t end)
{
    rm_tokens *t = lx->out;
    rm_token *tok;

    if (t->n == lx->cap) {
        size_t old = lx->cap * sizeof(*t->v);
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        t->v = rm_arena_realloc(lx->a, t->v, old, lx->cap * sizeof(*t->v));
    }
    tok = &t->v[t->n++];
    memset(tok, 0, sizeof(*tok));
    if (kind != RM_TOK_WORD)
        lx->joined_next = 0;
    tok->kind = (uint16_t)kind;
    tok->start = start;
    tok->end = end;
    tok->norm = "";
    return tok;
}

static void set_norm(lexer *lx, rm_token *tok, const char *s, size_t n)
{
    tok->norm = rm_arena_strndup(lx->a, s, n);
    tok->norm_len = (uint32_t)n;
}

static void mark_last(lexer *lx, uint16_t flag)
{
    if (lx->out->n)
        lx->out->v[lx->out->n - 1].flags |= flag;
}

/* Is the code point before pos a letter or digit (the end of a word)? */
static bool after_word(const lexer *lx, size_t pos)
{
    size_t p = pos;
    int32_t cp;

    if (p == 0)
        return false;
    p--;
    while (p > 0 && pos - p < 4 && (lx->s[p] & 0xC0) == 0x80)
        p--;
    (void)decode(lx, p, &cp);
    return is_letter(cp) || is_digit(cp);
}

static bool ends_word(const lexer *lx, size_t pos)
{
    int32_t cp = peek(lx, pos);
    return !(is_letter(cp) || is_digit(cp));
}

/* ---- emoticons ---- */

static bool starts_with_ci(const lexer *lx, size_t pos, const char *lit)
{
    size_t n = strlen(lit);
    return lx->len - pos >= n && !strncasecmp((const char *)lx->s + pos, lit, n);
}

/* Emoticons that are fixed strings; checked longest first. */
static const char *const literal_emoticons[] = {
    "&lt;/3", "&lt;3", "</3", "<3", "^_^", "^.^", "^-^", "^^", "-_-", "T_T", "T.T", ";_;",
    "o_O", "O_o", "o_o", "O_O", ">_<", "*_*", "D:", "\\o/",
};

static bool try_literal_emoticon(lexer *lx)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(literal_emoticons); i++) {
        const char *e = literal_emoticons[i];
        size_t n = strlen(e), start = lx->pos;
        bool heart = e[n - 1] == '3';
        rm_token *tok;

        if (lx->len - start < n || memcmp(lx->s + start, e, n) || after_word(lx, start))
            continue;
        while (heart && start + n < lx->len && lx->s[start + n] == '3')
            n++; /* "<333" */
        if (!ends_word(lx, start + n))
            continue;
        tok = push(lx, RM_TOK_EMOTICON, start, start + n);
        if (!strncmp(e, "&lt;", 4))
            set_norm(lx, tok, e[4] == '/' ? "</3" : "<3", e[4] == '/' ? 3 : 2);
        else if (e[0] == '<')
            set_norm(lx, tok, e, strlen(e));
        else
            set_norm(lx, tok, e, n);
        lx->pos = start + n;
        return true;
    }
    return false;
}

/* Faces read right to left, "(:" and "):", stand alone between spaces: inside text the same
 * bytes close a parenthesis before a colon ("(see below):"). */
static bool try_reversed_emoticon(lexer *lx)
{
    size_t start = lx->pos, end = start + 2;
    unsigned char mouth = lx->s[start];
    rm_token *tok;

    if (end > lx->len || lx->s[start + 1] != ':' || (start > 0 && !is_space(lx->s[start - 1])) ||
        (end < lx->len && !is_space(peek(lx, end))))
        return false;
    tok = push(lx, RM_TOK_EMOTICON, start, end);
    set_norm(lx, tok, mouth == '(' ? ":)" : ":(", 2);
    lx->pos = end;
    return true;
}

/* Kaomoji and faces drawn with letters of other scripts; checked before those letters make a
 * word. */
static const char *const unicode_emoticons[] = {
    "\xE0\xB2\xA0_\xE0\xB2\xA0",            /* ಠ_ಠ disapproval */
    "\xE0\xB2\xA5_\xE0\xB2\xA5",            /* ಥ_ಥ tears */
    "\xC2\xAF\\_(\xE3\x83\x84)_/\xC2\xAF", /* ¯\_(ツ)_/¯ shrug */
    "\xE2\x94\xBB\xE2\x94\x81\xE2\x94\xBB", /* ┻━┻ flipped table */
};

static bool starts_unicode_emoticon(int32_t cp)
{
    return cp == 0x0CA0 || cp == 0x0CA5 || cp == 0xAF || cp == 0x253B;
}

static bool try_unicode_emoticon(lexer *lx)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(unicode_emoticons); i++) {
        const char *e = unicode_emoticons[i];
        size_t n = strlen(e);
        rm_token *tok;

        if (lx->len - lx->pos < n || memcmp(lx->s + lx->pos, e, n))
            continue;
        tok = push(lx, RM_TOK_EMOTICON, lx->pos, lx->pos + n);
        set_norm(lx, tok, e, n);
        lx->pos += n;
        return true;
    }
    return false;
}

static char canon_mouth(char m)
{
    switch (m) {
    case 'l': return '|';
    case ']': return ')';
    case '[': return '(';
    case 'P': return 'p';
    case 'O': return 'o';
    case 'S': return 's';
    case 'C': return 'c';
    default: return m;
    }
}

static bool is_mouth(char m, bool letter_eyes)
{
    if (letter_eyes)
        return m == 'D' || m == 'd' || m == 'P' || m == 'p';
    return m && strchr(")(][DPpOo/\\|*3@$SsCcl", m) != NULL;
}

/* Western emoticons: optional '>' brow, eyes, optional tear and nose, then a mouth that may
 * repeat (":)))"). Letter mouths and "x" eyes need a boundary on both sides ("x:Dd" is no
 * face); bracket mouths may follow a word directly, as in "класс:)". */
static bool try_western_emoticon(lexer *lx)
{
    size_t p = lx->pos, start = p, reps = 0, n = 0;
    char norm[8], eyes, mouth;
    bool letter_eyes, bracket, tear = false, brow = false;
    rm_token *tok;

    if (p < lx->len && lx->s[p] == '>') {
        brow = true;
        p++;
    }
    if (p >= lx->len)
        return false;
    eyes = (char)lx->s[p++];
    letter_eyes = eyes == 'x' || eyes == 'X';
    if (!(eyes && strchr(":;=", eyes)) && !letter_eyes)
        return false;
    if (!letter_eyes && p < lx->len && lx->s[p] == '\'') {
        tear = true;
        p++;
    }
    if (!letter_eyes && p < lx->len && (lx->s[p] == '-' || lx->s[p] == '^'))
        p++;
    if (p >= lx->len || !is_mouth((char)lx->s[p], letter_eyes))
        return false;
    mouth = (char)lx->s[p];
    if (eyes == 'X' && mouth == 'P')
        return false; /* "Windows XP": capital XP is an acronym, the face is "xP" */
    bracket = !letter_eyes && strchr(")(][", mouth) != NULL;
    while (p < lx->len && lx->s[p] == (unsigned char)mouth) {
        p++;
        reps++;
    }
    if (!bracket && (after_word(lx, start) || !ends_word(lx, p)))
        return false;
    if (brow)
        norm[n++] = '>';
    norm[n++] = letter_eyes ? 'x' : eyes == '=' ? ':' : eyes;
    if (tear)
        norm[n++] = '\'';
    if (letter_eyes)
        norm[n++] = mouth == 'd' || mouth == 'D' ? 'D' : 'P';
    else
        norm[n++] = canon_mouth(mouth);
    tok = push(lx, RM_TOK_EMOTICON, start, p);
    set_norm(lx, tok, norm, n);
    tok->n_excl = (uint16_t)RM_MIN(reps, 100);
    lx->pos = p;
    return true;
}

/* A run of ')' beyond the open parentheses is a smile ("ok)))"); a run of two or more '(' or
 * one '(' before the end of a line is a frown ("опять сломался(("). */
static void lex_brackets(lexer *lx, int32_t bracket)
{
    size_t start = lx->pos, p = start;
    int k = 0;
    rm_token *tok;

    while (p < lx->len && lx->s[p] == (unsigned char)bracket) {
        p++;
        k++;
    }
    lx->pos = p;
    if (bracket == ')') {
        int closes = RM_MIN(k, lx->depth);
        bool list_marker = k == 1 && start > 0 && is_digit(lx->s[start - 1]);
        lx->depth -= closes;
        if (k - closes == 0 || list_marker) {
            push(lx, RM_TOK_SYM, start, p);
            return;
        }
        tok = push(lx, RM_TOK_EMOTICON, start, p);
        set_norm(lx, tok, ")", 1);
        tok->n_excl = (uint16_t)RM_MIN(k - closes, 100);
        return;
    }
    if (k == 1) {
        size_t q = p;
        int32_t cp = -1;
        while (q < lx->len && (cp = peek(lx, q), is_space(cp) && !is_line_break(cp)))
            q += decode(lx, q, &cp);
        if (q < lx->len && !is_line_break(cp) && !(cp == '.' || cp == '!' || cp == '?')) {
            if (lx->depth < PAREN_DEPTH_MAX)
                lx->depth++;
            push(lx, RM_TOK_SYM, start, p);
            return;
        }
    }
    tok = push(lx, RM_TOK_EMOTICON, start, p);
    set_norm(lx, tok, "(", 1);
    tok->n_excl = (uint16_t)RM_MIN(k, 100);
}

/* ---- words, numbers, the rest ---- */

/* Hashtags written in camel case hold several words: "#EpicFail", "#ThingsILike". A word
 * starts at a capital after a small letter, or at the last capital of a run that goes on in
 * small letters ("ILike"). */
static bool camel_boundary(const lexer *lx, int32_t prev, int32_t cp, size_t next_pos)
{
    if (!is_upper(cp) || prev < 0)
        return false;
    return is_lower(prev) || (is_upper(prev) && is_lower(peek(lx, next_pos)));
}

/* English contractions typed without the apostrophe ("dont", "cant", "im") take the written
 * form's norm, so that every term and phrase with "don't" or "i'm" matches them too. Only
 * forms that are no other word are listed: not "its", "ill", "were", "id", "lets". This runs on
 * every word, so the two lists are reached only through their last or first letters. */
typedef struct contraction_form {
    const char *bare, *full;
    size_t n, full_n;
} contraction_form;

#define CF(bare, full) {bare, full, sizeof(bare) - 1, sizeof(full) - 1}
static const contraction_form nt_forms[] = { /* ends in "nt": the apostrophe goes before t */
    CF("dont", "don't"),       CF("cant", "can't"),       CF("wont", "won't"),
    CF("didnt", "didn't"),     CF("doesnt", "doesn't"),   CF("isnt", "isn't"),
    CF("wasnt", "wasn't"),     CF("arent", "aren't"),     CF("werent", "weren't"),
    CF("couldnt", "couldn't"), CF("wouldnt", "wouldn't"), CF("shouldnt", "shouldn't"),
    CF("havent", "haven't"),   CF("hasnt", "hasn't"),     CF("hadnt", "hadn't"),
    CF("aint", "ain't")};
static const contraction_form pronoun_forms[] = { /* start with i, y, t or w */
    CF("im", "i'm"),         CF("ive", "i've"),       CF("youre", "you're"),
    CF("theyre", "they're"), CF("thats", "that's"),   CF("whats", "what's"),
    CF("theres", "there's")};
#undef CF

static void contraction(lexer *lx, rm_token *tok)
{
    const char *w = tok->norm;
    size_t n = tok->norm_len, count;
    const contraction_form *forms;

    if (n >= 4 && w[n - 2] == 'n' && w[n - 1] == 't') {
        forms = nt_forms;
        count = RM_ARRAY_LEN(nt_forms);
    } else if (n >= 2 && n <= 6 && (w[0] == 'i' || w[0] == 'y' || w[0] == 't' || w[0] == 'w')) {
        forms = pronoun_forms;
        count = RM_ARRAY_LEN(pronoun_forms);
    } else {
        return;
    }
    for (size_t i = 0; i < count; i++)
        if (forms[i].n == n && !memcmp(w, forms[i].bare, n)) {
            set_norm(lx, tok, forms[i].full, forms[i].full_n);
            return;
        }
}

static void lex_word(lexer *lx, uint16_t extra_flags, size_t tok_start)
{
    size_t start = lx->pos, p = start;
    int upper = 0, lower = 0, cyr = 0, lat = 0, letters = 0, run = 0;
    int32_t cp, prev = -1;
    rm_token *tok;
    bool joined = lx->joined_next;

    lx->joined_next = 0;
    while (p < lx->len) {
        size_t w = decode(lx, p, &cp);
        if (is_letter(cp) || is_digit(cp) || (is_mark(cp) && p > start)) {
            /* take it */
        } else if (is_apostrophe(cp) && is_letter(prev) && is_letter(peek(lx, p + w))) {
            /* inner apostrophe: don't, it's */
        } else {
            break;
        }
        if ((extra_flags & RM_TOK_HASHTAG) && camel_boundary(lx, prev, cp, p + w)) {
            lx->camel_next = 1;
            break;
        }
        if (is_letter(cp)) {
            bool up = is_upper(cp);
            if (!letters && up)
                extra_flags |= RM_TOK_UPPER1;
            letters++;
            cyr += is_cyrillic(cp);
            lat += is_latin(cp);
            upper += up;
            lower += is_lower(cp);
        }
        run = cp == prev ? run + 1 : 1;
        if (run == 3 && is_letter(cp))
            extra_flags |= RM_TOK_ELONG;
        prev = cp;
        p += w;
    }
    tok = push(lx, RM_TOK_WORD, tok_start, p);
    {
        size_t n;
        tok->norm = rm_token_fold((const char *)lx->s + start, p - start, lx->a, &n);
        tok->norm_len = (uint32_t)n;
        contraction(lx, tok);
    }
    tok->flags = extra_flags | (joined ? RM_TOK_JOINED : 0);
    if (upper >= 2 && lower == 0)
        tok->flags |= RM_TOK_CAPS;
    if (lower)
        tok->flags |= RM_TOK_LOWER;
    if (cyr * 2 > letters)
        tok->flags |= RM_TOK_CYR;
    else if (lat * 2 > letters)
        tok->flags |= RM_TOK_LAT;
    lx->out->n_cyr += (size_t)cyr;
    lx->out->n_lat += (size_t)lat;
    lx->out->n_other += (size_t)(letters - cyr - lat);
    lx->pos = p;
    /* A hyphen between letters joins two words into a compound. */
    if (p < lx->len && is_hyphen(peek(lx, p))) {
        int32_t h;
        size_t w = decode(lx, p, &h);
        if (is_letter(peek(lx, p + w))) {
            lx->pos = p + w;
            lx->joined_next = 1;
        }
    }
}

static void lex_number(lexer *lx)
{
    size_t start = lx->pos, p = start;
    rm_token *tok;

    while (p < lx->len && (is_digit(lx->s[p]) || ((lx->s[p] == '.' || lx->s[p] == ',') &&
                                                    p + 1 < lx->len && is_digit(lx->s[p + 1]) &&
                                                    p > start)))
        p++;
    tok = push(lx, RM_TOK_NUM, start, p);
    set_norm(lx, tok, (const char *)lx->s + start, p - start);
    lx->pos = p;
}

static void lex_emoji(lexer *lx, int32_t cp, size_t w)
{
    size_t start = lx->pos, p = start + w;
    rm_token *tok;
    int32_t next;

    while (p < lx->len && (next = peek(lx, p), is_emoji_modifier(next)))
        p += decode(lx, p, &next);
    tok = push(lx, RM_TOK_EMOJI, start, p);
    {
        char buf[4];
        set_norm(lx, tok, buf, (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf));
    }
    lx->pos = p;
}

static void lex_punct_run(lexer *lx)
{
    size_t start = lx->pos, p = start;
    int excl = 0, quest = 0, sent = 0, clause = 0, colon = 0;
    rm_token *tok;
    int32_t cp;

    while (p < lx->len && (cp = peek(lx, p), is_run_punct(cp))) {
        excl += cp == '!' || cp == 0x203C || cp == 0x2049 || cp == 0xA1;
        quest += cp == '?' || cp == 0x2049 || cp == 0xBF;
        sent += cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x203C ||
                cp == 0x2049;
        clause += cp == ',' || cp == ';';
        colon += cp == ':';
        p += decode(lx, p, &cp);
    }
    /* "Минусы: тормозит" ends a clause at the colon; "18:55" and "2:1" do not */
    if (colon && !(p < lx->len && p - start == 1 && is_digit(peek(lx, p))))
        clause += colon;
    tok = push(lx, RM_TOK_PUNCT, start, p);
    set_norm(lx, tok, (const char *)lx->s + start, RM_MIN(p - start, (size_t)16));
    tok->n_excl = (uint16_t)RM_MIN(excl, 1000);
    tok->n_quest = (uint16_t)RM_MIN(quest, 1000);
    if (sent)
        tok->flags |= RM_TOK_SENT_END;
    else if (clause)
        tok->flags |= RM_TOK_CLAUSE_END;
    lx->pos = p;
}

static bool try_url(lexer *lx)
{
    size_t p = lx->pos;
    int32_t cp;

    if (after_word(lx, p) || !(starts_with_ci(lx, p, "http://") ||
                               starts_with_ci(lx, p, "https://") || starts_with_ci(lx, p, "www.")))
        return false;
    while (p < lx->len && (cp = peek(lx, p), !is_space(cp)))
        p += decode(lx, p, &cp);
    push(lx, RM_TOK_URL, lx->pos, p);
    lx->pos = p;
    return true;
}

static bool try_mention_or_tag(lexer *lx, int32_t c)
{
    size_t p = lx->pos + 1;
    int32_t next = peek(lx, p);

    if (after_word(lx, lx->pos))
        return false;
    if (c == '#' && is_letter(next)) {
        size_t start = lx->pos;
        lx->pos = p;
        lex_word(lx, RM_TOK_HASHTAG, start);
        while (lx->camel_next) {
            lx->camel_next = 0;
            lex_word(lx, RM_TOK_HASHTAG, lx->pos);
        }
        return true;
    }
    if (c != '@' || !(is_letter(next) || is_digit(next) || next == '_'))
        return false;
    while (p < lx->len && (next = peek(lx, p), is_letter(next) || is_digit(next) ||
                                                  next == '_' || next == '.'))
        p += decode(lx, p, &next);
    push(lx, RM_TOK_MENTION, lx->pos, p);
    lx->pos = p;
    return true;
}

/* HTML entities left in scraped text ("&amp;"): one symbol, not a word and a clause break. */
static bool try_entity(lexer *lx)
{
    size_t p = lx->pos + 1;

    while (p < lx->len && p - lx->pos <= 8 &&
           ((lx->s[p] >= 'a' && lx->s[p] <= 'z') || lx->s[p] == '#' || is_digit(lx->s[p])))
        p++;
    if (p == lx->pos + 1 || p >= lx->len || lx->s[p] != ';')
        return false;
    push(lx, RM_TOK_SYM, lx->pos, p + 1);
    lx->pos = p + 1;
    return true;
}

static bool try_ascii_special(lexer *lx, int32_t cp)
{
    switch (cp) {
    case 'h': case 'H': case 'w': case 'W':
        return try_url(lx);
    case '&':
        return try_literal_emoticon(lx) || try_entity(lx);
    case '@': case '#':
        return try_mention_or_tag(lx, cp);
    case ':': case ';': case '=': case 'x': case 'X': case '>':
        return try_western_emoticon(lx) || try_literal_emoticon(lx);
    case '<': case '^': case '-': case 'T': case 'o': case 'O': case '*': case 'D': case '\\':
        return try_literal_emoticon(lx);
    case '(': case ')':
        return try_reversed_emoticon(lx);
    default:
        return false;
    }
}

static void lex_one(lexer *lx)
{
    int32_t cp;
    size_t w = decode(lx, lx->pos, &cp);

    if (cp < 0 || is_emoji_modifier(cp) || (is_mark(cp))) {
        lx->pos += w;
        return;
    }
    if (is_line_break(cp)) {
        mark_last(lx, RM_TOK_SENT_END);
        lx->pos += w;
        return;
    }
    if (is_space(cp)) {
        lx->pos += w;
        return;
    }
    if (cp < 0x80 && try_ascii_special(lx, cp))
        return;
    if (starts_unicode_emoticon(cp) && try_unicode_emoticon(lx))
        return;
    if (is_letter(cp))
        lex_word(lx, 0, lx->pos);
    else if (is_digit(cp))
        lex_number(lx);
    else if (is_emoji(cp))
        lex_emoji(lx, cp, w);
    else if (cp == '(' || cp == ')')
        lex_brackets(lx, cp);
    else if (is_run_punct(cp))
        lex_punct_run(lx);
    else {
        push(lx, RM_TOK_SYM, lx->pos, lx->pos + w);
        lx->pos += w;
    }
}

void rm_token_split(const char *text, size_t len, rm_arena *a, rm_tokens *out)
{
    lexer lx = {.s = (const unsigned char *)text, .len = len, .a = a, .out = out};

    memset(out, 0, sizeof(*out));
    while (lx.pos < len) {
        size_t before = lx.pos;
        lex_one(&lx);
        if (lx.pos == before)
            lx.pos++; /* every step consumes input, whatever the bytes */
    }
}
