/* roster.h — posts, the shifts that staff them, and the checks that show where a roster
 * fails: a post with a gap in its required coverage (the exact uncovered intervals), one
 * person on two posts at once (both shifts and the overlap), a shift longer than the
 * configured limit (per area, nearest ancestor's setting, default 12 h).
 *
 * The checks are pure functions over arrays (roster_post_gaps, roster_overlaps), so the
 * rules are tested without a store; roster_check loads what they need in two queries. */
#ifndef ROSTER_H
#define ROSTER_H
#include "core/actor.h"
#include "core/export.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROSTER_SHIFT_MAX_S (48 * 3600)   /* no shift is longer: longer input is an error */
#define ROSTER_LIMIT_DEFAULT_MIN (12 * 60) /* unless the server sets another */
#define ROSTER_LEAD_DEFAULT_MIN 60
#define ROSTER_BATCH_MAX 500             /* shifts per bulk add (a week of a big team) */

/* ---- posts ---- */
typedef struct post {
    int64_t id, area_id, team_id, ref_id, created_at;
    int cover_from, cover_to, persons; /* minutes of the local day; from > to runs past midnight */
    char name[201], kind[16], area_code[65], area_path[192], team_name[201], ref_name[201];
} post;

typedef struct post_input {
    const char *area, *name, *kind; /* kind: checkpoint, site_table, gate, garbage_round */
    int64_t team_id;                /* 0: none */
    int64_t ref_id;                 /* the checkpoint, site or zone gate it staffs (0: none) */
    const char *building;           /* garbage rounds: the building's area code (NULL: none) */
    int cover_from, cover_to, persons;
} post_input;

int post_create(db_conn *c, const actor *who, const post_input *in, post *out, fx_err *err);
int post_get(db_conn *c, int64_t id, post *out);
/* Posts in scope, of one team (0: all), by name. Count or < 0. */
int post_list(db_conn *c, const char *scope_path, int64_t team_id, post *out, int max);

/* ---- shifts ---- */
typedef struct shift {
    int64_t id, post_id, member_id, user_id, person_id, team_id, starts_at, ends_at, created_at;
    char post_name[201], post_kind[16], member_name[256], note[201];
} shift;

typedef struct shift_input {
    int64_t post_id, member_id, starts_at, ends_at;
    const char *note;
} shift_input;

/* Adds n shifts, all or none: the first bad one fails the call, its row named in err
 * ("shifts[3].end: …"). The member must be on the post's team (when the post has one). */
int shift_add(db_conn *c, const actor *who, const shift_input *in, int n, int64_t *ids, fx_err *err);
int shift_delete(db_conn *c, const actor *who, int64_t id, fx_err *err);
typedef struct shift_query {
    const char *scope_path;
    int64_t post_id, team_id, user_id; /* 0: any */
    int64_t from, to;                  /* shifts overlapping [from, to) */
} shift_query;
/* By post, then start. Count or < 0. */
int shift_list(db_conn *c, const shift_query *q, shift *out, int max);

/* ---- settings ---- */
typedef struct roster_settings {
    int shift_limit_min, lead_min;
    char area_code[65]; /* where they were set; "" for the defaults */
} roster_settings;
/* The server's limit where no area sets one (serve --shift-limit-h; 12 h). Set before serving. */
void roster_set_default_limit(int minutes);
/* The settings that apply at area_path (the nearest ancestor's, else the defaults). */
int roster_settings_for(db_conn *c, const char *area_path, roster_settings *out);
int roster_settings_put(db_conn *c, const actor *who, const char *area, int shift_limit_min, int lead_min,
                        fx_err *err);

/* ---- checks (pure) ---- */
typedef struct rs_shift {
    int64_t start, end;
    int64_t user_id, person_id; /* who stands there */
    int index;                  /* the caller's index of this shift */
} rs_shift;

typedef struct rs_cover {
    int from_min, to_min, persons;
} rs_cover;

typedef struct rs_gap {
    int64_t from, to;
    int on_duty, needed; /* the most on duty during the gap, and how many are needed */
} rs_gap;

/* The uncovered intervals of one post in [from, to): where fewer than cv->persons of s
 * (any order; sorted in place) are on duty within the required hours of each local day.
 * Shifts that touch (one ends when the next starts) leave no gap. Writes up to max gaps;
 * returns how many there are, or -1 out of memory. */
int roster_post_gaps(const rs_cover *cv, rs_shift *s, int n, int64_t from, int64_t to, rs_gap *out, int max);

typedef struct rs_overlap {
    int a, b;         /* indexes (rs_shift.index) of the earlier and the later shift */
    int64_t from, to; /* when both run */
} rs_overlap;

/* One person on two shifts at once: s (sorted in place by person, then start) is every
 * shift of the period; each shift that starts before an earlier one of the same person
 * ends is paired with it. Writes up to max; returns how many there are. */
int roster_overlaps(rs_shift *s, int n, rs_overlap *out, int max);

/* ---- the whole check over a store ---- */
typedef struct roster_gap {
    int64_t post_id;
    rs_gap g;
} roster_gap;

typedef struct roster_report {
    post *posts;
    int nposts;
    shift *shifts;
    int nshifts;
    roster_gap *gaps;
    int ngaps;
    rs_overlap *overlaps;
    int noverlaps;
    int *longs;      /* shift indexes longer than their area's limit */
    int *long_limit; /* each one's limit in minutes */
    int nlongs;
    bool truncated;  /* more posts or shifts than one check reads */
} roster_report;

/* Checks the posts in scope (of one team or one post, 0: all) over [from, to). gaps_only
 * skips the person and length checks (the dashboard). 0 or < 0. */
int roster_check(db_conn *c, const char *scope_path, int64_t team_id, int64_t post_id, int64_t from, int64_t to,
                 bool gaps_only, roster_report *out);
void roster_report_free(roster_report *r);

/* The shifts of q as a table: date, post, person, start, end, hours, note. */
int roster_export(db_conn *c, const shift_query *q, const export_opts *o, FILE *csv, const char *xlsx_path,
                  long *rows, fx_err *err);

/* Local midnight (configured zone) of the day holding t. */
int64_t roster_day_start(int64_t t);
/* "12-05 03:00–07:00", "12-05 22:00–24:00", "12-05 22:00–12-06 02:00" in the configured zone. */
void roster_span_text(int64_t from, int64_t to, char *out, size_t n);

#endif
