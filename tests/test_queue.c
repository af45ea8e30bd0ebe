#include "core/rm.h"
#include "core/queue.h"
#include "tests/helpers/testutil.h"

#include <pthread.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_keeps_order_under_back_pressure),
        cmocka_unit_test(queue_close_drains_then_reports_closed),
        cmocka_unit_test(queue_timed_pop_times_out),
        cmocka_unit_test(queue_close_wakes_blocked_pop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
