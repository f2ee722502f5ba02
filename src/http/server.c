/* server.c — libmicrohttpd glue: limits, header sanity, body collection,
 * suspend/resume around group-committed writes, request logging, draining. */
#include "http/server.h"

#include "http/metrics.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_log.h"
#include "util/fx_ratelimit.h"
#include "util/fx_str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define DRAIN_WAIT_S 30

struct conn_state {
    http_req req;
    struct MHD_Connection *conn;
    fx_str body;
    int spool;         /* ROUTE_SPOOL: the body's file */
    size_t spooled;
    uint64_t start_us;
    size_t max_body;
    bool started, pending, too_large;
    bool public_slot; /* holds one of the public API's in-flight places */
    _Atomic bool job_done;
    int status;
    size_t bytes;
};

/* What the access handler is given: the app, and whether this is the public address. */
struct listener {
    http_app *app;
    bool public_only;
};

static const char *const client_methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", NULL};

void http_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    http_req *r = cls;
    if (r->nquery >= HTTP_MAX_QUERY)
        return MHD_NO;
    r->query[r->nquery].name = key;
    r->query[r->nquery].value = value;
    r->nquery++;
    return MHD_YES;
}

struct header_scan {
    http_req *r;
    int content_length;
    bool transfer_encoding, nul;
    const char *prev_end; /* end of the previous header's value in MHD's read buffer */
};

/* libmicrohttpd 0.9.75 parses header lines as C strings in place, so a NUL in a
 * value silently cuts it ("a\0b" arrives as "a"). The cut-off bytes are still in
 * the read buffer between one header's value and the next header's name, where
 * only the line end (overwritten with NULs) and spaces belong. */
static bool hidden_bytes(const char *from, const char *to)
{
    for (const char *p = from; p < to; p++)
        if (*p != '\0' && *p != '\r' && *p != '\n' && *p != ' ' && *p != '\t')
            return true;
    return false;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
    (void)kind;
    struct header_scan *h = cls;
    if (strlen(key) != key_size || (value && strlen(value) != value_size))
        h->nul = true;
    if (h->prev_end && key > h->prev_end && key - h->prev_end < 4096 && hidden_bytes(h->prev_end, key))
        h->nul = true;
    h->prev_end = value ? value + value_size : key + key_size;
    if (strcasecmp(key, "Content-Length") == 0)
        h->content_length++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0)
        h->transfer_encoding = true;
    else if (strcasecmp(key, "Authorization") == 0)
        h->r->authorization = value;
    else if (strcasecmp(key, "Cookie") == 0)
        h->r->cookie = value;
    else if (strcasecmp(key, "Content-Type") == 0)
        h->r->content_type = value;
    else if (strcasecmp(key, "X-CSRF-Token") == 0)
        h->r->csrf_header = value;
    else if (strcasecmp(key, "Accept-Encoding") == 0)
        h->r->accept_encoding = value;
    else if (strcasecmp(key, "If-None-Match") == 0)
        h->r->if_none_match = value;
    return MHD_YES;
}

static enum MHD_Result send_response(struct conn_state *st)
{
    http_req *r = &st->req;
    struct MHD_Response *resp;
    if (r->resp_fd >= 0) {
        resp = MHD_create_response_from_fd(r->resp_fd_len, r->resp_fd);
        if (resp)
            r->resp_fd = -1; /* MHD closes it */
        st->bytes = r->resp_fd_len;
    } else {
        resp = MHD_create_response_from_buffer(r->resp_len, r->resp ? r->resp : (void *)"",
                                               r->resp ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (resp)
            r->resp = NULL; /* MHD frees it */
        st->bytes = r->resp_len;
    }
    if (!resp)
        return MHD_NO;
    if (r->content_type_out)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type_out);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    bool has_cache = false;
    for (int i = 0; i < r->nheader; i++) {
        MHD_add_response_header(resp, r->header[i].name, r->header[i].value);
        has_cache |= strcasecmp(r->header[i].name, "Cache-Control") == 0;
    }
    if (!has_cache) /* API answers carry personal data: never cached on the way */
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->status == 503 || r->app->draining)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    st->status = r->status;
    enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result refuse(struct conn_state *st, int status, const char *reason, const char *code,
                              const char *msg)
{
    metrics_rejected(reason);
    if (status == 503)
        http_header(&st->req, "Retry-After", "2");
    http_error(&st->req, status, code, "%s", msg);
    return send_response(st);
}

/* The public API: the caller's address within its rate, and a free place in the public
 * in-flight budget. Past either it answers (429 or 503 with Retry-After) and returns false. */
static bool public_admit(struct conn_state *st)
{
    http_app *app = st->req.app;
    int wait = app->public_rl ? fx_ratelimit_take(app->public_rl, st->req.ip, st->start_us) : 0;
    if (wait) {
        metrics_rejected("public_rate");
        http_header(&st->req, "Retry-After", "%d", wait);
        http_error(&st->req, 429, "rate_limited", "too many requests from your address; try again in %d s", wait);
        return false;
    }
    if (++app->public_inflight > app->cfg.public_inflight) {
        app->public_inflight--;
        metrics_rejected("public_busy");
        http_header(&st->req, "Retry-After", "1");
        http_error(&st->req, 503, "busy", "many people are looking at the same time; try again in a moment");
        return false;
    }
    st->public_slot = true;
    return true;
}

/* On the public address (--public-listen) only the public pages and API answer, on threads
 * running at a lower priority than staff's: under a flood of lookups the scheduler gives the
 * CPU to the staff threads first. true when the request may go on. */
static bool public_port_allows(http_app *app, const char *url)
{
    static _Thread_local bool lowered;
    if (!lowered) {
        setpriority(PRIO_PROCESS, (id_t)gettid(), app->cfg.public_nice);
        lowered = true;
    }
    bool api = strncmp(url, "/api/", 5) == 0;
    return api ? strncmp(url, "/api/v1/public/", 15) == 0 : strcmp(url, "/metrics") != 0;
}

static enum MHD_Result send_response_404(struct conn_state *st, const char *url)
{
    http_error(&st->req, 404, "not_found", "there is nothing at %.200s on the public address", url);
    return send_response(st);
}

static void job_done(db_job *job)
{
    struct conn_state *st = (struct conn_state *)((char *)job - offsetof(struct conn_state, req.job));
    atomic_store(&st->job_done, true);
    MHD_resume_connection(st->conn);
}

static enum MHD_Result run(struct conn_state *st)
{
    http_req *r = &st->req;
    if (st->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes; send less at a time", st->max_body);
        return refuse(st, 413, "too_large", "body_too_large", msg);
    }
    r->body = st->body.p;
    r->body_len = st->body.len;
    if (st->spool >= 0) { /* the handler owns the file from here */
        r->body_len = st->spooled;
        r->body_fd = st->spool;
        st->spool = -1;
        if (lseek(r->body_fd, 0, SEEK_SET) != 0)
            return refuse(st, 500, "too_large", "internal", "the upload could not be kept");
    }
    if (router_dispatch(r) == HTTP_DONE)
        return send_response(st);
    /* A write: park the connection until the writer has committed it. */
    st->pending = true;
    r->job.done = job_done;
    MHD_suspend_connection(st->conn);
    int rc = db_submit(r->app->db, &r->job);
    if (rc != 0) {
        r->job.rc = rc;
        job_done(&r->job);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    const struct listener *l = cls;
    http_app *app = l->app;
    struct conn_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        *con_cls = st;
        st->conn = conn;
        st->start_us = fx_mono_us();
        app->inflight++;
        http_req *r = &st->req;
        r->app = app;
        r->resp_fd = -1;
        r->body_fd = -1;
        st->spool = -1;
        r->method = method;
        r->path = url;
        snprintf(r->request_id, sizeof r->request_id, "%llx", (unsigned long long)fx_id_next());
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->ip, sizeof r->ip);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->ip,
                          sizeof r->ip);
        }
        r->tls = app->cfg.tls_cert != NULL;
        fx_str_init(&st->body, app->cfg.max_body + 1);

        struct header_scan hs = {.r = r};
        MHD_get_connection_values_n(conn, MHD_HEADER_KIND, scan_header, &hs);
        /* After the last value come at least "\r\n\r\n" (4 bytes, now NULs). */
        if (hs.prev_end && hidden_bytes(hs.prev_end, hs.prev_end + 4))
            hs.nul = true;
        if (hs.nul)
            return refuse(st, 400, "bad_header", "bad_header", "a request header contains a NUL byte");
        if (hs.content_length > 1)
            return refuse(st, 400, "bad_header", "bad_header", "the request has more than one Content-Length header");
        if (hs.content_length && hs.transfer_encoding)
            return refuse(st, 400, "bad_header", "bad_header",
                          "the request has both Content-Length and Transfer-Encoding");
        if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query, r) > HTTP_MAX_QUERY)
            return refuse(st, 400, "bad_header", "too_many_parameters", "the URL has too many query parameters");
        bool known = false;
        for (const char *const *m = client_methods; *m; m++)
            known |= strcmp(*m, method) == 0;
        if (!known)
            return refuse(st, 405, "bad_header", "method_not_allowed", "this method is not supported");
        if (app->draining)
            return refuse(st, 503, "overload", "shutting_down", "the server is restarting; try again in a moment");
        /* Public requests have their own budget (public_admit) and do not count against staff's. */
        if (app->inflight - app->public_inflight > app->cfg.max_inflight ||
            (l->public_only ? app->public_connections : app->connections) > app->cfg.conn_soft_limit)
            return refuse(st, 503, "overload", "overloaded", "the server is busy; try again in a moment");

        int m = router_match(app, r);
        if (m == 404) {
            http_error(r, 404, "not_found", "there is nothing at %.200s", url);
            return send_response(st);
        }
        if (m == 405) {
            http_error(r, 405, "method_not_allowed", "%s is not allowed on %.200s", method, url);
            return send_response(st);
        }
        if (l->public_only && !public_port_allows(app, url))
            return send_response_404(st, url);
        if (strncmp(url, "/api/v1/public/", 15) == 0 && !public_admit(st))
            return send_response(st);
        st->max_body = r->route->max_body ? r->route->max_body : app->cfg.max_body;
        if (r->route->flags & ROUTE_SPOOL) {
            /* File uploads go to disk as they arrive: memory stays small whatever their size. */
            st->max_body = app->cfg.max_upload;
            st->spool = open(P_tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
            if (st->spool < 0)
                return refuse(st, 503, "overload", "no_space", "the server cannot take uploads right now");
        }
        fx_str_init(&st->body, st->max_body + 1);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        long long len;
        if (cl && fx_parse_i64(cl, &len) && (unsigned long long)len > st->max_body) {
            st->too_large = true;
            return run(st);
        }
        /* Answer on the next call even without a body: libmicrohttpd 0.9.75 treats a
         * response queued on this first call as "early" and closes the connection. */
        return MHD_YES;
    }

    if (st->pending) {
        if (!atomic_load(&st->job_done))
            return MHD_YES;
        st->pending = false;
        router_finish(&st->req);
        return send_response(st);
    }
    if (*upload_data_size) {
        if (fx_mono_us() - st->start_us > (uint64_t)app->cfg.request_timeout_s * 1000000u) {
            metrics_rejected("timeout");
            return MHD_NO; /* too slow: drop it, its sender is not waiting for words */
        }
        if (st->spool >= 0 && !st->too_large) {
            if (st->spooled + *upload_data_size > st->max_body) {
                st->too_large = true;
            } else {
                for (size_t off = 0; off < *upload_data_size;) {
                    ssize_t k = write(st->spool, upload_data + off, *upload_data_size - off);
                    if (k <= 0) {
                        fx_log(FX_LOG_ERROR, "upload spool write failed: %s", strerror(errno));
                        return MHD_NO;
                    }
                    off += (size_t)k;
                }
                st->spooled += *upload_data_size;
            }
        } else if (!st->too_large && !fx_str_add(&st->body, upload_data, *upload_data_size)) {
            st->too_large = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->started)
        return MHD_YES; /* already answered */
    st->started = true;
    return run(st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    http_app *app = cls;
    struct conn_state *st = *con_cls;
    if (!st)
        return;
    uint64_t us = fx_mono_us() - st->start_us;
    int status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? st->status : 0;
    metrics_request(status ? status : 499, us);
    if (app->cfg.log_requests) {
        char line[1024], ts[32];
        fx_time_utc(fx_now(), ts, sizeof ts);
        size_t n = (size_t)snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\","
                                                        "\"method\":\"%s\",\"path\":\"", ts, st->req.method);
        fx_json_escape(line, 400, &n, st->req.path ? st->req.path : "");
        n += (size_t)snprintf(line + n, sizeof line - n,
                              "\",\"status\":%d,\"bytes\":%zu,\"us\":%llu,\"ip\":\"%s\",\"user\":\"", status,
                              st->bytes, (unsigned long long)us, st->req.ip);
        fx_json_escape(line, sizeof line - 64, &n, st->req.who.name);
        n += (size_t)snprintf(line + n, sizeof line - n, "\",\"req\":\"%s\"%s}", st->req.request_id,
                              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : ",\"aborted\":true");
        fx_log_line(line, n < sizeof line ? n : sizeof line - 1);
    }
    http_req_cleanup(&st->req);
    if (st->spool >= 0)
        close(st->spool);
    fx_str_free(&st->body);
    if (st->public_slot)
        app->public_inflight--;
    free(st);
    *con_cls = NULL;
    app->inflight--;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)conn;
    (void)socket_context;
    const struct listener *l = cls;
    _Atomic int *n = l->public_only ? &l->app->public_connections : &l->app->connections;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        (*n)++;
    else
        (*n)--;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    fx_log(FX_LOG_WARN, "http: %s", msg);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    fx_str s;
    fx_str_init(&s, 1 << 20);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fx_str_add(&s, buf, n);
    fclose(f);
    if (s.overflow || s.len == 0) {
        snprintf(err, errlen, "%s is empty or larger than 1 MiB", path);
        fx_str_free(&s);
        return NULL;
    }
    return fx_str_take(&s);
}

static int parse_listen(const char *spec, struct sockaddr_storage *ss, char *err, size_t errlen)
{
    char host[128];
    const char *colon = strrchr(spec, ':');
    long long port;
    if (!colon || (size_t)(colon - spec) >= sizeof host || !fx_parse_i64(colon + 1, &port) || port < 0 ||
        port > 65535) {
        snprintf(err, errlen, "--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080", spec);
        return -1;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons((uint16_t)port);
            return AF_INET6;
        }
    } else if (inet_pton(AF_INET, hl ? host : "0.0.0.0", &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return AF_INET;
    }
    snprintf(err, errlen, "--listen %s: '%s' is not an IP address", spec, host);
    return -1;
}

static void raise_fd_limit(int want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* One libmicrohttpd daemon on listen with threads threads (TLS when cert is given). NULL with err. */
static struct MHD_Daemon *start_daemon(struct listener *l, const char *listen, int threads, const char *cert,
                                       const char *key, char *err, size_t errlen)
{
    http_app *app = l->app;
    http_config *cfg = &app->cfg;
    struct sockaddr_storage ss;
    int family = parse_listen(listen, &ss, err, errlen);
    if (family < 0)
        return NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (family == AF_INET6 ? MHD_USE_IPv6 : 0) | (cert ? MHD_USE_TLS : 0);
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, l,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->conn_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, l,
        MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 2,
        MHD_OPTION_END);
    if (!d)
        snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this machine)", listen);
    return d;
}

static unsigned daemon_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

int http_serve(http_app *app, char *err, size_t errlen)
{
    http_config *cfg = &app->cfg;
    if (cfg->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->threads = n > 1 ? (int)n : 2;
    }
    raise_fd_limit(cfg->conn_limit * (cfg->public_listen ? 2 : 1) + 256);
    char *cert = NULL, *key = NULL;
    if (cfg->tls_cert || cfg->tls_key) {
        if (!cfg->tls_cert || !cfg->tls_key) {
            snprintf(err, errlen, "TLS needs both --tls-cert and --tls-key");
            return -1;
        }
        if (!(cert = read_file(cfg->tls_cert, err, errlen)) || !(key = read_file(cfg->tls_key, err, errlen))) {
            free(cert);
            return -1;
        }
    }
    struct listener staff = {app, false}, public = {app, true}; /* live until the daemons stop */
    struct MHD_Daemon *d = start_daemon(&staff, cfg->listen, cfg->threads, cert, key, err, errlen), *pd = NULL;
    if (d && cfg->public_listen) {
        pd = start_daemon(&public, cfg->public_listen, cfg->public_threads, cert, key, err, errlen);
        if (!pd) {
            MHD_stop_daemon(d);
            d = NULL;
        }
    }
    free(cert);
    free(key);
    if (!d)
        return -1;
    unsigned port = daemon_port(d);
    const char *scheme = cfg->tls_cert ? "https" : "http";
    fx_log(FX_LOG_INFO, "listening on %s://%.*s:%u with %d threads", scheme,
           (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen, port, cfg->threads);
    if (pd)
        fx_log(FX_LOG_INFO, "public pages and API on %s://%.*s:%u with %d threads at nice %d", scheme,
               (int)(strrchr(cfg->public_listen, ':') - cfg->public_listen), cfg->public_listen, daemon_port(pd),
               cfg->public_threads, cfg->public_nice);
    if (cfg->port_file) {
        FILE *f = fopen(cfg->port_file, "w");
        if (f) {
            fprintf(f, "%u\n", port);
            fclose(f);
        }
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    fx_log(FX_LOG_INFO, "signal %d: finishing requests in flight", sig);
    app->draining = true;
    MHD_quiesce_daemon(d);
    if (pd)
        MHD_quiesce_daemon(pd);
    for (int i = 0; i < DRAIN_WAIT_S * 100 && app->inflight > 0; i++)
        usleep(10000);
    if (app->inflight > 0)
        fx_log(FX_LOG_WARN, "%d requests still in flight after %d s; stopping anyway", (int)app->inflight,
               DRAIN_WAIT_S);
    MHD_stop_daemon(d);
    if (pd)
        MHD_stop_daemon(pd);
    /* Imports stop after their current batch (they watch draining). */
    for (int i = 0; i < DRAIN_WAIT_S * 100 && app->background > 0; i++)
        usleep(10000);
    while (app->background > 0) /* never free the store under a running import */
        usleep(10000);
    fx_log(FX_LOG_INFO, "stopped");
    return 0;
}
