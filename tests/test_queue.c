#include "core/rm.h"
#include "core/queue.h"
#include "tests/helpers/testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#define ITEMS 20000

static void *producer(void *arg)
{
    rm_queue *q = arg;
    for (uintptr_t i = 1; i <= ITEMS; i++)
        if (rm_queue_push(q, (void *)i) != RM_OK)
            return (void *)1;
    return NULL;
}

static void queue_keeps_order_under_back_pressure(void **state)
{
    rm_queue *q = rm_queue_new(4);
    pthread_t t;
    void *item;
    (void)state;
    pthread_create(&t, NULL, producer, q);
    for (uintptr_t want = 1; want <= ITEMS; want++) {
        assert_int_equal(rm_queue_pop(q, &item), RM_OK);
        assert_int_equal((uintptr_t)item, want);
        assert_true(rm_queue_len(q) <= 4);
    }
    pthread_join(t, &item);
    assert_null(item);
    rm_queue_free(q);
}

static void queue_close_drains_then_reports_closed(void **state)
{
    rm_queue *q = rm_queue_new(2);
    void *item;
    (void)state;
    assert_int_equal(rm_queue_push(q, (void *)1), RM_OK);
    assert_int_equal(rm_queue_trypush(q, (void *)2), RM_OK);
    assert_int_equal(rm_queue_trypush(q, (void *)3), RM_ETOOBIG);
    rm_queue_close(q);
    assert_int_equal(rm_queue_push(q, (void *)4), RM_ECLOSED);
    assert_int_equal(rm_queue_pop(q, &item), RM_OK);
    assert_int_equal(rm_queue_pop(q, &item), RM_OK);
    assert_int_equal((uintptr_t)item, 2);
    assert_int_equal(rm_queue_pop(q, &item), RM_ECLOSED);
    rm_queue_free(q);
}

static void queue_timed_pop_times_out(void **state)
{
    rm_queue *q = rm_queue_new(2);
    void *item;
    (void)state;
    assert_int_equal(rm_queue_pop_timed(q, &item, 0), RM_EEMPTY);
    assert_int_equal(rm_queue_pop_timed(q, &item, 20), RM_EEMPTY);
    rm_queue_free(q);
}

static void *closer(void *arg)
{
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    rm_queue_close(arg);
    return NULL;
}

static void queue_close_wakes_blocked_pop(void **state)
{
    rm_queue *q = rm_queue_new(2);
    pthread_t t;
    void *item;
    (void)state;
    pthread_create(&t, NULL, closer, q);
    assert_int_equal(rm_queue_pop(q, &item), RM_ECLOSED);
    pthread_join(t, NULL);
    rm_queue_free(q);
}

typedef struct waiter {
    rm_queue *q;
    size_t n;
    long timeout_ms;
    atomic_int returned;
} waiter;

static void *wait_thread(void *arg)
{
    waiter *w = arg;
    rm_queue_wait(w->q, w->n, w->timeout_ms);
    atomic_store(&w->returned, 1);
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A batching consumer sleeps through pushes below its threshold and wakes at it; the wait
 * takes nothing. The 10 s limit only bounds the test. */
static void queue_wait_wakes_at_threshold_only(void **state)
{
    waiter w = {rm_queue_new(8), 3, 10000, 0};
    pthread_t t;
    void *item;
    size_t left;
    (void)state;
    pthread_create(&t, NULL, wait_thread, &w);
    assert_int_equal(rm_queue_push(w.q, (void *)1), RM_OK);
    assert_int_equal(rm_queue_push(w.q, (void *)2), RM_OK);
    sleep_ms(50);
    assert_int_equal(atomic_load(&w.returned), 0);
    assert_int_equal(rm_queue_push(w.q, (void *)3), RM_OK);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&w.returned), 1);
    assert_int_equal(rm_queue_pop_left(w.q, &item, &left), RM_OK);
    assert_int_equal((uintptr_t)item, 1);
    assert_int_equal(left, 2);
    /* after the wait, a plain pop is woken by a single push again */
    assert_int_equal(rm_queue_pop_timed(w.q, &item, 0), RM_OK);
    assert_int_equal(rm_queue_pop_timed(w.q, &item, 0), RM_OK);
    pthread_create(&t, NULL, closer, w.q);
    assert_int_equal(rm_queue_pop(w.q, &item), RM_ECLOSED);
    pthread_join(t, NULL);
    rm_queue_free(w.q);
}

/* A kick ends the wait at once, and one that comes first ends the next wait; a threshold over
 * the capacity is the capacity; a timeout or a close ends it too. */
static void queue_wait_ends_on_kick_timeout_and_close(void **state)
{
    waiter w = {rm_queue_new(2), 100, 10000, 0};
    pthread_t t;
    (void)state;
    pthread_create(&t, NULL, wait_thread, &w);
    sleep_ms(20);
    rm_queue_kick(w.q);
    pthread_join(t, NULL);
    rm_queue_kick(w.q);
    rm_queue_wait(w.q, 100, 10000); /* returns at once: kicked before */
    assert_int_equal(rm_queue_push(w.q, (void *)1), RM_OK);
    assert_int_equal(rm_queue_push(w.q, (void *)2), RM_OK);
    rm_queue_wait(w.q, 100, 10000); /* full: the capacity is the threshold */
    rm_queue_wait(w.q, 3, 20);      /* times out */
    pthread_create(&t, NULL, closer, w.q);
    rm_queue_wait(w.q, 3, -1); /* no limit: the close ends it */
    pthread_join(t, NULL);
    rm_queue_free(w.q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_keeps_order_under_back_pressure),
        cmocka_unit_test(queue_close_drains_then_reports_closed),
        cmocka_unit_test(queue_timed_pop_times_out),
        cmocka_unit_test(queue_close_wakes_blocked_pop),
        cmocka_unit_test(queue_wait_wakes_at_threshold_only),
        cmocka_unit_test(queue_wait_ends_on_kick_timeout_and_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
