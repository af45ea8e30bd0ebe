#include "core/rm.h"
#include "core/arena.h"
#include "tests/helpers/testutil.h"

static void arena_allocations_are_aligned_and_distinct(void **state)
{
    rm_arena *a = rm_arena_new(1024);
    char *prev = NULL;
    (void)state;
    for (int i = 1; i < 500; i++) {
        char *p = rm_arena_alloc(a, (size_t)i);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 'x', (size_t)i);
        assert_ptr_not_equal(p, prev);
        prev = p;
    }
    assert_int_equal(rm_arena_used(a), 499 * 500 / 2);
    rm_arena_free(a);
}

static void arena_big_allocation_gets_own_chunk(void **state)
{
    rm_arena *a = rm_arena_new(1024);
    char *small, *big, *after;
    (void)state;
    small = rm_arena_strdup(a, "small");
    big = rm_arena_alloc(a, 100000);
    memset(big, 1, 100000);
    after = rm_arena_strdup(a, "after");
    assert_string_equal(small, "small");
    assert_string_equal(after, "after");
    rm_arena_reset(a);
    assert_int_equal(rm_arena_used(a), 0);
    assert_string_equal(rm_arena_strdup(a, "again"), "again");
    rm_arena_free(a);
}

static void arena_realloc_extends_last(void **state)
{
    rm_arena *a = rm_arena_new(4096);
    char *p, *q;
    (void)state;
    p = rm_arena_alloc(a, 10);
    memcpy(p, "0123456789", 10);
    q = rm_arena_realloc(a, p, 10, 100);
    assert_ptr_equal(p, q); /* last allocation grows in place */
    assert_memory_equal(q, "0123456789", 10);
    q = rm_arena_realloc(a, q, 100, 10000); /* past the chunk: moves, keeps the bytes */
    assert_memory_equal(q, "0123456789", 10);
    rm_arena_free(a);
}

static void arena_calloc_zeroes(void **state)
{
    rm_arena *a = rm_arena_new(1024);
    int *v;
    (void)state;
    memset(rm_arena_alloc(a, 64), 0xff, 64);
    rm_arena_reset(a);
    v = rm_arena_calloc(a, 16, sizeof(int));
    for (int i = 0; i < 16; i++)
        assert_int_equal(v[i], 0);
    rm_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocations_are_aligned_and_distinct),
        cmocka_unit_test(arena_big_allocation_gets_own_chunk),
        cmocka_unit_test(arena_realloc_extends_last),
        cmocka_unit_test(arena_calloc_zeroes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
