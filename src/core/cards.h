/* cards.h — personal code cards for an area's people: who gets one, drawing them
 * (src/print) and the audit entry of each print job. Cards carry the personal
 * code and the masked name, never the ID number. */
#ifndef CARDS_H
#define CARDS_H
#include "core/actor.h"
#include "core/area.h"
#include "print/print.h"

#include <stdbool.h>

/* How many cards the area's subtree needs: people without a smartphone, or everyone with all. */
int cards_count(db_conn *c, const area *a, bool all, long *n);

/* Draws those cards into job, in (area, id) order. *n gets the number drawn. 0 or an FX_ kind with err. */
int cards_render(db_conn *c, const area *a, bool all, print_job *job, long *n, fx_err *err);

/* The one audit entry of a print job (action "print", entity "area"): who printed how many cards, for
 * which area, of whom (no_smartphone or all). On the writer connection. 0 or < 0. */
int cards_audit(db_conn *c, const actor *who, const area *a, bool all, long n);

#endif
