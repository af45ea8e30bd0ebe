#include "core/rm.h"
#include "extractors/charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>

typedef struct label_map {
    const char *label;
    const char *name;
} label_map;

/* WHATWG Encoding labels for the encodings revmine meets (Russian and European sites, and the
 * big East Asian ones), mapped to glibc iconv names. Patterned labels (iso-8859-N,
 * windows-125N, cp125N) are handled in code below. */
static const label_map labels[] = {
    {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"x-cp1251", "WINDOWS-1251"},
    {"koi8-r", "KOI8-R"}, {"koi8_r", "KOI8-R"}, {"koi8", "KOI8-R"}, {"koi", "KOI8-R"},
    {"cskoi8r", "KOI8-R"}, {"koi8-u", "KOI8-U"}, {"koi8-ru", "KOI8-U"},
    {"ibm866", "CP866"}, {"cp866", "CP866"}, {"866", "CP866"}, {"csibm866", "CP866"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"}, {"x-mac-ukrainian", "MAC-CYRILLIC"},
    {"cyrillic", "ISO-8859-5"}, {"csisolatincyrillic", "ISO-8859-5"},
    /* Browsers decode every Latin-1 and ASCII label as windows-1252. */
    {"ascii", "WINDOWS-1252"}, {"us-ascii", "WINDOWS-1252"}, {"ansi_x3.4-1968", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"}, {"cp819", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"}, {"csisolatin1", "WINDOWS-1252"}, {"iso-ir-100", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"}, {"iso88591", "WINDOWS-1252"},
    {"latin2", "ISO-8859-2"}, {"l2", "ISO-8859-2"}, {"latin9", "ISO-8859-15"},
    {"windows-874", "WINDOWS-874"}, {"tis-620", "WINDOWS-874"}, {"iso-8859-11", "WINDOWS-874"},
    {"gbk", "GBK"}, {"gb2312", "GBK"}, {"x-gbk", "GBK"}, {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"}, {"big5-hkscs", "BIG5-HKSCS"}, {"x-x-big5", "BIG5-HKSCS"},
    {"euc-kr", "CP949"}, {"ks_c_5601-1987", "CP949"}, {"windows-949", "CP949"},
    {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"}, {"iso-2022-jp", "ISO-2022-JP"},
    {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"ms_kanji", "CP932"},
    {"windows-31j", "CP932"}, {"x-sjis", "CP932"},
    {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
};

static int set_name(char out[RM_CHARSET_MAX], const char *fmt, int n)
{
    snprintf(out, RM_CHARSET_MAX, fmt, n);
    return 0;
}

/* "iso-8859-5", "iso8859-5", "iso_8859-5", "iso_8859-5:1988", "windows-1251", "cp1251". */
static int patterned_label(const char *s, char out[RM_CHARSET_MAX])
{
    static const char *const iso[] = {"iso-8859-", "iso8859-", "iso_8859-", "iso8859"};
    char *end;
    long n;

    for (size_t i = 0; i < RM_ARRAY_LEN(iso); i++) {
        size_t k = strlen(iso[i]);
        if (strncmp(s, iso[i], k) || !isdigit((unsigned char)s[k]))
            continue;
        n = strtol(s + k, &end, 10);
        if ((*end && *end != ':') || n < 1 || n > 16 || n == 12)
            return -1;
        return n == 1 ? set_name(out, "WINDOWS-1252", 0) : set_name(out, "ISO-8859-%d", (int)n);
    }
    if (!strncmp(s, "windows-125", 11) || !strncmp(s, "cp125", 5)) {
        const char *d = s + (s[0] == 'w' ? 11 : 5);
        if (d[0] >= '0' && d[0] <= '8' && !d[1])
            return set_name(out, "WINDOWS-125%d", d[0] - '0');
    }
    return -1;
}

int rm_charset_label(const char *label, size_t label_len, char out[RM_CHARSET_MAX])
{
    char s[RM_CHARSET_MAX];
    size_t n = 0;

    while (label_len && isspace((unsigned char)*label))
        label++, label_len--;
    while (label_len && isspace((unsigned char)label[label_len - 1]))
        label_len--;
    if (!label_len || label_len >= sizeof(s))
        return -1;
    for (size_t i = 0; i < label_len; i++)
        s[n++] = (char)tolower((unsigned char)label[i]);
    s[n] = '\0';
    for (size_t i = 0; i < RM_ARRAY_LEN(labels); i++) {
        if (!strcmp(s, labels[i].label)) {
            snprintf(out, RM_CHARSET_MAX, "%s", labels[i].name);
            return 0;
        }
    }
    return patterned_label(s, out);
}

static const char *find_ci(const char *s, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        if (!strncasecmp(s + i, needle, k))
            return s + i;
    return NULL;
}

/* The charset parameter of a Content-Type value (also used for <meta content>). */
static int charset_param(const char *s, size_t len, char out[RM_CHARSET_MAX])
{
    const char *p = find_ci(s, len, "charset"), *end = s + len, *v;

    if (!p)
        return -1;
    p += 7;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p >= end || *p != '=')
        return -1;
    p++;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    v = p;
    while (p < end && *p != ';' && *p != '"' && *p != '\'' && !isspace((unsigned char)*p))
        p++;
    return rm_charset_label(v, (size_t)(p - v), out);
}

typedef struct meta_attr {
    const char *name, *value;
    size_t name_len, value_len;
} meta_attr;

/* Reads one attribute of a tag at *pp; returns 0, or -1 at '>' or the end. */
static int next_attr(const char **pp, const char *end, meta_attr *a)
{
    const char *p = *pp;

    while (p < end && (isspace((unsigned char)*p) || *p == '/'))
        p++;
    if (p >= end || *p == '>')
        return -1;
    a->name = p;
    while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
        p++;
    a->name_len = (size_t)(p - a->name);
    a->value = p;
    a->value_len = 0;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p < end && *p == '=') {
        p++;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            a->value = p;
            while (p < end && *p != q)
                p++;
            a->value_len = (size_t)(p - a->value);
            if (p < end)
                p++;
        } else {
            a->value = p;
            while (p < end && !isspace((unsigned char)*p) && *p != '>')
                p++;
            a->value_len = (size_t)(p - a->value);
        }
    }
    *pp = p;
    return 0;
}

static bool attr_is(const meta_attr *a, const char *name)
{
    return a->name_len == strlen(name) && !strncasecmp(a->name, name, a->name_len);
}

/* One <meta ...> tag starting after "<meta": its charset, if it declares one. */
static int meta_charset(const char **pp, const char *end, char out[RM_CHARSET_MAX])
{
    meta_attr a, content = {0};
    bool http_equiv_ct = false;

    while (next_attr(pp, end, &a) == 0) {
        if (attr_is(&a, "charset"))
            return rm_charset_label(a.value, a.value_len, out);
        if (attr_is(&a, "http-equiv"))
            http_equiv_ct = a.value_len == 12 && !strncasecmp(a.value, "content-type", 12);
        else if (attr_is(&a, "content"))
            content = a;
    }
    if (http_equiv_ct && content.value)
        return charset_param(content.value, content.value_len, out);
    return -1;
}

static int prescan(const char *body, size_t len, char out[RM_CHARSET_MAX])
{
    const char *p = body, *end = body + RM_MIN(len, RM_CHARSET_PRESCAN);

    if (len > 5 && !strncmp(body, "<?xml", 5)) {
        const char *close = find_ci(body, (size_t)(end - body), "?>");
        const char *enc = close ? find_ci(body, (size_t)(close - body), "encoding") : NULL;
        meta_attr a;
        const char *q = enc;
        if (enc && next_attr(&q, close, &a) == 0 && a.value_len &&
            rm_charset_label(a.value, a.value_len, out) == 0)
            return 0;
    }
    while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if (end - p >= 4 && !strncmp(p, "<!--", 4)) {
            const char *c = find_ci(p + 4, (size_t)(end - p - 4), "-->");
            p = c ? c + 3 : end;
            continue;
        }
        if (end - p >= 6 && !strncasecmp(p + 1, "meta", 4) &&
            (isspace((unsigned char)p[5]) || p[5] == '/')) {
            p += 5;
            if (meta_charset(&p, end, out) == 0)
                return 0;
            continue;
        }
        p++;
    }
    return -1;
}

/* Undeclared and not UTF-8: Cyrillic text in windows-1251 or KOI8-R is mostly bytes >= 0xC0,
 * Western text mostly ASCII letters. Lower-case letters, the most frequent, sit in 0xE0-0xFF in
 * windows-1251 and in 0xC0-0xDF in KOI8-R. */
static const char *guess_single_byte(const char *body, size_t len)
{
    size_t ascii_letters = 0, hi_c0 = 0, hi_e0 = 0, n = RM_MIN(len, 65536);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)body[i];
        if (isalpha(c))
            ascii_letters++;
        else if (c >= 0xE0)
            hi_e0++;
        else if (c >= 0xC0)
            hi_c0++;
    }
    if ((hi_c0 + hi_e0) * 10 < ascii_letters * 3)
        return "WINDOWS-1252";
    return hi_e0 >= hi_c0 ? "WINDOWS-1251" : "KOI8-R";
}

static size_t utf8_seq(const unsigned char *s, size_t left);

/* Undeclared text is UTF-8 when its high bytes mostly form UTF-8 sequences: a damaged byte
 * here and there does not make a UTF-8 page Latin-1, while text in a single-byte charset
 * almost never forms valid sequences. A sequence cut by the window's end counts as valid. */
static bool looks_utf8(const char *body, size_t len)
{
    const unsigned char *u = (const unsigned char *)body;
    size_t multi = 0, bad = 0, i = 0, n;

    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8_seq(u + i, len - i);
        if (n) {
            multi++;
            i += n;
        } else {
            bad += len - i > 3;
            i++;
        }
    }
    return bad == 0 || multi >= 4 * bad;
}

size_t rm_charset_sniff(const char *content_type, const char *body, size_t len,
                        char out[RM_CHARSET_MAX])
{
    const unsigned char *u = (const unsigned char *)body;
    size_t check;

    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        snprintf(out, RM_CHARSET_MAX, "UTF-8");
        return 3;
    }
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) {
        snprintf(out, RM_CHARSET_MAX, u[0] == 0xFE ? "UTF-16BE" : "UTF-16LE");
        return 2;
    }
    if (content_type && charset_param(content_type, strlen(content_type), out) == 0)
        return 0;
    if (prescan(body, len, out) == 0) {
        /* A page read as ASCII cannot really be UTF-16 (HTML spec, prescan step). */
        if (!strncmp(out, "UTF-16", 6))
            snprintf(out, RM_CHARSET_MAX, "UTF-8");
        return 0;
    }
    check = RM_MIN(len, 65536);
    snprintf(out, RM_CHARSET_MAX, "%s",
             looks_utf8(body, check) ? "UTF-8" : guess_single_byte(body, len));
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid or cut short. NUL counts
 * as invalid: C strings cannot carry it. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;

    if (c && c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* Every page passes here once, so the common cases are taken a word or a pair at a time:
 * eight ASCII bytes without NUL, and the two-byte sequences of Cyrillic and other scripts. */
size_t rm_charset_utf8_valid(const char *s, size_t len)
{
    const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n;
    uint64_t w;

    while (i < len) {
        if (len - i >= 8) {
            memcpy(&w, u + i, 8);
            if (!((w | ((w - ones) & ~w)) & high)) {
                i += 8;
                continue;
            }
        }
        if (u[i] && u[i] < 0x80) {
            i++;
            continue;
        }
        if (u[i] >= 0xC2 && u[i] <= 0xDF && len - i >= 2 && (u[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        n = utf8_seq(u + i, len - i);
        if (!n)
            break;
        i += n;
    }
    return i;
}

static const char replacement[] = "\xEF\xBF\xBD";

/* A copy of len bytes of UTF-8 in a, each invalid sequence (and NUL) made U+FFFD. */
static char *utf8_clean(const char *in, size_t len, rm_arena *a, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)in;
    char *out;
    size_t i = 0, o = 0, n;

    if (len > (SIZE_MAX - 1) / 3)
        rm_xmalloc(SIZE_MAX); /* aborts with the size */
    out = rm_arena_alloc(a, len * 3 + 1);
    while (i < len) {
        n = utf8_seq(u + i, len - i);
        if (n) {
            memcpy(out + o, in + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, replacement, 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

const char *rm_charset_utf8(const char *in, size_t len, rm_arena *a, size_t *out_len)
{
    /* Most pages are clean already and are used in place, without a copy. */
    if (rm_charset_utf8_valid(in, len) == len) {
        *out_len = len;
        return in;
    }
    return utf8_clean(in, len, a, out_len);
}

typedef struct conv {
    rm_arena *a;
    char *buf;
    size_t cap, used;
} conv;

static void conv_grow(conv *c, size_t need)
{
    size_t cap = c->cap;
    if (c->cap - c->used >= need)
        return;
    while (cap - c->used < need)
        cap *= 2;
    c->buf = rm_arena_realloc(c->a, c->buf, c->cap, cap);
    c->cap = cap;
}

static void conv_put_replacement(conv *c)
{
    conv_grow(c, 4);
    memcpy(c->buf + c->used, replacement, 3);
    c->used += 3;
}

/* Runs iconv over all input; EILSEQ and a cut sequence at the end become U+FFFD. */
static void conv_run(iconv_t cd, conv *c, const char *in, size_t len, size_t unit)
{
    char *ip = (char *)in;
    size_t ileft = len;

    for (;;) {
        char *op = c->buf + c->used;
        size_t oleft = c->cap - c->used - 1;
        size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
        c->used = (size_t)(op - c->buf);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            conv_grow(c, c->cap);
        } else if (errno == EILSEQ && ileft > unit) {
            conv_put_replacement(c);
            ip += unit;
            ileft -= unit;
            iconv(cd, NULL, NULL, NULL, NULL);
        } else {
            conv_put_replacement(c);
            break;
        }
    }
}

rm_err rm_charset_to_utf8(const char *charset, const char *in, size_t len, rm_arena *a,
                          const char **out, size_t *out_len)
{
    iconv_t cd;
    conv c = {a, NULL, 0, 0};

    if (!strcmp(charset, "UTF-8")) {
        *out = rm_charset_utf8(in, len, a, out_len);
        return RM_OK;
    }
    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return RM_EUNSUPPORTED;
    if (len > (SIZE_MAX - 64) / 3)
        rm_xmalloc(SIZE_MAX);
    /* Three output bytes per input byte hold every single- and double-byte charset. */
    c.cap = len * 3 + 64;
    c.buf = rm_arena_alloc(a, c.cap);
    conv_run(cd, &c, in, len, !strncmp(charset, "UTF-16", 6) ? 2 : 1);
    iconv_close(cd);
    c.buf[c.used] = '\0';
    /* iconv passes NUL bytes through; C strings downstream cannot hold them. */
    for (size_t i = 0; i < c.used; i++)
        if (!c.buf[i])
            c.buf[i] = ' ';
    *out = c.buf;
    *out_len = c.used;
    return RM_OK;
}
