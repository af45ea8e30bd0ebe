/* libFuzzer target: tokenizer and scorer on arbitrary bytes. The first byte picks the language
 * hint; the rest is the text. Checks what every caller relies on: spans inside the text,
 * scores in [-1, 1], labels consistent with the thresholds, NUL-terminated terms. */
#include "core/rm.h"

#include <math.h>

#include "core/arena.h"
#include "nlp/nlp.h"
#include "nlp/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rm_nlp *nlp;
static rm_arena *arena;

static void check_tokens(const char *text, size_t len)
{
    rm_tokens t;
    size_t prev = 0;

    rm_token_split(text, len, arena, &t);
    for (size_t i = 0; i < t.n; i++) {
        if (t.v[i].start < prev || t.v[i].end <= t.v[i].start || t.v[i].end > len ||
            strlen(t.v[i].norm) != t.v[i].norm_len)
            abort();
        prev = t.v[i].end;
    }
}

static void check_score(const char *text, size_t len, rm_lang hint)
{
    rm_sentiment s;

    if (rm_nlp_score(nlp, text, len, hint, arena, &s) != RM_OK)
        abort();
    if (!(s.score >= -1.0 && s.score <= 1.0) || s.label != (s.score >= 0.05    ? RM_LABEL_POS
                                                            : s.score <= -0.05 ? RM_LABEL_NEG
                                                                               : RM_LABEL_NEU))
        abort();
    for (size_t i = 0; i < s.n_evidence; i++)
        if (s.evidence[i].end > len || s.evidence[i].start >= s.evidence[i].end ||
            !isfinite(s.evidence[i].valence) || !s.evidence[i].term)
            abort();
    for (size_t i = 0; i < s.n_aspects; i++)
        if (s.aspects[i].end > len || s.aspects[i].start > s.aspects[i].end ||
            fabs(s.aspects[i].score) > 1.0 || !s.aspects[i].aspect || !s.aspects[i].term)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const rm_lang hints[] = {RM_LANG_AUTO, RM_LANG_EN, RM_LANG_RU, RM_LANG_OTHER};
    char *text;

    if (!nlp) {
        rm_diag d;
        rm_diag_init(&d);
        if (rm_nlp_new(NULL, &d, &nlp) != RM_OK)
            abort();
        rm_diag_release(&d);
        arena = rm_arena_new(64 * 1024);
    }
    if (size == 0)
        return 0;
    /* An exact-size copy: reading one byte past the text trips ASan. */
    text = rm_xmalloc(size - 1 ? size - 1 : 1);
    memcpy(text, data + 1, size - 1);
    check_tokens(text, size - 1);
    check_score(text, size - 1, hints[data[0] % 4]);
    rm_arena_reset(arena);
    free(text);
    return 0;
}
