/* workorder.h — work orders pushed by the city platform (工单/转办): idempotent by
 * external_id, routed to the workstation that owns the person (by ID number) or the
 * address (household address prefix), else to a triage queue; assigned to a handler;
 * moved through new → accepted → in_progress → done, or returned from any open status;
 * each change kept in the order's history and its feedback queued for the platform's
 * webhook in the contract's format. Overdue = past the deadline and not closed, read on
 * the one clock. */
#ifndef WORKORDER_H
#define WORKORDER_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

enum wo_status { WO_NEW, WO_ACCEPTED, WO_IN_PROGRESS, WO_DONE, WO_RETURNED };
const char *wo_status_name(int s);
int wo_status_parse(const char *s); /* -1 when unknown */
/* The statuses an order may move to from `from`, as a bit set (1 << status). */
unsigned wo_next_allowed(int from);
/* "accepted or returned": the allowed next statuses named for a refusal. */
void wo_allowed_text(int from, char *out, size_t len);
bool wo_overdue(int status, int64_t deadline, int64_t now);

typedef struct wo_route_result {
    int64_t area_id, person_id;
    char routing[12];   /* person, address, triage */
    char area_code[65];
} wo_route_result;
/* Where an order goes: the workstation above the person with this ID number, else above
 * the households whose address begins with address (all under one workstation), within
 * scope_path ("/" or NULL: anywhere); else triage (area_id 0). 0 or < 0. */
int wo_route(db_conn *c, const char *id_number, const char *address, const char *scope_path, wo_route_result *out);

typedef struct wo_input {
    const char *external_id, *kind, *title, *body, *id_number, *name, *address;
    int64_t deadline;
} wo_input;

typedef struct work_order {
    int64_t id, token_id, person_id, area_id, assignee_id, deadline, created_at, updated_at;
    int status;
    bool overdue, duplicate;
    char external_id[72], kind[64], title[404], body[4004], id_number[40], name[404], address[404];
    char routing[12], area_code[65], area_path[192], assignee[40], feedback[2004], handled_by[64];
} work_order;

/* ---- CSV (the API's text/csv push and `fangxian workorders import`) ---- */
typedef struct wo_csv_row {
    long row;          /* the row number a spreadsheet shows */
    char *own[7];      /* the row's texts, owned */
    wo_input in;
    fx_err err;        /* kind 0: good; else names the row and the field */
    int64_t id;        /* after wo_push_rows: the order */
    bool duplicate;
} wo_csv_row;
#define WO_CSV_MAX 20000
/* Reads `external_id,title,deadline` and optionally kind,id_number,name,address,body
 * (deadline: epoch seconds or ISO 8601 with an offset). Bad rows carry their error; good
 * rows are checked with wo_check. *rows malloc'd (wo_csv_free). 0, or FX_EINVAL when the
 * file as a whole is unusable (codes unreadable_file, missing_column, too_many_rows,
 * empty_file). */
int wo_csv_read(int fd, wo_csv_row **rows, int *n, fx_err *err);
void wo_csv_free(wo_csv_row *rows, int n);
/* Pushes every good row (wo_push); a refused row gets its error. 0, or FX_EINTERNAL
 * when the store failed (the caller's transaction is then rolled back). */
int wo_push_rows(db_conn *c, const actor *who, int64_t token_id, int64_t triage_area_id, const char *triage_path,
                 wo_csv_row *rows, int n);

/* Checks an order's fields, naming the first bad one. 0 or FX_EINVAL. */
int wo_check(const wo_input *in, fx_err *err);
/* Stores a pushed order and routes it; triage orders stay in triage_area_id's queue
 * (the pushing token's area, 0: the system's). The same external_id again answers the
 * stored order with duplicate set and changes nothing. Audited. */
int wo_push(db_conn *c, const actor *who, int64_t token_id, int64_t triage_area_id, const char *triage_path,
            const wo_input *in, work_order *out, fx_err *err);
int wo_get(db_conn *c, int64_t id, work_order *out);
int wo_get_external(db_conn *c, const char *external_id, work_order *out);
/* Orders in scope (NULL: all) matching f, by id after after_id. Count or < 0. */
typedef struct wo_filter {
    int64_t assignee_id; /* > 0: only theirs */
    int status;          /* enum wo_status, -1: any */
    bool overdue_only;   /* open and past the deadline */
    bool triage_only;    /* waiting in a triage queue, not routed yet */
} wo_filter;
#define WO_FILTER_NONE ((wo_filter){.status = -1})
int wo_list(db_conn *c, const char *scope_path, const wo_filter *f, int64_t after_id, work_order *out, int max);
/* Routes an order to area_code (NULL: keep) and/or assigns it to username (NULL: keep).
 * 404 outside scope; 422 when the assignee cannot handle work orders (work_order.handle)
 * or works outside the order's area. Re-routing clears an assignee outside the new area.
 * Audited, in the history. */
int wo_assign(db_conn *c, const actor *who, int64_t id, const char *area_code, const char *username, work_order *out,
              fx_err *err);
/* Moves an order to status, with feedback (required for done and returned): the assignee,
 * or an officer or admin in scope. 422 invalid_transition names the allowed statuses.
 * Queues the feedback for the webhook. Audited, in the history. */
int wo_set_status(db_conn *c, const actor *who, int64_t id, const char *status, const char *feedback,
                  work_order *out, fx_err *err);

typedef struct wo_event {
    int64_t id, at;
    char actor[64], action[16], status[16], detail[600];
} wo_event;
/* The order's history, oldest first. Count or < 0. */
int wo_history(db_conn *c, int64_t id, wo_event *out, int max);

#endif
