/* collect.c — sites and rounds for a sampling table (collect.h). */
#include "core/collect.h"

#include "core/perm.h"

#include <stdlib.h>
#include <string.h>

int collect_sites(db_conn *c, const principal *p, site *out, int max)
{
    int n = 0;
    if (p->role != ROLE_REGISTRAR) {
        n = site_list(c, p->area_id ? p->area_path : NULL, 0, out, max);
        if (n < 0)
            return n;
    }
    db_stmt *s = db_prepare(c, "SELECT site_id FROM site_staff WHERE user_id = $1 ORDER BY site_id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, p->user_id);
    while (n < max && db_step(s) == DB_ROW) {
        int64_t id = db_col_i64(s, 0);
        bool have = false;
        for (int i = 0; i < n && !have; i++)
            have = out[i].id == id;
        if (!have && site_get(c, id, &out[n]) == DB_ROW)
            n++;
    }
    db_done(s);
    return n;
}

int collect_rounds(db_conn *c, const site *s, int64_t now, collect_round *out, int max)
{
    fx_round *rows = malloc((size_t)max * 4 * sizeof *rows);
    if (!rows)
        return DB_ERR;
    int n = round_list(c, s->area_path, 0, rows, max * 4), k = 0;
    for (int i = 0; i < n && k < max; i++) {
        if (strcmp(rows[i].status, "open") != 0 || rows[i].deadline <= now)
            continue;
        out[k].round = rows[i];
        out[k].pool_size = round_pool_size(c, &rows[i], s->area_path, out[k].risk);
        k++;
    }
    free(rows);
    return n < 0 ? n : k;
}
