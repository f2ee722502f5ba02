/* perm.h — who may do what, and where: the role-by-action table of contract.md
 * and the area-scope rule, in one place that every route goes through.
 *
 * Scope: a principal bound to an area sees and changes only that area's subtree.
 * Areas store their path from the root as "/id/id/…/", so "inside" is a prefix test. */
#ifndef PERM_H
#define PERM_H
#include <stdbool.h>
#include <stdint.h>

enum fx_role {
    ROLE_NONE = 0, /* not logged in */
    ROLE_ADMIN,
    ROLE_OFFICER,
    ROLE_STAFF,
    ROLE_REGISTRAR,
    ROLE_DRIVER,
    ROLE_LAB,
    ROLE_VOLUNTEER,
    /* systems, authenticated by API tokens */
    ROLE_DEVICE,
    ROLE_PARTNER,
    ROLE_LABSYS,
    ROLE__COUNT
};

/* Each route declares one action; ACT_UNDECLARED is refused when routes are registered. */
enum fx_action {
    ACT_UNDECLARED = 0,
    ACT_PUBLIC,       /* anyone, no login */
    ACT_SESSION,      /* any logged-in person: their own session */
    ACT_AREA_READ,    /* read the area tree within scope */
    ACT_AREA_WRITE,   /* create, rename, move, delete areas within scope */
    ACT_AREA_RISK,    /* set an area's risk level */
    ACT_USER_ADMIN,   /* users: create, change role/area/password, disable */
    ACT_TOKEN_ADMIN,  /* API tokens for devices, partners, labs */
    ACT_AUDIT_READ,   /* the audit log */
    ACT_PERSON_LOOKUP,/* one person by scanned personal code or full ID number (sampling tables) */
    ACT_PERSON_READ,  /* search and list persons, households, merchants */
    ACT_PERSON_WRITE, /* register, change and remove persons, households, merchants, party contacts */
    ACT_PERSON_UNMASK,/* see ID numbers, phones and personal codes unmasked */
    ACT_IMPORT,       /* import and export registry files */
    ACT_ROUND_READ,   /* rounds, sites, coverage, untested lists, boxes, trace, turnaround */
    ACT_ROUND_WRITE,  /* create and change rounds and sites, their policies and staff */
    ACT_EXEMPT,       /* record and withdraw exemptions from a round */
    ACT_SITE_REPORT,  /* report a site's queue length */
    ACT_SAMPLING,     /* post sampling events (tubes, samples, seals, boxes) */
    ACT_CUSTODY,      /* hand boxes over and receive them */
    ACT_RESULT_POST,  /* post lab results and corrections */
    ACT_POSITIVE_ACT, /* the officer's confirming action on a positive pool; discrepancies */
    ACT_PRINT,        /* personal code cards, tube and box labels */
    ACT_ISO_READ,     /* isolation cases, 应隔尽隔, zones, their gates and logs */
    ACT_ISO_WRITE,    /* open, move (transfer) and release isolation cases */
    ACT_ISO_CHECKIN,  /* check-ins, the daily worklist and its test recalls, gate log entries */
    ACT_ZONE_WRITE,   /* create, activate, dismiss and lift zones; gate posts */
    ACT_POLICY_WRITE, /* isolation policy versions */
    ACT_TRANSPORT_PLAN, /* plan sample transport (runs no store write) */
    ACT_CHECKPOINT_WRITE, /* create checkpoints */
    ACT_ARRIVAL,      /* record arrivals at a checkpoint */
    ACT_ARRIVAL_READ, /* checkpoints, the returnee register, risk-area lists, arrival rules */
    ACT_RISK_WRITE,   /* import risk-area lists */
    ACT_WO_PUSH,      /* push work orders (the city platform's partner token) */
    ACT_WO_READ,      /* read work orders (partners: only their own) */
    ACT_WO_ROUTE,     /* route and assign work orders; change any order's status in one's area */
    ACT_WO_HANDLE,    /* change the status of orders assigned to oneself, with feedback */
    ACT_DEVICE_EVENT, /* post door-sensor events: a device token, for its own device only */
    ACT_DEVICE_ADMIN, /* register, list and disable door sensors */
    ACT_ALARM,        /* sensor alarms: list and acknowledge */
    ACT_SERVICE,      /* garbage rounds, service requests, approved door-opening windows */
    ACT_COUNSEL,      /* counselling notes: officers, and any user flagged as a counsellor */
    ACT_TRANSPORT_SETUP, /* a round's vehicles, hub and pickup schedule; make and redo its plan */
    ACT_TRANSPORT_READ,  /* a round's stored plan and its outbox */
    ACT_TRANSPORT_RUNS,  /* one's own runs as a driver */
    ACT_CHANNEL_ADMIN,   /* message channels (webhooks and their secrets) */
    ACT_SWEEP_READ,   /* door-to-door campaigns, their team lists and progress (volunteers: their own team's) */
    ACT_SWEEP_WRITE,  /* create campaigns and question sets, split households among teams */
    ACT_SWEEP_VISIT,  /* record visit outcomes (volunteers: on their own team's list) */
    ACT_TEAM_READ,    /* teams, members, mentor pairs, posts and rosters (volunteers: their own shifts) */
    ACT_TEAM_WRITE,   /* teams, members, mentor pairs and visit logs, posts, shifts */
    ACT_SUPPLY_READ,  /* supply items, stock, forecasts, pick lists */
    ACT_SUPPLY_WRITE, /* receipts, transfers, consumption, items and warehouses */
    ACT_DISINFECT_READ,  /* disinfection schedules, treatments, overdue places */
    ACT_DISINFECT_WRITE, /* schedules and the treatment log */
    ACT__COUNT
};

#define FX_AREA_PATH_MAX 192

typedef struct principal {
    enum fx_role role;
    int64_t user_id;     /* 0 for tokens */
    int64_t token_id;    /* api token id, 0 for users */
    int64_t session_id;  /* 0 unless a user session */
    int64_t area_id;     /* 0: the whole system */
    char area_path[FX_AREA_PATH_MAX];
    char name[64];       /* username or token name */
    bool counsellor;
} principal;

const char *perm_role_name(enum fx_role r);
/* ROLE_NONE when s names no person role (admin … volunteer). */
enum fx_role perm_role_parse(const char *s);
const char *perm_action_name(enum fx_action a);

bool perm_allows(enum fx_role r, enum fx_action a);
/* perm_allows for p's role, plus what p's own flags grant (a counsellor reads counselling notes). */
bool perm_principal_allows(const principal *p, enum fx_action a);
/* true when the area with path area_path lies in p's scope (its own area or below). */
bool perm_in_scope(const principal *p, const char *area_path);

#endif
