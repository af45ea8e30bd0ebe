#include "core/rm.h"

/* Shared empty string so an initialised buffer never has a NULL pointer (git's strbuf_slopbuf).
 * Nothing ever writes to it: cap == 0 marks a buffer that owns no memory. */
static char empty_buf[1];

void rm_buf_init(rm_buf *b, size_t max)
{
    b->ptr = empty_buf;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = RM_OK;
}

void rm_buf_release(rm_buf *b)
{
    if (b->cap)
        free(b->ptr);
    rm_buf_init(b, b->max);
}

void rm_buf_reset(rm_buf *b)
{
    b->len = 0;
    b->err = RM_OK;
    if (b->cap)
        b->ptr[0] = '\0';
}

char *rm_buf_detach(rm_buf *b, size_t *len)
{
    char *p = b->cap ? b->ptr : rm_xstrdup("");
    if (len)
        *len = b->len;
    rm_buf_init(b, b->max);
    return p;
}

rm_err rm_buf_grow(rm_buf *b, size_t extra)
{
    size_t need, cap;

    if (b->err)
        return b->err;
    if (extra > b->max || b->len > b->max - extra) {
        b->err = RM_ETOOBIG;
        return b->err;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return RM_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->cap) {
        b->ptr = rm_xrealloc(b->ptr, cap);
    } else {
        b->ptr = rm_xmalloc(cap);
        b->ptr[0] = '\0';
    }
    b->cap = cap;
    return RM_OK;
}

rm_err rm_buf_add(rm_buf *b, const void *data, size_t len)
{
    if (rm_buf_grow(b, len))
        return b->err;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return RM_OK;
}

rm_err rm_buf_adds(rm_buf *b, const char *s)
{
    return rm_buf_add(b, s, strlen(s));
}

rm_err rm_buf_addc(rm_buf *b, char c)
{
    return rm_buf_add(b, &c, 1);
}

rm_err rm_buf_vaddf(rm_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    if (b->err)
        return b->err;
    va_copy(cp, ap);
    n = vsnprintf(b->cap ? b->ptr + b->len : NULL, b->cap ? b->cap - b->len : 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->err = RM_EINVAL;
        return b->err;
    }
    if (b->cap && (size_t)n < b->cap - b->len) {
        if ((size_t)n > b->max - b->len) { /* fitted in memory but not under the limit */
            b->ptr[b->len] = '\0';
            b->err = RM_ETOOBIG;
            return b->err;
        }
        b->len += (size_t)n;
        return RM_OK;
    }
    if (rm_buf_grow(b, (size_t)n))
        return b->err;
    va_copy(cp, ap);
    vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, cp);
    va_end(cp);
    b->len += (size_t)n;
    return RM_OK;
}

rm_err rm_buf_addf(rm_buf *b, const char *fmt, ...)
{
    va_list ap;
    rm_err err;

    va_start(ap, fmt);
    err = rm_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return err;
}

void rm_buf_truncate(rm_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->ptr[len] = '\0';
}
