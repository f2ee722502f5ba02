/* setup.c — a round's transport setup: the hub, travel times (a matrix, or the
 * sites' coordinates at a speed), rules (deadline, service, reminder lead,
 * re-plan threshold), vehicles with shifts, capacities and drivers, and the
 * pickup schedule of the round's sites. Replaced as a whole. */
#include "dispatch/dispatch_internal.h"

#include "core/account.h"
#include "core/area.h"
#include "core/isolation.h"
#include "core/round.h"
#include "core/site.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int vfield_err(fx_err *e, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static int vfield_err(fx_err *e, const char *fmt, va_list ap)
{
    e->kind = FX_EINVAL;
    fx_copy(e->code, sizeof e->code, "invalid_field");
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return FX_EINVAL;
}

static int field_err(fx_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int field_err(fx_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfield_err(e, fmt, ap);
    va_end(ap);
    return FX_EINVAL;
}

/* Item i of the list named list: where becomes "list[i]." for its fields' errors; it must be an object. */
static bool list_item(const json_t *v, const char *list, size_t i, char where[32], fx_err *e)
{
    snprintf(where, 32, "%s[%zu].", list, i);
    if (json_is_object(v))
        return true;
    field_err(e, "%s[%zu]: expected an object", list, i);
    return false;
}

/* Runs an item's bound insert; a constraint failure means the item is listed twice (dup_fmt says which). */
static int store_item(db_stmt *s, const char *list, fx_err *e, const char *dup_fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int store_item(db_stmt *s, const char *list, fx_err *e, const char *dup_fmt, ...)
{
    int r = db_step(s);
    if (r == DB_DONE)
        return 0;
    if (r != DB_ECONSTRAINT)
        return fx_fail(e, FX_EINTERNAL, "internal", "could not store the %s", list);
    va_list ap;
    va_start(ap, dup_fmt);
    vfield_err(e, dup_fmt, ap);
    va_end(ap);
    return FX_EINVAL;
}

static bool known(const json_t *o, const char *const *allowed, const char *where, fx_err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            field_err(e, "%s%s: unknown field", where, k);
            fx_copy(e->code, sizeof e->code, "unknown_field");
            return false;
        }
        (void)v;
    }
    return true;
}

/* A whole number in [min, max]; absent: def (required when def < min). */
static bool num(const json_t *o, const char *where, const char *key, long long min, long long max, long long def,
                long long *out, fx_err *e)
{
    const json_t *v = json_object_get(o, key);
    if (!v && def >= min) {
        *out = def;
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        field_err(e, "%s%s: expected a whole number from %lld to %lld", where, key, min, max);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

static bool text_id(const json_t *o, const char *where, const char *key, bool required, char *out, size_t n,
                    fx_err *e)
{
    const json_t *v = json_object_get(o, key);
    if (!v && !required) {
        out[0] = '\0';
        return true;
    }
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) >= n || strpbrk(s, "@#") || strlen(s) != json_string_length(v)) {
        field_err(e, "%s%s: expected a text id of 1 to %zu bytes without '@' or '#'", where, key, n - 1);
        return false;
    }
    fx_copy(out, n, s);
    return true;
}

/* round_path: the round's area; a driver belongs to its subtree or lies above it (a district's
 * drivers serve its sub-districts), never to a sibling's, whose runs would then show them. */
static int put_vehicles(db_conn *c, int64_t round_id, const char *round_path, const json_t *arr, fx_err *e)
{
    static const char *const fields[] = {"id", "shift_start", "shift_end", "capacity", "driver", NULL};
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > DSP_VEH_MAX)
        return field_err(e, "vehicles: expected a list of 1 to %d vehicles {\"id\",\"shift_start\",\"shift_end\","
                            "\"capacity\",\"driver\"?}", DSP_VEH_MAX);
    db_stmt *s = db_prepare(c, "INSERT INTO transport_vehicles (round_id, vehicle, shift_start, shift_end, capacity,"
                               " driver) VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return FX_EINTERNAL;
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(arr, i, v)
    {
        char where[32], id[DSP_ID_MAX], driver[64];
        long long a, b, cap;
        if (!list_item(v, "vehicles", i, where, e) || !known(v, fields, where, e) ||
            !text_id(v, where, "id", true, id, sizeof id, e) ||
            !num(v, where, "shift_start", 1, 4102444800LL, -1, &a, e) ||
            !num(v, where, "shift_end", 1, 4102444800LL, -1, &b, e) ||
            !num(v, where, "capacity", 1, 100000, -1, &cap, e) || !text_id(v, where, "driver", false, driver, sizeof driver, e)) {
            rc = e->kind;
            break;
        }
        if (b <= a) {
            rc = field_err(e, "%sshift_end: must be after shift_start", where);
            break;
        }
        user u;
        if (driver[0] && (user_get(c, driver, &u, NULL) != DB_ROW || strcmp(u.role, "driver") != 0)) {
            rc = field_err(e, "%sdriver: \"%s\" is not a driver's username", where, driver);
            break;
        }
        size_t lr = strlen(round_path), lu = driver[0] ? strlen(u.area_path) : 0;
        if (driver[0] && strncmp(u.area_path, round_path, lu < lr ? lu : lr) != 0) {
            rc = field_err(e, "%sdriver: \"%s\" drives for another area than the round's", where, driver);
            break;
        }
        db_reset(s);
        db_bind_i64(s, 1, round_id);
        db_bind_text(s, 2, id);
        db_bind_i64(s, 3, a);
        db_bind_i64(s, 4, b);
        db_bind_i64(s, 5, cap);
        db_bind_text(s, 6, driver);
        if ((rc = store_item(s, "vehicles", e, "%sid: \"%s\" is listed twice", where, id)))
            break;
    }
    db_done(s);
    return rc;
}

static int put_pickups(db_conn *c, const actor *who, int64_t round_id, bool has_matrix, const json_t *arr, fx_err *e)
{
    static const char *const fields[] = {"site", "first_seal", "every_min", "last_seal", "boxes_per_seal", NULL};
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > DSP_SITE_MAX)
        return field_err(e, "pickups: expected a list of 1 to %d sites {\"site\",\"first_seal\",\"every_min\","
                            "\"last_seal\",\"boxes_per_seal\"?}", DSP_SITE_MAX);
    db_stmt *s = db_prepare(c, "INSERT INTO transport_pickups (round_id, site_id, first_seal, every_min, last_seal,"
                               " boxes_per_seal) VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return FX_EINTERNAL;
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(arr, i, v)
    {
        char where[32];
        long long id, a, every, b, per;
        if (!list_item(v, "pickups", i, where, e) || !known(v, fields, where, e) ||
            !num(v, where, "site", 1, INT64_MAX, -1, &id, e) ||
            !num(v, where, "first_seal", 1, 4102444800LL, -1, &a, e) ||
            !num(v, where, "every_min", 1, 1440, -1, &every, e) ||
            !num(v, where, "last_seal", 1, 4102444800LL, -1, &b, e) ||
            !num(v, where, "boxes_per_seal", 1, 100, 1, &per, e)) {
            rc = e->kind;
            break;
        }
        site st;
        if (site_get(c, id, &st) != DB_ROW || !actor_in_scope(who, st.area_path)) {
            rc = fx_fail(e, FX_ENOTFOUND, "site_not_found", "%ssite: site %lld does not exist in your area", where, id);
            break;
        }
        if (!has_matrix && !st.has_coords) {
            rc = field_err(e, "%ssite: site %lld has no coordinates; give the site lat/lng or a matrix", where, id);
            break;
        }
        if (b < a) {
            rc = field_err(e, "%slast_seal: must not be before first_seal", where);
            break;
        }
        db_reset(s);
        db_bind_i64(s, 1, round_id);
        db_bind_i64(s, 2, id);
        db_bind_i64(s, 3, a);
        db_bind_i64(s, 4, every);
        db_bind_i64(s, 5, b);
        db_bind_i64(s, 6, per);
        if ((rc = store_item(s, "pickups", e, "%ssite: site %lld is listed twice", where, id)))
            break;
    }
    db_done(s);
    return rc;
}

int dsp_round_check(db_conn *c, const actor *who, int64_t round_id, fx_round *r, fx_err *e)
{
    area a;
    if (round_get(c, round_id, r) != DB_ROW || area_get_id(c, r->area_id, &a) != DB_ROW ||
        !actor_in_scope(who, a.path))
        return fx_fail(e, FX_ENOTFOUND, "round_not_found", "round %lld does not exist in your area",
                       (long long)round_id);
    return 0;
}

int dsp_setup_put(db_conn *c, const actor *who, int64_t round_id, const json_t *body, fx_err *e)
{
    static const char *const fields[] = {"hub", "hub_lat", "hub_lng", "matrix", "speed_kmh", "deadline_min",
                                         "service_min", "lead_min", "replan_min", "vehicles", "pickups", "osrm", NULL};
    fx_round r;
    area ra;
    int rc = dsp_round_check(c, who, round_id, &r, e);
    if (rc)
        return rc;
    char hub[DSP_ID_MAX];
    long long deadline, service, lead, replan;
    if (!known(body, fields, "", e) || !text_id(body, "", "hub", true, hub, sizeof hub, e) ||
        !num(body, "", "deadline_min", 1, 1440, 90, &deadline, e) || !num(body, "", "service_min", 0, 120, 3, &service, e) ||
        !num(body, "", "lead_min", 1, 240, 15, &lead, e) || !num(body, "", "replan_min", 1, 240, 10, &replan, e))
        return e->kind;
    const json_t *m = json_object_get(body, "matrix"), *lat = json_object_get(body, "hub_lat"),
                 *lng = json_object_get(body, "hub_lng"), *sp = json_object_get(body, "speed_kmh");
    if (m && !json_is_object(m))
        return field_err(e, "matrix: expected {\"ids\",\"minutes\",\"km\"} as in the transport plan format");
    if (!m && (!json_is_number(lat) || fabs(json_number_value(lat)) > 90 || !json_is_number(lng) ||
               fabs(json_number_value(lng)) > 180))
        return field_err(e, "hub_lat: the hub's hub_lat and hub_lng (WGS-84 degrees) are needed without a matrix");
    if (sp && (!json_is_number(sp) || !(json_number_value(sp) > 0) || json_number_value(sp) > 300))
        return field_err(e, "speed_kmh: expected a number above 0 and at most 300");
    const json_t *os = json_object_get(body, "osrm");
    const char *osrm = json_string_value(os);
    if (os && !json_is_null(os) &&
        (!osrm || (strncmp(osrm, "http://", 7) && strncmp(osrm, "https://", 8)) || strlen(osrm) >= 512 ||
         strpbrk(osrm, " ?#\r\n")))
        return field_err(e, "osrm: expected the OSRM service's address, http://host:port or https://… (no query)");
    if (osrm && m)
        return field_err(e, "osrm: only used without a matrix (travel times from the sites' coordinates)");
    char *mtext = m ? json_dumps(m, JSON_COMPACT) : NULL;
    db_stmt *s = db_prepare(c, "DELETE FROM transport_vehicles WHERE round_id = $1");
    db_stmt *s2 = db_prepare(c, "DELETE FROM transport_pickups WHERE round_id = $1");
    db_stmt *s3 = db_prepare(
        c, "INSERT INTO transport_setups (round_id, hub, hub_lat, hub_lng, matrix, speed_kmh, deadline_min, service_min,"
           " lead_min, replan_min, day0, updated_by, updated_at, osrm) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
           " $11, $12, $13, $14) ON CONFLICT (round_id) DO UPDATE SET hub = excluded.hub, hub_lat = excluded.hub_lat,"
           " hub_lng = excluded.hub_lng, matrix = excluded.matrix, speed_kmh = excluded.speed_kmh,"
           " deadline_min = excluded.deadline_min, service_min = excluded.service_min, lead_min = excluded.lead_min,"
           " replan_min = excluded.replan_min, day0 = excluded.day0, updated_by = excluded.updated_by,"
           " updated_at = excluded.updated_at, osrm = excluded.osrm");
    rc = s && s2 && s3 ? 0 : FX_EINTERNAL;
    if (!rc) {
        db_bind_i64(s, 1, round_id);
        db_bind_i64(s2, 1, round_id);
        db_bind_i64(s3, 1, round_id);
        db_bind_text(s3, 2, hub);
        m ? db_bind_null(s3, 3) : db_bind_double(s3, 3, json_number_value(lat));
        m ? db_bind_null(s3, 4) : db_bind_double(s3, 4, json_number_value(lng));
        db_bind_text(s3, 5, mtext);
        db_bind_double(s3, 6, sp ? json_number_value(sp) : 30);
        db_bind_i64(s3, 7, deadline);
        db_bind_i64(s3, 8, service);
        db_bind_i64(s3, 9, lead);
        db_bind_i64(s3, 10, replan);
        db_bind_i64(s3, 11, iso_day0(r.start_at));
        db_bind_text(s3, 12, who->log.name);
        db_bind_i64(s3, 13, fx_now());
        osrm ? db_bind_text(s3, 14, osrm) : db_bind_null(s3, 14);
        if (db_step(s) != DB_DONE || db_step(s2) != DB_DONE || db_step(s3) != DB_DONE)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not store the transport setup");
    }
    db_done(s), db_done(s2), db_done(s3);
    free(mtext);
    if (!rc)
        rc = area_get_id(c, r.area_id, &ra) == DB_ROW
                 ? put_vehicles(c, round_id, ra.path, json_object_get(body, "vehicles"), e)
                 : fx_fail(e, FX_EINTERNAL, "internal", "could not read the round's area");
    if (!rc)
        rc = put_pickups(c, who, round_id, m != NULL, json_object_get(body, "pickups"), e);
    if (!rc) {
        char id[24], ch[96];
        snprintf(id, sizeof id, "%lld", (long long)round_id);
        snprintf(ch, sizeof ch, "{\"vehicles\":%zu,\"pickups\":%zu}", json_array_size(json_object_get(body, "vehicles")),
                 json_array_size(json_object_get(body, "pickups")));
        if (audit_record(c, &who->log, "transport_setup", "round", id, ch) < 0)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not record the audit entry");
    }
    return rc;
}

int dsp_load(db_conn *c, int64_t round_id, dsp_setup *o)
{
    memset(o, 0, sizeof *o);
    db_stmt *s = db_prepare(c, "SELECT hub, COALESCE(hub_lat, 0), COALESCE(hub_lng, 0), matrix, speed_kmh, deadline_min,"
                               " service_min, lead_min, replan_min, day0, seen_box_id, COALESCE(osrm, '') FROM transport_setups"
                               " WHERE round_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        o->round_id = round_id;
        fx_copy(o->hub, sizeof o->hub, db_col_text(s, 0));
        o->hub_lat = db_col_double(s, 1);
        o->hub_lng = db_col_double(s, 2);
        o->matrix = db_col_null(s, 3) ? NULL : json_loads(db_col_text(s, 3), 0, NULL);
        o->speed = db_col_double(s, 4);
        o->deadline = (int)db_col_i64(s, 5);
        o->service = (int)db_col_i64(s, 6);
        o->lead = (int)db_col_i64(s, 7);
        o->replan = (int)db_col_i64(s, 8);
        o->day0 = db_col_i64(s, 9);
        o->seen_box_id = db_col_i64(s, 10);
        fx_copy(o->osrm, sizeof o->osrm, db_col_text(s, 11));
    }
    db_done(s);
    if (rc != DB_ROW)
        return rc;
    s = db_prepare(c, "SELECT vehicle, shift_start, shift_end, capacity, driver FROM transport_vehicles"
                      " WHERE round_id = $1 ORDER BY vehicle");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    while (o->nveh < DSP_VEH_MAX && db_step(s) == DB_ROW) {
        dsp_vehicle *v = &o->veh[o->nveh++];
        fx_copy(v->id, sizeof v->id, db_col_text(s, 0));
        v->start = db_col_i64(s, 1);
        v->end = db_col_i64(s, 2);
        v->capacity = (int)db_col_i64(s, 3);
        fx_copy(v->driver, sizeof v->driver, db_col_text(s, 4));
    }
    db_done(s);
    s = db_prepare(c, "SELECT p.site_id, p.first_seal, p.every_min, p.last_seal, p.boxes_per_seal, s.name,"
                      " COALESCE(s.lat, 0), COALESCE(s.lng, 0) FROM transport_pickups p JOIN sites s ON s.id = p.site_id"
                      " WHERE p.round_id = $1 ORDER BY p.site_id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    while (o->nsite < DSP_SITE_MAX && db_step(s) == DB_ROW) {
        dsp_pickup *p = &o->site[o->nsite++];
        p->site_id = db_col_i64(s, 0);
        snprintf(p->id, sizeof p->id, "%lld", (long long)p->site_id);
        p->first = db_col_i64(s, 1);
        p->every = (int)db_col_i64(s, 2);
        p->last = db_col_i64(s, 3);
        p->per = (int)db_col_i64(s, 4);
        fx_copy(p->name, sizeof p->name, db_col_text(s, 5));
        p->lat = db_col_double(s, 6);
        p->lng = db_col_double(s, 7);
    }
    db_done(s);
    return DB_ROW;
}

void dsp_unload(dsp_setup *o)
{
    json_decref(o->matrix);
    o->matrix = NULL;
}

json_t *dsp_setup_get(db_conn *c, int64_t round_id)
{
    dsp_setup *st = malloc(sizeof *st);
    if (!st || dsp_load(c, round_id, st) != DB_ROW) {
        if (st)
            dsp_unload(st);
        free(st);
        return NULL;
    }
    json_t *j = json_pack("{s:I, s:s, s:f, s:i, s:i, s:i, s:i, s:I}", "round", (json_int_t)round_id, "hub", st->hub,
                          "speed_kmh", st->speed, "deadline_min", st->deadline, "service_min", st->service, "lead_min",
                          st->lead, "replan_min", st->replan, "day0", (json_int_t)st->day0);
    if (st->matrix)
        json_object_set(j, "matrix", st->matrix);
    else {
        json_object_set_new(j, "hub_lat", json_real(st->hub_lat));
        json_object_set_new(j, "hub_lng", json_real(st->hub_lng));
        json_object_set_new(j, "osrm", st->osrm[0] ? json_string(st->osrm) : json_null());
    }
    json_t *vs = json_array(), *ps = json_array();
    for (int i = 0; i < st->nveh; i++)
        json_array_append_new(vs, json_pack("{s:s, s:I, s:I, s:i, s:s}", "id", st->veh[i].id, "shift_start",
                                            (json_int_t)st->veh[i].start, "shift_end", (json_int_t)st->veh[i].end,
                                            "capacity", st->veh[i].capacity, "driver", st->veh[i].driver));
    for (int i = 0; i < st->nsite; i++) {
        const dsp_pickup *p = &st->site[i];
        bool placed = p->lat != 0 || p->lng != 0; /* loaded as 0, 0 when the site has no coordinates */
        json_array_append_new(ps, json_pack("{s:I, s:s, s:I, s:i, s:I, s:i, s:o, s:o}", "site", (json_int_t)p->site_id,
                                            "name", p->name, "first_seal", (json_int_t)p->first, "every_min", p->every,
                                            "last_seal", (json_int_t)p->last, "boxes_per_seal", p->per, "lat",
                                            placed ? json_real(p->lat) : json_null(), "lng",
                                            placed ? json_real(p->lng) : json_null()));
    }
    json_object_set_new(j, "vehicles", vs);
    json_object_set_new(j, "pickups", ps);
    dsp_unload(st);
    free(st);
    return j;
}
