/* API tests: what the HTTP layer does with bad, hostile, slow and heavy traffic. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static fxt_server srv;
static char pw[32];
static char *admin;

static const char *msg_of(const fxt_resp *r)
{
    const char *m = json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
    return m ? m : "";
}

static void malformed_json_gets_envelope(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\": \"A1\", \"name\": ");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_json");
    CHECKF(strstr(msg_of(&r), "line 1") != NULL, "message: %s", msg_of(&r));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "[1,2,3]");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_json");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\":\"A\",\"code\":\"B\"}");
    CHECK_EQ_INT(r.status, 400); /* duplicate keys are ambiguous: refused */
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "");
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
}

static void wrong_types_name_the_field(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\":42,\"name\":\"x\",\"kind\":\"unit\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_field");
    CHECKF(strstr(msg_of(&r), "\"code\"") && strstr(msg_of(&r), "string"), "message: %s", msg_of(&r));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"name\":\"x\",\"kind\":\"unit\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "missing_field");
    CHECKF(strstr(msg_of(&r), "code") != NULL, "message: %s", msg_of(&r));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\":\"A2\",\"name\":\"x\",\"kind\":\"village\",\"parent\":\"HKG\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_kind");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\":\"A2\",\"name\":\"x\",\"kind\":\"district\",\"parent\":\"HKG-YH\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "kind_not_below_parent");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas?limit=abc", admin, NULL);
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_limit");
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/users/admin", admin, "{\"disabled\":\"yes\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(strstr(msg_of(&r), "true or false") != NULL, "message: %s", msg_of(&r));
    fxt_free(&r);
}

static void invalid_utf8_refused(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/areas", admin,
                         "{\"code\":\"A3\",\"name\":\"\xff\xfe bad\",\"kind\":\"compound\",\"parent\":\"HKG-BQ-ZQ\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_json");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin,
                "{\"code\":\"A3\",\"name\":\"nul\\u0000inside\",\"kind\":\"compound\",\"parent\":\"HKG-BQ-ZQ\"}");
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas/A3", admin, NULL); /* nothing was stored */
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
}

static void oversized_body_413(void)
{
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 64);
    memset(big, 'x', n + 64);
    memcpy(big, "{\"code\":\"", 9);
    memcpy(big + n - 2, "\"}", 3);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/areas", admin, big);
    CHECK_EQ_INT(r.status, 413);
    CHECK_STR(fxt_err(&r), "body_too_large");
    fxt_free(&r);
    /* the same without Content-Length, chunked: refused as well once it passes the limit */
    char head[300];
    int hl = snprintf(head, sizeof head,
                      "POST /api/v1/areas HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                      admin);
    size_t chunk = 64 * 1024, total = 0;
    char *req = malloc((size_t)hl + 40 * (chunk + 16) + 16);
    memcpy(req, head, (size_t)hl);
    size_t off = (size_t)hl;
    for (int i = 0; i < 40; i++) { /* 2.5 MiB in 64 KiB chunks */
        off += (size_t)sprintf(req + off, "%zx\r\n", chunk);
        memset(req + off, 'y', chunk);
        off += chunk;
        memcpy(req + off, "\r\n", 2);
        off += 2;
        total += chunk;
    }
    memcpy(req + off, "0\r\n\r\n", 5);
    off += 5;
    r = fxt_raw(&srv, req, off, 20000);
    CHECKF(r.status == 413, "chunked %zu bytes: status %d", total, r.status);
    fxt_free(&r);
    free(req);
    free(big);
}

static void smuggling_headers_refused(void)
{
    const char two_cl[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 2\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{}";
    fxt_resp r = fxt_raw(&srv, two_cl, sizeof two_cl - 1, 5000);
    CHECKF(r.status == 400, "two Content-Length: %d", r.status);
    fxt_free(&r);
    const char cl_te[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 7\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    r = fxt_raw(&srv, cl_te, sizeof cl_te - 1, 5000);
    CHECKF(r.status == 400, "Content-Length with Transfer-Encoding: %d", r.status);
    fxt_free(&r);
    const char nul[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Thing: a\0b\r\nConnection: close\r\n\r\n";
    r = fxt_raw(&srv, nul, sizeof nul - 1, 5000);
    CHECKF(r.status == 400, "NUL in a header: %d", r.status);
    fxt_free(&r);
    const char nul_last[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Last: a\0\0b\r\n\r\n";
    r = fxt_raw(&srv, nul_last, sizeof nul_last - 1, 5000);
    CHECKF(r.status == 400, "NUL in the last header: %d", r.status);
    fxt_free(&r);
    /* the server is still fine */
    r = fxt_req(&srv, "GET", "/healthz", NULL, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "status")), "ok");
    fxt_free(&r);
}

static void huge_headers_refused(void)
{
    size_t n = 100 * 1024;
    char *req = malloc(n + 200);
    int k = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + k, 'a', n);
    strcpy(req + k + n, "\r\nConnection: close\r\n\r\n");
    fxt_resp r = fxt_raw(&srv, req, strlen(req), 5000);
    CHECKF(r.status == 431 || r.status == 413 || r.status == 400 || r.status == 0, "100 KiB header: %d", r.status);
    CHECK(r.status != 200);
    fxt_free(&r);
    free(req);
}

static void connections_are_kept_alive(void)
{
    /* two requests on one connection, the second sent after the first answer */
    int fd = fxt_connect(&srv);
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    char buf[4096];
    int answers = 0;
    for (int i = 0; i < 2 && fd >= 0; i++) {
        if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) < 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t k = poll(&p, 1, 3000) > 0 ? recv(fd, buf, sizeof buf - 1, 0) : -1;
        if (k <= 0)
            break;
        buf[k] = '\0';
        answers += strstr(buf, "200 OK") != NULL;
        CHECKF(!strstr(buf, "Connection: close"), "answer %d closes the connection", i + 1);
    }
    if (fd >= 0)
        close(fd);
    CHECK_EQ_INT(answers, 2);
}

static void unknown_paths_and_methods(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/nothing-here", admin, NULL);
    CHECK_EQ_INT(r.status, 404);
    CHECK_STR(fxt_err(&r), "not_found");
    fxt_free(&r);
    r = fxt_req(&srv, "PUT", "/api/v1/areas", admin, "{}");
    CHECK_EQ_INT(r.status, 405);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/nothing", admin, "{}");
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas/%FF%FE", admin, NULL); /* not UTF-8: still a proper envelope */
    CHECK_EQ_INT(r.status, 404);
    CHECK_STR(fxt_err(&r), "area_not_found");
    fxt_free(&r);
    r = fxt_req(&srv, "BREW", "/", NULL, NULL);
    CHECK(r.status == 405 || r.status == 400 || r.status == 501);
    fxt_free(&r);
}

static void static_files(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/", NULL, NULL);
    CHECK_EQ_INT(r.status, 200);
    const char *ct = fxt_header(&r, "Content-Type");
    CHECK(ct && strstr(ct, "text/html"));
    CHECK(r.body && strstr(r.body, "<html"));
    char etag[80] = "";
    const char *e = fxt_header(&r, "ETag");
    if (e)
        snprintf(etag, sizeof etag, "%s", e);
    fxt_free(&r);
    char h[200];
    snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
    r = fxt_req_h(&srv, "GET", "/", h, NULL);
    CHECK_EQ_INT(r.status, 304);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/../Makefile", NULL, NULL);
    CHECK(r.status == 404 || r.status == 400);
    CHECK(!r.body || !strstr(r.body, "pkg-config"));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/%2e%2e/Makefile", NULL, NULL);
    CHECK(r.status == 404 || r.status == 400);
    CHECK(!r.body || !strstr(r.body, "pkg-config"));
    fxt_free(&r);
}

static void metrics_and_request_log(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/metrics", NULL, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(r.body && strstr(r.body, "fangxian_http_requests_total{code=\"2xx\"}"));
    CHECK(r.body && strstr(r.body, "fangxian_db_commits_total"));
    fxt_free(&r);
    /* one structured line per request, with no query string (it may hold ID numbers) */
    r = fxt_req(&srv, "GET", "/api/v1/areas?parent=HKG&secret=410101199001011234", admin, NULL);
    fxt_free(&r);
    FILE *f = fopen(srv.log, "r");
    char line[2048];
    int found = 0, leaked = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strstr(line, "\"msg\":\"request\"") && strstr(line, "\"path\":\"/api/v1/areas\"") &&
            strstr(line, "\"user\":\"admin\"") && strstr(line, "\"status\":200"))
            found++;
        leaked += strstr(line, "410101199001011234") != NULL;
    }
    if (f)
        fclose(f);
    CHECK(found >= 1);
    CHECK_EQ_INT(leaked, 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void slow_client_dropped_on_time(void)
{
    /* a restarted server with a 2 s timeout, so the test is quick */
    fxt_stop(&srv);
    srv.extra[0] = "--conn-timeout";
    srv.extra[1] = "2";
    srv.extra[2] = NULL;
    CHECK(fxt_start(&srv) == 0);
    int slow[20];
    for (int i = 0; i < 20; i++) { /* headers that never end */
        slow[i] = fxt_connect(&srv);
        const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        if (slow[i] >= 0 && send(slow[i], part, sizeof part - 1, MSG_NOSIGNAL) < 0)
            fprintf(stderr, "    send failed\n");
    }
    double t0 = now_s();
    fxt_resp r = fxt_req(&srv, "GET", "/healthz", NULL, NULL);
    CHECKF(r.status == 200 && now_s() - t0 < 1.0, "others are served meanwhile (status %d, %.2f s)", r.status,
           now_s() - t0);
    fxt_free(&r);
    int closed = 0;
    for (int i = 0; i < 20; i++) {
        struct pollfd p = {.fd = slow[i], .events = POLLIN};
        char c;
        if (slow[i] >= 0 && poll(&p, 1, 6000) > 0 && recv(slow[i], &c, 1, 0) <= 0)
            closed++;
        if (slow[i] >= 0)
            close(slow[i]);
    }
    double waited = now_s() - t0;
    CHECKF(closed == 20, "%d of 20 slow connections were dropped", closed);
    CHECKF(waited >= 1.5 && waited < 8.0, "dropped after %.1f s (timeout 2 s)", waited);
    fxt_stop(&srv);
    srv.extra[0] = NULL;
    CHECK(fxt_start(&srv) == 0);
}

static void overload_gets_503(void)
{
    /* With a connection limit of 32 the server answers 503 above 30 open connections. */
    fxt_stop(&srv);
    srv.extra[0] = "--conn-limit";
    srv.extra[1] = "32";
    srv.extra[2] = NULL;
    CHECK(fxt_start(&srv) == 0);
    int idle[31];
    for (int i = 0; i < 31; i++)
        idle[i] = fxt_connect(&srv);
    usleep(200000);
    fxt_resp r = fxt_req(&srv, "GET", "/healthz", NULL, NULL);
    CHECKF(r.status == 503, "status %d with 32 connections open", r.status);
    const char *ra = fxt_header(&r, "Retry-After");
    CHECK(ra && atoi(ra) > 0);
    CHECK_STR(fxt_err(&r), "overloaded");
    fxt_free(&r);
    for (int i = 0; i < 31; i++)
        if (idle[i] >= 0)
            close(idle[i]);
    usleep(300000);
    r = fxt_req(&srv, "GET", "/healthz", NULL, NULL);
    CHECK_EQ_INT(r.status, 200); /* and recovers when the load goes */
    fxt_free(&r);
    fxt_stop(&srv);
    srv.extra[0] = NULL;
    CHECK(fxt_start(&srv) == 0);
}

static void upload_over_limit_refused_up_front(void)
{
    fxt_stop(&srv);
    srv.extra[0] = "--max-upload-mb";
    srv.extra[1] = "1";
    srv.extra[2] = NULL;
    CHECK(fxt_start(&srv) == 0);
    char *tok = fxt_login(&srv, "admin", pw);
    char head[400];
    snprintf(head, sizeof head,
             "POST /api/v1/imports/persons?area=HKG HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: text/csv\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
             tok ? tok : "", 3 << 20);
    fxt_resp r = fxt_raw(&srv, head, strlen(head), 5000); /* only the head: refused before any body */
    CHECK_EQ_INT(r.status, 413);
    fxt_free(&r);
    free(tok);
    fxt_stop(&srv);
    srv.extra[0] = NULL;
    CHECK(fxt_start(&srv) == 0);
}

static void tls_serves_https(void)
{
    char cmd[1200], cert[320], key[320];
    snprintf(cert, sizeof cert, "%s/cert.pem", srv.dir);
    snprintf(key, sizeof key, "%s/key.pem", srv.dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 2 -subj /CN=127.0.0.1 "
             ">/dev/null 2>&1",
             key, cert);
    CHECK(system(cmd) == 0);
    fxt_server t;
    CHECK(fxt_setup(&t) == 0);
    t.extra[0] = "--tls-cert";
    t.extra[1] = cert;
    t.extra[2] = "--tls-key";
    t.extra[3] = key;
    t.extra[4] = NULL;
    CHECK(fxt_start(&t) == 0);
    snprintf(cmd, sizeof cmd, "curl -sk --max-time 10 https://127.0.0.1:%d/healthz", t.port);
    FILE *p = popen(cmd, "r");
    char out[200] = "";
    if (p) {
        if (!fgets(out, sizeof out, p))
            out[0] = '\0';
        pclose(p);
    }
    CHECKF(strstr(out, "\"ok\"") != NULL, "https answer: %s", out);
    fxt_resp r = fxt_req(&t, "GET", "/healthz", NULL, NULL); /* plain HTTP on a TLS port: no answer */
    CHECK(r.status != 200);
    fxt_free(&r);
    CHECK_EQ_INT(fxt_stop(&t), 0);
    fxt_teardown(&t);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0 || fxt_start(&srv) != 0 ||
        !(admin = fxt_login(&srv, "admin", pw))) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    RUN(malformed_json_gets_envelope);
    RUN(wrong_types_name_the_field);
    RUN(invalid_utf8_refused);
    RUN(oversized_body_413);
    RUN(smuggling_headers_refused);
    RUN(huge_headers_refused);
    RUN(connections_are_kept_alive);
    RUN(unknown_paths_and_methods);
    RUN(static_files);
    RUN(metrics_and_request_log);
    RUN(slow_client_dropped_on_time);
    RUN(overload_gets_503);
    RUN(upload_over_limit_refused_up_front);
    RUN(tls_serves_https);
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    fxt_teardown(&srv);
    free(admin);
    return th_done("api_http");
}
