/*
** fuzz_http.c -- the HTTP request path of `kroniek serve` (serve.c): libmicrohttpd's
** parser, kroniek's dispatch, parameter checks, every /api handler over a small
** archive, and the static files.  serve.c exposes no handler of its own, so this file
** includes it (its kr_serve_run renamed) and drives its on_request through a real
** MHD daemon without a listening socket: each input is written into one end of a
** socketpair whose other end is handed to MHD_add_connection.
**
** Byte 0: bit 0 set = the rest is the raw request; otherwise the rest is a path (up
** to the first newline) sent with the method picked by bits 1-2 (GET, HEAD, OPTIONS,
** POST), followed by the remaining bytes as header lines.  Bit 3 (issue 15): the
** server requires the access token "fuzz-token" (--token-file), given as
** "Authorization: Bearer fuzz-token" or as the password of basic auth.  Checks: the
** answer is an HTTP status line; no 500; JSON bodies parse; with the token required, no
** answer below 400 (but the 204 of a CORS preflight) to a request without an
** Authorization header.
*/
#define kr_serve_run fz_serve_run_unused      /* the library keeps the real one */
#include "serve.c"
#undef kr_serve_run
#include "fuzz_store.h"
#include <sys/socket.h>

static srv_ctx S;
static struct MHD_Daemon *mhd;

static void stop(void) {
    if (mhd) MHD_stop_daemon(mhd);
    for (int i = 0; i < S.nidle; i++) kr_store_close(S.idle[i]);
    free(S.idle);
}

static void setup(void) {
    S.db = fz_archive();
    S.cors = "https://example.org";
    S.max = 2;
    S.heavy_max = 1;
    S.budget_ms = 2000;
    S.head_ms = 10000;
    S.idle = kr_xmalloc((size_t)S.max * sizeof *S.idle);
    pthread_mutex_init(&S.mu, NULL);
    pthread_cond_init(&S.cv, NULL);
    pthread_cond_init(&S.hcv, NULL);
    pthread_mutex_init(&S.conn_mu, NULL);
    snprintf(S.csp, sizeof S.csp, "default-src 'none'");
    S.dict = (kr_dict *)fz_builtin();
    signal(SIGPIPE, SIG_IGN);
    mhd = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, &S,
                           MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MEM_LIMIT,
                           MHD_OPTION_UNESCAPE_CALLBACK, srv_unescape, (void *)NULL,
                           MHD_OPTION_EXTERNAL_LOGGER, srv_mhd_log, (void *)&S,
                           MHD_OPTION_NOTIFY_CONNECTION, srv_notify_conn, (void *)&S,
                           MHD_OPTION_NOTIFY_COMPLETED, srv_completed, (void *)&S,
                           MHD_OPTION_URI_LOG_CALLBACK, srv_uri_log, (void *)&S,
                           MHD_OPTION_END);
    if (!mhd) { fprintf(stderr, "fuzz_http: MHD_start_daemon failed\n"); abort(); }
    atexit(stop);
}

static unsigned nconn(void) {
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return i ? i->num_connections : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536) return 0;
    if (!mhd) setup();
    S.token = (data[0] & 8) ? "fuzz-token" : NULL;
    kr_buf req = {0};
    int head = 0;
    if (data[0] & 1) {
        kr_buf_add(&req, (const char *)data + 1, size - 1);
        /* a raw HEAD request has no body to check either (regress/http/raw-head-no-slash) */
        head = size - 1 >= 5 && !memcmp(data + 1, "HEAD ", 5);
    }
    else {
        static const char *methods[] = {"GET", "HEAD", "OPTIONS", "POST"};
        const char *m = methods[(data[0] >> 1) & 3];
        head = !strcmp(m, "HEAD");
        const char *p = (const char *)data + 1, *e = (const char *)data + size;
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        kr_buf_addf(&req, "%s ", m);
        kr_buf_add(&req, p, (size_t)((nl ? nl : e) - p));
        kr_buf_addf(&req, " HTTP/1.1\r\nHost: fuzz\r\n");
        if (nl) kr_buf_add(&req, nl + 1, (size_t)(e - nl - 1));
        kr_buf_add(&req, "\r\n", 2);
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) { kr_buf_free(&req); return 0; }
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    if (MHD_add_connection(mhd, sv[0], (struct sockaddr *)&sin, sizeof sin) != MHD_YES) { close(sv[0]); close(sv[1]); kr_buf_free(&req); return 0; }
    kr_buf out = {0};
    size_t off = 0;
    int shut = 0;
    for (int it = 0; it < 2000; it++) {
        if (off < req.len) {
            ssize_t w = send(sv[1], req.p + off, req.len - off, MSG_NOSIGNAL);
            if (w > 0) off += (size_t)w;
        } else if (!shut) { shutdown(sv[1], SHUT_WR); shut = 1; }
        MHD_run(mhd);
        char buf[65536];
        ssize_t n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) kr_buf_add(&out, buf, (size_t)n);
        else if (n == 0) break;            /* MHD closed the connection */
    }
    close(sv[1]);
    for (int it = 0; it < 100 && nconn(); it++) MHD_run(mhd);
    FZ_CHECK(nconn() == 0);
    if (getenv("FUZZ_HTTP_VERBOSE")) fprintf(stderr, "---- request\n%.*s\n---- answer\n%.*s\n", (int)req.len, req.p, (int)(out.len > 600 ? 600 : out.len), out.p ? out.p : "");
    if (out.len) {
        FZ_CHECK(out.len >= 12 && !memcmp(out.p, "HTTP/1.", 7));
        int status = atoi(out.p + 9);
        FZ_CHECK(status >= 100 && status < 600);
        if (status == 500) { fprintf(stderr, "500 for:\n%.*s\n", (int)req.len, req.p); abort(); }
        if (S.token && status < 400 && status != 204) {
            /* (in all the bytes sent: a NUL inside a header value ends MHD's string for that
            ** value, not the request, and an Authorization header after it is read) */
            int has_auth = 0;
            for (size_t i = 0; i + 14 <= req.len && !has_auth; i++) if (!strncasecmp(req.p + i, "authorization:", 14)) has_auth = 1;
            if (!has_auth) { fprintf(stderr, "%d without the token for:\n%.*s\n", status, (int)req.len, req.p); abort(); }
        }
        const char *body = strstr(out.p, "\r\n\r\n");
        if (body && !head && strstr(out.p, "application/json") && strstr(out.p, "application/json") < body) {
            body += 4;
            json_error_t je;
            json_t *j = json_loadb(body, out.len - (size_t)(body - out.p), 0, &je);
            if (!j) { fprintf(stderr, "bad JSON body (%s):\n%.*s\n", je.text, (int)out.len, out.p); abort(); }
            json_decref(j);
        }
    }
    kr_buf_free(&out);
    kr_buf_free(&req);
    return 0;
}
