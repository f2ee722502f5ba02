/* service.h — resident services for people in isolation: approved door-opening windows
 * (garbage pickup, delivery, a medical trip), garbage rounds over a building with a mark per
 * household, service requests with a status flow, an assignee, a deadline and feedback
 * (overdue ones raised by the clock), and counselling notes (officers and counsellors only;
 * the route's action keeps everyone else out). */
#ifndef SERVICE_H
#define SERVICE_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- approved windows ---- */
typedef struct door_window {
    int64_t id, household_id, starts_at, ends_at, created_at;
    char kind[12], area_code[65], note[401], created_by[64];
} door_window;

typedef struct window_input {
    int64_t household_id; /* one household, or 0 with area: every household of the area */
    const char *area, *kind, *note;
    int64_t starts_at, ends_at;
} window_input;

int window_create(db_conn *c, const actor *who, const window_input *in, door_window *out, fx_err *err);
/* Windows in scope ending after `after` (0: all), of one household (0: all), newest first. */
int window_list(db_conn *c, const char *scope_path, int64_t household_id, int64_t after, int64_t before_id,
                door_window *out, int max);

/* ---- garbage rounds ---- */
typedef struct garbage_round {
    int64_t id, window_id, starts_at, ends_at, created_at;
    int households, done;
    char area_code[65], area_path[192], note[401], created_by[64];
} garbage_round;

typedef struct garbage_household {
    int64_t household_id, done_at;
    char address[401], done_by[64];
    bool isolated;
} garbage_household;

/* A round over a building (or compound); its window lets every door in it open meanwhile. */
int garbage_create(db_conn *c, const actor *who, const char *area, int64_t starts_at, int64_t ends_at,
                   const char *note, garbage_round *out, fx_err *err);
int garbage_get(db_conn *c, int64_t id, garbage_round *out);
int garbage_list(db_conn *c, const char *scope_path, int64_t before_id, garbage_round *out, int max);
/* The households of the round's area with their marks. Count or < 0. */
int garbage_households(db_conn *c, const garbage_round *g, garbage_household *out, int max);
/* Marks a household of the round collected (again: no change). Audited. */
int garbage_mark(db_conn *c, const actor *who, int64_t round_id, int64_t household_id, fx_err *err);

/* ---- requests ---- */
typedef struct service_request {
    int64_t id, household_id, person_id, assignee_id, deadline, overdue_at, created_at, updated_at, done_at;
    char kind[16], status[16], description[1201], feedback[1201], assignee[64], area_code[65], address[401],
        created_by[64];
} service_request;

typedef struct request_input {
    int64_t household_id, person_id, deadline; /* 0: unchanged */
    const char *kind, *description, *status, *assignee, *feedback; /* NULL: unchanged */
} request_input;

bool request_kind_valid(const char *s);
int request_create(db_conn *c, const actor *who, const request_input *in, service_request *out, fx_err *err);
/* Status flow: open → assigned (an assignee is set) → in_progress → done (needs feedback);
 * cancelled from any state before done. Volunteers change only requests assigned to them,
 * and only their progress and feedback. Audited. */
int request_update(db_conn *c, const actor *who, int64_t id, const request_input *in, service_request *out,
                   fx_err *err);
int request_get(db_conn *c, const actor *who, int64_t id, service_request *out, fx_err *err);
/* Requests in scope (volunteers: assigned to them), newest first; status NULL: all;
 * overdue_only: past their deadline and not done. */
int request_list(db_conn *c, const principal *p, const char *status, bool overdue_only, int64_t now,
                 int64_t before_id, service_request *out, int max);
/* Raises an alert for each unfinished request past its deadline (once each). Count or < 0. */
int request_check_overdue(db_conn *c, int64_t now);

/* ---- counselling notes ---- */
typedef struct counselling_note {
    int64_t id, person_id, request_id, created_at;
    char body[4001], created_by[64];
} counselling_note;

int note_create(db_conn *c, const actor *who, int64_t person_id, int64_t request_id, const char *body,
                counselling_note *out, fx_err *err);
/* Notes about a person in the caller's scope, newest first. 404 outside it. */
int note_list(db_conn *c, const principal *p, int64_t person_id, counselling_note *out, int max, fx_err *err);

#endif
