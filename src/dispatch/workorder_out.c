/* workorder_out.c — what work orders send through the outbox:
 *   - their feedback, to the city platform's webhook (channels with the audience
 *     `platform` whose area covers the order's queue; a top area's for the system's
 *     triage queue): the body is the contract's JSON as stored by wo_set_status, so the
 *     platform sees the status change at the time it was made. Feedback stays in
 *     work_order_feedback until such a channel exists, then is handed over (queued_at).
 *   - an alarm for each open order past its deadline, to the officer channels of its
 *     area (channels without a round or site), once per deadline: the key names both.
 * Both are read on the sender's connection and written through the writer, so a
 * request thread never waits for them. */
#include "dispatch/dispatch_internal.h"

#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 200
#define CH_MAX 64

/* The channels of an audience (ANY_CHANNEL), and of those the ones whose area covers the
 * path P ('': the system's triage queue, which only the channels of a top area cover: it is
 * the unbound administrators', not any sub-district's); the condition alone picks only the
 * messages that have somewhere to go, so those waiting for a channel never hold up the others. */
#define ANY_CHANNEL(AUD)                                                                                     \
    "FROM channels ch JOIN areas ca ON ca.id = ch.area_id WHERE ch.audience = '" AUD "' AND ch.disabled = 0"  \
    " AND ch.round_id IS NULL AND ch.site_id IS NULL"
#define COVERING(AUD, P)                                                                                     \
    ANY_CHANNEL(AUD) " AND (" P " = '' AND ca.parent_id IS NULL OR substr(" P ", 1, length(ca.path)) = ca.path)"

static int channels_for(db_conn *c, bool platform, const char *path, int64_t *ids)
{
    db_stmt *s = db_prepare(c, platform ? "SELECT ch.id " COVERING("platform", "$1") " ORDER BY ch.id"
                                        : "SELECT ch.id " COVERING("officer", "$1") " ORDER BY ch.id");
    int n = 0;
    if (!s)
        return -1;
    db_bind_text(s, 1, path);
    while (n < CH_MAX && db_step(s) == DB_ROW)
        ids[n++] = db_col_i64(s, 0);
    db_done(s);
    return n;
}

typedef struct wo_msg {
    int64_t order_id, feedback_id, deadline; /* feedback_id 0: an overdue alarm */
    int64_t ch[CH_MAX];
    int nch;
    char key[96];
    char *text;
} wo_msg;

typedef struct wo_queue_op {
    wo_msg *m;
    int n;
    int64_t now;
    int queued;
} wo_queue_op;

static int queue_job(db_conn *c, void *arg)
{
    wo_queue_op *op = arg;
    db_stmt *ins = db_prepare(c, "INSERT INTO outbox (id, channel_id, idem_key, kind, text, next_at, created_at,"
                                 " work_order_id) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT (idem_key) DO NOTHING");
    db_stmt *fb = db_prepare(c, "UPDATE work_order_feedback SET queued_at = $2 WHERE id = $1 AND queued_at IS NULL");
    db_stmt *od = db_prepare(c, "UPDATE work_orders SET overdue_alarm_for = $2 WHERE id = $1");
    int rc = ins && fb && od ? 0 : DB_ERR;
    for (int i = 0; !rc && i < op->n; i++) {
        const wo_msg *m = &op->m[i];
        for (int k = 0; k < m->nch && !rc; k++) {
            char key[128];
            snprintf(key, sizeof key, "%s#c%lld", m->key, (long long)m->ch[k]);
            db_reset(ins);
            db_bind_i64(ins, 1, fx_id_next());
            db_bind_i64(ins, 2, m->ch[k]);
            db_bind_text(ins, 3, key);
            db_bind_text(ins, 4, m->feedback_id ? "wo_feedback" : "wo_overdue");
            db_bind_text(ins, 5, m->text);
            db_bind_i64(ins, 6, op->now);
            db_bind_i64(ins, 7, m->order_id);
            rc = db_step(ins) == DB_DONE ? 0 : DB_ERR;
            op->queued += (int)db_changes(c);
        }
        db_stmt *mark = m->feedback_id ? fb : od;
        db_reset(mark);
        db_bind_i64(mark, 1, m->feedback_id ? m->feedback_id : m->order_id);
        db_bind_i64(mark, 2, m->feedback_id ? op->now : m->deadline);
        if (!rc && db_step(mark) != DB_DONE)
            rc = DB_ERR;
    }
    db_done(ins), db_done(fb), db_done(od);
    return rc;
}

/* Feedback not yet handed over, with the channels that take it (none: it waits). */
static int feedback_due(db_conn *c, wo_msg *m, int max)
{
    db_stmt *s = db_prepare(c, "SELECT f.id, f.order_id, f.payload, COALESCE(a.path, '') FROM work_order_feedback f"
                               " JOIN work_orders w ON w.id = f.order_id LEFT JOIN areas a ON a.id = w.area_id"
                               " WHERE f.queued_at IS NULL AND EXISTS (SELECT 1 " COVERING("platform", "COALESCE(a.path, '')")
                               ") ORDER BY f.id LIMIT $1");
    int n = 0;
    if (!s)
        return -1;
    db_bind_i64(s, 1, max);
    char (*paths)[FX_AREA_PATH_MAX] = calloc((size_t)max, sizeof *paths);
    while (paths && n < max && db_step(s) == DB_ROW) {
        wo_msg *x = &m[n];
        memset(x, 0, sizeof *x);
        x->feedback_id = db_col_i64(s, 0);
        x->order_id = db_col_i64(s, 1);
        x->text = strdup(db_col_text(s, 2));
        fx_copy(paths[n], FX_AREA_PATH_MAX, db_col_text(s, 3));
        snprintf(x->key, sizeof x->key, "wofb:%lld", (long long)x->feedback_id);
        n += x->text != NULL;
    }
    db_done(s);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        m[i].nch = channels_for(c, true, paths[i], m[i].ch);
        if (m[i].nch > 0)
            m[kept++] = m[i];
        else
            free(m[i].text);
    }
    free(paths);
    return kept;
}

/* Open orders past their deadline, not yet alarmed for it, with their officers' channels. */
static int overdue_due(db_conn *c, int64_t now, wo_msg *m, int max)
{
    db_stmt *s = db_prepare(c, "SELECT w.id, w.deadline, w.external_id, w.title, w.status, COALESCE(u.username, ''),"
                               " a.path, a.code FROM work_orders w JOIN areas a ON a.id = w.area_id"
                               " LEFT JOIN users u ON u.id = w.assignee_id"
                               " WHERE (w.status = 'new' OR w.status = 'accepted' OR w.status = 'in_progress')"
                               " AND w.deadline < $1 AND (w.overdue_alarm_for IS NULL OR w.overdue_alarm_for <> w.deadline)"
                               " AND EXISTS (SELECT 1 " COVERING("officer", "a.path") ") ORDER BY w.deadline LIMIT $2");
    int n = 0;
    if (!s)
        return -1;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, max);
    while (n < max && db_step(s) == DB_ROW) {
        wo_msg *x = &m[n];
        memset(x, 0, sizeof *x);
        x->order_id = db_col_i64(s, 0);
        x->deadline = db_col_i64(s, 1);
        if ((x->nch = channels_for(c, false, db_col_text(s, 6), x->ch)) <= 0)
            continue;
        char due[24];
        fx_time_local(x->deadline, due, sizeof due);
        const char *ext = db_col_text(s, 2), *who = db_col_text(s, 5), *st = db_col_text(s, 4);
        fx_str t;
        fx_str_init(&t, 2048);
        fx_str_addf(&t, "【防线】工单 %s「%s」已超期：截止 %s，%s，%s%s。Work order %s overdue: due %s, %s, %s%s.", ext,
                    db_col_text(s, 3), due, db_col_text(s, 7), who[0] ? "处理人 " : "未指派", who, ext, due, st,
                    who[0] ? "handled by " : "unassigned", who);
        x->text = t.p ? strdup(t.p) : NULL;
        fx_str_free(&t);
        snprintf(x->key, sizeof x->key, "wodue:%lld:%lld", (long long)x->order_id, (long long)x->deadline);
        n += x->text != NULL;
    }
    db_done(s);
    return n;
}

int dsp_queue_orders(db *d, db_conn *c, int64_t now)
{
    wo_msg *m = malloc(sizeof *m * BATCH);
    if (!m)
        return -1;
    int total = 0;
    for (int pass = 0; pass < 2; pass++) {
        /* without any channel of the audience nothing can go: skip the scan (100,000 waiting
         * rows cost it 30-60 ms, every interval) */
        int64_t any = 0;
        db_query_i64(c, pass == 0 ? "SELECT EXISTS (SELECT 1 " ANY_CHANNEL("platform") ")"
                                  : "SELECT EXISTS (SELECT 1 " ANY_CHANNEL("officer") ")", &any);
        if (!any)
            continue;
        int n = pass == 0 ? feedback_due(c, m, BATCH) : overdue_due(c, now, m, BATCH);
        wo_queue_op op = {.m = m, .n = n, .now = now};
        if (n > 0 && db_write(d, queue_job, &op) == 0)
            total += op.queued;
        for (int i = 0; i < n; i++)
            free(m[i].text);
        if (n < 0)
            total = -1;
    }
    free(m);
    return total;
}

json_t *dsp_order_outbox(db_conn *c, int64_t order_id)
{
    json_t *items = json_array();
    db_stmt *s = db_prepare(c, "SELECT o.id, o.channel_id, ch.name, o.kind, o.status, o.attempts, o.next_at,"
                               " o.last_error, o.created_at, COALESCE(o.sent_at, 0) FROM outbox o"
                               " JOIN channels ch ON ch.id = o.channel_id WHERE o.work_order_id = $1 ORDER BY o.id");
    if (!s)
        return items;
    db_bind_i64(s, 1, order_id);
    while (db_step(s) == DB_ROW) {
        json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:I, s:s, s:I}", "id", (json_int_t)db_col_i64(s, 0),
                              "channel", (json_int_t)db_col_i64(s, 1), "channel_name", db_col_text(s, 2), "kind",
                              db_col_text(s, 3), "status", db_col_text(s, 4), "attempts", (int)db_col_i64(s, 5),
                              "next_at", (json_int_t)db_col_i64(s, 6), "last_error", db_col_text(s, 7), "created_at",
                              (json_int_t)db_col_i64(s, 8));
        json_object_set_new(j, "sent_at", db_col_i64(s, 9) ? json_integer(db_col_i64(s, 9)) : json_null());
        json_array_append_new(items, j);
    }
    db_done(s);
    return items;
}
