/* disinfect.h — disinfection (消杀): a schedule per place (an area such as a street or
 * compound, a sampling site, or the home of an isolation case) with an interval and an
 * agent; a log of each treatment (team, agent, concentration, time, operator); the places
 * overdue, i.e. whose last treatment (or, never treated, the schedule's start) plus the
 * interval lies before now. Each schedule keeps its due time current with every
 * treatment, so the overdue list is a range of one index. */
#ifndef DISINFECT_H
#define DISINFECT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct disinfect_schedule {
    int64_t id, area_id, site_id, household_id, isolation_id, interval_s, last_at, due_at, created_at, updated_at;
    bool active;
    char kind[8];  /* area, site, home */
    char place[401], agent[201], area_code[65], area_path[FX_AREA_PATH_MAX], created_by[64];
} disinfect_schedule;

typedef struct disinfect_input {
    const char *kind;     /* area, site, home */
    const char *area;     /* kind area: the area's code */
    int64_t site_id;      /* kind site */
    int64_t household_id; /* kind home: the household, or */
    int64_t isolation_id; /* … the isolation case whose home it is */
    int64_t interval_s;   /* 1 h to 30 days */
    const char *agent;
} disinfect_input;

/* A schedule on a place of the actor's scope. Audited. 0 or an FX_ kind. */
int disinfect_schedule_create(db_conn *c, const actor *who, const disinfect_input *in, disinfect_schedule *out,
                              fx_err *err);
/* Changes interval (0: unchanged), agent (NULL: unchanged) and/or active (-1: unchanged). Audited. */
int disinfect_schedule_update(db_conn *c, const actor *who, int64_t id, int64_t interval_s, const char *agent,
                              int active, disinfect_schedule *out, fx_err *err);
int disinfect_schedule_get(db_conn *c, int64_t id, disinfect_schedule *out); /* DB_ROW / DB_DONE / < 0 */
/* Schedules in scope_path's subtree (NULL: all), id below before_id (0: from the newest);
 * overdue_only: active ones due before now, most overdue first. Count or < 0. */
int disinfect_schedule_list(db_conn *c, const char *scope_path, bool overdue_only, int64_t now, int64_t before_id,
                            disinfect_schedule *out, int max);
/* How many active schedules in scope are overdue at now. < 0 on error. */
int64_t disinfect_overdue_count(db_conn *c, const char *scope_path, int64_t now);

typedef struct disinfect_treatment {
    int64_t id, schedule_id, team_id, at, created_at; /* team_id 0: none */
    char team[201], agent[201], concentration[101], operator_[101], note[401], place[401], created_by[64];
} disinfect_treatment;

typedef struct treatment_input {
    int64_t schedule_id, team_id, at; /* at 0: now; never later than now */
    const char *team, *agent, *concentration, *operator_, *note; /* agent NULL: the schedule's; operator NULL: the actor */
} treatment_input;

/* Logs a treatment and moves the schedule's due time to the latest treatment + interval. A
 * team_id names a team of the roster (core/team.h) in the actor's scope; its name stands
 * for the team when none is written. Audited. 0 or an FX_ kind. */
int disinfect_treat(db_conn *c, const actor *who, const treatment_input *in, disinfect_treatment *out, fx_err *err);
/* Treatments of one schedule (0: all in scope_path's subtree), newest first, ids below before_id. */
int disinfect_treatment_list(db_conn *c, const char *scope_path, int64_t schedule_id, int64_t before_id,
                             disinfect_treatment *out, int max);

/* ---- the home of a new isolation case ---- */
typedef struct disinfect_settings {
    bool auto_home;
    int64_t home_interval_s;
    char home_agent[201], updated_by[64];
    int64_t updated_at;
} disinfect_settings;

int disinfect_settings_get(db_conn *c, disinfect_settings *out);
int disinfect_settings_set(db_conn *c, const actor *who, const disinfect_settings *in, fx_err *err);
/* Called when an isolation case opens: when the setting is on and the home has no active
 * schedule yet, schedules one linked to the case. 0 or < 0. */
int disinfect_on_case(db_conn *c, const actor *who, int64_t isolation_id, int64_t household_id);

#endif
