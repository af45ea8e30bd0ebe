/* rm_arena: bump allocator for everything that lives as long as one page.
 *
 * Thread-safety: an arena belongs to one thread (one per worker, reused page after page).
 *
 * Body, Gumbo tree, extracted strings and tokens of a page come from its arena and go in one
 * rm_arena_reset() (git's mem_pool, lexbor's mraw). Allocation never fails: callers cap what
 * input can grow (page size) before allocating. Unused memory is poisoned for AddressSanitizer,
 * so overreads past an allocation still trap. */
#ifndef RM_ARENA_H
#define RM_ARENA_H

#include <stddef.h>

typedef struct rm_arena rm_arena;

/* Returns a new arena whose chunks are at least chunk bytes; free with rm_arena_free(). */
rm_arena *rm_arena_new(size_t chunk);
void rm_arena_free(rm_arena *a); /* NULL is fine */
/* Frees everything allocated since creation; the first chunk is kept for reuse. */
void rm_arena_reset(rm_arena *a);

/* Memory aligned for any type, valid until the next reset. Never NULL. */
void *rm_arena_alloc(rm_arena *a, size_t size);
void *rm_arena_calloc(rm_arena *a, size_t nmemb, size_t size);
char *rm_arena_strdup(rm_arena *a, const char *s);
char *rm_arena_strndup(rm_arena *a, const char *s, size_t n);
/* Grows the last allocation p (of old bytes) to size bytes, in place when possible. */
void *rm_arena_realloc(rm_arena *a, void *p, size_t old, size_t size);
/* Bytes handed out since the last reset (for statistics and caps). */
size_t rm_arena_used(const rm_arena *a);

#endif
