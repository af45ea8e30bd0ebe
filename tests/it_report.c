/* The report of a real crawl, opened in headless Chromium (Debian's, installed by `make deps`):
 * the page's own script runs without a console error and marks the DOM, and a laptop-sized
 * screenshot shows charts (sentiment colours in both columns of the grid), not a blank page.
 * Skips with a message when Chromium is not installed. */
#include "core/rm.h"
#include "store/report_int.h"
#include "tests/helpers/crawlrun.h"
#include "tests/helpers/htmlcheck.h"
#include "tests/helpers/png.h"

#include <unistd.h>

#define CHROMIUM "/usr/bin/chromium"
#define CHROMIUM_MS 90000
#define SHOT_W 1366
#define SHOT_H 900

typedef struct fx {
    char *dir;
    char db[FIXTURE_PATH_MAX];
    rm_market m;
} fx;

static int setup(void **state)
{
    fx *f = rm_xcalloc(1, sizeof(*f));
    f->dir = rm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/revmine.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    rm_market_stop(&f->m);
    rm_test_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static bool have_chromium(void)
{
    if (access(CHROMIUM, X_OK) == 0)
        return true;
    fprintf(stderr, "it_report: %s not installed (make deps installs it); skipped\n", CHROMIUM);
    return false;
}

/* Runs Chromium headless on file with one action flag (--dump-dom, --screenshot=...); returns
 * its stdout (free) and puts its log in *log. */
static char *chromium(fx *f, const char *file, const char *action, char **log)
{
    char profile[FIXTURE_PATH_MAX + 32], url[FIXTURE_PATH_MAX + 16], size[32];
    char *out = NULL;
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/chromium", f->dir);
    snprintf(url, sizeof(url), "file://%s", file);
    snprintf(size, sizeof(size), "--window-size=%d,%d", SHOT_W, SHOT_H);
    char *argv[] = {CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", profile, size, "--enable-logging=stderr", "--v=0",
                    (char *)action, url, NULL};
    assert_int_equal(rm_test_run(argv, NULL, &out, log, CHROMIUM_MS), 0);
    return out;
}

/* The page ran its script (DOM marker with the number of charts) and logged nothing to the
 * console: an uncaught error or a failed load would show as a CONSOLE line. */
static int charts_rendered(fx *f, const char *file)
{
    char *log = NULL, *dom = chromium(f, file, "--dump-dom", &log);
    const char *mark = strstr(dom, "data-charts=\"");
    int charts = mark ? (int)strtol(mark + 13, NULL, 10) : -1;
    if (strstr(log, "CONSOLE"))
        charts = -2;
    free(dom);
    free(log);
    return charts;
}

/* Pixels within a small distance of colour hex ("#rrggbb") in the rectangle. */
static long count_colour(const rm_png *p, const char *hex, uint32_t x0, uint32_t x1,
                         uint32_t y0, uint32_t y1)
{
    unsigned r, g, b;
    long n = 0;
    assert_int_equal(sscanf(hex, "#%2x%2x%2x", &r, &g, &b), 3);
    for (uint32_t y = y0; y < y1 && y < p->height; y++)
        for (uint32_t x = x0; x < x1 && x < p->width; x++) {
            const uint8_t *px = p->rgb + ((size_t)y * p->width + x) * 3;
            if (abs(px[0] - (int)r) <= 8 && abs(px[1] - (int)g) <= 8 && abs(px[2] - (int)b) <= 8)
                n++;
        }
    return n;
}

static size_t distinct_colours(const rm_png *p)
{
    uint8_t *seen = rm_xcalloc(1u << 21, 1); /* 1 bit per 24-bit colour */
    size_t n = 0;
    for (size_t i = 0; i < (size_t)p->width * p->height; i++) {
        uint32_t c = (uint32_t)p->rgb[i * 3] << 16 | (uint32_t)p->rgb[i * 3 + 1] << 8 |
                     p->rgb[i * 3 + 2];
        if (!(seen[c >> 3] & (1u << (c & 7)))) {
            seen[c >> 3] |= (uint8_t)(1u << (c & 7));
            n++;
        }
    }
    free(seen);
    return n;
}

static void inspect_screenshot(fx *f, const char *html)
{
    char shot[FIXTURE_PATH_MAX + 32], arg[FIXTURE_PATH_MAX + 48], *log = NULL;
    const char *why = NULL;
    size_t len;
    uint8_t *data;
    rm_png png;
    uint32_t half = SHOT_W / 2;

    snprintf(shot, sizeof(shot), "%s/report.png", f->dir);
    snprintf(arg, sizeof(arg), "--screenshot=%s", shot);
    free(chromium(f, html, arg, &log));
    free(log);
    data = (uint8_t *)rm_test_read_file(shot, &len);
    assert_non_null(data);
    if (rm_png_decode(data, len, &png, &why))
        fail_msg("screenshot: %s", why);
    free(data);
    assert_int_equal(png.width, SHOT_W);
    assert_int_equal(png.height, SHOT_H);
    /* Above the fold on a laptop: the distribution and rating charts on the left, the time
     * line and the term bars on the right, each drawn in the sentiment colours. */
    assert_true(count_colour(&png, RM_REPORT_POS, 0, half, 150, SHOT_H) > 2000);
    assert_true(count_colour(&png, RM_REPORT_NEG, 0, half, 150, SHOT_H) > 2000);
    assert_true(count_colour(&png, RM_REPORT_POS, half, SHOT_W, 150, SHOT_H) > 2000);
    assert_true(count_colour(&png, RM_REPORT_NEG, half, SHOT_W, 150, SHOT_H) > 2000);
    /* text, axes, anti-aliasing: a rendered page, not a flat fill */
    assert_true(distinct_colours(&png) > 200);
    free(png.rgb);
}

static void report_of_crawl_renders_in_chromium(void **state)
{
    fx *f = *state;
    const char *args[] = {"--products", "60", "--seed", "4", NULL};
    char html_path[FIXTURE_PATH_MAX + 16], bin[FIXTURE_PATH_MAX], *html, *out = NULL, *err = NULL;
    size_t len;

    if (!have_chromium())
        skip();
    rm_market_start(&f->m, f->dir, args);
    json_decref(rm_crawl_demo(f->db, NULL));
    snprintf(bin, sizeof(bin), "%s/revmine", rm_test_bin_dir());
    snprintf(html_path, sizeof(html_path), "%s/report.html", f->dir);
    char *argv[] = {bin, "report", "--db", f->db, "--out", html_path, NULL};
    assert_int_equal(rm_test_run(argv, NULL, &out, &err, 60000), 0);
    free(out), free(err);
    html = rm_test_read_file(html_path, &len);
    assert_non_null(html);
    rm_expect_self_contained_html(html);
    assert_null(strstr(html, "No scored reviews yet."));
    free(html);
    assert_int_equal(charts_rendered(f, html_path), 8);
    inspect_screenshot(f, html_path);
}

/* The console check can fail: a page with a script error is caught. */
static void chromium_check_catches_script_error(void **state)
{
    fx *f = *state;
    static const char page[] = "<!DOCTYPE html><html><body><p>x</p><script>no_such_function();"
                               "document.documentElement.setAttribute('data-charts','1');"
                               "</script></body></html>";
    char *path;
    if (!have_chromium())
        skip();
    path = rm_test_write(f->dir, "broken.html", page, sizeof(page) - 1);
    assert_int_equal(charts_rendered(f, path), -2);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(report_of_crawl_renders_in_chromium, setup, teardown),
        cmocka_unit_test_setup_teardown(chromium_check_catches_script_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
