/* notify.c — the sender thread. Every interval it
 *   1. re-plans rounds whose new box seals deviate from their plan (computed here,
 *      stored through the writer: the sampling batch only stored its boxes);
 *   2. queues the reminders and alarms now due (outbox.c), and work orders' feedback
 *      and overdue alarms (workorder_out.c);
 *   3. posts the outbox's due messages with libcurl and records each outcome:
 *      sent, or retried after retry_s × 2^(attempts-1) (at most an hour) until
 *      max_attempts, then failed;
 *   4. keeps each channel's health: failing_since and last_error from the outcomes,
 *      and one outbox_failed alert to the round's area when a message to a failing
 *      channel is given up (again only after a delivery ends the stretch);
 *   5. prunes sent and failed messages older than keep_days, in batches (their
 *      keys go too: by then no reminder or alarm is due again for what they named).
 * The outbox is the only state: a restart picks up whatever is still pending, and
 * a message whose send was cut off by a crash is sent again with the same
 * idempotency key (at least once). Never on the writer thread or a request thread.
 *
 * Formats: WeCom and DingTalk group robots take {"msgtype":"text","text":{"content"}}
 * and answer {"errcode":0,…}; DingTalk's signed robots take timestamp (ms) and
 * sign = urlencode(base64(HMAC-SHA256(key secret, "timestamp\nsecret"))) in the
 * query. A generic webhook gets {"id","kind","round","text","at"} (round null when the
 * message is not about one) and the city platform's webhook the contract's feedback
 * body itself, {"external_id","status","feedback","handled_by","at"}; both are signed
 * with X-Fangxian-Timestamp (seconds) and X-Fangxian-Signature: sha256=hex(HMAC-SHA256(
 * secret, timestamp + "." + body)). Every request carries Idempotency-Key. */
#include "dispatch/dispatch_internal.h"

#include "core/alert.h"
#include "core/audit.h"
#include "util/fx_clock.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <curl/curl.h>
#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 20
#define PRUNE_BATCH 500  /* rows per writer job */
#define PRUNE_JOBS 20    /* jobs per look: a long backlog does not hold up sending */
#define REPLAN_ITERATIONS 3000

static struct {
    db *d;
    dsp_notify_opt o;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    _Atomic bool stop;
    bool running;
} N = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

typedef struct out_msg {
    int64_t id, round_id, shift_id, channel_id, area_id; /* round_id 0: not about a round (a shift reminder, a work order) */
    int attempts;
    char key[200], kind[16], ckind[12], url[1001], secret[201], cname[101];
    char *text;
    /* outcome */
    bool sent;
    char error[200];
} out_msg;

static void b64(const unsigned char *in, size_t n, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = '\0';
}

static int hmac256(const char *key, const char *data, size_t n, unsigned char out[32])
{
    return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, strlen(key), data, n, out);
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
    fx_str *s = arg;
    fx_str_add(s, p, sz * n); /* a long answer is cut at the max: only errcode matters */
    return sz * n;
}

static void send_one(CURL *cu, out_msg *m)
{
    bool feedback = strcmp(m->kind, "wo_feedback") == 0; /* its text is the platform's body */
    json_t *body = feedback ? NULL
                   : strcmp(m->ckind, "webhook") == 0
                       ? json_pack("{s:s, s:s, s:o, s:s, s:I}", "id", m->key, "kind", m->kind, "round",
                                   m->round_id ? json_integer(m->round_id) : json_null(), "text", m->text, "at",
                                   (json_int_t)fx_now())
                       : json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content", m->text);
    if (body && m->shift_id)
        json_object_set_new(body, "shift", json_integer(m->shift_id));
    char *data = feedback ? strdup(m->text) : body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    char url[1400], hdr[300];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", m->key);
    h = curl_slist_append(h, hdr);
    fx_copy(url, sizeof url, m->url);
    unsigned char mac[32];
    if (data && strcmp(m->ckind, "dingtalk") == 0 && m->secret[0]) {
        char ts[24], sign_in[260], b[48];
        snprintf(ts, sizeof ts, "%lld", (long long)fx_now_ms());
        int len = snprintf(sign_in, sizeof sign_in, "%s\n%s", ts, m->secret);
        hmac256(m->secret, sign_in, (size_t)len, mac);
        b64(mac, sizeof mac, b);
        char *enc = curl_easy_escape(cu, b, 0);
        snprintf(url, sizeof url, "%s%ctimestamp=%s&sign=%s", m->url, strchr(m->url, '?') ? '&' : '?', ts,
                 enc ? enc : "");
        curl_free(enc);
    } else if (data && strcmp(m->ckind, "webhook") == 0) {
        char ts[24], hex[65];
        snprintf(ts, sizeof ts, "%lld", (long long)fx_now());
        fx_str in;
        fx_str_init(&in, 1 << 20);
        fx_str_addf(&in, "%s.%s", ts, data);
        hmac256(m->secret, in.p, in.len, mac);
        fx_str_free(&in);
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", mac[i]);
        snprintf(hdr, sizeof hdr, "X-Fangxian-Timestamp: %s", ts);
        h = curl_slist_append(h, hdr);
        snprintf(hdr, sizeof hdr, "X-Fangxian-Signature: sha256=%s", hex);
        h = curl_slist_append(h, hdr);
    }
    fx_str resp;
    fx_str_init(&resp, 4096);
    curl_easy_reset(cu);
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(cu, CURLOPT_POSTFIELDS, data ? data : "{}");
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, &resp);
    CURLcode rc = data ? curl_easy_perform(cu) : CURLE_OUT_OF_MEMORY;
    long status = 0;
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK)
        snprintf(m->error, sizeof m->error, "%s", curl_easy_strerror(rc));
    else if (status < 200 || status > 299)
        snprintf(m->error, sizeof m->error, "HTTP %ld", status);
    else if (strcmp(m->ckind, "webhook") != 0) { /* the robots answer 200 with an errcode */
        json_t *j = resp.p ? json_loadb(resp.p, resp.len, 0, NULL) : NULL;
        const json_t *ec = json_object_get(j, "errcode");
        if (ec && json_integer_value(ec) != 0)
            snprintf(m->error, sizeof m->error, "errcode %lld: %.120s", (long long)json_integer_value(ec),
                     json_string_value(json_object_get(j, "errmsg")) ? json_string_value(json_object_get(j, "errmsg")) : "");
        else
            m->sent = true;
        json_decref(j);
    } else
        m->sent = true;
    fx_str_free(&resp);
    curl_slist_free_all(h);
    free(data);
}

typedef struct mark_op {
    out_msg *m;
    int n;
    int64_t now;
} mark_op;

/* The channel's health after one outcome of m (which gave m up when failed). */
static int channel_outcome(db_conn *c, const out_msg *m, bool failed, int64_t now)
{
    db_stmt *s = db_prepare(c, m->sent ? "UPDATE channels SET failing_since = NULL, alerted_at = NULL WHERE id = $1"
                                       : "UPDATE channels SET failing_since = COALESCE(failing_since, $2),"
                                         " last_error = $3 WHERE id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, m->channel_id);
    if (!m->sent)
        db_bind_i64(s, 2, now), db_bind_text(s, 3, m->error);
    int rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
    db_done(s);
    if (rc || !failed)
        return rc;
    /* once per failing stretch, also across restarts: the mark is in this transaction */
    if (!(s = db_prepare(c, "UPDATE channels SET alerted_at = $2 WHERE id = $1 AND alerted_at IS NULL")))
        return DB_ERR;
    db_bind_i64(s, 1, m->channel_id);
    db_bind_i64(s, 2, now);
    rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
    db_done(s);
    if (rc || db_changes(c) == 0)
        return rc;
    char msgtext[600], eid[24], of_round[40] = "";
    if (m->round_id)
        snprintf(of_round, sizeof of_round, "轮次 %lld 的", (long long)m->round_id);
    snprintf(msgtext, sizeof msgtext, "消息渠道「%.100s」（%s）发送失败，%s %s 消息 %d 次未送达 / channel failing: "
                                      "a %s message given up after %d attempts. 最后错误 last error: %.150s",
             m->cname, m->ckind, of_round, m->kind, m->attempts + 1, m->kind, m->attempts + 1, m->error);
    snprintf(eid, sizeof eid, "%lld", (long long)m->channel_id);
    return alert_raise(c, m->area_id, "outbox_failed", "channel", eid, msgtext) == 0 ? 0 : DB_ERR;
}

static int mark_job(db_conn *c, void *arg)
{
    mark_op *op = arg;
    db_stmt *s = db_prepare(c, "UPDATE outbox SET status = $2, attempts = $3, next_at = $4, last_error = $5,"
                               " sent_at = $6 WHERE id = $1 AND status = 'pending'");
    db_stmt *fb = db_prepare(c, "UPDATE work_order_feedback SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL");
    if (!s || !fb) {
        db_done(s), db_done(fb);
        return DB_ERR;
    }
    int rc = 0;
    for (int i = 0; i < op->n && !rc; i++) {
        out_msg *m = &op->m[i];
        int attempts = m->attempts + 1;
        bool failed = !m->sent && attempts >= N.o.max_attempts;
        int64_t wait = (int64_t)N.o.retry_s << (attempts - 1 < 20 ? attempts - 1 : 20);
        wait = wait > 3600 ? 3600 : wait;
        db_reset(s);
        db_bind_i64(s, 1, m->id);
        db_bind_text(s, 2, m->sent ? "sent" : failed ? "failed" : "pending");
        db_bind_i64(s, 3, attempts);
        db_bind_i64(s, 4, m->sent || failed ? op->now : op->now + wait); /* the age pruning counts from */
        db_bind_text(s, 5, m->sent ? "" : m->error);
        m->sent ? db_bind_i64(s, 6, op->now) : db_bind_null(s, 6);
        if (db_step(s) != DB_DONE)
            rc = DB_ERR;
        else if (db_changes(c) == 1)
            rc = channel_outcome(c, m, failed, op->now);
        if (!rc && m->sent && strcmp(m->kind, "wo_feedback") == 0) { /* key wofb:FEEDBACK-ID#cCHANNEL */
            db_reset(fb);
            db_bind_i64(fb, 1, strtoll(m->key + 5, NULL, 10));
            db_bind_i64(fb, 2, op->now);
            if (db_step(fb) != DB_DONE)
                rc = DB_ERR;
        }
    }
    db_done(s), db_done(fb);
    return rc;
}

typedef struct prune_op {
    int64_t before;
    int deleted;
} prune_op;

static int prune_job(db_conn *c, void *arg)
{
    prune_op *op = arg;
    db_stmt *s = db_prepare(c, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE (status = 'sent' OR"
                               " status = 'failed') AND next_at < $1 LIMIT $2)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, op->before);
    db_bind_i64(s, 2, PRUNE_BATCH);
    int rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
    db_done(s);
    op->deleted = rc ? 0 : (int)db_changes(c);
    if (rc || !op->deleted)
        return rc;
    static const audit_actor sys = {.kind = "system", .name = "outbox", .ip = "", .request_id = ""};
    char changes[80];
    snprintf(changes, sizeof changes, "{\"deleted\":%d,\"keep_days\":%d}", op->deleted, N.o.keep_days);
    return audit_record(c, &sys, "prune", "outbox", "sent_failed", changes) == 0 ? 0 : DB_ERR;
}

/* Sent and failed messages older than keep_days go, PRUNE_BATCH per writer job. */
static void prune(int64_t now)
{
    prune_op op = {.before = now - (int64_t)N.o.keep_days * 86400};
    int total = 0;
    for (int j = 0; j < PRUNE_JOBS && !N.stop; j++) {
        if (db_write(N.d, prune_job, &op) != 0) {
            fx_log(FX_LOG_WARN, "outbox: pruning failed; trying again at the next look");
            break;
        }
        total += op.deleted;
        if (op.deleted < PRUNE_BATCH)
            break;
    }
    if (total)
        fx_log(FX_LOG_INFO, "outbox: pruned %d sent or failed message(s) older than %d days", total, N.o.keep_days);
}

static void send_due(db_conn *c, CURL *cu, int64_t now)
{
    /* a failing channel alerts the officers of the message's round, else of the channel's own area */
    db_stmt *s = db_prepare(c, "SELECT o.id, COALESCE(o.round_id, 0), o.attempts, o.idem_key, o.kind, o.text, ch.kind,"
                               " ch.url, ch.secret, COALESCE(o.shift_id, 0), ch.id, ch.name, COALESCE(r.area_id, ch.area_id)"
                               " FROM outbox o JOIN channels ch ON ch.id = o.channel_id LEFT JOIN rounds r ON r.id = o.round_id"
                               " WHERE o.status = 'pending' AND o.next_at <= $1 ORDER BY o.next_at, o.id LIMIT $2");
    if (!s)
        return;
    out_msg m[BATCH];
    int n = 0;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, BATCH);
    while (n < BATCH && db_step(s) == DB_ROW) {
        out_msg *x = &m[n];
        memset(x, 0, sizeof *x);
        x->id = db_col_i64(s, 0);
        x->round_id = db_col_i64(s, 1);
        x->attempts = (int)db_col_i64(s, 2);
        fx_copy(x->key, sizeof x->key, db_col_text(s, 3));
        fx_copy(x->kind, sizeof x->kind, db_col_text(s, 4));
        x->text = strdup(db_col_text(s, 5));
        fx_copy(x->ckind, sizeof x->ckind, db_col_text(s, 6));
        fx_copy(x->url, sizeof x->url, db_col_text(s, 7));
        fx_copy(x->secret, sizeof x->secret, db_col_text(s, 8));
        x->shift_id = db_col_i64(s, 9);
        x->channel_id = db_col_i64(s, 10);
        fx_copy(x->cname, sizeof x->cname, db_col_text(s, 11));
        x->area_id = db_col_i64(s, 12);
        n += x->text != NULL;
    }
    db_done(s); /* no statement is held while the network is slow */
    int tried = 0; /* a stopping server does not wait for slow receivers: the rest stay pending */
    for (; tried < n && !N.stop; tried++) {
        send_one(cu, &m[tried]);
        if (!m[tried].sent)
            fx_log(FX_LOG_WARN, "outbox %lld to a %s channel: %s (attempt %d)", (long long)m[tried].id,
                   m[tried].ckind, m[tried].error, m[tried].attempts + 1);
    }
    if (tried) {
        mark_op op = {m, tried, fx_now()};
        if (db_write(N.d, mark_job, &op) != 0)
            fx_log(FX_LOG_ERROR, "outbox: could not record %d outcomes; they will be sent again", tried);
    }
    for (int i = 0; i < n; i++)
        free(m[i].text);
}

struct store_op {
    dsp_made *m;
    fx_err err;
};

static int store_job(db_conn *c, void *arg)
{
    struct store_op *op = arg;
    static const actor sys = {.p = NULL, .log = {.kind = "system", .name = "replan", .ip = "", .request_id = ""}};
    int version;
    return dsp_store(c, &sys, op->m, &version, &op->err) ? -1 : 0;
}

/* Rounds with a plan whose new seals deviate from it are re-planned. */
static void replan_deviations(db_conn *c, int64_t now)
{
    db_stmt *s = db_prepare(c, "SELECT t.round_id FROM transport_setups t JOIN rounds r ON r.id = t.round_id"
                               " WHERE r.status = 'open' AND EXISTS (SELECT 1 FROM transport_plans p"
                               " WHERE p.round_id = t.round_id AND p.current = 1) ORDER BY t.round_id");
    int64_t ids[256];
    int n = 0;
    if (!s)
        return;
    while (n < 256 && db_step(s) == DB_ROW)
        ids[n++] = db_col_i64(s, 0);
    db_done(s);
    for (int i = 0; i < n; i++) {
        if (!dsp_deviates(N.d, c, ids[i]))
            continue;
        dsp_made m;
        struct store_op op = {.m = &m};
        if (dsp_make(c, ids[i], true, now, REPLAN_ITERATIONS, &m, &op.err) == 0) {
            m.reason = "deviation";
            if (db_write(N.d, store_job, &op) != 0)
                fx_log(FX_LOG_WARN, "round %lld: re-plan not stored: %s", (long long)ids[i], op.err.msg);
            else
                fx_log(FX_LOG_INFO, "round %lld re-planned after a seal off the plan (%d late)", (long long)ids[i], m.late);
        } else
            fx_log(FX_LOG_WARN, "round %lld: re-plan failed: %s", (long long)ids[i], op.err.msg);
        dsp_made_free(&m);
    }
}

static void *loop(void *arg)
{
    (void)arg;
    CURL *cu = curl_easy_init();
    pthread_mutex_lock(&N.mu);
    while (!N.stop) {
        pthread_mutex_unlock(&N.mu);
        db_conn *c = db_reader(N.d);
        if (c && cu) {
            int64_t now = fx_now();
            replan_deviations(c, now);
            dsp_queue_due(N.d, c, now);
            dsp_queue_shifts(N.d, c, now);
            dsp_queue_orders(N.d, c, now);
            prune(now);
            send_due(c, cu, now);
        }
        pthread_mutex_lock(&N.mu);
        if (N.stop)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += N.o.interval_ms / 1000;
        ts.tv_nsec += (long)(N.o.interval_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L)
            ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&N.cv, &N.mu, &ts);
    }
    pthread_mutex_unlock(&N.mu);
    curl_easy_cleanup(cu);
    db_reader_release(N.d);
    return NULL;
}

int dsp_notify_start(db *d, const dsp_notify_opt *o)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -1;
    N.d = d;
    N.o = *o;
    N.stop = false;
    if (pthread_create(&N.th, NULL, loop, NULL) != 0) {
        curl_global_cleanup();
        return -1;
    }
    N.running = true;
    return 0;
}

void dsp_notify_stop(void)
{
    if (!N.running)
        return;
    pthread_mutex_lock(&N.mu);
    N.stop = true;
    pthread_cond_signal(&N.cv);
    pthread_mutex_unlock(&N.mu);
    pthread_join(N.th, NULL);
    N.running = false;
    curl_global_cleanup();
}
