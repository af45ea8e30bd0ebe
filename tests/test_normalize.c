/* Value normalisers: table-driven cases from tests/fixtures/normalize/ (price, rating, date,
 * text tables) plus the promises a table cannot show (buffers, limits, flags, arguments).
 *
 * Table rows are TAB-separated; '#' starts a comment line. Fields take the escapes \t \n \r
 * \\ \xHH (a raw byte) and \u{HHHH} (a code point in UTF-8), so invisible spaces and invalid
 * bytes stay readable. Every input also runs from a copy that ends flush against a PROT_NONE
 * page: a parser that reads one byte past len crashes the test. */
#include "core/rm.h"

#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/clock.h"
#include "extractors/normalize.h"
#include "tests/helpers/testutil.h"

#define MAX_FIELDS 4
/* Each table promises at least this many cases (the brief's "hundred-plus"). */
#define MIN_ROWS 100

typedef struct row {
    int line;
    int n;
    char *f[MAX_FIELDS]; /* unescaped, NUL-terminated (inputs may hold NUL: see len) */
    size_t len[MAX_FIELDS];
} row;

typedef struct table {
    const char *name;
    row *rows;
    size_t n, cap;
} table;

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void put_cp(rm_buf *b, uint32_t cp)
{
    char e[4];
    size_t n = 0;
    if (cp < 0x80) {
        e[n++] = (char)cp;
    } else if (cp < 0x800) {
        e[n++] = (char)(0xC0 | (cp >> 6));
        e[n++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        e[n++] = (char)(0xE0 | (cp >> 12));
        e[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        e[n++] = (char)(0xF0 | (cp >> 18));
        e[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        e[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[n++] = (char)(0x80 | (cp & 0x3F));
    }
    rm_buf_add(b, e, n);
}

/* Decodes one field's escapes into a new string. */
static char *unescape(const char *s, size_t len, size_t *out_len, const char *where)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 >= len) {
            rm_buf_addc(&b, s[i]);
            continue;
        }
        switch (s[++i]) {
        case 't': rm_buf_addc(&b, '\t'); break;
        case 'n': rm_buf_addc(&b, '\n'); break;
        case 'r': rm_buf_addc(&b, '\r'); break;
        case '\\': rm_buf_addc(&b, '\\'); break;
        case 'x':
            if (i + 2 >= len || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                fail_msg("%s: bad \\x escape", where);
            rm_buf_addc(&b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
            break;
        case 'u': {
            uint32_t cp = 0;
            if (i + 1 >= len || s[i + 1] != '{')
                fail_msg("%s: bad \\u escape", where);
            for (i += 2; i < len && s[i] != '}'; i++)
                cp = cp * 16 + (uint32_t)hexval(s[i]);
            put_cp(&b, cp);
            break;
        }
        default: fail_msg("%s: unknown escape \\%c", where, s[i]);
        }
    }
    return rm_buf_detach(&b, out_len);
}

static void parse_line(table *t, const char *line, size_t len, int lineno)
{
    char where[128];
    row *r;
    size_t start = 0;

    snprintf(where, sizeof(where), "%s:%d", t->name, lineno);
    RM_GROW(t->rows, t->cap, t->n + 1);
    r = &t->rows[t->n++];
    memset(r, 0, sizeof(*r));
    r->line = lineno;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != '\t')
            continue;
        if (r->n == MAX_FIELDS)
            fail_msg("%s: too many fields", where);
        r->f[r->n] = unescape(line + start, i - start, &r->len[r->n], where);
        r->n++;
        start = i + 1;
    }
}

static void load_table(table *t, const char *name)
{
    char rel[128];
    size_t len, start = 0;
    char *data;
    int lineno = 0;

    snprintf(rel, sizeof(rel), "normalize/%s", name);
    data = rm_test_read_fixture(rel, &len);
    memset(t, 0, sizeof(*t));
    t->name = name;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && data[i] != '\n')
            continue;
        lineno++;
        if (i > start && data[start] != '#')
            parse_line(t, data + start, i - start, lineno);
        start = i + 1;
    }
    free(data);
}

static void free_table(table *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int k = 0; k < t->rows[i].n; k++)
            free(t->rows[i].f[k]);
    free(t->rows);
}

static const char *field(const row *r, int k)
{
    return k < r->n ? r->f[k] : "";
}

/* ---- guard page ---- */

typedef struct guard {
    char *base;
    size_t size, page;
} guard;

static void guard_init(guard *g)
{
    g->page = (size_t)sysconf(_SC_PAGESIZE);
    g->size = 17 * g->page;
    g->base = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g->base != MAP_FAILED);
    assert_int_equal(mprotect(g->base + 16 * g->page, g->page, PROT_NONE), 0);
}

/* Returns a copy of s whose last byte is the last readable byte before the guard page. */
static const char *guard_copy(guard *g, const char *s, size_t len)
{
    char *end = g->base + 16 * g->page;
    assert_true(len <= 16 * g->page);
    memcpy(end - len, s, len);
    return end - len;
}

static void guard_release(guard *g)
{
    munmap(g->base, g->size);
}

/* ---- running a table ---- */

typedef void (*row_fn)(const row *r, const char *in, char *got, size_t got_size);

/* Runs fn on every row (input in field 0, expected in field want), from the heap copy and
 * from the guard-page copy, and fails with every mismatch listed. */
static void run_table(const char *name, int want, row_fn fn)
{
    table t;
    guard g;
    int bad = 0;

    load_table(&t, name);
    guard_init(&g);
    for (size_t i = 0; i < t.n; i++) {
        const row *r = &t.rows[i];
        char got[512], got2[512];
        fn(r, r->f[0], got, sizeof(got));
        fn(r, guard_copy(&g, r->f[0], r->len[0]), got2, sizeof(got2));
        if (strcmp(got, field(r, want)) || strcmp(got, got2)) {
            print_error("%s:%d: input \"%s\": want \"%s\", got \"%s\" (guarded: \"%s\")\n",
                        name, r->line, r->f[0], field(r, want), got, got2);
            bad++;
        }
    }
    print_message("%s: %zu cases, %d failed\n", name, t.n, bad);
    assert_true(t.n >= MIN_ROWS);
    guard_release(&g);
    free_table(&t);
    assert_int_equal(bad, 0);
}

/* Prints a number the way the tables write it: shortest form, at most six decimals. */
static void fmt_num(double v, char *out, size_t size)
{
    size_t n;
    snprintf(out, size, "%.6f", v);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
}

/* ---- price ---- */

/* price.tsv: input, currency hint ("-" for none), "AMOUNT CODE" ("-" code for none) or ERR */
static void price_row(const row *r, const char *in, char *got, size_t size)
{
    const char *hint = strcmp(field(r, 1), "-") ? field(r, 1) : NULL;
    rm_price p;
    char num[64];

    if (rm_norm_price(in, r->len[0], hint, &p) != RM_OK) {
        snprintf(got, size, "ERR");
        return;
    }
    fmt_num(p.amount, num, sizeof(num));
    snprintf(got, size, "%s %s", num, p.currency ? p.currency : "-");
}

static void normalize_price_table(void **state)
{
    (void)state;
    run_table("price.tsv", 2, price_row);
}

static void normalize_currency_names(void **state)
{
    static const struct {
        const char *in, *code;
    } ok[] = {
        {"₽", "RUB"},    {"руб.", "RUB"}, {"RUR", "RUB"}, {"rub", "RUB"}, {"US$", "USD"},
        {"$", "USD"},    {"zł", "PLN"},   {"CN¥", "CNY"}, {"¥", "JPY"},   {"грн", "UAH"},
        {" EUR ", "EUR"}, {"₸", "KZT"},
    };
    static const char *const bad[] = {"kr", "", "RUBX", "руб руб", "$$", "12", "XYZ"};
    const char *code;
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(ok); i++) {
        assert_int_equal(rm_norm_currency(ok[i].in, strlen(ok[i].in), &code), RM_OK);
        assert_string_equal(code, ok[i].code);
    }
    for (size_t i = 0; i < RM_ARRAY_LEN(bad); i++)
        assert_int_equal(rm_norm_currency(bad[i], strlen(bad[i]), &code), RM_EPARSE);
}

static void normalize_price_reads_only_len(void **state)
{
    rm_price p;
    (void)state;
    /* The bytes after len would make it a different (or no) price. */
    assert_int_equal(rm_norm_price("1299 ₽ garbage", 8, NULL, &p), RM_OK);
    assert_true(p.amount == 1299 && !strcmp(p.currency, "RUB"));
    assert_int_equal(rm_norm_price("12,99", 2, NULL, &p), RM_OK);
    assert_true(p.amount == 12);
    assert_int_equal(rm_norm_price(NULL, 0, NULL, &p), RM_EPARSE);
}

/* ---- rating ---- */

/* rating.tsv: input, best hint (0 for none), expected 0..5 value or ERR */
static void rating_row(const row *r, const char *in, char *got, size_t size)
{
    double v;
    if (rm_norm_rating(in, r->len[0], strtod(field(r, 1), NULL), &v) != RM_OK) {
        snprintf(got, size, "ERR");
        return;
    }
    fmt_num(v, got, size);
}

static void normalize_rating_table(void **state)
{
    (void)state;
    run_table("rating.tsv", 2, rating_row);
}

static void normalize_rating_jsonld_scales(void **state)
{
    double v;
    (void)state;
    assert_int_equal(rm_norm_rating_ld(4, NAN, NAN, &v), RM_OK);
    assert_true(fabs(v - 4) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(8.6, 10, NAN, &v), RM_OK);
    assert_true(fabs(v - 4.3) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(4, 5, 1, &v), RM_OK);
    assert_true(fabs(v - 4) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(90, 100, 0, &v), RM_OK);
    assert_true(fabs(v - 4.5) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(0.5, NAN, NAN, &v), RM_OK);
    assert_true(fabs(v - 0.5) < 1e-9);
    /* A scale reaching below zero maps linearly: 0 on -5..5 is the middle. */
    assert_int_equal(rm_norm_rating_ld(0, 5, -5, &v), RM_OK);
    assert_true(fabs(v - 2.5) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(-5, 5, -5, &v), RM_OK);
    assert_true(fabs(v) < 1e-9);
    assert_int_equal(rm_norm_rating_ld(6, NAN, NAN, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(0.5, 5, 1, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(NAN, 5, 1, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(INFINITY, 5, 1, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(3, 0, NAN, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(3, 5, 5, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating_ld(3, 5, -INFINITY, &v), RM_EINVAL);
}

static void normalize_rating_rejects_bad_hint(void **state)
{
    double v;
    (void)state;
    assert_int_equal(rm_norm_rating("4", 1, -1, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating("4", 1, NAN, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating("4", 1, 1000, &v), RM_EINVAL);
    assert_int_equal(rm_norm_rating("4.5/5", 3, 0, &v), RM_OK); /* "4.5" of "4.5/5" */
    assert_true(fabs(v - 4.5) < 1e-9);
}

/* ---- date ---- */

static time_t iso_time(const char *s)
{
    time_t t;
    if (rm_time_parse_iso(s, &t) != 0)
        fail_msg("bad time in table: %s", s);
    return t;
}

/* Options column: space-separated now=ISO|0 tz=MINUTES order=auto|dmy|mdy. */
static void date_opts(const char *spec, rm_date_opts *o)
{
    char buf[256], *save = NULL, *tok;

    o->now = iso_time("2024-03-15T12:00:00Z");
    o->tz_min = 0;
    o->order = RM_DATE_AUTO;
    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (!strncmp(tok, "now=", 4))
            o->now = strcmp(tok + 4, "0") ? iso_time(tok + 4) : 0;
        else if (!strncmp(tok, "tz=", 3))
            o->tz_min = (int)strtol(tok + 3, NULL, 10);
        else if (!strcmp(tok, "order=dmy"))
            o->order = RM_DATE_DMY;
        else if (!strcmp(tok, "order=mdy"))
            o->order = RM_DATE_MDY;
        else if (strcmp(tok, "order=auto"))
            fail_msg("unknown date option %s", tok);
    }
}

/* date.tsv: input, expected ISO (time shown when the text has one) with " month" and " rel"
 * flags, or ERR; optional options. The default fetch time is 2024-03-15T12:00:00Z (UTC). */
static void date_row(const row *r, const char *in, char *got, size_t size)
{
    rm_date_opts o;
    rm_date d;
    char iso[RM_DATE_ISO_SIZE];

    date_opts(field(r, 2), &o);
    if (rm_norm_date(in, r->len[0], &o, &d) != RM_OK) {
        snprintf(got, size, "ERR");
        return;
    }
    rm_norm_date_iso(&d, true, iso);
    snprintf(got, size, "%s%s%s", iso, d.month_only ? " month" : "", d.relative ? " rel" : "");
}

static void normalize_date_table(void **state)
{
    (void)state;
    run_table("date.tsv", 1, date_row);
}

static void normalize_date_iso_format(void **state)
{
    rm_date d;
    char iso[RM_DATE_ISO_SIZE];
    (void)state;
    assert_int_equal(rm_norm_date("2024-03-12T10:05:09-04:30", 25, NULL, &d), RM_OK);
    rm_norm_date_iso(&d, false, iso);
    assert_string_equal(iso, "2024-03-12");
    rm_norm_date_iso(&d, true, iso);
    assert_string_equal(iso, "2024-03-12T10:05:09-04:30");
    assert_true(d.has_time && d.has_tz && d.tz_min == -270);
    assert_int_equal(rm_norm_date("12 марта 2024", strlen("12 марта 2024"), NULL, &d), RM_OK);
    rm_norm_date_iso(&d, true, iso);
    assert_string_equal(iso, "2024-03-12");
    assert_false(d.has_time || d.relative || d.month_only);
}

static void normalize_date_rejects_bad_offset(void **state)
{
    rm_date_opts o = {iso_time("2024-03-15T12:00:00Z"), 15 * 60, RM_DATE_AUTO};
    rm_date d;
    (void)state;
    assert_int_equal(rm_norm_date("вчера", strlen("вчера"), &o, &d), RM_EINVAL);
    o.tz_min = -15 * 60;
    assert_int_equal(rm_norm_date("2024-03-12", 10, &o, &d), RM_EINVAL);
    /* Without options, relative dates have nothing to count from. */
    assert_int_equal(rm_norm_date("вчера", strlen("вчера"), NULL, &d), RM_EPARSE);
    assert_int_equal(rm_norm_date("2024-03-12", 10, NULL, &d), RM_OK);
}

/* ---- text ---- */

static unsigned text_flags(const char *spec)
{
    unsigned f = 0;
    if (strstr(spec, "html"))
        f |= RM_TEXT_HTML;
    if (strstr(spec, "breaks"))
        f |= RM_TEXT_BREAKS;
    if (strstr(spec, "decoded"))
        f |= RM_TEXT_DECODED;
    return f;
}

/* text.tsv: input, flags ("-", "html", "breaks", "decoded", joined by ","), expected output */
static void text_row(const row *r, const char *in, char *got, size_t size)
{
    rm_buf b;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    if (rm_norm_text(in, r->len[0], text_flags(field(r, 1)), &b) != RM_OK)
        snprintf(got, size, "ERR");
    else
        snprintf(got, size, "%s", b.ptr);
    rm_buf_release(&b);
}

static void normalize_text_table(void **state)
{
    (void)state;
    run_table("text.tsv", 2, text_row);
}

static void normalize_text_appends(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    rm_buf_adds(&b, "title: ");
    assert_int_equal(rm_norm_text("  a&amp;b  ", 11, 0, &b), RM_OK);
    assert_string_equal(b.ptr, "title: a&b");
    rm_buf_release(&b);
}

static void normalize_text_limit_restores_buffer(void **state)
{
    rm_buf b;
    (void)state;
    rm_buf_init(&b, 12);
    rm_buf_adds(&b, "keep ");
    assert_int_equal(rm_norm_text("one two three", 13, 0, &b), RM_ETOOBIG);
    assert_string_equal(b.ptr, "keep ");
    assert_int_equal(b.len, 5);
    /* The error is sticky, as for every rm_buf append. */
    assert_int_equal(rm_norm_text("x", 1, 0, &b), RM_ETOOBIG);
    rm_buf_reset(&b);
    assert_int_equal(rm_norm_text("x", 1, 0, &b), RM_OK);
    assert_string_equal(b.ptr, "x");
    assert_int_equal(rm_norm_text("x", 1, 1u << 7, &b), RM_EINVAL);
    rm_buf_release(&b);
}

/* Longer than the stack workspace of the NFC step: the heap path composes the same way. */
static void normalize_text_long_nfc(void **state)
{
    rm_buf in, out, want;
    (void)state;
    rm_buf_init(&in, RM_BUF_NOLIMIT);
    rm_buf_init(&out, RM_BUF_NOLIMIT);
    rm_buf_init(&want, RM_BUF_NOLIMIT);
    for (int i = 0; i < 3000; i++) {
        rm_buf_adds(&in, "и\xcc\x86 ");  /* и + U+0306 COMBINING BREVE */
        rm_buf_adds(&want, i ? " й" : "й");
    }
    assert_int_equal(rm_norm_text(in.ptr, in.len, 0, &out), RM_OK);
    assert_int_equal(out.len, want.len);
    assert_string_equal(out.ptr, want.ptr);
    rm_buf_release(&in);
    rm_buf_release(&out);
    rm_buf_release(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_price_table),
        cmocka_unit_test(normalize_currency_names),
        cmocka_unit_test(normalize_price_reads_only_len),
        cmocka_unit_test(normalize_rating_table),
        cmocka_unit_test(normalize_rating_jsonld_scales),
        cmocka_unit_test(normalize_rating_rejects_bad_hint),
        cmocka_unit_test(normalize_date_table),
        cmocka_unit_test(normalize_date_iso_format),
        cmocka_unit_test(normalize_date_rejects_bad_offset),
        cmocka_unit_test(normalize_text_table),
        cmocka_unit_test(normalize_text_appends),
        cmocka_unit_test(normalize_text_limit_restores_buffer),
        cmocka_unit_test(normalize_text_long_nfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
