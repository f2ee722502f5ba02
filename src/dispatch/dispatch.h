/* dispatch.h — live transport for a round: its setup (hub, vehicles, pickup
 * schedule), the stored plan, re-planning from what happened, and the reminders and
 * alarms delivered through a persisted outbox.
 *
 * Sits above core and src/transport (it speaks the plan format, so it uses JSON);
 * below http. Planning runs on the caller's thread with a read connection; only
 * storing goes through the writer. Nothing here sends: notify.c's thread does. */
#ifndef DISPATCH_H
#define DISPATCH_H
#include "core/actor.h"
#include "core/round.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The round exists and its area lies in the actor's scope; 0 or FX_ENOTFOUND. */
int dsp_round_check(db_conn *c, const actor *who, int64_t round_id, fx_round *r, fx_err *e);

/* ---- setup ---- */
/* Replaces a round's transport setup from body (hub, vehicles, pickups, rules).
 * Writer. Audited. 0 or an FX_ kind. */
int dsp_setup_put(db_conn *c, const actor *who, int64_t round_id, const json_t *body, fx_err *err);
/* The setup as the API shows it; NULL when the round has none. */
json_t *dsp_setup_get(db_conn *c, int64_t round_id);

/* ---- plans ---- */
typedef struct dsp_made {
    int64_t round_id;
    int base_version;    /* the current plan's version when this one was made (0: none) */
    const char *reason;  /* plan, replan, deviation */
    json_t *problem;     /* the future part's problem (owned) */
    json_t *plan;        /* the whole plan (owned) */
    int kept, late, total_late, used;
    int violations;      /* the checker's count for the future part (stored only when 0) */
    json_t *warnings;    /* e.g. the OSRM service failed and coordinates were used (owned; may be NULL) */
} dsp_made;

/* Makes a plan for round_id at now on a read connection: the whole day from the
 * schedule (replan false), or from what happened (replan true: needs a current
 * plan). iterations: the search's length per alternative. 0 or an FX_ kind. */
int dsp_make(db_conn *c, int64_t round_id, bool replan, int64_t now, long iterations, dsp_made *out, fx_err *err);
void dsp_made_free(dsp_made *m);
/* Stores m as the round's current plan (writer): refused (409) when another plan was
 * stored since m was made. Audited. 0 or an FX_ kind. */
int dsp_store(db_conn *c, const actor *who, const dsp_made *m, int *version, fx_err *err);
/* The current plan {"version","reason","kept","made_at","day0","plan","problem"}; NULL when none. */
json_t *dsp_current(db_conn *c, int64_t round_id);
/* Runs of the vehicles driven by username in open rounds, with their stops in epoch seconds. */
json_t *dsp_driver_runs(db_conn *c, const char *username);

/* ---- boxes at risk (risk.c) ---- */
/* {"round","version","deadline_min","now","items"}: the boxes of a round that will or may
 * miss their deadline at now, sites within scope (NULL: all), by deadline: the current
 * plan's late boxes (status late) and sealed boxes neither at the hub nor at the lab in the
 * turnaround's lab warning window (at_risk) or past the limit (overdue). NULL on error. */
json_t *dsp_at_risk(db_conn *c, int64_t round_id, const char *scope, int64_t now);
/* [{"round","name","version","planned_late","at_risk","overdue"}] for the open rounds
 * overlapping area_path that scope (NULL: all) may see: the plan's stored late count and
 * the custody counts for area_path on an index range of seal times. NULL on error. */
json_t *dsp_at_risk_counts(db_conn *c, const char *area_path, const char *scope, int64_t now);

/* Has a box sealed since the last look differed from the plan by more than the
 * round's replan_min (or is not in it)? Marks the boxes seen (writer job inside). */
bool dsp_deviates(db *d, db_conn *c, int64_t round_id);

/* ---- channels and the outbox ---- */
int dsp_channel_create(db_conn *c, const actor *who, const json_t *body, int64_t *id, fx_err *err);
int dsp_channel_update(db_conn *c, const actor *who, int64_t id, const json_t *body, fx_err *err);
/* One channel (secret never included); NULL when absent or outside scope_path. */
json_t *dsp_channel_get(db_conn *c, int64_t id, const char *scope_path);
json_t *dsp_channel_list(db_conn *c, const char *scope_path);
/* The round's queued and sent messages, newest first. */
json_t *dsp_outbox_list(db_conn *c, int64_t round_id, int limit);

/* Queues what is due at now: site reminders lead_min before each planned pickup, each
 * driver's next run lead_min before it leaves, officers' at-risk boxes. Each message
 * once per channel (its idempotency key). Reads on c, writes through d. Count or < 0. */
int dsp_queue_due(db *d, db_conn *c, int64_t now);

/* Queues a reminder for each shift starting within its area's lead_min, to every team channel
 * of the person's team, once per shift and channel (shift_remind.c). Count or < 0. */
int dsp_queue_shifts(db *d, db_conn *c, int64_t now);
/* Queues work orders' messages (workorder_out.c): feedback not yet handed over, to the
 * platform channels covering the order (the contract's body); an alarm for each open
 * order past its deadline, to its area's officer channels, once per deadline. Reads on
 * c, writes through d. Count queued or < 0. */
int dsp_queue_orders(db *d, db_conn *c, int64_t now);
/* What the outbox holds for an order (feedback and alarms), oldest first. */
json_t *dsp_order_outbox(db_conn *c, int64_t order_id);

/* ---- the sender thread (notify.c) ---- */
typedef struct dsp_notify_opt {
    int interval_ms;   /* how often to look for due messages and deviations */
    int retry_s;       /* first retry after this; doubles per attempt, at most an hour */
    int max_attempts;  /* then the message is failed */
    int keep_days;     /* sent and failed messages older than this are pruned */
} dsp_notify_opt;
int dsp_notify_start(db *d, const dsp_notify_opt *o);
void dsp_notify_stop(void);

#endif
