/* rm_urlseen: a bounded set of 64-bit hashes shared by the crawl's threads. */
#include "core/rm.h"
#include "crawler/urlseen.h"
#include "tests/helpers/testutil.h"

static void urlseen_add_then_has(void **state)
{
    rm_urlseen *s = rm_urlseen_new(1024);
    (void)state;
    const uint64_t h = 0x8C1F3D5E7A9B2C40ULL;
    assert_false(rm_urlseen_has(s, h));
    assert_true(rm_urlseen_add(s, h));
    assert_true(rm_urlseen_has(s, h));
    assert_false(rm_urlseen_add(s, h));
    assert_false(rm_urlseen_has(s, h + 2));
    assert_false(rm_urlseen_has(s, h ^ (1ULL << 63)));
    assert_true(rm_urlseen_add(s, 0)); /* 0 is a hash like any other (the low bit is not kept) */
    assert_true(rm_urlseen_has(s, 0));
    rm_urlseen_free(s);
}

/* Far more hashes than it holds: memory stays bounded, it forgets (answers "not there") but
 * never claims a hash it was not given. */
static void urlseen_forgets_but_never_invents(void **state)
{
    rm_urlseen *s = rm_urlseen_new(256);
    size_t remembered = 0;
    (void)state;
    for (uint64_t h = 1; h <= 100000; h++)
        rm_urlseen_add(s, h * 0x9E3779B97F4A7C15ULL);
    for (uint64_t h = 1; h <= 100000; h++)
        remembered += rm_urlseen_has(s, h * 0x9E3779B97F4A7C15ULL);
    assert_true(remembered > 0 && remembered < 100000);
    for (uint64_t h = 1; h <= 1000; h++)
        assert_false(rm_urlseen_has(s, h * 0x9E3779B97F4A7C15ULL + 2));
    rm_urlseen_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urlseen_add_then_has),
        cmocka_unit_test(urlseen_forgets_but_never_invents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
