/* rm_queue: bounded blocking FIFO of pointers between pipeline stages.
 *
 * Thread-safety: every function may be called from any thread, except rm_queue_free().
 *
 * A full queue blocks its producer: a slow stage applies back-pressure instead of growing
 * memory. Closing wakes everyone; pops still drain what is queued, pushes fail. */
#ifndef RM_QUEUE_H
#define RM_QUEUE_H

#include <stddef.h>

#include "core/err.h"

typedef struct rm_queue rm_queue;

/* Returns a new queue holding at most cap items; free with rm_queue_free(). */
rm_queue *rm_queue_new(size_t cap);
/* Frees the queue; items still inside are the caller's problem (drain first). */
void rm_queue_free(rm_queue *q);

/* Blocks while full. RM_ECLOSED once closed (the item was not taken). */
RM_MUST_CHECK rm_err rm_queue_push(rm_queue *q, void *item);
/* Never blocks: RM_ETOOBIG when full, RM_ECLOSED when closed. */
RM_MUST_CHECK rm_err rm_queue_trypush(rm_queue *q, void *item);
/* Blocks while empty. RM_ECLOSED when closed and drained. */
RM_MUST_CHECK rm_err rm_queue_pop(rm_queue *q, void **item);
/* Waits at most timeout_ms; RM_EEMPTY on timeout. timeout_ms 0 never blocks. */
RM_MUST_CHECK rm_err rm_queue_pop_timed(rm_queue *q, void **item, long timeout_ms);
/* rm_queue_pop() that also tells how many items it left behind. */
RM_MUST_CHECK rm_err rm_queue_pop_left(rm_queue *q, void **item, size_t *left);

/* Batching consumers. rm_queue_wait() sleeps until at least n items are queued (n is capped at
 * the capacity), the queue is closed or kicked, or timeout_ms passes (< 0: no limit), and
 * takes nothing; pushes below n do not wake it, so a consumer gathering a batch is woken
 * once per batch instead of once per item. rm_queue_kick() ends the current or next wait at
 * once (a producer that needs the batch now). One waiting consumer at a time. */
void rm_queue_wait(rm_queue *q, size_t n, long timeout_ms);
void rm_queue_kick(rm_queue *q);

void rm_queue_close(rm_queue *q);
size_t rm_queue_len(rm_queue *q);

#endif
