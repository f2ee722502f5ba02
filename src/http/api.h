/* api.h — renderers and helpers shared by the api_*.c handlers. */
#ifndef API_H
#define API_H
#include "core/account.h"
#include "core/area.h"
#include "http/router.h"

json_t *api_area_json(const area *a);
json_t *api_user_json(const user *u);
/* A person as the caller may see them: ID number, phone and personal code
 * masked unless the role may see them (api_person.c). */
typedef struct person person;
json_t *api_person_json(const http_req *r, const person *p);
/* The same person as JSON text appended to s: lists of thousands render without a tree per person. */
void api_person_write(fx_str *s, const http_req *r, const person *p);

/* Answers a failed deferred write: e when it was filled, else a plain 500. */
int api_fail(http_req *r, int rc, const fx_err *e);

/* Lower-cases an ASCII username in place. */
void api_fold_username(char *s);

/* Round {id} from param[0], for round-level lists: answers 404 and returns false
 * unless the round exists and the caller's area covers it or lies within it (items
 * are then filtered to the caller's area). */
bool api_round_visible(http_req *r, int64_t *round_id);
/* The caller's scope path for filtering lists ("/": everything). */
const char *api_scope(const http_req *r);

/* Sets "recall" ({id, round}) and "pending_recall" (id) on j: what a field finding's
 * referral made, one of them or neither (api_result.c). */
void api_recall_set(json_t *j, int64_t recall_id, int64_t round_id);

/* Refuses volunteers (403, answered): of rosters they see only their own shifts (api_team.c). */
bool api_team_refuse_volunteer(http_req *r);

#endif
