/* demo_ops.c — `fangxian demo-ops`: an operations day over the demo's sub-districts, made
 * "today", so that every screen has something to judge: a testing round with the seed's ~20
 * sites, 7 vans and a stored plan, part of the day's sampling (one positive pool pending),
 * ~450 home isolation cases (the seed's 银河 number), a sealed compound with its gate, a
 * village checkpoint, work orders from the city platform, the seed's teams and a mentor pair
 * with a week's roster, a warehouse short of one item, disinfection and a door-to-door sweep.
 * Everything goes through the core functions the API calls, so every rule and counter holds. */
#include "cli/cli.h"
#include "cli/demo.h"

#include "core/area.h"
#include "core/custody.h"
#include "core/disinfect.h"
#include "core/isolation.h"
#include "core/positive.h"
#include "core/result.h"
#include "core/roster.h"
#include "core/round.h"
#include "core/sampling.h"
#include "core/sensor.h"
#include "core/service.h"
#include "core/site.h"
#include "core/supply.h"
#include "core/sweep.h"
#include "core/team.h"
#include "core/workorder.h"
#include "core/zone.h"
#include "dispatch/dispatch.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN 60
#define HOUR 3600
#define DAY 86400
#define OPS_ROUND "银河办事处全员核酸检测" /* its presence marks a database that has the ops day */


typedef struct ops {
    db_conn *c;
    actor a;
    uint64_t rng;
    int64_t now, start;        /* start: when the day's work began (the round's start) */
    fx_err err;
    const char *step;          /* what failed */
    fx_round round;
    int64_t sites[20];
    int nsites;
    char positive_tube[32];
    int64_t checkpoint_id, zone_id, gate_id, warehouse_id;
    int64_t team[6];           /* 值班队, 排查队, 消杀队, 便民志愿服务队, 临时党支部, the gate's */
    /* what was made, for the summary */
    int samples, boxes, cases, checkins, orders, shifts, visits;
} ops;

#define TRY(o, what, call)                                                                                     \
    do {                                                                                                       \
        if ((call) != 0) {                                                                                     \
            (o)->step = (what);                                                                                \
            return -1;                                                                                         \
        }                                                                                                      \
    } while (0)

/* In registry order (the demo's own); a negative offset counts from the newest (-1: the last). */
int demo_residents(db_conn *c, const char *code, int offset, int n, ops_person *out)
{
    area a;
    if (area_get(c, code, &a) != DB_ROW)
        return -1;
    char upper[FX_AREA_PATH_MAX];
    round_path_upper(a.path, upper);
    db_stmt *s = db_prepare(c, "SELECT p.id, COALESCE(p.household_id, 0), p.id_number, p.name FROM persons p"
                                  " JOIN areas a ON a.id = p.area_id WHERE a.path >= $1 AND a.path < $2"
                                  " ORDER BY p.id * $5 LIMIT $3 OFFSET $4");
    if (!s)
        return -1;
    db_bind_text(s, 1, a.path);
    db_bind_text(s, 2, upper);
    db_bind_i64(s, 3, n);
    db_bind_i64(s, 4, offset < 0 ? -offset - 1 : offset);
    db_bind_i64(s, 5, offset < 0 ? -1 : 1);
    int k = 0, rc;
    while (k < n && (rc = db_step(s)) == DB_ROW) {
        out[k].id = db_col_i64(s, 0);
        out[k].household_id = db_col_i64(s, 1);
        fx_copy(out[k].id_number, sizeof out[k].id_number, db_col_text(s, 2));
        fx_copy(out[k].name, sizeof out[k].name, db_col_text(s, 3));
        k++;
    }
    db_done(s);
    return k;
}

static int apply(ops *o, sampling_event *ev, size_t n)
{
    sampling_summary sum = {0};
    if (sampling_apply(o->c, &o->a, ev, n, &sum) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (ev[i].status == SEV_REJECTED) {
            fx_fail(&o->err, FX_EINVAL, ev[i].err_code, "%s", ev[i].err_msg);
            return -1;
        }
    o->samples += (int)sum.samples;
    return 0;
}

/* ---- the testing round, its sites and transport ---- */

/* The seed's 银河: about 20 sampling sites around 鑫荣 and 港城 apartments, north-east of the
 * airport; the boxes go to the 东泉物业 collection point and the lab within 1.5 hours. */
static const struct {
    const char *name, *area;
    double lat, lng;
    int tables;
} site_defs[20] = {
    {"鑫荣公寓1号楼采样点", "HKG-YH-IT-W12-XR", 34.5342, 113.8651, 4}, {"鑫荣公寓2号楼采样点", "HKG-YH-IT-W12-XR", 34.5351, 113.8672, 3},
    {"鑫荣公寓南门采样点", "HKG-YH-IT-W12-XR", 34.5329, 113.8660, 4},  {"港城公寓1号楼采样点", "HKG-YH-IT-W12-GC", 34.5281, 113.8592, 4},
    {"鑫荣公寓食堂采样点", "HKG-YH-IT-W12-XR", 34.5338, 113.8690, 2},  {"鑫荣公寓篮球场采样点", "HKG-YH-IT-W12-XR", 34.5357, 113.8630, 3},
    {"鑫荣公寓北门采样点", "HKG-YH-IT-W12-XR", 34.5366, 113.8649, 3}, {"港城公寓东门采样点", "HKG-YH-IT-W12-GC", 34.5270, 113.8618, 3},
    {"港城公寓西门采样点", "HKG-YH-IT-W12-GC", 34.5289, 113.8561, 3},  {"港城公寓广场采样点", "HKG-YH-IT-W12-GC", 34.5262, 113.8583, 4},
    {"港城公寓超市采样点", "HKG-YH-IT-W12-GC", 34.5296, 113.8604, 2},  {"第十二工作站采样点", "HKG-YH-IT-W12", 34.5310, 113.8625, 2},
    {"IT产业园服务中心采样点", "HKG-YH-IT", 34.5248, 113.8702, 3},     {"IT产业园A区采样点", "HKG-YH-IT", 34.5231, 113.8741, 3},
    {"IT产业园B区采样点", "HKG-YH-IT", 34.5215, 113.8688, 2},          {"IT产业园C区采样点", "HKG-YH-IT", 34.5203, 113.8723, 2},
    {"银河办事处采样点", "HKG-YH", 34.5169, 113.8550, 2},              {"银河社区卫生服务站采样点", "HKG-YH", 34.5187, 113.8514, 2},
    {"银河广场采样点", "HKG-YH", 34.5145, 113.8597, 3},                {"东泉物业采样点", "HKG-YH", 34.5128, 113.8636, 2},
};

static int make_round(ops *o)
{
    static const char *const scope[] = {"HKG-YH"};
    round_input ri = {.name = OPS_ROUND, .areas = scope, .nareas = 1, .start_at = o->start,
                      .deadline = o->now + 10 * HOUR};
    TRY(o, "round", round_create(o->c, &o->a, &ri, &o->round, &o->err));
    for (int i = 0; i < 20; i++) {
        site_input in = SITE_INPUT_NONE;
        site s;
        in.name = site_defs[i].name;
        in.area = site_defs[i].area;
        in.has_coords = true;
        in.lat = site_defs[i].lat;
        in.lng = site_defs[i].lng;
        in.tables = site_defs[i].tables;
        in.opens_min = 6 * 60 + 15; /* the seed's collector: 6:15 to 11:15, then again in the afternoon */
        in.closes_min = 21 * 60;
        TRY(o, "site", site_create(o->c, &o->a, &in, &s, &o->err));
        o->sites[o->nsites++] = s.id;
    }
    TRY(o, "site staff", site_staff_set(o->c, &o->a, o->sites[0], "zhangmingqiang", true, &o->err));
    TRY(o, "site staff", site_staff_set(o->c, &o->a, o->sites[3], "zhangmingqiang", true, &o->err));
    return 0;
}

/* 7 vans (the seed's 李建华 drives the first), a box from each site every 90 minutes. */
static int make_transport(ops *o)
{
    json_t *veh = json_array(), *pick = json_array();
    for (int v = 0; v < 7; v++) {
        char id[16];
        snprintf(id, sizeof id, "豫A·转%02d", v + 1);
        json_t *j = json_pack("{s:s, s:I, s:I, s:i}", "id", id, "shift_start", (json_int_t)o->start,
                              "shift_end", (json_int_t)(o->now + 11 * HOUR), "capacity", 12);
        if (v == 0)
            json_object_set_new(j, "driver", json_string("lijianhua"));
        json_array_append_new(veh, j);
    }
    for (int i = 0; i < o->nsites; i++) {
        int64_t first = o->start + 45 * MIN + (i % 3) * 15 * MIN;
        json_array_append_new(pick, json_pack("{s:I, s:I, s:i, s:I}", "site", (json_int_t)o->sites[i], "first_seal",
                                              (json_int_t)first, "every_min", 90, "last_seal",
                                              (json_int_t)(o->now + 8 * HOUR)));
    }
    json_t *body = json_pack("{s:s, s:f, s:f, s:i, s:i, s:i, s:i, s:o, s:o}", "hub", "东泉物业集中转运点", "hub_lat",
                             34.5121, "hub_lng", 113.8648, "speed_kmh", 30, "deadline_min", 90, "lead_min", 15,
                             "replan_min", 10, "vehicles", veh, "pickups", pick);
    int rc = dsp_setup_put(o->c, &o->a, o->round.id, body, &o->err);
    json_decref(body);
    TRY(o, "transport setup", rc);
    dsp_made m = {0};
    TRY(o, "transport plan", dsp_make(o->c, o->round.id, false, o->now, 3000, &m, &o->err));
    int version = 0;
    rc = dsp_store(o->c, &o->a, &m, &version, &o->err);
    dsp_made_free(&m);
    TRY(o, "transport plan", rc);
    return 0;
}

/* The morning's sampling at the first 12 sites: 3 tubes of 10 each; the first 8 sites' tubes
 * are boxed, 6 boxes picked up, 4 at the lab and resulted — negative but one tube at 港城. */
static int make_sampling(ops *o)
{
    ops_person *pp = malloc(30 * sizeof *pp);
    if (!pp)
        return -1;
    int offset_xr = 40, offset_gc = 40, rc = 0;
    for (int i = 0; i < 12 && !rc; i++) {
        const char *home = strcmp(site_defs[i].area, "HKG-YH-IT-W12-GC") == 0 ? "HKG-YH-IT-W12-GC" : "HKG-YH-IT-W12-XR";
        int *off = home[16] == 'G' ? &offset_gc : &offset_xr;
        if (demo_residents(o->c, home, *off, 30, pp) < 30) {
            rc = -1;
            break;
        }
        *off += 30;
        char tubes[3][32], box[40], seal[24];
        const char *boxed[3];
        int64_t t = o->start + 20 * MIN + i * 7 * MIN;
        for (int k = 0; k < 3 && !rc; k++) {
            snprintf(tubes[k], sizeof tubes[k], "YH%02d%04d", i + 1, k + 1);
            boxed[k] = tubes[k];
            sampling_event ev[12] = {{.type = SEV_TUBE_OPEN, .at = t, .round_id = o->round.id,
                                      .site_id = o->sites[i], .tube = tubes[k], .pool_size = 10}};
            for (int s = 0; s < 10; s++)
                ev[1 + s] = (sampling_event){.type = SEV_SAMPLE, .at = t + (s + 1) * 30, .tube = tubes[k],
                                             .id_number = pp[k * 10 + s].id_number};
            ev[11] = (sampling_event){.type = SEV_TUBE_SEAL, .at = t + 6 * MIN, .tube = tubes[k]};
            t += 7 * MIN;
            rc = apply(o, ev, 12);
        }
        if (rc || i >= 8)
            continue;
        snprintf(box, sizeof box, "BOX-YH%02d-1", i + 1);
        snprintf(seal, sizeof seal, "FT%06u", (unsigned)(demo_rand(&o->rng) % 1000000));
        sampling_event bx = {.type = SEV_BOX_SEAL, .at = t + 2 * MIN, .box = box, .seal = seal, .tubes = boxed,
                             .ntubes = 3};
        if ((rc = apply(o, &bx, 1)))
            break;
        o->boxes++;
        if (i >= 6)
            continue; /* sealed, waiting for the van */
        handover_result hr;
        handover_input hi = {.box = box, .to = "driver", .vehicle = "豫A·转01", .by = "刘涛",
                             .received_by = "李建华", .count = 3, .at = t + 20 * MIN};
        if ((rc = handover_record(o->c, &o->a, &hi, &hr, &o->err)))
            break;
        if (i >= 4)
            continue;
        hi = (handover_input){.box = box, .to = "lab", .vehicle = "豫A·转01", .by = "李建华",
                              .received_by = "检测实验室", .count = 3, .at = t + 70 * MIN};
        if ((rc = handover_record(o->c, &o->a, &hi, &hr, &o->err)))
            break;
        result_item it[3] = {0};
        for (int k = 0; k < 3; k++) {
            fx_copy(it[k].tube, sizeof it[k].tube, tubes[k]);
            /* the first 港城 site's second tube is the day's positive pool */
            bool pos = i == 3 && k == 1;
            fx_copy(it[k].result, sizeof it[k].result, pos ? "positive" : "negative");
            it[k].has_ct = pos;
            it[k].ct = 31.5;
            it[k].at = t + 100 * MIN;
            if (pos)
                fx_copy(o->positive_tube, sizeof o->positive_tube, tubes[k]);
        }
        if ((rc = results_post(o->c, &o->a, it, 3)) < 0)
            break;
        for (int k = 0; k < 3 && !rc; k++)
            if (strcmp(it[k].status, "rejected") == 0) {
                o->err = it[k].err;
                rc = -1;
            }
    }
    free(pp);
    if (rc)
        o->step = "sampling";
    return rc ? -1 : 0;
}

/* ---- isolation, door sensors' neighbours: garbage and requests ---- */

/* 电子门禁: door sensors on a few isolated households, heard this morning; one door opened
 * outside any approved window is the open alarm. */
static int make_sensors(ops *o)
{
    ops_person pp[6];
    int n = demo_residents(o->c, "HKG-YH-IT-W12", -1, 6, pp);
    bool alarmed = false;
    for (int i = 0; i < n; i++) {
        char code[32], token[FX_TOKEN_LEN], hash[FX_SHA256_HEX], mqtt[FX_MQTT_HASH_LEN];
        snprintf(code, sizeof code, "YH-MC-%03d", i + 1);
        /* nobody learns this token: the demo's sensors send nothing after today */
        if (fx_token_new('d', token) != 0 || fx_mqtt_password_hash(token, mqtt) != 0)
            return -1;
        fx_sha256_hex(token, strlen(token), hash);
        device dv;
        TRY(o, "door sensor", device_create(o->c, &o->a, code, pp[i].household_id, hash, mqtt, &dv, &o->err));
        sensor_event ev[3] = {{.type = "heartbeat", .at = o->now - 40 * MIN}, {.type = "open", .at = o->now - 12 * MIN},
                              {.type = "close", .at = o->now - 11 * MIN}};
        int nev = alarmed ? 1 : 3;
        sensor_result res[3];
        for (int k = 0; k < nev; k++) {
            fx_copy(ev[k].device, sizeof ev[k].device, code);
            snprintf(ev[k].id, sizeof ev[k].id, "%s-%d", code, k);
        }
        if (sensor_ingest(o->c, &o->a.log, "http", ev, nev, res) < 0) {
            o->step = "door sensor events";
            return -1;
        }
        alarmed = alarmed || (nev > 1 && res[1].alarm_id);
    }
    return 0;
}

static int make_isolation(ops *o)
{
    /* 银河: 450 and more in home isolation since mid-April; here the intake of the preset
     * policy's 7 days, so that a seventh of them reach their last day today */
    enum { CASES = 456 };
    ops_person *pp = malloc(CASES * sizeof *pp);
    if (!pp)
        return -1;
    int n = demo_residents(o->c, "HKG-YH-IT-W12", -1, CASES, pp), rc = 0;
    static const char *const reasons[] = {"close_contact", "secondary_contact", "risk_area_arrival", "yellow_code"};
    int64_t day0 = iso_day0(o->now);
    for (int i = 0; i < n && !rc; i++) {
        isolation iso;
        int back = (int)demo_pick(&o->rng, 7); /* started 0..6 days ago */
        iso_input in = {.person_id = pp[i].id, .type = "home_isolation",
                        .reason = reasons[demo_pick(&o->rng, 4)],
                        .start_at = day0 - back * DAY + 9 * HOUR + (int64_t)demo_pick(&o->rng, 8 * HOUR)};
        if (in.start_at > o->now)
            in.start_at = o->now - HOUR;
        if ((rc = iso_create(o->c, &o->a, &in, &iso, &o->err))) {
            if (o->err.kind == FX_ECONFLICT) /* already isolated (an arrival, a pool): skip */
                rc = 0;
            continue;
        }
        o->cases++;
        /* today's morning check-in done for about 60% of them, by 服务专班 */
        if (demo_pick(&o->rng, 10) < 6 && o->now - 30 * MIN > day0 + 7 * HOUR) {
            iso_checkin_input ci = {.has_temperature = true,
                                    .temperature = 36.2 + (double)demo_pick(&o->rng, 9) / 10.0,
                                    .symptoms = "", .note = "",
                                    .at = day0 + 7 * HOUR + (int64_t)demo_pick(&o->rng, 2 * HOUR)};
            if (ci.at > o->now)
                ci.at = o->now - MIN;
            if (ci.at < iso.start_at)
                continue;
            int64_t id;
            bool flagged;
            if ((rc = iso_checkin(o->c, &o->a, iso.id, &ci, &id, &flagged, &o->err)))
                break;
            o->checkins++;
        }
    }
    free(pp);
    if (rc) {
        o->step = "isolation";
        return -1;
    }
    if (make_sensors(o))
        return -1;
    /* a garbage round over 鑫荣 1号楼 this morning, half collected */
    garbage_round g;
    TRY(o, "garbage round", garbage_create(o->c, &o->a, "HKG-YH-IT-W12-XR-B1", o->now - 2 * HOUR, o->now + HOUR,
                                           "每日上午收运隔离户垃圾", &g, &o->err));
    garbage_household gh[40];
    int ng = garbage_households(o->c, &g, gh, 40);
    for (int i = 0; i < ng / 2; i++)
        TRY(o, "garbage mark", garbage_mark(o->c, &o->a, g.id, gh[i].household_id, &o->err));
    /* resident requests in every state, one past its deadline */
    static const struct {
        const char *kind, *text, *status, *assignee, *feedback;
        int deadline_h;
    } reqs[] = {
        {"groceries", "代购蔬菜、鸡蛋和米面", "open", NULL, NULL, 6},
        {"medicine", "代购降压药(硝苯地平)", "assigned", "liutao", NULL, 4},
        {"medical", "孕晚期产检,需要安排就医", "in_progress", "liutao", NULL, -2},
        {"counselling", "独居老人情绪低落,希望有人聊聊", "assigned", "liutao", NULL, 24},
        {"groceries", "代购婴儿奶粉", "done", "liutao", "已送到门口,住户确认收到", 3},
    };
    ops_person cases[5]; /* the first of the cases above */
    int nc = demo_residents(o->c, "HKG-YH-IT-W12", -1, 5, cases);
    for (int i = 0; i < (int)(sizeof reqs / sizeof *reqs) && i < nc; i++) {
        service_request r;
        request_input in = {.household_id = cases[i].household_id, .person_id = cases[i].id, .kind = reqs[i].kind, .description = reqs[i].text,
                            .deadline = o->now + reqs[i].deadline_h * HOUR};
        if (reqs[i].deadline_h < 0)
            in.deadline = o->now + HOUR; /* due before now: moved below once it runs */
        TRY(o, "request", request_create(o->c, &o->a, &in, &r, &o->err));
        static const char *const flow[] = {"assigned", "in_progress", "done"};
        for (int k = 0; k < 3 && strcmp(r.status, reqs[i].status) != 0; k++) {
            request_input up = {.status = flow[k], .assignee = k == 0 ? reqs[i].assignee : NULL,
                                .feedback = k == 2 ? reqs[i].feedback : NULL};
            TRY(o, "request", request_update(o->c, &o->a, r.id, &up, &r, &o->err));
        }
        if (reqs[i].deadline_h < 0) {
            request_input up = {.deadline = o->now + reqs[i].deadline_h * HOUR};
            TRY(o, "request deadline", request_update(o->c, &o->a, r.id, &up, &r, &o->err));
        }
    }
    return 0;
}

/* ---- the sealed compound (港城公寓, the positive pool's), its gate and log ---- */

static int make_zone(ops *o)
{
    zone z;
    zone_input zi = {.area = "HKG-YH-IT-W12-GC", .kind = "sealed", .tube = o->positive_tube[0] ? o->positive_tube : NULL,
                     .note = "小区出现一例无症状感染者,整个小区封控,24小时值守门岗"};
    TRY(o, "zone", zone_create(o->c, &o->a, &zi, &z, &o->err));
    o->zone_id = z.id;
    zone_gate g;
    TRY(o, "zone gate", zone_gate_add(o->c, &o->a, z.id, "港城公寓东门岗", &g, &o->err));
    o->gate_id = g.id;
    ops_person pp[3];
    int n = demo_residents(o->c, "HKG-YH-IT-W12-GC", 0, 3, pp);
    static const struct {
        const char *kind, *name, *note;
        int ago_min;
    } log[] = {
        {"delivery", "代购代送:蔬菜20份", "李明、李红占送至各楼栋", 150},
        {"exit", NULL, "转运至集中隔离点", 120},
        {"entry", "李旭东", "换班进入值守", 90},
        {"delivery", "药品配送", "送至1号楼1单元", 40},
    };
    for (int i = 0; i < 4; i++) {
        gate_entry e;
        gate_input in = {.kind = log[i].kind, .name = log[i].name, .note = log[i].note,
                         .at = o->now - log[i].ago_min * MIN};
        if (!in.name) {
            if (n < 1)
                continue;
            in.person_id = pp[0].id;
        }
        TRY(o, "gate log", gate_log_add(o->c, &o->a, g.id, &in, &e, &o->err));
    }
    return 0;
}

/* ---- work orders the city platform (郑州市疫情防控系统平台) pushed overnight ---- */

static int make_workorders(ops *o)
{
    ops_person pp[3];
    int n = demo_residents(o->c, "HKG-YH-IT-W12-XR", 1000, 3, pp);
    if (n < 3)
        return 0;
    area tri;
    if (area_get(o->c, "HKG-YH", &tri) != DB_ROW)
        return -1;
    int64_t day0 = iso_day0(o->now);
    struct {
        const char *kind, *title, *body, *id_number, *name, *address;
        int64_t deadline;
        const char *status;
    } wo[] = {
        {"协查", "外地返郑人员协查", "4月27日由上海返郑,请核实落实居家隔离", pp[0].id_number, pp[0].name, NULL,
         o->now + 12 * HOUR, "accepted"},
        {"协查", "密接人员核查", "与确诊病例同乘航班,请24小时内完成核查与管控", pp[1].id_number, pp[1].name, NULL,
         o->now - 2 * HOUR, "in_progress"},
        {"投诉", "群众反映隔离户垃圾无人清运", "港城公寓附近,隔离户门口垃圾两天未清运", NULL, NULL,
         "航空港区银河路东侧某公寓", o->now + 20 * HOUR, NULL},
        {"协查", "红码人员落地核查", "健康码转红,请核实核酸结果", pp[2].id_number, pp[2].name, NULL,
         o->now + 6 * HOUR, NULL},
    };
    for (int i = 0; i < 4; i++) {
        char ext[40];
        snprintf(ext, sizeof ext, "ZZYQ-%lld-%03d", (long long)(day0 / DAY), i + 1);
        wo_input in = {.external_id = ext, .kind = wo[i].kind, .title = wo[i].title, .body = wo[i].body,
                       .id_number = wo[i].id_number, .name = wo[i].name, .address = wo[i].address,
                       .deadline = wo[i].deadline};
        work_order w;
        TRY(o, "work order", wo_push(o->c, &o->a, 0, tri.id, tri.path, &in, &w, &o->err));
        o->orders++;
        if (wo[i].status) {
            TRY(o, "work order", wo_assign(o->c, &o->a, w.id, NULL, "panpeng", &w, &o->err));
            TRY(o, "work order", wo_set_status(o->c, &o->a, w.id, "accepted", NULL, &w, &o->err));
            if (strcmp(wo[i].status, "in_progress") == 0)
                TRY(o, "work order", wo_set_status(o->c, &o->a, w.id, "in_progress", NULL, &w, &o->err));
        }
    }
    return 0;
}

/* ---- teams, the mentor pair, posts and a week's roster ---- */

/* A week and a day (a week ahead from any hour today) of three 8-hour shifts of `persons` each at a post, from the
 * team's members in turn; the shift gap_shift of the third day is left open (-1: none). */
static int roster_week(ops *o, int64_t post_id, int64_t team_id, int persons, int gap_shift)
{
    team_member mem[8];
    int nm = member_list(o->c, team_id, mem, 8);
    if (nm < persons)
        return 0;
    int64_t day0 = iso_day0(o->now); /* local midnight, as the roster screen shows days */
    shift_input sh[8 * 3 * 2];
    int64_t ids[8 * 3 * 2];
    int ns = 0;
    for (int d = 0; d < 8; d++)
        for (int s = 0; s < 3; s++) {
            if (d == 2 && s == gap_shift)
                continue;
            for (int k = 0; k < persons; k++)
                sh[ns++] = (shift_input){.post_id = post_id, .member_id = mem[(d + s + k) % nm].id,
                                         .starts_at = day0 + d * DAY + s * 8 * HOUR,
                                         .ends_at = day0 + d * DAY + (s + 1) * 8 * HOUR};
        }
    TRY(o, "roster", shift_add(o->c, &o->a, sh, ns, ids, &o->err));
    o->shifts += ns;
    return 0;
}

static int make_teams(ops *o)
{
    static const struct {
        const char *area, *name, *kind, *note;
    } defs[5] = {
        {"HKG-ZZ-ZZC", "翟庄村疫情防控值班队", "duty", "村口值守点24小时值班"},
        {"HKG-ZZ-ZZC", "翟庄村逐户排查队", "screening", "外来返乡人员大排查"},
        {"HKG-ZZ-ZZC", "翟庄村卫生消杀队", "disinfection", "公共区域每日消杀"},
        {"HKG-ZZ-ZZC", "翟庄村便民志愿服务队", "volunteer_services", "代购代送、帮扶困难群众"},
        {"HKG-BQ-ZQ", "镇区管理办临时党支部", "party_branch", "书记薛海涛;卡点24小时值班"},
    };
    ops_person pp[20];
    int n = demo_residents(o->c, "HKG-ZZ-ZZC", 200, 20, pp);
    for (int t = 0; t < 5; t++) {
        team tm;
        TRY(o, "team", team_create(o->c, &o->a, defs[t].area, defs[t].name, defs[t].kind, defs[t].note, &tm, &o->err));
        o->team[t] = tm.id;
        for (int k = 0; k < 4 && t * 4 + k < n; k++) {
            team_member m;
            team_who w = {.person_id = pp[t * 4 + k].id};
            TRY(o, "team member", member_add(o->c, &o->a, tm.id, &w, "volunteer", &m,
                                             &o->err));
        }
    }
    /* 张庄办事处副主任李君川 mentors 翟庄村党支部书记翟西才 (registered as a resident) */
    mentor_pair mp;
    team_who mentor = {.username = "lijunchuan"}, mentee = {.person_id = n ? pp[0].id : 0};
    TRY(o, "mentor pair", mentor_create(o->c, &o->a, "HKG-ZZ-ZZC", &mentor, &mentee, "导师帮带:翟庄村党支部书记",
                                        &mp, &o->err));
    mentor_log ml;
    TRY(o, "mentor log", mentor_log_add(o->c, &o->a, mp.id, "visit", "翟庄村村口值守点", o->now - 3 * HOUR,
                                        "传达防疫要求和工作规范,带着做了一遍返乡人员查验", &ml, &o->err));
    TRY(o, "mentor log", mentor_log_add(o->c, &o->a, mp.id, "guidance", "翟庄村村委会", o->now - DAY - 2 * HOUR,
                                        "讲解与群众沟通的技巧:耐心、细心、热心", &ml, &o->err));
    /* posts: the village entrance around the clock (two at a time), the sealed gate */
    post cpp, gp;
    post_input pi = {.area = "HKG-ZZ-ZZC", .name = "村口值守点", .kind = "checkpoint", .team_id = o->team[0],
                     .ref_id = o->checkpoint_id, .cover_from = 0, .cover_to = 1440, .persons = 2};
    TRY(o, "post", post_create(o->c, &o->a, &pi, &cpp, &o->err));
    /* the crew 李震 drew from the departments for the sealed compound: 潘鹏 and two residents */
    team gt;
    TRY(o, "team", team_create(o->c, &o->a, "HKG-YH-IT-W12-GC", "港城公寓封控值守组", "duty", "24小时值守小区门岗,代购代送",
                               &gt, &o->err));
    o->team[5] = gt.id;
    for (int k = 0; k < 3; k++) {
        team_member m;
        team_who w = {.username = k == 0 ? "panpeng" : NULL};
        ops_person gp1;
        if (k > 0 && demo_residents(o->c, "HKG-YH-IT-W12-GC", 500 + k, 1, &gp1) == 1)
            w.person_id = gp1.id;
        TRY(o, "team member", member_add(o->c, &o->a, gt.id, &w, "volunteer", &m, &o->err));
    }
    post_input gi = {.area = "HKG-YH-IT-W12-GC", .name = "港城公寓东门岗", .kind = "gate", .team_id = gt.id, .ref_id = o->gate_id,
                     .cover_from = 0, .cover_to = 1440, .persons = 1};
    TRY(o, "post", post_create(o->c, &o->a, &gi, &gp, &o->err));
    /* a week from today: the entrance two at a time, one night left open; the gate one at a time */
    if (roster_week(o, cpp.id, o->team[0], 2, 2) || roster_week(o, gp.id, o->team[5], 1, -1))
        return -1;
    return 0;
}

/* ---- supplies: 银河's warehouse, stocked but for 20-in-1 tubes; the stock clerk's night ---- */

static int make_supplies(ops *o)
{
    supply_location w;
    TRY(o, "warehouse", supply_warehouse_create(o->c, &o->a, "银河办事处物资仓库", "HKG-YH", &w, &o->err));
    o->warehouse_id = w.id;
    static const struct {
        const char *item;
        int64_t qty;
    } stock[] = {{"swab", 60000}, {"tube-1", 2000}, {"tube-10", 3000}, {"tube-20", 400},
                 {"box", 800},    {"ppe", 1500},    {"disinfectant", 300}, {"tent", 30}};
    for (size_t i = 0; i < sizeof stock / sizeof *stock; i++) {
        supply_movement legs[2];
        int nl;
        supply_move_input in = {.kind = "receipt", .item = stock[i].item, .to = {.location_id = w.id},
                                .qty = stock[i].qty, .note = "市物资储备库调拨"};
        TRY(o, "stock", supply_move(o->c, &o->a, &in, legs, &nl, &o->err));
    }
    /* 23:00 last night: the next day's supplies picked for the first sites */
    for (int i = 0; i < 4; i++) {
        supply_movement legs[2];
        int nl;
        supply_move_input in = {.kind = "transfer", .item = "swab", .from = {.location_id = w.id},
                                .to = {.site_id = o->sites[i]}, .qty = 600, .note = "理货员夜间分拣"};
        TRY(o, "stock transfer", supply_move(o->c, &o->a, &in, legs, &nl, &o->err));
    }
    return 0;
}

/* ---- disinfection: 八千 镇区's streets, the sites, one street overdue ---- */

static int make_disinfection(ops *o)
{
    static const char *const streets[] = {"HKG-BQ-ZQ-S1", "HKG-BQ-ZQ-S2", "HKG-BQ-ZQ-S3", "HKG-ZZ-ZZC"};
    for (int i = 0; i < 4; i++) {
        disinfect_schedule s;
        disinfect_input in = {.kind = "area", .area = streets[i], .interval_s = i == 2 ? 12 * HOUR : DAY,
                              .agent = "含氯消毒剂 500mg/L"};
        TRY(o, "disinfection", disinfect_schedule_create(o->c, &o->a, &in, &s, &o->err));
        /* 镇区三街 (twice a day) was last done yesterday: overdue */
        treatment_input t = {.schedule_id = s.id, .team_id = i == 3 ? o->team[2] : 0,
                             .team = i == 3 ? NULL : "镇区管理办临时党支部",
                             .at = i == 2 ? o->now - 23 * HOUR : o->now - i * 20 * MIN,
                             .concentration = "500mg/L", .operator_ = "薛海涛"};
        disinfect_treatment out;
        TRY(o, "treatment", disinfect_treat(o->c, &o->a, &t, &out, &o->err));
    }
    for (int i = 0; i < 3; i++) {
        disinfect_schedule s;
        disinfect_input in = {.kind = "site", .site_id = o->sites[i], .interval_s = 12 * HOUR,
                              .agent = "75%酒精、含氯消毒剂"};
        TRY(o, "disinfection", disinfect_schedule_create(o->c, &o->a, &in, &s, &o->err));
    }
    return 0;
}

/* ---- 逐户排查 in 翟庄村, split between the screening and the service team ---- */

static int answer_all(const sweep_qset *q, sweep_answer *a, const char *today)
{
    for (int i = 0; i < q->n; i++) {
        const sweep_question *x = &q->q[i];
        a[i] = (sweep_answer){.key = x->key};
        switch (x->type) {
        case SQ_NUMBER: a[i].kind = SA_NUMBER; a[i].number = 36.5; break;
        case SQ_BOOL: a[i].kind = SA_BOOL; a[i].boolean = false; break;
        case SQ_PLACES: a[i].kind = SA_LIST; break;
        case SQ_CHOICE: a[i].kind = SA_STRING; a[i].text = x->noptions ? x->options[0] : ""; break;
        case SQ_DATE: a[i].kind = SA_STRING; a[i].text = today; break;
        default: a[i].kind = SA_STRING; a[i].text = "无"; break;
        }
    }
    return q->n;
}

static int make_sweep(ops *o)
{
    sweep_qset qs;
    if (sweep_qset_list(o->c, 0, &qs, 1) < 1 || sweep_qset_get(o->c, qs.id, &qs) != DB_ROW)
        return 0;
    sweep_campaign sc;
    TRY(o, "sweep", sweep_create(o->c, &o->a, "翟庄村外来返乡人员大排查", "HKG-ZZ-ZZC", qs.id, &sc, &o->err));
    sweep_team_input teams[2] = {{.name = "逐户排查一组", .leader = "lijunchuan", .team_id = o->team[1]},
                                 {.name = "逐户排查二组", .leader = "liutao", .team_id = o->team[3]}};
    TRY(o, "sweep split", sweep_split(o->c, &o->a, sc.id, teams, 2, &o->err));
    sweep_team st[2];
    int nt = sweep_teams(o->c, sc.id, 0, st, 2);
    char today[16];
    time_t local = (time_t)(iso_day0(o->now) + 12 * HOUR); /* noon of the local date */
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    sweep_answer ans[SWEEP_QUESTIONS_MAX];
    int na = answer_all(&qs, ans, today);
    for (int t = 0; t < nt; t++) {
        sweep_household h[60];
        int nh = sweep_team_households(o->c, st[t].id, 0, h, t == 0 ? 60 : 25);
        for (int i = 0; i < nh; i++) {
            char cid[48];
            snprintf(cid, sizeof cid, "demo-sweep-%d-%d", t, i);
            int outcome = i % 9 == 4 ? SO_NOBODY_HOME : i % 23 == 7 ? SO_REFUSED : SO_VISITED;
            sweep_visit_input in = {.client_id = cid, .body_hash = cid, .team_id = st[t].id,
                                    .household_id = h[i].household_id, .outcome = outcome,
                                    .answers = outcome == SO_VISITED ? ans : NULL,
                                    .nanswers = outcome == SO_VISITED ? na : 0, .answers_json = "{}",
                                    .at = o->now - (nh - i) * 4 * MIN};
            sweep_visit v;
            TRY(o, "sweep visit", sweep_visit_record(o->c, &o->a, &in, &v, &o->err));
            o->visits++;
        }
    }
    return 0;
}

static int ops_job(db_conn *c, void *arg)
{
    ops *o = arg;
    o->c = c;
    fx_round r;
    if (round_list(c, NULL, 0, &r, 1) > 0 && strcmp(r.name, OPS_ROUND) == 0)
        return 1; /* there already */
    ops_person p[1];
    /* the seed's numbers need about the seed's people: 450 isolated of 第十二工作站, 30 per site */
    if (demo_residents(c, "HKG-ZZ-ZZC", 299, 1, p) < 1 || demo_residents(c, "HKG-YH-IT-W12", 2999, 1, p) < 1) {
        o->step = "demo";
        fx_fail(&o->err, FX_ENOTFOUND, "no_demo", "needs the demo's people first: `fangxian demo` (at least"
                " --people 5000)");
        return -1;
    }
    if (make_round(o) || make_transport(o) || make_sampling(o) || make_isolation(o) || make_zone(o) ||
        demo_checkpoint(c, &o->a, o->now, &o->checkpoint_id, &o->err, &o->step) || make_workorders(o) || make_teams(o) || make_supplies(o) || make_disinfection(o) ||
        make_sweep(o))
        return -1;
    return 0;
}

int cmd_demo_ops(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, NULL, &a) || a.npos)
        return CLI_USAGE;
    const char *path = cli_db_path(&a), *seed_s = cli_opt(&a, "seed");
    long long seed = 2022;
    if (seed_s && (!fx_parse_i64(seed_s, &seed) || seed < 0)) {
        fprintf(stderr, "demo-ops: --seed takes a whole number\n");
        return CLI_USAGE;
    }
    if (cli_check_used(&a, "demo-ops"))
        return CLI_USAGE;
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    ops *o = calloc(1, sizeof *o);
    if (!o) {
        db_close(d);
        return CLI_REFUSED;
    }
    o->a = ACTOR_CLI;
    o->rng = (uint64_t)seed ^ 0x6f70730000000000ull;
    o->now = fx_now();
    o->start = o->now - 5 * HOUR;
    int rc = db_write(d, ops_job, o);
    db_close(d);
    if (rc < 0) {
        fprintf(stderr, "demo-ops: %s: %s\n", o->step ? o->step : "database",
                o->err.kind ? o->err.msg : "the database refused the change");
        free(o);
        return CLI_REFUSED;
    }
    if (rc == 1)
        printf("the operations day is already in %s\n", path);
    else
        printf("operations day in %s: round \"%s\" with %d sites, %d samples, %d boxes; %d isolation cases"
               " (%d checked in today); %d work orders; %d shifts; %d sweep visits\n",
               path, OPS_ROUND, o->nsites, o->samples, o->boxes, o->cases, o->checkins, o->orders, o->shifts,
               o->visits);
    free(o);
    return CLI_OK;
}
