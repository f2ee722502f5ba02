/* dispatch_internal.h — what the files of src/dispatch share: a round's setup as
 * loaded for planning and messages, and the conversions between epoch seconds and
 * the plan format's minutes from day0. */
#ifndef DISPATCH_INTERNAL_H
#define DISPATCH_INTERNAL_H
#include "core/round.h"
#include "dispatch/dispatch.h"

#define DSP_ID_MAX 32
#define DSP_VEH_MAX 200
#define DSP_SITE_MAX 1000

typedef struct dsp_vehicle {
    char id[DSP_ID_MAX], driver[64];
    int64_t start, end;
    int capacity;
} dsp_vehicle;

typedef struct dsp_pickup {
    int64_t site_id, first, last;
    int every, per;
    char id[24];     /* the site's id in plans: its number */
    char name[401];
    double lat, lng;
} dsp_pickup;

typedef struct dsp_setup {
    int64_t round_id, day0, seen_box_id;
    char hub[DSP_ID_MAX];
    double hub_lat, hub_lng, speed;
    json_t *matrix; /* owned; NULL: coordinates */
    char osrm[512]; /* the setup's OSRM address; "": the server's (--osrm-url), if any */
    int deadline, service, lead, replan;
    int nveh, nsite;
    dsp_vehicle veh[DSP_VEH_MAX];
    dsp_pickup site[DSP_SITE_MAX];
} dsp_setup;

/* DB_ROW with the setup (free with dsp_unload), DB_DONE when the round has none. */
int dsp_load(db_conn *c, int64_t round_id, dsp_setup *o);
void dsp_unload(dsp_setup *o);

/* Minutes from day0 (floor) and back. */
static inline int dsp_min(const dsp_setup *s, int64_t t) { return (int)((t - s->day0) >= 0 ? (t - s->day0) / 60 : -((s->day0 - t + 59) / 60)); }
static inline int64_t dsp_at(const dsp_setup *s, int m) { return s->day0 + (int64_t)m * 60; }

#endif
