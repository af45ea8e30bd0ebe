/* libFuzzer target for store/interests: the input is both a taxonomy (YAML) and a text to
 * match. Besides memory errors and hangs it checks that a rejected taxonomy always says why,
 * and that matches are distinct indexes of real interests. */
#include "core/rm.h"
#include "store/interests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_match(const rm_interests *t, const char *text, size_t len, rm_arena *a)
{
    size_t hits[8], n = rm_interests_match(t, text, len, a, hits, RM_ARRAY_LEN(hits));
    if (n > RM_ARRAY_LEN(hits))
        abort();
    for (size_t i = 0; i < n; i++) {
        if (hits[i] >= rm_interests_count(t))
            abort();
        for (size_t j = 0; j < i; j++)
            if (hits[i] == hits[j])
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rm_interests *builtin;
    rm_interests *t = NULL;
    rm_arena *a = rm_arena_new(4096);
    rm_diag d;

    rm_diag_init(&d);
    if (!builtin && rm_interests_builtin(&d, &builtin) != RM_OK)
        abort();
    check_match(builtin, (const char *)data, size, a);
    if (rm_interests_load("fuzz.yaml", (const char *)data, size, &d, &t) != RM_OK) {
        if (!d.n || t)
            abort();
    } else {
        static const char text[] = "Зимняя рыбалка, fishing and board games";
        check_match(t, text, sizeof(text) - 1, a);
    }
    rm_interests_free(t);
    rm_diag_release(&d);
    rm_arena_free(a);
    return 0;
}
