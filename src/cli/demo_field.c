/* demo_field.c — the ops day's village checkpoint (apart from demo_ops.c: checkpoint.h and
 * round.h name their risk levels alike). */
#include "cli/demo.h"

#include "core/area.h"
#include "core/checkpoint.h"
#include "util/fx_str.h"

#include <stdio.h>

#define MIN 60
#define HOUR 3600
#define DAY 86400
#define TRY(step, what, call)                                                                                  \
    do {                                                                                                       \
        if ((call) != 0) {                                                                                     \
            *(step) = (what);                                                                                  \
            return -1;                                                                                         \
        }                                                                                                      \
    } while (0)

/* ---- 翟庄村's entrance: returnees checked by the village secretary ---- */

int demo_checkpoint(db_conn *c, const actor *who, int64_t now, int64_t *checkpoint_id, fx_err *err,
                    const char **step)
{
    checkpoint cp;
    TRY(step, "checkpoint", cp_create(c, who, "翟庄村村口值守点", "HKG-ZZ-ZZC", 2, "00:00-24:00", &cp, err));
    *checkpoint_id = cp.id;
    risk_row risks[3] = {
        {.row = 2, .name = "上海市浦东新区", .level = "high"},
        {.row = 3, .name = "北京市朝阳区", .level = "medium"},
        {.row = 4, .name = "郑州市金水区", .level = "low"},
    };
    for (int i = 0; i < 3; i++) {
        risks[i].valid_from = now - 7 * DAY;
        risks[i].valid_to = now + 14 * DAY;
    }
    int stored;
    TRY(step, "risk areas", risk_store(c, who, risks, 3, &stored, err));
    ops_person pp[4];
    if (demo_residents(c, "HKG-ZZ-ZZC", 100, 4, pp) < 4)
        return 0;
    static const struct {
        const char *city, *code, *plate, *purpose, *hardship;
        double temp;
        int ago_min;
    } arr[] = {
        {"郑州市金水区", "green", "豫A3K2Q8", "返乡探亲", NULL, 36.4, 300},
        {"上海市浦东新区", "green", "沪B7T561", "返乡", NULL, 36.6, 180},
        {"北京市朝阳区", "yellow", "", "务工返乡", "家中老人行动不便,隔离期间需要代购药品和生活用品", 36.5, 75},
        {"新郑市", "green", "豫A9M0L3", "送货", NULL, 36.3, 20},
    };
    for (int i = 0; i < 4; i++) {
        arrival a;
        char cid[40];
        snprintf(cid, sizeof cid, "demo-arrival-%d", i + 1);
        arrival_input in = {.client_id = cid, .id_number = pp[i].id_number, .plate = arr[i].plate,
                            .health_code = arr[i].code, .purpose = arr[i].purpose, .hardship = arr[i].hardship,
                            .cities = {arr[i].city}, .ncities = 1, .has_temperature = true,
                            .temperature = arr[i].temp, .household_id = pp[i].household_id,
                            .at = now - arr[i].ago_min * MIN};
        TRY(step, "arrival", arrival_record(c, who, cp.id, &in, &a, err));
    }
    return 0;
}

