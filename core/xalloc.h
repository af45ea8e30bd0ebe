/* Allocation that never returns NULL.
 *
 * Thread-safety: any thread.
 *
 * Running out of memory is not an input problem we can report per page: the process prints the
 * size it wanted and aborts (git's xmalloc, Redis's zmalloc). Memory that input can grow is
 * capped by the caller instead (rm_buf.max, arena page caps). */
#ifndef RM_XALLOC_H
#define RM_XALLOC_H

#include <stddef.h>

/* Each returns new memory; free with free(). */
void *rm_xmalloc(size_t size);
void *rm_xcalloc(size_t nmemb, size_t size);
void *rm_xrealloc(void *ptr, size_t size);
char *rm_xstrdup(const char *s);
char *rm_xstrndup(const char *s, size_t n);
/* Grows *ptr (an array of elem-sized items with *cap slots) to hold at least need items. */
void rm_xgrow(void **ptr, size_t *cap, size_t need, size_t elem);

#define RM_GROW(arr, cap, need) rm_xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
