/* shift_remind.c — reminders before each shift to the team channels of the person's team,
 * lead_min (the area's roster setting, default 60) ahead. Each is queued once per shift and
 * channel: the outbox's idempotency key "shift:ID#cCHANNEL" drops a second queueing, and the
 * outbox persists, so a restart neither loses nor repeats one. */
#include "dispatch/dispatch.h"

#include "core/roster.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUE_MAX 512

typedef struct due {
    int64_t shift_id, channel_id, starts_at;
    char key[64], text[600];
} due;

typedef struct due_op {
    due *d;
    int n, queued;
    int64_t now;
} due_op;

static int queue_job(db_conn *c, void *arg)
{
    due_op *op = arg;
    db_stmt *s = db_prepare(c, "INSERT INTO outbox (id, channel_id, idem_key, kind, round_id, shift_id, text, next_at,"
                               " created_at) VALUES ($1, $2, $3, 'shift_reminder', NULL, $4, $5, $6, $6)"
                               " ON CONFLICT (idem_key) DO NOTHING");
    if (!s)
        return DB_ERR;
    int rc = 0;
    for (int i = 0; i < op->n && !rc; i++) {
        db_reset(s);
        db_bind_i64(s, 1, fx_id_next());
        db_bind_i64(s, 2, op->d[i].channel_id);
        db_bind_text(s, 3, op->d[i].key);
        db_bind_i64(s, 4, op->d[i].shift_id);
        db_bind_text(s, 5, op->d[i].text);
        db_bind_i64(s, 6, op->now);
        if (db_step(s) != DB_DONE)
            rc = DB_ERR;
        op->queued += (int)db_changes(c);
    }
    db_done(s);
    return rc;
}

int dsp_queue_shifts(db *d, db_conn *c, int64_t now)
{
    /* shifts starting within the longest lead allowed (a day), with a team channel that has
     * not had their reminder yet; each area's own lead is applied below */
    db_stmt *s = db_prepare(c, "SELECT s.id, ch.id, s.starts_at, s.ends_at, m.name, p.name, t.name, a.path"
                               " FROM shifts s JOIN team_members m ON m.id = s.member_id JOIN teams t ON t.id = m.team_id"
                               " JOIN posts p ON p.id = s.post_id JOIN areas a ON a.id = p.area_id"
                               " JOIN channels ch ON ch.team_id = m.team_id AND ch.audience = 'team' AND ch.disabled = 0"
                               " WHERE s.starts_at > $1 AND s.starts_at <= $2 AND NOT EXISTS (SELECT 1 FROM outbox o"
                               "   WHERE o.shift_id = s.id AND o.channel_id = ch.id)"
                               " ORDER BY s.starts_at LIMIT $3");
    if (!s)
        return -1;
    due *dd = malloc(sizeof *dd * DUE_MAX);
    if (!dd) {
        db_done(s);
        return -1;
    }
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, now + 1440 * 60);
    db_bind_i64(s, 3, DUE_MAX);
    int n = 0;
    char last_path[FX_AREA_PATH_MAX] = "";
    roster_settings st = {0};
    while (n < DUE_MAX && db_step(s) == DB_ROW) {
        const char *path = db_col_text(s, 7);
        if (strcmp(path, last_path) != 0) { /* rows of one area come together often enough */
            fx_copy(last_path, sizeof last_path, path);
            if (roster_settings_for(c, path, &st) < 0)
                break;
        }
        int64_t start = db_col_i64(s, 2);
        if (now < start - (int64_t)st.lead_min * 60)
            continue;
        due *x = &dd[n++];
        x->shift_id = db_col_i64(s, 0);
        x->channel_id = db_col_i64(s, 1);
        x->starts_at = start;
        char when[64];
        roster_span_text(start, db_col_i64(s, 3), when, sizeof when);
        snprintf(x->key, sizeof x->key, "shift:%lld#c%lld", (long long)x->shift_id, (long long)x->channel_id);
        snprintf(x->text, sizeof x->text, "【防线】%s 值班提醒：%s 在 %s（%s）。Shift reminder: %s, %s at %s.",
                 db_col_text(s, 4), when, db_col_text(s, 5), db_col_text(s, 6), db_col_text(s, 4), when,
                 db_col_text(s, 5));
    }
    db_done(s);
    due_op op = {.d = dd, .n = n, .now = now};
    int rc = n > 0 ? db_write(d, queue_job, &op) : 0;
    free(dd);
    return rc < 0 ? rc : op.queued;
}
