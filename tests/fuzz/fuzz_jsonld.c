/* libFuzzer: bytes as JSON-LD, both in a <script type="application/ld+json"> block (strict
 * parse, then the repairs) and as a JSON document (schema.org, Mastodon, ActivityPub). */
#include "core/rm.h"

#include "core/arena.h"
#include "extractors/extract.h"
#include "extractors/extract_int.h"

static rm_extractor *ex;
static rm_arena *scratch, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    rm_diag d;

    (void)argc;
    (void)argv;
    rm_diag_init(&d);
    if (rm_extractor_new(NULL, 0, &d, &ex))
        abort();
    scratch = rm_arena_new(1 << 16);
    out = rm_arena_new(1 << 16);
    return 0;
}

static void run(const char *ctype, const char *body, size_t len)
{
    rm_page page = {"https://shop.example/p/1", ctype, body, len, 1711929600};
    rm_recs recs;

    rm_recs_init(&recs, out);
    (void)rm_extract(ex, &page, scratch, &recs);
    for (size_t i = 0; i < recs.n; i++)
        json_decref(rm_rec_to_json(&recs.v[i]));
    rm_recs_release(&recs);
    rm_arena_reset(scratch);
    rm_arena_reset(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char open[] = "<script type=\"application/ld+json\">";
    rm_buf page;
    json_t *j = rm_extract_jsonld_parse((const char *)data, size);

    json_decref(j);
    run("application/ld+json", (const char *)data, size);
    rm_buf_init(&page, RM_BUF_NOLIMIT);
    (void)rm_buf_adds(&page, open);
    (void)rm_buf_add(&page, data, size);
    (void)rm_buf_adds(&page, "</script>");
    run("text/html; charset=utf-8", page.ptr, page.len);
    rm_buf_release(&page);
    return 0;
}
