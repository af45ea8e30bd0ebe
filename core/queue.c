#include "core/rm.h"
#include "core/queue.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct rm_queue {
    pthread_mutex_t mu; /* guards items, head, len, closed */
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    void **items;       /* ring of cap slots */
    size_t cap, head, len;
    size_t wake_at;     /* a push signals not_empty once len reaches this (1 but in a wait) */
    int closed, kicked;
};

rm_queue *rm_queue_new(size_t cap)
{
    rm_queue *q = rm_xcalloc(1, sizeof(*q));
    pthread_condattr_t ca;

    q->cap = cap ? cap : 1;
    q->wake_at = 1;
    q->items = rm_xcalloc(q->cap, sizeof(void *));
    pthread_mutex_init(&q->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->not_empty, &ca);
    pthread_cond_init(&q->not_full, &ca);
    pthread_condattr_destroy(&ca);
    return q;
}

void rm_queue_free(rm_queue *q)
{
    if (!q)
        return;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q->items);
    free(q);
}

static void put(rm_queue *q, void *item)
{
    q->items[(q->head + q->len) % q->cap] = item;
    q->len++;
    if (q->len >= q->wake_at)
        pthread_cond_signal(&q->not_empty);
}

static void *take(rm_queue *q)
{
    void *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
    return item;
}

rm_err rm_queue_push(rm_queue *q, void *item)
{
    rm_err err = RM_OK;
    pthread_mutex_lock(&q->mu);
    while (q->len == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->mu);
    if (q->closed)
        err = RM_ECLOSED;
    else
        put(q, item);
    pthread_mutex_unlock(&q->mu);
    return err;
}

rm_err rm_queue_trypush(rm_queue *q, void *item)
{
    rm_err err = RM_OK;
    pthread_mutex_lock(&q->mu);
    if (q->closed)
        err = RM_ECLOSED;
    else if (q->len == q->cap)
        err = RM_ETOOBIG;
    else
        put(q, item);
    pthread_mutex_unlock(&q->mu);
    return err;
}

static void deadline(struct timespec *until, long timeout_ms)
{
    clock_gettime(CLOCK_MONOTONIC, until);
    until->tv_sec += timeout_ms / 1000;
    until->tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (until->tv_nsec >= 1000000000L) {
        until->tv_sec++;
        until->tv_nsec -= 1000000000L;
    }
}

/* Pops with a timeout (< 0: none, 0: never blocks); left, when not NULL, gets what stays. */
static rm_err pop(rm_queue *q, void **item, long timeout_ms, size_t *left)
{
    struct timespec until;
    rm_err err = RM_OK;

    if (timeout_ms > 0)
        deadline(&until, timeout_ms);
    pthread_mutex_lock(&q->mu);
    while (q->len == 0 && !q->closed) {
        if (timeout_ms == 0)
            break;
        if (timeout_ms < 0) {
            pthread_cond_wait(&q->not_empty, &q->mu);
        } else if (pthread_cond_timedwait(&q->not_empty, &q->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    if (q->len > 0)
        *item = take(q);
    else
        err = q->closed ? RM_ECLOSED : RM_EEMPTY;
    if (left)
        *left = q->len;
    pthread_mutex_unlock(&q->mu);
    return err;
}

rm_err rm_queue_pop_timed(rm_queue *q, void **item, long timeout_ms)
{
    return pop(q, item, timeout_ms, NULL);
}

rm_err rm_queue_pop(rm_queue *q, void **item)
{
    return pop(q, item, -1, NULL);
}

rm_err rm_queue_pop_left(rm_queue *q, void **item, size_t *left)
{
    return pop(q, item, -1, left);
}

void rm_queue_wait(rm_queue *q, size_t n, long timeout_ms)
{
    struct timespec until;

    if (timeout_ms == 0)
        return;
    if (timeout_ms > 0)
        deadline(&until, timeout_ms);
    pthread_mutex_lock(&q->mu);
    q->wake_at = n < 1 ? 1 : n > q->cap ? q->cap : n;
    while (q->len < q->wake_at && !q->closed && !q->kicked) {
        if (timeout_ms < 0)
            pthread_cond_wait(&q->not_empty, &q->mu);
        else if (pthread_cond_timedwait(&q->not_empty, &q->mu, &until) == ETIMEDOUT)
            break;
    }
    q->wake_at = 1;
    q->kicked = 0;
    pthread_mutex_unlock(&q->mu);
}

void rm_queue_kick(rm_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->kicked = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

void rm_queue_close(rm_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
}

size_t rm_queue_len(rm_queue *q)
{
    size_t n;
    pthread_mutex_lock(&q->mu);
    n = q->len;
    pthread_mutex_unlock(&q->mu);
    return n;
}
