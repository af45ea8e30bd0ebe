#include "core/rm.h"
#include "core/clock.h"
#include "core/queue.h"
#include "store/writer.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct op {
    rm_write_fn fn;       /* NULL for a flush barrier */
    rm_write_done_fn done;
    void *ctx;
    rm_err err;
    rm_apply_stats st;    /* what fn counted; added to the totals once committed */
} op;

typedef struct barrier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    rm_err err;
} barrier;

struct rm_writer {
    rm_store *store;
    rm_writer_opts opts;
    rm_queue *q;
    pthread_t thread;
    op **batch;          /* operations gathered for the next transaction; writer thread only */
    size_t n_batch;
    int64_t batch_started;
    atomic_int hurried;  /* a commit marker is queued (rm_writer_hurry) */
    pthread_mutex_t mu;  /* guards err and totals */
    rm_err err;          /* first failure (sticky) */
    rm_apply_stats totals;
};

static void record_err(rm_writer *w, rm_err err)
{
    pthread_mutex_lock(&w->mu);
    if (!w->err)
        w->err = err;
    pthread_mutex_unlock(&w->mu);
}

static void finish_op(op *o, rm_err err)
{
    if (o->done)
        o->done(o->ctx, o->err ? o->err : err);
    free(o);
}

/* Statements run once per operation or batch: prepared once, not parsed each time. */
static rm_err step_sql(rm_db *db, const char *sql)
{
    sqlite3_stmt *st = rm_db_stmt(db, sql);
    return st ? rm_db_step_done(db, st) : RM_EDB;
}

static void run_fn(rm_writer *w, op *o)
{
    memset(&o->st, 0, sizeof(o->st));
    o->err = o->fn ? o->fn(w->store, o->ctx, &o->st) : RM_OK;
}

/* Slow path, after a failed operation rolled the batch back: every operation of the batch
 * runs again under its own savepoint, so the failing one is undone alone and the others
 * keep their work. */
static rm_err replay(rm_writer *w)
{
    rm_db *db = rm_store_db(w->store);

    if (rm_db_begin(db) || rm_store_begin_batch(w->store))
        return RM_EDB;
    for (size_t i = 0; i < w->n_batch; i++) {
        op *o = w->batch[i];
        if (step_sql(db, "SAVEPOINT op"))
            return RM_EDB;
        run_fn(w, o);
        if (o->err) {
            rm_log_error("writer: operation failed (%s); rolled back alone",
                         rm_err_str(o->err));
            if (step_sql(db, "ROLLBACK TO op"))
                return RM_EDB;
        }
        if (step_sql(db, "RELEASE op"))
            return RM_EDB;
    }
    return RM_OK;
}

/* Ends the batch: commits what ran (unless err), then tells every operation how it went. */
static void commit_batch(rm_writer *w, rm_err err)
{
    rm_db *db = rm_store_db(w->store);

    if (!err)
        err = rm_store_end_batch(w->store);
    if (!err && (err = rm_db_commit(db)))
        rm_log_error("writer: commit failed: %s", rm_db_errmsg(db));
    if (err) {
        rm_db_rollback(db);
        rm_store_rolled_back(w->store);
        record_err(w, err);
    }
    pthread_mutex_lock(&w->mu);
    for (size_t i = 0; !err && i < w->n_batch; i++) {
        const op *o = w->batch[i];
        if (o->err)
            continue;
        w->totals.records += o->st.records;
        w->totals.new_reviews += o->st.new_reviews;
        w->totals.price_changes += o->st.price_changes;
        w->totals.scored += o->st.scored;
    }
    pthread_mutex_unlock(&w->mu);
    for (size_t i = 0; i < w->n_batch; i++)
        finish_op(w->batch[i], err);
    w->n_batch = 0;
}

/* Runs the gathered operations in one transaction and commits. Fast path: no savepoint per
 * operation (a savepoint per page cost more than the page's own rows: FTS5 flushes its
 * pending index at every savepoint, writing and merging a tiny segment per page). When one
 * fails, the transaction is rolled back and replayed with a savepoint per operation. The
 * write lock is held only while this runs, not while operations are being gathered: other
 * writers of the same database (the daemon's parallel jobs) never wait on an idle batch. */
static void apply_batch(rm_writer *w)
{
    rm_db *db = rm_store_db(w->store);
    rm_err err = RM_OK;
    bool failed = false;

    if (w->n_batch == 0)
        return;
    if (rm_db_begin(db) || rm_store_begin_batch(w->store))
        err = RM_EDB;
    for (size_t i = 0; !err && !failed && i < w->n_batch; i++) {
        run_fn(w, w->batch[i]);
        failed = w->batch[i]->err != RM_OK;
    }
    if (!err && failed) {
        rm_db_rollback(db);
        rm_store_rolled_back(w->store);
        if ((err = replay(w)))
            rm_log_error("writer: batch replay failed: %s", rm_db_errmsg(db));
    }
    commit_batch(w, err);
}

/* Adds o to the batch; true when the batch must run now (a barrier, or full). */
static bool gather(rm_writer *w, op *o)
{
    bool barrier_op = o->fn == NULL;
    if (barrier_op)
        atomic_store(&w->hurried, 0);
    if (barrier_op && !o->done && w->n_batch == 0) {
        free(o); /* a hurry with nothing gathered: no empty transaction */
        return false;
    }
    if (w->n_batch == 0)
        w->batch_started = rm_mono_ms();
    w->batch[w->n_batch++] = o;
    return barrier_op || w->n_batch >= w->opts.batch_max;
}

/* An empty batch waits for its first operation. A started one sleeps until it is linger_ms
 * old, woken early only when the queue holds a good share of a batch or a barrier arrives
 * (rm_queue_wait), then takes everything queued and runs once it is old enough: one wake-up
 * per batch, not one per operation. */
static void *writer_main(void *arg)
{
    rm_writer *w = arg;
    size_t wake_n = w->opts.queue_cap / 2;

    for (;;) {
        void *item;
        bool now = false;
        rm_err qerr = RM_OK;
        int64_t left;

        if (w->n_batch == 0) {
            if (rm_queue_pop(w->q, &item) == RM_ECLOSED)
                break;
            if (gather(w, item))
                apply_batch(w);
            continue;
        }
        left = w->batch_started + w->opts.linger_ms - rm_mono_ms();
        if (left > 0)
            rm_queue_wait(w->q, wake_n, (long)left);
        while (!now && (qerr = rm_queue_pop_timed(w->q, &item, 0)) == RM_OK)
            now = gather(w, item);
        if (qerr == RM_ECLOSED)
            break; /* stopping: the last batch runs below */
        if (now || rm_mono_ms() - w->batch_started >= w->opts.linger_ms)
            apply_batch(w);
    }
    apply_batch(w);
    return NULL;
}

rm_err rm_writer_start(rm_store *store, const rm_writer_opts *opts, rm_writer **out)
{
    rm_writer *w = rm_xcalloc(1, sizeof(*w));

    w->store = store;
    w->opts = *opts;
    if (!w->opts.queue_cap)
        w->opts.queue_cap = 256;
    if (!w->opts.batch_max)
        w->opts.batch_max = 256;
    if (w->opts.linger_ms < 0)
        w->opts.linger_ms = 0;
    w->q = rm_queue_new(w->opts.queue_cap);
    w->batch = rm_xcalloc(w->opts.batch_max, sizeof(op *));
    pthread_mutex_init(&w->mu, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        rm_queue_free(w->q);
        free(w->batch);
        pthread_mutex_destroy(&w->mu);
        free(w);
        *out = NULL;
        return RM_EIO;
    }
    pthread_setname_np(w->thread, "rm-writer"); /* top -H, perf, gdb */
    *out = w;
    return RM_OK;
}

rm_err rm_writer_submit(rm_writer *w, rm_write_fn fn, rm_write_done_fn done, void *ctx)
{
    op *o = rm_xcalloc(1, sizeof(*o));
    rm_err err;

    o->fn = fn;
    o->done = done;
    o->ctx = ctx;
    err = rm_queue_push(w->q, o);
    if (err) {
        finish_op(o, err);
        return err;
    }
    if (!fn)
        rm_queue_kick(w->q); /* a flush: someone waits for this commit */
    return RM_OK;
}

void rm_writer_hurry(rm_writer *w)
{
    op *o;
    if (atomic_exchange(&w->hurried, 1))
        return;
    o = rm_xcalloc(1, sizeof(*o)); /* fn NULL: a barrier, which commits */
    if (rm_queue_trypush(w->q, o) != RM_OK) {
        free(o); /* a full queue keeps the writer busy: it commits without being asked */
        atomic_store(&w->hurried, 0);
        return;
    }
    rm_queue_kick(w->q);
}

static void barrier_done(void *ctx, rm_err err)
{
    barrier *b = ctx;
    pthread_mutex_lock(&b->mu);
    b->done = 1;
    b->err = err;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

rm_err rm_writer_flush(rm_writer *w)
{
    barrier b = {.done = 0, .err = RM_OK};
    rm_err err;

    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);
    err = rm_writer_submit(w, NULL, barrier_done, &b);
    pthread_mutex_lock(&b.mu);
    while (!b.done)
        pthread_cond_wait(&b.cv, &b.mu);
    pthread_mutex_unlock(&b.mu);
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);
    if (err)
        return err;
    pthread_mutex_lock(&w->mu);
    err = b.err ? b.err : w->err;
    pthread_mutex_unlock(&w->mu);
    return err;
}

rm_apply_stats rm_writer_stats(rm_writer *w)
{
    rm_apply_stats st;
    pthread_mutex_lock(&w->mu);
    st = w->totals;
    pthread_mutex_unlock(&w->mu);
    return st;
}

rm_err rm_writer_stop(rm_writer *w)
{
    rm_err err;
    if (!w)
        return RM_OK;
    rm_queue_close(w->q);
    pthread_join(w->thread, NULL);
    err = w->err;
    rm_queue_free(w->q);
    free(w->batch);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return err;
}
