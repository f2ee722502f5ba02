/* checkpoint.h — checkpoints (卡口) and the arrivals recorded at them: who came, with which
 * health code, from where, and what the rules decided (pass, home health monitoring, home
 * isolation or referral). The rules are versioned rows (arrival_rules) and risk areas are
 * dated rows (risk_areas); an entry is judged by both as they were at its own time `at`,
 * so an entry made offline and synced late is judged as it would have been on the spot.
 * arrival_decide() is the one place the decision is made. */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct checkpoint {
    int64_t id, area_id, created_at;
    int posts;
    char name[404], hours[16], area_code[65], area_path[192], created_by[64];
} checkpoint;

/* hours: "HH:MM-HH:MM" (local). Audited. 403 outside_area, 409 checkpoint_exists. */
int cp_create(db_conn *c, const actor *who, const char *name, const char *area_code, int posts, const char *hours,
              checkpoint *out, fx_err *err);
int cp_get(db_conn *c, int64_t id, checkpoint *out); /* DB_ROW / DB_DONE / < 0 */
/* Checkpoints in scope_path's subtree after after_id. Count or < 0. */
int cp_list(db_conn *c, const char *scope_path, int64_t after_id, checkpoint *out, int max);

/* ---- the rules ---- */
enum arrival_decision { ARR_PASS, ARR_HOME_MONITORING, ARR_HOME_ISOLATION, ARR_REFER };
const char *arrival_decision_name(int d);
int arrival_decision_parse(const char *s); /* -1 when unknown */

typedef struct arrival_rules {
    int64_t id, effective_from, created_at;
    int version, lookback_days;
    double fever;
    int on_fever, on_red, on_high, on_yellow, on_medium; /* enum arrival_decision */
    char created_by[64];
} arrival_rules;

enum risk_level { RISK_NONE, RISK_LOW, RISK_MEDIUM, RISK_HIGH };

typedef struct arrival_facts {
    const char *health_code; /* green, yellow, red */
    bool has_temperature;
    double temperature;
    bool fever;              /* a fever seen or reported without a reading */
    int worst_risk;          /* enum risk_level of the places visited, judged at the entry's time */
} arrival_facts;

typedef struct arrival_verdict {
    int decision;            /* enum arrival_decision */
    const char *rule;        /* fever, red_code, high_risk_area, yellow_code, medium_risk_area, none */
} arrival_verdict;

/* The decision, in one place. The first rule that holds decides, in this order:
 * fever (temperature at or above rules->fever), red code, a high-risk area visited,
 * yellow code, a medium-risk area visited; otherwise pass. */
arrival_verdict arrival_decide(const arrival_rules *rules, const arrival_facts *f);

/* Whether a decision acts on the person (a case or a test), so needs one named. */
bool arrival_decision_acts(int decision);

/* Facts gathered anywhere (an entry at a checkpoint, a door-to-door visit), judged the one
 * way: by the rules in force at `at`, the places against the risk areas valid in the
 * rules' lookback before travel_at (0: at; a return longer ago than the lookback counts
 * no place), then arrival_decide. Home isolation or monitoring opens the person's case
 * (or links their active one) in the caller's transaction, under the rules' authority;
 * source (e.g. "checkpoint entry ID") goes into the case's note. Referral calls for a
 * test: a recall (positive.h recall_field) for area_id (the person's household's),
 * caused by cause (arrival or sweep_visit) cause_id. person_id 0: the verdict only,
 * nothing opened (the caller refuses a finding that names nobody). */
typedef struct arrival_case_input {
    int64_t person_id, at, travel_at;
    int64_t area_id, cause_id;
    const char *cause;
    const char *health_code; /* green, yellow, red, or "" when not asked */
    bool has_temperature, fever;
    double temperature;
    const char *const *places;
    int nplaces;
    const char *source;
} arrival_case_input;

typedef struct arrival_judgement {
    arrival_verdict v;
    int rules_version;
    int64_t isolation_id; /* 0: none */
    int64_t recall_id, recall_round; /* the recall (0: none) and its round (0: pending) */
    char matched[404];    /* the risk area that matched, "" if none */
} arrival_judgement;

int arrival_judge(db_conn *c, const actor *who, const arrival_case_input *in, arrival_judgement *out, fx_err *err);

/* The version in force at t (the newest with effective_from <= t). */
int arrival_rules_at(db_conn *c, int64_t t, arrival_rules *out);
int arrival_rules_list(db_conn *c, arrival_rules *out, int max);
/* A new version (effective_from 0: now). Audited. */
int arrival_rules_create(db_conn *c, const actor *who, const arrival_rules *in, arrival_rules *out, fx_err *err);

/* A place visited matches a risk area when either name begins with the other
 * ("上海" and "上海市浦东新区"), so a list at district level catches a city named alone. */
bool risk_name_match(const char *visited, const char *area_name);
/* The worst level among places (n of them) of the risk areas valid at any time in
 * [at - lookback_days, at]; the matching area's name to matched. */
int risk_worst(db_conn *c, const char *const *places, int n, int64_t at, int lookback_days, char *matched,
               size_t matched_len);

/* ---- risk-area lists (CSV) ---- */
typedef struct risk_row {
    long row;            /* the CSV row number */
    char name[404], level[8];
    int64_t valid_from, valid_to;
    fx_err err;          /* kind 0: good */
} risk_row;
/* Reads `name,level,valid_from,valid_to` (dates YYYY-MM-DD local, or epoch seconds;
 * valid_to is the last valid day). Each bad row is reported with its row and field;
 * good rows are kept. *rows malloc'd. 0, or FX_EINVAL when the file cannot be read. */
int risk_csv_read(int fd, risk_row **rows, int *n, fx_err *err);
/* Stores the good rows (a row with the same name and valid_from replaces the old
 * one's level and end). Audited as one entry. The list is city-wide: FX_EPERM
 * risk_list_city_wide unless who is the CLI, an admin or an officer of a top-level area. */
int risk_store(db_conn *c, const actor *who, risk_row *rows, int n, int *stored, fx_err *err);

typedef struct risk_area {
    int64_t id, valid_from, valid_to;
    char name[404], level[8];
} risk_area;
/* Risk areas valid at t (0: all), after after_id. Count or < 0. */
int risk_list(db_conn *c, int64_t t, int64_t after_id, risk_area *out, int max);

/* ---- entries ---- */
/* A client id made by a phone: 1-64 of A-Z a-z 0-9 - _ . : */
bool arrival_client_id_valid(const char *s);

#define ARRIVAL_CITIES_MAX 20

typedef struct arrival_input {
    const char *client_id;
    const char *code, *id_number, *name, *phone; /* the person: code, or ID number (+ name, phone: walk-in) */
    const char *plate, *health_code, *purpose, *hardship;
    const char *cities[ARRIVAL_CITIES_MAX];
    int ncities;
    bool has_temperature;
    double temperature;
    int64_t household_id; /* 0: none */
    int64_t at;           /* 0: now */
} arrival_input;

typedef struct arrival {
    int64_t id, checkpoint_id, person_id, household_id, isolation_id, area_id, at, created_at;
    int64_t request_id;   /* the resident request made of its hardship (0: none) */
    int64_t recall_id, recall_round; /* the recall a referral made (0: none) and its round (0: pending) */
    int rules_version;
    bool walk_in, has_temperature, duplicate;
    double temperature;
    char client_id[72], person_name[404], id_number[40], plate[40], health_code[8], cities[1024], purpose[404];
    char hardship[404], decision[20], rule[20], matched[404], area_code[65], area_path[192], checkpoint[404];
    char created_by[64];
    char person_path[192]; /* the area the person is registered in ("" when none) */
} arrival;

/* Records an entry at checkpoint_id and applies the decision in the same transaction:
 * home isolation or monitoring opens an isolation case (or links the person's active
 * one); referral recalls the person for a test (destination household's area, else
 * the person's); a hardship becomes a resident request of the destination household (else the
 * person's; with neither it waits in arrival_hardships for staff). The
 * same client id again answers the stored entry with duplicate set and changes nothing.
 * Audited. */
int arrival_record(db_conn *c, const actor *who, int64_t checkpoint_id, const arrival_input *in, arrival *out,
                   fx_err *err);
int arrival_get(db_conn *c, int64_t id, arrival *out);
/* The returnee register: entries in scope_path's subtree, after after_id (by id). */
int arrival_list(db_conn *c, const char *scope_path, int64_t after_id, arrival *out, int max);

/* The returnee register of scope_path's subtree (a village) as CSV or XLSX (export.c). */
typedef struct export_opts export_opts;
int arrival_export(db_conn *c, const char *scope_path, const export_opts *o, FILE *csv, const char *xlsx_path,
                   long *rows, fx_err *err);

#endif
