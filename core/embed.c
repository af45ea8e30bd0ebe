#include "core/rm.h"
#include "core/embed.h"

const rm_embed_file *rm_embed_find(const char *name)
{
    for (const rm_embed_file *f = rm_embed_files; f->name; f++)
        if (!strcmp(f->name, name))
            return f;
    return NULL;
}
