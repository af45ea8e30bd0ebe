/* libFuzzer: any bytes as a fetched page through rm_extract(), zero-config and with the
 * market-fixture rules (CSS on the libxml2 copy). The first byte picks the Content-Type, so
 * charsets and JSON documents are reached too, and the URL, so each of the rule file's page
 * types runs. No crash, leak or undefined behaviour; every emitted string must be valid JSON
 * text. */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/extract.h"

static rm_extractor *zero, *rules;
static rm_arena *scratch, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *files[] = {"market-fixture"};
    rm_diag d;

    (void)argc;
    (void)argv;
    rm_diag_init(&d);
    if (rm_extractor_new(NULL, 0, &d, &zero) || rm_extractor_new(files, 1, &d, &rules))
        abort();
    rm_diag_release(&d);
    scratch = rm_arena_new(1 << 16);
    out = rm_arena_new(1 << 16);
    return 0;
}

static const char *const ctypes[] = {NULL, "text/html; charset=windows-1251",
                                     "text/html; charset=koi8-r", "text/html; charset=utf-16",
                                     "application/json", "text/html"};
/* Bits 3 and 4 of the first byte: market-fixture's product, reviews, user and social pages. */
static const char *const urls[] = {"http://127.0.0.1:8700/p/42-chaynik?x=1",
                                   "http://127.0.0.1:8700/p/42/reviews?page=1",
                                   "http://127.0.0.1:8700/u/anna_m", "http://127.0.0.1:8701/@anna"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_page page = {NULL, NULL, NULL, 0, 1711929600};
    const rm_extractor *ex;
    rm_recs recs;

    if (!size)
        return 0;
    page.content_type = ctypes[(data[0] & 7) % RM_ARRAY_LEN(ctypes)];
    page.url = urls[(data[0] >> 3) & 3];
    ex = data[0] & 0x80 ? rules : zero;
    page.body = (const char *)data + 1;
    page.len = size - 1;
    rm_recs_init(&recs, out);
    if (rm_extract(ex, &page, scratch, &recs) == RM_OK) {
        for (size_t i = 0; i < recs.n; i++) {
            json_t *j = rm_rec_to_json(&recs.v[i]);
            char *s = json_dumps(j, JSON_COMPACT);
            /* json_string() refuses invalid UTF-8: a field that vanished here would be a bug. */
            if (!s || json_object_size(j) < 2)
                abort();
            free(s);
            json_decref(j);
        }
    }
    rm_recs_release(&recs);
    rm_arena_reset(scratch);
    rm_arena_reset(out);
    return 0;
}
