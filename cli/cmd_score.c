/* revmine score: one text per stdin line in, one result line out. */
#include "core/rm.h"
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <unistd.h>
#include <utf8proc.h>

#include "core/arena.h"
#include "nlp/nlp.h"

#define READ_CHUNK (64 * 1024)

static const char usage[] =
    "usage: revmine score [--lang auto|en|ru] [--json] [--configs DIR]\n"
    "\n"
    "Reads one text per line from stdin and prints one result line per text:\n"
    "  score<TAB>label<TAB>lang        score in [-1, 1] as %.4f, label pos|neu|neg\n"
    "With --json, one JSON object per line instead:\n"
    "  {\"score\":..,\"label\":..,\"lang\":..,\n"
    "   \"aspects\":[{\"aspect\":..,\"score\":..,\"label\":..,\"span\":[start,end],\"text\":..}],\n"
    "   \"evidence\":[{\"term\":..,\"valence\":..,\"span\":[start,end],\"text\":..}]}\n"
    "Spans are byte offsets into the line. Labels: pos when score >= 0.05, neg when\n"
    "score <= -0.05, else neu.\n"
    "\n"
    "options:\n"
    "  --lang L       auto (default) detects en, ru or other per line; en or ru forces it\n"
    "  --json         JSON Lines output with aspects and evidence\n"
    "  --configs DIR  lexicons/*.tsv and aspects.yaml in DIR replace the built-in files\n"
    "                 of the same name (others stay built in)\n"
    "  -h, --help     this text\n"
    "\n"
    "Lines longer than 1 MiB are scored on their first 1 MiB. Any bytes are accepted;\n"
    "invalid UTF-8 is skipped. Exit: 0 ok, 1 read or write failure, 2 usage or config error.\n";

typedef struct opts {
    rm_lang lang;
    int json;
    const char *configs;
} opts;

typedef struct reader {
    char buf[READ_CHUNK];
    size_t pos, len;
    int eof;
} reader;

/* ---- output ---- */

/* Copies bytes as valid UTF-8 (U+FFFD for bad bytes), as jansson requires. */
static json_t *text_json(const char *s, size_t len, rm_buf *tmp)
{
    size_t i = 0;

    rm_buf_reset(tmp);
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            (void)rm_buf_add(tmp, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            (void)rm_buf_add(tmp, s + i, (size_t)n);
            i += (size_t)n;
        }
    }
    return json_stringn(tmp->ptr, tmp->len);
}

static json_t *real4(double x)
{
    return json_real(round(x * 10000.0) / 10000.0);
}

static json_t *span_json(size_t start, size_t end)
{
    return json_pack("[II]", (json_int_t)start, (json_int_t)end);
}

static json_t *result_json(const char *line, const rm_sentiment *s, rm_buf *tmp)
{
    json_t *o = json_object(), *asp = json_array(), *ev = json_array();

    json_object_set_new(o, "score", real4(s->score));
    json_object_set_new(o, "label", json_string(rm_label_str(s->label)));
    json_object_set_new(o, "lang", json_string(rm_lang_str(s->lang)));
    for (size_t i = 0; i < s->n_aspects; i++) {
        const rm_aspect_hit *h = &s->aspects[i];
        json_t *a = json_object();
        json_object_set_new(a, "aspect", json_string(h->aspect));
        json_object_set_new(a, "score", real4(h->score));
        json_object_set_new(a, "label", json_string(rm_label_str(h->label)));
        json_object_set_new(a, "span", span_json(h->start, h->end));
        json_object_set_new(a, "term", text_json(h->term, strlen(h->term), tmp));
        json_object_set_new(a, "text", text_json(line + h->start, h->end - h->start, tmp));
        json_array_append_new(asp, a);
    }
    for (size_t i = 0; i < s->n_evidence; i++) {
        const rm_evidence *e = &s->evidence[i];
        json_t *x = json_object();
        json_object_set_new(x, "term", text_json(e->term, strlen(e->term), tmp));
        json_object_set_new(x, "valence", real4(e->valence));
        json_object_set_new(x, "span", span_json(e->start, e->end));
        json_object_set_new(x, "text", text_json(line + e->start, e->end - e->start, tmp));
        json_array_append_new(ev, x);
    }
    json_object_set_new(o, "aspects", asp);
    json_object_set_new(o, "evidence", ev);
    return o;
}

static int print_result(const opts *o, const char *line, const rm_sentiment *s, rm_buf *tmp)
{
    if (o->json) {
        json_t *j = result_json(line, s, tmp);
        int rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        json_decref(j);
        if (rc != 0)
            return -1;
        return putchar('\n') == EOF ? -1 : 0;
    }
    return printf("%.4f\t%s\t%s\n", s->score, rm_label_str(s->label), rm_lang_str(s->lang)) < 0
               ? -1
               : 0;
}

/* ---- input ---- */

/* Refills from stdin; output is flushed first so a reader on the other end of a pipe gets each
 * answer before we wait for the next question. Returns -1 on a read error. */
static int refill(reader *r)
{
    ssize_t n;

    if (fflush(stdout) != 0)
        return -1;
    do
        n = read(STDIN_FILENO, r->buf, sizeof(r->buf));
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    r->pos = 0;
    r->len = (size_t)n;
    r->eof = n == 0;
    return 0;
}

/* Reads one line (without its newline) into line, keeping at most line->max bytes; the rest of
 * a longer line is read and dropped, and *cut set. Returns 1 for a line, 0 at the end, -1 on a
 * read error. */
static int read_line(reader *r, rm_buf *line, int *cut)
{
    rm_buf_reset(line);
    *cut = 0;
    for (;;) {
        char *nl;
        size_t n;
        if (r->pos == r->len) {
            if (refill(r) != 0)
                return -1;
            if (r->eof)
                return line->len || *cut ? 1 : 0;
        }
        nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        n = nl ? (size_t)(nl - (r->buf + r->pos)) : r->len - r->pos;
        if (line->len + n > line->max) {
            (void)rm_buf_add(line, r->buf + r->pos, line->max - line->len);
            *cut = 1;
        } else {
            (void)rm_buf_add(line, r->buf + r->pos, n);
        }
        r->pos += n + (nl != NULL);
        if (nl)
            return 1;
    }
}

static int parse_opts(int argc, char **argv, opts *o)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},
        {"configs", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    int ch;

    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((ch = rm_cli_getopt(&rm_cmd_score, argc, argv, ":", longopts)) != -1) {
        if (ch == '?')
            return -1;
        if (ch == 'j')
            o->json = 1;
        else if (ch == 'c')
            o->configs = optarg;
        else if (ch == 'l' && (rm_lang_parse(optarg, &o->lang) != 0 || o->lang == RM_LANG_OTHER)) {
            rm_cli_usage_error(&rm_cmd_score, "--lang must be auto, en or ru, not '%s'", optarg);
            return -1;
        }
    }
    if (optind < argc) {
        rm_cli_usage_error(&rm_cmd_score, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

static int score_stream(const opts *o, const rm_nlp *nlp)
{
    reader *r = rm_xcalloc(1, sizeof(*r));
    rm_arena *arena = rm_arena_new(256 * 1024);
    rm_buf line, tmp;
    int rc = RM_EXIT_OK, got, cut, warned = 0;

    rm_buf_init(&line, RM_NLP_MAX_BYTES);
    rm_buf_init(&tmp, RM_BUF_NOLIMIT);
    r->pos = r->len = 0;
    while ((got = read_line(r, &line, &cut)) > 0) {
        rm_sentiment s;
        if (line.len && line.ptr[line.len - 1] == '\r')
            rm_buf_truncate(&line, line.len - 1);
        if (cut && !warned++)
            rm_log_warn("revmine score: lines over %u bytes are scored on their start",
                        RM_NLP_MAX_BYTES);
        if (rm_nlp_score(nlp, line.ptr, line.len, o->lang, arena, &s) != RM_OK ||
            print_result(o, line.ptr, &s, &tmp) != 0) {
            rm_log_error("revmine score: write failed: %s", strerror(errno));
            rc = RM_EXIT_FAIL;
            break;
        }
        rm_arena_reset(arena);
    }
    if (got < 0) {
        rm_log_error("revmine score: read failed: %s", strerror(errno));
        rc = RM_EXIT_FAIL;
    }
    if (fflush(stdout) != 0 && rc == RM_EXIT_OK) {
        rm_log_error("revmine score: write failed: %s", strerror(errno));
        rc = RM_EXIT_FAIL;
    }
    rm_buf_release(&line);
    rm_buf_release(&tmp);
    rm_arena_free(arena);
    free(r);
    return rc;
}

static int run(int argc, char **argv)
{
    opts o;
    rm_nlp *nlp = NULL;
    rm_diag diag;
    int rc;

    if (parse_opts(argc, argv, &o) != 0)
        return RM_EXIT_USAGE;
    rm_diag_init(&diag);
    if (rm_nlp_new(o.configs, &diag, &nlp) != RM_OK) {
        rm_diag_print(&diag, stderr);
        rm_diag_release(&diag);
        return RM_EXIT_USAGE;
    }
    rm_diag_release(&diag);
    rc = score_stream(&o, nlp);
    rm_nlp_free(nlp);
    return rc;
}

const rm_cmd rm_cmd_score = {"score", "score sentiment and aspects of texts on stdin", usage, run};
