#include "core/audit.h"

#include "util/fx_clock.h"
#include "util/fx_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANGES_MAX (64 * 1024)

int audit_record(db_conn *c, const audit_actor *who, const char *action, const char *entity,
                 const char *entity_id, const char *changes_json)
{
    db_stmt *s = db_prepare(c, "INSERT INTO audit (id, at, actor_kind, actor_id, actor_name, action, entity,"
                               " entity_id, changes, request_id, ip)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, fx_now());
    db_bind_text(s, 3, who->kind);
    if (who->id)
        db_bind_i64(s, 4, who->id);
    else
        db_bind_null(s, 4);
    db_bind_text(s, 5, who->name ? who->name : "");
    db_bind_text(s, 6, action);
    db_bind_text(s, 7, entity);
    db_bind_text(s, 8, entity_id);
    db_bind_text(s, 9, changes_json ? changes_json : "{}");
    db_bind_text(s, 10, who->request_id ? who->request_id : "");
    db_bind_text(s, 11, who->ip ? who->ip : "");
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int audit_record_id(db_conn *c, const audit_actor *who, const char *action, const char *entity, int64_t id,
                    const char *changes_json)
{
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    return audit_record(c, who, action, entity, eid, changes_json);
}

void audit_changes_init(audit_changes *ch)
{
    fx_str_init(&ch->s, CHANGES_MAX);
    ch->n = 0;
    fx_str_adds(&ch->s, "{");
}

static void field_head(audit_changes *ch, const char *field)
{
    if (ch->n++)
        fx_str_adds(&ch->s, ",");
    fx_str_add_json(&ch->s, field);
    fx_str_adds(&ch->s, ":{\"from\":");
}

void audit_changes_text(audit_changes *ch, const char *field, const char *from, const char *to)
{
    if ((from == NULL && to == NULL) || (from && to && strcmp(from, to) == 0))
        return;
    field_head(ch, field);
    if (from)
        fx_str_add_json(&ch->s, from);
    else
        fx_str_adds(&ch->s, "null");
    fx_str_adds(&ch->s, ",\"to\":");
    if (to)
        fx_str_add_json(&ch->s, to);
    else
        fx_str_adds(&ch->s, "null");
    fx_str_adds(&ch->s, "}");
}

void audit_changes_i64(audit_changes *ch, const char *field, long long from, long long to)
{
    if (from == to)
        return;
    field_head(ch, field);
    fx_str_addf(&ch->s, "%lld,\"to\":%lld}", from, to);
}

const char *audit_changes_json(audit_changes *ch)
{
    if (ch->n == 0)
        return NULL;
    fx_str_adds(&ch->s, "}");
    ch->n = -1000000; /* closed: later adds would corrupt it */
    return ch->s.overflow ? "{\"truncated\":true}" : ch->s.p;
}

void audit_changes_free(audit_changes *ch) { fx_str_free(&ch->s); }

int audit_list(db_conn *c, const char *entity, const char *entity_id, int64_t before_id, audit_entry *out,
               int max)
{
    /* Three statements rather than "($1 IS NULL OR …)", so each is served by an index. */
#define AUDIT_COLS "SELECT id, at, actor_kind, actor_id, actor_name, action, entity, entity_id," \
                   " changes, request_id, ip FROM audit WHERE id < $3 "
    const char *sql = entity && entity_id ? AUDIT_COLS "AND entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT $4"
                      : entity            ? AUDIT_COLS "AND entity = $1 ORDER BY id DESC LIMIT $4"
                                          : AUDIT_COLS "ORDER BY id DESC LIMIT $4";
#undef AUDIT_COLS
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (entity)
        db_bind_text(s, 1, entity);
    if (entity && entity_id)
        db_bind_text(s, 2, entity_id);
    db_bind_i64(s, 3, before_id > 0 ? before_id : INT64_MAX);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        audit_entry *e = &out[n];
        memset(e, 0, sizeof *e);
        e->id = db_col_i64(s, 0);
        e->at = db_col_i64(s, 1);
        fx_copy(e->actor_kind, sizeof e->actor_kind, db_col_text(s, 2));
        e->actor_id = db_col_i64(s, 3);
        fx_copy(e->actor_name, sizeof e->actor_name, db_col_text(s, 4));
        fx_copy(e->action, sizeof e->action, db_col_text(s, 5));
        fx_copy(e->entity, sizeof e->entity, db_col_text(s, 6));
        fx_copy(e->entity_id, sizeof e->entity_id, db_col_text(s, 7));
        e->changes = strdup(db_col_text(s, 8));
        fx_copy(e->request_id, sizeof e->request_id, db_col_text(s, 9));
        fx_copy(e->ip, sizeof e->ip, db_col_text(s, 10));
        n++;
    }
    db_done(s);
    return rc < 0 && n == 0 ? rc : n;
}

void audit_entries_free(audit_entry *e, int n)
{
    for (int i = 0; i < n; i++)
        free(e[i].changes);
}
