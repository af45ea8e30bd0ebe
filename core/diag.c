#include "core/rm.h"

void rm_diag_init(rm_diag *d)
{
    d->items = NULL;
    d->n = d->cap = 0;
}

void rm_diag_release(rm_diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].field);
        free(d->items[i].msg);
    }
    free(d->items);
    rm_diag_init(d);
}

void rm_diag_add(rm_diag *d, const char *file, int line, const char *field, const char *fmt, ...)
{
    rm_diag_item *it;
    rm_buf msg;
    va_list ap;

    RM_GROW(d->items, d->cap, d->n + 1);
    it = &d->items[d->n++];
    it->file = file ? rm_xstrdup(file) : NULL;
    it->line = line;
    it->field = field && *field ? rm_xstrdup(field) : NULL;
    rm_buf_init(&msg, RM_BUF_NOLIMIT);
    va_start(ap, fmt);
    (void)rm_buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    it->msg = rm_buf_detach(&msg, NULL);
}

void rm_diag_print(const rm_diag *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const rm_diag_item *it = &d->items[i];
        if (it->file)
            fprintf(out, "%s:", it->file);
        if (it->line > 0)
            fprintf(out, "%d:", it->line);
        if (it->file || it->line > 0)
            fputc(' ', out);
        if (it->field)
            fprintf(out, "%s: ", it->field);
        fprintf(out, "%s\n", it->msg);
    }
}
