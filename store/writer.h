/* rm_writer: the one thread that writes to SQLite, in batched transactions.
 *
 * Thread-safety: rm_writer_submit*() and rm_writer_flush() may be called from any thread;
 * start and stop from one controlling thread. The rm_store (and its connection) belongs to
 * the writer thread from start to stop.
 *
 * Operations are gathered into a batch, then run in one transaction: the write lock is held
 * only while they run, never while the writer waits for more. When one fails, the batch is
 * rolled back and run again with a savepoint per operation, so the failing one is undone
 * alone: an operation may therefore run twice and must not change its ctx in a way that
 * changes what it writes. (Savepoints are not used on the fast path: FTS5 flushes its index
 * at each one.) A batch runs when it holds batch_max operations, when it is linger_ms old,
 * or at once after rm_writer_hurry() or rm_writer_flush(). While a batch
 * lingers the writer sleeps: submissions wake it only when the queue is half full, so it wakes
 * about once per batch, not once per operation. Done-callbacks run only after the commit that holds the operation: a
 * crawler releases a frontier lease there, so a crash in between can repeat a page but never
 * lose one. */
#ifndef RM_WRITER_H
#define RM_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Runs on the writer thread inside the open transaction. */
typedef rm_err (*rm_write_fn)(rm_store *s, void *ctx, rm_apply_stats *st);
/* Runs on the writer thread after the commit (err = the op's or the commit's failure). Owns
 * ctx from then on. */
typedef void (*rm_write_done_fn)(void *ctx, rm_err err);

typedef struct rm_writer_opts {
    size_t queue_cap;  /* operations waiting at most; submitters block beyond (back-pressure) */
    size_t batch_max;  /* operations per transaction at most */
    int64_t linger_ms; /* a batch gathers this long (0: runs with what is queued): the most
                          work a crash can undo, and the commit latency */
} rm_writer_opts;

typedef struct rm_writer rm_writer;

/* Starts the thread. Borrows store until rm_writer_stop() returns. */
RM_MUST_CHECK rm_err rm_writer_start(rm_store *store, const rm_writer_opts *opts,
                                     rm_writer **out);
/* Queues fn(ctx); blocks while the queue is full. done (may be NULL) always runs once, also
 * when the writer has failed or stopped (with that error). */
RM_MUST_CHECK rm_err rm_writer_submit(rm_writer *w, rm_write_fn fn, rm_write_done_fn done,
                                      void *ctx);
/* Asks for the open batch to be committed without lingering, because someone is waiting for
 * its effects (a crawl starved of URLs that uncommitted pages discovered). Never blocks; many
 * calls before the commit cost one. */
void rm_writer_hurry(rm_writer *w);
/* Waits until everything submitted before the call is committed; returns the first error. */
RM_MUST_CHECK rm_err rm_writer_flush(rm_writer *w);
/* Totals over all committed operations. */
rm_apply_stats rm_writer_stats(rm_writer *w);
/* Drains the queue, commits, joins the thread, frees w. Returns the first error seen. */
RM_MUST_CHECK rm_err rm_writer_stop(rm_writer *w);

#endif
