#include "core/rm.h"
#include "crawler/urlseen.h"

#include <pthread.h>

#define STRIPES 16

typedef struct stripe {
    pthread_mutex_t mu; /* guards slots and n */
    uint64_t *slots;    /* open addressing; 0 = empty */
    size_t cap, n;
} stripe;

struct rm_urlseen {
    stripe s[STRIPES];
};

rm_urlseen *rm_urlseen_new(size_t max_entries)
{
    rm_urlseen *u = rm_xcalloc(1, sizeof(*u));
    size_t cap = 64;

    /* Half full at most: probes stay short. */
    while (cap * STRIPES < max_entries * 2)
        cap *= 2;
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&u->s[i].mu, NULL);
        u->s[i].slots = rm_xcalloc(cap, sizeof(uint64_t));
        u->s[i].cap = cap;
    }
    return u;
}

void rm_urlseen_free(rm_urlseen *u)
{
    if (!u)
        return;
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_destroy(&u->s[i].mu);
        free(u->s[i].slots);
    }
    free(u);
}

/* h's slot in s (holding h, or the empty slot where it goes); s->mu held. */
static size_t probe(const stripe *s, uint64_t h)
{
    size_t i = (size_t)(h * 0x9e3779b97f4a7c15ULL >> 20) & (s->cap - 1);
    while (s->slots[i] && s->slots[i] != h)
        i = (i + 1) & (s->cap - 1);
    return i;
}

bool rm_urlseen_has(rm_urlseen *u, uint64_t h)
{
    stripe *s;
    bool found;

    h |= 1;
    s = &u->s[(h >> 59) & (STRIPES - 1)];
    pthread_mutex_lock(&s->mu);
    found = s->slots[probe(s, h)] == h;
    pthread_mutex_unlock(&s->mu);
    return found;
}

bool rm_urlseen_add(rm_urlseen *u, uint64_t h)
{
    stripe *s;
    size_t i;
    bool added;

    h |= 1; /* 0 marks an empty slot */
    s = &u->s[(h >> 59) & (STRIPES - 1)];
    pthread_mutex_lock(&s->mu);
    if (s->n * 2 >= s->cap) {
        memset(s->slots, 0, s->cap * sizeof(uint64_t));
        s->n = 0;
    }
    i = probe(s, h);
    added = s->slots[i] != h;
    if (added) {
        s->slots[i] = h;
        s->n++;
    }
    pthread_mutex_unlock(&s->mu);
    return added;
}
