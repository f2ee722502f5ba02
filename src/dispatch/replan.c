/* replan.c — a round's plan, made from its schedule and redone from what happened.
 *
 * Re-planning at minute N (from day0):
 *   - boxes: the plan's boxes, with real seal times and barcodes from the sampling
 *     data (a real box takes the nearest unmatched planned box of its site within
 *     max(replan_min, every_min/2), else it is new); a planned box still unsealed
 *     more than that tolerance after its time is dropped (the site did not seal
 *     it; when it does, the seal is new and re-plans), one unsealed within it is
 *     expected now;
 *   - handovers: a box handed to a driver is on board that vehicle (the latest
 *     one), one handed to the hub or lab is done;
 *   - runs that ended by N stay as they are, with only the boxes they brought in;
 *     a vehicle's current run (left the hub by N, or carrying boxes) keeps its
 *     stops done by N (or holding boxes on board; else its first stop, it is on
 *     its way there); boxes on board a vehicle without one (known to the setup or
 *     not) ride on a run of it from their sites straight to the hub; nothing not
 *     done yet happens before N;
 *   - two alternatives: A keeps the rest of every current run (times recomputed
 *     from real seals), B sends each such vehicle from its last done stop straight
 *     to the hub; everything else is planned afresh by the planner, each vehicle
 *     from the hub when its current run ends. B is taken only when it is strictly
 *     better on the first two criteria of the objective (late boxes, then total
 *     lateness): a driver's run is kept unless keeping it makes a box late.
 * The future part is checked by tp_check before anything is stored. */
#include "dispatch/dispatch_internal.h"

#include "transport/osrm.h"
#include "transport/transport.h"
#include "util/fx_log.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXSTOPS 128

enum { B_EXPECTED, B_WAITING, B_ONBOARD, B_DELIVERED, B_DROPPED };

typedef struct pbox {
    char id[TP_ID_MAX + 24], barcode[48], veh[DSP_ID_MAX];
    int site, seal, state, picked, delivered;
    bool real, taken; /* taken: carried by a fixed part of the alternative being built */
} pbox;

typedef struct pstop {
    int loc;
    int arrive, depart;
    bool hub;
    int nbox, box[64]; /* pbox indices picked here */
} pstop;

typedef struct prun {
    int veh;
    int depart, nstop;
    pstop stop[MAXSTOPS];
    bool current, done;
    json_t *src; /* the stored run (borrowed) */
} prun;

typedef struct rp {
    dsp_setup *st;
    tp_problem geo;   /* travel times: every site and the hub */
    int now;
    pbox *box;
    int nbox, cap;
    prun *run;
    int nrun;
    int avail[DSP_VEH_MAX];
} rp;

static int loc_of(const rp *r, const char *id)
{
    for (int i = 0; i < r->geo.nloc; i++)
        if (strcmp(r->geo.loc_id[i], id) == 0)
            return i;
    return -1;
}
static int travel(const rp *r, int a, int b) { return (int)r->geo.minutes[(size_t)a * r->geo.nloc + b]; }

static json_t *travel_part(const dsp_setup *st, json_t *pr)
{
    if (st->matrix) {
        json_object_set(pr, "matrix", st->matrix);
        return pr;
    }
    json_t *co = json_object();
    json_object_set_new(co, st->hub, json_pack("[f,f]", st->hub_lat, st->hub_lng));
    for (int i = 0; i < st->nsite; i++)
        json_object_set_new(co, st->site[i].id, json_pack("[f,f]", st->site[i].lat, st->site[i].lng));
    json_object_set_new(pr, "coords", co);
    json_object_set_new(pr, "speed_kmh", json_real(st->speed));
    return pr;
}

static json_t *problem_head(const dsp_setup *st)
{
    json_t *pr = json_pack("{s:s, s:i, s:i}", "hub", st->hub, "deadline_min", st->deadline, "service_min", st->service);
    return travel_part(st, pr);
}

/* Travel times between every place, through the parser (one box per site, one long shift). */
static int load_geo(rp *r, fx_err *e)
{
    json_t *pr = problem_head(r->st), *sites = json_array();
    for (int i = 0; i < r->st->nsite; i++)
        json_array_append_new(sites, json_pack("{s:s, s:[i]}", "id", r->st->site[i].id, "seals", 0));
    json_object_set_new(pr, "sites", sites);
    json_object_set_new(pr, "vehicles", json_pack("[{s:s, s:i, s:i, s:i}]", "id", "geo", "start", 0, "end", 20000,
                                                  "capacity", 1));
    char err[400];
    int rc = tp_parse(pr, NULL, &r->geo, err, sizeof err);
    json_decref(pr);
    if (rc)
        return fx_fail(e, FX_ERULE, "invalid_setup", "the transport setup's travel times are unusable: %s", err);
    return 0;
}

static int add_box(rp *r)
{
    if (r->nbox == r->cap) {
        int cap = r->cap ? r->cap * 2 : 256;
        pbox *b = realloc(r->box, (size_t)cap * sizeof *b);
        if (!b)
            return -1;
        r->box = b, r->cap = cap;
    }
    memset(&r->box[r->nbox], 0, sizeof r->box[0]);
    r->box[r->nbox].picked = r->box[r->nbox].delivered = -1;
    return r->nbox++;
}

static int site_index(const dsp_setup *st, const char *id)
{
    for (int i = 0; id && i < st->nsite; i++)
        if (strcmp(st->site[i].id, id) == 0)
            return i;
    return -1;
}

static int find_box(const rp *r, const char *id)
{
    for (int i = 0; id && i < r->nbox; i++)
        if (strcmp(r->box[i].id, id) == 0)
            return i;
    return -1;
}

/* The stored plan's boxes, then the real ones matched onto them. */
static int load_boxes(rp *r, db_conn *c, const json_t *plan)
{
    size_t k;
    json_t *b;
    json_array_foreach(json_object_get(plan, "boxes"), k, b)
    {
        int s = site_index(r->st, json_string_value(json_object_get(b, "site")));
        int i = s < 0 ? -1 : add_box(r);
        if (i < 0)
            continue;
        pbox *x = &r->box[i];
        fx_copy(x->id, sizeof x->id, json_string_value(json_object_get(b, "id")));
        x->site = s;
        x->seal = (int)json_integer_value(json_object_get(b, "sealed"));
        const char *bc = json_string_value(json_object_get(b, "barcode"));
        fx_copy(x->barcode, sizeof x->barcode, bc ? bc : "");
        x->state = B_EXPECTED;
    }
    db_stmt *s = db_prepare(
        c, "SELECT b.barcode, b.site_id, b.sealed_at,"
           " (SELECT h.vehicle FROM handovers h WHERE h.box_id = b.id AND h.to_kind = 'driver' ORDER BY h.at DESC LIMIT 1),"
           " (SELECT MAX(h.at) FROM handovers h WHERE h.box_id = b.id AND h.to_kind = 'driver'),"
           " (SELECT MIN(h.at) FROM handovers h WHERE h.box_id = b.id AND (h.to_kind = 'hub' OR h.to_kind = 'lab'))"
           " FROM boxes b WHERE b.round_id = $1 ORDER BY b.sealed_at, b.id");
    if (!s)
        return -1;
    db_bind_i64(s, 1, r->st->round_id);
    while (db_step(s) == DB_ROW) {
        char sid[24];
        snprintf(sid, sizeof sid, "%lld", (long long)db_col_i64(s, 1));
        int site = site_index(r->st, sid), seal = dsp_min(r->st, db_col_i64(s, 2));
        if (site < 0)
            continue; /* a site without a pickup schedule is not this plan's */
        const char *bc = db_col_text(s, 0);
        int m = -1;
        for (int i = 0; i < r->nbox && m < 0; i++)
            if (strcmp(r->box[i].barcode, bc) == 0)
                m = i;
        int tol = r->st->site[site].every / 2 > r->st->replan ? r->st->site[site].every / 2 : r->st->replan;
        for (int i = 0; i < r->nbox && m < 0; i++) {
            const pbox *x = &r->box[i];
            if (!x->real && !x->barcode[0] && x->site == site && abs(x->seal - seal) <= tol)
                m = i; /* planned boxes are in seal order: the first in range is the nearest unmatched early one */
        }
        if (m < 0 && (m = add_box(r)) >= 0) {
            r->box[m].site = site;
            snprintf(r->box[m].id, sizeof r->box[m].id, "%s@%d", r->st->site[site].id, seal);
        }
        if (m < 0)
            break;
        pbox *x = &r->box[m];
        x->real = true;
        x->seal = seal;
        fx_copy(x->barcode, sizeof x->barcode, bc);
        x->state = B_WAITING;
        if (!db_col_null(s, 5)) {
            x->state = B_DELIVERED;
            x->delivered = dsp_min(r->st, db_col_i64(s, 5));
        } else if (!db_col_null(s, 4)) {
            x->state = B_ONBOARD;
            x->picked = dsp_min(r->st, db_col_i64(s, 4));
            fx_copy(x->veh, sizeof x->veh, db_col_text(s, 3));
        }
    }
    db_done(s);
    for (int i = 0; i < r->nbox; i++) {
        pbox *x = &r->box[i];
        int tol = r->st->site[x->site].every / 2 > r->st->replan ? r->st->site[x->site].every / 2 : r->st->replan;
        if (x->state == B_EXPECTED && x->seal < r->now - tol)
            x->state = B_DROPPED;
        else if (x->state == B_EXPECTED && x->seal < r->now)
            x->seal = r->now;
    }
    return 0;
}

static int veh_index(const dsp_setup *st, const char *id)
{
    for (int i = 0; id && i < st->nveh; i++)
        if (strcmp(st->veh[i].id, id) == 0)
            return i;
    return -1;
}

static int load_runs(rp *r, const json_t *plan)
{
    const json_t *runs = json_object_get(plan, "runs");
    r->run = calloc(json_array_size(runs) + 1, sizeof *r->run);
    if (!r->run)
        return -1;
    size_t k;
    json_t *j;
    json_array_foreach(runs, k, j)
    {
        prun *u = &r->run[r->nrun];
        u->veh = veh_index(r->st, json_string_value(json_object_get(j, "vehicle")));
        const json_t *stops = json_object_get(j, "stops");
        if (u->veh < 0 || json_array_size(stops) == 0 || json_array_size(stops) > MAXSTOPS)
            continue;
        u->src = j;
        u->depart = (int)json_integer_value(json_object_get(j, "depart"));
        size_t si;
        json_t *sj;
        json_array_foreach(stops, si, sj)
        {
            pstop *p = &u->stop[u->nstop++];
            p->loc = loc_of(r, json_string_value(json_object_get(sj, "at")));
            p->hub = p->loc == r->geo.hub;
            p->arrive = (int)json_integer_value(json_object_get(sj, "arrive"));
            p->depart = (int)json_integer_value(json_object_get(sj, "depart"));
            size_t bi;
            json_t *bj;
            json_array_foreach(json_object_get(sj, "pickup"), bi, bj)
            {
                int b = find_box(r, json_string_value(bj));
                if (b >= 0 && p->nbox < 64)
                    p->box[p->nbox++] = b;
            }
        }
        const pstop *last = &u->stop[u->nstop - 1];
        bool carries = false;
        for (int s = 0; s < u->nstop; s++)
            for (int b = 0; b < u->stop[s].nbox; b++) {
                const pbox *x = &r->box[u->stop[s].box[b]];
                carries |= x->state == B_ONBOARD && strcmp(x->veh, r->st->veh[u->veh].id) == 0;
            }
        u->done = last->arrive <= r->now && !carries; /* boxes on board: not at the hub yet, whatever the plan said */
        u->current = !u->done && (u->depart <= r->now || carries);
        r->nrun++;
    }
    return 0;
}

/* The fixed parts of alternative keep (A) or not (B): done runs as stored, current
 * runs recomputed; fills r->avail and the fixed boxes' pickup and delivery. */
typedef struct fixed {
    json_t *runs;          /* runs to show before the planner's */
    int late, total_late;  /* over the boxes they carry */
    int kept;              /* current runs kept */
} fixed;

static bool on_board(const rp *r, const pbox *x, int v)
{
    return x->state == B_ONBOARD && strcmp(x->veh, r->st->veh[v].id) == 0;
}

static void late_add(const rp *r, fixed *f, const pbox *x)
{
    int l = x->delivered - x->seal - r->st->deadline;
    if (l > 0)
        f->late++, f->total_late += l;
}

static json_t *stop_json(const rp *r, int loc, int arrive, int depart, json_t *ids, bool done)
{
    return json_pack("{s:s, s:i, s:i, s:o, s:b}", "at", r->geo.loc_id[loc], "arrive", arrive, "depart", depart,
                     loc == r->geo.hub ? "drop" : "pickup", ids, "done", done);
}

/* A stop not made yet, or the hub with boxes not handed in yet, is reached no earlier than now. */
static int not_before_now(const rp *r, int t) { return t > r->now ? t : r->now; }

/* The box handed over first among those on board vehicle veh (any vehicle when NULL) that no
 * run carries yet, else -1. */
static int next_on_board(const rp *r, const char *veh)
{
    int best = -1;
    for (int i = 0; i < r->nbox; i++) {
        const pbox *x = &r->box[i];
        if (x->state != B_ONBOARD || x->taken || (veh && strcmp(x->veh, veh) != 0))
            continue;
        if (best < 0 || x->picked < r->box[best].picked)
            best = i;
    }
    return best;
}

/* Boxes on board a vehicle without a current run (the stored plan had them on another vehicle,
 * none of its runs is under way, or it is not in the setup): that vehicle's run from where it
 * took them (each box's site, in handover order) straight to the hub. */
static void on_board_runs(rp *r, fixed *f)
{
    for (int first; (first = next_on_board(r, NULL)) >= 0;) {
        char veh[DSP_ID_MAX];
        fx_copy(veh, sizeof veh, r->box[first].veh);
        json_t *stops = json_array(), *ids = NULL, *drop = json_array();
        int car[256], ncar = 0, loc = -1, arrive = 0, t = 0;
        for (int i; ncar < 256 && (i = next_on_board(r, veh)) >= 0;) {
            pbox *x = &r->box[i];
            int at = loc_of(r, r->st->site[x->site].id);
            if (at != loc) {
                if (ids)
                    json_array_append_new(stops, stop_json(r, loc, arrive, t + r->st->service, ids, true));
                ids = json_array(), loc = at, arrive = x->picked;
            }
            x->taken = true;
            car[ncar++] = i, t = x->picked;
            json_array_append_new(ids, json_string(x->id));
            json_array_append_new(drop, json_string(x->id));
        }
        json_array_append_new(stops, stop_json(r, loc, arrive, t + r->st->service, ids, true));
        int hub = not_before_now(r, t + r->st->service + travel(r, loc, r->geo.hub));
        for (int b = 0; b < ncar; b++) {
            r->box[car[b]].delivered = hub;
            late_add(r, f, &r->box[car[b]]);
        }
        json_array_append_new(stops, stop_json(r, r->geo.hub, hub, hub + r->st->service, drop, false));
        int start = r->box[car[0]].picked - travel(r, r->geo.hub, loc_of(r, r->st->site[r->box[car[0]].site].id));
        json_array_append_new(f->runs, json_pack("{s:s, s:i, s:o, s:s, s:b}", "vehicle", veh, "depart", start, "stops",
                                                 stops, "state", "current", "kept", false));
        int v = veh_index(r->st, veh);
        if (v >= 0 && hub + r->st->service > r->avail[v])
            r->avail[v] = hub + r->st->service;
    }
}

static void build_fixed(rp *r, bool keep, fixed *f)
{
    memset(f, 0, sizeof *f);
    f->runs = json_array();
    for (int i = 0; i < r->nbox; i++)
        r->box[i].taken = false;
    for (int v = 0; v < r->st->nveh; v++) {
        int s0 = dsp_min(r->st, r->st->veh[v].start);
        r->avail[v] = s0 > r->now ? s0 : r->now;
    }
    for (int k = 0; k < r->nrun; k++) {
        prun *u = &r->run[k];
        if (u->done) { /* history: as stored, with only the boxes it brought in (the others were not
                          sealed, are still waiting, or are on board another vehicle) */
            json_t *run = json_deep_copy(u->src);
            size_t si;
            json_t *sj;
            json_array_foreach(json_object_get(run, "stops"), si, sj)
            {
                json_t *ids = json_object_get(sj, u->stop[si].hub ? "drop" : "pickup");
                for (size_t i = json_array_size(ids); i-- > 0;) {
                    int b = find_box(r, json_string_value(json_array_get(ids, i)));
                    if (b < 0 || r->box[b].state != B_DELIVERED || r->box[b].taken)
                        json_array_remove(ids, i);
                    else if (u->stop[si].hub) {
                        pbox *x = &r->box[b];
                        x->taken = true;
                        if (x->picked < 0)
                            x->picked = x->seal;
                        late_add(r, f, x);
                    } else if (r->box[b].picked < 0)
                        r->box[b].picked = u->stop[si].depart - r->st->service;
                }
                json_object_set_new(sj, "done", json_true());
            }
            json_object_set_new(run, "state", json_string("done"));
            json_array_append_new(f->runs, run);
            int back = u->stop[u->nstop - 1].depart;
            if (back > r->avail[u->veh])
                r->avail[u->veh] = back;
            continue;
        }
        if (!u->current)
            continue;
        /* d: the last stop done. Handovers say where the vehicle really is: the last stop
           with a box on board; without any, the last stop the plan reached by now; else
           the first (it is on its way there) */
        int d = 0, d_hand = -1;
        for (int s = 0; s < u->nstop; s++) {
            if (u->stop[s].hub)
                continue;
            if (u->stop[s].arrive <= r->now)
                d = s;
            for (int b = 0; b < u->stop[s].nbox; b++)
                if (on_board(r, &r->box[u->stop[s].box[b]], u->veh))
                    d_hand = s;
        }
        if (d_hand >= 0)
            d = d_hand;
        json_t *stops = json_array();
        int t = u->stop[0].arrive, prev = r->geo.hub, onb = 0;
        int carried[256];
        int ncar = 0;
        for (int s = 0; s < u->nstop; s++) {
            const pstop *p = &u->stop[s];
            bool done = s <= d;
            if (!done && !keep)
                break;
            if (p->hub)
                break;
            json_t *ids = json_array();
            int ready = 0;
            for (int b = 0; b < p->nbox; b++) {
                pbox *x = &r->box[p->box[b]];
                bool mine = on_board(r, x, u->veh) ||
                            ((x->state == B_WAITING || x->state == B_EXPECTED) && (!done || s == d));
                if (!mine || x->taken || ncar >= 256)
                    continue;
                x->taken = true;
                carried[ncar++] = p->box[b];
                json_array_append_new(ids, json_string(x->id));
                ready = x->seal > ready ? x->seal : ready;
            }
            if (json_array_size(ids) == 0 && !done) { /* nothing left to collect there */
                json_decref(ids);
                continue;
            }
            int arrive = done ? p->arrive : not_before_now(r, t + travel(r, prev, p->loc));
            int start = arrive > ready ? arrive : ready;
            for (int b = onb; b < ncar; b++) {
                pbox *x = &r->box[carried[b]];
                if (x->state == B_ONBOARD && x->picked > start)
                    start = x->picked; /* the handover says when it really happened */
            }
            int depart = start + r->st->service;
            for (int b = onb; b < ncar; b++)
                if (r->box[carried[b]].state != B_ONBOARD)
                    r->box[carried[b]].picked = start;
            onb = ncar;
            json_array_append_new(stops, stop_json(r, p->loc, arrive, depart, ids, done));
            t = depart, prev = p->loc;
        }
        /* boxes handed to this vehicle that its run did not list ride along */
        for (int i = 0; i < r->nbox && ncar < 256; i++)
            if (on_board(r, &r->box[i], u->veh) && !r->box[i].taken) {
                r->box[i].taken = true;
                carried[ncar++] = i;
            }
        int arrive = not_before_now(r, t + travel(r, prev, r->geo.hub));
        json_t *drop = json_array();
        for (int b = 0; b < ncar; b++) {
            pbox *x = &r->box[carried[b]];
            x->delivered = arrive;
            if (x->picked < 0)
                x->picked = x->seal;
            json_array_append_new(drop, json_string(x->id));
            late_add(r, f, x);
        }
        json_array_append_new(stops, stop_json(r, r->geo.hub, arrive, arrive + r->st->service, drop, false));
        json_array_append_new(f->runs, json_pack("{s:s, s:i, s:o, s:s, s:b}", "vehicle", r->st->veh[u->veh].id,
                                                 "depart", u->depart, "stops", stops, "state", "current", "kept", keep));
        f->kept += keep;
        if (arrive + r->st->service > r->avail[u->veh])
            r->avail[u->veh] = arrive + r->st->service;
    }
    on_board_runs(r, f);
}

/* The problem of everything not carried by the fixed part. order: pbox index per box
 * of the parsed problem (site by site, in seal order), nord of them. */
static json_t *future_problem(rp *r, int *order, int *nord)
{
    json_t *pr = problem_head(r->st), *sites = json_array(), *veh = json_array();
    *nord = 0;
    for (int s = 0; s < r->st->nsite; s++) {
        json_t *seals = json_array();
        /* in seal order: the parser names boxes in list order */
        for (;;) {
            int best = -1;
            for (int i = 0; i < r->nbox; i++) {
                const pbox *x = &r->box[i];
                if (x->site != s || x->taken || (x->state != B_WAITING && x->state != B_EXPECTED))
                    continue;
                if (best < 0 || x->seal < r->box[best].seal)
                    best = i;
            }
            if (best < 0)
                break;
            r->box[best].taken = true; /* released after planning */
            order[(*nord)++] = best;
            json_array_append_new(seals, json_integer(r->box[best].seal));
        }
        if (json_array_size(seals))
            json_array_append_new(sites, json_pack("{s:s, s:o}", "id", r->st->site[s].id, "seals", seals));
        else
            json_decref(seals);
    }
    for (int v = 0; v < r->st->nveh; v++) {
        int end = dsp_min(r->st, r->st->veh[v].end);
        if (r->avail[v] < end)
            json_array_append_new(veh, json_pack("{s:s, s:i, s:i, s:i}", "id", r->st->veh[v].id, "start", r->avail[v],
                                                 "end", end, "capacity", r->st->veh[v].capacity));
    }
    json_object_set_new(pr, "sites", sites);
    json_object_set_new(pr, "vehicles", veh);
    return pr;
}

typedef struct alt {
    fixed f;
    json_t *problem, *future; /* future: the planner's plan of problem (NULL: nothing to plan) */
    int late, total_late, violations;
    int *order, nord;
} alt;

static int plan_alt(rp *r, bool keep, long iterations, alt *a, fx_err *e)
{
    memset(a, 0, sizeof *a);
    build_fixed(r, keep, &a->f);
    a->order = malloc((size_t)(r->nbox + 1) * sizeof *a->order);
    if (!a->order)
        return fx_fail(e, FX_EBUSY, "busy", "out of memory planning; try again");
    a->problem = future_problem(r, a->order, &a->nord);
    for (int i = 0; i < a->nord; i++)
        r->box[a->order[i]].taken = false;
    a->late = a->f.late, a->total_late = a->f.total_late;
    if (a->nord == 0)
        return 0;
    if (json_array_size(json_object_get(a->problem, "vehicles")) == 0) { /* no shift left: all of them late */
        a->late += a->nord;
        a->total_late += a->nord * 1440;
        return 0;
    }
    tp_problem p;
    char err[400];
    int rc = tp_parse(a->problem, NULL, &p, err, sizeof err);
    if (rc)
        return fx_fail(e, FX_ERULE, "cannot_plan", "the round's transport cannot be planned: %s", err);
    plan_options o = tp_options(false, 30, iterations, 1);
    a->future = tp_plan(&p, &o);
    if (a->future) {
        json_t *viol = json_array();
        a->violations = tp_check(&p, a->future, viol);
        json_decref(viol);
        const json_t *sm = json_object_get(a->future, "summary");
        a->late += (int)json_integer_value(json_object_get(sm, "late_boxes"));
        a->total_late += (int)json_integer_value(json_object_get(sm, "total_late_min"));
    }
    tp_free(&p);
    if (!a->future)
        return fx_fail(e, FX_EBUSY, "busy", "out of memory planning; try again");
    return 0;
}

static void alt_free(alt *a)
{
    json_decref(a->f.runs);
    json_decref(a->problem);
    json_decref(a->future);
    free(a->order);
}

/* The whole plan: fixed runs and boxes, then the planner's, with barcodes. */
static json_t *combine(rp *r, alt *a)
{
    json_t *runs = json_deep_copy(a->f.runs), *boxes = json_array();
    int late = 0, max_late = 0, total = 0, nbox = 0;
    bool used[DSP_VEH_MAX] = {0};
    for (int i = 0; i < r->nbox; i++) {
        pbox *x = &r->box[i];
        if (!x->taken)
            continue;
        int l = x->delivered - x->seal - r->st->deadline;
        l = l > 0 ? l : 0;
        json_t *b = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "id", x->id, "site", r->st->site[x->site].id, "sealed",
                              x->seal, "picked", x->picked, "delivered", x->delivered, "late_min", l);
        if (x->barcode[0])
            json_object_set_new(b, "barcode", json_string(x->barcode));
        json_array_append_new(boxes, b);
        late += l > 0, total += l, nbox++;
        max_late = l > max_late ? l : max_late;
    }
    if (a->future) {
        size_t k;
        json_t *j;
        json_array_foreach(json_object_get(a->future, "runs"), k, j)
        {
            json_t *run = json_deep_copy(j);
            json_object_set_new(run, "state", json_string("planned"));
            json_array_append_new(runs, run);
        }
        /* the parser named boxes in the order they were listed: a->order maps them back */
        json_array_foreach(json_object_get(a->future, "boxes"), k, j)
        {
            json_t *b = json_deep_copy(j);
            const pbox *x = k < (size_t)a->nord ? &r->box[a->order[k]] : NULL;
            if (x && x->barcode[0])
                json_object_set_new(b, "barcode", json_string(x->barcode));
            json_int_t l = json_integer_value(json_object_get(b, "late_min"));
            late += l > 0 || json_is_null(json_object_get(b, "late_min")), total += (int)l, nbox++;
            max_late = l > max_late ? (int)l : max_late;
            json_array_append_new(boxes, b);
        }
    }
    size_t k;
    json_t *j;
    json_array_foreach(runs, k, j)
    {
        int v = veh_index(r->st, json_string_value(json_object_get(j, "vehicle")));
        if (v >= 0)
            used[v] = true;
    }
    int nused = 0;
    for (int v = 0; v < r->st->nveh; v++)
        nused += used[v];
    return json_pack("{s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i}}", "runs", runs, "boxes", boxes, "summary", "boxes", nbox,
                     "late_boxes", late, "max_late_min", max_late, "total_late_min", total, "vehicles_used", nused);
}

static json_t *current_plan(db_conn *c, int64_t round_id, int *version)
{
    db_stmt *s = db_prepare(c, "SELECT version, plan FROM transport_plans WHERE round_id = $1 AND current = 1");
    json_t *j = NULL;
    *version = 0;
    if (!s)
        return NULL;
    db_bind_i64(s, 1, round_id);
    if (db_step(s) == DB_ROW) {
        *version = (int)db_col_i64(s, 0);
        j = json_loads(db_col_text(s, 1), 0, NULL);
    }
    db_done(s);
    return j;
}

/* The first plan of the day: the schedule as it stands. */
static json_t *schedule_problem(const dsp_setup *st)
{
    json_t *pr = problem_head(st), *sites = json_array(), *veh = json_array();
    for (int i = 0; i < st->nsite; i++)
        json_array_append_new(sites, json_pack("{s:s, s:i, s:i, s:i, s:i}", "id", st->site[i].id, "first_seal",
                                               dsp_min(st, st->site[i].first), "every_min", st->site[i].every,
                                               "last_seal", dsp_min(st, st->site[i].last), "boxes_per_seal",
                                               st->site[i].per));
    for (int v = 0; v < st->nveh; v++)
        json_array_append_new(veh, json_pack("{s:s, s:i, s:i, s:i}", "id", st->veh[v].id, "start",
                                             dsp_min(st, st->veh[v].start), "end", dsp_min(st, st->veh[v].end),
                                             "capacity", st->veh[v].capacity));
    json_object_set_new(pr, "sites", sites);
    json_object_set_new(pr, "vehicles", veh);
    return pr;
}

/* With no matrix and an OSRM address (the setup's, else the server's --osrm-url),
 * this plan's travel times come from the service (fetched once per plan); when it
 * fails, a warning and the coordinates at the setup's speed. */
static void resolve_travel(dsp_setup *st, dsp_made *m)
{
    const char *url = st->osrm[0] ? st->osrm : tp_osrm_default();
    if (st->matrix || !url || !url[0])
        return;
    json_t *pr = travel_part(st, json_object());
    char err[600];
    json_t *mx = tp_osrm_table(url, json_object_get(pr, "coords"), err, sizeof err);
    json_decref(pr);
    if (mx) {
        st->matrix = mx;
        return;
    }
    fx_log(FX_LOG_WARN, "round %lld: osrm: %s; coordinates at %g km/h used instead", (long long)st->round_id, err,
           st->speed);
    m->warnings = json_array();
    char w[700];
    snprintf(w, sizeof w, "osrm: %s; travel times come from the coordinates at speed_kmh instead", err);
    json_array_append_new(m->warnings, json_string(w));
}

static int make_first(const dsp_setup *st, long iterations, dsp_made *m, fx_err *e)
{
    m->problem = schedule_problem(st);
    tp_problem p;
    char err[400];
    if (tp_parse(m->problem, NULL, &p, err, sizeof err))
        return fx_fail(e, FX_ERULE, "cannot_plan", "the round's transport cannot be planned: %s", err);
    plan_options o = tp_options(false, 30, iterations, 1);
    m->plan = tp_plan(&p, &o);
    if (m->plan) {
        json_t *viol = json_array();
        m->violations = tp_check(&p, m->plan, viol);
        json_decref(viol);
        size_t k;
        json_t *j;
        json_array_foreach(json_object_get(m->plan, "runs"), k, j)
            json_object_set_new(j, "state", json_string("planned"));
        const json_t *sm = json_object_get(m->plan, "summary");
        m->late = (int)json_integer_value(json_object_get(sm, "late_boxes"));
        m->total_late = (int)json_integer_value(json_object_get(sm, "total_late_min"));
        m->used = (int)json_integer_value(json_object_get(sm, "vehicles_used"));
    }
    tp_free(&p);
    return m->plan ? 0 : fx_fail(e, FX_EBUSY, "busy", "out of memory planning; try again");
}

/* A site's name from its id in a plan ("123"), else the id itself. */
static json_t *site_name_of(db_conn *c, const char *id)
{
    char *end;
    long long sid = strtoll(id, &end, 10);
    json_t *name = NULL;
    db_stmt *s = *id && !*end ? db_prepare(c, "SELECT name FROM sites WHERE id = $1") : NULL;
    if (s) {
        db_bind_i64(s, 1, sid);
        if (db_step(s) == DB_ROW)
            name = json_string(db_col_text(s, 0));
        db_done(s);
    }
    return name ? name : json_string(id);
}

/* A box handed to a vehicle the setup does not name still rides with it (on_board_runs); the
 * officer is told, since nobody planned that vehicle's day. */
static void unknown_vehicle_warnings(db_conn *c, const rp *r, dsp_made *m)
{
    for (int i = 0; i < r->nbox; i++) {
        const pbox *x = &r->box[i];
        if (x->state != B_ONBOARD || veh_index(r->st, x->veh) >= 0)
            continue;
        int hm = (x->picked % 1440 + 1440) % 1440;
        char who[DSP_ID_MAX + 64], w[400];
        if (x->veh[0])
            snprintf(who, sizeof who, "vehicle \"%s\", which is not in the round's transport setup", x->veh);
        else
            snprintf(who, sizeof who, "a driver without a vehicle");
        json_t *site = site_name_of(c, r->st->site[x->site].id);
        snprintf(w, sizeof w, "box %s was handed at %02d:%02d to %s; the plan has it brought from %s straight to the hub",
                 x->barcode, hm / 60, hm % 60, who, json_string_value(site));
        json_decref(site);
        if (!m->warnings)
            m->warnings = json_array();
        json_array_append_new(m->warnings, json_string(w));
    }
}

int dsp_make(db_conn *c, int64_t round_id, bool replan, int64_t now, long iterations, dsp_made *m, fx_err *e)
{
    memset(m, 0, sizeof *m);
    m->round_id = round_id;
    m->reason = replan ? "replan" : "plan";
    dsp_setup *st = malloc(sizeof *st);
    if (!st)
        return fx_fail(e, FX_EBUSY, "busy", "out of memory planning; try again");
    int rc = dsp_load(c, round_id, st);
    if (rc != DB_ROW) {
        free(st);
        return rc == DB_DONE ? fx_fail(e, FX_ERULE, "no_transport_setup",
                                       "round %lld has no transport setup; PUT /api/v1/rounds/%lld/transport first",
                                       (long long)round_id, (long long)round_id)
                             : fx_fail(e, FX_EINTERNAL, "internal", "could not read the transport setup");
    }
    resolve_travel(st, m);
    json_t *old = current_plan(c, round_id, &m->base_version);
    if (!replan || !old) {
        if (replan) {
            rc = fx_fail(e, FX_ERULE, "no_plan", "round %lld has no plan to redo; make one first", (long long)round_id);
        } else
            rc = make_first(st, iterations, m, e);
        if (!rc && m->warnings)
            json_object_set(m->plan, "warnings", m->warnings);
        json_decref(old);
        dsp_unload(st);
        free(st);
        return rc;
    }
    rp r = {.st = st, .now = dsp_min(st, now)};
    alt a = {0}, b = {0};
    if ((rc = load_geo(&r, e)) == 0 && (load_boxes(&r, c, old) || load_runs(&r, old)))
        rc = fx_fail(e, FX_EBUSY, "busy", "out of memory planning; try again");
    if (!rc)
        unknown_vehicle_warnings(c, &r, m);
    bool any_current = false;
    for (int k = 0; k < r.nrun; k++)
        any_current |= r.run[k].current;
    if (!rc)
        rc = plan_alt(&r, true, iterations, &a, e);
    if (!rc && any_current)
        rc = plan_alt(&r, false, iterations, &b, e);
    if (!rc) {
        bool free_better = any_current && (b.late < a.late || (b.late == a.late && b.total_late < a.total_late));
        alt *w = free_better ? &b : &a;
        if (any_current && !free_better) { /* the boxes hold B's times (built last): A's again */
            json_decref(a.f.runs);
            build_fixed(&r, true, &a.f);
        }
        for (int i = 0; i < w->nord; i++)
            r.box[w->order[i]].taken = false;
        m->plan = combine(&r, w);
        m->problem = json_incref(w->problem);
        m->violations = w->violations;
        m->kept = w->f.kept;
        m->late = w->late;
        m->total_late = w->total_late;
        m->used = (int)json_integer_value(json_object_get(json_object_get(m->plan, "summary"), "vehicles_used"));
        json_object_set_new(m->plan, "compared", json_pack("{s:{s:i, s:i}, s:o}", "keep", "late_boxes", a.late,
                                                           "total_late_min", a.total_late, "free",
                                                           any_current ? json_pack("{s:i, s:i}", "late_boxes", b.late,
                                                                                   "total_late_min", b.total_late)
                                                                       : json_null()));
        if (w->future)
            json_object_set(m->plan, "future", w->future);
        if (m->warnings)
            json_object_set(m->plan, "warnings", m->warnings);
    }
    alt_free(&a);
    alt_free(&b);
    tp_free(&r.geo);
    free(r.box);
    free(r.run);
    json_decref(old);
    dsp_unload(st);
    free(st);
    return rc;
}

void dsp_made_free(dsp_made *m)
{
    json_decref(m->problem);
    json_decref(m->plan);
    json_decref(m->warnings);
    m->problem = m->plan = m->warnings = NULL;
}

int dsp_store(db_conn *c, const actor *who, const dsp_made *m, int *version, fx_err *e)
{
    if (m->violations)
        return fx_fail(e, FX_EINTERNAL, "invalid_plan", "the planner's plan failed %d checks; nothing was stored",
                       m->violations);
    int64_t cur = 0;
    if (db_one_i64(c, "SELECT COALESCE(MAX(version), 0) FROM transport_plans WHERE round_id = $1", m->round_id, &cur) < 0)
        return FX_EINTERNAL;
    if (cur != m->base_version)
        return fx_fail(e, FX_ECONFLICT, "plan_changed", "another plan was stored while this one was made; try again");
    char *plan = json_dumps(m->plan, JSON_COMPACT), *problem = json_dumps(m->problem, JSON_COMPACT);
    db_stmt *u = db_prepare(c, "UPDATE transport_plans SET current = 0 WHERE round_id = $1 AND current = 1");
    db_stmt *s = db_prepare(c, "INSERT INTO transport_plans (id, round_id, version, current, reason, kept, late_boxes,"
                      " total_late_min, vehicles_used, problem, plan, made_by, made_at) VALUES ($1, $2, $3, 1, $4, $5,"
                      " $6, $7, $8, $9, $10, $11, $12)");
    int rc = plan && problem && s && u ? 0 : FX_EINTERNAL;
    if (!rc) {
        db_bind_i64(u, 1, m->round_id);
        db_bind_i64(s, 1, fx_id_next());
        db_bind_i64(s, 2, m->round_id);
        db_bind_i64(s, 3, cur + 1);
        db_bind_text(s, 4, m->reason);
        db_bind_i64(s, 5, m->kept);
        db_bind_i64(s, 6, m->late);
        db_bind_i64(s, 7, m->total_late);
        db_bind_i64(s, 8, m->used);
        db_bind_text_ref(s, 9, problem);
        db_bind_text_ref(s, 10, plan);
        db_bind_text(s, 11, who->log.name);
        db_bind_i64(s, 12, fx_now());
        if (db_step(u) != DB_DONE || db_step(s) != DB_DONE)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not store the plan");
    }
    db_done(u), db_done(s);
    if (!rc) {
        char id[24], ch[200];
        snprintf(id, sizeof id, "%lld", (long long)m->round_id);
        snprintf(ch, sizeof ch, "{\"version\":%lld,\"reason\":\"%s\",\"kept\":%d,\"late_boxes\":%d}", (long long)cur + 1,
                 m->reason, m->kept, m->late);
        if (audit_record(c, &who->log, "transport_plan", "round", id, ch) < 0)
            rc = fx_fail(e, FX_EINTERNAL, "internal", "could not record the audit entry");
        *version = (int)cur + 1;
    }
    free(plan), free(problem);
    return rc;
}

json_t *dsp_current(db_conn *c, int64_t round_id)
{
    db_stmt *s = db_prepare(c, "SELECT p.version, p.reason, p.kept, p.made_at, p.made_by, p.plan, p.problem, t.day0"
                               " FROM transport_plans p JOIN transport_setups t ON t.round_id = p.round_id"
                               " WHERE p.round_id = $1 AND p.current = 1");
    json_t *j = NULL;
    if (!s)
        return NULL;
    db_bind_i64(s, 1, round_id);
    if (db_step(s) == DB_ROW)
        j = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:o, s:o, s:I}", "round", (json_int_t)round_id, "version",
                      (json_int_t)db_col_i64(s, 0), "reason", db_col_text(s, 1), "kept", (json_int_t)db_col_i64(s, 2),
                      "made_at", (json_int_t)db_col_i64(s, 3), "made_by", db_col_text(s, 4), "plan",
                      json_loads(db_col_text(s, 5), 0, NULL), "problem", json_loads(db_col_text(s, 6), 0, NULL),
                      "day0", (json_int_t)db_col_i64(s, 7));
    db_done(s);
    return j;
}

json_t *dsp_driver_runs(db_conn *c, const char *username)
{
    json_t *items = json_array();
    db_stmt *s = db_prepare(c, "SELECT v.round_id, v.vehicle, t.day0, t.hub FROM transport_vehicles v"
                               " JOIN rounds r ON r.id = v.round_id JOIN transport_setups t ON t.round_id = v.round_id"
                               " WHERE v.driver = $1 AND r.status = 'open' ORDER BY v.round_id, v.vehicle");
    if (!s)
        return items;
    db_bind_text(s, 1, username);
    while (db_step(s) == DB_ROW) {
        int64_t round = db_col_i64(s, 0), day0 = db_col_i64(s, 2);
        const char *veh = db_col_text(s, 1), *hub = db_col_text(s, 3);
        json_t *cur = dsp_current(c, round), *runs = json_array();
        size_t k, i;
        json_t *j, *st;
        json_array_foreach(json_object_get(json_object_get(cur, "plan"), "runs"), k, j)
        {
            if (strcmp(json_string_value(json_object_get(j, "vehicle")), veh) != 0)
                continue;
            json_t *run = json_deep_copy(j);
            json_object_set_new(run, "depart_at",
                                json_integer(day0 + 60 * json_integer_value(json_object_get(run, "depart"))));
            json_array_foreach(json_object_get(run, "stops"), i, st)
            {
                json_object_set_new(st, "arrive_at",
                                    json_integer(day0 + 60 * json_integer_value(json_object_get(st, "arrive"))));
                json_object_set_new(st, "depart_at",
                                    json_integer(day0 + 60 * json_integer_value(json_object_get(st, "depart"))));
                /* the driver reads place names, not ids: the hub is marked, a site named */
                const char *at = json_string_value(json_object_get(st, "at"));
                bool is_hub = at && hub && strcmp(at, hub) == 0;
                json_object_set_new(st, "hub", json_boolean(is_hub));
                json_object_set_new(st, "name", is_hub || !at ? json_string(at ? at : "") : site_name_of(c, at));
            }
            json_array_append_new(runs, run);
        }
        json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:o}", "round", (json_int_t)round, "vehicle", veh,
                                               "version", json_integer_value(json_object_get(cur, "version")), "runs",
                                               runs));
        json_decref(cur);
    }
    db_done(s);
    return items;
}

struct seen_op {
    int64_t round_id, box_id;
};

static int seen_job(db_conn *c, void *arg)
{
    const struct seen_op *op = arg;
    db_stmt *s = db_prepare(c, "UPDATE transport_setups SET seen_box_id = $2 WHERE round_id = $1 AND seen_box_id < $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, op->round_id);
    db_bind_i64(s, 2, op->box_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

bool dsp_deviates(db *d, db_conn *c, int64_t round_id)
{
    dsp_setup *st = malloc(sizeof *st);
    if (!st || dsp_load(c, round_id, st) != DB_ROW) {
        free(st);
        return false;
    }
    int version;
    json_t *plan = current_plan(c, round_id, &version);
    const json_t *boxes = json_object_get(plan, "boxes");
    size_t nb = json_array_size(boxes);
    bool *used = calloc(nb + 1, sizeof *used), dev = false;
    int64_t last = st->seen_box_id;
    db_stmt *s = plan && used ? db_prepare(c, "SELECT id, barcode, site_id, sealed_at FROM boxes WHERE round_id = $1"
                                              " AND id > $2 ORDER BY id")
                              : NULL;
    if (s) {
        db_bind_i64(s, 1, round_id);
        db_bind_i64(s, 2, st->seen_box_id);
        while (db_step(s) == DB_ROW) {
            last = db_col_i64(s, 0);
            char sid[24];
            snprintf(sid, sizeof sid, "%lld", (long long)db_col_i64(s, 2));
            int site = site_index(st, sid), seal = dsp_min(st, db_col_i64(s, 3));
            if (site < 0)
                continue;
            bool found = false;
            for (size_t k = 0; k < nb && !found; k++) {
                const char *bc = json_string_value(json_object_get(json_array_get(boxes, k), "barcode"));
                found = bc && strcmp(bc, db_col_text(s, 1)) == 0;
            }
            /* the nearest planned box of the site not yet matched: within replan_min, or a deviation */
            int best = -1, bestd = 0;
            for (size_t k = 0; k < nb && !found; k++) {
                const json_t *b = json_array_get(boxes, k);
                if (used[k] || json_object_get(b, "barcode") ||
                    strcmp(json_string_value(json_object_get(b, "site")), sid) != 0)
                    continue;
                int dd = abs((int)json_integer_value(json_object_get(b, "sealed")) - seal);
                if (best < 0 || dd < bestd)
                    best = (int)k, bestd = dd;
            }
            if (!found && best >= 0)
                used[best] = true;
            if (!found && (best < 0 || bestd > st->replan))
                dev = true;
        }
        db_done(s);
    }
    if (last > st->seen_box_id) {
        struct seen_op op = {round_id, last};
        db_write(d, seen_job, &op);
    }
    free(used);
    json_decref(plan);
    dsp_unload(st);
    free(st);
    return dev;
}
