/* URL normalisation and resolution. curl parses, resolves references and removes dot
 * segments; this file cleans the input first (so curl sees a valid RFC 3986 string) and
 * rebuilds the URL from curl's parts (so case, ports and the query follow our rules). */
#include "core/rm.h"
#include "crawler/url.h"

#include <curl/curl.h>

/* One query parameter; points into the query string. */
typedef struct param {
    const char *s; /* "name=value", not NUL-terminated */
    size_t len;
    size_t name_len;
    size_t index; /* position in the page's order, for a stable sort */
} param;

static const char *const trackers[] = {
    "utm_*", "fbclid", "gclid", "gclsrc", "dclid", "yclid", "msclkid",
    "mc_cid", "mc_eid", "igshid", "_openstat", NULL,
};

RM_NORETURN static void die_oom(void)
{
    fputs("revmine: out of memory in libcurl's URL parser\n", stderr);
    abort();
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 3986 §2.3. */
static bool is_unreserved(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes RFC 3986 allows nowhere in a URI (§2: neither reserved nor unreserved nor '%'). */
static bool is_disallowed(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

/* Length of the scheme of s (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"),
 * or 0 when s has none (a relative reference). */
static size_t scheme_len(const char *s)
{
    size_t i = 0;

    if (!is_alpha((unsigned char)s[0]))
        return 0;
    while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || s[i] == '+' ||
           s[i] == '-' || s[i] == '.')
        i++;
    return s[i] == ':' ? i : 0;
}

static bool is_http_scheme(const char *s, size_t len)
{
    return (len == 4 && !strncasecmp(s, "http", 4)) || (len == 5 && !strncasecmp(s, "https", 5));
}

/* Copies in[0..n) without tabs and newlines, trimmed of spaces and controls at both ends. */
static void strip_blanks(const char *in, size_t n, rm_buf *out)
{
    while (n && (unsigned char)in[0] <= 0x20) {
        in++;
        n--;
    }
    while (n && (unsigned char)in[n - 1] <= 0x20)
        n--;
    for (size_t i = 0; i < n; i++)
        if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r')
            rm_buf_addc(out, in[i]);
}

/* Appends the percent-escape at s (s[0] == '%') normalised: an unreserved character decoded,
 * anything else with upper-case hex. A '%' starting no escape becomes %25, or a second pass
 * could read a new escape out of "%7%35" ("%75") and the normal form would not be stable.
 * Returns the input bytes used. */
static size_t add_escape(rm_buf *out, const char *s)
{
    int hi = hexval((unsigned char)s[1]);
    int lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);

    if (hi < 0 || lo < 0) {
        rm_buf_adds(out, "%25");
        return 1;
    }
    if (is_unreserved((unsigned char)(hi * 16 + lo)))
        rm_buf_addc(out, (char)(hi * 16 + lo));
    else
        rm_buf_addf(out, "%%%02X", hi * 16 + lo);
    return 3;
}

/* Where the authority of reference s ends (it starts after "scheme://" or "//"), or 0 when s
 * has none. *start receives its first byte. */
static size_t authority_end(const char *s, size_t *start)
{
    size_t i = scheme_len(s);

    if (i)
        i++;
    if (s[i] != '/' || s[i + 1] != '/')
        return 0;
    *start = i + 2;
    return *start + strcspn(s + *start, "/?#");
}

/* Turns a URL or reference as found in a page into a valid RFC 3986 string with normalised
 * percent-encoding. The host keeps non-ASCII bytes (IDN as given); elsewhere they are
 * encoded, as browsers do. At most max input bytes. */
static rm_err clean_ref(const char *in, size_t max, rm_buf *out)
{
    rm_buf raw;
    size_t n = strnlen(in, max + 1), a_start = 0, a_end, i;
    bool in_fragment = false;
    rm_err err = RM_OK;

    if (n > max)
        return RM_ETOOBIG;
    rm_buf_init(&raw, max);
    strip_blanks(in, n, &raw);
    a_end = authority_end(raw.ptr, &a_start);
    for (i = 0; i < raw.len;) {
        unsigned char c = (unsigned char)raw.ptr[i];
        bool in_authority = i >= a_start && i < a_end;

        if (c == '%') {
            i += add_escape(out, raw.ptr + i);
            continue;
        }
        if (!in_authority && (is_disallowed(c) || (c == '#' && in_fragment)))
            rm_buf_addf(out, "%%%02X", c);
        else
            rm_buf_addc(out, (char)c);
        if (c == '#' && !in_authority)
            in_fragment = true;
        i++;
    }
    err = out->err;
    rm_buf_release(&raw);
    return err;
}

/* RM_EPARSE without a scheme or, for http(s), without "//host" (curl would take "http:/h"
 * and "http:///h" too, which RFC 9110 §4.2.1 does not allow); RM_EUNSUPPORTED for a scheme
 * other than http(s). */
static rm_err check_scheme(const char *url)
{
    size_t n = scheme_len(url);

    if (!n)
        return RM_EPARSE;
    if (!is_http_scheme(url, n))
        return RM_EUNSUPPORTED;
    return strncmp(url + n + 1, "//", 2) || url[n + 3] == '/' ? RM_EPARSE : RM_OK;
}

static rm_err map_curl(CURLUcode rc)
{
    if (rc == CURLUE_OUT_OF_MEMORY)
        die_oom();
    return rc == CURLUE_OK ? RM_OK : RM_EPARSE;
}

/* Returns a part of h (free with curl_free()), or NULL when the URL has none. */
static char *get_part(CURLU *h, CURLUPart what, unsigned int flags)
{
    char *s = NULL;

    if (curl_url_get(h, what, &s, flags) == CURLUE_OUT_OF_MEMORY)
        die_oom();
    return s;
}

/* Parses the clean absolute URL s into a new handle (curl_url_cleanup()). */
static rm_err parse(const char *s, CURLU **out)
{
    CURLU *h = curl_url();
    rm_err err;

    if (!h)
        die_oom();
    err = map_curl(curl_url_set(h, CURLUPART_URL, s, 0));
    if (err) {
        curl_url_cleanup(h);
        return err;
    }
    *out = h;
    return RM_OK;
}

static void add_lower(rm_buf *out, const char *s)
{
    for (; *s; s++)
        rm_buf_addc(out, (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s);
}

/* curl decodes %XX in a host name without checking the result again ("h%25x" becomes "h%x"),
 * so a name must be letters, digits, '-', '.', '_', '~' or non-ASCII (IDN) bytes. */
static bool host_ok(const char *host)
{
    if (host[0] == '[')
        return true; /* an IP literal: curl checked it */
    for (const unsigned char *p = (const unsigned char *)host; *p; p++)
        if (!is_unreserved(*p) && *p < 0x80)
            return false;
    return host[0] != '\0';
}

/* Host lower-cased, with an IPv6 zone id kept inside the brackets. */
static rm_err add_host(rm_buf *out, CURLU *h)
{
    char *host = get_part(h, CURLUPART_HOST, 0);
    char *zone = get_part(h, CURLUPART_ZONEID, 0);
    size_t n = host ? strlen(host) : 0;
    rm_err err = RM_OK;

    if (!host || !host_ok(host))
        err = RM_EPARSE;
    else if (zone && n && host[n - 1] == ']') {
        host[n - 1] = '\0';
        add_lower(out, host);
        rm_buf_addf(out, "%%25%s]", zone);
    } else {
        add_lower(out, host);
    }
    curl_free(zone);
    curl_free(host);
    return err;
}

static bool name_matches(const param *p, const char *pattern)
{
    size_t n = strlen(pattern);

    if (n && pattern[n - 1] == '*')
        return p->name_len >= n - 1 && !strncasecmp(p->s, pattern, n - 1);
    return p->name_len == n && !strncasecmp(p->s, pattern, n);
}

static bool listed(const param *p, const char *const *list)
{
    for (; list && *list; list++)
        if (name_matches(p, *list))
            return true;
    return false;
}

static int cmp_param(const void *a, const void *b)
{
    const param *x = a, *y = b;
    int c = memcmp(x->s, y->s, RM_MIN(x->name_len, y->name_len));

    if (!c && x->name_len != y->name_len)
        c = x->name_len < y->name_len ? -1 : 1;
    if (!c)
        c = x->index < y->index ? -1 : 1;
    return c;
}

/* Splits q at '&' into kept parameters; returns how many. ps has room for all. */
static size_t split_query(const char *q, const rm_url_opts *opts, param *ps)
{
    size_t n = 0;

    while (*q) {
        param p;
        p.s = q;
        p.len = strcspn(q, "&");
        p.name_len = strcspn(q, "=&");
        p.index = n;
        q += p.len + (q[p.len] == '&');
        if (!p.len || listed(&p, opts ? opts->strip : NULL) ||
            (!(opts && opts->keep_trackers) && listed(&p, trackers)))
            continue;
        ps[n++] = p;
    }
    return n;
}

static void add_query(rm_buf *out, const char *q, const rm_url_opts *opts)
{
    size_t cap = 1, n;
    param *ps;

    for (const char *s = q; *s; s++)
        cap += *s == '&';
    ps = rm_xmalloc(cap * sizeof(*ps));
    n = split_query(q, opts, ps);
    if (opts && opts->sort_query)
        qsort(ps, n, sizeof(*ps), cmp_param);
    for (size_t i = 0; i < n; i++) {
        rm_buf_addc(out, i ? '&' : '?');
        rm_buf_add(out, ps[i].s, ps[i].len);
    }
    free(ps);
}

/* Writes scheme://[userinfo@]host[:port]/path[?query] from the parts of h. */
static rm_err build(CURLU *h, const rm_url_opts *opts, rm_buf *out)
{
    char *scheme = get_part(h, CURLUPART_SCHEME, 0);
    char *user = get_part(h, CURLUPART_USER, 0);
    char *password = get_part(h, CURLUPART_PASSWORD, 0);
    char *port = get_part(h, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
    char *path = get_part(h, CURLUPART_PATH, 0);
    char *query = get_part(h, CURLUPART_QUERY, 0);
    rm_err err;

    add_lower(out, scheme);
    rm_buf_adds(out, "://");
    if (user || password)
        rm_buf_addf(out, "%s%s%s@", user ? user : "", password ? ":" : "",
                    password ? password : "");
    err = add_host(out, h);
    if (port)
        rm_buf_addf(out, ":%s", port);
    rm_buf_adds(out, path && *path ? path : "/");
    if (query)
        add_query(out, query, opts);
    curl_free(query);
    curl_free(path);
    curl_free(port);
    curl_free(password);
    curl_free(user);
    curl_free(scheme);
    return err;
}

/* Cleans url and parses it as an absolute http(s) URL. */
static rm_err parse_http(const char *url, size_t max, CURLU **out)
{
    rm_buf clean;
    rm_err err;

    rm_buf_init(&clean, 3 * max + 8); /* each input byte becomes at most %XX */
    err = clean_ref(url, max, &clean);
    if (!err)
        err = check_scheme(clean.ptr);
    if (!err)
        err = parse(clean.ptr, out);
    rm_buf_release(&clean);
    return err;
}

/* Puts the result in out, or leaves out empty with the error. */
static rm_err finish(rm_buf *out, rm_err err, size_t max)
{
    if (!err && out->err)
        err = out->err;
    if (!err && out->len > max)
        err = RM_ETOOBIG;
    if (err)
        rm_buf_reset(out);
    return err;
}

rm_err rm_url_normalize(const char *url, const rm_url_opts *opts, rm_buf *out)
{
    size_t max = opts && opts->max_len ? opts->max_len : RM_URL_MAX_LEN;
    CURLU *h = NULL;
    rm_err err;

    err = parse_http(url, max, &h);
    rm_buf_reset(out); /* url may point into out: it is not read after parse_http() */
    if (!err)
        err = build(h, opts, out);
    curl_url_cleanup(h);
    return finish(out, err, max);
}

rm_err rm_url_host_key(const char *url, rm_buf *out)
{
    CURLU *h = NULL;
    char *port;
    rm_err err;

    err = parse_http(url, RM_URL_MAX_LEN, &h);
    rm_buf_reset(out);
    if (!err)
        err = add_host(out, h);
    if (!err) {
        port = get_part(h, CURLUPART_PORT, CURLU_DEFAULT_PORT);
        rm_buf_addf(out, ":%s", port ? port : "0");
        curl_free(port);
    }
    curl_url_cleanup(h);
    return finish(out, err, RM_URL_MAX_LEN);
}

/* The reference to hand to curl: href itself, or without its scheme when it names base's
 * scheme but no authority ("http:g", RFC 3986 §5.2.2 non-strict). */
static rm_err relative_part(const char *href, const char *base_scheme, const char **rel)
{
    size_t n = scheme_len(href);

    *rel = href;
    if (!n)
        return RM_OK;
    if (!strncasecmp(href, base_scheme, n) && base_scheme[n] == '\0' &&
        strncmp(href + n + 1, "//", 2) != 0) {
        *rel = href + n + 1;
        return RM_OK;
    }
    return check_scheme(href);
}

/* §5.2.2: an empty reference or a lone fragment keeps base's path and query. curl 7.88 drops
 * the last segment for those, so they are done here. */
static void resolve_same_document(CURLU *h, const char *rel, rm_buf *out)
{
    char *url = get_part(h, CURLUPART_URL, 0);

    rm_buf_add(out, url, strcspn(url, "#"));
    rm_buf_adds(out, rel);
    curl_free(url);
}

static rm_err resolve_clean(CURLU *h, const char *href, rm_buf *out)
{
    char *scheme = get_part(h, CURLUPART_SCHEME, 0);
    const char *rel;
    char *url;
    rm_err err = relative_part(href, scheme, &rel);

    curl_free(scheme);
    if (err)
        return err;
    if (rel[0] == '\0' || rel[0] == '#') {
        resolve_same_document(h, rel, out);
        return RM_OK;
    }
    err = map_curl(curl_url_set(h, CURLUPART_URL, rel, 0));
    if (err)
        return err;
    url = get_part(h, CURLUPART_URL, 0);
    rm_buf_adds(out, url);
    curl_free(url);
    return RM_OK;
}

rm_err rm_url_resolve(const char *base, const char *href, rm_buf *out)
{
    rm_buf ref;
    CURLU *h = NULL;
    rm_err err;

    rm_buf_init(&ref, 3 * RM_URL_MAX_LEN + 8);
    err = clean_ref(href, RM_URL_MAX_LEN, &ref);
    if (!err)
        err = parse_http(base, RM_URL_MAX_LEN, &h);
    rm_buf_reset(out); /* base and href are not read after this point */
    if (!err)
        err = resolve_clean(h, ref.ptr, out);
    curl_url_cleanup(h);
    rm_buf_release(&ref);
    return finish(out, err, RM_URL_MAX_LEN);
}
