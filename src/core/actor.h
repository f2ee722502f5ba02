/* actor.h — who is doing a write: their permissions (for scope checks inside the
 * transaction) and how they are named in the audit log. */
#ifndef ACTOR_H
#define ACTOR_H
#include "core/audit.h"
#include "core/perm.h"

typedef struct actor {
    const principal *p; /* NULL: the command line or the system itself, unrestricted */
    audit_actor log;
} actor;

/* The command-line operator: unrestricted, audited as "cli". */
#define ACTOR_CLI ((actor){.p = NULL, .log = {.kind = "cli", .name = "cli", .ip = "", .request_id = ""}})

static inline bool actor_in_scope(const actor *a, const char *area_path)
{
    return !a->p || perm_in_scope(a->p, area_path);
}
static inline bool actor_may(const actor *a, enum fx_action act) { return !a->p || perm_allows(a->p->role, act); }

#endif
