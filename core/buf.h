/* rm_buf: a growable byte string with a hard size limit and a sticky error.
 *
 * Thread-safety: a buffer belongs to one thread at a time.
 *
 *   rm_buf b;
 *   rm_buf_init(&b, 1 << 20);        // never grows past 1 MiB
 *   rm_buf_addf(&b, "%d pages", n);
 *   if (b.err) ...;                  // first failure; later appends did nothing
 *   rm_buf_release(&b);
 *
 * ptr is never NULL once initialised and always NUL-terminated (git's strbuf), the limit is
 * curl's dynbuf, the sticky error SQLite's sqlite3_str. */
#ifndef RM_BUF_H
#define RM_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

#define RM_BUF_NOLIMIT ((size_t)-1)

typedef struct rm_buf {
    char *ptr;  /* never NULL once initialised; always NUL-terminated */
    size_t len; /* bytes in use (NUL excluded) */
    size_t cap; /* bytes allocated; 0 while ptr points at the shared empty string */
    size_t max; /* hard limit on len; growing past it sets RM_ETOOBIG */
    rm_err err; /* first failure; later appends do nothing */
} rm_buf;

void rm_buf_init(rm_buf *b, size_t max);
/* Frees the memory; the buffer is initialised again (empty, same limit). */
void rm_buf_release(rm_buf *b);
/* Empties the buffer and clears the error, keeping the memory. */
void rm_buf_reset(rm_buf *b);
/* Returns the bytes (NUL-terminated, caller frees) and leaves b empty. Never NULL. */
char *rm_buf_detach(rm_buf *b, size_t *len);

/* Appenders: on error (limit) they append nothing and set b->err; the return is b->err. */
rm_err rm_buf_add(rm_buf *b, const void *data, size_t len);
rm_err rm_buf_adds(rm_buf *b, const char *s);
rm_err rm_buf_addc(rm_buf *b, char c);
rm_err rm_buf_addf(rm_buf *b, const char *fmt, ...) RM_PRINTF(2, 3);
rm_err rm_buf_vaddf(rm_buf *b, const char *fmt, va_list ap) RM_PRINTF(2, 0);
/* Makes room for at least extra more bytes (plus the NUL). */
rm_err rm_buf_grow(rm_buf *b, size_t extra);
/* Shortens to len bytes (len <= b->len). */
void rm_buf_truncate(rm_buf *b, size_t len);

#endif
