/* positive.h — what follows a tube's result: recalls, the positive flow, the
 * officer's confirming decision, and the trace of a tube to households and buildings.
 *
 * The rules, all in result_consequences():
 *   - any valid result (negative or positive) of a tube completes the open recalls of
 *     its members from earlier tubes: this tube was their retest (a negative clears them);
 *   - invalid: every member is recalled (reason invalid);
 *   - positive: positive_pool_start() — at once and automatically, every member is
 *     marked pending control where they are, put on the recall list for a single-tube
 *     retest, and their workstations are alerted; active zones containing a member
 *     restart their count to lifting;
 *   - a correction away from positive withdraws the pool (pending control cleared,
 *     its recalls cancelled, workstations told); away from invalid cancels its recalls.
 * Nothing is isolated or zoned silently: positive_confirm() is the officer's one
 * action for the whole pool. */
#ifndef POSITIVE_H
#define POSITIVE_H
#include "core/custody.h"
#include "core/person.h"

/* Runs the rules above for tube t whose result went from old_result (NULL: none) to
 * new_result, in the writer's transaction. 0 or < 0. */
int result_consequences(db_conn *c, const actor *who, const tube_ref *t, const char *old_result,
                        const char *new_result);

/* A positive pool recalls every member: pending control, recall, alerts. 0 or < 0. */
int positive_pool_start(db_conn *c, const actor *who, const tube_ref *t);

/* Puts every member of t on the recall list with reason (invalid, positive_pool,
 * damaged); a cancelled recall of the same cause is reopened. *n gets how many. */
int tube_recall_members(db_conn *c, const tube_ref *t, const char *reason, int *n);

/* A field finding that calls for a test (reason arrival or sweep_visit, cause_id the
 * entry's or visit's id) recalls person_id, whose household lies in area_id: into the
 * open round covering that area whose deadline comes first (*round_id), else as a
 * pending recall (*round_id 0) that recall_attach_pending moves into the next round
 * created over the area. A person already recalled for the same kind of cause there
 * keeps that recall (reopened when already retested). *recall_id gets it. 0 or < 0. */
int recall_field(db_conn *c, int64_t person_id, int64_t area_id, const char *reason, int64_t cause_id,
                 int64_t *recall_id, int64_t *round_id);
/* Moves the pending recalls of people in round_id's scope into it; *n gets how many. */
int recall_attach_pending(db_conn *c, int64_t round_id, int *n);
/* The round of recall id (0 while pending), DB_ROW / DB_DONE / < 0. */
int recall_round(db_conn *c, int64_t id, int64_t *round_id);

#define CONTROL_MAX 64

typedef struct positive_pool {
    int64_t tube_id, round_id, detected_at, decided_at;
    int members;
    char tube[BARCODE_MAX + 1], status[12], decided_by[64], note[404], site_area[65];
    /* the decision: what was put under control */
    int nhouseholds, nbuildings;
    int64_t households[CONTROL_MAX];
    char buildings[CONTROL_MAX][65]; /* area codes */
    /* what followed from it: isolation cases (members') and zones (proposed for the buildings) */
    int nisolations, nzones;
    int64_t isolations[CONTROL_MAX], zones[CONTROL_MAX];
    bool already; /* positive_confirm: it had been confirmed before */
} positive_pool;

/* The officer's one confirming action for the whole pool: records the decision, puts
 * the members' households and buildings under control and the members from pending
 * to confirmed control, opens a home-isolation case (reason positive_pool) for each
 * member without an active one and proposes a sealed zone for each building not yet
 * covered by a zone (an officer activates it: core/zone.h), in the same transaction.
 * 404 outside the actor's area, 422 when the tube is not a positive pool (or its
 * result was corrected away); confirming again answers the decision (already). Audited. */
int positive_confirm(db_conn *c, const actor *who, const char *barcode, const char *note, positive_pool *out,
                     fx_err *err);

/* Positive pools of a round within scope_path, by tube id after after_id. */
int positive_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_id, positive_pool *out,
                  int max);
/* The decision on one pool (DB_ROW), DB_DONE when the tube is not a positive pool. */
int positive_get(db_conn *c, int64_t tube_id, positive_pool *out);

/* A recall or pending-control entry: the person and why. */
typedef struct control_row {
    int64_t id, person_id, tube_id, created_at, done_at, done_tube_id; /* id: the recall's (0 for pending) */
    int64_t cause_id;        /* the arrival or sweep visit that caused a recall (0: none) */
    char reason[16];         /* recall reason, or the pending-control state */
    char tube[BARCODE_MAX + 1], done_tube[BARCODE_MAX + 1];
    char name[PERSON_NAME_MAX * 4 + 1], id_number[40], phone[24], area_code[65], area_path[192];
} control_row;

/* Recalls of a round within scope_path (optionally of one tube, only open ones), by id. */
int recall_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t tube_id, bool open_only,
                int64_t after_id, control_row *out, int max);
/* Persons pending control (state pending) in a round within scope_path, by person id. */
int pending_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_person, control_row *out,
                 int max);

/* ---- trace ---- */
typedef struct trace_person {
    person p;
    int64_t building_id;
    bool member;
    char recall[16];     /* the open or done recall's reason from this tube, "" if none */
    bool recall_done;
    char control[12];    /* pending-control state from this tube, "" if none */
} trace_person;

typedef struct trace_building {
    int64_t id;
    char code[65], name[401];
    int residents_total; /* everyone in it, members included */
} trace_building;

typedef struct tube_trace {
    tube_ref tube;
    char result[12];       /* "" when none yet */
    trace_person *members; /* the tube's members */
    int nmembers;
    trace_person *housemates; /* the other people of their households */
    int nhousemates;
    trace_building *buildings;
    int nbuildings;
    trace_person *co_residents; /* other residents of their buildings (not members, not housemates), by building */
    int nco_residents;
    bool co_residents_cut;      /* more than co_limit per building */
    bool has_pool;
    positive_pool pool;
} tube_trace;

/* Fills tr for tube barcode; co_limit bounds the co-residents listed per building.
 * DB_ROW, DB_DONE (no such tube) or < 0. Free with tube_trace_free. */
int tube_trace_get(db_conn *c, const char *barcode, int co_limit, tube_trace *tr);
void tube_trace_free(tube_trace *tr);

#endif
