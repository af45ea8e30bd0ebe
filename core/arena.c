#include "core/rm.h"
#include "core/arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define RM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RM_ASAN 1
#endif
#endif

#ifdef RM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
/* A poisoned gap between allocations makes an overread of one land in poison. */
#define REDZONE 16
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

#define ALIGN 16

typedef struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(ALIGN) unsigned char data[];
} chunk;

struct rm_arena {
    chunk *head;      /* current chunk; older ones follow */
    size_t chunk_size;
    size_t used;      /* bytes handed out since the last reset */
};

static chunk *chunk_new(size_t size)
{
    chunk *c = rm_xmalloc(sizeof(*c) + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    POISON(c->data, size);
    return c;
}

rm_arena *rm_arena_new(size_t chunk_size)
{
    rm_arena *a = rm_xcalloc(1, sizeof(*a));
    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
    a->head = chunk_new(a->chunk_size);
    return a;
}

void rm_arena_free(rm_arena *a)
{
    chunk *c, *next;
    if (!a)
        return;
    for (c = a->head; c; c = next) {
        next = c->next;
        UNPOISON(c->data, c->size);
        free(c);
    }
    free(a);
}

void rm_arena_reset(rm_arena *a)
{
    chunk *c = a->head, *next;
    /* Keep the oldest chunk (the first, of the configured size); big ones go back. */
    while (c->next) {
        next = c->next;
        UNPOISON(c->data, c->size);
        free(c);
        c = next;
    }
    a->head = c;
    c->used = 0;
    POISON(c->data, c->size);
    a->used = 0;
}

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void *rm_arena_alloc(rm_arena *a, size_t size)
{
    size_t need = round_up(size + REDZONE);
    chunk *c = a->head;
    void *p;

    if (size > SIZE_MAX / 2)
        rm_xmalloc(SIZE_MAX); /* aborts with the size */
    if (c->size - c->used < need) {
        size_t csize = need > a->chunk_size ? need : a->chunk_size;
        chunk *n = chunk_new(csize);
        /* A chunk bigger than the standard size is placed behind the current one so the
         * current chunk's remaining space is still used by later small allocations. */
        if (csize > a->chunk_size && c->size - c->used > a->chunk_size / 4) {
            n->next = c->next;
            c->next = n;
            c = n;
        } else {
            n->next = c;
            a->head = c = n;
        }
    }
    p = c->data + c->used;
    c->used += need;
    a->used += size;
    UNPOISON(p, size);
    return p;
}

void *rm_arena_calloc(rm_arena *a, size_t nmemb, size_t size)
{
    void *p;
    if (size && nmemb > SIZE_MAX / size)
        rm_xmalloc(SIZE_MAX);
    p = rm_arena_alloc(a, nmemb * size);
    memset(p, 0, nmemb * size);
    return p;
}

char *rm_arena_strndup(rm_arena *a, const char *s, size_t n)
{
    char *p = rm_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rm_arena_strdup(rm_arena *a, const char *s)
{
    return rm_arena_strndup(a, s, strlen(s));
}

void *rm_arena_realloc(rm_arena *a, void *p, size_t old, size_t size)
{
    chunk *c = a->head;
    void *q;

    if (p && (unsigned char *)p + round_up(old + REDZONE) == c->data + c->used) {
        size_t start = (size_t)((unsigned char *)p - c->data);
        if (size <= old) {
            POISON((unsigned char *)p + size, old - size);
            return p;
        }
        if (start + round_up(size + REDZONE) <= c->size) {
            c->used = start + round_up(size + REDZONE);
            a->used += size - old;
            UNPOISON(p, size);
            return p;
        }
    }
    if (p && size <= old)
        return p;
    q = rm_arena_alloc(a, size);
    if (p && old)
        memcpy(q, p, old);
    return q;
}

size_t rm_arena_used(const rm_arena *a)
{
    return a->used;
}
