#include "core/custody.h"

#include "core/alert.h"
#include "core/core_internal.h"
#include "core/positive.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A handover's time may run ahead of the server's clock by this much (handheld clocks drift). */
#define CLOCK_SKEW_S 300

#define TUBE_SELECT                                                                                          \
    "SELECT t.id, t.round_id, t.site_id, COALESCE(t.box_id, 0), t.opened_at, COALESCE(t.sealed_at, 0),"      \
    " t.pool_size, t.samples, t.barcode, sa.path, ra.path, r.area_id FROM tubes t"                            \
    " JOIN sites s ON s.id = t.site_id JOIN areas sa ON sa.id = s.area_id"                                    \
    " JOIN rounds r ON r.id = t.round_id JOIN areas ra ON ra.id = r.area_id "

int tube_ref_get(db_conn *c, const char *barcode, tube_ref *out)
{
    db_stmt *s = db_prepare(c, TUBE_SELECT "WHERE t.barcode = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, barcode);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_i64(s, 0);
        out->round_id = db_col_i64(s, 1);
        out->site_id = db_col_i64(s, 2);
        out->box_id = db_col_i64(s, 3);
        out->opened_at = db_col_i64(s, 4);
        out->sealed_at = db_col_i64(s, 5);
        out->pool_size = (int)db_col_i64(s, 6);
        out->samples = (int)db_col_i64(s, 7);
        fx_copy(out->barcode, sizeof out->barcode, db_col_text(s, 8));
        fx_copy(out->site_path, sizeof out->site_path, db_col_text(s, 9));
        fx_copy(out->round_path, sizeof out->round_path, db_col_text(s, 10));
        out->round_area_id = db_col_i64(s, 11);
    }
    db_done(s);
    return rc;
}

int box_ref_get(db_conn *c, const char *barcode, box_ref *out)
{
    db_stmt *s = db_prepare(c, "SELECT b.id, b.round_id, b.site_id, s.area_id, r.area_id, b.sealed_at, b.tube_count,"
                               " b.barcode, b.seal_no, sa.path, ra.path FROM boxes b"
                               " JOIN sites s ON s.id = b.site_id JOIN areas sa ON sa.id = s.area_id"
                               " JOIN rounds r ON r.id = b.round_id JOIN areas ra ON ra.id = r.area_id"
                               " WHERE b.barcode = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, barcode);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_i64(s, 0);
        out->round_id = db_col_i64(s, 1);
        out->site_id = db_col_i64(s, 2);
        out->site_area_id = db_col_i64(s, 3);
        out->round_area_id = db_col_i64(s, 4);
        out->sealed_at = db_col_i64(s, 5);
        out->tube_count = (int)db_col_i64(s, 6);
        fx_copy(out->barcode, sizeof out->barcode, db_col_text(s, 7));
        fx_copy(out->seal_no, sizeof out->seal_no, db_col_text(s, 8));
        fx_copy(out->site_path, sizeof out->site_path, db_col_text(s, 9));
        fx_copy(out->round_path, sizeof out->round_path, db_col_text(s, 10));
    }
    db_done(s);
    return rc;
}

/* ---- discrepancies ---- */

#define DISC_SELECT                                                                                          \
    "SELECT d.id, d.round_id, d.box_id, COALESCE(d.handover_id, 0), COALESCE(d.tube_id, 0), d.created_at,"   \
    " COALESCE(d.resolved_at, 0), d.expected, d.counted, d.kind, b.barcode, COALESCE(t.barcode, ''), d.note,"  \
    " d.created_by, d.resolved_by, d.resolution FROM discrepancies d JOIN boxes b ON b.id = d.box_id"         \
    " LEFT JOIN tubes t ON t.id = d.tube_id JOIN areas a ON a.id = d.area_id "

static void read_disc(db_stmt *s, discrepancy *d)
{
    memset(d, 0, sizeof *d);
    d->id = db_col_i64(s, 0);
    d->round_id = db_col_i64(s, 1);
    d->box_id = db_col_i64(s, 2);
    d->handover_id = db_col_i64(s, 3);
    d->tube_id = db_col_i64(s, 4);
    d->created_at = db_col_i64(s, 5);
    d->resolved_at = db_col_i64(s, 6);
    d->expected = (int)db_col_i64(s, 7);
    d->counted = (int)db_col_i64(s, 8);
    fx_copy(d->kind, sizeof d->kind, db_col_text(s, 9));
    fx_copy(d->box, sizeof d->box, db_col_text(s, 10));
    fx_copy(d->tube, sizeof d->tube, db_col_text(s, 11));
    fx_copy(d->note, sizeof d->note, db_col_text(s, 12));
    fx_copy(d->created_by, sizeof d->created_by, db_col_text(s, 13));
    fx_copy(d->resolved_by, sizeof d->resolved_by, db_col_text(s, 14));
    fx_copy(d->resolution, sizeof d->resolution, db_col_text(s, 15));
}

static int disc_get(db_conn *c, int64_t id, discrepancy *out)
{
    db_stmt *s = db_prepare(c, DISC_SELECT "WHERE d.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_disc(s, out);
    db_done(s);
    return rc;
}

/* Raises a discrepancy unless the same one is already open (a mismatch seen again at
 * the next step is the same problem); alerts the round's officers. */
static int disc_raise(db_conn *c, const actor *who, const box_ref *b, int64_t handover_id, const char *kind,
                      int counted, const tube_ref *tube, const char *note, handover_result *out)
{
    db_stmt *s = db_prepare(c, "SELECT id FROM discrepancies WHERE box_id = $1 AND kind = $2 AND counted = $3"
                               " AND COALESCE(tube_id, 0) = $4 AND resolved_at IS NULL");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, b->id);
    db_bind_text(s, 2, kind);
    db_bind_i64(s, 3, counted);
    db_bind_i64(s, 4, tube ? tube->id : 0);
    int64_t id = 0;
    int rc = db_step(s);
    if (rc == DB_ROW)
        id = db_col_i64(s, 0);
    db_done(s);
    if (rc < 0)
        return rc;
    if (!id) {
        id = fx_id_next();
        s = db_prepare(c, "INSERT INTO discrepancies (id, round_id, box_id, handover_id, top_area_id, area_id, kind,"
                          " expected, counted, tube_id, note, created_by, created_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, b->round_id);
        db_bind_i64(s, 3, b->id);
        db_bind_i64(s, 4, handover_id);
        db_bind_i64(s, 5, path_top(b->site_path));
        db_bind_i64(s, 6, b->site_area_id);
        db_bind_text(s, 7, kind);
        db_bind_i64(s, 8, b->tube_count);
        db_bind_i64(s, 9, counted);
        if (tube)
            db_bind_i64(s, 10, tube->id);
        else
            db_bind_null(s, 10);
        db_bind_text(s, 11, note ? note : "");
        db_bind_text(s, 12, who->log.name);
        db_bind_i64(s, 13, fx_now());
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DB_ERR;
        char msg[300], eid[24];
        if (tube)
            snprintf(msg, sizeof msg, "box %s: tube %s reported damaged; its members are recalled", b->barcode,
                     tube->barcode);
        else
            snprintf(msg, sizeof msg, "box %s: %d tube(s) counted, sealed with %d (%d %s)", b->barcode, counted,
                     b->tube_count, abs(counted - b->tube_count), kind);
        snprintf(eid, sizeof eid, "%lld", (long long)id);
        if (alert_raise(c, b->round_area_id, "discrepancy", "discrepancy", eid, msg) != 0)
            return DB_ERR;
    }
    if (out->ndisc < (int)(sizeof out->disc / sizeof *out->disc) && disc_get(c, id, &out->disc[out->ndisc]) == DB_ROW)
        out->ndisc++;
    return 0;
}

int discrepancy_list(db_conn *c, int64_t round_id, const char *scope_path, bool open_only, int64_t after_id,
                     discrepancy *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, DISC_SELECT "WHERE d.round_id = $1 AND d.id > $2 AND a.path >= $3 AND a.path < $4"
                                           " AND ($5 = 0 OR d.resolved_at IS NULL) ORDER BY d.id LIMIT $6");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_id);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, open_only);
    db_bind_i64(s, 6, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_disc(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

int discrepancy_list_box(db_conn *c, int64_t box_id, discrepancy *out, int max)
{
    db_stmt *s = db_prepare(c, DISC_SELECT "WHERE d.box_id = $1 ORDER BY d.id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_disc(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

int discrepancy_resolve(db_conn *c, const actor *who, int64_t id, const char *resolution, discrepancy *out,
                        fx_err *err)
{
    char text[404];
    fx_text_normalize(resolution ? resolution : "", text, sizeof text);
    if (!text[0])
        return fx_fail(err, FX_EINVAL, "resolution_required", "resolution: say what was done about it");
    if (fx_utf8_len(text) > 100)
        return fx_fail(err, FX_EINVAL, "resolution_too_long", "resolution: at most 100 characters");
    box_ref b;
    int rc = disc_get(c, id, out);
    if (rc == DB_ROW) {
        db_stmt *s = db_prepare(c, "SELECT barcode FROM boxes WHERE id = $1");
        if (!s)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the box");
        db_bind_i64(s, 1, out->box_id);
        char barcode[BARCODE_MAX + 1] = "";
        if (db_step(s) == DB_ROW)
            fx_copy(barcode, sizeof barcode, db_col_text(s, 0));
        db_done(s);
        rc = box_ref_get(c, barcode, &b);
    }
    if (rc != DB_ROW || !(actor_in_scope(who, b.round_path) || actor_in_scope(who, b.site_path)))
        return fx_fail(err, FX_ENOTFOUND, "discrepancy_not_found", "discrepancy %lld does not exist in your area",
                       (long long)id);
    if (out->resolved_at)
        return fx_fail(err, FX_ECONFLICT, "already_resolved", "discrepancy %lld was resolved by %s", (long long)id,
                       out->resolved_by);
    out->resolved_at = fx_now();
    fx_copy(out->resolved_by, sizeof out->resolved_by, who->log.name);
    fx_copy(out->resolution, sizeof out->resolution, text);
    db_stmt *s = db_prepare(c, "UPDATE discrepancies SET resolved_at = $2, resolved_by = $3, resolution = $4"
                               " WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the resolution");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, out->resolved_at);
    db_bind_text(s, 3, out->resolved_by);
    db_bind_text(s, 4, text);
    rc = db_step(s);
    db_done(s);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "resolution", "", text);
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    int arc = rc == DB_DONE ? audit_record(c, &who->log, "resolve", "discrepancy", eid, audit_changes_json(&ch)) : -1;
    audit_changes_free(&ch);
    if (arc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the resolution");
    return 0;
}

/* ---- handovers ---- */

static int stage_rank(const char *to)
{
    return strcmp(to, "driver") == 0 ? 1 : strcmp(to, "hub") == 0 ? 2 : strcmp(to, "lab") == 0 ? 3 : 0;
}

/* The earliest handover to each step is its turnaround time. */
static int turnaround_note_handover(db_conn *c, const box_ref *b, const char *to, int64_t at)
{
    static const char *const sql[] = {
        [1] = "INSERT INTO box_turnaround (box_id, round_id, picked_at) VALUES ($1, $2, $3) ON CONFLICT (box_id)"
              " DO UPDATE SET picked_at = CASE WHEN box_turnaround.picked_at IS NULL"
              " OR box_turnaround.picked_at > $3 THEN $3 ELSE box_turnaround.picked_at END",
        [2] = "INSERT INTO box_turnaround (box_id, round_id, hub_at) VALUES ($1, $2, $3) ON CONFLICT (box_id)"
              " DO UPDATE SET hub_at = CASE WHEN box_turnaround.hub_at IS NULL"
              " OR box_turnaround.hub_at > $3 THEN $3 ELSE box_turnaround.hub_at END",
        [3] = "INSERT INTO box_turnaround (box_id, round_id, lab_at) VALUES ($1, $2, $3) ON CONFLICT (box_id)"
              " DO UPDATE SET lab_at = CASE WHEN box_turnaround.lab_at IS NULL"
              " OR box_turnaround.lab_at > $3 THEN $3 ELSE box_turnaround.lab_at END",
    };
    db_stmt *s = db_prepare(c, sql[stage_rank(to)]);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, b->id);
    db_bind_i64(s, 2, b->round_id);
    db_bind_i64(s, 3, at);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int turnaround_note_result(db_conn *c, int64_t box_id, int64_t at)
{
    db_stmt *s = db_prepare(
        c, "INSERT INTO box_turnaround (box_id, round_id, resulted, last_result, result_at)"
           " SELECT id, round_id, 1, $2, CASE WHEN tube_count <= 1 THEN $2 END FROM boxes WHERE id = $1"
           " ON CONFLICT (box_id) DO UPDATE SET resulted = box_turnaround.resulted + 1,"
           " last_result = CASE WHEN box_turnaround.last_result IS NULL OR box_turnaround.last_result < $2"
           " THEN $2 ELSE box_turnaround.last_result END,"
           " result_at = CASE WHEN box_turnaround.resulted + 1 >= (SELECT tube_count FROM boxes WHERE id = $1)"
           " THEN (CASE WHEN box_turnaround.last_result IS NULL OR box_turnaround.last_result < $2"
           " THEN $2 ELSE box_turnaround.last_result END) END");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_i64(s, 2, at);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

static int handover_find(db_conn *c, int64_t box_id, const char *to, int64_t at, int64_t *id)
{
    db_stmt *s = db_prepare(c, "SELECT id FROM handovers WHERE box_id = $1 AND to_kind = $2 AND at = $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_text(s, 2, to);
    db_bind_i64(s, 3, at);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *id = db_col_i64(s, 0);
    db_done(s);
    return rc;
}

/* True when a step of this box before `to` has a later time, or one after it an earlier time. */
static int out_of_order(db_conn *c, int64_t box_id, const char *to, int64_t at, bool *out)
{
    db_stmt *s = db_prepare(c, "SELECT COUNT(*) FROM handovers WHERE box_id = $1 AND"
                               " ((CASE to_kind WHEN 'driver' THEN 1 WHEN 'hub' THEN 2 ELSE 3 END > $2 AND at < $3)"
                               " OR (CASE to_kind WHEN 'driver' THEN 1 WHEN 'hub' THEN 2 ELSE 3 END < $2 AND at > $3))");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_i64(s, 2, stage_rank(to));
    db_bind_i64(s, 3, at);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = db_col_i64(s, 0) > 0;
    db_done(s);
    return rc == DB_ROW ? 0 : DB_ERR;
}

static void clean(const char *in, char *out, size_t n)
{
    fx_text_normalize(in ? in : "", out, n);
}

int handover_record(db_conn *c, const actor *who, const handover_input *in, handover_result *out, fx_err *err)
{
    memset(out, 0, sizeof *out);
    if (!in->to || !stage_rank(in->to))
        return fx_fail(err, FX_EINVAL, "invalid_to", "to: expected \"driver\", \"hub\" or \"lab\", got \"%.20s\"",
                       in->to ? in->to : "");
    box_ref b;
    int rc = box_ref_get(c, in->box, &b);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the box");
    if (rc != DB_ROW || !actor_in_scope(who, b.site_path))
        return fx_fail(err, FX_ENOTFOUND, "box_not_found", "box: %.40s is not a sealed box in your area", in->box);
    if (in->at < b.sealed_at)
        return fx_fail(err, FX_ERULE, "before_seal", "at: the handover (%lld) is before box %s was sealed (%lld)",
                       in->at, b.barcode, (long long)b.sealed_at);
    if (in->at > fx_now() + CLOCK_SKEW_S)
        return fx_fail(err, FX_ERULE, "at_in_future", "at: %lld is in the future; check the device's clock", in->at);
    tube_ref damaged[8];
    if (in->n_damaged > 8)
        return fx_fail(err, FX_EINVAL, "too_many_damaged", "damaged: at most 8 tubes per handover");
    for (int i = 0; i < in->n_damaged; i++) {
        rc = tube_ref_get(c, in->damaged[i], &damaged[i]);
        if (rc != DB_ROW || damaged[i].box_id != b.id)
            return fx_fail(err, FX_ERULE, "tube_not_in_box", "damaged[%d]: tube %.40s is not in box %s", i,
                           in->damaged[i], b.barcode);
    }
    int64_t id = 0;
    rc = handover_find(c, b.id, in->to, in->at, &id);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the handovers");
    if (rc == DB_ROW) { /* sent again (a retry, a late sync): stored once */
        out->id = id;
        out->duplicate = true;
        return 0;
    }
    if (out_of_order(c, b.id, in->to, in->at, &out->out_of_order) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the handovers");
    char vehicle[64], by[64], received[64], note[404];
    clean(in->vehicle, vehicle, sizeof vehicle);
    clean(in->by && *in->by ? in->by : who->log.name, by, sizeof by);
    clean(in->received_by, received, sizeof received);
    clean(in->note, note, sizeof note);
    out->id = id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO handovers (id, box_id, round_id, top_area_id, to_kind, vehicle, by_name,"
                               " received_by, counted, at, recorded_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the handover");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, b.id);
    db_bind_i64(s, 3, b.round_id);
    db_bind_i64(s, 4, path_top(b.site_path));
    db_bind_text(s, 5, in->to);
    db_bind_text(s, 6, vehicle);
    db_bind_text(s, 7, by);
    db_bind_text(s, 8, received);
    db_bind_i64(s, 9, in->count);
    db_bind_i64(s, 10, in->at);
    db_bind_text(s, 11, who->log.name);
    db_bind_i64(s, 12, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || turnaround_note_handover(c, &b, in->to, in->at) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the handover");
    if (in->count != b.tube_count &&
        disc_raise(c, who, &b, id, in->count < b.tube_count ? "missing" : "extra", (int)in->count, NULL, note, out) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the discrepancy");
    for (int i = 0; i < in->n_damaged; i++) {
        int recalled;
        if (disc_raise(c, who, &b, id, "damaged", (int)in->count, &damaged[i], note, out) != 0 ||
            tube_recall_members(c, &damaged[i], "damaged", &recalled) != 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the damaged tube");
    }
    fx_str ch;
    fx_str_init(&ch, 4096);
    fx_str_addf(&ch, "{\"to\":");
    fx_str_add_json(&ch, in->to);
    fx_str_addf(&ch, ",\"count\":%lld,\"expected\":%d,\"at\":%lld,\"discrepancies\":%d}", in->count, b.tube_count,
                in->at, out->ndisc);
    rc = ch.overflow ? -1 : audit_record(c, &who->log, "handover", "box", b.barcode, ch.p);
    fx_str_free(&ch);
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the handover");
    return 0;
}

int handover_list(db_conn *c, int64_t box_id, handover *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id, at, created_at, counted, to_kind, vehicle, by_name, received_by, recorded_by"
                               " FROM handovers WHERE box_id = $1 ORDER BY at, id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        handover *h = &out[n++];
        memset(h, 0, sizeof *h);
        h->id = db_col_i64(s, 0);
        h->at = db_col_i64(s, 1);
        h->created_at = db_col_i64(s, 2);
        h->counted = (int)db_col_i64(s, 3);
        fx_copy(h->to, sizeof h->to, db_col_text(s, 4));
        fx_copy(h->vehicle, sizeof h->vehicle, db_col_text(s, 5));
        fx_copy(h->by, sizeof h->by, db_col_text(s, 6));
        fx_copy(h->received_by, sizeof h->received_by, db_col_text(s, 7));
        fx_copy(h->recorded_by, sizeof h->recorded_by, db_col_text(s, 8));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- turnaround ---- */

int turnaround_limits_get(db_conn *c, int64_t round_id, turnaround_limits *out)
{
    db_stmt *s = db_prepare(c, "SELECT to_lab_min, to_result_min, lab_warn_min, result_warn_min, round_id"
                               " FROM turnaround_limits WHERE round_id IN ($1, 0) ORDER BY round_id DESC LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->to_lab_min = (int)db_col_i64(s, 0);
        out->to_result_min = (int)db_col_i64(s, 1);
        out->lab_warn_min = (int)db_col_i64(s, 2);
        out->result_warn_min = (int)db_col_i64(s, 3);
        out->own = db_col_i64(s, 4) != 0;
    }
    db_done(s);
    return rc;
}

int turnaround_limits_set(db_conn *c, const actor *who, int64_t round_id, const turnaround_limits *in,
                          turnaround_limits *out, fx_err *err)
{
    db_stmt *s = db_prepare(c, "SELECT a.path FROM rounds r JOIN areas a ON a.id = r.area_id WHERE r.id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the round");
    db_bind_i64(s, 1, round_id);
    int rc = db_step(s);
    bool ok = rc == DB_ROW && actor_in_scope(who, db_col_text(s, 0));
    db_done(s);
    if (!ok)
        return fx_fail(err, FX_ENOTFOUND, "round_not_found", "round %lld does not exist in your area",
                       (long long)round_id);
    turnaround_limits cur;
    if (turnaround_limits_get(c, round_id, &cur) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the limits");
    *out = cur;
    if (in->to_lab_min > 0)
        out->to_lab_min = in->to_lab_min;
    if (in->to_result_min > 0)
        out->to_result_min = in->to_result_min;
    if (in->lab_warn_min > 0)
        out->lab_warn_min = in->lab_warn_min;
    if (in->result_warn_min > 0)
        out->result_warn_min = in->result_warn_min;
    if (out->lab_warn_min >= out->to_lab_min || out->result_warn_min >= out->to_result_min)
        return fx_fail(err, FX_EINVAL, "invalid_limits", "a warning must start before its limit (lab_warn_min < "
                       "to_lab_min, result_warn_min < to_result_min)");
    if (out->to_lab_min > out->to_result_min)
        return fx_fail(err, FX_EINVAL, "invalid_limits", "to_lab_min must not exceed to_result_min");
    out->own = true;
    s = db_prepare(c, "INSERT INTO turnaround_limits (round_id, to_lab_min, to_result_min, lab_warn_min,"
                      " result_warn_min, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (round_id) DO UPDATE"
                      " SET to_lab_min = $2, to_result_min = $3, lab_warn_min = $4, result_warn_min = $5, updated_at = $6");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the limits");
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, out->to_lab_min);
    db_bind_i64(s, 3, out->to_result_min);
    db_bind_i64(s, 4, out->lab_warn_min);
    db_bind_i64(s, 5, out->result_warn_min);
    db_bind_i64(s, 6, fx_now());
    rc = db_step(s);
    db_done(s);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_i64(&ch, "to_lab_min", cur.to_lab_min, out->to_lab_min);
    audit_changes_i64(&ch, "to_result_min", cur.to_result_min, out->to_result_min);
    audit_changes_i64(&ch, "lab_warn_min", cur.lab_warn_min, out->lab_warn_min);
    audit_changes_i64(&ch, "result_warn_min", cur.result_warn_min, out->result_warn_min);
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)round_id);
    int arc = rc == DB_DONE ? audit_record(c, &who->log, "turnaround_limits", "round", eid, audit_changes_json(&ch)) : -1;
    audit_changes_free(&ch);
    if (arc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the limits");
    return 0;
}

#define TURN_SELECT                                                                                          \
    "SELECT b.id, b.sealed_at, COALESCE(t.picked_at, 0), COALESCE(t.hub_at, 0), COALESCE(t.lab_at, 0),"      \
    " COALESCE(t.result_at, 0), b.tube_count, COALESCE(t.resulted, 0), b.barcode, a.code FROM boxes b"        \
    " LEFT JOIN box_turnaround t ON t.box_id = b.id JOIN sites s ON s.id = b.site_id"                         \
    " JOIN areas a ON a.id = s.area_id "

static void judge(box_turn *o, const turnaround_limits *lim, int64_t now)
{
    o->lab_deadline = o->sealed_at + (int64_t)lim->to_lab_min * 60;
    o->result_deadline = o->sealed_at + (int64_t)lim->to_result_min * 60;
    o->lab_breach = o->lab_at ? o->lab_at > o->lab_deadline : now > o->lab_deadline;
    o->lab_at_risk = !o->lab_at && now <= o->lab_deadline && now >= o->lab_deadline - lim->lab_warn_min * 60;
    o->result_breach = o->result_at ? o->result_at > o->result_deadline : now > o->result_deadline;
    o->result_at_risk =
        !o->result_at && now <= o->result_deadline && now >= o->result_deadline - lim->result_warn_min * 60;
    fx_copy(o->stage, sizeof o->stage, o->result_at ? "result" : o->lab_at ? "lab" : o->hub_at ? "hub"
                                                           : o->picked_at ? "driver" : "sealed");
}

static void read_turn(db_stmt *s, box_turn *o)
{
    memset(o, 0, sizeof *o);
    o->box_id = db_col_i64(s, 0);
    o->sealed_at = db_col_i64(s, 1);
    o->picked_at = db_col_i64(s, 2);
    o->hub_at = db_col_i64(s, 3);
    o->lab_at = db_col_i64(s, 4);
    o->result_at = db_col_i64(s, 5);
    o->tube_count = (int)db_col_i64(s, 6);
    o->resulted = (int)db_col_i64(s, 7);
    fx_copy(o->barcode, sizeof o->barcode, db_col_text(s, 8));
    fx_copy(o->site_area, sizeof o->site_area, db_col_text(s, 9));
}

int box_turn_get(db_conn *c, int64_t box_id, const turnaround_limits *lim, int64_t now, box_turn *out)
{
    db_stmt *s = db_prepare(c, TURN_SELECT "WHERE b.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        read_turn(s, out);
        judge(out, lim, now);
    }
    db_done(s);
    return rc;
}

int turnaround_list(db_conn *c, int64_t round_id, const char *scope_path, enum turn_view view, int64_t now,
                    int64_t after_id, box_turn *out, int max)
{
    turnaround_limits lim;
    if (turnaround_limits_get(c, round_id, &lim) != DB_ROW)
        return DB_ERR;
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    /* The same conditions as judge(), in SQL so that only those boxes are read. */
    db_stmt *s = db_prepare(
        c, view == TURN_AT_RISK
               ? TURN_SELECT "WHERE b.round_id = $1 AND b.id > $2 AND a.path >= $3 AND a.path < $4 AND"
                             " ((t.lab_at IS NULL AND $5 <= b.sealed_at + $6 AND $5 >= b.sealed_at + $6 - $7) OR"
                             " (t.result_at IS NULL AND $5 <= b.sealed_at + $8 AND $5 >= b.sealed_at + $8 - $9))"
                             " ORDER BY b.id LIMIT $10"
               : TURN_SELECT "WHERE b.round_id = $1 AND b.id > $2 AND a.path >= $3 AND a.path < $4 AND"
                             " (COALESCE(t.lab_at, $5) > b.sealed_at + $6 OR COALESCE(t.result_at, $5) > b.sealed_at + $8)"
                             " ORDER BY b.id LIMIT $10");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_id);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, now);
    db_bind_i64(s, 6, (int64_t)lim.to_lab_min * 60);
    db_bind_i64(s, 7, (int64_t)lim.lab_warn_min * 60);
    db_bind_i64(s, 8, (int64_t)lim.to_result_min * 60);
    db_bind_i64(s, 9, (int64_t)lim.result_warn_min * 60);
    db_bind_i64(s, 10, max); /* binding a number the breach query does not use ($7, $9) is harmless */
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        read_turn(s, &out[n]);
        judge(&out[n++], &lim, now);
    }
    db_done(s);
    return rc < 0 ? rc : n;
}
