#include "core/area.h"

#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <string.h>

static const char *const kinds[] = {"district", "subdistrict", "community", "workstation",
                                    "compound", "building",    "unit"};
static const char *const risks[] = {"none", "precaution", "controlled", "sealed"};

int area_kind_rank(const char *s)
{
    for (int i = 0; s && i < (int)(sizeof kinds / sizeof *kinds); i++)
        if (strcmp(s, kinds[i]) == 0)
            return i;
    return -1;
}

bool area_risk_valid(const char *s)
{
    for (size_t i = 0; s && i < sizeof risks / sizeof *risks; i++)
        if (strcmp(s, risks[i]) == 0)
            return true;
    return false;
}

bool area_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > AREA_CODE_MAX)
        return false;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_' || ch == '.'))
            return false;
    }
    return true;
}

#define AREA_SELECT                                                                                          \
    "SELECT a.id, a.code, a.name, a.kind, a.parent_id, COALESCE(p.code, ''), a.path, a.risk_level,"          \
    " a.created_at, a.updated_at FROM areas a LEFT JOIN areas p ON p.id = a.parent_id "

static void read_row(db_stmt *s, area *a)
{
    a->id = db_col_i64(s, 0);
    fx_copy(a->code, sizeof a->code, db_col_text(s, 1));
    fx_copy(a->name, sizeof a->name, db_col_text(s, 2));
    fx_copy(a->kind, sizeof a->kind, db_col_text(s, 3));
    a->parent_id = db_col_null(s, 4) ? 0 : db_col_i64(s, 4);
    fx_copy(a->parent_code, sizeof a->parent_code, db_col_text(s, 5));
    fx_copy(a->path, sizeof a->path, db_col_text(s, 6));
    fx_copy(a->risk_level, sizeof a->risk_level, db_col_text(s, 7));
    a->created_at = db_col_i64(s, 8);
    a->updated_at = db_col_i64(s, 9);
}

static int get_one(db_conn *c, const char *sql, const char *text, int64_t id, area *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (text)
        db_bind_text(s, 1, text);
    else
        db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_row(s, out);
    db_done(s);
    return rc;
}

int area_get(db_conn *c, const char *code, area *out)
{
    return get_one(c, AREA_SELECT "WHERE a.code = $1", code, 0, out);
}

int area_get_id(db_conn *c, int64_t id, area *out)
{
    return get_one(c, AREA_SELECT "WHERE a.id = $1", NULL, id, out);
}

int area_get_child(db_conn *c, int64_t parent_id, const char *name, area *out)
{
    db_stmt *s = db_prepare(c, AREA_SELECT "WHERE a.parent_id = $1 AND a.name = $2 ORDER BY a.code LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, parent_id);
    db_bind_text(s, 2, name);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_row(s, out);
    db_done(s);
    return rc;
}

/* The exclusive upper bound of the subtree range of path "/…/id/": '/' + 1 = '0'. */
static void path_upper(const char *path, char *out, size_t n)
{
    fx_copy(out, n, path);
    size_t len = strlen(out);
    if (len > 0)
        out[len - 1] = '0';
}

int area_list(db_conn *c, const char *scope_path, int64_t parent_id, int64_t after_id, area *out, int max)
{
    db_stmt *s;
    char upper[FX_AREA_PATH_MAX];
    if (parent_id) {
        s = db_prepare(c, AREA_SELECT "WHERE a.parent_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, parent_id);
    } else if (scope_path) {
        s = db_prepare(c, AREA_SELECT "WHERE a.path >= $1 AND a.path < $4 AND a.id > $2 ORDER BY a.id LIMIT $3");
        if (!s)
            return DB_ERR;
        path_upper(scope_path, upper, sizeof upper);
        db_bind_text(s, 1, scope_path);
        db_bind_text(s, 4, upper);
    } else {
        s = db_prepare(c, AREA_SELECT "WHERE a.id > $2 ORDER BY a.id LIMIT $3");
        if (!s)
            return DB_ERR;
    }
    db_bind_i64(s, 2, after_id);
    db_bind_i64(s, 3, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_row(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

static int check_name(const char *name, fx_err *err)
{
    size_t chars = name ? fx_utf8_len(name) : 0;
    const char *p = name;
    while (p && (*p == ' ' || *p == '\t'))
        p++;
    if (!name || !*p)
        return fx_fail(err, FX_EINVAL, "name_required", "name is required: give the area's name, e.g. 东区社区");
    if (chars > AREA_NAME_MAX)
        return fx_fail(err, FX_EINVAL, "name_too_long", "name has %zu characters; at most %d are allowed",
                       chars, AREA_NAME_MAX);
    return 0;
}

static int lookup_parent(db_conn *c, const actor *who, const char *code, const char *kind, area *parent,
                         fx_err *err)
{
    int rc = area_get(c, code, parent);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read area %s", code);
    if (rc == DB_DONE)
        return fx_fail(err, FX_EINVAL, "parent_not_found", "parent area %s does not exist", code);
    if (!actor_in_scope(who, parent->path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %s is outside your area", code);
    if (area_kind_rank(kind) <= area_kind_rank(parent->kind))
        return fx_fail(err, FX_EINVAL, "kind_not_below_parent",
                       "a %s cannot be placed under a %s (%s): the order is district, subdistrict, community, "
                       "workstation, compound, building, unit",
                       kind, parent->kind, code);
    return 0;
}

int area_create(db_conn *c, const actor *who, const area_input *in, area *out, fx_err *err)
{
    if (!area_code_valid(in->code))
        return fx_fail(err, FX_EINVAL, "invalid_code",
                       "code must be 1-%d letters, digits, '-', '_' or '.', e.g. 410100-DQ", AREA_CODE_MAX);
    int rc = check_name(in->name, err);
    if (rc)
        return rc;
    if (area_kind_rank(in->kind) < 0)
        return fx_fail(err, FX_EINVAL, "invalid_kind",
                       "kind must be one of district, subdistrict, community, workstation, compound, building, "
                       "unit");
    const char *risk = in->risk_level ? in->risk_level : "none";
    if (!area_risk_valid(risk))
        return fx_fail(err, FX_EINVAL, "invalid_risk_level",
                       "risk_level must be one of none, precaution, controlled, sealed");
    if (in->risk_level && strcmp(risk, "none") != 0 && !actor_may(who, ACT_AREA_RISK))
        return fx_fail(err, FX_EPERM, "forbidden", "your role may not set risk levels; ask an officer");
    area parent = {0};
    if (in->parent && *in->parent) {
        if ((rc = lookup_parent(c, who, in->parent, in->kind, &parent, err)))
            return rc;
    } else if (who->p && !(who->p->role == ROLE_ADMIN && who->p->area_id == 0)) {
        return fx_fail(err, FX_EPERM, "outside_area", "only a system administrator may create a top-level area");
    }
    area probe;
    if ((rc = area_get(c, in->code, &probe)) == DB_ROW)
        return fx_fail(err, FX_ECONFLICT, "code_taken", "area code %s is already used by %s", in->code,
                       probe.name);

    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->parent_id = parent.id;
    out->created_at = out->updated_at = fx_now();
    fx_copy(out->code, sizeof out->code, in->code);
    fx_copy(out->name, sizeof out->name, in->name);
    fx_copy(out->kind, sizeof out->kind, in->kind);
    fx_copy(out->risk_level, sizeof out->risk_level, risk);
    fx_copy(out->parent_code, sizeof out->parent_code, parent.code);
    if (snprintf(out->path, sizeof out->path, "%s%lld/", parent.id ? parent.path : "/", (long long)out->id) >=
        (int)sizeof out->path)
        return fx_fail(err, FX_EINVAL, "too_deep", "the area tree is too deep here");

    db_stmt *s = db_prepare(c, "INSERT INTO areas (id, code, name, kind, parent_id, path, risk_level, created_at,"
                               " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the area");
    db_bind_i64(s, 1, out->id);
    db_bind_text(s, 2, out->code);
    db_bind_text(s, 3, out->name);
    db_bind_text(s, 4, out->kind);
    if (parent.id)
        db_bind_i64(s, 5, parent.id);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, out->path);
    db_bind_text(s, 7, out->risk_level);
    db_bind_i64(s, 8, out->created_at);
    rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "code_taken", "area code %s is already used", in->code);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the area");

    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "code", NULL, out->code);
    audit_changes_text(&ch, "name", NULL, out->name);
    audit_changes_text(&ch, "kind", NULL, out->kind);
    audit_changes_text(&ch, "parent", NULL, parent.id ? parent.code : NULL);
    audit_changes_text(&ch, "risk_level", NULL, out->risk_level);
    rc = audit_record(c, &who->log, "create", "area", out->code, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

static int move_subtree(db_conn *c, const area *a, const char *new_path)
{
    char upper[FX_AREA_PATH_MAX];
    path_upper(a->path, upper, sizeof upper);
    db_stmt *s = db_prepare(c, "UPDATE areas SET path = $1 || substr(path, $2) WHERE path >= $3 AND path < $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, new_path);
    db_bind_i64(s, 2, (int64_t)strlen(a->path) + 1);
    db_bind_text(s, 3, a->path);
    db_bind_text(s, 4, upper);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

/* The area named code, if it lies in the actor's scope (else "not found": scope hides). */
static int get_scoped(db_conn *c, const actor *who, const char *code, area *out, fx_err *err)
{
    int rc = area_get(c, code, out);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read area %s", code);
    if (rc == DB_DONE || !actor_in_scope(who, out->path))
        return fx_fail(err, FX_ENOTFOUND, "area_not_found", "area %s does not exist in your area", code);
    return 0;
}

int area_update(db_conn *c, const actor *who, const char *code, const area_input *in, area *out, fx_err *err)
{
    area cur;
    int rc = get_scoped(c, who, code, &cur, err);
    if (rc)
        return rc;
    if (in->name && (rc = check_name(in->name, err)))
        return rc;
    if (in->risk_level) {
        if (!area_risk_valid(in->risk_level))
            return fx_fail(err, FX_EINVAL, "invalid_risk_level",
                           "risk_level must be one of none, precaution, controlled, sealed");
        if (strcmp(in->risk_level, cur.risk_level) != 0 && !actor_may(who, ACT_AREA_RISK))
            return fx_fail(err, FX_EPERM, "forbidden", "your role may not set risk levels; ask an officer");
    }
    *out = cur;
    if (in->name)
        fx_copy(out->name, sizeof out->name, in->name);
    if (in->risk_level)
        fx_copy(out->risk_level, sizeof out->risk_level, in->risk_level);

    bool moving = in->parent && strcmp(in->parent, cur.parent_code) != 0;
    if (moving) {
        area parent;
        if (!*in->parent)
            return fx_fail(err, FX_EINVAL, "parent_required", "an existing area cannot become a top-level area");
        if (who->p && who->p->area_id == cur.id)
            return fx_fail(err, FX_EPERM, "outside_area", "you may not move your own area");
        if ((rc = lookup_parent(c, who, in->parent, cur.kind, &parent, err)))
            return rc;
        if (strncmp(parent.path, cur.path, strlen(cur.path)) == 0)
            return fx_fail(err, FX_EINVAL, "cycle", "area %s cannot move under its own descendant %s", code,
                           parent.code);
        if (snprintf(out->path, sizeof out->path, "%s%lld/", parent.path, (long long)cur.id) >=
            (int)sizeof out->path)
            return fx_fail(err, FX_EINVAL, "too_deep", "the area tree is too deep here");
        out->parent_id = parent.id;
        fx_copy(out->parent_code, sizeof out->parent_code, parent.code);
        if (move_subtree(c, &cur, out->path) != 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not move the subtree of %s", code);
    }

    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", cur.name, out->name);
    audit_changes_text(&ch, "risk_level", cur.risk_level, out->risk_level);
    audit_changes_text(&ch, "parent", cur.parent_code, out->parent_code);
    const char *changes = audit_changes_json(&ch);
    if (!changes) { /* nothing changed: no write, no audit entry */
        audit_changes_free(&ch);
        return 0;
    }
    out->updated_at = fx_now();
    db_stmt *s = db_prepare(c, "UPDATE areas SET name = $1, risk_level = $2, parent_id = $3, updated_at = $4"
                               " WHERE id = $5");
    rc = DB_ERR;
    if (s) {
        db_bind_text(s, 1, out->name);
        db_bind_text(s, 2, out->risk_level);
        if (out->parent_id)
            db_bind_i64(s, 3, out->parent_id);
        else
            db_bind_null(s, 3);
        db_bind_i64(s, 4, out->updated_at);
        db_bind_i64(s, 5, cur.id);
        rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
        db_done(s);
    }
    if (rc == 0)
        rc = audit_record(c, &who->log, "update", "area", code, changes);
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not save area %s", code) : 0;
}

int area_delete(db_conn *c, const actor *who, const char *code, fx_err *err)
{
    area cur;
    int rc = get_scoped(c, who, code, &cur, err);
    if (rc)
        return rc;
    if (who->p && who->p->area_id == cur.id)
        return fx_fail(err, FX_EPERM, "outside_area", "you may not delete your own area");
    int64_t children = 0;
    if (db_one_i64(c, "SELECT COUNT(*) FROM areas WHERE parent_id = $1", cur.id, &children) < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read area %s", code);
    if (children)
        return fx_fail(err, FX_ECONFLICT, "has_children",
                       "area %s still has %lld child areas: delete or move them first", code, (long long)children);
    db_stmt *s = db_prepare(c, "DELETE FROM area_counts WHERE area_id = $1 AND persons = 0 AND households = 0"
                      " AND merchants = 0");
    if (s) { /* an empty counter row must not block the delete */
        db_bind_i64(s, 1, cur.id);
        db_step(s);
        db_done(s);
    }
    s = db_prepare(c, "DELETE FROM areas WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete area %s", code);
    db_bind_i64(s, 1, cur.id);
    rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "in_use",
                       "area %s is still in use (users or records belong to it): move them first", code);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete area %s", code);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", cur.name, NULL);
    audit_changes_text(&ch, "kind", cur.kind, NULL);
    rc = audit_record(c, &who->log, "delete", "area", code, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}
