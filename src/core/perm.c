#include "core/perm.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {
    [ROLE_NONE] = "anonymous", [ROLE_ADMIN] = "admin",   [ROLE_OFFICER] = "officer",
    [ROLE_STAFF] = "staff",    [ROLE_REGISTRAR] = "registrar", [ROLE_DRIVER] = "driver",
    [ROLE_LAB] = "lab",        [ROLE_VOLUNTEER] = "volunteer", [ROLE_DEVICE] = "device",
    [ROLE_PARTNER] = "partner", [ROLE_LABSYS] = "lab_system",
};

static const char *const action_names[ACT__COUNT] = {
    [ACT_UNDECLARED] = "undeclared", [ACT_PUBLIC] = "public",        [ACT_SESSION] = "session",
    [ACT_AREA_READ] = "area.read",   [ACT_AREA_WRITE] = "area.write", [ACT_AREA_RISK] = "area.risk",
    [ACT_USER_ADMIN] = "user.admin", [ACT_TOKEN_ADMIN] = "token.admin", [ACT_AUDIT_READ] = "audit.read",
    [ACT_PERSON_LOOKUP] = "person.lookup", [ACT_PERSON_READ] = "person.read",
    [ACT_PERSON_WRITE] = "person.write", [ACT_PERSON_UNMASK] = "person.unmask", [ACT_IMPORT] = "registry.import",
    [ACT_ROUND_READ] = "round.read", [ACT_ROUND_WRITE] = "round.write", [ACT_EXEMPT] = "round.exempt",
    [ACT_SITE_REPORT] = "site.report", [ACT_SAMPLING] = "sampling", [ACT_CUSTODY] = "custody",
    [ACT_RESULT_POST] = "result.post", [ACT_POSITIVE_ACT] = "positive.act", [ACT_PRINT] = "print",
    [ACT_ISO_READ] = "isolation.read", [ACT_ISO_WRITE] = "isolation.write", [ACT_ISO_CHECKIN] = "isolation.checkin",
    [ACT_ZONE_WRITE] = "zone.write", [ACT_POLICY_WRITE] = "policy.write",
    [ACT_TRANSPORT_PLAN] = "transport.plan",
    [ACT_CHECKPOINT_WRITE] = "checkpoint.write", [ACT_ARRIVAL] = "arrival.write", [ACT_ARRIVAL_READ] = "arrival.read",
    [ACT_RISK_WRITE] = "risk.write", [ACT_WO_PUSH] = "work_order.push", [ACT_WO_READ] = "work_order.read",
    [ACT_WO_ROUTE] = "work_order.route", [ACT_WO_HANDLE] = "work_order.handle",
    [ACT_DEVICE_EVENT] = "device.event",
    [ACT_DEVICE_ADMIN] = "device.admin", [ACT_ALARM] = "alarm", [ACT_SERVICE] = "service", [ACT_COUNSEL] = "counsel",
    [ACT_TRANSPORT_SETUP] = "transport.setup",
    [ACT_TRANSPORT_READ] = "transport.read", [ACT_TRANSPORT_RUNS] = "transport.runs",
    [ACT_CHANNEL_ADMIN] = "channel.admin",
    [ACT_SWEEP_READ] = "sweep.read", [ACT_SWEEP_WRITE] = "sweep.write", [ACT_SWEEP_VISIT] = "sweep.visit",
    [ACT_TEAM_READ] = "team.read", [ACT_TEAM_WRITE] = "team.write",
    [ACT_SUPPLY_READ] = "supply.read", [ACT_SUPPLY_WRITE] = "supply.write",
    [ACT_DISINFECT_READ] = "disinfect.read", [ACT_DISINFECT_WRITE] = "disinfect.write",
};

/* The role-by-action table (contract.md, "Roles and what they may do"). */
_Static_assert(ACT__COUNT <= 64, "role_actions holds one bit per action");
#define A(act) (UINT64_C(1) << (act))
static const uint64_t role_actions[ROLE__COUNT] = {
    [ROLE_NONE] = A(ACT_PUBLIC),
    /* everything but counselling notes, which the contract keeps to officers and counsellors */
    [ROLE_ADMIN] = ~A(ACT_COUNSEL),
    [ROLE_OFFICER] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_AREA_WRITE) | A(ACT_AREA_RISK) |
                     A(ACT_PERSON_LOOKUP) | A(ACT_PERSON_READ) | A(ACT_PERSON_WRITE) | A(ACT_PERSON_UNMASK) |
                     A(ACT_IMPORT) | A(ACT_ROUND_READ) | A(ACT_ROUND_WRITE) | A(ACT_EXEMPT) | A(ACT_SITE_REPORT) |
                     A(ACT_SAMPLING) | A(ACT_CUSTODY) | A(ACT_POSITIVE_ACT) | A(ACT_PRINT) | A(ACT_ISO_READ) |
                     A(ACT_ISO_WRITE) | A(ACT_ISO_CHECKIN) | A(ACT_ZONE_WRITE) | A(ACT_TRANSPORT_PLAN) |
                     A(ACT_CHECKPOINT_WRITE) | A(ACT_ARRIVAL) | A(ACT_ARRIVAL_READ) | A(ACT_RISK_WRITE) |
                     A(ACT_WO_READ) | A(ACT_WO_ROUTE) | A(ACT_WO_HANDLE) | A(ACT_DEVICE_ADMIN) |
                     A(ACT_ALARM) | A(ACT_SERVICE) | A(ACT_COUNSEL) | A(ACT_TRANSPORT_SETUP) |
                     A(ACT_TRANSPORT_READ) | A(ACT_TRANSPORT_RUNS) | A(ACT_CHANNEL_ADMIN) |
                     A(ACT_SWEEP_READ) | A(ACT_SWEEP_WRITE) | A(ACT_SWEEP_VISIT) | A(ACT_TEAM_READ) |
                     A(ACT_TEAM_WRITE) | A(ACT_SUPPLY_READ) | A(ACT_SUPPLY_WRITE) | A(ACT_DISINFECT_READ) |
                     A(ACT_DISINFECT_WRITE),
    [ROLE_STAFF] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_AREA_WRITE) | A(ACT_PERSON_LOOKUP) |
                   A(ACT_PERSON_READ) | A(ACT_PERSON_WRITE) | A(ACT_PERSON_UNMASK) | A(ACT_IMPORT) |
                   A(ACT_ROUND_READ) | A(ACT_EXEMPT) | A(ACT_SITE_REPORT) | A(ACT_SAMPLING) | A(ACT_CUSTODY) | A(ACT_PRINT) |
                   A(ACT_ISO_READ) | A(ACT_ISO_CHECKIN) | A(ACT_CHECKPOINT_WRITE) | A(ACT_ARRIVAL) |
                   A(ACT_ARRIVAL_READ) | A(ACT_WO_READ) | A(ACT_WO_HANDLE) | A(ACT_DEVICE_ADMIN) | A(ACT_ALARM) |
                   A(ACT_SERVICE) | A(ACT_TRANSPORT_READ) | A(ACT_SWEEP_READ) | A(ACT_SWEEP_WRITE) |
                   A(ACT_SWEEP_VISIT) | A(ACT_TEAM_READ) | A(ACT_SUPPLY_READ) | A(ACT_SUPPLY_WRITE) |
                   A(ACT_DISINFECT_READ) | A(ACT_DISINFECT_WRITE),
    [ROLE_REGISTRAR] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_PERSON_LOOKUP) | A(ACT_SITE_REPORT) |
                       A(ACT_SAMPLING),
    [ROLE_DRIVER] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_CUSTODY) | A(ACT_TRANSPORT_RUNS),
    [ROLE_LAB] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_CUSTODY) | A(ACT_RESULT_POST),
    /* volunteers see and work only the service requests assigned to them (core/service.c), their own
     * team's sweep list and their own shifts */
    [ROLE_VOLUNTEER] = A(ACT_PUBLIC) | A(ACT_SESSION) | A(ACT_AREA_READ) | A(ACT_SERVICE) | A(ACT_SWEEP_READ) |
                       A(ACT_SWEEP_VISIT) | A(ACT_TEAM_READ),
    /* Systems reach only their own endpoints, which later capabilities declare. */
    [ROLE_DEVICE] = A(ACT_PUBLIC) | A(ACT_DEVICE_EVENT),
    [ROLE_PARTNER] = A(ACT_PUBLIC) | A(ACT_WO_PUSH) | A(ACT_WO_READ),
    [ROLE_LABSYS] = A(ACT_PUBLIC) | A(ACT_RESULT_POST) | A(ACT_CUSTODY),
};
#undef A

const char *perm_role_name(enum fx_role r)
{
    return r >= 0 && r < ROLE__COUNT ? role_names[r] : "unknown";
}

enum fx_role perm_role_parse(const char *s)
{
    for (int r = ROLE_ADMIN; r <= ROLE_VOLUNTEER; r++)
        if (s && strcmp(s, role_names[r]) == 0)
            return (enum fx_role)r;
    return ROLE_NONE;
}

const char *perm_action_name(enum fx_action a)
{
    return a >= 0 && a < ACT__COUNT ? action_names[a] : "unknown";
}

bool perm_allows(enum fx_role r, enum fx_action a)
{
    if (r < 0 || r >= ROLE__COUNT || a <= ACT_UNDECLARED || a >= ACT__COUNT)
        return false;
    return (role_actions[r] >> a) & 1u;
}

bool perm_principal_allows(const principal *p, enum fx_action a)
{
    return perm_allows(p->role, a) || (a == ACT_COUNSEL && p->counsellor && p->user_id != 0);
}

bool perm_in_scope(const principal *p, const char *area_path)
{
    if (p->area_id == 0)
        return p->role == ROLE_ADMIN; /* only admins are unbound */
    if (!area_path)
        return false;
    size_t n = strlen(p->area_path);
    return n > 0 && strncmp(area_path, p->area_path, n) == 0;
}
