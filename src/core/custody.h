/* custody.h — a sealed box's chain of custody and turnaround.
 *
 * Handovers (site → driver → hub → lab) carry the count of tubes the receiving side
 * found. A count that differs from the tubes the box was sealed with is stored as it
 * was reported and raised as a discrepancy (missing or extra) for the round's
 * officers; a damaged tube is one too, and its members are recalled. Handovers are
 * judged by their own time `at`, not by when they arrive: the timeline is ordered by
 * `at`, each step's turnaround time is its earliest handover, and one that arrives
 * after a later step is kept and flagged out_of_order.
 *
 * Turnaround: per box sealed → picked up → hub → lab → result (every tube resulted),
 * against limits per round (turnaround_limits; round 0 holds the defaults: 90 min
 * seal → lab, 12 h seal → result). A box is at risk from `warn` minutes before a limit
 * while the step is still to come, and in breach once the limit has passed without it.
 * Every rule reads fx_now(). */
#ifndef CUSTODY_H
#define CUSTODY_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

#define BARCODE_MAX 40

/* A tube with what scope checks and rules need. */
typedef struct tube_ref {
    int64_t id, round_id, site_id, box_id, opened_at, sealed_at; /* sealed_at 0: open */
    int pool_size, samples;
    char barcode[BARCODE_MAX + 1];
    char site_path[192];  /* the site's area: who handles the tube */
    char round_path[192]; /* the round's owning area: its officers */
    int64_t round_area_id;
} tube_ref;

typedef struct box_ref {
    int64_t id, round_id, site_id, site_area_id, round_area_id, sealed_at;
    int tube_count;
    char barcode[BARCODE_MAX + 1], seal_no[64];
    char site_path[192], round_path[192];
} box_ref;

int box_ref_get(db_conn *c, const char *barcode, box_ref *out); /* DB_ROW / DB_DONE / < 0 */
int tube_ref_get(db_conn *c, const char *barcode, tube_ref *out);

/* ---- handovers ---- */
typedef struct handover_input {
    const char *box, *to, *vehicle, *by, *received_by;
    long long count, at;
    const char *const *damaged; /* barcodes of damaged tubes, n_damaged of them */
    int n_damaged;
    const char *note;
} handover_input;

typedef struct discrepancy {
    int64_t id, round_id, box_id, handover_id, tube_id, created_at, resolved_at;
    int expected, counted;
    char kind[12], box[BARCODE_MAX + 1], tube[BARCODE_MAX + 1], note[404], created_by[64], resolved_by[64],
        resolution[404];
} discrepancy;

typedef struct handover_result {
    int64_t id;
    bool duplicate;    /* the same handover (box, to, at) was already stored */
    bool out_of_order; /* a later step of this box has an earlier time */
    int ndisc;         /* discrepancies raised by this handover */
    discrepancy disc[8];
} handover_result;

/* Stores a handover; refuses unknown boxes (404), boxes outside the actor's area,
 * times before the seal or in the future (422). Audited. 0 or an FX_ kind. */
int handover_record(db_conn *c, const actor *who, const handover_input *in, handover_result *out, fx_err *err);

/* Discrepancies of a round within scope_path, by id after after_id; open ones only when open_only. */
int discrepancy_list(db_conn *c, int64_t round_id, const char *scope_path, bool open_only, int64_t after_id,
                     discrepancy *out, int max);
/* Resolves one (officer): resolution says what was done. Audited. */
int discrepancy_resolve(db_conn *c, const actor *who, int64_t id, const char *resolution, discrepancy *out,
                        fx_err *err);

/* A box's timeline: its handovers in event-time order. */
typedef struct handover {
    int64_t id, at, created_at;
    int counted;
    char to[8], vehicle[64], by[64], received_by[64], recorded_by[64];
} handover;
int handover_list(db_conn *c, int64_t box_id, handover *out, int max);
int discrepancy_list_box(db_conn *c, int64_t box_id, discrepancy *out, int max);

/* ---- turnaround ---- */
typedef struct turnaround_limits {
    int to_lab_min, to_result_min, lab_warn_min, result_warn_min;
    bool own; /* the round has its own row (else the defaults) */
} turnaround_limits;

int turnaround_limits_get(db_conn *c, int64_t round_id, turnaround_limits *out);
/* Sets a round's limits (values <= 0 keep the current ones). Audited. */
int turnaround_limits_set(db_conn *c, const actor *who, int64_t round_id, const turnaround_limits *in,
                          turnaround_limits *out, fx_err *err);

typedef struct box_turn {
    int64_t box_id, sealed_at, picked_at, hub_at, lab_at, result_at; /* 0: not yet */
    int tube_count, resulted;
    char barcode[BARCODE_MAX + 1], stage[8]; /* sealed, driver, hub, lab, result */
    char site_area[65];
    /* judged at now */
    bool lab_at_risk, lab_breach, result_at_risk, result_breach;
    int64_t lab_deadline, result_deadline;
} box_turn;

int box_turn_get(db_conn *c, int64_t box_id, const turnaround_limits *lim, int64_t now, box_turn *out);

enum turn_view { TURN_AT_RISK, TURN_BREACHES };
/* Boxes of a round within scope_path that are at risk (or in breach) at now, by box id
 * after after_id. Count or < 0. */
int turnaround_list(db_conn *c, int64_t round_id, const char *scope_path, enum turn_view view, int64_t now,
                    int64_t after_id, box_turn *out, int max);

/* Called by results: a tube of box_id got its first result at `at`. */
int turnaround_note_result(db_conn *c, int64_t box_id, int64_t at);

/* ---- a round at a glance (dashboard) ---- */
typedef struct round_glance {
    long long open_discrepancies; /* not yet resolved */
    long long positives_pending;  /* positive pools awaiting the officer's confirming action */
    long long boxes_at_risk;      /* boxes inside a warning window, step still to come */
} round_glance;

/* Counts for a round within scope_path at now, each read on an index range: open
 * discrepancies and pending pools by their round indexes, boxes at risk as those
 * sealed inside the two warning windows (boxes_round is ordered by seal time), so the
 * cost follows what is open, not the size of the round. 0 or < 0. */
int round_glance_get(db_conn *c, int64_t round_id, const char *scope_path, int64_t now, round_glance *out);

#endif
