#include "core/rm.h"
#include "tests/helpers/market.h"

#include <curl/curl.h>
#include <signal.h>

void rm_market_start(rm_market *m, const char *dir, const char *const *args)
{
    char bin[FIXTURE_PATH_MAX], line[256];
    char *argv[64];
    size_t n = 0;
    rm_buf truth;
    json_error_t jerr;

    memset(m, 0, sizeof(*m));
    snprintf(bin, sizeof(bin), "%s/rm-market", rm_test_bin_dir());
    rm_buf_init(&truth, 4096);
    rm_buf_addf(&truth, "%s/truth.json", dir);
    m->truth_path = rm_buf_detach(&truth, NULL);
    argv[n++] = bin;
    argv[n++] = "--dump-truth";
    argv[n++] = m->truth_path;
    for (size_t i = 0; args && args[i] && n < RM_ARRAY_LEN(argv) - 1; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    if (rm_test_spawn(argv, &m->child) != 0)
        fail_msg("cannot start %s", bin);
    for (int i = 0; i < 3; i++) {
        if (rm_test_read_line(&m->child, line, sizeof(line), 20000) != 0)
            fail_msg("rm-market did not start");
        if (!strncmp(line, "market ", 7))
            snprintf(m->market, sizeof(m->market), "%s", line + 7);
        else if (!strncmp(line, "social ", 7))
            snprintf(m->social, sizeof(m->social), "%s", line + 7);
    }
    if (!m->market[0] || !m->social[0])
        fail_msg("rm-market printed no URLs");
    m->truth = json_load_file(m->truth_path, 0, &jerr);
    if (!m->truth)
        fail_msg("truth: %s", jerr.text);
    setenv("MARKET_URL", m->market, 1);
    setenv("SOCIAL_URL", m->social, 1);
}

void rm_market_stop(rm_market *m)
{
    if (m->child.pid > 0)
        rm_test_stop(&m->child, SIGTERM, 10000);
    json_decref(m->truth);
    free(m->truth_path);
    memset(m, 0, sizeof(*m));
}

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
    return rm_buf_add(ud, data, size * n) ? 0 : size * n;
}

char *rm_market_fetch(const char *url, size_t *len)
{
    CURL *c = curl_easy_init();
    rm_buf body;
    CURLcode rc;

    if (!c)
        return NULL;
    rm_buf_init(&body, 64 << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        rm_buf_release(&body);
        return NULL;
    }
    return rm_buf_detach(&body, len);
}

char *rm_market_get(const rm_market *m, const char *path)
{
    char url[512];

    snprintf(url, sizeof(url), "%s%s", m->market, path);
    return rm_market_fetch(url, NULL);
}
