/* cards.c — an area's personal code cards, paged through the persons index. */
#include "core/cards.h"

#include "core/person.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 128 /* persons per read: a person is ~2 KiB */

/* The subtree's path range [lo, hi) as the searches write it. */
static void path_range(const area *a, char lo[FX_AREA_PATH_MAX], char hi[FX_AREA_PATH_MAX])
{
    fx_copy(lo, FX_AREA_PATH_MAX, a->path);
    fx_copy(hi, FX_AREA_PATH_MAX, a->path);
    hi[strlen(hi) - 1] = '0'; /* '/' + 1 */
}

int cards_count(db_conn *c, const area *a, bool all, long *n)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    path_range(a, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM areas a JOIN persons p ON p.area_id = a.id"
                               " WHERE a.path >= $1 AND a.path < $2 AND ($3 = 1 OR (p.flags & $4) <> 0)");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, all);
    db_bind_i64(s, 4, PF_NO_SMARTPHONE);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *n = (long)db_col_i64(s, 0);
    db_done(s);
    return rc == DB_ROW ? 0 : DB_ERR;
}

int cards_render(db_conn *c, const area *a, bool all, print_job *job, long *n, fx_err *err)
{
    person *page = malloc(PAGE * sizeof *page);
    if (!page)
        return fx_fail(err, FX_EINTERNAL, "out_of_memory", "out of memory reading the area's people");
    person_query q = {.area_path = a->path};
    *n = 0;
    int got = 0, rc = 0;
    while (rc == 0 && (got = person_search(c, &q, page, PAGE, err)) > 0) {
        for (int i = 0; i < got && rc == 0; i++) {
            const person *p = &page[i];
            if (!all && !(p->flags & PF_NO_SMARTPHONE))
                continue;
            char masked[PERSON_NAME_MAX * 4 + 1];
            person_mask_name(p->name, masked);
            print_card card = {.code = p->personal_code, .masked_name = masked,
                               .address = *p->address ? p->address : p->area_code};
            rc = print_card_add(job, &card, err);
            if (rc == 0)
                (*n)++;
        }
        q.after_id = page[got - 1].id;
    }
    free(page);
    return rc ? rc : got < 0 ? got : 0;
}

int cards_audit(db_conn *c, const actor *who, const area *a, bool all, long n)
{
    char changes[160];
    snprintf(changes, sizeof changes, "{\"cards\":%ld,\"people\":\"%s\"}", n, all ? "all" : "no_smartphone");
    return audit_record(c, &who->log, "print", "area", a->code, changes);
}
