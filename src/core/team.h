/* team.h — teams of an area (duty 值班队, screening 排查队, disinfection 消杀队, volunteer
 * services 便民志愿服务队, temporary party branch 临时党支部, sampling, transport) with their
 * members, and mentor pairs (导师帮带) with their log of joint visits and guidance notes.
 *
 * A member, a mentor or a mentee is a user (staff, volunteers) or a registry person (party
 * members are persons flagged party_member, as core/person.c records them). Writes check the
 * actor's scope and are audited. */
#ifndef TEAM_H
#define TEAM_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

/* Someone on a team or in a pair: exactly one of user_id, username and person_id is given
 * (a username is resolved to its user). */
typedef struct team_who {
    int64_t user_id, person_id;
    const char *username;
} team_who;

typedef struct team {
    int64_t id, area_id, created_at;
    int members;
    char name[201], kind[24], note[401], area_code[65], area_path[192], created_by[64];
} team;

bool team_kind_valid(const char *s);
int team_create(db_conn *c, const actor *who, const char *area, const char *name, const char *kind,
                const char *note, team *out, fx_err *err);
int team_get(db_conn *c, int64_t id, team *out); /* DB_ROW / DB_DONE / < 0 */
/* Teams in scope (kind NULL: all), newest first. Count or < 0. */
int team_list(db_conn *c, const char *scope_path, const char *kind, int64_t before_id, team *out, int max);

typedef struct team_member {
    int64_t id, team_id, user_id, person_id, created_at;
    char role[16], name[256];
} team_member;

/* role: staff, volunteer or party_member. A user must lie within the team's area or above it
 * (an officer helping out); a person within the actor's scope. The same one twice is 409.
 * m->user_id is filled in when m names a username. */
int member_add(db_conn *c, const actor *who, int64_t team_id, team_who *m, const char *role,
               team_member *out, fx_err *err);
/* Refused (409) while the member has shifts: the roster would lose who stood there. */
int member_remove(db_conn *c, const actor *who, int64_t team_id, int64_t member_id, fx_err *err);
int member_get(db_conn *c, int64_t id, team_member *out);
int member_list(db_conn *c, int64_t team_id, team_member *out, int max);

typedef struct mentor_pair {
    int64_t id, area_id, created_at, last_visit;
    team_who mentor, mentee;
    int visits, notes;
    char mentor_name[256], mentee_name[256], note[401], area_code[65], area_path[192], created_by[64];
} mentor_pair;

int mentor_create(db_conn *c, const actor *who, const char *area, team_who *mentor, team_who *mentee,
                  const char *note, mentor_pair *out, fx_err *err);
int mentor_get(db_conn *c, int64_t id, mentor_pair *out);
int mentor_list(db_conn *c, const char *scope_path, int64_t before_id, mentor_pair *out, int max);

typedef struct mentor_log {
    int64_t id, pair_id, at, created_at;
    char kind[12], place[201], note[1001], created_by[64];
} mentor_log;

/* kind: visit (a joint visit: place and time) or guidance (a note). Audited. */
int mentor_log_add(db_conn *c, const actor *who, int64_t pair_id, const char *kind, const char *place, int64_t at,
                   const char *note, mentor_log *out, fx_err *err);
/* The pair's log, newest first. Count or < 0. */
int mentor_log_list(db_conn *c, int64_t pair_id, mentor_log *out, int max);

#endif
