#include "lib/receiver.h"

#include <gnutls/crypto.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void serve_one(rcv *r, int c)
{
    char buf[65536];
    size_t len = 0;
    char *end = NULL;
    long clen = 0;
    while (len < sizeof buf - 1) {
        struct pollfd p = {c, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0)
            break;
        ssize_t k = read(c, buf + len, sizeof buf - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            clen = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
        }
        if (end && len >= (size_t)(end - buf) + 4 + (size_t)clen)
            break;
    }
    if (!end)
        return;
    pthread_mutex_lock(&r->mu);
    char *sp0 = strchr(buf, ' ');
    bool match = sp0 && strncmp(sp0 + 1, r->fail_prefix, strlen(r->fail_prefix)) == 0;
    int status = match && r->fail != 0 ? 500 : 200;
    char *custom = NULL;
    if (status == 200 && r->reply && sp0 && strncmp(sp0 + 1, r->reply_prefix, strlen(r->reply_prefix)) == 0) {
        custom = strdup(r->reply);
        status = r->reply_status;
    }
    if (match && r->fail > 0)
        r->fail--;
    if (r->n < RCV_MAX) {
        rcv_req *q = &r->req[r->n++];
        char *sp = strchr(buf, ' '), *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        snprintf(q->target, sizeof q->target, "%.*s", sp && sp2 ? (int)(sp2 - sp - 1) : 0, sp ? sp + 1 : "");
        char *nl = strstr(buf, "\r\n");
        snprintf(q->head, sizeof q->head, "%.*s", nl ? (int)(end - nl) + 2 : 0, nl ? nl : "");
        q->body = strndup(end + 4, (size_t)clen);
        q->answered = status;
    }
    pthread_mutex_unlock(&r->mu);
    const char *ok = custom ? custom : status == 200 ? "{\"errcode\":0,\"errmsg\":\"ok\"}" : "{}";
    char out[256];
    int n = snprintf(out, sizeof out, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                                      "Connection: close\r\n\r\n", status, status == 200 ? "OK" : "Error", strlen(ok));
    if (write(c, out, (size_t)n) < 0 || write(c, ok, strlen(ok)) < 0)
        perror("receiver: write");
    free(custom);
}

static void *loop(void *arg)
{
    rcv *r = arg;
    while (!r->stop) {
        struct pollfd p = {r->fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            continue;
        serve_one(r, c);
        close(c);
    }
    return NULL;
}

int rcv_start(rcv *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&a, sizeof a) || listen(r->fd, 64) ||
        getsockname(r->fd, (struct sockaddr *)&a, &al))
        return -1;
    r->port = ntohs(a.sin_port);
    return pthread_create(&r->th, NULL, loop, r) ? -1 : 0;
}

void rcv_stop(rcv *r)
{
    r->stop = true;
    pthread_join(r->th, NULL);
    close(r->fd);
    for (int i = 0; i < r->n; i++)
        free(r->req[i].body);
    free(r->reply);
    pthread_mutex_destroy(&r->mu);
}

void rcv_fail(rcv *r, const char *prefix, int n)
{
    pthread_mutex_lock(&r->mu);
    r->fail = n;
    snprintf(r->fail_prefix, sizeof r->fail_prefix, "%s", prefix);
    pthread_mutex_unlock(&r->mu);
}

void rcv_reply(rcv *r, const char *prefix, int status, const char *body)
{
    pthread_mutex_lock(&r->mu);
    free(r->reply);
    r->reply = body ? strdup(body) : NULL;
    r->reply_status = status;
    snprintf(r->reply_prefix, sizeof r->reply_prefix, "%s", prefix);
    pthread_mutex_unlock(&r->mu);
}

int rcv_count(rcv *r)
{
    pthread_mutex_lock(&r->mu);
    int n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

bool rcv_wait(rcv *r, const char *prefix, int n, int timeout_ms)
{
    for (int waited = 0;; waited += 50) {
        int k = 0;
        pthread_mutex_lock(&r->mu);
        for (int i = 0; i < r->n; i++)
            k += !prefix || strncmp(r->req[i].target, prefix, strlen(prefix)) == 0;
        pthread_mutex_unlock(&r->mu);
        if (k >= n)
            return true;
        if (waited >= timeout_ms)
            return false;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

bool rcv_header(rcv *r, int i, const char *name, char *out, size_t n)
{
    const char *h = r->req[i].head;
    size_t nl = strlen(name);
    for (const char *p = h; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            snprintf(out, n, "%.*s", e ? (int)(e - v) : (int)strlen(v), v);
            return true;
        }
    }
    return false;
}

bool rcv_signed(rcv *r, int i, const char *secret)
{
    char ts[32], sig[100], hex[65];
    if (!rcv_header(r, i, "X-Fangxian-Timestamp", ts, sizeof ts) || !rcv_header(r, i, "X-Fangxian-Signature", sig, sizeof sig))
        return false;
    size_t n = strlen(ts) + 1 + strlen(r->req[i].body ? r->req[i].body : "");
    char *data = malloc(n + 1);
    unsigned char mac[32];
    if (!data)
        return false;
    snprintf(data, n + 1, "%s.%s", ts, r->req[i].body ? r->req[i].body : "");
    gnutls_hmac_fast(GNUTLS_MAC_SHA256, secret, strlen(secret), data, n, mac);
    free(data);
    for (int k = 0; k < 32; k++)
        snprintf(hex + 2 * k, 3, "%02x", mac[k]);
    return strncmp(sig, "sha256=", 7) == 0 && strcmp(sig + 7, hex) == 0;
}
