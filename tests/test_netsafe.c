#include "core/rm.h"
#include "crawler/netsafe.h"
#include "tests/helpers/testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

/* Builds the sockaddr for a numeric address (inet_pton only parses: no network). */
static bool make_addr(const char *text, struct sockaddr_storage *ss)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(80);
        return true;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(443);
        return true;
    }
    return false;
}

static void netsafe_address_table(void **state)
{
    char *text = rm_test_read_fixture("netsafe/addresses.tsv", NULL);
    int line_no = 0, rows = 0, public_rows = 0;
    (void)state;

    for (char *line = text, *next; *line; line = next) {
        struct sockaddr_storage ss;
        rm_netsafe_class c;
        char *tab, *nl = strchr(line, '\n');

        next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        line_no++;
        if (line[0] == '#' || !(tab = strchr(line, '\t')))
            continue;
        *tab = '\0';
        if (!make_addr(line, &ss))
            fail_msg("addresses.tsv:%d: %s is no address", line_no, line);
        c = rm_netsafe_classify((const struct sockaddr *)&ss);
        if (strcmp(rm_netsafe_class_str(c), tab + 1) != 0)
            fail_msg("addresses.tsv:%d: %s: want %s, got %s", line_no, line, tab + 1,
                     rm_netsafe_class_str(c));
        assert_int_equal(rm_netsafe_is_public((const struct sockaddr *)&ss),
                         c == RM_NETSAFE_PUBLIC);
        public_rows += c == RM_NETSAFE_PUBLIC;
        rows++;
    }
    assert_true(rows > 80);
    assert_true(public_rows > 20);
    free(text);
}

static void netsafe_other_families_are_unknown(void **state)
{
    struct sockaddr_un un;
    (void)state;
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    assert_int_equal(rm_netsafe_classify((const struct sockaddr *)&un), RM_NETSAFE_UNKNOWN);
    assert_false(rm_netsafe_is_public((const struct sockaddr *)&un));
    assert_int_equal(rm_netsafe_classify(NULL), RM_NETSAFE_UNKNOWN);
    assert_false(rm_netsafe_is_public(NULL));
    assert_string_equal(rm_netsafe_class_str(RM_NETSAFE_UNKNOWN), "unknown");
}

/* curl hands over a struct sockaddr inside struct curl_sockaddr, at an offset that only
 * promises sockaddr's alignment; the address must still be read right. */
static void netsafe_reads_unaligned_sockaddr(void **state)
{
    _Alignas(16) unsigned char raw[sizeof(struct sockaddr_in6) + 8];
    struct sockaddr_storage ss;
    (void)state;

    assert_true(make_addr("::ffff:10.0.0.1", &ss));
    memcpy(raw + 4, &ss, sizeof(struct sockaddr_in6));
    assert_int_equal(rm_netsafe_classify((const struct sockaddr *)(raw + 4)),
                     RM_NETSAFE_PRIVATE);
    assert_true(make_addr("8.8.4.4", &ss));
    memcpy(raw + 2, &ss, sizeof(struct sockaddr_in));
    assert_int_equal(rm_netsafe_classify((const struct sockaddr *)(raw + 2)), RM_NETSAFE_PUBLIC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(netsafe_address_table),
        cmocka_unit_test(netsafe_other_families_are_unknown),
        cmocka_unit_test(netsafe_reads_unaligned_sockaddr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
