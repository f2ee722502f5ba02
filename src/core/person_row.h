/* person_row.h — the one SELECT list of a person and its reader, shared by
 * person.c and person_search.c (internal to src/core). */
#ifndef PERSON_ROW_H
#define PERSON_ROW_H
#include "core/person.h"

#define PERSON_COLUMNS                                                                                       \
    "SELECT p.id, p.area_id, COALESCE(p.household_id, 0), COALESCE(p.merchant_id, 0),"                        \
    " COALESCE(p.import_id, 0), p.created_at, p.updated_at, p.name, p.id_type, p.id_number,"                  \
    " COALESCE(p.birth_date, 0), p.sex, p.phone, p.category, p.employer, p.flags, p.party_member, p.walk_in,"  \
    " p.personal_code, a.code, a.path, COALESCE(h.address_key, '')"
/* persons with their area and household */
#define PERSON_SELECT                                                                                        \
    PERSON_COLUMNS " FROM persons p JOIN areas a ON a.id = p.area_id LEFT JOIN households h ON h.id = p.household_id "

/* Reads a row of PERSON_COLUMNS into p. */
void person_read_row(db_stmt *s, person *p);

#endif
