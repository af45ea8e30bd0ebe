/* Data files built into the binary (configs/lexicons, aspects, interests, site rules), so
 * revmine runs from any directory. tools/embed.c generates the table at build time.
 *
 * Thread-safety: read-only data. */
#ifndef RM_EMBED_H
#define RM_EMBED_H

#include <stddef.h>

typedef struct rm_embed_file {
    const char *name; /* path relative to configs/, such as "lexicons/en.tsv" */
    const char *data; /* NUL-terminated */
    size_t len;
} rm_embed_file;

/* Ends with an entry whose name is NULL. */
extern const rm_embed_file rm_embed_files[];

/* Returns the file called name, or NULL. */
const rm_embed_file *rm_embed_find(const char *name);

#endif
