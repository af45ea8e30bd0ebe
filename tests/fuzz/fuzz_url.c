/* libFuzzer target for crawler/url: the input's first line is a base URL, the rest a
 * reference. Besides memory errors it checks two promises: a normal form is a fixed point of
 * rm_url_normalize, and every error leaves the output empty. */
#include "core/rm.h"
#include "crawler/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_normal_form(const char *url)
{
    rm_buf a, b;
    rm_err err;

    rm_buf_init(&a, RM_BUF_NOLIMIT);
    rm_buf_init(&b, RM_BUF_NOLIMIT);
    err = rm_url_normalize(url, NULL, &a);
    if (err && a.len)
        abort();
    if (!err) {
        if (rm_url_normalize(a.ptr, NULL, &b) != RM_OK || strcmp(a.ptr, b.ptr) != 0) {
            fprintf(stderr, "not a fixed point: %s -> %s -> %s\n", url, a.ptr, b.ptr);
            abort();
        }
        (void)rm_url_is_trap(a.ptr, NULL);
    }
    rm_buf_release(&b);
    rm_buf_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = rm_xstrndup((const char *)data, size);
    char *nl = strchr(text, '\n');
    const char *href = "";
    rm_url_opts sorted = {.sort_query = true};
    rm_buf out;

    if (nl) {
        *nl = '\0';
        href = nl + 1;
    }
    rm_buf_init(&out, RM_BUF_NOLIMIT);
    check_normal_form(text);
    check_normal_form(href);
    if (rm_url_resolve(text, href, &out) == RM_OK)
        check_normal_form(out.ptr);
    else if (out.len)
        abort();
    (void)rm_url_host_key(text, &out);
    (void)rm_url_normalize(href, &sorted, &out);
    (void)rm_url_is_trap(href, NULL);
    rm_buf_release(&out);
    free(text);
    return 0;
}
