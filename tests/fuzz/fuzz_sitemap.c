/* libFuzzer target for crawler/sitemap: XML, text or gzip bodies. Besides memory errors it
 * checks the promises on every entry (non-empty loc within the limit, priority NAN or 0..1)
 * and the entry limit. */
#include "core/rm.h"
#include "crawler/sitemap.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, const rm_sitemap_opts *opts, size_t max_urls)
{
    rm_sitemap *s = NULL;
    rm_err err = rm_sitemap_parse(data, size, opts, &s);

    if (!s || (err == RM_EUNSUPPORTED && rm_sitemap_count(s)))
        abort();
    if (rm_sitemap_count(s) > max_urls)
        abort();
    for (size_t i = 0; i < rm_sitemap_count(s); i++) {
        const rm_sitemap_entry *e = rm_sitemap_entry_at(s, i);
        size_t n = strlen(e->loc);
        if (!n || n > RM_SITEMAP_MAX_LOC || (!isnan(e->priority) &&
                                            (e->priority < 0 || e->priority > 1)))
            abort();
    }
    rm_sitemap_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_sitemap_opts small = {.max_bytes = 200, .max_urls = 2};

    check(data, size, NULL, RM_SITEMAP_MAX_URLS);
    check(data, size, &small, 2);
    return 0;
}
