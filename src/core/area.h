/* area.h — the area tree: district → subdistrict → community → workstation →
 * compound → building → unit. Codes are unique; each area keeps its path from
 * the root ("/id/id/…/") so scope and subtree queries are prefix ranges. */
#ifndef AREA_H
#define AREA_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

#define AREA_CODE_MAX 64
#define AREA_NAME_MAX 100 /* characters */

typedef struct area {
    int64_t id, parent_id, created_at, updated_at;
    char code[AREA_CODE_MAX + 1];
    char parent_code[AREA_CODE_MAX + 1]; /* "" for a root */
    char name[AREA_NAME_MAX * 4 + 1];
    char kind[16];
    char risk_level[16];
    char path[FX_AREA_PATH_MAX];
} area;

/* Kinds from the top (0) down; -1 when s is not a kind. */
int area_kind_rank(const char *s);
bool area_risk_valid(const char *s);
/* Codes: 1-64 of A-Z a-z 0-9 - _ . */
bool area_code_valid(const char *s);

/* DB_ROW with *out filled, DB_DONE when there is no such area, or < 0. */
int area_get(db_conn *c, const char *code, area *out);
int area_get_id(db_conn *c, int64_t id, area *out);
/* The child of parent_id named name (the first by code when several are). */
int area_get_child(db_conn *c, int64_t parent_id, const char *name, area *out);

/* Lists areas in scope_path's subtree (NULL: all), or only the direct children of
 * parent_id when it is non-zero; ids greater than after_id, ordered by id.
 * Returns how many were written to out (at most max), or < 0. */
int area_list(db_conn *c, const char *scope_path, int64_t parent_id, int64_t after_id, area *out, int max);

typedef struct area_input {
    const char *code, *name, *kind, *parent, *risk_level; /* parent: code or NULL for a root */
} area_input;

/* Creates an area under its parent; refuses codes in use, kinds not below the
 * parent's, parents outside the actor's scope. Audited. 0 or an FX_ kind. */
int area_create(db_conn *c, const actor *who, const area_input *in, area *out, fx_err *err);

/* Changes name, risk level and/or parent (NULL fields stay). Moving an area moves
 * its subtree. Audited with the fields that changed. */
int area_update(db_conn *c, const actor *who, const char *code, const area_input *in, area *out, fx_err *err);

/* Deletes an area with no children and nothing that refers to it. Audited. */
int area_delete(db_conn *c, const actor *who, const char *code, fx_err *err);

#endif
