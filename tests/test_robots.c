#include "core/rm.h"
#include "crawler/robots.h"
#include "tests/helpers/testutil.h"

#include <sys/mman.h>
#include <unistd.h>

static rm_robots *parse_str(const char *text)
{
    rm_robots *r = NULL;
    assert_int_equal(rm_robots_parse(text, strlen(text), &r), RM_OK);
    assert_non_null(r);
    return r;
}

static rm_robots *parse_fixture(const char *name)
{
    char path[256];
    size_t len;
    char *text;
    rm_robots *r = NULL;

    snprintf(path, sizeof(path), "robots/%s", name);
    text = rm_test_read_fixture(path, &len);
    assert_int_equal(rm_robots_parse(text, len, &r), RM_OK);
    free(text);
    return r;
}

/* One-line checks: does ua get path under text? */
static bool allowed(const char *text, const char *ua, const char *path)
{
    rm_robots *r = parse_str(text);
    bool ok = rm_robots_allowed(r, ua, path);
    rm_robots_free(r);
    return ok;
}

static void robots_rfc9309_example(void **state)
{
    rm_robots *r = parse_fixture("rfc9309_example.txt");
    (void)state;
    /* foobot: everything is disallowed but the two allowed pages. */
    assert_true(rm_robots_allowed(r, "foobot", "/example/page.html"));
    assert_true(rm_robots_allowed(r, "FooBot", "/example/allowed.gif"));
    assert_false(rm_robots_allowed(r, "foobot", "/example/other.html"));
    assert_false(rm_robots_allowed(r, "foobot", "/"));
    /* barbot and bazbot share one group; the '*' group does not apply to them. */
    assert_false(rm_robots_allowed(r, "barbot", "/example/page.html"));
    assert_false(rm_robots_allowed(r, "bazbot", "/example/page.html"));
    assert_true(rm_robots_allowed(r, "bazbot", "/example/other.html"));
    assert_true(rm_robots_allowed(r, "barbot", "/pic.gif"));
    /* quxbot has a group without rules: everything allowed. */
    assert_true(rm_robots_allowed(r, "quxbot", "/example/page.html"));
    assert_true(rm_robots_allowed(r, "quxbot", "/pic.gif"));
    /* Anyone else gets the '*' group. */
    assert_false(rm_robots_allowed(r, "revmine", "/pic.gif"));
    assert_true(rm_robots_allowed(r, "revmine", "/pic.gif?size=2"));
    assert_false(rm_robots_allowed(r, "revmine", "/example/"));
    assert_true(rm_robots_allowed(r, "revmine", "/publications/"));
    assert_true(rm_robots_allowed(r, "revmine", "/"));
    assert_true(rm_robots_allowed(r, "revmine", ""));
    rm_robots_free(r);
}

static void robots_same_agent_groups_merge(void **state)
{
    rm_robots *r = parse_fixture("merged_groups.txt");
    (void)state;
    assert_false(rm_robots_allowed(r, "ExampleBot", "/foo"));
    assert_false(rm_robots_allowed(r, "examplebot", "/bar/x"));
    assert_false(rm_robots_allowed(r, "EXAMPLEBOT", "/baz"));
    assert_true(rm_robots_allowed(r, "ExampleBot", "/other"));
    assert_true(rm_robots_allowed(r, "ExampleBot", "/private/"));
    assert_false(rm_robots_allowed(r, "OtherBot", "/other"));
    assert_false(rm_robots_allowed(r, "nobody", "/private/x"));
    assert_true(rm_robots_allowed(r, "nobody", "/foo"));
    /* A full User-Agent value counts by its product token only. */
    assert_false(rm_robots_allowed(r, "ExampleBot/2.1 (+http://x)", "/foo"));
    /* A token that only starts like a group's is another crawler. */
    assert_true(rm_robots_allowed(r, "ExampleBotNews", "/foo"));
    rm_robots_free(r);
}

static void robots_group_boundaries(void **state)
{
    (void)state;
    /* Rules before any group are ignored. */
    assert_true(allowed("disallow: /\nuser-agent: a\nallow: /x\n", "b", "/y"));
    assert_true(allowed("disallow: /\nuser-agent: a\nallow: /x\n", "a", "/y"));
    /* Several user-agent lines, blank lines between them, form one group. */
    assert_false(allowed("user-agent: a\n\n# c\nuser-agent: b\ndisallow: /x\n", "a", "/x"));
    /* A user-agent line after a rule starts a new group. */
    assert_true(allowed("user-agent: a\ndisallow: /x\nuser-agent: b\ndisallow: /y\n", "a", "/y"));
    /* A sitemap line neither ends the agent list nor the group. */
    assert_false(allowed("user-agent: a\nsitemap: http://h/s.xml\nuser-agent: b\ndisallow: /x",
                         "b", "/x"));
    assert_false(allowed("user-agent: a\ndisallow: /x\nsitemap: http://h/s\ndisallow: /y\n",
                         "a", "/y"));
    /* "*" needs to stand alone; "User-agent: * # all" is the wildcard. */
    assert_false(allowed("user-agent: * # all\ndisallow: /\n", "x", "/a"));
    assert_true(allowed("user-agent: *bot\ndisallow: /\n", "x", "/a"));
    /* No group for us and no '*' group: nothing applies. */
    assert_true(allowed("user-agent: a\ndisallow: /\n", "b", "/x"));
    /* A nameless crawler only ever gets the '*' group. */
    assert_false(allowed("user-agent: *\ndisallow: /\nuser-agent: a\nallow: /\n", "", "/x"));
}

static void robots_longest_match_allow_wins_tie(void **state)
{
    const char *ua = "foobot";
    (void)state;
    assert_false(allowed("user-agent: foobot\ndisallow: /x/page.html\nallow: /x/\n", ua,
                         "/x/page.html"));
    assert_true(allowed("user-agent: foobot\nallow: /x/page.html\ndisallow: /x/\n", ua,
                        "/x/page.html"));
    assert_false(allowed("user-agent: foobot\nallow: /x/page.html\ndisallow: /x/\n", ua, "/x/"));
    assert_true(allowed("user-agent: foobot\ndisallow: /\nallow: /\n", ua, "/x"));
    assert_true(allowed("user-agent: foobot\nallow: /folder\ndisallow: /folder\n", ua,
                        "/folder/page"));
    assert_false(allowed("user-agent: foobot\nallow: /page\ndisallow: /*.htm\n", ua,
                         "/page.htm"));
    assert_true(allowed("user-agent: foobot\nallow: /page\ndisallow: /*.htm\n", ua, "/page"));
    assert_false(allowed("user-agent: foobot\ndisallow: /x\nallow: /x/\n", ua, "/x"));
    assert_true(allowed("user-agent: foobot\ndisallow: /x\nallow: /x/\n", ua, "/x/"));
    /* An empty Disallow restricts nothing. */
    assert_true(allowed("user-agent: foobot\ndisallow:\n", ua, "/x"));
    /* Paths are case-sensitive. */
    assert_true(allowed("user-agent: foobot\ndisallow: /X/\n", ua, "/x/y"));
}

static void robots_wildcards_and_end_anchor(void **state)
{
    const char *fish = "user-agent: *\ndisallow: /\nallow: /fish*.php\n";
    const char *php = "user-agent: *\ndisallow: /\nallow: /*.php$\n";
    const char *root = "user-agent: *\nallow: /$\ndisallow: /\n";
    (void)state;
    assert_true(allowed(fish, "a", "/fish.php"));
    assert_true(allowed(fish, "a", "/fishheads/catfish.php?parameters"));
    assert_false(allowed(fish, "a", "/Fish.PHP"));
    assert_false(allowed(fish, "a", "/fish"));
    assert_true(allowed(php, "a", "/filename.php"));
    assert_true(allowed(php, "a", "/folder/filename.php"));
    assert_false(allowed(php, "a", "/filename.php?parameters"));
    assert_false(allowed(php, "a", "/filename.php/"));
    assert_false(allowed(php, "a", "/filename.php5"));
    assert_true(allowed(root, "a", "/"));
    assert_false(allowed(root, "a", "/page.html"));
    /* '$' before the end is a plain character; '*' runs collapse. */
    assert_false(allowed("user-agent: *\ndisallow: /a$b\n", "x", "/a$b/c"));
    assert_false(allowed("user-agent: *\ndisallow: /a***b$\n", "x", "/a/x/b"));
    assert_true(allowed("user-agent: *\ndisallow: /a***b$\n", "x", "/a/x/bc"));
    /* Query strings are part of what is matched. */
    assert_false(allowed("user-agent: *\ndisallow: /*?sort=\n", "x", "/list?sort=asc&page=2"));
    assert_true(allowed("user-agent: *\ndisallow: /*?sort=\n", "x", "/list?page=2&sort=asc"));
    assert_true(allowed("user-agent: *\ndisallow: /*?sort=\n", "x", "/list?page=2"));
}

static void robots_percent_encoding_rfc9309(void **state)
{
    (void)state;
    /* §2.2.2 figure: UTF-8 in the pattern matches the encoded URL and back. */
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/\xE3\x83\x84\n", "x",
                         "/foo/bar/%E3%83%84"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/%E3%83%84\n", "x",
                         "/foo/bar/\xE3\x83\x84"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/%e3%83%84\n", "x",
                         "/foo/bar/%E3%83%84"));
    /* Encoded unreserved characters equal the characters. */
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/%62%61%7A\n", "x", "/foo/bar/baz"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/baz\n", "x", "/foo/bar/%62%61%7a"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar?baz=https://foo.bar\n", "x",
                         "/foo/bar?baz=https%3A%2F%2Ffoo.bar"));
    /* §2.2.3 figure: %2A and %24 are a literal '*' and '$', not operators. */
    assert_false(allowed("user-agent: *\ndisallow: /path/file-with-a-%2A.html\n", "x",
                         "/path/file-with-a-*.html"));
    assert_true(allowed("user-agent: *\ndisallow: /path/file-with-a-%2A.html\n", "x",
                        "/path/file-with-a-b.html"));
    assert_false(allowed("user-agent: *\ndisallow: /path/foo-%24\n", "x", "/path/foo-$"));
    assert_false(allowed("user-agent: *\ndisallow: /path/foo-%24\n", "x", "/path/foo-$/x"));
    /* A decoded '%' never starts a new escape. */
    assert_true(allowed("user-agent: *\ndisallow: /a%41\n", "x", "/a%2541"));
    assert_false(allowed("user-agent: *\ndisallow: /a%\n", "x", "/a%25"));
    /* A space in a pattern compares as %20. */
    assert_false(allowed("user-agent: *\ndisallow: /a b\n", "x", "/a%20b"));
}

static void robots_lenient_syntax(void **state)
{
    rm_robots *r = parse_fixture("messy.txt");
    const char *const *maps = rm_robots_sitemaps(r);
    (void)state;
    /* All three agents share the group despite BOM, CRLF, case, comments and typos. */
    assert_false(rm_robots_allowed(r, "revmine", "/cart"));
    assert_false(rm_robots_allowed(r, "helperbot", "/checkout"));
    assert_false(rm_robots_allowed(r, "ThirdBot", "/typo/x"));
    assert_true(rm_robots_allowed(r, "revmine", "/cart/help"));
    assert_true(rm_robots_allowed(r, "revmine", "/before-any-group/"));
    assert_true(rm_robots_allowed(r, "revmine", "/ignored-unknown-key/"));
    assert_false(rm_robots_allowed(r, "otherbot", "/cart/help"));
    assert_true(rm_robots_crawl_delay(r, "revmine") == 2.5);
    assert_true(rm_robots_crawl_delay(r, "otherbot") == -1);
    assert_string_equal(maps[0], "https://shop.example/sitemap_index.xml");
    assert_string_equal(maps[1], "https://shop.example/sitemap-products.xml.gz");
    assert_null(maps[2]);
    rm_robots_free(r);
}

static void robots_line_endings(void **state)
{
    const char *variants[] = {
        "User-agent: a\nDisallow: /x\nAllow: /x/y\n",
        "User-agent: a\r\nDisallow: /x\r\nAllow: /x/y\r\n",
        "User-agent: a\rDisallow: /x\rAllow: /x/y\r",
        "User-agent: a\rDisallow: /x\r\nAllow: /x/y",
        "User-agent: a\n\r\n\rDisallow: /x\n\nAllow: /x/y",
    };
    (void)state;
    for (size_t i = 0; i < RM_ARRAY_LEN(variants); i++) {
        assert_false(allowed(variants[i], "a", "/x/z"));
        assert_true(allowed(variants[i], "a", "/x/y"));
    }
}

static void robots_txt_is_always_allowed(void **state)
{
    (void)state;
    assert_true(allowed("user-agent: *\ndisallow: /\n", "a", "/robots.txt"));
    assert_true(allowed("user-agent: *\ndisallow: /robots.txt\n", "a", "/robots.txt"));
    assert_false(allowed("user-agent: *\ndisallow: /\n", "a", "/robots.txt.bak"));
}

static void robots_crawl_delay(void **state)
{
    rm_robots *r = parse_fixture("merged_groups.txt");
    (void)state;
    assert_true(rm_robots_crawl_delay(r, "ExampleBot") == 2.0);
    assert_true(rm_robots_crawl_delay(r, "OtherBot") == -1);
    assert_true(rm_robots_crawl_delay(r, "unknown") == 7.0);
    rm_robots_free(r);
    r = parse_str("user-agent: a\ncrawl-delay: .5\nuser-agent: b\ncrawl-delay: 86400\n"
                  "user-agent: c\ncrawl-delay: -3\nuser-agent: d\ncrawl-delay: 5s\n"
                  "user-agent: e\ncrawl-delay: 1\nuser-agent: e\ncrawl-delay: 4\n");
    assert_true(rm_robots_crawl_delay(r, "a") == 0.5);
    assert_true(rm_robots_crawl_delay(r, "b") == RM_ROBOTS_MAX_CRAWL_DELAY);
    assert_true(rm_robots_crawl_delay(r, "c") == -1);
    assert_true(rm_robots_crawl_delay(r, "d") == -1);
    assert_true(rm_robots_crawl_delay(r, "e") == 4);
    /* Crawl-delay before any group belongs to nobody. */
    rm_robots_free(r);
    r = parse_str("crawl-delay: 9\nuser-agent: *\ndisallow: /x\n");
    assert_true(rm_robots_crawl_delay(r, "a") == -1);
    rm_robots_free(r);
}

static void robots_empty_file_allows_everything(void **state)
{
    rm_robots *r = NULL;
    (void)state;
    assert_int_equal(rm_robots_parse(NULL, 0, &r), RM_OK);
    assert_true(rm_robots_allowed(r, "a", "/anything"));
    assert_null(rm_robots_sitemaps(r)[0]);
    assert_true(rm_robots_crawl_delay(r, "a") == -1);
    rm_robots_free(r);
    assert_int_equal(rm_robots_parse(NULL, 5, &r), RM_EINVAL);
    rm_robots_free(NULL);
}

static void robots_reads_at_most_500_kib(void **state)
{
    size_t len = RM_ROBOTS_MAX_BYTES + 100;
    char *body = rm_xmalloc(len);
    const char *head = "user-agent: *\ndisallow: /early\n";
    const char *cut = "disallow: /cut-here-and-mean-something-else\n";
    size_t pos, cut_at;
    rm_robots *r = NULL;
    (void)state;

    memset(body, '\n', len);
    memcpy(body, head, strlen(head));
    /* One rule straddles the limit, one lies wholly past it. */
    cut_at = RM_ROBOTS_MAX_BYTES - 10;
    memcpy(body + cut_at, cut, strlen(cut));
    pos = RM_ROBOTS_MAX_BYTES + 40;
    memcpy(body + pos, "disallow: /late\n", 16);
    assert_int_equal(rm_robots_parse(body, len, &r), RM_OK);
    assert_false(rm_robots_allowed(r, "a", "/early"));
    assert_true(rm_robots_allowed(r, "a", "/late"));
    assert_true(rm_robots_allowed(r, "a", "/cut"));
    rm_robots_free(r);
    free(body);
}

static void robots_policy_for_status(void **state)
{
    (void)state;
    assert_int_equal(rm_robots_policy_for_status(200), RM_ROBOTS_PARSE);
    assert_int_equal(rm_robots_policy_for_status(204), RM_ROBOTS_PARSE);
    assert_int_equal(rm_robots_policy_for_status(301), RM_ROBOTS_ALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(401), RM_ROBOTS_ALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(403), RM_ROBOTS_ALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(404), RM_ROBOTS_ALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(410), RM_ROBOTS_ALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(429), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(500), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(503), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(0), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(-1), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(100), RM_ROBOTS_DISALLOW_ALL);
    assert_int_equal(rm_robots_policy_for_status(600), RM_ROBOTS_DISALLOW_ALL);
}

/* The parser must not read a byte past len: the input ends right at a PROT_NONE page. */
static void robots_stays_inside_its_input(void **state)
{
    static const char *const bodies[] = {
        "user-agent: *\ndisallow: /a%4", "user-agent: *\ndisallow: /x%", "user-agent", "#",
        "\xEF\xBB", "user-agent: a\rallow: /$", "sitemap:",
    };
    long page = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    (void)state;

    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    for (size_t i = 0; i < RM_ARRAY_LEN(bodies); i++) {
        size_t n = strlen(bodies[i]);
        char *at = map + page - n;
        rm_robots *r = NULL;
        memcpy(at, bodies[i], n);
        assert_int_equal(rm_robots_parse(at, n, &r), RM_OK);
        (void)rm_robots_allowed(r, "a", "/a");
        rm_robots_free(r);
    }
    munmap(map, 2 * (size_t)page);
}

/* A hostile file cannot make one check slow: wildcards backtrack only to the last '*'. */
static void robots_pathological_pattern_is_fast(void **state)
{
    rm_buf body, path;
    rm_robots *r;
    (void)state;

    rm_buf_init(&body, RM_BUF_NOLIMIT);
    rm_buf_init(&path, RM_BUF_NOLIMIT);
    rm_buf_adds(&body, "user-agent: *\ndisallow: /");
    for (int i = 0; i < 2000; i++)
        rm_buf_adds(&body, "*a");
    rm_buf_adds(&body, "b$\n");
    rm_buf_addc(&path, '/');
    for (int i = 0; i < 4000; i++)
        rm_buf_addc(&path, 'a');
    r = parse_str(body.ptr);
    for (int i = 0; i < 20; i++)
        assert_true(rm_robots_allowed(r, "x", path.ptr));
    rm_robots_free(r);
    rm_buf_release(&path);
    rm_buf_release(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(robots_rfc9309_example),
        cmocka_unit_test(robots_same_agent_groups_merge),
        cmocka_unit_test(robots_group_boundaries),
        cmocka_unit_test(robots_longest_match_allow_wins_tie),
        cmocka_unit_test(robots_wildcards_and_end_anchor),
        cmocka_unit_test(robots_percent_encoding_rfc9309),
        cmocka_unit_test(robots_lenient_syntax),
        cmocka_unit_test(robots_line_endings),
        cmocka_unit_test(robots_txt_is_always_allowed),
        cmocka_unit_test(robots_crawl_delay),
        cmocka_unit_test(robots_empty_file_allows_everything),
        cmocka_unit_test(robots_reads_at_most_500_kib),
        cmocka_unit_test(robots_policy_for_status),
        cmocka_unit_test(robots_stays_inside_its_input),
        cmocka_unit_test(robots_pathological_pattern_is_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
