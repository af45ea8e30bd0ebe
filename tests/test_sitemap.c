#include "core/rm.h"
#include "crawler/sitemap.h"
#include "tests/helpers/testutil.h"

#include <math.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

static rm_err parse_fixture(const char *name, const rm_sitemap_opts *opts, rm_sitemap **out)
{
    char path[256];
    size_t len;
    char *body;
    rm_err err;

    snprintf(path, sizeof(path), "sitemap/%s", name);
    body = rm_test_read_fixture(path, &len);
    err = rm_sitemap_parse(body, len, opts, out);
    free(body);
    assert_non_null(*out);
    return err;
}

static const char *loc(const rm_sitemap *s, size_t i)
{
    const rm_sitemap_entry *e = rm_sitemap_entry_at(s, i);
    assert_non_null(e);
    return e->loc;
}

/* Appends the gzip member of len bytes of data, repeated times times, to out. */
static void gzip_into(rm_buf *out, const void *data, size_t len, size_t times)
{
    unsigned char chunk[16384];
    z_stream z;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    for (size_t i = 0; i <= times; i++) {
        int flush = i == times ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = (Bytef *)data;
        z.avail_in = i == times ? 0 : (uInt)len;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof(chunk);
            assert_true(deflate(&z, flush) != Z_STREAM_ERROR);
            rm_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    assert_int_equal(out->err, RM_OK);
}

static void sitemap_urlset_fields(void **state)
{
    rm_sitemap *s = NULL;
    const rm_sitemap_entry *e;
    (void)state;

    assert_int_equal(parse_fixture("urlset.xml", NULL, &s), RM_OK);
    assert_false(rm_sitemap_is_index(s));
    assert_int_equal(rm_sitemap_count(s), 6);
    /* An empty loc, a url without loc and <url/> are skipped. */
    assert_int_equal(rm_sitemap_skipped(s), 3);
    e = rm_sitemap_entry_at(s, 0);
    assert_string_equal(e->loc, "https://shop.example/p/1"); /* image:loc is not the loc */
    assert_true(e->has_lastmod);
    assert_int_equal(e->lastmod, 1710201600);                 /* 2024-03-12 */
    assert_true(fabs(e->priority - 0.8) < 1e-9);
    e = rm_sitemap_entry_at(s, 1);
    assert_string_equal(e->loc, "https://shop.example/p/2?color=red&size=m");
    assert_int_equal(e->lastmod, 1710228600);                 /* 10:30+03:00 = 07:30Z */
    assert_true(e->priority == 1.0);
    e = rm_sitemap_entry_at(s, 2);
    assert_string_equal(e->loc, "https://shop.example/p/3?a=1&b=2"); /* CDATA */
    assert_int_equal(e->lastmod, 1672531200);                 /* "2023" = 2023-01-01 */
    assert_true(isnan(e->priority));                          /* 1.5 is out of range */
    e = rm_sitemap_entry_at(s, 3);
    assert_int_equal(e->lastmod, 1698796800);                 /* "2023-11" */
    assert_true(isnan(e->priority));                          /* "high" */
    e = rm_sitemap_entry_at(s, 4);
    assert_false(e->has_lastmod);                             /* "yesterday" */
    assert_int_equal(e->lastmod, 0);
    e = rm_sitemap_entry_at(s, 5);
    assert_int_equal(e->lastmod, 1709251199);                 /* 2024-02-29T23:59:59Z */
    assert_null(rm_sitemap_entry_at(s, 6));
    rm_sitemap_free(s);
}

static void sitemap_gzip_reads_like_plain(void **state)
{
    rm_sitemap *plain = NULL, *gz = NULL;
    (void)state;

    assert_int_equal(parse_fixture("urlset.xml", NULL, &plain), RM_OK);
    assert_int_equal(parse_fixture("urlset.xml.gz", NULL, &gz), RM_OK);
    assert_int_equal(rm_sitemap_count(gz), rm_sitemap_count(plain));
    assert_int_equal(rm_sitemap_skipped(gz), rm_sitemap_skipped(plain));
    for (size_t i = 0; i < rm_sitemap_count(plain); i++) {
        assert_string_equal(loc(gz, i), loc(plain, i));
        assert_int_equal(rm_sitemap_entry_at(gz, i)->lastmod,
                         rm_sitemap_entry_at(plain, i)->lastmod);
    }
    rm_sitemap_free(gz);
    rm_sitemap_free(plain);
}

static void sitemap_index(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("index.xml", NULL, &s), RM_OK);
    assert_true(rm_sitemap_is_index(s));
    assert_int_equal(rm_sitemap_count(s), 2);
    assert_string_equal(loc(s, 0), "https://shop.example/sitemap-products-1.xml.gz");
    assert_int_equal(rm_sitemap_entry_at(s, 0)->lastmod, 1709251200);
    assert_string_equal(loc(s, 1), "https://shop.example/sitemap-reviews.xml");
    assert_false(rm_sitemap_entry_at(s, 1)->has_lastmod);
    rm_sitemap_free(s);
}

static void sitemap_namespaces_tolerated(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("no_namespace.xml", NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 2);
    assert_string_equal(loc(s, 1), "http://old.example/b");
    assert_true(rm_sitemap_entry_at(s, 0)->priority == 0.5);
    rm_sitemap_free(s);
    /* A prefixed sitemaps namespace; a loc from another namespace is not the entry's. */
    assert_int_equal(parse_fixture("prefixed.xml", NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 2);
    assert_string_equal(loc(s, 0), "https://p.example/1");
    assert_string_equal(loc(s, 1), "https://p.example/2");
    assert_int_equal(rm_sitemap_skipped(s), 1);
    rm_sitemap_free(s);
}

static void sitemap_malformed_keeps_what_came_before(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("malformed.xml", NULL, &s), RM_EPARSE);
    assert_int_equal(rm_sitemap_count(s), 2);
    assert_string_equal(loc(s, 0), "https://m.example/1");
    assert_string_equal(loc(s, 1), "https://m.example/2");
    rm_sitemap_free(s);
}

static void sitemap_other_documents_are_unsupported(void **state)
{
    static const char html[] = "<!DOCTYPE html><html><body><a href='/x'>x</a></body></html>";
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("rss.xml", NULL, &s), RM_EUNSUPPORTED);
    assert_int_equal(rm_sitemap_count(s), 0);
    rm_sitemap_free(s);
    assert_int_equal(rm_sitemap_parse(html, strlen(html), NULL, &s), RM_EUNSUPPORTED);
    rm_sitemap_free(s);
}

static void sitemap_text_lines(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("sitemap.txt", NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 3);
    assert_string_equal(loc(s, 0), "https://t.example/a"); /* after the BOM */
    assert_string_equal(loc(s, 1), "http://t.example/b");
    assert_string_equal(loc(s, 2), "HTTPS://t.example/d"); /* last line, no newline */
    assert_int_equal(rm_sitemap_skipped(s), 2);            /* "not a url", ftp:// */
    assert_false(rm_sitemap_entry_at(s, 0)->has_lastmod);
    assert_true(isnan(rm_sitemap_entry_at(s, 0)->priority));
    rm_sitemap_free(s);
}

static void sitemap_leading_blank_before_xml(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(parse_fixture("leading_space.xml", NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 1);
    assert_string_equal(loc(s, 0), "https://ws.example/1");
    rm_sitemap_free(s);
}

static void sitemap_entities_are_not_expanded(void **state)
{
    rm_sitemap *s = NULL;
    int64_t t0 = 0;
    (void)state;
    t0 = (int64_t)clock();
    assert_int_equal(parse_fixture("bomb.xml", NULL, &s), RM_EPARSE);
    assert_true((int64_t)clock() - t0 < 2 * CLOCKS_PER_SEC);
    assert_int_equal(rm_sitemap_count(s), 1);
    assert_string_equal(loc(s, 0), "https://bomb.example/ok");
    rm_sitemap_free(s);
}

static void sitemap_url_limit(void **state)
{
    rm_sitemap_opts o = {.max_urls = 3};
    const char *text = "http://h/1\nhttp://h/2\nhttp://h/3\nhttp://h/4\nhttp://h/5\n";
    const char *xml = "<urlset><url><loc>http://h/1</loc></url><url><loc>http://h/2</loc></url>"
                      "<url><loc>http://h/3</loc></url><url><loc>http://h/4</loc></url></urlset>";
    rm_sitemap *s = NULL;
    rm_buf big;
    (void)state;

    assert_int_equal(rm_sitemap_parse(text, strlen(text), &o, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), 3);
    assert_string_equal(loc(s, 2), "http://h/3");
    rm_sitemap_free(s);
    assert_int_equal(rm_sitemap_parse(xml, strlen(xml), &o, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), 3);
    rm_sitemap_free(s);
    /* The protocol's 50,000 by default. */
    rm_buf_init(&big, RM_BUF_NOLIMIT);
    for (int i = 0; i <= RM_SITEMAP_MAX_URLS; i++)
        rm_buf_addf(&big, "https://h/%d\n", i);
    assert_int_equal(rm_sitemap_parse(big.ptr, big.len, NULL, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), RM_SITEMAP_MAX_URLS);
    rm_sitemap_free(s);
    rm_buf_truncate(&big, big.len - strlen("https://h/50000\n"));
    assert_int_equal(rm_sitemap_parse(big.ptr, big.len, NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), RM_SITEMAP_MAX_URLS);
    rm_sitemap_free(s);
    rm_buf_release(&big);
}

static void sitemap_byte_limit_plain_and_gzip(void **state)
{
    const char *text = "http://h/1\nhttp://h/2\nhttp://h/3-cut-by-the-limit\n";
    rm_sitemap_opts o = {.max_bytes = 30};
    rm_sitemap *s = NULL;
    rm_buf gz;
    (void)state;

    assert_int_equal(rm_sitemap_parse(text, strlen(text), &o, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), 2); /* the cut line is left out */
    rm_sitemap_free(s);
    o.max_bytes = strlen(text); /* exactly at the limit is fine */
    assert_int_equal(rm_sitemap_parse(text, strlen(text), &o, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 3);
    rm_sitemap_free(s);
    rm_buf_init(&gz, RM_BUF_NOLIMIT);
    gzip_into(&gz, text, strlen(text), 1);
    o.max_bytes = 30;
    assert_int_equal(rm_sitemap_parse(gz.ptr, gz.len, &o, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), 2);
    rm_sitemap_free(s);
    rm_buf_release(&gz);
}

/* A 64 KiB gzip body that inflates past 50 MB stops at the protocol's limit. */
static void sitemap_gzip_bomb_stops_at_50_mb(void **state)
{
    static char spaces[1 << 16];
    const char *head = "<urlset><url><loc>https://h/first</loc></url>";
    rm_sitemap *s = NULL;
    rm_buf gz;
    (void)state;

    memset(spaces, ' ', sizeof(spaces));
    rm_buf_init(&gz, RM_BUF_NOLIMIT);
    gzip_into(&gz, head, strlen(head), 1);
    gzip_into(&gz, spaces, sizeof(spaces), RM_SITEMAP_MAX_BYTES / sizeof(spaces) + 2);
    assert_true(gz.len < 1024 * 1024);
    assert_int_equal(rm_sitemap_parse(gz.ptr, gz.len, NULL, &s), RM_ETOOBIG);
    assert_int_equal(rm_sitemap_count(s), 1); /* the two members were read in turn */
    rm_sitemap_free(s);
    rm_buf_release(&gz);
}

static void sitemap_gzip_corrupt_or_cut(void **state)
{
    const char *text = "http://h/1\nhttp://h/2\n";
    rm_sitemap *s = NULL;
    rm_buf gz;
    (void)state;

    rm_buf_init(&gz, RM_BUF_NOLIMIT);
    gzip_into(&gz, text, strlen(text), 1);
    assert_int_equal(rm_sitemap_parse(gz.ptr, gz.len - 6, NULL, &s), RM_EPARSE);
    rm_sitemap_free(s);
    gz.ptr[12] ^= 0x55;
    gz.ptr[14] ^= 0x55;
    assert_int_equal(rm_sitemap_parse(gz.ptr, gz.len, NULL, &s), RM_EPARSE);
    rm_sitemap_free(s);
    assert_int_equal(rm_sitemap_parse("\x1f\x8b", 2, NULL, &s), RM_EPARSE);
    rm_sitemap_free(s);
    rm_buf_release(&gz);
}

static void sitemap_long_loc_is_skipped(void **state)
{
    rm_buf xml;
    rm_sitemap *s = NULL;
    (void)state;

    rm_buf_init(&xml, RM_BUF_NOLIMIT);
    rm_buf_adds(&xml, "<urlset><url><loc>https://h/");
    for (int i = 0; i < RM_SITEMAP_MAX_LOC; i++)
        rm_buf_addc(&xml, 'a');
    rm_buf_adds(&xml, "</loc></url><url><loc>https://h/short</loc></url></urlset>");
    assert_int_equal(rm_sitemap_parse(xml.ptr, xml.len, NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 1);
    assert_string_equal(loc(s, 0), "https://h/short");
    assert_int_equal(rm_sitemap_skipped(s), 1);
    rm_sitemap_free(s);
    rm_buf_release(&xml);
}

static void sitemap_empty_and_invalid_arguments(void **state)
{
    rm_sitemap *s = NULL;
    (void)state;
    assert_int_equal(rm_sitemap_parse(NULL, 0, NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 0);
    rm_sitemap_free(s);
    assert_int_equal(rm_sitemap_parse(" \n\t", 3, NULL, &s), RM_OK);
    assert_int_equal(rm_sitemap_count(s), 0);
    rm_sitemap_free(s);
    s = NULL;
    assert_int_equal(rm_sitemap_parse(NULL, 4, NULL, &s), RM_EINVAL);
    assert_null(s);
    rm_sitemap_free(NULL);
}

/* The parser must not read a byte past len: the input ends right at a PROT_NONE page. */
static void sitemap_stays_inside_its_input(void **state)
{
    static const char *const bodies[] = {
        "<urlset><url><loc>http://h/1</loc></url>", "http://h/1\nhttp://h/2", "\xEF\xBB",
        "<urlset><url><loc>http://h/1</loc><lastmod>2024", "\x1f\x8b\x08", "<",
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
        rm_sitemap *s = NULL;
        memcpy(at, bodies[i], n);
        assert_true(rm_sitemap_parse(at, n, NULL, &s) != RM_EINVAL);
        rm_sitemap_free(s);
    }
    munmap(map, 2 * (size_t)page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sitemap_urlset_fields),
        cmocka_unit_test(sitemap_gzip_reads_like_plain),
        cmocka_unit_test(sitemap_index),
        cmocka_unit_test(sitemap_namespaces_tolerated),
        cmocka_unit_test(sitemap_malformed_keeps_what_came_before),
        cmocka_unit_test(sitemap_other_documents_are_unsupported),
        cmocka_unit_test(sitemap_text_lines),
        cmocka_unit_test(sitemap_leading_blank_before_xml),
        cmocka_unit_test(sitemap_entities_are_not_expanded),
        cmocka_unit_test(sitemap_url_limit),
        cmocka_unit_test(sitemap_byte_limit_plain_and_gzip),
        cmocka_unit_test(sitemap_gzip_bomb_stops_at_50_mb),
        cmocka_unit_test(sitemap_gzip_corrupt_or_cut),
        cmocka_unit_test(sitemap_long_loc_is_skipped),
        cmocka_unit_test(sitemap_empty_and_invalid_arguments),
        cmocka_unit_test(sitemap_stays_inside_its_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
