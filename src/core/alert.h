/* alert.h — messages to the people of an area: a workstation told that members of a
 * positive pool live there, a round's officers told of a discrepancy. Generic on
 * purpose (area, kind, the entity it is about, a message); later issues add kinds.
 * Whoever's scope covers the area sees the alert and may acknowledge it. */
#ifndef ALERT_H
#define ALERT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

typedef struct alert {
    int64_t id, area_id, created_at, acknowledged_at; /* acknowledged_at 0: open */
    char kind[32], entity[32], entity_id[72], message[600], acknowledged_by[64];
    char area_code[65];
} alert;

/* Raises an alert for area_id (in the writer's transaction). 0 or < 0. */
int alert_raise(db_conn *c, int64_t area_id, const char *kind, const char *entity, const char *entity_id,
                const char *message);
/* Alerts in scope_path's subtree (NULL: all), newest first, ids below before_id (0: from
 * the newest); only open ones when open_only; of one kind when kind is not NULL. Count or < 0. */
int alert_list(db_conn *c, const char *scope_path, bool open_only, const char *kind, int64_t before_id, alert *out,
               int max);
/* Acknowledges alert id (in the actor's scope). Audited. 0 or an FX_ kind. */
int alert_ack(db_conn *c, const actor *who, int64_t id, alert *out, fx_err *err);

/* The area whose people act on something in the area with path area_path: its
 * workstation, else the nearest ancestor at community level or above, else the area
 * itself. DB_ROW with *out_id, or < 0. */
int alert_area_for(db_conn *c, const char *area_path, int64_t *out_id);

#endif
