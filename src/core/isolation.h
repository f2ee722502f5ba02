/* isolation.h — isolation cases: who, why (reason), how (type), under which policy
 * version; their daily check-ins, the worklist, release, and 应隔尽隔 (people who should
 * be isolated and are not).
 *
 * Days: day 1 is the local date of the start; day N begins at day0 + (N-1) days, and the
 * planned end is the end of the policy's last day. A policy (days, test days, check-ins a
 * day) is data with versions; a case keeps the version it started under until an officer
 * moves it (iso_move). Release needs (1) the case's last day to have come and (2) a
 * negative result of a sample taken on or after the last test day. */
#ifndef ISOLATION_H
#define ISOLATION_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

#define ISO_TEST_DAYS_MAX 16
#define ISO_FEVER 37.3 /* a check-in at or above this is a fever */

typedef struct iso_policy {
    int64_t id, created_at;
    char type[20], created_by[64];
    int version, days, checkins_per_day, ntest_days;
    int test_days[ISO_TEST_DAYS_MAX];
} iso_policy;

bool iso_type_valid(const char *s);
bool iso_reason_valid(const char *s);
/* "1,4,7" → ascending distinct days within 1..days; the count (>= 1) or -1. */
int iso_test_days_parse(const char *s, int days, int out[ISO_TEST_DAYS_MAX]);
/* Local midnight of the date t falls on (the configured zone). */
int64_t iso_day0(int64_t t);
/* The case day (1-based) that t falls on; 0 before day 1. */
int iso_day_of(int64_t day0, int64_t t);

int iso_policy_current(db_conn *c, const char *type, iso_policy *out); /* the newest version */
int iso_policy_get(db_conn *c, int64_t id, iso_policy *out);
int iso_policy_list(db_conn *c, iso_policy *out, int max);
/* A new version of type's policy. Audited. 0 or an FX_ kind. */
int iso_policy_create(db_conn *c, const actor *who, const char *type, int days, const char *test_days,
                      int checkins_per_day, iso_policy *out, fx_err *err);

typedef struct isolation {
    int64_t id, person_id, area_id, start_at, day0, planned_end, tube_id, created_at, updated_at, released_at;
    char type[20], reason[24], status[12], note[404], created_by[64], released_by[64];
    char person_name[404], area_code[65], area_path[192], tube[33];
    iso_policy policy;
} isolation;

typedef struct iso_input {
    int64_t person_id;
    const char *type, *reason, *note;
    int64_t start_at; /* 0: now */
    int64_t tube_id;  /* the positive pool, 0 if none */
} iso_input;

/* Opens a case under the type's current policy. 404 person outside scope, 409
 * already_isolated (an active case exists). Audited. */
int iso_create(db_conn *c, const actor *who, const iso_input *in, isolation *out, fx_err *err);
int iso_get(db_conn *c, int64_t id, isolation *out); /* DB_ROW / DB_DONE / < 0 */
/* Cases in scope_path's subtree (status NULL: any), by id after after_id. Count or < 0. */
int iso_list(db_conn *c, const char *scope_path, const char *status, int64_t after_id, isolation *out, int max);

enum { ISO_UNMET_LAST_DAY = 1, ISO_UNMET_NEGATIVE = 2 };
typedef struct iso_release_facts {
    unsigned unmet;
    int64_t last_day_at;   /* when the last day begins */
    int64_t last_test_at;  /* when the last test day begins */
    int64_t negative_at;   /* the qualifying sample's time, 0 if none */
} iso_release_facts;
int iso_release_check(db_conn *c, const isolation *iso, int64_t now, iso_release_facts *out);
/* 422 naming each unmet condition (code of the first: last_day_not_reached,
 * no_negative_result); 409 not_active. Audited. */
int iso_release(db_conn *c, const actor *who, int64_t id, isolation *out, fx_err *err);
/* Moves an active case to another type (central: transfer to central quarantine) and/or
 * policy version (0: the newest of the type); the planned end follows. Audited. */
int iso_move(db_conn *c, const actor *who, int64_t id, const char *type, int version, isolation *out, fx_err *err);

typedef struct iso_checkin_input {
    bool has_temperature;
    double temperature;
    const char *symptoms; /* comma-separated, "" none */
    const char *note;
    int64_t at;           /* 0: now */
} iso_checkin_input;
/* Records a check-in on an active case; a fever or symptoms alert the person's
 * workstation (*flagged). Audited. */
int iso_checkin(db_conn *c, const actor *who, int64_t id, const iso_checkin_input *in, int64_t *out_id,
                bool *flagged, fx_err *err);

typedef struct iso_checkin_row {
    int64_t id, at;
    bool has_temperature;
    double temperature;
    char symptoms[200], note[404], recorded_by[64];
} iso_checkin_row;
/* The case's check-ins, newest first. Count or < 0. */
int iso_checkin_list(db_conn *c, int64_t id, iso_checkin_row *out, int max);

typedef struct iso_work {
    isolation iso;
    int day, checkins_today, checkins_due;
    bool test_due, ending, releasable, transfer;
    double last_temperature; /* 0: none */
} iso_work;
/* Active cases in scope with what is due on now's date. Count or < 0. */
int iso_worklist(db_conn *c, const char *scope_path, int64_t now, int64_t after_id, iso_work *out, int max);
/* Puts active cases in the round's scope and the actor's whose test day falls on the
 * round's date (its start, or today once started) on the round's recall list. Audited. */
int iso_recall_tests(db_conn *c, const actor *who, int64_t round_id, int *recalled, fx_err *err);

typedef struct iso_gap {
    int64_t person_id, since, tube_id;
    char name[404], area_code[65], area_path[192], source[24], tube[33];
} iso_gap;
/* 应隔尽隔: people in scope who should be isolated and have no case since. Count or < 0. */
int iso_gaps(db_conn *c, const char *scope_path, int64_t after_person, iso_gap *out, int max);
/* How many people iso_gaps lists in scope. 0 or < 0. */
int iso_gap_count(db_conn *c, const char *scope_path, int64_t *out);

#endif
