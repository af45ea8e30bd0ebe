#include "core/rm.h"
#include "nlp/stem.h"

#include <libstemmer.h>
#include <pthread.h>

#include "core/hash.h"

/* Each stemmer remembers recent words in a direct-mapped cache: word frequencies are Zipfian,
 * so most lookups hit and skip Snowball. 16384 slots of 67 bytes: about 1 MiB per thread.
 * 32 bytes hold a Russian word of 15 letters; 4096 slots of 24 bytes missed often enough on
 * bench_nlp's mix that Snowball was a quarter of scoring. */
#define CACHE_SLOTS 16384
#define CACHE_WORD 32 /* longer words are not cached */

typedef struct cache_slot {
    uint8_t lang;     /* 0: empty */
    uint8_t wlen, slen;
    char word[CACHE_WORD];
    char stem[CACHE_WORD];
} cache_slot;

struct rm_stemmer {
    struct sb_stemmer *en; /* owned */
    struct sb_stemmer *ru; /* owned */
    rm_stemmer *next;      /* free list link while in the pool */
    cache_slot cache[CACHE_SLOTS];
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

static size_t codepoints(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

const char *rm_stem_word(rm_stemmer *s, rm_lang lang, const char *word, size_t len, rm_arena *a,
                         size_t *out_len)
{
    struct sb_stemmer *sb = lang == RM_LANG_EN ? s->en : lang == RM_LANG_RU ? s->ru : NULL;
    size_t cps = codepoints(word, len);
    const sb_symbol *r;

    /* Short words skip Snowball, which is most of the cost of a lookup. Porter2 leaves English
     * words of two letters alone. A Russian word of four letters or fewer stems to itself or
     * to under four letters, and stems that short never act as keys (lexicon.c): either way
     * the word itself is as good a key. */
    if ((lang == RM_LANG_EN && cps <= 2) || (lang == RM_LANG_RU && cps <= 4))
        sb = NULL;
    if (sb && len < 256) {
        cache_slot *c = NULL;
        if (len < CACHE_WORD) {
            c = &s->cache[rm_hash64_fast(word, len) % CACHE_SLOTS];
            if (c->lang == (uint8_t)lang && c->wlen == len && !memcmp(c->word, word, len)) {
                *out_len = c->slen;
                return rm_arena_strndup(a, c->stem, c->slen);
            }
        }
        r = sb_stemmer_stem(sb, (const sb_symbol *)word, (int)len);
        if (r) {
            *out_len = (size_t)sb_stemmer_length(sb);
            if (c && *out_len < CACHE_WORD) {
                c->lang = (uint8_t)lang;
                c->wlen = (uint8_t)len;
                c->slen = (uint8_t)*out_len;
                memcpy(c->word, word, len);
                memcpy(c->stem, r, *out_len);
            }
            return rm_arena_strndup(a, (const char *)r, *out_len);
        }
    }
    *out_len = len;
    return rm_arena_strndup(a, word, len);
}
