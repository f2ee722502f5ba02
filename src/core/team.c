#include "core/team.h"

#include "core/account.h"
#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <string.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)

static const char *const kinds[] = {"duty",         "screening", "disinfection", "volunteer_services",
                                    "party_branch", "sampling",  "transport",    NULL};

bool team_kind_valid(const char *s)
{
    for (int i = 0; s && kinds[i]; i++)
        if (strcmp(s, kinds[i]) == 0)
            return true;
    return false;
}

static int audit_json(db_conn *c, const actor *who, const char *action, const char *entity, int64_t id,
                      const char *field, const char *value)
{
    fx_str ch;
    fx_str_init(&ch, 2048);
    fx_str_addf(&ch, "{\"%s\":{\"from\":null,\"to\":", field);
    fx_str_add_json(&ch, value);
    fx_str_adds(&ch, "}}");
    int rc = audit_record_id(c, &who->log, action, entity, id, ch.p);
    fx_str_free(&ch);
    return rc;
}

static int scoped_area(db_conn *c, const actor *who, const char *code, area *a, fx_err *err)
{
    if (!code || !*code)
        return fx_fail(err, FX_EINVAL, "missing_field", "area: give the area code");
    int rc = area_get(c, code, a);
    if (rc < 0)
        return DB_FAIL(err, "read the area");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %s does not exist", code);
    if (!actor_in_scope(who, a->path))
        return fx_fail(err, FX_EPERM, "outside_area", "area: %s is outside your area", code);
    return 0;
}

static int check_text(const char *field, const char *s, size_t max, bool required, fx_err *err)
{
    if (required && (!s || !*s))
        return fx_fail(err, FX_EINVAL, "missing_field", "%s: required", field);
    if (s && fx_utf8_len(s) > max)
        return fx_fail(err, FX_EINVAL, "invalid_field", "%s: at most %zu characters", field, max);
    return 0;
}

/* Resolves a user or person to its display name; field names the JSON field for errors.
 * A user must belong to area_path's subtree or lie above it; a person to the actor's scope. */
static int resolve_who(db_conn *c, const actor *who, const char *field, team_who *w, const char *area_path,
                       char name[256], bool *party, fx_err *err)
{
    if (!!w->user_id + !!w->person_id + !!w->username != 1)
        return fx_fail(err, FX_EINVAL, "invalid_field", "%s: give exactly one of user, username or person", field);
    if (w->user_id || w->username) {
        user u;
        int rc = w->user_id ? user_get_id(c, w->user_id, &u) : user_get(c, w->username, &u, NULL);
        if (rc < 0)
            return DB_FAIL(err, "read the user");
        size_t lu = rc == DB_ROW ? strlen(u.area_path) : 0, la = strlen(area_path);
        bool related = rc == DB_ROW && strncmp(u.area_path, area_path, lu < la ? lu : la) == 0;
        if (!related || u.disabled) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)w->user_id);
            return fx_fail(err, FX_EINVAL, "user_not_found", "%s: user %s does not exist in this area", field,
                           w->username ? w->username : id);
        }
        fx_copy(name, 256, u.display_name[0] ? u.display_name : u.username);
        w->user_id = u.id; /* callers store the id */
        *party = false;
        return 0;
    }
    person p;
    int rc = person_get(c, w->person_id, &p);
    if (rc < 0)
        return DB_FAIL(err, "read the person");
    if (rc != DB_ROW || !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_EINVAL, "person_not_found", "%s: person %lld does not exist in your area", field,
                       (long long)w->person_id);
    fx_copy(name, 256, p.name);
    *party = p.party_member;
    return 0;
}

static void bind_opt(db_stmt *s, int i, int64_t v) { v ? db_bind_i64(s, i, v) : db_bind_null(s, i); }

/* ---- teams ---- */

#define TEAM_SELECT                                                                                          \
    "SELECT t.id, t.area_id, t.created_at, t.name, t.kind, t.note, a.code, a.path, t.created_by,"            \
    " (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) FROM teams t JOIN areas a ON a.id = t.area_id "

static void read_team(db_stmt *s, void *row)
{
    team *t = row;
    memset(t, 0, sizeof *t);
    t->id = db_col_i64(s, 0);
    t->area_id = db_col_i64(s, 1);
    t->created_at = db_col_i64(s, 2);
    fx_copy(t->name, sizeof t->name, db_col_text(s, 3));
    fx_copy(t->kind, sizeof t->kind, db_col_text(s, 4));
    fx_copy(t->note, sizeof t->note, db_col_text(s, 5));
    fx_copy(t->area_code, sizeof t->area_code, db_col_text(s, 6));
    fx_copy(t->area_path, sizeof t->area_path, db_col_text(s, 7));
    fx_copy(t->created_by, sizeof t->created_by, db_col_text(s, 8));
    t->members = (int)db_col_i64(s, 9);
}

int team_get(db_conn *c, int64_t id, team *out)
{
    return db_one_row(c, TEAM_SELECT "WHERE t.id = $1", id, read_team, out);
}

int team_create(db_conn *c, const actor *who, const char *area_code, const char *name, const char *kind,
                const char *note, team *out, fx_err *err)
{
    int rc;
    if ((rc = check_text("name", name, 100, true, err)) || (rc = check_text("note", note, 400, false, err)))
        return rc;
    if (!team_kind_valid(kind))
        return fx_fail(err, FX_EINVAL, "invalid_field", "kind: expected duty, screening, disinfection, "
                                                        "volunteer_services, party_branch, sampling or transport");
    area a;
    if ((rc = scoped_area(c, who, area_code, &a, err)))
        return rc;
    db_stmt *s = db_prepare(c, "INSERT INTO teams (id, top_area_id, area_id, name, kind, note, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (area_id, name) DO NOTHING");
    if (!s)
        return DB_FAIL(err, "save the team");
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, path_top(a.path));
    db_bind_i64(s, 3, a.id);
    db_bind_text(s, 4, name);
    db_bind_text(s, 5, kind);
    db_bind_text(s, 6, note ? note : "");
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the team");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "team_exists", "name: %s already has a team named %s", area_code, name);
    if (team_get(c, id, out) != DB_ROW || audit_json(c, who, "create", "team", id, "name", name))
        return DB_FAIL(err, "save the team");
    return 0;
}

int team_list(db_conn *c, const char *scope_path, const char *kind, int64_t before_id, team *out, int max)
{
    db_stmt *s = scope_page(c, TEAM_SELECT "WHERE a.path >= $1 AND a.path < $2 AND t.id < $3"
                                           " AND ($5 IS NULL OR t.kind = $5) ORDER BY t.id DESC LIMIT $4",
                            scope_path, before_id ? before_id : INT64_MAX, max);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 5, kind);
    return db_rows(s, read_team, out, sizeof *out, max);
}

/* ---- members ---- */

#define MEMBER_SELECT                                                                                        \
    "SELECT id, team_id, COALESCE(user_id, 0), COALESCE(person_id, 0), created_at, role, name FROM team_members "

static void read_member(db_stmt *s, void *row)
{
    team_member *m = row;
    memset(m, 0, sizeof *m);
    m->id = db_col_i64(s, 0);
    m->team_id = db_col_i64(s, 1);
    m->user_id = db_col_i64(s, 2);
    m->person_id = db_col_i64(s, 3);
    m->created_at = db_col_i64(s, 4);
    fx_copy(m->role, sizeof m->role, db_col_text(s, 5));
    fx_copy(m->name, sizeof m->name, db_col_text(s, 6));
}

int member_get(db_conn *c, int64_t id, team_member *out)
{
    return db_one_row(c, MEMBER_SELECT "WHERE id = $1", id, read_member, out);
}

int member_list(db_conn *c, int64_t team_id, team_member *out, int max)
{
    db_stmt *s = db_prepare(c, MEMBER_SELECT "WHERE team_id = $1 ORDER BY id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, team_id);
    db_bind_i64(s, 2, max);
    return db_rows(s, read_member, out, sizeof *out, max);
}

static int scoped_team(db_conn *c, const actor *who, int64_t id, team *t, fx_err *err)
{
    int rc = team_get(c, id, t);
    if (rc < 0)
        return DB_FAIL(err, "read the team");
    if (rc != DB_ROW || !actor_in_scope(who, t->area_path))
        return fx_fail(err, FX_ENOTFOUND, "team_not_found", "team %lld does not exist in your area", (long long)id);
    return 0;
}

int member_add(db_conn *c, const actor *who, int64_t team_id, team_who *m, const char *role,
               team_member *out, fx_err *err)
{
    team t;
    int rc = scoped_team(c, who, team_id, &t, err);
    if (rc)
        return rc;
    if (!role || (strcmp(role, "staff") != 0 && strcmp(role, "volunteer") != 0 && strcmp(role, "party_member") != 0))
        return fx_fail(err, FX_EINVAL, "invalid_field", "role: expected staff, volunteer or party_member");
    char name[256];
    bool party;
    if ((rc = resolve_who(c, who, "member", m, t.area_path, name, &party, err)))
        return rc;
    if (strcmp(role, "party_member") == 0 && m->person_id && !party)
        return fx_fail(err, FX_ERULE, "not_party_member", "role: %s is not registered as a party member", name);
    db_stmt *s = db_prepare(c, "INSERT INTO team_members (id, team_id, user_id, person_id, role, name, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING");
    if (!s)
        return DB_FAIL(err, "save the member");
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, team_id);
    bind_opt(s, 3, m->user_id);
    bind_opt(s, 4, m->person_id);
    db_bind_text(s, 5, role);
    db_bind_text(s, 6, name);
    db_bind_i64(s, 7, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the member");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "member_exists", "member: %s is already on team %s", name, t.name);
    if (member_get(c, id, out) != DB_ROW || audit_json(c, who, "add_member", "team", team_id, "member", name))
        return DB_FAIL(err, "save the member");
    return 0;
}

int member_remove(db_conn *c, const actor *who, int64_t team_id, int64_t member_id, fx_err *err)
{
    team t;
    team_member m;
    int rc = scoped_team(c, who, team_id, &t, err);
    if (rc)
        return rc;
    if (member_get(c, member_id, &m) != DB_ROW || m.team_id != team_id)
        return fx_fail(err, FX_ENOTFOUND, "team_member_not_found", "member %lld is not on team %s", (long long)member_id,
                       t.name);
    int64_t shifts = 0;
    if (db_one_i64(c, "SELECT COUNT(*) FROM shifts WHERE member_id = $1", member_id, &shifts) < 0)
        return DB_FAIL(err, "read the member's shifts");
    if (shifts)
        return fx_fail(err, FX_ECONFLICT, "member_has_shifts", "%s has %lld shifts on the roster; remove them first",
                       m.name, (long long)shifts);
    db_stmt *s = db_prepare(c, "DELETE FROM team_members WHERE id = $1");
    if (!s)
        return DB_FAIL(err, "remove the member");
    db_bind_i64(s, 1, member_id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || audit_json(c, who, "remove_member", "team", team_id, "removed", m.name))
        return DB_FAIL(err, "remove the member");
    return 0;
}

/* ---- mentor pairs ---- */

#define PAIR_SELECT                                                                                          \
    "SELECT p.id, p.area_id, p.created_at, COALESCE(p.mentor_user_id, 0), COALESCE(p.mentor_person_id, 0),"  \
    " COALESCE(p.mentee_user_id, 0), COALESCE(p.mentee_person_id, 0), p.mentor_name, p.mentee_name, p.note,"  \
    " a.code, a.path, p.created_by,"                                                                          \
    " (SELECT COUNT(*) FROM mentor_logs l WHERE l.pair_id = p.id AND l.kind = 'visit'),"                      \
    " (SELECT COUNT(*) FROM mentor_logs l WHERE l.pair_id = p.id AND l.kind = 'guidance'),"                   \
    " (SELECT COALESCE(MAX(at), 0) FROM mentor_logs l WHERE l.pair_id = p.id AND l.kind = 'visit')"           \
    " FROM mentor_pairs p JOIN areas a ON a.id = p.area_id "

static void read_pair(db_stmt *s, void *row)
{
    mentor_pair *p = row;
    memset(p, 0, sizeof *p);
    p->id = db_col_i64(s, 0);
    p->area_id = db_col_i64(s, 1);
    p->created_at = db_col_i64(s, 2);
    p->mentor.user_id = db_col_i64(s, 3);
    p->mentor.person_id = db_col_i64(s, 4);
    p->mentee.user_id = db_col_i64(s, 5);
    p->mentee.person_id = db_col_i64(s, 6);
    fx_copy(p->mentor_name, sizeof p->mentor_name, db_col_text(s, 7));
    fx_copy(p->mentee_name, sizeof p->mentee_name, db_col_text(s, 8));
    fx_copy(p->note, sizeof p->note, db_col_text(s, 9));
    fx_copy(p->area_code, sizeof p->area_code, db_col_text(s, 10));
    fx_copy(p->area_path, sizeof p->area_path, db_col_text(s, 11));
    fx_copy(p->created_by, sizeof p->created_by, db_col_text(s, 12));
    p->visits = (int)db_col_i64(s, 13);
    p->notes = (int)db_col_i64(s, 14);
    p->last_visit = db_col_i64(s, 15);
}

int mentor_get(db_conn *c, int64_t id, mentor_pair *out)
{
    return db_one_row(c, PAIR_SELECT "WHERE p.id = $1", id, read_pair, out);
}

int mentor_list(db_conn *c, const char *scope_path, int64_t before_id, mentor_pair *out, int max)
{
    db_stmt *s = scope_page(c, PAIR_SELECT "WHERE a.path >= $1 AND a.path < $2 AND p.id < $3 ORDER BY p.id DESC"
                                           " LIMIT $4",
                            scope_path, before_id ? before_id : INT64_MAX, max);
    return s ? db_rows(s, read_pair, out, sizeof *out, max) : DB_ERR;
}

int mentor_create(db_conn *c, const actor *who, const char *area_code, team_who *mentor, team_who *mentee, const char *note, mentor_pair *out, fx_err *err)
{
    area a;
    int rc = scoped_area(c, who, area_code, &a, err);
    char mr[256], me[256];
    bool party;
    if (rc || (rc = check_text("note", note, 400, false, err)) ||
        (rc = resolve_who(c, who, "mentor", mentor, a.path, mr, &party, err)) ||
        (rc = resolve_who(c, who, "mentee", mentee, a.path, me, &party, err)))
        return rc;
    if (mentor->user_id == mentee->user_id && mentor->person_id == mentee->person_id)
        return fx_fail(err, FX_EINVAL, "invalid_field", "mentee: must be someone other than the mentor");
    db_stmt *s = db_prepare(c, "INSERT INTO mentor_pairs (id, top_area_id, area_id, mentor_user_id, mentor_person_id,"
                               " mentor_name, mentee_user_id, mentee_person_id, mentee_name, note, created_by,"
                               " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return DB_FAIL(err, "save the pair");
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, path_top(a.path));
    db_bind_i64(s, 3, a.id);
    bind_opt(s, 4, mentor->user_id);
    bind_opt(s, 5, mentor->person_id);
    db_bind_text(s, 6, mr);
    bind_opt(s, 7, mentee->user_id);
    bind_opt(s, 8, mentee->person_id);
    db_bind_text(s, 9, me);
    db_bind_text(s, 10, note ? note : "");
    db_bind_text(s, 11, who->log.name);
    db_bind_i64(s, 12, fx_now());
    rc = db_step(s);
    db_done(s);
    char what[520];
    snprintf(what, sizeof what, "%s → %s", mr, me);
    if (rc != DB_DONE || mentor_get(c, id, out) != DB_ROW || audit_json(c, who, "create", "mentor_pair", id, "pair", what))
        return DB_FAIL(err, "save the pair");
    return 0;
}

#define LOG_SELECT "SELECT id, pair_id, at, created_at, kind, place, note, created_by FROM mentor_logs "

static void read_log(db_stmt *s, void *row)
{
    mentor_log *l = row;
    memset(l, 0, sizeof *l);
    l->id = db_col_i64(s, 0);
    l->pair_id = db_col_i64(s, 1);
    l->at = db_col_i64(s, 2);
    l->created_at = db_col_i64(s, 3);
    fx_copy(l->kind, sizeof l->kind, db_col_text(s, 4));
    fx_copy(l->place, sizeof l->place, db_col_text(s, 5));
    fx_copy(l->note, sizeof l->note, db_col_text(s, 6));
    fx_copy(l->created_by, sizeof l->created_by, db_col_text(s, 7));
}

int mentor_log_add(db_conn *c, const actor *who, int64_t pair_id, const char *kind, const char *place, int64_t at,
                   const char *note, mentor_log *out, fx_err *err)
{
    mentor_pair p;
    int rc = mentor_get(c, pair_id, &p);
    if (rc < 0)
        return DB_FAIL(err, "read the pair");
    if (rc != DB_ROW || !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_ENOTFOUND, "pair_not_found", "mentor pair %lld does not exist in your area",
                       (long long)pair_id);
    bool visit = kind && strcmp(kind, "visit") == 0;
    if (!visit && !(kind && strcmp(kind, "guidance") == 0))
        return fx_fail(err, FX_EINVAL, "invalid_field", "kind: expected visit or guidance");
    if ((rc = check_text("place", place, 200, visit, err)) || (rc = check_text("note", note, 1000, !visit, err)))
        return rc;
    if (at > fx_now() + 86400)
        return fx_fail(err, FX_EINVAL, "invalid_field", "at: a visit is logged after it happened, not ahead");
    db_stmt *s = db_prepare(c, "INSERT INTO mentor_logs (id, pair_id, kind, place, at, note, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return DB_FAIL(err, "save the log entry");
    int64_t id = fx_id_next(), now = fx_now();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, pair_id);
    db_bind_text(s, 3, kind);
    db_bind_text(s, 4, place ? place : "");
    db_bind_i64(s, 5, at ? at : now);
    db_bind_text(s, 6, note ? note : "");
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || audit_json(c, who, visit ? "log_visit" : "log_guidance", "mentor_pair", pair_id,
                                    visit ? "place" : "note", visit ? place : note))
        return DB_FAIL(err, "save the log entry");
    return db_one_row(c, LOG_SELECT "WHERE id = $1", id, read_log, out) == DB_ROW ? 0
                                                                            : DB_FAIL(err, "read the log entry");
}

int mentor_log_list(db_conn *c, int64_t pair_id, mentor_log *out, int max)
{
    db_stmt *s = db_prepare(c, LOG_SELECT "WHERE pair_id = $1 ORDER BY at DESC, id DESC LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, pair_id);
    db_bind_i64(s, 2, max);
    return db_rows(s, read_log, out, sizeof *out, max);
}
