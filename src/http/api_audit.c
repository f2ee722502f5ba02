/* api_audit.c — GET /api/v1/audit?entity=KIND&id=ID (admins), newest first. */
#include "http/api.h"

#include <stdlib.h>

static int list_audit(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, 500, &limit, &cursor))
        return HTTP_DONE;
    if (r->who.area_id) /* entries are not bound to areas: only system administrators read them */
        return http_error(r, 403, "outside_area", "the audit log is for system administrators (no area)");
    const char *entity = http_query(r, "entity"), *id = http_query(r, "id");
    if (id && !entity)
        return http_error(r, 400, "missing_entity", "give entity=KIND together with id=ID");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    audit_entry *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = audit_list(c, entity, id, cursor, rows, limit + 1);
    if (n < 0) {
        free(rows);
        return http_error(r, 500, "internal", "could not read the audit log; try again");
    }
    json_t *items = json_array();
    for (int i = 0; i < n && i < limit; i++) {
        const audit_entry *e = &rows[i];
        json_t *changes = json_loads(e->changes ? e->changes : "{}", 0, NULL);
        json_array_append_new(
            items, json_pack("{s:I, s:I, s:{s:s, s:I, s:s}, s:s, s:s, s:s, s:o, s:s, s:s}", "id", (json_int_t)e->id,
                             "at", (json_int_t)e->at, "actor", "kind", e->actor_kind, "id", (json_int_t)e->actor_id,
                             "name", e->actor_name, "action", e->action, "entity", e->entity, "entity_id",
                             e->entity_id, "changes", changes ? changes : json_object(), "request_id",
                             e->request_id, "ip", e->ip));
    }
    int64_t next = n > limit ? rows[limit - 1].id : 0;
    audit_entries_free(rows, n);
    free(rows);
    return http_list(r, items, next);
}

const route api_audit_routes[] = {
    {"GET", "/api/v1/audit", ACT_AUDIT_READ, list_audit, 0, 0},
    {0},
};
