#include "core/rm.h"
#include "extractors/rawtext.h"

#include <utf8proc.h>

#include "extractors/html.h"

typedef struct scan {
    const char *s;
    size_t len;
} scan;

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Offset just after the '>' that ends the tag whose name ends at i, or len when the page
 * ends inside it. Follows the tokenizer's attribute states: only a quote that opens a value
 * (after '=') hides a '>'. Sets *self_closing for a tag ending in "/>". */
static size_t tag_end(const scan *sc, size_t i, bool *self_closing)
{
    const char *s = sc->s;
    const char *gt = memchr(s + i, '>', sc->len - i);

    *self_closing = false;
    if (!gt)
        return sc->len;
    /* Most tags hold no quote, and then the first '>' ends them. */
    if (!memchr(s + i, '"', (size_t)(gt - s) - i) && !memchr(s + i, '\'', (size_t)(gt - s) - i)) {
        *self_closing = gt > s + i && gt[-1] == '/';
        /* "a=b/>" is a value "b/" in the tokenizer, not a self-closing tag. */
        for (const char *p = gt - 1; *self_closing && p >= s + i && !rm_html_space(*p); p--)
            if (*p == '=')
                *self_closing = false;
        return (size_t)(gt - s) + 1;
    }
    while (i < sc->len) {
        /* Before an attribute name: space and '/' are skipped; '>' ends the tag. */
        while (i < sc->len && (rm_html_space(s[i]) || s[i] == '/')) {
            if (s[i] == '/' && i + 1 < sc->len && s[i + 1] == '>')
                *self_closing = true;
            i++;
        }
        if (i >= sc->len)
            break;
        if (s[i] == '>')
            return i + 1;
        *self_closing = false;
        /* The name: its first character may be '=', then up to space, '/', '>' or '='. */
        i++;
        while (i < sc->len && !rm_html_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
            i++;
        while (i < sc->len && rm_html_space(s[i]))
            i++;
        if (i >= sc->len || s[i] != '=')
            continue;
        i++;
        while (i < sc->len && rm_html_space(s[i]))
            i++;
        if (i < sc->len && (s[i] == '"' || s[i] == '\'')) {
            const char *q = memchr(s + i + 1, s[i], sc->len - i - 1);
            if (!q)
                break;
            i = (size_t)(q - s) + 1;
        } else {
            while (i < sc->len && !rm_html_space(s[i]) && s[i] != '>')
                i++;
        }
    }
    return sc->len;
}

/* Offset of the '<' of the first "</name" followed by space, '/' or '>' at or after i (ASCII
 * case-insensitive), or len. With no_comment, also len when "<!--" comes first. */
static size_t end_tag(const scan *sc, size_t i, const char *name, bool no_comment)
{
    size_t k = strlen(name);

    for (;;) {
        const char *lt = memchr(sc->s + i, '<', sc->len - i);
        size_t at;
        if (!lt)
            return sc->len;
        at = (size_t)(lt - sc->s);
        if (no_comment && sc->len - at >= 4 && !memcmp(lt, "<!--", 4))
            return sc->len;
        if (sc->len - at > k + 2 && lt[1] == '/' && !strncasecmp(lt + 2, name, k) &&
            (rm_html_space(lt[k + 2]) || lt[k + 2] == '/' || lt[k + 2] == '>'))
            return at;
        i = at + 1;
    }
}

/* Offset just after the comment that starts at i ("<!--"), or len. As the tokenizer: "<!-->"
 * and "<!--->" are whole comments; "-->" and "--!>" end one. */
static size_t comment_end(const scan *sc, size_t i)
{
    const char *s = sc->s;

    i += 4;
    if (i < sc->len && s[i] == '>')
        return i + 1;
    if (i + 1 < sc->len && s[i] == '-' && s[i + 1] == '>')
        return i + 2;
    for (; i + 2 < sc->len; i++) {
        if (s[i] != '-' || s[i + 1] != '-')
            continue;
        if (s[i + 2] == '>')
            return i + 3;
        if (s[i + 2] == '!' && i + 3 < sc->len && s[i + 3] == '>')
            return i + 4;
    }
    return sc->len;
}

/* True when the parser keeps these bytes as they are (CR aside, which it reads as LF): valid
 * UTF-8 without NUL, C0 controls other than tab, LF, FF and CR, DEL, C1 controls or
 * noncharacters, which Gumbo reports and may replace. */
static bool plain(const char *s, size_t n, bool *has_cr)
{
    const unsigned char *u = (const unsigned char *)s;

    *has_cr = false;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k;
        if (u[i] >= 0x20 && u[i] < 0x7F) {
            i++;
            continue;
        }
        if (u[i] < 0x80) {
            if (u[i] != '\t' && u[i] != '\n' && u[i] != '\f' && u[i] != '\r')
                return false;
            *has_cr |= u[i] == '\r';
            i++;
            continue;
        }
        /* Two bytes from U+00A0 on (Cyrillic, most scripts): never a control or noncharacter. */
        if (u[i] >= 0xC2 && u[i] <= 0xDF && i + 1 < n && (u[i + 1] & 0xC0) == 0x80 &&
            (u[i] > 0xC2 || u[i + 1] >= 0xA0)) {
            i += 2;
            continue;
        }
        k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp <= 0x9F || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
            return false;
        i += (size_t)k;
    }
    return true;
}

/* What a tag name means to the scanner. */
typedef enum kind { K_OTHER, K_FOREIGN, K_PLAINTEXT, K_OPAQUE, K_SCRIPT, K_STYLE } kind;

static bool named(const char *name, size_t k, const char *tag)
{
    return strlen(tag) == k && !strncasecmp(name, tag, k);
}

/* The kind of the k-byte tag name: svg and math (foreign content), plaintext, raw-text and
 * RCDATA elements whose contents hold no markup (opaque: skipped to their end tag), script,
 * style. Every tag of the page comes here, so the length and first letter pick the one or
 * two names worth comparing. */
static kind kind_of(const char *name, size_t k)
{
    char c = (char)(name[0] | 0x20);

    switch (k) {
    case 3:
        return c == 's' && named(name, k, "svg") ? K_FOREIGN
               : c == 'x' && named(name, k, "xmp") ? K_OPAQUE : K_OTHER;
    case 4:
        return c == 'm' && named(name, k, "math") ? K_FOREIGN : K_OTHER;
    case 5:
        return c == 's' && named(name, k, "style") ? K_STYLE
               : c == 't' && named(name, k, "title") ? K_OPAQUE : K_OTHER;
    case 6:
        return c == 's' && named(name, k, "script") ? K_SCRIPT
               : c == 'i' && named(name, k, "iframe") ? K_OPAQUE : K_OTHER;
    case 7:
        return c == 'n' && named(name, k, "noembed") ? K_OPAQUE : K_OTHER;
    case 8:
        return (c == 't' && named(name, k, "textarea")) ||
               (c == 'n' && (named(name, k, "noframes") || named(name, k, "noscript")))
                   ? K_OPAQUE : K_OTHER;
    case 9:
        return c == 'p' && named(name, k, "plaintext") ? K_PLAINTEXT : K_OTHER;
    default:
        return K_OTHER;
    }
}

size_t rm_rawtext_scan(const char *html, size_t len, rm_rawtext_cut *cuts, size_t max)
{
    scan sc = {html, len};
    size_t i = 0, n = 0, foreign = 0;

    while (i < len && n < max) {
        const char *lt = memchr(html + i, '<', len - i);
        size_t at, name, k, end;
        bool closing, self_closing, script;
        kind what;
        if (!lt)
            break;
        at = (size_t)(lt - html);
        if (len - at < 2) {
            break;
        } else if (len - at >= 4 && !memcmp(lt, "<!--", 4)) {
            i = comment_end(&sc, at);
            continue;
        } else if (lt[1] == '!' || lt[1] == '?') {
            /* A doctype or bogus comment ends at its first '>', whatever the quotes. */
            const char *gt = memchr(lt, '>', len - at);
            i = gt ? (size_t)(gt - html) + 1 : len;
            continue;
        }
        closing = lt[1] == '/';
        name = at + 1 + closing;
        if (name >= len || !is_alpha(html[name])) {
            /* "</ x>" is a bogus comment; a '<' before anything else is text. */
            const char *gt = closing ? memchr(lt, '>', len - at) : NULL;
            i = closing ? (gt ? (size_t)(gt - html) + 1 : len) : at + 1;
            continue;
        }
        k = 0;
        while (name + k < len && !rm_html_space(html[name + k]) && html[name + k] != '/' &&
               html[name + k] != '>')
            k++;
        i = tag_end(&sc, name + k, &self_closing);
        if (i >= len)
            break;
        what = kind_of(html + name, k);
        if (what == K_FOREIGN) {
            if (closing && foreign)
                foreign--;
            else if (!closing && !self_closing)
                foreign++;
            continue;
        }
        if (closing || foreign || what == K_OTHER)
            continue;
        if (what == K_PLAINTEXT)
            break;
        if (what == K_OPAQUE) {
            char tag[16];
            memcpy(tag, html + name, k);
            tag[k] = '\0';
            i = end_tag(&sc, i, tag, false);
            continue;
        }
        script = what == K_SCRIPT;
        /* A script holding "<!--" may end at a later "</script>" (escaping): stop there. */
        end = end_tag(&sc, i, script ? "script" : "style", script);
        if (end >= len)
            break;
        cuts[n] = (rm_rawtext_cut){.tag = at, .start = i, .end = end, .style = !script};
        if (end - i >= RM_RAWTEXT_MIN_BYTES && plain(html + i, end - i, &cuts[n].has_cr))
            n++;
        i = end;
    }
    return n;
}
