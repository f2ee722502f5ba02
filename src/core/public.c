/* public.c — the public's view: sites with status, and result lookup. */
#include "core/public.h"

#include "core/area.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"

#include <stdlib.h>
#include <string.h>

int public_sites(db_conn *c, const char *area_code, int64_t now, public_site *out, int max)
{
    const char *path = NULL;
    area a;
    if (area_code && *area_code) {
        int rc = area_get(c, area_code, &a);
        if (rc < 0)
            return -1;
        if (rc != DB_ROW)
            return PUBLIC_NO_AREA;
        path = a.path;
    }
    site *rows = malloc((size_t)max * sizeof *rows);
    if (!rows)
        return -1;
    int n = site_list(c, path, 0, rows, max);
    for (int i = 0; i < n; i++) {
        public_site *p = &out[i];
        memset(p, 0, sizeof *p);
        p->id = rows[i].id;
        fx_copy(p->name, sizeof p->name, rows[i].name);
        fx_copy(p->area_code, sizeof p->area_code, rows[i].area_code);
        p->has_coords = rows[i].has_coords;
        p->lat = rows[i].lat;
        p->lng = rows[i].lng;
        p->opens_min = rows[i].opens_min;
        p->closes_min = rows[i].closes_min;
        p->st = site_status_now(c, &rows[i], now);
    }
    free(rows);
    return n < 0 ? -1 : n;
}

int public_lookup(db_conn *c, const char *id_number, const char *name, public_result *out)
{
    memset(out, 0, sizeof *out);
    /* Only what the answer needs: the public path is the one a city's morning hits. */
    db_stmt *s = db_prepare(c, "SELECT id, name FROM persons WHERE id_number = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, id_number);
    int rc = db_step(s);
    int64_t person_id = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    bool match = rc == DB_ROW && strcmp(db_col_text(s, 1), name) == 0;
    db_done(s);
    if (rc < 0)
        return rc;
    if (!match) /* unknown, or a name that does not match: the same answer */
        return DB_DONE;
    person_mask_name(name, out->name);
    fx_idcard_mask(id_number, out->id_number);
    /* samples has no index on the person alone; (round_id, person_id) answers one
     * seek per round, and rounds are few. */
    s = db_prepare(c, "SELECT s.taken_at, si.name, r.result, r.at FROM samples s"
                      " JOIN sites si ON si.id = s.site_id LEFT JOIN results r ON r.tube_id = s.tube_id"
                      " WHERE s.round_id IN (SELECT id FROM rounds) AND s.person_id = $1"
                      " ORDER BY s.taken_at DESC, s.id DESC LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, person_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->sampled = true;
        out->sampled_at = db_col_i64(s, 0);
        fx_copy(out->site, sizeof out->site, db_col_text(s, 1));
        if (!db_col_null(s, 2)) {
            fx_copy(out->result, sizeof out->result, db_col_text(s, 2));
            out->result_at = db_col_i64(s, 3);
        }
    }
    db_done(s);
    return rc < 0 ? rc : DB_ROW;
}
