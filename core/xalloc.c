#include "core/rm.h"

RM_NORETURN static void die_oom(size_t size)
{
    fprintf(stderr, "revmine: out of memory allocating %zu bytes\n", size);
    abort();
}

void *rm_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

void *rm_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        die_oom(nmemb * size);
    return p;
}

void *rm_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

char *rm_xstrdup(const char *s)
{
    return rm_xstrndup(s, strlen(s));
}

char *rm_xstrndup(const char *s, size_t n)
{
    char *p = rm_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void rm_xgrow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap;
    if (need <= c)
        return;
    c = c ? c : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            die_oom(SIZE_MAX);
        c *= 2;
    }
    *ptr = rm_xrealloc(*ptr, c * elem);
    *cap = c;
}
