/* outbox.c — channels (where messages go) and the outbox (what is to be sent).
 *
 * A message is queued once per channel: its idempotency key names what it is about
 * (the site and pickup minute, the vehicle and departure, the box) and the
 * channel, and the outbox's UNIQUE key drops a second queueing. The sender
 * (notify.c) delivers it at least once with the key attached. */
#include "dispatch/dispatch_internal.h"

#include "core/area.h"
#include "core/custody.h"
#include "core/core_internal.h"
#include "core/site.h"
#include "core/team.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_MAX 1000
#define SECRET_MAX 200

static bool one_of(const char *s, const char *a, const char *b, const char *c)
{
    return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0);
}

static const char *str_field(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int check_url(const char *url, fx_err *e)
{
    if (!url || strlen(url) > URL_MAX || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
        strpbrk(url, " \r\n\t"))
        return fx_fail(e, FX_EINVAL, "invalid_field", "url: expected an http:// or https:// webhook address of at most %d "
                                                      "characters", URL_MAX);
    return 0;
}

static int check_known(const json_t *body, const char *const *fields, fx_err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)body, k, v)
    {
        bool ok = false;
        for (const char *const *f = fields; *f && !ok; f++)
            ok = strcmp(*f, k) == 0;
        if (!ok)
            return fx_fail(e, FX_EINVAL, "unknown_field", "%s: unknown field", k);
        (void)v;
    }
    return 0;
}

/* A team channel names its team (in the actor's scope) and nothing else to narrow it;
 * only a team channel names a team. *path gets the team's area path. */
static int team_channel_check(db_conn *c, const actor *who, const char *aud, const json_t *jt, bool narrowed,
                              char path[FX_AREA_PATH_MAX], fx_err *e)
{
    bool team_aud = strcmp(aud, "team") == 0;
    if (!team_aud)
        return jt ? fx_fail(e, FX_EINVAL, "invalid_field", "team: only a channel for the audience team names a team") : 0;
    if (!jt)
        return fx_fail(e, FX_EINVAL, "missing_field", "team: a team channel names its team (an id)");
    if (!json_is_integer(jt))
        return fx_fail(e, FX_EINVAL, "invalid_field", "team: expected an id (a number)");
    if (narrowed)
        return fx_fail(e, FX_EINVAL, "invalid_field", "team: a team channel names no round, site or vehicle");
    team t;
    if (team_get(c, json_integer_value(jt), &t) != DB_ROW || !actor_in_scope(who, t.area_path))
        return fx_fail(e, FX_ENOTFOUND, "team_not_found", "team: %lld does not exist in your area",
                       (long long)json_integer_value(jt));
    fx_copy(path, FX_AREA_PATH_MAX, t.area_path);
    return 0;
}

int dsp_channel_create(db_conn *c, const actor *who, const json_t *body, int64_t *id, fx_err *e)
{
    static const char *const fields[] = {"name", "kind", "audience", "url", "secret", "round", "site", "vehicle", "area",
                                         "team", NULL};
    int rc = check_known(body, fields, e);
    if (rc)
        return rc;
    const char *name = str_field(body, "name"), *kind = str_field(body, "kind"), *aud = str_field(body, "audience"),
               *url = str_field(body, "url"), *secret = str_field(body, "secret"), *veh = str_field(body, "vehicle"),
               *acode = str_field(body, "area");
    const json_t *jr = json_object_get(body, "round"), *js = json_object_get(body, "site"),
                 *jt = json_object_get(body, "team");
    char team_path[FX_AREA_PATH_MAX] = "";
    if (!name || !*name || fx_utf8_len(name) > 100)
        return fx_fail(e, FX_EINVAL, "invalid_field", "name: expected a text of 1 to 100 characters");
    if (!one_of(kind, "wecom", "dingtalk", "webhook"))
        return fx_fail(e, FX_EINVAL, "invalid_field", "kind: expected wecom, dingtalk or webhook");
    bool platform = aud && strcmp(aud, "platform") == 0;
    if (!one_of(aud, "site", "driver", "officer") && !platform && !(aud && strcmp(aud, "team") == 0))
        return fx_fail(e, FX_EINVAL, "invalid_field", "audience: expected site, driver, officer, team or platform");
    if (platform && strcmp(kind, "webhook") != 0)
        return fx_fail(e, FX_EINVAL, "invalid_field", "kind: the city platform's channel is a webhook (signed, in the "
                                                      "contract's feedback format)");
    if ((rc = check_url(url, e)))
        return rc;
    if (json_object_get(body, "secret") && (!secret || strlen(secret) > SECRET_MAX))
        return fx_fail(e, FX_EINVAL, "invalid_field", "secret: expected a text of at most %d bytes", SECRET_MAX);
    if (strcmp(kind, "webhook") == 0 && (!secret || !*secret))
        return fx_fail(e, FX_EINVAL, "missing_field", "secret: a webhook channel signs every message; give its secret");
    if (platform && (jr || js || veh))
        return fx_fail(e, FX_EINVAL, "invalid_field", "%s: the platform's channel covers an area, not a round, site or "
                                                      "vehicle", jr ? "round" : js ? "site" : "vehicle");
    if ((jr && !json_is_integer(jr)) || (js && !json_is_integer(js)))
        return fx_fail(e, FX_EINVAL, "invalid_field", "%s: expected an id (a number)", jr && !json_is_integer(jr) ? "round" : "site");
    if ((rc = team_channel_check(c, who, aud, jt, jr || js || veh, team_path, e)))
        return rc;
    if (js && strcmp(aud, "site") != 0)
        return fx_fail(e, FX_EINVAL, "invalid_field", "site: only a channel for the audience site names a site");
    if (veh && (strcmp(aud, "driver") != 0 || !*veh || strlen(veh) >= DSP_ID_MAX))
        return fx_fail(e, FX_EINVAL, "invalid_field", "vehicle: only a driver channel names a vehicle (1-%d bytes)",
                       DSP_ID_MAX - 1);
    /* the channel's area: its round's, else its site's, else the one named */
    area a;
    fx_round r;
    site s;
    if (jr) {
        if ((rc = dsp_round_check(c, who, json_integer_value(jr), &r, e)))
            return rc;
        area_get_id(c, r.area_id, &a);
    }
    if (js && (site_get(c, json_integer_value(js), &s) != DB_ROW || !actor_in_scope(who, s.area_path)))
        return fx_fail(e, FX_ENOTFOUND, "site_not_found", "site: %lld does not exist in your area",
                       (long long)json_integer_value(js));
    if (!jr && js)
        area_get_id(c, s.area_id, &a);
    if (jt)
        area_get_id(c, path_last(team_path), &a);
    if (!jr && !js && !jt) {
        if (!acode)
            return fx_fail(e, FX_EINVAL, "missing_field", "area: a channel names its round, its site or its area");
        if (area_get(c, acode, &a) != DB_ROW)
            return fx_fail(e, FX_ENOTFOUND, "area_not_found", "area: %s does not exist", acode);
        if (!actor_in_scope(who, a.path))
            return fx_fail(e, FX_EPERM, "outside_area", "area: %s is outside your area", acode);
    }
    db_stmt *st = db_prepare(c, "INSERT INTO channels (id, top_area_id, area_id, round_id, site_id, vehicle, audience, kind,"
                                " name, url, secret, created_at, updated_at, team_id) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                                " $8, $9, $10, $11, $12, $12, $13)");
    if (!st)
        return FX_EINTERNAL;
    *id = fx_id_next();
    db_bind_i64(st, 1, *id);
    db_bind_i64(st, 2, strtoll(a.path + 1, NULL, 10));
    db_bind_i64(st, 3, a.id);
    jr ? db_bind_i64(st, 4, json_integer_value(jr)) : db_bind_null(st, 4);
    js ? db_bind_i64(st, 5, json_integer_value(js)) : db_bind_null(st, 5);
    db_bind_text(st, 6, veh ? veh : "");
    db_bind_text(st, 7, aud);
    db_bind_text(st, 8, kind);
    db_bind_text(st, 9, name);
    db_bind_text(st, 10, url);
    db_bind_text(st, 11, secret ? secret : "");
    db_bind_i64(st, 12, fx_now());
    jt ? db_bind_i64(st, 13, json_integer_value(jt)) : db_bind_null(st, 13);
    rc = db_step(st) == DB_DONE ? 0 : fx_fail(e, FX_EINTERNAL, "internal", "could not store the channel");
    db_done(st);
    if (!rc) {
        char sid[24];
        fx_str ch;
        fx_str_init(&ch, 1024);
        fx_str_adds(&ch, "{\"name\":");
        fx_str_add_json(&ch, name);
        fx_str_addf(&ch, ",\"kind\":\"%s\",\"audience\":\"%s\",\"area\":", kind, aud);
        fx_str_add_json(&ch, a.code);
        fx_str_adds(&ch, "}"); /* no url or secret: they are credentials */
        snprintf(sid, sizeof sid, "%lld", (long long)*id);
        if (audit_record(c, &who->log, "create", "channel", sid, ch.p) < 0)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not record the audit entry");
        fx_str_free(&ch);
    }
    return rc;
}

#define CH_SELECT                                                                                            \
    "SELECT ch.id, ch.round_id, ch.site_id, ch.vehicle, ch.audience, ch.kind, ch.name, ch.url, ch.secret <> '',"  \
    " ch.disabled, ch.created_at, ch.updated_at, a.code, a.path, ch.team_id, ch.failing_since, ch.last_error"   \
    " FROM channels ch JOIN areas a ON a.id = ch.area_id "

/* The address without its query (WeCom and DingTalk put the robot's key there). */
static json_t *url_shown(const char *url)
{
    const char *q = strchr(url, '?');
    if (!q)
        return json_string(url);
    char buf[URL_MAX + 8];
    snprintf(buf, sizeof buf, "%.*s?…", (int)(q - url), url);
    return json_string(buf);
}

static json_t *ch_json(db_stmt *s)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:s}", "id", (json_int_t)db_col_i64(s, 0),
                          "vehicle", db_col_text(s, 3), "audience", db_col_text(s, 4), "kind", db_col_text(s, 5), "name",
                          db_col_text(s, 6), "has_secret", db_col_i64(s, 8) != 0, "disabled", db_col_i64(s, 9) != 0,
                          "created_at", (json_int_t)db_col_i64(s, 10), "updated_at", (json_int_t)db_col_i64(s, 11),
                          "area", db_col_text(s, 12));
    json_object_set_new(j, "round", db_col_null(s, 1) ? json_null() : json_integer(db_col_i64(s, 1)));
    json_object_set_new(j, "site", db_col_null(s, 2) ? json_null() : json_integer(db_col_i64(s, 2)));
    json_object_set_new(j, "team", db_col_null(s, 14) ? json_null() : json_integer(db_col_i64(s, 14)));
    json_object_set_new(j, "url", url_shown(db_col_text(s, 7)));
    json_object_set_new(j, "failing_since", db_col_null(s, 15) ? json_null() : json_integer(db_col_i64(s, 15)));
    json_object_set_new(j, "last_error", json_string(db_col_text(s, 16)));
    return j;
}

static bool in_scope(const char *scope, const char *path)
{
    return !scope || strncmp(path, scope, strlen(scope)) == 0;
}

json_t *dsp_channel_get(db_conn *c, int64_t id, const char *scope)
{
    db_stmt *s = db_prepare(c, CH_SELECT "WHERE ch.id = $1");
    json_t *j = NULL;
    if (!s)
        return NULL;
    db_bind_i64(s, 1, id);
    if (db_step(s) == DB_ROW && in_scope(scope, db_col_text(s, 13)))
        j = ch_json(s);
    db_done(s);
    return j;
}

json_t *dsp_channel_list(db_conn *c, const char *scope)
{
    json_t *items = json_array();
    db_stmt *s = db_prepare(c, CH_SELECT "ORDER BY ch.id LIMIT 1000");
    if (!s)
        return items;
    while (db_step(s) == DB_ROW)
        if (in_scope(scope, db_col_text(s, 13)))
            json_array_append_new(items, ch_json(s));
    db_done(s);
    return items;
}

int dsp_channel_update(db_conn *c, const actor *who, int64_t id, const json_t *body, fx_err *e)
{
    static const char *const fields[] = {"name", "url", "secret", "disabled", NULL};
    int rc = check_known(body, fields, e);
    if (rc)
        return rc;
    json_t *cur = dsp_channel_get(c, id, who->p && who->p->area_id ? who->p->area_path : NULL);
    if (!cur) {
        json_decref(cur);
        return fx_fail(e, FX_ENOTFOUND, "channel_not_found", "channel %lld does not exist in your area", (long long)id);
    }
    const char *name = str_field(body, "name"), *url = str_field(body, "url"), *secret = str_field(body, "secret");
    const json_t *dis = json_object_get(body, "disabled");
    if (json_object_get(body, "name") && (!name || !*name || fx_utf8_len(name) > 100))
        rc = fx_fail(e, FX_EINVAL, "invalid_field", "name: expected a text of 1 to 100 characters");
    else if (json_object_get(body, "url") && check_url(url, e))
        rc = e->kind;
    else if (json_object_get(body, "secret") && (!secret || strlen(secret) > SECRET_MAX))
        rc = fx_fail(e, FX_EINVAL, "invalid_field", "secret: expected a text of at most %d bytes", SECRET_MAX);
    else if (dis && !json_is_boolean(dis))
        rc = fx_fail(e, FX_EINVAL, "invalid_field", "disabled: expected true or false");
    if (!rc && secret && !*secret && strcmp(str_field(cur, "kind"), "webhook") == 0)
        rc = fx_fail(e, FX_EINVAL, "invalid_field", "secret: a webhook channel needs one");
    json_decref(cur);
    if (rc)
        return rc;
    db_stmt *s = db_prepare(c, "UPDATE channels SET name = COALESCE($2, name), url = COALESCE($3, url),"
                               " secret = COALESCE($4, secret), disabled = COALESCE($5, disabled), updated_at = $6"
                               " WHERE id = $1");
    if (!s)
        return FX_EINTERNAL;
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, url);
    db_bind_text(s, 4, secret);
    dis ? db_bind_i64(s, 5, json_is_true(dis)) : db_bind_null(s, 5);
    db_bind_i64(s, 6, fx_now());
    rc = db_step(s) == DB_DONE ? 0 : fx_fail(e, FX_EINTERNAL, "internal", "could not change the channel");
    db_done(s);
    if (!rc) {
        char sid[24], ch[160];
        snprintf(sid, sizeof sid, "%lld", (long long)id);
        snprintf(ch, sizeof ch, "{\"name\":%s,\"url\":%s,\"secret\":%s,\"disabled\":%s}", name ? "\"changed\"" : "null",
                 url ? "\"changed\"" : "null", secret ? "\"changed\"" : "null",
                 dis ? (json_is_true(dis) ? "true" : "false") : "null");
        if (audit_record(c, &who->log, "update", "channel", sid, ch) < 0)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not record the audit entry");
    }
    return rc;
}

json_t *dsp_outbox_list(db_conn *c, int64_t round_id, int limit)
{
    json_t *items = json_array();
    db_stmt *s = db_prepare(c, "SELECT id, channel_id, idem_key, kind, text, status, attempts, next_at, last_error,"
                               " created_at, COALESCE(sent_at, 0) FROM outbox WHERE round_id = $1 ORDER BY id DESC"
                               " LIMIT $2");
    if (!s)
        return items;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, limit);
    while (db_step(s) == DB_ROW) {
        json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:I}", "id", (json_int_t)db_col_i64(s, 0),
                              "channel", (json_int_t)db_col_i64(s, 1), "key", db_col_text(s, 2), "kind",
                              db_col_text(s, 3), "text", db_col_text(s, 4), "status", db_col_text(s, 5), "attempts",
                              (int)db_col_i64(s, 6), "next_at", (json_int_t)db_col_i64(s, 7), "last_error",
                              db_col_text(s, 8), "created_at", (json_int_t)db_col_i64(s, 9));
        json_object_set_new(j, "sent_at", db_col_i64(s, 10) ? json_integer(db_col_i64(s, 10)) : json_null());
        json_array_append_new(items, j);
    }
    db_done(s);
    return items;
}

/* ---- what is due ---- */

typedef struct msg {
    char key[160], text[1200], vehicle[DSP_ID_MAX];
    const char *kind, *audience;
    int64_t site_id;
} msg;

typedef struct queue_op {
    int64_t round_id, now;
    char round_path[FX_AREA_PATH_MAX];
    msg *m;
    int n;
    int queued;
} queue_op;

static void hhmm(int64_t t, char out[8])
{
    char buf[24];
    fx_time_local(t, buf, sizeof buf);
    fx_copy(out, 8, strlen(buf) >= 5 ? buf + strlen(buf) - 5 : buf);
}

static const char *site_name(const dsp_setup *st, const char *id, int64_t *site_id)
{
    for (int i = 0; i < st->nsite; i++)
        if (strcmp(st->site[i].id, id) == 0) {
            *site_id = st->site[i].site_id;
            return st->site[i].name;
        }
    *site_id = 0;
    return id;
}

static int queue_job(db_conn *c, void *arg)
{
    queue_op *op = arg;
    db_stmt *ch = db_prepare(c, "SELECT ch.id FROM channels ch JOIN areas a ON a.id = ch.area_id WHERE ch.disabled = 0"
                                " AND ch.audience = $1 AND (ch.round_id = $2 OR (ch.round_id IS NULL AND"
                                " substr($3, 1, length(a.path)) = a.path)) AND (ch.site_id IS NULL OR ch.site_id = $4)"
                                " AND (ch.vehicle = '' OR ch.vehicle = $5)");
    db_stmt *ins = db_prepare(c, "INSERT INTO outbox (id, channel_id, idem_key, kind, round_id, text, next_at,"
                                 " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (idem_key) DO NOTHING");
    int rc = ch && ins ? 0 : DB_ERR;
    for (int i = 0; !rc && i < op->n; i++) {
        const msg *m = &op->m[i];
        int64_t ids[64];
        int nid = 0;
        db_reset(ch);
        db_bind_text(ch, 1, m->audience);
        db_bind_i64(ch, 2, op->round_id);
        db_bind_text(ch, 3, op->round_path);
        db_bind_i64(ch, 4, m->site_id);
        db_bind_text(ch, 5, m->vehicle);
        while (nid < 64 && db_step(ch) == DB_ROW)
            ids[nid++] = db_col_i64(ch, 0);
        for (int k = 0; k < nid && !rc; k++) {
            char key[200];
            snprintf(key, sizeof key, "%s#c%lld", m->key, (long long)ids[k]);
            db_reset(ins);
            db_bind_i64(ins, 1, fx_id_next());
            db_bind_i64(ins, 2, ids[k]);
            db_bind_text(ins, 3, key);
            db_bind_text(ins, 4, m->kind);
            db_bind_i64(ins, 5, op->round_id);
            db_bind_text(ins, 6, m->text);
            db_bind_i64(ins, 7, op->now);
            if (db_step(ins) != DB_DONE)
                rc = DB_ERR;
            op->queued += (int)db_changes(c);
        }
    }
    db_done(ch), db_done(ins);
    return rc;
}

static msg *add_msg(msg **m, int *n, int *cap)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 32;
        msg *x = realloc(*m, (size_t)nc * sizeof *x);
        if (!x)
            return NULL;
        *m = x, *cap = nc;
    }
    msg *x = &(*m)[(*n)++];
    memset(x, 0, sizeof *x);
    return x;
}

/* Messages due for one round at now. */
static int round_due(db_conn *c, const dsp_setup *st, const json_t *plan, int64_t now, msg **m, int *n, int *cap)
{
    int64_t lead = (int64_t)st->lead * 60;
    size_t k, i;
    json_t *run, *stop;
    json_array_foreach(json_object_get(plan, "runs"), k, run)
    {
        const char *veh = json_string_value(json_object_get(run, "vehicle")), *state = json_string_value(json_object_get(run, "state"));
        if (state && strcmp(state, "done") == 0)
            continue;
        int64_t dep = st->day0 + 60 * json_integer_value(json_object_get(run, "depart"));
        const json_t *stops = json_object_get(run, "stops");
        json_array_foreach(stops, i, stop)
        {
            int64_t at = st->day0 + 60 * json_integer_value(json_object_get(stop, "arrive"));
            const char *where = json_string_value(json_object_get(stop, "at"));
            if (json_is_true(json_object_get(stop, "done")) || !json_array_size(json_object_get(stop, "pickup")) ||
                now < at - lead || now >= at)
                continue;
            msg *x = add_msg(m, n, cap);
            if (!x)
                return -1;
            char t[8];
            hhmm(at, t);
            const char *name = site_name(st, where, &x->site_id);
            x->kind = "site_reminder", x->audience = "site";
            snprintf(x->key, sizeof x->key, "site:%lld:%s:%lld", (long long)st->round_id, where, (long long)at);
            snprintf(x->text, sizeof x->text, "【防线】%s：请封箱，%s 取箱（车辆 %s）。Seal your boxes, pickup at %s.", name,
                     t, veh, t);
        }
        if (!(state && strcmp(state, "planned") == 0) || now < dep - lead || now >= dep)
            continue;
        msg *x = add_msg(m, n, cap);
        if (!x)
            return -1;
        char t[8];
        hhmm(dep, t);
        x->kind = "driver_run", x->audience = "driver";
        fx_copy(x->vehicle, sizeof x->vehicle, veh);
        snprintf(x->key, sizeof x->key, "run:%lld:%s:%lld", (long long)st->round_id, veh, (long long)dep);
        int len = snprintf(x->text, sizeof x->text, "【防线】%s 下一趟 %s 出发 / next run leaves at %s:", veh, t, t);
        json_array_foreach(stops, i, stop)
        {
            int64_t sid, at = st->day0 + 60 * json_integer_value(json_object_get(stop, "arrive"));
            const char *where = json_string_value(json_object_get(stop, "at"));
            hhmm(at, t);
            if (len > 0 && (size_t)len < sizeof x->text)
                len += snprintf(x->text + len, sizeof x->text - (size_t)len, "%s %s %s", i ? " →" : "",
                                strcmp(where, st->hub) == 0 ? st->hub : site_name(st, where, &sid), t);
        }
    }
    /* officers: custody's boxes at risk of missing the lab deadline */
    box_turn bt[64];
    int nb = turnaround_list(c, st->round_id, NULL, TURN_AT_RISK, now, 0, bt, 64);
    for (int b = 0; b < nb; b++) {
        if (bt[b].lab_at || !bt[b].lab_at_risk)
            continue;
        msg *x = add_msg(m, n, cap);
        if (!x)
            return -1;
        char s1[8], s2[8];
        hhmm(bt[b].sealed_at, s1);
        hhmm(bt[b].lab_deadline, s2);
        x->kind = "box_at_risk", x->audience = "officer";
        snprintf(x->key, sizeof x->key, "risk:%lld:%s", (long long)st->round_id, bt[b].barcode);
        snprintf(x->text, sizeof x->text, "【防线】箱 %s 有超时风险：%s 封箱，须在 %s 前送达实验室。Box %s at risk: sealed %s, due at the lab by %s.",
                 bt[b].barcode, s1, s2, bt[b].barcode, s1, s2);
    }
    return 0;
}

int dsp_queue_due(db *d, db_conn *c, int64_t now)
{
    db_stmt *s = db_prepare(c, "SELECT t.round_id, p.plan, a.path FROM transport_setups t"
                               " JOIN rounds r ON r.id = t.round_id JOIN areas a ON a.id = r.area_id"
                               " JOIN transport_plans p ON p.round_id = t.round_id AND p.current = 1"
                               " WHERE r.status = 'open' ORDER BY t.round_id");
    if (!s)
        return -1;
    int total = 0;
    int64_t rounds[256];
    char *plans[256], paths[256][FX_AREA_PATH_MAX];
    int nr = 0;
    while (nr < 256 && db_step(s) == DB_ROW) {
        rounds[nr] = db_col_i64(s, 0);
        plans[nr] = strdup(db_col_text(s, 1));
        fx_copy(paths[nr], FX_AREA_PATH_MAX, db_col_text(s, 2));
        nr++;
    }
    db_done(s);
    dsp_setup *st = malloc(sizeof *st);
    for (int i = 0; i < nr; i++) {
        json_t *plan = plans[i] ? json_loads(plans[i], 0, NULL) : NULL;
        queue_op op = {.round_id = rounds[i], .now = now};
        int cap = 0;
        fx_copy(op.round_path, sizeof op.round_path, paths[i]);
        if (st && plan && dsp_load(c, rounds[i], st) == DB_ROW) {
            if (round_due(c, st, plan, now, &op.m, &op.n, &cap) == 0 && op.n > 0 && db_write(d, queue_job, &op) == 0)
                total += op.queued;
            dsp_unload(st);
        }
        free(op.m);
        json_decref(plan);
        free(plans[i]);
    }
    free(st);
    return total;
}
