/* libFuzzer target for crawler/robots: the input is a robots.txt; its first line doubles as
 * a path to check, so paths full of '%', '*' and '$' get tried against the rules. Besides
 * memory errors it checks that /robots.txt is always allowed. */
#include "core/rm.h"
#include "crawler/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const agents[] = {"revmine", "Googlebot/2.1", "*", "", "foo-bar_baz"};
    size_t first = 0;
    char *path;
    rm_robots *r = NULL;

    while (first < size && data[first] != '\n')
        first++;
    path = rm_xstrndup((const char *)data, first);
    if (rm_robots_parse((const char *)data, size, &r) != RM_OK)
        abort();
    for (size_t i = 0; i < RM_ARRAY_LEN(agents); i++) {
        (void)rm_robots_allowed(r, agents[i], path);
        (void)rm_robots_allowed(r, agents[i], "/a/b.html?x=%41&y=*$");
        if (!rm_robots_allowed(r, agents[i], "/robots.txt"))
            abort();
        double d = rm_robots_crawl_delay(r, agents[i]);
        if (d > RM_ROBOTS_MAX_CRAWL_DELAY || (d < 0 && d != -1))
            abort();
    }
    for (const char *const *s = rm_robots_sitemaps(r); *s; s++)
        if (!**s)
            abort();
    rm_robots_free(r);
    free(path);
    return 0;
}
