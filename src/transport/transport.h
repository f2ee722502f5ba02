/* transport.h — the transport plan format of contract.md: problems read from
 * JSON (strictly: every refusal names the field), planned with src/plan, written
 * as plan JSON; and the independent checker of a plan.
 *
 * Times are whole minutes from 00:00 of the plan's first day, distances km.
 * A box is SITE@SEAL (SITE@SEAL#K when a site seals several boxes at once). */
#ifndef TRANSPORT_H
#define TRANSPORT_H
#include "plan/plan.h"

#include <jansson.h>
#include <stdbool.h>

#define TP_ID_MAX 64

typedef struct tp_site {
    char id[TP_ID_MAX];
    int loc;                       /* matrix row */
    int first_seal, every, last_seal, per_seal;
    int nseal, *seals;             /* explicit seal minutes, one box each (owned); NULL: the schedule */
} tp_site;

typedef struct tp_vehicle {
    char id[TP_ID_MAX];
    int start, end, capacity;
} tp_vehicle;

typedef struct tp_box {
    char id[TP_ID_MAX + 24];
    int site, seal;                /* index into sites; minute */
} tp_box;

typedef struct tp_problem {
    int hub;                       /* matrix row of the hub */
    int deadline, service;
    int nsite, nveh, nbox, nloc;
    tp_site *site;
    tp_vehicle *veh;
    tp_box *box;                   /* in site order, then seal, then K */
    char (*loc_id)[TP_ID_MAX];
    double *minutes, *km;          /* nloc × nloc */
} tp_problem;

/* Size limits for parsing (0: none); beyond them tp_parse answers TP_TOO_LARGE. */
typedef struct tp_limits {
    int max_boxes, max_locations, max_vehicles;
} tp_limits;

enum { TP_OK = 0, TP_BAD = -1, TP_TOO_LARGE = -2, TP_NOMEM = -3 };

/* Reads a problem; on failure err says which field is wrong and why. */
int tp_parse(const json_t *root, const tp_limits *lim, tp_problem *out, char *err, size_t errlen);
void tp_free(tp_problem *p);

#define TP_SECONDS_DEFAULT 30
/* The search budget: iterations > 0 runs that many (the same plan for the same
 * seed), capped at seconds; else, when seconds were given, as many as fit in
 * them; else the default number (10,000), capped at seconds. */
plan_options tp_options(bool seconds_given, double seconds, long iterations, uint64_t seed);

/* Plans p and renders the plan JSON (runs, boxes, summary); NULL when memory ran out. */
json_t *tp_plan(const tp_problem *p, const plan_options *o);

/* Checks plan against p without the planner: times follow the matrix, runs start
 * and end at the hub, a vehicle's runs do not overlap and stay in its shift, no
 * pickup before the seal, capacity holds, every box exactly once, lateness and
 * the summary are right. Appends one message per violation to violations (a JSON
 * array) and returns how many there were. */
int tp_check(const tp_problem *p, const json_t *plan, json_t *violations);

#endif
