/* audit.h — every write records who, when, which entity and what changed.
 * audit_record() is called by the core function that makes the change, on the
 * writer connection, inside the same transaction: no change without its entry. */
#ifndef AUDIT_H
#define AUDIT_H
#include "db/db.h"
#include "util/fx_str.h"

#include <stdint.h>

typedef struct audit_actor {
    const char *kind;       /* "user", "token", "cli", "system" */
    int64_t id;             /* user or token id, 0 for cli/system */
    const char *name;
    const char *ip;         /* "" outside HTTP */
    const char *request_id; /* "" outside HTTP */
} audit_actor;

/* changes_json: a JSON object (see audit_changes_*), or NULL for "{}". 0 or < 0. */
int audit_record(db_conn *c, const audit_actor *who, const char *action, const char *entity,
                 const char *entity_id, const char *changes_json);
/* audit_record for an entity whose id is a number. */
int audit_record_id(db_conn *c, const audit_actor *who, const char *action, const char *entity, int64_t id,
                    const char *changes_json);

/* Builds the "changes" object: {"field":{"from":old,"to":new}, …}. Fields whose
 * values are equal are left out; audit_changes_json() returns NULL when nothing changed. */
typedef struct audit_changes {
    fx_str s;
    int n;
} audit_changes;
void audit_changes_init(audit_changes *ch);
void audit_changes_text(audit_changes *ch, const char *field, const char *from, const char *to);
void audit_changes_i64(audit_changes *ch, const char *field, long long from, long long to);
const char *audit_changes_json(audit_changes *ch); /* valid until audit_changes_free */
void audit_changes_free(audit_changes *ch);

/* One audit entry as read back. */
typedef struct audit_entry {
    int64_t id, at, actor_id;
    char actor_kind[16], actor_name[64], action[32], entity[32], entity_id[72];
    char request_id[24], ip[48];
    char *changes; /* owned */
} audit_entry;

/* Newest first; entity and entity_id may be NULL (all). before_id 0 = from the newest.
 * Fills up to max entries; returns the count or < 0. Free with audit_entries_free. */
int audit_list(db_conn *c, const char *entity, const char *entity_id, int64_t before_id, audit_entry *out,
               int max);
void audit_entries_free(audit_entry *e, int n);

#endif
