/* site.h — sampling sites: where they stand, the areas they serve, their tables,
 * opening hours, staff and status; the queue staff report; and the status the
 * public sees (contract: clear < 25 min wait, busy 25-50, congested ≥ 50, resting). */
#ifndef SITE_H
#define SITE_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

#define SITE_NAME_MAX 100  /* characters */
#define SITE_SERVES_MAX 32 /* areas one site serves */

typedef struct site {
    int64_t id, area_id, queue_at, created_at, updated_at;
    double lat, lng;
    bool has_coords;
    int tables, opens_min, closes_min, queue_len;
    char name[SITE_NAME_MAX * 4 + 1];
    char status[8]; /* open, paused, closed */
    char area_code[65];
    char area_path[FX_AREA_PATH_MAX];
} site;

typedef struct site_input {
    /* NULL / not present: default (create) or unchanged (update) */
    const char *name, *area, *status;
    const char *const *serves; /* area codes; nserves < 0: not given */
    int nserves;
    bool has_coords;
    double lat, lng;
    int tables, opens_min, closes_min; /* -1: not given */
} site_input;
#define SITE_INPUT_NONE {.nserves = -1, .tables = -1, .opens_min = -1, .closes_min = -1}

bool site_status_valid(const char *s); /* open, paused, closed */

/* Creates a site in an area of the actor's scope. Audited. 0 or an FX_ kind. */
int site_create(db_conn *c, const actor *who, const site_input *in, site *out, fx_err *err);
/* Changes name, status, tables, hours and/or the areas served. Audited. */
int site_update(db_conn *c, const actor *who, int64_t id, const site_input *in, site *out, fx_err *err);
int site_get(db_conn *c, int64_t id, site *out); /* DB_ROW / DB_DONE / < 0 */
/* Sites whose area lies in scope_path (NULL: all), id > after_id. Count or < 0. */
int site_list(db_conn *c, const char *scope_path, int64_t after_id, site *out, int max);
/* The codes of the areas a site serves; count or < 0. */
int site_serves(db_conn *c, int64_t site_id, char (*codes)[65], int max);

/* Staff of a site (registrars post sampling events only for sites they staff). */
bool site_is_staff(db_conn *c, int64_t site_id, int64_t user_id);
/* Adds (add = true) or removes a user by username. Audited. */
int site_staff_set(db_conn *c, const actor *who, int64_t site_id, const char *username, bool add, fx_err *err);
/* Usernames of a site's staff into names (each 64 bytes); count or < 0. */
int site_staff_list(db_conn *c, int64_t site_id, char (*names)[64], int max);

/* May the actor act at this site: registrars when they staff it, other roles
 * when the site lies in their scope or they staff it; the command line always. */
bool site_actor_allowed(db_conn *c, const actor *who, const site *s);

/* Records the queue a registrar or staff member sees. Audited. */
int site_report_queue(db_conn *c, const actor *who, int64_t site_id, int length, fx_err *err);

/* ---- public status ---- */
enum site_public { SITE_CLEAR, SITE_BUSY, SITE_CONGESTED, SITE_RESTING };
#define SITE_BUSY_MIN 25       /* estimated wait at which a site is busy */
#define SITE_CONGESTED_MIN 50  /* … and congested */
#define SITE_RATE_WINDOW_S 900 /* registrations counted over the last 15 minutes */
#define SITE_TABLE_PER_HOUR 200 /* what a table registers at best, when there is no recent rate */
#define SITE_RATE_MIN_SAMPLES 10 /* fewer in the window say too little about the pace (a site just opened) */

typedef struct site_status_in {
    const char *status;  /* open, paused, closed */
    int opens_min, closes_min;
    int local_min;       /* now, minutes from local midnight */
    int queue_len;       /* as last reported */
    long recent;         /* samples at the site over the last SITE_RATE_WINDOW_S */
    int tables;
} site_status_in;

typedef struct site_status_out {
    enum site_public status;
    int wait_min;        /* estimated; 0 when resting */
} site_status_out;

/* The public status: resting when closed, paused or outside hours; else the wait is
 * the reported queue over the registration rate of the last 15 minutes (or, with
 * no sample in that window, over the tables' best rate), mapped to the thresholds. */
site_status_out site_public_status(const site_status_in *in);
const char *site_public_name(enum site_public s);
/* site_public_status for a stored site at time now (reads the recent rate). */
site_status_out site_status_now(db_conn *c, const site *s, int64_t now);

#endif
