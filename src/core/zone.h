/* zone.h — sealed (封控), controlled (管控) and precaution (防范) zones over compounds and
 * buildings: cause and start, the countdown to lifting by a rule set, gate posts and
 * their log.
 *
 * Life: proposed (by a positive pool's confirmation; an officer activates or dismisses
 * it) → active (it sets its area's risk_level) → lifted (an officer's act, refused until
 * the rule's stage holds). A rule set is stages applied one lift at a time: each holds
 * after quiet_days without a new case, counted from the start or the latest positive
 * inside (count_from), and, when negative_days > 0, a negative round in the zone within
 * the last negative_days (samples of its people, every one resulted negative). A stage
 * turns the zone into its to_kind (a lower level) or lifts it. An area's risk_level is
 * the highest kind among the active zones on it, else none. */
#ifndef ZONE_H
#define ZONE_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

#define ZONE_STAGES_MAX 4

typedef struct zone_stage {
    int step, quiet_days, negative_days;
    char to_kind[12]; /* lifted, controlled, precaution */
} zone_stage;

typedef struct zone_rule {
    int64_t id;
    char name[64], description[404];
    int nstages;
    zone_stage stages[ZONE_STAGES_MAX];
} zone_rule;

enum { ZONE_UNMET_QUIET = 1, ZONE_UNMET_NEGATIVE_ROUND = 2 };
/* Which conditions of st do not hold at now for a zone counting from count_from, with
 * samples taken in its window of which not_negative lack a negative result. Pure. */
unsigned zone_stage_unmet(const zone_stage *st, int64_t now, int64_t count_from, int samples, int not_negative);

int zone_rule_get(db_conn *c, int64_t id, zone_rule *out);
int zone_rule_by_name(db_conn *c, const char *name, zone_rule *out);
int zone_rule_list(db_conn *c, zone_rule *out, int max);
/* A new rule set: 1 to ZONE_STAGES_MAX stages with ascending quiet days, the last one
 * lifting and no other. Audited. */
int zone_rule_create(db_conn *c, const actor *who, const zone_rule *in, zone_rule *out, fx_err *err);

typedef struct zone {
    int64_t id, area_id, cause_tube_id, cause_isolation_id, start_at, count_from, last_case_at, stage_at,
        proposed_at, lifted_at, created_at, updated_at;
    int stage;
    char kind[12], status[12], cause_kind[12], cause_note[404], created_by[64];
    char area_code[65], area_name[401], area_kind[16], area_path[192], cause_tube[33];
    zone_rule rule;
    /* the next stage at the time asked (active zones): what is still unmet */
    bool has_next;
    zone_stage next;
    unsigned unmet;
    int64_t quiet_until; /* when the quiet days will have passed */
    int samples, not_negative;
} zone;

/* DB_ROW / DB_DONE / < 0; evaluated at now. */
int zone_get(db_conn *c, int64_t id, int64_t now, zone *out);
/* Zones in scope_path's subtree (status NULL: proposed and active), by id. Count or < 0. */
int zone_list(db_conn *c, const char *scope_path, const char *status, int64_t after_id, int64_t now, zone *out,
              int max);

typedef struct zone_input {
    const char *area, *kind, *rule, *note, *tube; /* rule NULL: the first preset; cause: tube, isolation or note */
    int64_t isolation;
} zone_input;
/* An officer's zone, active at once. Audited. */
int zone_create(db_conn *c, const actor *who, const zone_input *in, zone *out, fx_err *err);
/* A sealed zone proposed over area_id for positive pool tube_id, unless a proposed or
 * active zone covers that area already. *id gets the zone's id (0 when none was made). */
int zone_propose(db_conn *c, const actor *who, int64_t area_id, int64_t tube_id, int64_t *id);
int zone_activate(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err);
int zone_dismiss(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err);
/* Applies the rule's next stage: 422 naming what is unmet (quiet_days_not_passed,
 * no_negative_round). Audited, and the area's risk level follows. */
int zone_lift(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err);
/* A new positive in the area with path area_path, at at: every active zone containing
 * it restarts its count. Audited per zone. */
int zone_positive_inside(db_conn *c, const actor *who, const char *area_path, int64_t at, const char *tube);

typedef struct zone_gate {
    int64_t id, zone_id, created_at;
    char name[404];
} zone_gate;
int zone_gate_add(db_conn *c, const actor *who, int64_t zone_id, const char *name, zone_gate *out, fx_err *err);
int zone_gate_list(db_conn *c, int64_t zone_id, zone_gate *out, int max);

typedef struct gate_entry {
    int64_t id, gate_id, zone_id, person_id, household_id, at, created_at;
    char kind[12], name[404], note[404], recorded_by[64];
} gate_entry;
typedef struct gate_input {
    const char *kind, *name, *note; /* entry, exit, delivery */
    int64_t person_id, household_id, at;
} gate_input;
int gate_log_add(db_conn *c, const actor *who, int64_t gate_id, const gate_input *in, gate_entry *out, fx_err *err);
/* The gate's log newest first, ids below before_id (0: from the newest); the gate must
 * lie in scope_path. Count, or < 0 (DB_ENOTFOUND when the gate is not in scope). */
int gate_log_list(db_conn *c, const char *scope_path, int64_t gate_id, int64_t before_id, gate_entry *out, int max);

#endif
