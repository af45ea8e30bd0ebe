#include "core/rm.h"
#include "nlp/stem.h"

#include <libstemmer.h>
#include <pthread.h>

struct rm_stemmer {
    struct sb_stemmer *en; /* owned */
    struct sb_stemmer *ru; /* owned */
    rm_stemmer *next;      /* free list link while in the pool */
};

struct rm_stem_pool {
    pthread_mutex_t mu;
    rm_stemmer *free_list; /* guarded by mu */
};

rm_stem_pool *rm_stem_pool_new(void)
{
    rm_stem_pool *p = rm_xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

static void stemmer_free(rm_stemmer *s)
{
    sb_stemmer_delete(s->en);
    sb_stemmer_delete(s->ru);
    free(s);
}

void rm_stem_pool_free(rm_stem_pool *p)
{
    rm_stemmer *s, *next;

    if (!p)
        return;
    for (s = p->free_list; s; s = next) {
        next = s->next;
        stemmer_free(s);
    }
    pthread_mutex_destroy(&p->mu);
    free(p);
}

static rm_stemmer *stemmer_new(void)
{
    rm_stemmer *s = rm_xcalloc(1, sizeof(*s));

    s->en = sb_stemmer_new("english", "UTF_8");
    s->ru = sb_stemmer_new("russian", "UTF_8");
    /* libstemmer returns NULL only when out of memory or built without these algorithms;
     * both are broken installs, not input problems. */
    if (!s->en || !s->ru) {
        fprintf(stderr, "revmine: libstemmer lacks the english or russian algorithm\n");
        abort();
    }
    return s;
}

rm_stemmer *rm_stem_acquire(rm_stem_pool *p)
{
    rm_stemmer *s;

    pthread_mutex_lock(&p->mu);
    s = p->free_list;
    if (s)
        p->free_list = s->next;
    pthread_mutex_unlock(&p->mu);
    return s ? s : stemmer_new();
}

void rm_stem_release(rm_stem_pool *p, rm_stemmer *s)
{
    pthread_mutex_lock(&p->mu);
    s->next = p->free_list;
    p->free_list = s;
    pthread_mutex_unlock(&p->mu);
}

const char *rm_stem_word(rm_stemmer *s, rm_lang lang, const char *word, size_t len, rm_arena *a,
                         size_t *out_len)
{
    struct sb_stemmer *sb = lang == RM_LANG_EN ? s->en : lang == RM_LANG_RU ? s->ru : NULL;
    const sb_symbol *r;

    if (sb && len < 256) {
        r = sb_stemmer_stem(sb, (const sb_symbol *)word, (int)len);
        if (r) {
            *out_len = (size_t)sb_stemmer_length(sb);
            return rm_arena_strndup(a, (const char *)r, *out_len);
        }
    }
    *out_len = len;
    return rm_arena_strndup(a, word, len);
}
