/* Sitemap parser: a byte source (plain or gzip, capped) feeds either libxml2's streaming
 * reader or a line splitter, and both add entries to one result. */
#include "core/rm.h"
#include "core/arena.h"
#include "core/clock.h"
#include "crawler/sitemap.h"

#include <limits.h>
#include <math.h>

#include <libxml/parser.h>
#include <zlib.h>

#define CHUNK 16384
/* A value's text may carry indentation and newlines around it; they are trimmed after. */
#define LOC_BUF_MAX (2 * RM_SITEMAP_MAX_LOC)
#define SHORT_BUF_MAX 256

struct rm_sitemap {
    rm_arena *arena;            /* loc strings */
    rm_sitemap_entry *entries;
    size_t n, cap;
    size_t max_urls;
    size_t skipped;
    bool index;
};

/* The body as a stream of uncompressed bytes, at most max of them. */
typedef struct source {
    const unsigned char *in;
    size_t len, pos;             /* pos: bytes consumed (raw) or handed to zlib (gzip) */
    bool gz, z_live, z_done;     /* z_live: inflateEnd() is due */
    z_stream z;
    size_t produced, max;        /* uncompressed bytes read so far, and the cap */
    unsigned char peek[CHUNK];   /* bytes read while sniffing, served first */
    size_t peek_pos, peek_len;
    rm_err err;                  /* first failure; every later read fails */
} source;

typedef enum field { F_NONE, F_LOC, F_LASTMOD, F_PRIORITY } field;

typedef struct walker {
    rm_sitemap *sm;
    xmlParserCtxtPtr ctxt;
    xmlChar *ns;      /* the root's namespace URI, or NULL */
    int depth;        /* elements open */
    bool in_entry;
    field cur;        /* value being read */
    rm_buf loc, lastmod, priority;
    rm_err err;       /* why the walk stopped early */
} walker;

typedef struct span {
    const char *s;
    size_t len;
} span;

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static span trim(const char *s, size_t len)
{
    while (len && is_ws((unsigned char)s[0])) {
        s++;
        len--;
    }
    while (len && is_ws((unsigned char)s[len - 1]))
        len--;
    return (span){s, len};
}

/* ---- byte source ---- */

static void feed_zlib(source *s)
{
    size_t n = RM_MIN(s->len - s->pos, (size_t)UINT_MAX);

    s->z.next_in = (Bytef *)(s->in + s->pos);
    s->z.avail_in = (uInt)n;
    s->pos += n;
}

/* After a gzip member ends, another may follow (gzip -c a b, or appended members). */
static bool next_member(source *s)
{
    if (!s->z.avail_in && s->pos < s->len)
        feed_zlib(s);
    if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f || s->z.next_in[1] != 0x8b)
        return false;
    return inflateReset(&s->z) == Z_OK;
}

static size_t gz_read(source *s, unsigned char *buf, size_t cap)
{
    s->z.next_out = buf;
    s->z.avail_out = (uInt)cap;
    while (s->z.avail_out == cap && !s->z_done) {
        int rc;
        if (!s->z.avail_in && s->pos < s->len)
            feed_zlib(s);
        rc = inflate(&s->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            s->z_done = !next_member(s);
        } else if (rc != Z_OK) {
            s->err = RM_EPARSE; /* corrupt, or cut short (Z_BUF_ERROR without input) */
            break;
        }
    }
    return cap - s->z.avail_out;
}

static size_t raw_read(source *s, unsigned char *buf, size_t cap)
{
    size_t n = RM_MIN(cap, s->len - s->pos);

    if (!n)
        return 0; /* s->in may be NULL for an empty body */
    memcpy(buf, s->in + s->pos, n);
    s->pos += n;
    return n;
}

/* Reads up to cap bytes from the body, honouring max: returns 0 at the end, and fails with
 * RM_ETOOBIG when a byte beyond max exists. */
static size_t pull(source *s, unsigned char *buf, size_t cap)
{
    unsigned char probe;
    size_t n;

    if (s->err)
        return 0;
    if (s->produced >= s->max) {
        if ((s->gz ? gz_read(s, &probe, 1) : raw_read(s, &probe, 1)) && !s->err)
            s->err = RM_ETOOBIG;
        return 0;
    }
    cap = RM_MIN(cap, s->max - s->produced);
    n = s->gz ? gz_read(s, buf, cap) : raw_read(s, buf, cap);
    s->produced += n;
    return n;
}

/* Reads up to len bytes, peeked ones first. -1 on failure (s->err says why). */
static int src_read(source *s, char *buf, int len)
{
    size_t n;

    if (len <= 0)
        return 0;
    if (s->peek_pos < s->peek_len) {
        n = RM_MIN((size_t)len, s->peek_len - s->peek_pos);
        memcpy(buf, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        return (int)n;
    }
    n = pull(s, (unsigned char *)buf, (size_t)len);
    return s->err ? -1 : (int)n;
}

/* s is zeroed. */
static rm_err source_open(source *s, const unsigned char *in, size_t len, size_t max)
{
    s->in = in;
    s->len = len;
    s->max = max;
    s->gz = len >= 2 && in[0] == 0x1f && in[1] == 0x8b;
    if (s->gz) {
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper */
            return RM_EPARSE;
        s->z_live = true;
    }
    return RM_OK;
}

static void source_close(source *s)
{
    if (s->z_live)
        inflateEnd(&s->z);
}

/* Skips a BOM and leading white space (libxml2 refuses an XML declaration after either) and
 * returns the first byte that follows, or -1 for a blank body. */
static int sniff(source *s)
{
    bool first = true;

    for (;;) {
        s->peek_len = pull(s, s->peek, sizeof(s->peek));
        s->peek_pos = 0;
        if (!s->peek_len)
            return -1;
        if (first && s->peek_len >= 3 && !memcmp(s->peek, "\xEF\xBB\xBF", 3))
            s->peek_pos = 3;
        first = false;
        while (s->peek_pos < s->peek_len && is_ws(s->peek[s->peek_pos]))
            s->peek_pos++;
        if (s->peek_pos < s->peek_len)
            return s->peek[s->peek_pos];
    }
}

/* ---- values ---- */

/* W3C datetime: YYYY, YYYY-MM, YYYY-MM-DD, or a full ISO 8601 time with zone. */
static bool parse_lastmod(span v, time_t *out)
{
    char tmp[64];

    if (!v.len || v.len >= sizeof(tmp))
        return false;
    if (v.len == 4)
        snprintf(tmp, sizeof(tmp), "%.4s-01-01", v.s);
    else if (v.len == 7)
        snprintf(tmp, sizeof(tmp), "%.7s-01", v.s);
    else
        snprintf(tmp, sizeof(tmp), "%.*s", (int)v.len, v.s);
    return rm_time_parse_iso(tmp, out) == 0;
}

/* "0.8", "1", ".5", "1.0" in 0..1 (parsed without the locale); NAN otherwise. */
static double parse_priority(span v)
{
    double x = 0, scale = 1;
    size_t i = 0;
    bool digits = false;

    for (; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++, digits = true)
        x = x * 10 + (v.s[i] - '0');
    if (i < v.len && v.s[i] == '.')
        for (i++; i < v.len && v.s[i] >= '0' && v.s[i] <= '9'; i++, digits = true)
            x += (v.s[i] - '0') * (scale /= 10);
    return digits && i == v.len && x <= 1.0 ? x : NAN;
}

/* Adds an entry for loc (with optional lastmod and priority text), or counts it skipped.
 * RM_ETOOBIG when the entry limit is reached. */
static rm_err add_entry(rm_sitemap *sm, const rm_buf *loc, const rm_buf *lastmod,
                        const rm_buf *priority)
{
    span l = trim(loc->ptr, loc->len);
    rm_sitemap_entry *e;

    if (!l.len || loc->err || l.len > RM_SITEMAP_MAX_LOC || memchr(l.s, '\0', l.len)) {
        sm->skipped++;
        return RM_OK;
    }
    if (sm->n >= sm->max_urls)
        return RM_ETOOBIG;
    RM_GROW(sm->entries, sm->cap, sm->n + 1);
    e = &sm->entries[sm->n++];
    e->loc = rm_arena_strndup(sm->arena, l.s, l.len);
    e->lastmod = 0;
    e->has_lastmod = lastmod && parse_lastmod(trim(lastmod->ptr, lastmod->len), &e->lastmod);
    e->priority = priority ? parse_priority(trim(priority->ptr, priority->len)) : NAN;
    return RM_OK;
}

/* ---- text sitemaps ---- */

static bool is_http_url(span l)
{
    return (l.len > 7 && !strncasecmp(l.s, "http://", 7)) ||
           (l.len > 8 && !strncasecmp(l.s, "https://", 8));
}

static rm_err text_line(rm_sitemap *sm, const rm_buf *line)
{
    span l = trim(line->ptr, line->len);

    if (!l.len && !line->err)
        return RM_OK;
    if (!line->err && !is_http_url(l)) {
        sm->skipped++;
        return RM_OK;
    }
    return add_entry(sm, line, NULL, NULL);
}

static rm_err walk_text(source *src, rm_sitemap *sm)
{
    char chunk[CHUNK];
    rm_buf line;
    rm_err err = RM_OK;
    int n;

    rm_buf_init(&line, LOC_BUF_MAX);
    while (!err && (n = src_read(src, chunk, sizeof(chunk))) > 0) {
        for (int i = 0; i < n && !err; i++) {
            if (chunk[i] != '\n' && chunk[i] != '\r') {
                rm_buf_addc(&line, chunk[i]); /* too long: line.err, the line is skipped */
                continue;
            }
            err = text_line(sm, &line);
            rm_buf_reset(&line);
        }
    }
    if (!err && src->err)
        err = src->err; /* the last line may be cut: leave it out */
    else if (!err)
        err = text_line(sm, &line);
    rm_buf_release(&line);
    return err;
}

/* ---- XML sitemaps ---- */

/* SAX rather than the reader: callbacks fire as the parser goes, so the entries closed
 * before a syntax error are kept (the reader drops the whole chunk holding the error). */

static bool same_ns(const xmlChar *a, const xmlChar *b)
{
    return (!a && !b) || (a && b && xmlStrEqual(a, b));
}

static bool is(const xmlChar *name, const char *want)
{
    return xmlStrEqual(name, (const xmlChar *)want);
}

static void stop(walker *w, rm_err err)
{
    if (!w->err)
        w->err = err;
    xmlStopParser(w->ctxt);
}

static void root_element(walker *w, const xmlChar *name, const xmlChar *uri)
{
    if (is(name, "sitemapindex"))
        w->sm->index = true;
    else if (!is(name, "urlset"))
        return stop(w, RM_EUNSUPPORTED);
    w->ns = uri ? xmlStrdup(uri) : NULL;
}

static void start_entry(walker *w)
{
    w->in_entry = true;
    w->cur = F_NONE;
    rm_buf_reset(&w->loc);
    rm_buf_reset(&w->lastmod);
    rm_buf_reset(&w->priority);
}

static void end_entry(walker *w)
{
    rm_err err = add_entry(w->sm, &w->loc, &w->lastmod, w->sm->index ? NULL : &w->priority);

    w->in_entry = false;
    if (err)
        stop(w, err);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    walker *w = ctx;
    int depth = w->depth++;

    (void)prefix, (void)nb_namespaces, (void)namespaces, (void)nb_attributes;
    (void)nb_defaulted, (void)attributes;
    if (depth == 0)
        root_element(w, name, uri);
    else if (!same_ns(uri, w->ns))
        return;
    else if (depth == 1 && is(name, w->sm->index ? "sitemap" : "url"))
        start_entry(w);
    else if (depth == 2 && w->in_entry)
        w->cur = is(name, "loc") ? F_LOC : is(name, "lastmod") ? F_LASTMOD
               : is(name, "priority") ? F_PRIORITY : F_NONE;
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    walker *w = ctx;
    int depth = --w->depth;

    (void)name, (void)prefix, (void)uri;
    if (depth == 2)
        w->cur = F_NONE;
    else if (depth == 1 && w->in_entry)
        end_entry(w);
}

/* Text directly inside loc, lastmod or priority (depth 3); character data deeper down, in
 * elements nobody defined there, is not part of the value. */
static void on_text(void *ctx, const xmlChar *text, int len)
{
    walker *w = ctx;
    rm_buf *b = w->cur == F_LOC ? &w->loc : w->cur == F_LASTMOD ? &w->lastmod
              : w->cur == F_PRIORITY ? &w->priority : NULL;

    if (b && w->depth == 3)
        rm_buf_add(b, text, (size_t)len); /* too long: b->err, and the value is dropped */
}

/* Problems are reported through the return value; libxml2 must not print them. */
static void quiet(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

/* Only what a sitemap needs. No getEntity or entityDecl: a document's own entities are
 * never expanded (no billion laughs), external ones never loaded; &amp; and the other
 * predefined ones are decoded by the parser itself. */
static void sax_init(xmlSAXHandler *h)
{
    memset(h, 0, sizeof(*h));
    h->initialized = XML_SAX2_MAGIC;
    h->startElementNs = on_start;
    h->endElementNs = on_end;
    h->characters = on_text;
    h->cdataBlock = on_text;
    h->serror = quiet;
}

static rm_err walk_xml(source *src, rm_sitemap *sm)
{
    xmlSAXHandler sax;
    walker w;
    char chunk[CHUNK];
    int n;

    memset(&w, 0, sizeof(w));
    w.sm = sm;
    rm_buf_init(&w.loc, LOC_BUF_MAX);
    rm_buf_init(&w.lastmod, SHORT_BUF_MAX);
    rm_buf_init(&w.priority, SHORT_BUF_MAX);
    sax_init(&sax);
    w.ctxt = xmlCreatePushParserCtxt(&sax, &w, NULL, 0, NULL);
    if (!w.ctxt) { /* libxml2 fails here only without memory: abort as rm_xmalloc does */
        fputs("revmine: out of memory creating an XML parser\n", stderr);
        abort();
    }
    xmlCtxtUseOptions(w.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    do {
        n = src_read(src, chunk, sizeof(chunk));
        if (n < 0)
            w.err = src->err;
        else if (xmlParseChunk(w.ctxt, chunk, n, n == 0) && !w.err)
            w.err = RM_EPARSE;
    } while (n > 0 && !w.err);
    xmlFreeDoc(w.ctxt->myDoc); /* libxml2 keeps a DOCTYPE's declarations there */
    xmlFreeParserCtxt(w.ctxt);
    xmlFree(w.ns);
    rm_buf_release(&w.loc);
    rm_buf_release(&w.lastmod);
    rm_buf_release(&w.priority);
    return w.err;
}

/* ---- public ---- */

rm_err rm_sitemap_parse(const void *body, size_t len, const rm_sitemap_opts *opts,
                        rm_sitemap **out)
{
    source *src;
    rm_sitemap *sm;
    rm_err err;
    int first;

    if (!body && len)
        return RM_EINVAL;
    sm = rm_xcalloc(1, sizeof(*sm));
    sm->arena = rm_arena_new(64 * 1024);
    sm->max_urls = opts && opts->max_urls ? opts->max_urls : RM_SITEMAP_MAX_URLS;
    src = rm_xcalloc(1, sizeof(*src)); /* the peek buffer is too big for a worker's stack */
    err = source_open(src, body, len, opts && opts->max_bytes ? opts->max_bytes
                                                             : RM_SITEMAP_MAX_BYTES);
    if (!err) {
        first = sniff(src);
        if (src->err)
            err = src->err;
        else if (first == '<')
            err = walk_xml(src, sm);
        else if (first >= 0)
            err = walk_text(src, sm);
    }
    source_close(src);
    free(src);
    *out = sm;
    return err;
}

void rm_sitemap_free(rm_sitemap *s)
{
    if (!s)
        return;
    free(s->entries);
    rm_arena_free(s->arena);
    free(s);
}

bool rm_sitemap_is_index(const rm_sitemap *s)
{
    return s->index;
}

size_t rm_sitemap_count(const rm_sitemap *s)
{
    return s->n;
}

const rm_sitemap_entry *rm_sitemap_entry_at(const rm_sitemap *s, size_t i)
{
    return i < s->n ? &s->entries[i] : NULL;
}

size_t rm_sitemap_skipped(const rm_sitemap *s)
{
    return s->skipped;
}
