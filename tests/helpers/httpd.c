#include "core/rm.h"
#include "tests/helpers/httpd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <unistd.h>

struct rm_test_httpd {
    struct MHD_Daemon *d;
    rm_test_handler h;
    void *ctx;
    int port;
    atomic_long hits;
};

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **con_cls)
{
    rm_test_httpd *s = cls;
    rm_test_req req;
    rm_test_resp resp;
    struct MHD_Response *r;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    enum MHD_Result ret;

    (void)version, (void)upload, (void)upload_len, (void)con_cls;
    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    req.method = method;
    req.path = url;
    req.query = q ? q : "";
    req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    req.accept_encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    req.user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    resp.status = 200;
    resp.content_type = "text/html; charset=utf-8";
    s->h(&req, &resp, s->ctx);
    atomic_fetch_add(&s->hits, 1);
    if (resp.delay_ms)
        usleep((useconds_t)resp.delay_ms * 1000);
    if (resp.status == 0)
        return MHD_NO; /* closes the connection: the client sees an empty reply */
    r = MHD_create_response_from_buffer(resp.body ? (resp.len ? resp.len : strlen(resp.body)) : 0,
                                        (void *)(resp.body ? resp.body : ""),
                                        MHD_RESPMEM_MUST_COPY);
    if (resp.content_type)
        MHD_add_response_header(r, "Content-Type", resp.content_type);
    for (size_t i = 0; i < RM_ARRAY_LEN(resp.headers) && resp.headers[i]; i++) {
        char name[128];
        const char *colon = strchr(resp.headers[i], ':');
        size_t n = colon ? (size_t)(colon - resp.headers[i]) : 0;
        if (!colon || n >= sizeof(name))
            continue;
        memcpy(name, resp.headers[i], n);
        name[n] = '\0';
        MHD_add_response_header(r, name, colon + 1 + (colon[1] == ' '));
    }
    ret = MHD_queue_response(c, (unsigned)resp.status, r);
    MHD_destroy_response(r);
    return ret;
}

rm_test_httpd *rm_test_httpd_start(rm_test_handler h, void *ctx)
{
    rm_test_httpd *s = rm_xcalloc(1, sizeof(*s));
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->h = h;
    s->ctx = ctx;
    s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!s->d) {
        free(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

int rm_test_httpd_port(const rm_test_httpd *s)
{
    return s->port;
}

long rm_test_httpd_hits(rm_test_httpd *s)
{
    return atomic_load(&s->hits);
}

void rm_test_httpd_stop(rm_test_httpd *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
