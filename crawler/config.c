#include "core/rm.h"
#include "crawler/config.h"
#include "crawler/cron.h"
#include "crawler/tz.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <yaml.h>

/* ---- the field table ---------------------------------------------------------------------- */

typedef enum ftype {
    T_STR, T_STRLIST, T_PATTERNS, T_PRIORITIES, T_INT, T_MS, T_BYTES, T_BOOL, T_CRON, T_TZ
} ftype;

typedef struct field {
    const char *key;   /* dotted path inside a job mapping */
    ftype type;
    size_t off;        /* member of rm_job */
    int64_t min, max;  /* bounds for numbers (ms for durations, bytes for sizes) */
    const char *def;   /* default, written as a user would (NULL = none) */
    const char *doc;
} field;

#define F(k, t, m, lo, hi, d, doc) {k, t, offsetof(rm_job, m), lo, hi, d, doc}
#define DAY_MS (86400LL * 1000)
#define GIB (1024LL * 1024 * 1024)

static const field job_fields[] = {
    F("name", T_STR, name, 1, 64, NULL,
      "Job name, unique in the file: `crawl --job NAME`, and the key in the database."),
    F("seeds", T_STRLIST, seeds, 1, 100000, NULL, "Start URLs (http or https)."),
    F("sitemaps", T_BOOL, sitemaps, 0, 1, "true",
      "Also seed from the `Sitemap:` lines of each seed host's robots.txt."),
    F("sitemap_urls", T_STRLIST, sitemap_urls, 0, 10000, NULL, "Extra sitemap URLs to seed from."),
    F("allow_hosts", T_STRLIST, allow_hosts, 0, 10000, NULL,
      "Hosts (`host` or `host:port`) the crawl may enter; empty means the seeds' hosts."),
    F("follow.allow", T_PATTERNS, follow_allow, 0, 1000, NULL,
      "PCRE2 patterns on absolute URLs: a link is followed when it matches one (empty: all)."),
    F("follow.deny", T_PATTERNS, follow_deny, 0, 1000, NULL,
      "PCRE2 patterns: a link matching any of these is never followed."),
    F("strip_params", T_STRLIST, strip_params, 0, 1000, NULL,
      "Query parameters removed during URL normalisation; `utm_*` strips a prefix."),
    F("rules", T_STRLIST, rules, 0, 1000, NULL,
      "Site rule files (relative to this config file); none means zero-config extraction."),
    F("priorities", T_PRIORITIES, priorities, 0, 1000, NULL,
      "List of `{match: PCRE2, priority: N}`; higher N is fetched first, first match wins."),
    F("limits.max_pages", T_INT, max_pages, 0, 1000000000, "0",
      "Pages fetched per run at most; 0 means no limit."),
    F("limits.max_depth", T_INT, max_depth, 0, 10000, "50", "Links followed from a seed at most."),
    F("limits.max_url_length", T_INT, max_url_length, 32, 65536, "2048",
      "Longer URLs are not followed."),
    F("limits.max_body", T_BYTES, max_body, 1024, 4 * GIB, "16MB",
      "Bodies above this size are aborted and counted as too big."),
    F("politeness.user_agent", T_STR, user_agent, 1, 512,
      "revmine/0.1 (+https://github.com/revmine/revmine)",
      "User-Agent header; robots.txt groups are matched on its first word."),
    F("politeness.obey_robots", T_BOOL, obey_robots, 0, 1, "true",
      "Fetch and obey robots.txt (RFC 9309)."),
    F("politeness.concurrency", T_INT, concurrency, 1, 4096, "32",
      "Requests in flight over all hosts."),
    F("politeness.per_host", T_INT, per_host, 1, 1024, "2", "Requests in flight per host."),
    F("politeness.delay", T_MS, delay_ms, 0, DAY_MS, "250ms",
      "Minimum time between two request starts to one host (robots Crawl-delay raises it)."),
    F("politeness.robots_ttl", T_MS, robots_ttl_ms, 0, 30 * DAY_MS, "24h",
      "How long a fetched robots.txt is trusted."),
    F("fetch.timeout", T_MS, timeout_ms, 100, DAY_MS, "30s", "Whole-transfer timeout."),
    F("fetch.connect_timeout", T_MS, connect_timeout_ms, 100, DAY_MS, "10s", "Connect timeout."),
    F("fetch.low_speed_limit", T_BYTES, low_speed_bytes, 0, GIB, "100B",
      "Abort a transfer slower than this many bytes per second ..."),
    F("fetch.low_speed_time", T_MS, low_speed_ms, 1000, DAY_MS, "20s", "... for this long."),
    F("fetch.retries", T_INT, retries, 0, 100, "4",
      "Retries of a transient failure (timeout, reset, 5xx, 429) before the URL fails."),
    F("fetch.backoff", T_MS, backoff_ms, 0, DAY_MS, "1s",
      "First retry delay; doubles per retry, with jitter; Retry-After wins when longer."),
    F("fetch.max_redirects", T_INT, max_redirects, 0, 50, "5", "Redirects followed per request."),
    F("network.allow_private", T_BOOL, allow_private, 0, 1, "false",
      "Allow loopback, private and link-local addresses (off: a public page cannot steer the "
      "crawler into an internal network)."),
    F("workers", T_INT, workers, 0, 256, "0", "Parse/extract/score threads; 0 means one per core."),
    F("store.cache_pages", T_BOOL, cache_pages, 0, 1, "false",
      "Keep compressed page bodies so rules can be re-run without re-crawling."),
    F("store.keep_pages", T_MS, keep_pages_ms, 0, 36500 * DAY_MS, "0",
      "Retention: after each run, erase cached page bodies older than this (whole days, rounded "
      "up); 0 keeps them."),
    F("store.keep_profiles", T_MS, keep_profiles_ms, 0, 36500 * DAY_MS, "0",
      "Retention: after each run, erase profiles not seen for this long (whole days, rounded "
      "up; their reviews stay, unlinked); 0 keeps them."),
    F("schedule.cron", T_CRON, schedule_cron, 1, 256, NULL,
      "Cron expression (5 fields, or @hourly/@daily/@weekly...) for `revmine daemon`."),
    F("schedule.every", T_MS, schedule_every_ms, 0, 365 * DAY_MS, "0",
      "Interval schedule instead of cron (e.g. `6h`); 0 means none."),
    F("schedule.timezone", T_TZ, timezone, 1, 64, "UTC", "IANA time zone of the cron expression."),
    F("schedule.jitter", T_MS, jitter_ms, 0, DAY_MS, "0",
      "Random delay up to this long added to each scheduled start (same per job)."),
};

static const char *type_name(ftype t)
{
    switch (t) {
    case T_STR: return "string";
    case T_STRLIST: return "list of strings";
    case T_PATTERNS: return "list of regex";
    case T_PRIORITIES: return "list of {match, priority}";
    case T_INT: return "integer";
    case T_MS: return "duration";
    case T_BYTES: return "size";
    case T_BOOL: return "boolean";
    case T_CRON: return "cron";
    case T_TZ: return "time zone";
    }
    return "?";
}

void rm_config_write_fields(FILE *out)
{
    fputs("| field | type | default | meaning |\n| --- | --- | --- | --- |\n", out);
    for (size_t i = 0; i < RM_ARRAY_LEN(job_fields); i++) {
        const field *f = &job_fields[i];
        fprintf(out, "| `%s` | %s | %s%s%s | %s |\n", f->key, type_name(f->type),
                f->def ? "`" : "", f->def ? f->def : "—", f->def ? "`" : "", f->doc);
    }
}

/* ---- parse state -------------------------------------------------------------------------- */

typedef struct parse {
    const char *file;
    rm_diag *diag;
    yaml_document_t doc;
    int errors;
} parse;

#define LINE(node) ((int)(node)->start_mark.line + 1)

static void err_at(parse *p, yaml_node_t *n, const char *fieldname, const char *fmt, ...)
    RM_PRINTF(4, 5);

static void err_at(parse *p, yaml_node_t *n, const char *fieldname, const char *fmt, ...)
{
    rm_buf msg;
    va_list ap;

    rm_buf_init(&msg, 4096);
    va_start(ap, fmt);
    (void)rm_buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    rm_diag_add(p->diag, p->file, n ? LINE(n) : 0, fieldname, "%s", msg.ptr);
    rm_buf_release(&msg);
    p->errors++;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* ${VAR} and ${VAR:-default} from the environment; $$ is a literal $. */
static int expand_env(parse *p, yaml_node_t *n, const char *key, const char *s, rm_buf *out)
{
    rm_buf_reset(out);
    while (*s) {
        const char *close, *dflt;
        rm_buf name;
        const char *val;

        if (s[0] == '$' && s[1] == '$') {
            rm_buf_addc(out, '$');
            s += 2;
            continue;
        }
        if (s[0] != '$' || s[1] != '{') {
            rm_buf_addc(out, *s++);
            continue;
        }
        close = strchr(s, '}');
        if (!close) {
            err_at(p, n, key, "unterminated ${ in \"%s\"", s);
            return -1;
        }
        rm_buf_init(&name, 256);
        rm_buf_add(&name, s + 2, (size_t)(close - s - 2));
        dflt = strstr(name.ptr, ":-");
        if (dflt)
            name.ptr[dflt - name.ptr] = '\0';
        val = getenv(name.ptr);
        if (!val || !*val)
            val = dflt ? dflt + 2 : NULL;
        if (!val) {
            err_at(p, n, key, "environment variable %s is not set (write ${%s:-default})",
                   name.ptr, name.ptr);
            rm_buf_release(&name);
            return -1;
        }
        rm_buf_adds(out, val);
        rm_buf_release(&name);
        s = close + 1;
    }
    return out->err ? -1 : 0;
}

/* ---- scalar values ------------------------------------------------------------------------ */

static int parse_number(const char *s, double *num, const char **unit)
{
    char *end;
    errno = 0;
    *num = strtod(s, &end);
    if (end == s || errno || *num < 0 || *num != *num)
        return -1;
    while (*end == ' ')
        end++;
    *unit = end;
    return 0;
}

static int parse_ms(const char *s, int64_t *out)
{
    static const struct { const char *u; double ms; } units[] = {
        {"ms", 1}, {"s", 1000}, {"sec", 1000}, {"m", 60000}, {"min", 60000},
        {"h", 3600000}, {"d", 86400000}, {"w", 604800000},
    };
    double n;
    const char *unit;

    if (parse_number(s, &n, &unit))
        return -1;
    if (!*unit) {
        if (n != 0)
            return -1; /* a bare number is ambiguous; only 0 needs no unit */
        *out = 0;
        return 0;
    }
    for (size_t i = 0; i < RM_ARRAY_LEN(units); i++)
        if (!strcmp(unit, units[i].u)) {
            if (n * units[i].ms > 9.2e18)
                return -1;
            *out = (int64_t)(n * units[i].ms + 0.5);
            return 0;
        }
    return -1;
}

static int parse_bytes(const char *s, int64_t *out)
{
    static const struct { const char *u; double mult; } units[] = {
        {"", 1}, {"B", 1}, {"K", 1024}, {"KB", 1024}, {"KiB", 1024}, {"M", 1048576},
        {"MB", 1048576}, {"MiB", 1048576}, {"G", 1073741824}, {"GB", 1073741824},
        {"GiB", 1073741824},
    };
    double n;
    const char *unit;

    if (parse_number(s, &n, &unit))
        return -1;
    for (size_t i = 0; i < RM_ARRAY_LEN(units); i++)
        if (!strcasecmp(unit, units[i].u)) {
            if (n * units[i].mult > 9.2e18)
                return -1;
            *out = (int64_t)(n * units[i].mult);
            return 0;
        }
    return -1;
}

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || *end || errno)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *yes[] = {"true", "yes", "on", "1"};
    static const char *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < RM_ARRAY_LEN(yes); i++) {
        if (!strcasecmp(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static pcre2_code *compile_re(parse *p, yaml_node_t *n, const char *key, const char *src)
{
    int errcode;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode,
                                   &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        err_at(p, n, key, "bad pattern \"%s\" at offset %zu: %s", src, (size_t)off,
               (const char *)msg);
        return NULL;
    }
    /* JIT makes per-link matching cheap; without JIT support the interpreter still works. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* ---- typed setters ------------------------------------------------------------------------ */

static void strlist_free(rm_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void patterns_free(rm_patterns *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->src[i]);
        pcre2_code_free(l->re[i]);
    }
    free(l->src);
    free(l->re);
    memset(l, 0, sizeof(*l));
}

static void priorities_free(rm_job *job)
{
    for (size_t i = 0; i < job->n_priorities; i++) {
        free(job->priorities[i].src);
        pcre2_code_free(job->priorities[i].re);
    }
    free(job->priorities);
    job->priorities = NULL;
    job->n_priorities = 0;
}

/* Items of a sequence, or the node itself when it is a single scalar. */
static size_t items_of(parse *p, yaml_node_t *n, yaml_node_t ***items_out)
{
    yaml_node_t **items;
    size_t count;

    if (n->type != YAML_SEQUENCE_NODE) {
        items = rm_xmalloc(sizeof(*items));
        items[0] = n;
        *items_out = items;
        return 1;
    }
    count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    items = rm_xcalloc(count ? count : 1, sizeof(*items));
    for (size_t i = 0; i < count; i++)
        items[i] = yaml_document_get_node(&p->doc, n->data.sequence.items.start[i]);
    *items_out = items;
    return count;
}

static int scalar_value(parse *p, yaml_node_t *n, const field *f, rm_buf *val)
{
    const char *s = scalar(n);
    if (!s) {
        err_at(p, n, f->key, "expected a %s, got a %s", type_name(f->type),
               n->type == YAML_MAPPING_NODE ? "mapping" : "list");
        return -1;
    }
    return expand_env(p, n, f->key, s, val);
}

static void set_list(parse *p, yaml_node_t *n, const field *f, void *dst)
{
    yaml_node_t **items;
    size_t count = items_of(p, n, &items);
    rm_buf val;

    rm_buf_init(&val, 65536);
    if ((int64_t)count > f->max)
        err_at(p, n, f->key, "at most %lld entries", (long long)f->max);
    if (f->type == T_STRLIST)
        strlist_free(dst);
    else
        patterns_free(dst);
    for (size_t i = 0; i < count && (int64_t)i < f->max; i++) {
        if (scalar_value(p, items[i], f, &val))
            continue;
        if (f->type == T_STRLIST) {
            rm_strlist *l = dst;
            l->v = rm_xrealloc(l->v, (l->n + 1) * sizeof(char *));
            l->v[l->n++] = rm_xstrdup(val.ptr);
        } else {
            rm_patterns *l = dst;
            pcre2_code *re = compile_re(p, items[i], f->key, val.ptr);
            if (!re)
                continue;
            l->src = rm_xrealloc(l->src, (l->n + 1) * sizeof(char *));
            l->re = rm_xrealloc(l->re, (l->n + 1) * sizeof(pcre2_code *));
            l->src[l->n] = rm_xstrdup(val.ptr);
            l->re[l->n++] = re;
        }
    }
    rm_buf_release(&val);
    free(items);
}

static yaml_node_t *map_get(parse *p, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = scalar(yaml_document_get_node(&p->doc, pr->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(&p->doc, pr->value);
    }
    return NULL;
}

static void set_priorities(parse *p, yaml_node_t *n, const field *f, rm_job *job)
{
    yaml_node_t **items;
    size_t count = items_of(p, n, &items);
    rm_buf val;

    rm_buf_init(&val, 65536);
    priorities_free(job);
    job->priorities = rm_xcalloc(count ? count : 1, sizeof(*job->priorities));
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *it = items[i], *m, *pr;
        int64_t prio;
        if (it->type != YAML_MAPPING_NODE) {
            err_at(p, it, f->key, "expected {match: PATTERN, priority: N}");
            continue;
        }
        m = map_get(p, it, "match");
        pr = map_get(p, it, "priority");
        if (!m || !pr || !scalar(pr) || parse_int(scalar(pr), &prio) || prio < -1000 ||
            prio > 1000) {
            err_at(p, it, f->key, "expected {match: PATTERN, priority: -1000..1000}");
            continue;
        }
        if (scalar_value(p, m, f, &val))
            continue;
        rm_priority_rule *r = &job->priorities[job->n_priorities];
        r->re = compile_re(p, m, f->key, val.ptr);
        if (!r->re)
            continue;
        r->src = rm_xstrdup(val.ptr);
        r->priority = (int)prio;
        job->n_priorities++;
    }
    rm_buf_release(&val);
    free(items);
}

/* Schedules are checked where they are written, so the error names their line. */
static bool valid_schedule(parse *p, yaml_node_t *n, const field *f, const char *s)
{
    char why[256];
    rm_cron cron;
    rm_tz *tz = NULL;

    if (f->type == T_CRON && rm_cron_parse(s, &cron, why, sizeof(why)) != RM_OK) {
        err_at(p, n, f->key, "%s", why);
        return false;
    }
    if (f->type == T_TZ) {
        if (rm_tz_load(s, &tz) != RM_OK) {
            err_at(p, n, f->key, "unknown time zone \"%s\"", s);
            return false;
        }
        rm_tz_free(tz);
    }
    return true;
}

static void set_scalar(parse *p, yaml_node_t *n, const field *f, const char *s, void *dst)
{
    int64_t v = 0;
    bool b;
    int bad;

    switch (f->type) {
    case T_CRON:
    case T_TZ:
        if (!valid_schedule(p, n, f, s))
            return;
        __attribute__((fallthrough)); /* stored as a string */
    case T_STR:
        if ((int64_t)strlen(s) < f->min || (int64_t)strlen(s) > f->max) {
            err_at(p, n, f->key, "expected %lld to %lld characters", (long long)f->min,
                   (long long)f->max);
            return;
        }
        free(*(char **)dst);
        *(char **)dst = rm_xstrdup(s);
        return;
    case T_BOOL:
        if (parse_bool(s, &b))
            err_at(p, n, f->key, "expected true or false, got \"%s\"", s);
        else
            *(bool *)dst = b;
        return;
    case T_INT:
        bad = parse_int(s, &v);
        break;
    case T_MS:
        bad = parse_ms(s, &v);
        break;
    case T_BYTES:
        bad = parse_bytes(s, &v);
        break;
    default:
        return;
    }
    if (bad) {
        static const char *hint[] = {[T_INT] = "a whole number", [T_MS] = "a duration such as "
                                     "\"500ms\", \"2s\", \"5m\", \"1h\"", [T_BYTES] = "a size "
                                     "such as \"512KB\", \"16MB\""};
        err_at(p, n, f->key, "expected %s, got \"%s\"", hint[f->type], s);
    } else if (v < f->min || v > f->max) {
        err_at(p, n, f->key, "\"%s\" is out of range", s);
    } else {
        *(int64_t *)dst = v;
    }
}

static void set_field(parse *p, yaml_node_t *n, const field *f, rm_job *job)
{
    void *dst = (char *)job + f->off;
    rm_buf val;

    switch (f->type) {
    case T_STRLIST:
    case T_PATTERNS:
        set_list(p, n, f, dst);
        return;
    case T_PRIORITIES:
        set_priorities(p, n, f, job);
        return;
    default:
        break;
    }
    rm_buf_init(&val, 65536);
    if (scalar_value(p, n, f, &val) == 0)
        set_scalar(p, n, f, val.ptr, dst);
    rm_buf_release(&val);
}

/* ---- mappings ----------------------------------------------------------------------------- */

static const field *find_field(const char *key)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(job_fields); i++)
        if (!strcmp(job_fields[i].key, key))
            return &job_fields[i];
    return NULL;
}

/* True when some field lives below prefix ("politeness" for "politeness.delay"). */
static bool is_section(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < RM_ARRAY_LEN(job_fields); i++)
        if (!strncmp(job_fields[i].key, prefix, n) && job_fields[i].key[n] == '.')
            return true;
    return false;
}

/* Levenshtein distance, capped: enough to catch typos in short keys. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[65];

    if (la > 64 || lb > 64)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = RM_MIN(row[j] + 1, row[j - 1] + 1);
            row[j] = RM_MIN(best, diag + (a[i - 1] != b[j - 1]));
            diag = up;
        }
    }
    return row[lb];
}

/* A "did you mean" hint: a field whose last component equals the key's, or a near spelling. */
static const char *suggest(const char *key)
{
    const char *last = strrchr(key, '.'), *best = NULL;
    size_t best_d = 3;

    last = last ? last + 1 : key;
    for (size_t i = 0; i < RM_ARRAY_LEN(job_fields); i++) {
        const char *fl = strrchr(job_fields[i].key, '.');
        size_t d = edit_distance(key, job_fields[i].key);
        fl = fl ? fl + 1 : job_fields[i].key;
        if (!strcmp(fl, last))
            return job_fields[i].key;
        if (d < best_d) {
            best_d = d;
            best = job_fields[i].key;
        }
    }
    return best;
}

static void apply_mapping(parse *p, yaml_node_t *map, const char *prefix, rm_job *job)
{
    rm_buf key;

    rm_buf_init(&key, 1024);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *kn = yaml_document_get_node(&p->doc, pr->key);
        yaml_node_t *vn = yaml_document_get_node(&p->doc, pr->value);
        const char *k = scalar(kn);
        const field *f;

        if (!k) {
            err_at(p, kn, prefix, "keys must be plain words");
            continue;
        }
        rm_buf_reset(&key);
        rm_buf_addf(&key, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", k);
        f = find_field(key.ptr);
        if (f) {
            set_field(p, vn, f, job);
        } else if (is_section(key.ptr)) {
            if (vn->type != YAML_MAPPING_NODE)
                err_at(p, vn, key.ptr, "expected a mapping of settings");
            else
                apply_mapping(p, vn, key.ptr, job);
        } else {
            const char *s = suggest(key.ptr);
            if (s)
                err_at(p, kn, key.ptr, "unknown field (did you mean %s?)", s);
            else
                err_at(p, kn, key.ptr, "unknown field");
        }
    }
    rm_buf_release(&key);
}

static void job_defaults(parse *p, rm_job *job)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(job_fields); i++) {
        const field *f = &job_fields[i];
        if (f->def)
            set_scalar(p, NULL, f, f->def, (char *)job + f->off);
    }
}

static void job_release(rm_job *job)
{
    free(job->name);
    strlist_free(&job->seeds);
    strlist_free(&job->sitemap_urls);
    strlist_free(&job->allow_hosts);
    patterns_free(&job->follow_allow);
    patterns_free(&job->follow_deny);
    strlist_free(&job->strip_params);
    strlist_free(&job->rules);
    priorities_free(job);
    free(job->user_agent);
    free(job->schedule_cron);
    free(job->timezone);
}

static bool is_http_url(const char *s)
{
    return (!strncasecmp(s, "http://", 7) && s[7]) || (!strncasecmp(s, "https://", 8) && s[8]);
}

static void resolve_rule_paths(rm_config *cfg, rm_job *job)
{
    for (size_t i = 0; i < job->rules.n; i++) {
        rm_buf path;
        if (job->rules.v[i][0] == '/')
            continue;
        rm_buf_init(&path, PATH_MAX);
        rm_buf_addf(&path, "%s/%s", cfg->dir, job->rules.v[i]);
        free(job->rules.v[i]);
        job->rules.v[i] = rm_buf_detach(&path, NULL);
    }
}

static void validate_job(parse *p, yaml_node_t *n, rm_config *cfg, rm_job *job)
{
    if (!job->name)
        err_at(p, n, "name", "every job needs a name");
    if (job->seeds.n == 0 && job->sitemap_urls.n == 0)
        err_at(p, n, "seeds", "a job needs at least one seed URL");
    for (size_t i = 0; i < job->seeds.n; i++)
        if (!is_http_url(job->seeds.v[i]))
            err_at(p, map_get(p, n, "seeds"), "seeds", "\"%s\" is not an http or https URL",
                   job->seeds.v[i]);
    for (size_t i = 0; i < job->sitemap_urls.n; i++)
        if (!is_http_url(job->sitemap_urls.v[i]))
            err_at(p, map_get(p, n, "sitemap_urls"), "sitemap_urls",
                   "\"%s\" is not an http or https URL", job->sitemap_urls.v[i]);
    if (job->per_host > job->concurrency)
        err_at(p, n, "politeness.per_host", "is larger than politeness.concurrency (%lld)",
               (long long)job->concurrency);
    if (job->schedule_cron && job->schedule_every_ms)
        err_at(p, n, "schedule", "give either schedule.cron or schedule.every, not both");
    for (size_t i = 0; i < cfg->n_jobs; i++)
        if (job->name && cfg->jobs[i].name && !strcmp(cfg->jobs[i].name, job->name))
            err_at(p, n, "name", "job \"%s\" is defined twice (first at line %d)", job->name,
                   cfg->jobs[i].line);
    resolve_rule_paths(cfg, job);
}

/* ---- the file ----------------------------------------------------------------------------- */

static void load_jobs(parse *p, yaml_node_t *root, rm_config *cfg)
{
    yaml_node_t *defaults = NULL, *jobs = NULL;

    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *kn = yaml_document_get_node(&p->doc, pr->key);
        yaml_node_t *vn = yaml_document_get_node(&p->doc, pr->value);
        const char *k = scalar(kn);
        int64_t version;

        if (k && !strcmp(k, "version")) {
            if (!scalar(vn) || parse_int(scalar(vn), &version) || version != 1)
                err_at(p, vn, "version", "only version 1 is known");
        } else if (k && !strcmp(k, "defaults")) {
            defaults = vn;
        } else if (k && !strcmp(k, "jobs")) {
            jobs = vn;
        } else {
            err_at(p, kn, k, "unknown top-level key (expected version, defaults, jobs)");
        }
    }
    if (defaults && defaults->type != YAML_MAPPING_NODE) {
        err_at(p, defaults, "defaults", "expected a mapping of job settings");
        defaults = NULL;
    }
    if (!jobs || jobs->type != YAML_SEQUENCE_NODE) {
        err_at(p, jobs ? jobs : root, "jobs", "expected a list of jobs");
        return;
    }
    for (yaml_node_item_t *it = jobs->data.sequence.items.start; it < jobs->data.sequence.items.top;
         it++) {
        yaml_node_t *jn = yaml_document_get_node(&p->doc, *it);
        rm_job job;

        if (jn->type != YAML_MAPPING_NODE) {
            err_at(p, jn, "jobs", "each job is a mapping of settings");
            continue;
        }
        memset(&job, 0, sizeof(job));
        job.line = LINE(jn);
        job_defaults(p, &job);
        if (defaults) {
            apply_mapping(p, defaults, NULL, &job);
            free(job.name); /* a name in defaults would name every job alike */
            job.name = NULL;
        }
        apply_mapping(p, jn, NULL, &job);
        validate_job(p, jn, cfg, &job);
        cfg->jobs = rm_xrealloc(cfg->jobs, (cfg->n_jobs + 1) * sizeof(rm_job));
        cfg->jobs[cfg->n_jobs++] = job;
    }
    if (cfg->n_jobs == 0)
        err_at(p, jobs, "jobs", "no jobs defined");
}

static char *dir_of(const char *path)
{
    char *copy = rm_xstrdup(path);
    char *d = rm_xstrdup(dirname(copy));
    free(copy);
    return d;
}

rm_err rm_config_parse(const char *name, const char *text, size_t len, rm_diag *diag,
                       rm_config **out)
{
    yaml_parser_t parser;
    rm_config *cfg = rm_xcalloc(1, sizeof(*cfg));
    parse p = {.file = name, .diag = diag};
    yaml_node_t *root;
    int loaded = 0;

    *out = NULL;
    cfg->path = rm_xstrdup(name);
    cfg->dir = dir_of(name);
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &p.doc)) {
        rm_diag_add(diag, name, (int)parser.problem_mark.line + 1, NULL, "YAML: %s%s%s",
                    parser.problem ? parser.problem : "syntax error",
                    parser.context ? " " : "", parser.context ? parser.context : "");
        p.errors++;
        goto cleanup;
    }
    loaded = 1;
    root = yaml_document_get_root_node(&p.doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rm_diag_add(diag, name, root ? LINE(root) : 1, NULL,
                    "expected a mapping with `jobs:` at the top");
        p.errors++;
        goto cleanup;
    }
    load_jobs(&p, root, cfg);
cleanup:
    if (loaded)
        yaml_document_delete(&p.doc);
    yaml_parser_delete(&parser);
    if (p.errors) {
        rm_config_free(cfg);
        return RM_ECONFIG;
    }
    *out = cfg;
    return RM_OK;
}

rm_err rm_config_load(const char *path, rm_diag *diag, rm_config **out)
{
    FILE *f = fopen(path, "rb");
    rm_buf text;
    char chunk[8192];
    size_t n;
    rm_err err;

    *out = NULL;
    if (!f) {
        rm_diag_add(diag, path, 0, NULL, "cannot open: %s", strerror(errno));
        return RM_EIO;
    }
    rm_buf_init(&text, 16 << 20);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (rm_buf_add(&text, chunk, n))
            break;
    fclose(f);
    if (text.err) {
        rm_diag_add(diag, path, 0, NULL, "file is larger than 16 MB");
        rm_buf_release(&text);
        return RM_ECONFIG;
    }
    err = rm_config_parse(path, text.ptr, text.len, diag, out);
    rm_buf_release(&text);
    return err;
}

void rm_config_free(rm_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_jobs; i++)
        job_release(&cfg->jobs[i]);
    free(cfg->jobs);
    free(cfg->path);
    free(cfg->dir);
    free(cfg);
}

const rm_job *rm_config_job(const rm_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_jobs; i++)
        if (!strcmp(cfg->jobs[i].name, name))
            return &cfg->jobs[i];
    return NULL;
}

static bool matches(pcre2_code *re, const char *s, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

bool rm_job_follows(const rm_job *job, const char *url, size_t len)
{
    bool ok = job->follow_allow.n == 0;
    for (size_t i = 0; i < job->follow_allow.n && !ok; i++)
        ok = matches(job->follow_allow.re[i], url, len);
    for (size_t i = 0; i < job->follow_deny.n && ok; i++)
        ok = !matches(job->follow_deny.re[i], url, len);
    return ok;
}

int rm_job_priority(const rm_job *job, const char *url, size_t len, int def)
{
    for (size_t i = 0; i < job->n_priorities; i++)
        if (matches(job->priorities[i].re, url, len))
            return job->priorities[i].priority;
    return def;
}
