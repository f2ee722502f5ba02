#include "lib/fxt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *fxt_bin(void)
{
    const char *b = getenv("FXT_BIN");
    return b && *b ? b : "build/test/fangxian";
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int fxt_setup(fxt_server *s)
{
    memset(s, 0, sizeof *s);
    s->pid = -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/fxt-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->db, sizeof s->db, "%s/fx.db", s->dir);
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    const char *args[] = {"init", NULL};
    return fxt_cli(s, NULL, NULL, args) == 0 ? 0 : -1;
}

int fxt_start(fxt_server *s)
{
    char portfile[320];
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    unlink(portfile);
    const char *argv[64];
    int n = 0;
    argv[n++] = fxt_bin();
    argv[n++] = "serve";
    argv[n++] = "--db";
    argv[n++] = s->db;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--port-file";
    argv[n++] = portfile;
    argv[n++] = "--log";
    argv[n++] = s->log;
    argv[n++] = "--web";
    argv[n++] = "web";
    for (int i = 0; s->extra[i] && n < 62; i++)
        argv[n++] = s->extra[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (s->now[0])
            setenv("FANGXIAN_NOW", s->now, 1);
        else
            unsetenv("FANGXIAN_NOW");
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 3000; i++) { /* up to 30 s: sanitizer builds start slowly */
        FILE *f = fopen(portfile, "r");
        if (f) {
            int port = 0;
            if (fscanf(f, "%d", &port) == 1 && port > 0) {
                fclose(f);
                s->port = port;
                return 0;
            }
            fclose(f);
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = -1;
            fprintf(stderr, "    server exited during start; log %s\n", s->log);
            return -1;
        }
        sleep_ms(10);
    }
    return -1;
}

static int wait_exit(fxt_server *s, int timeout_ms)
{
    for (int i = 0; i < timeout_ms / 10; i++) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = -1;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        sleep_ms(10);
    }
    return -1;
}

int fxt_stop(fxt_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int rc = wait_exit(s, 40000);
    if (rc < 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = -1;
    }
    return rc;
}

void fxt_kill9(fxt_server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = -1;
}

void fxt_teardown(fxt_server *s)
{
    if (s->pid > 0)
        fxt_stop(s);
    if (s->dir[0] && !getenv("FXT_KEEP")) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "    could not remove %s\n", s->dir);
    }
}

int fxt_cli(fxt_server *s, const char *stdin_text, char **out, const char *const *args)
{
    int in[2], outp[2];
    if (pipe(in) || pipe(outp))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        const char *argv[40];
        int n = 0;
        argv[n++] = fxt_bin();
        for (int i = 0; args[i] && n < 36; i++)
            argv[n++] = args[i];
        argv[n++] = "--db";
        argv[n++] = s->db;
        argv[n] = NULL;
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[1]);
        close(outp[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0)
        fprintf(stderr, "    could not write to the CLI\n");
    close(in[1]);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while (buf && (k = read(outp[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    close(outp[0]);
    if (buf)
        buf[len] = '\0';
    int st = 0;
    waitpid(pid, &st, 0);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int fxt_connect(fxt_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void parse_resp(fxt_resp *r, char *buf, size_t len)
{
    char *sep = NULL;
    for (size_t i = 0; i + 3 < len; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            sep = buf + i;
            break;
        }
    if (!sep || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
        r->status = 0;
        free(buf);
        return;
    }
    size_t hl = (size_t)(sep - buf);
    r->head = malloc(hl + 1);
    memcpy(r->head, buf, hl);
    r->head[hl] = '\0';
    r->body_len = len - hl - 4;
    r->body = malloc(r->body_len + 1);
    memcpy(r->body, sep + 4, r->body_len);
    r->body[r->body_len] = '\0';
    free(buf);
    const char *ct = fxt_header(r, "Content-Type");
    if (ct && strstr(ct, "json"))
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
}

fxt_resp fxt_raw(fxt_server *s, const char *data, size_t len, int timeout_ms)
{
    fxt_resp r = {0};
    int fd = fxt_connect(s);
    if (fd < 0)
        return r;
    size_t off = 0;
    while (off < len) {
        ssize_t k = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (k <= 0)
            break; /* the server may answer and close before reading everything */
        off += (size_t)k;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, timeout_ms) > 0) {
        if (n + 4096 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t k = recv(fd, buf + n, cap - n - 1, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = '\0';
    parse_resp(&r, buf, n);
    return r;
}

fxt_resp fxt_req_h(fxt_server *s, const char *method, const char *path, const char *headers, const char *body)
{
    size_t blen = body ? strlen(body) : 0;
    size_t cap = 1024 + strlen(path) + (headers ? strlen(headers) : 0) + blen;
    char *req = malloc(cap);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s", method, path,
                     headers ? headers : "");
    if (body)
        n += snprintf(req + n, cap - (size_t)n, "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
    n += snprintf(req + n, cap - (size_t)n, "\r\n");
    if (body) {
        memcpy(req + n, body, blen);
        n += (int)blen;
    }
    fxt_resp r = fxt_raw(s, req, (size_t)n, 30000);
    free(req);
    return r;
}

fxt_resp fxt_req(fxt_server *s, const char *method, const char *path, const char *token, const char *body)
{
    char h[256] = "";
    if (token)
        snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", token);
    return fxt_req_h(s, method, path, h, body);
}

void fxt_free(fxt_resp *r)
{
    free(r->head);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *fxt_header(const fxt_resp *r, const char *name)
{
    static char val[1024];
    size_t nl = strlen(name);
    for (const char *p = r->head; p && (p = strstr(p, "\r\n")); ) {
        p += 2;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t vl = e ? (size_t)(e - v) : strlen(v);
            if (vl >= sizeof val)
                vl = sizeof val - 1;
            memcpy(val, v, vl);
            val[vl] = '\0';
            return val;
        }
    }
    return NULL;
}

const char *fxt_err(const fxt_resp *r)
{
    const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return c ? c : "";
}

int fxt_user(fxt_server *s, const char *name, const char *role, const char *area, const char *password)
{
    char pw[200];
    snprintf(pw, sizeof pw, "%s\n", password);
    const char *args[] = {"user", "add", name, "--role", role, "--password-stdin", area ? "--area" : NULL, area,
                          NULL};
    return fxt_cli(s, pw, NULL, args);
}

char *fxt_login(fxt_server *s, const char *name, const char *password)
{
    json_t *b = json_pack("{s:s, s:s}", "username", name, "password", password);
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    fxt_resp r = fxt_req(s, "POST", "/api/v1/session", NULL, body);
    free(body);
    const char *t = r.status == 200 ? json_string_value(json_object_get(r.json, "token")) : NULL;
    char *tok = t ? strdup(t) : NULL;
    fxt_free(&r);
    return tok;
}

int fxt_demo(fxt_server *s, char pw[32])
{
    const char *args[] = {"demo", NULL};
    char *out = NULL;
    int rc = fxt_cli(s, NULL, &out, args);
    const char *p = out ? strstr(out, "password ") : NULL;
    if (rc != 0 || !p || sscanf(p, "password %31s", pw) != 1) {
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

void fxt_id_number(char out[19], const char *born, unsigned seq)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "%.14s%03u", born, seq % 1000);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

int fxt_status(fxt_server *s, const char *method, const char *path, const char *token, const char *body, char code[48])
{
    fxt_resp r = fxt_req(s, method, path, token, body);
    if (code)
        snprintf(code, 48, "%s", fxt_err(&r));
    int st = r.status;
    fxt_free(&r);
    return st;
}

int fxt_demo_start(fxt_server *s, long long now, const char *const *extra, char pw[32])
{
    int rc = fxt_setup(s);
    snprintf(s->now, sizeof s->now, "%lld", now);
    for (int i = 0; extra && extra[i] && i < (int)(sizeof s->extra / sizeof *s->extra) - 1; i++)
        s->extra[i] = extra[i];
    if (rc != 0 || fxt_demo(s, pw) != 0 || fxt_start(s) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return -1;
    }
    return 0;
}
