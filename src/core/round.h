/* round.h — mass-testing rounds (全员核酸): scope, deadline and pooling policy;
 * exemptions; coverage (应检尽检) kept current as samples and exemptions arrive.
 *
 * A round's scope is a set of areas; a person is in scope when their area lies in
 * one of them. Coverage has a row per area of the scopes' subtrees and of the
 * areas above them, each counting everything below it: in_scope is taken from
 * the registry's area_counts when the round is created, and sampled / exempt
 * move with every first sample and every exemption, in the same transaction. */
#ifndef ROUND_H
#define ROUND_H
#include "core/actor.h"
#include "core/person.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

#define ROUND_NAME_MAX 100  /* characters */
#define ROUND_AREAS_MAX 64  /* areas named in one round's scope */

/* Pool sizes by risk level, in area_risk order: none, precaution, controlled, sealed. */
enum { RISK_NONE, RISK_PRECAUTION, RISK_CONTROLLED, RISK_SEALED, RISK__COUNT };
/* RISK_* for a risk level name, -1 when unknown. */
int round_risk_rank(const char *risk_level);
/* true for the pool sizes a tube may have: 1, 5, 10, 20. */
bool round_pool_valid(int n);

typedef struct fx_round {
    int64_t id, area_id, start_at, deadline, created_at, updated_at;
    int pool[RISK__COUNT];
    char name[ROUND_NAME_MAX * 4 + 1];
    char status[8];          /* open, closed */
    char area_code[65];      /* the owning area (its officers run it) */
    char created_by[64];
} fx_round;

typedef struct round_input {
    const char *name;
    const char *const *areas; /* codes */
    int nareas;
    int64_t start_at, deadline;
    int pool[RISK__COUNT];    /* 0: the default (20, 20, 10, 1) */
} round_input;

/* Creates a round and its coverage rows. Every area must exist and lie in the
 * actor's scope; the owning area is the actor's (or the first scope area for the
 * command line and unbound admins). Audited. 0 or an FX_ kind with err. */
int round_create(db_conn *c, const actor *who, const round_input *in, fx_round *out, fx_err *err);

int round_get(db_conn *c, int64_t id, fx_round *out); /* DB_ROW / DB_DONE / < 0 */

/* The scope areas of a round (codes and paths), up to max; count or < 0. */
typedef struct round_area {
    int64_t id;
    char code[65];
    char path[FX_AREA_PATH_MAX];
} round_area;
int round_areas(db_conn *c, int64_t round_id, round_area *out, int max);

/* A round is visible to p when one of its scope areas overlaps p's subtree
 * (lies in it, or contains p's area). NULL p: the command line, everything. */
bool round_visible(db_conn *c, const principal *p, int64_t round_id);
/* Rounds visible from scope_path (NULL: all), newest first, ids below before_id
 * (0: from the newest). Count or < 0. */
int round_list(db_conn *c, const char *scope_path, int64_t before_id, fx_round *out, int max);

/* The default pool size for a tube at area_path in this round: the policy's size
 * for the risk level of the nearest area on the path (itself first, then upwards)
 * whose level is above none; the level found goes to risk (may be NULL). */
int round_pool_size(db_conn *c, const fx_round *r, const char *area_path, char risk[16]);

/* ---- coverage ---- */
typedef struct coverage_row {
    int64_t area_id;
    char code[65], name[401], kind[16];
    int64_t in_scope, sampled, exempt;
} coverage_row;

/* DB_ROW with the area's counters, DB_DONE when the area is not covered by the round. */
int coverage_get(db_conn *c, int64_t round_id, int64_t area_id, coverage_row *out);
/* The rows of the direct children of area_id that the round covers; count or < 0. */
int coverage_children(db_conn *c, int64_t round_id, int64_t area_id, coverage_row *out, int max);
/* Adds the deltas to the area with path and to every area above it that has a row. */
int coverage_add(db_conn *c, int64_t round_id, const char *area_path, int64_t d_in_scope, int64_t d_sampled,
                 int64_t d_exempt);

typedef struct coverage_hour {
    int64_t hour, sampled; /* hour: epoch seconds of its start */
} coverage_hour;
/* First samples per hour below area_id, oldest first; count or < 0. */
int coverage_hourly(db_conn *c, int64_t round_id, int64_t area_id, coverage_hour *out, int max);

/* People in scope below area_path not sampled and not exempt, in (area path, id)
 * order, after the person after_id (0: from the start); the order of the area
 * index, so a page costs its own rows, not a sort of the whole area. The round's
 * scope applies too when area_path lies above it. Count or < 0. */
int round_untested(db_conn *c, int64_t round_id, const char *area_path, int64_t after_id, person *out, int max);

/* ---- exemptions ---- */
#define EXEMPT_NOTE_MAX 200 /* characters */
typedef struct exemption {
    int64_t round_id, person_id, created_at;
    char reason[16], note[EXEMPT_NOTE_MAX * 4 + 1], created_by[64];
    char person_name[PERSON_NAME_MAX * 4 + 1], area_code[65];
} exemption;

/* true for bedridden, infant, away, other. */
bool exempt_reason_valid(const char *s);
/* Exempts a person in the round's scope and the actor's; refuses one already
 * sampled or already exempt. Counts in coverage.exempt. Audited. */
int exempt_add(db_conn *c, const actor *who, int64_t round_id, int64_t person_id, const char *reason,
               const char *note, exemption *out, fx_err *err);
/* Withdraws an exemption. Audited. */
int exempt_remove(db_conn *c, const actor *who, int64_t round_id, int64_t person_id, fx_err *err);
/* Exemptions of a round for people below scope_path (NULL: all), by person id above after_id. */
int exempt_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_id, exemption *out, int max);

/* Upper bound of a path's subtree range: "/1/2/" → "/1/20" (path >= P AND path < upper). */
void round_path_upper(const char *path, char out[FX_AREA_PATH_MAX]);

#endif
