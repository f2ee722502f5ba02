/* sweep.h — door-to-door sweeps (逐户排查). A campaign covers an area's households (those
 * there when it is made) and a versioned question set; its households are split among the
 * campaign's teams in walking order (contiguous doors, even counts; the part not yet
 * visited may be split again); teams record visits with client ids. A household's latest
 * visit (by its own time) decides its outcome; progress per team and per campaign are
 * counters changed in the visit's transaction. A visit's answers go through the arrival
 * rules (checkpoint.h arrival_judge), and a difficulty becomes a resident request. */
#ifndef SWEEP_H
#define SWEEP_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- question sets ---- */
#define SWEEP_QUESTIONS_MAX 40
#define SWEEP_OPTIONS_MAX 12
#define SWEEP_PLACES_MAX 20 /* places in one answer: an arrival's cities (checkpoint.h) */

enum sweep_qtype { SQ_TEXT, SQ_NUMBER, SQ_BOOL, SQ_CHOICE, SQ_DATE, SQ_PLACES };
/* What an answer tells the rules (places visited, the return date, the health code, a
 * temperature, a fever) or the request service (a difficulty). */
enum sweep_feed { SF_NONE, SF_PLACES, SF_RETURNED_AT, SF_HEALTH_CODE, SF_TEMPERATURE, SF_FEVER, SF_DIFFICULTY };

const char *sweep_qtype_name(int t);
int sweep_qtype_parse(const char *s); /* -1 when unknown */
const char *sweep_feed_name(int f);
int sweep_feed_parse(const char *s); /* -1 when unknown; "" is SF_NONE */

typedef struct sweep_question {
    char key[33], label[404], label_en[404];
    int type, feed;
    bool required;
    char options[SWEEP_OPTIONS_MAX][65];
    int noptions;
} sweep_question;

typedef struct sweep_qset {
    int64_t id, created_at;
    int version, n;
    char name[404], created_by[64];
    sweep_question q[SWEEP_QUESTIONS_MAX];
} sweep_qset;

/* A new version of the set named in->name (version 1 when new). Checks each question:
 * key (a-z 0-9 _), label, type, options for a choice, feeds matching its type (places:
 * places, returned_at: date, health_code: choice of green/yellow/red, temperature: number,
 * fever: bool, difficulty: text), at most one question per feed. Audited. */
int sweep_qset_create(db_conn *c, const actor *who, const sweep_qset *in, sweep_qset *out, fx_err *err);
int sweep_qset_get(db_conn *c, int64_t id, sweep_qset *out); /* DB_ROW / DB_DONE / < 0 */
/* Newest first, before before_id (0: from the newest); only id, name, version, counts. */
int sweep_qset_list(db_conn *c, int64_t before_id, sweep_qset *out, int max);

/* ---- answers ---- */
enum sweep_akind { SA_STRING, SA_NUMBER, SA_BOOL, SA_LIST };

typedef struct sweep_answer {
    const char *key;
    int kind; /* enum sweep_akind: the shape the phone sent */
    const char *text;
    double number;
    bool boolean;
    const char *list[SWEEP_PLACES_MAX];
    int nlist;
} sweep_answer;

/* Checks answers against the set: every key a question, each value of its type (a date
 * as YYYY-MM-DD or epoch seconds), every required question answered when the door was
 * opened (outcome visited or needs_follow_up). Errors name the field: "answers.KEY: …". */
int sweep_answers_check(const sweep_qset *q, const sweep_answer *a, int n, bool door_opened, fx_err *err);

/* ---- campaigns and teams ---- */
typedef struct sweep_progress {
    int households, done, revisit, refused, follow_up; /* remaining = households - done */
} sweep_progress;

typedef struct sweep_campaign {
    int64_t id, area_id, question_set_id, created_at;
    sweep_progress p;
    int unassigned; /* households on no team's list */
    char name[404], area_code[65], area_name[404], area_path[192], qset_name[404], created_by[64];
    int qset_version;
} sweep_campaign;

/* A campaign over area_code's households, with question set qset_id. Audited. */
int sweep_create(db_conn *c, const actor *who, const char *name, const char *area_code, int64_t qset_id,
                 sweep_campaign *out, fx_err *err);
int sweep_get(db_conn *c, int64_t id, sweep_campaign *out);
/* Campaigns in scope_path's subtree, newest first, before before_id; member_id > 0: only
 * those with a team user member_id leads or belongs to (a volunteer's). */
int sweep_list(db_conn *c, const char *scope_path, int64_t member_id, int64_t before_id, sweep_campaign *out,
               int max);

typedef struct sweep_team {
    int64_t id, campaign_id, leader_id, team_id;
    sweep_progress p;
    char name[404], leader[64], members[1024]; /* members: usernames, ','-separated */
    char campaign[404];
} sweep_team;

/* The campaign's teams (campaign_id 0: every campaign's) by id; member_id > 0: only the
 * ones user member_id leads or belongs to. */
int sweep_teams(db_conn *c, int64_t campaign_id, int64_t member_id, sweep_team *out, int max);
int sweep_team_get(db_conn *c, int64_t id, sweep_team *out);
/* true when user_id leads or belongs to the team. */
bool sweep_team_member(db_conn *c, int64_t team_id, int64_t user_id);

typedef struct sweep_team_input {
    const char *name, *leader;    /* usernames */
    const char *members[50];
    int nmembers;
    int64_t team_id;              /* a standing team (teams, migration 0011) it is; 0: none */
} sweep_team_input;

/* The even split: n households in walking order over k teams, contiguous runs whose sizes
 * differ by at most one (the first n % k teams take one more). sizes[k]. */
void sweep_split_sizes(int n, int k, int *sizes);

/* Splits the campaign's households not yet visited among teams (made, or updated by
 * name: leader and members replaced; linked to a standing team when team_id is given,
 * whose user members are the team's when members are not) in their order; teams not named keep the
 * households they have visited. Households walk in building/unit then room order.
 * Audited. */
int sweep_split(db_conn *c, const actor *who, int64_t campaign_id, const sweep_team_input *teams, int nteams,
                fx_err *err);

/* ---- the team's list ---- */
typedef struct sweep_household {
    int64_t household_id, last_at;
    int seq, visits;
    char outcome[20]; /* "" when not visited yet */
    char address[401], room[84], area_code[65];
} sweep_household;

/* The team's households in walking order after seq after_seq. Count or < 0. */
int sweep_team_households(db_conn *c, int64_t team_id, int after_seq, sweep_household *out, int max);

typedef struct sweep_resident {
    int64_t id, household_id;
    char name[201];
} sweep_resident;

/* The residents of the team's households with seq in (after_seq, last_seq], in walking order. */
int sweep_team_residents(db_conn *c, int64_t team_id, int after_seq, int last_seq, sweep_resident *out, int max);

/* ---- visits ---- */
enum sweep_outcome { SO_VISITED, SO_NOBODY_HOME, SO_REFUSED, SO_FOLLOW_UP };
const char *sweep_outcome_name(int o);
int sweep_outcome_parse(const char *s); /* -1 when unknown */

typedef struct sweep_visit_input {
    const char *client_id, *body_hash; /* the hash of the whole item as sent: same id, other body = conflict */
    int64_t team_id, household_id, person_id; /* person 0: the household's only resident, when findings need one */
    int outcome;
    const sweep_answer *answers;
    int nanswers;
    const char *answers_json, *note;
    int64_t at; /* 0: now */
} sweep_visit_input;

typedef struct sweep_visit {
    int64_t id, campaign_id, team_id, household_id, person_id, isolation_id, request_id, at;
    int64_t recall_id, recall_round; /* the recall a referral made (0: none) and its round (0: pending) */
    int rules_version;
    bool duplicate;
    char client_id[72], outcome[20], decision[20], rule[20], matched[404];
} sweep_visit;

/* Records a visit on the team's list: by a member of the team, or (but for volunteers) by
 * anyone whose area covers the campaign's. Updates the household's latest outcome and the team's and campaign's
 * counters in the same transaction; judges the answers (a finding opens an isolation
 * case or recalls the person for a test, as at checkpoints), makes a resident request of a difficulty. The same client id with the same
 * body again: the stored visit with duplicate set, nothing changed; with another body:
 * 409 client_id_conflict. Audited. */
int sweep_visit_record(db_conn *c, const actor *who, const sweep_visit_input *in, sweep_visit *out, fx_err *err);

/* The campaign's register, one row per household in walking order: team, address, latest
 * outcome and time, visits, and the latest visit's decision, case, request, answers and
 * visitor; CSV or XLSX (export.c). */
typedef struct export_opts export_opts;
int sweep_export(db_conn *c, int64_t campaign_id, const export_opts *o, FILE *csv, const char *xlsx_path, long *rows,
                 fx_err *err);

#endif
