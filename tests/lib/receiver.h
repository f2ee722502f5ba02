/* receiver.h — a tiny HTTP receiver on a loopback port for tests of outgoing
 * webhooks: it records every request and answers 200 {"errcode":0,"errmsg":"ok"},
 * or 500 while told to fail, or a set answer (rcv_reply: a fake OSRM /table). */
#ifndef RECEIVER_H
#define RECEIVER_H
#include <pthread.h>
#include <stdbool.h>

#define RCV_MAX 256

typedef struct rcv_req {
    char target[2048];  /* path and query */
    char head[8192];    /* header lines */
    char *body;         /* owned */
    int answered;       /* status sent back */
} rcv_req;

typedef struct rcv {
    int fd, port;
    pthread_t th;
    pthread_mutex_t mu;
    volatile bool stop;
    int fail;           /* answer 500 to this many more requests to fail_prefix; < 0: to all */
    char fail_prefix[64];
    char reply_prefix[64]; /* requests to it get reply_status and reply (owned), e.g. a fake OSRM */
    int reply_status;
    char *reply;
    int n;
    rcv_req req[RCV_MAX];
} rcv;

int rcv_start(rcv *r);   /* 0 or -1 */
void rcv_stop(rcv *r);
/* Requests whose target starts with prefix get 500, n more times (< 0: until told otherwise). */
void rcv_fail(rcv *r, const char *prefix, int n);
/* Requests whose target starts with prefix get status and body (copied) instead. */
void rcv_reply(rcv *r, const char *prefix, int status, const char *body);
int rcv_count(rcv *r);
/* Waits until at least n requests whose target starts with prefix (NULL: any) came in. */
bool rcv_wait(rcv *r, const char *prefix, int n, int timeout_ms);
/* The value of header name of request i, copied into out (case-insensitive name). */
bool rcv_header(rcv *r, int i, const char *name, char *out, size_t n);
/* Request i carries X-Fangxian-Timestamp and X-Fangxian-Signature: sha256=HEX, HEX being
 * HMAC-SHA256 (key secret) of timestamp + "." + body (the generic webhook's signing). */
bool rcv_signed(rcv *r, int i, const char *secret);

#endif
