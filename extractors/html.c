#include "core/rm.h"
#include "extractors/html.h"
#include "extractors/rawtext.h"

#include <ctype.h>

static void *arena_alloc(void *userdata, size_t size)
{
    return rm_arena_alloc(userdata, size);
}

/* The arena frees the whole tree at once; Gumbo's frees of grown vectors are dropped. */
static void arena_free(void *userdata, void *ptr)
{
    (void)userdata;
    (void)ptr;
}

static GumboOutput *parse_with(const char *html, size_t len, rm_arena *a, GumboTag fragment)
{
    GumboOptions opts = kGumboDefaultOptions;

    opts.allocator = arena_alloc;
    opts.deallocator = arena_free;
    opts.userdata = a;
    /* The error list is never read; recording none saves time and memory on tag soup. */
    opts.max_errors = 0;
    opts.fragment_context = fragment;
    return gumbo_parse_with_options(&opts, html, len);
}

/* The cut's contents as the parser would have them: CR LF and lone CR read as LF. */
static const char *cut_text(const char *html, const rm_rawtext_cut *c, rm_arena *a)
{
    char *t = rm_arena_alloc(a, c->end - c->start + 1), *w = t;

    if (!c->has_cr) {
        memcpy(t, html + c->start, c->end - c->start);
        t[c->end - c->start] = '\0';
        return t;
    }
    for (size_t i = c->start; i < c->end; i++) {
        if (html[i] != '\r')
            *w++ = html[i];
        else if (i + 1 == c->end || html[i + 1] != '\n')
            *w++ = '\n';
    }
    *w = '\0';
    return t;
}

static bool all_space(const char *s)
{
    for (; *s; s++)
        if (!rm_html_space(*s))
            return false;
    return true;
}

/* Gives the empty element el its text back: what the parser would have made of cut c. */
static void restore(GumboNode *el, const char *html, const rm_rawtext_cut *c, rm_arena *a)
{
    GumboNode *t = rm_arena_calloc(a, 1, sizeof(*t));
    GumboVector *kids = &el->v.element.children;

    t->v.text.text = cut_text(html, c, a);
    t->type = all_space(t->v.text.text) ? GUMBO_NODE_WHITESPACE : GUMBO_NODE_TEXT;
    t->parent = el;
    t->index_within_parent = 0;
    t->parse_flags = GUMBO_INSERTION_NORMAL;
    t->v.text.original_text.data = html + c->start;
    t->v.text.original_text.length = c->end - c->start;
    t->v.text.start_pos = el->v.element.end_pos;
    kids->data = rm_arena_alloc(a, sizeof(void *));
    kids->data[0] = t;
    kids->length = kids->capacity = 1;
}

/* Puts the n cuts' contents back into doc, parsed from buf (the page without them), and
 * returns true; false when a cut is not exactly a script or style element of the tree, with
 * its end tag right after its start tag: then the scanner read the page unlike the parser. */
static bool restore_cuts(GumboOutput *doc, const char *buf, size_t buf_len, const char *html,
                         const rm_rawtext_cut *cuts, const size_t *at, size_t n, rm_arena *a)
{
    size_t matched = 0;

    for (GumboNode *el = doc->document; el;
         el = (GumboNode *)rm_html_next(el, doc->document)) {
        const GumboElement *e = &el->v.element;
        size_t lo = 0, hi = n, off;
        if (el->type != GUMBO_NODE_ELEMENT ||
            (e->tag != GUMBO_TAG_SCRIPT && e->tag != GUMBO_TAG_STYLE) ||
            e->original_tag.data < buf || e->original_tag.data >= buf + buf_len)
            continue;
        off = (size_t)(e->original_tag.data - buf);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (at[2 * mid] < off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == n || at[2 * lo] != off)
            continue;
        if (e->tag_namespace != GUMBO_NAMESPACE_HTML || e->children.length ||
            (e->tag == GUMBO_TAG_STYLE) != cuts[lo].style || !e->original_end_tag.length ||
            e->original_end_tag.data != buf + at[2 * lo + 1])
            return false;
        restore(el, html, &cuts[lo], a);
        matched++;
    }
    return matched == n;
}

rm_err rm_html_parse_whole(const char *html, size_t len, rm_arena *a, GumboOutput **out)
{
    if (len > RM_HTML_MAX_BYTES)
        return RM_ETOOBIG;
    *out = parse_with(html, len, a, GUMBO_TAG_LAST);
    return RM_OK;
}

rm_err rm_html_parse(const char *html, size_t len, rm_arena *a, GumboOutput **out)
{
    rm_rawtext_cut cuts[RM_RAWTEXT_MAX_CUTS];
    size_t at[2 * RM_RAWTEXT_MAX_CUTS], n, from = 0, used = 0;
    char *buf;

    if (len > RM_HTML_MAX_BYTES)
        return RM_ETOOBIG;
    n = rm_rawtext_scan(html, len, cuts, RM_RAWTEXT_MAX_CUTS);
    if (!n)
        return rm_html_parse_whole(html, len, a, out);
    /* The page without the contents; at[] holds each cut element's start and end tag in it. */
    buf = rm_arena_alloc(a, len + 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + used, html + from, cuts[i].start - from);
        at[2 * i] = cuts[i].tag - (from - used);
        used += cuts[i].start - from;
        at[2 * i + 1] = used;
        from = cuts[i].end;
    }
    memcpy(buf + used, html + from, len - from);
    used += len - from;
    buf[used] = '\0';
    *out = parse_with(buf, used, a, GUMBO_TAG_LAST);
    if (!restore_cuts(*out, buf, used, html, cuts, at, n, a))
        return rm_html_parse_whole(html, len, a, out);
    return RM_OK;
}

rm_err rm_html_parse_fragment(const char *html, size_t len, rm_arena *a, GumboOutput **out)
{
    if (len > RM_HTML_MAX_BYTES)
        return RM_ETOOBIG;
    *out = parse_with(html, len, a, GUMBO_TAG_DIV);
    return RM_OK;
}

static const GumboVector *children(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    return NULL;
}

const GumboNode *rm_html_next_skip(const GumboNode *n, const GumboNode *root)
{
    while (n != root && n->parent) {
        const GumboVector *sib = children(n->parent);
        size_t i = n->index_within_parent + 1;
        if (sib && i < sib->length)
            return sib->data[i];
        n = n->parent;
    }
    return NULL;
}

const GumboNode *rm_html_next(const GumboNode *n, const GumboNode *root)
{
    const GumboVector *kids = children(n);

    if (kids && kids->length)
        return kids->data[0];
    return rm_html_next_skip(n, root);
}

const char *rm_html_attr(const GumboNode *el, const char *name)
{
    const GumboVector *attrs;

    if (el->type != GUMBO_NODE_ELEMENT && el->type != GUMBO_NODE_TEMPLATE)
        return NULL;
    /* The tokenizer lower-cases attribute names, so a plain compare does (gumbo_get_attribute
     * folds case on every call, a tenth of a walk's time). */
    attrs = &el->v.element.attributes;
    for (size_t i = 0; i < attrs->length; i++) {
        const GumboAttribute *at = attrs->data[i];
        if (at->name[0] == name[0] && !strcmp(at->name, name))
            return at->value;
    }
    return NULL;
}

bool rm_html_has_token(const char *list, const char *token, bool nocase)
{
    size_t k = strlen(token);

    if (!list || !k)
        return false;
    for (const char *p = list; *p;) {
        const char *start;
        while (rm_html_space(*p))
            p++;
        start = p;
        while (*p && !rm_html_space(*p))
            p++;
        if ((size_t)(p - start) == k &&
            (nocase ? !strncasecmp(start, token, k) : !strncmp(start, token, k)))
            return true;
    }
    return false;
}

bool rm_html_is(const GumboNode *n, GumboTag tag)
{
    return (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) &&
           n->v.element.tag == tag;
}

const char *rm_html_tag_name(const GumboNode *el, rm_arena *a)
{
    GumboStringPiece piece;
    char *name;

    if (el->v.element.tag != GUMBO_TAG_UNKNOWN)
        return gumbo_normalized_tagname(el->v.element.tag);
    piece = el->v.element.original_tag;
    gumbo_tag_from_original_text(&piece);
    name = rm_arena_strndup(a, piece.data ? piece.data : "", piece.data ? piece.length : 0);
    for (char *p = name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return name;
}

/* Elements after which visible text starts a new line (CSS display: block and friends). */
static bool breaks_line(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_TR: case GUMBO_TAG_TABLE: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_DL: case GUMBO_TAG_FORM:
    case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_MAIN: case GUMBO_TAG_TITLE:
        return true;
    default:
        return false;
    }
}

static bool invisible(GumboTag t)
{
    return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
           t == GUMBO_TAG_NOSCRIPT;
}

static void newline(rm_buf *b)
{
    if (b->len && b->ptr[b->len - 1] != '\n')
        (void)rm_buf_addc(b, '\n');
}

/* Leaving every element between n and the node whose next sibling comes next. */
static const GumboNode *climb(const GumboNode *n, const GumboNode *root, rm_buf *b)
{
    while (n != root && n->parent) {
        const GumboVector *sib = children(n->parent);
        if (n->type == GUMBO_NODE_ELEMENT && breaks_line(n->v.element.tag))
            newline(b);
        if (sib && n->index_within_parent + 1 < sib->length)
            return sib->data[n->index_within_parent + 1];
        n = n->parent;
    }
    return NULL;
}

void rm_html_text(const GumboNode *root, rm_buf *b)
{
    const GumboNode *n = root;

    while (n && !b->err) {
        const GumboVector *kids;
        switch (n->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
            (void)rm_buf_adds(b, n->v.text.text);
            break;
        case GUMBO_NODE_ELEMENT:
            if (invisible(n->v.element.tag) && n != root) {
                n = climb(n, root, b);
                continue;
            }
            if (breaks_line(n->v.element.tag))
                newline(b);
            break;
        default:
            break;
        }
        kids = children(n);
        if (kids && kids->length && !(n->type == GUMBO_NODE_TEMPLATE && n != root))
            n = kids->data[0];
        else
            n = climb(n, root, b);
    }
}

/* Width of a Unicode space at s (NBSP, U+2000..U+200A, U+202F, U+205F, U+3000) or zero-width
 * character (U+200B, U+FEFF) written as a plain space or nothing; 0 when s holds neither. */
static size_t unicode_space(const unsigned char *s, bool *drop)
{
    *drop = false;
    if (s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xAF))
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
        return 3;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if ((s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x8B) ||
        (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)) {
        *drop = true;
        return 3;
    }
    return 0;
}

char *rm_html_squash(char *s)
{
    unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
    bool in_space = false, saw_nl = false;

    while (*r) {
        bool drop;
        size_t k = rm_html_space((char)*r) ? 1 : unicode_space(r, &drop);
        if (k == 3 && drop) {
            r += 3;
            continue;
        }
        if (k) {
            saw_nl |= *r == '\n';
            in_space = true;
            r += k;
            continue;
        }
        if (in_space && w != (unsigned char *)s)
            *w++ = saw_nl ? '\n' : ' ';
        in_space = saw_nl = false;
        *w++ = *r++;
    }
    *w = '\0';
    return s;
}
