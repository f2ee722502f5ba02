/* public.h — what the public may see without logging in (contract: Public): the
 * sampling sites of an area with their status and estimated wait, and the latest
 * result of a person who gives both their ID number and their name.
 *
 * A lookup whose name does not match answers exactly as one whose ID number is
 * unknown, so the page never tells whether someone is registered. */
#ifndef PUBLIC_H
#define PUBLIC_H
#include "core/person.h"
#include "core/site.h"

#define PUBLIC_SITES_MAX 500 /* sites in one answer (an area's subtree) */

typedef struct public_site {
    int64_t id;
    char name[SITE_NAME_MAX * 4 + 1];
    char area_code[65];
    bool has_coords;
    double lat, lng;
    int opens_min, closes_min;
    site_status_out st;
} public_site;

/* Sites in the subtree of area_code (NULL or "": every site), by id, with their
 * status at now. Count, PUBLIC_NO_AREA when the area is unknown, or -1 on a store error. */
#define PUBLIC_NO_AREA (-2)
int public_sites(db_conn *c, const char *area_code, int64_t now, public_site *out, int max);

typedef struct public_result {
    char name[PERSON_NAME_MAX * 4 + 1]; /* masked: 张* */
    char id_number[32];                 /* masked: 4101**********1234 */
    bool sampled;                       /* false: no sample on record yet */
    int64_t sampled_at;
    char site[SITE_NAME_MAX * 4 + 1];
    char result[12];                    /* negative, positive, invalid; "" while pending */
    int64_t result_at;
} public_result;

/* The latest sample and its tube's result of the person with this (canonical) ID
 * number, when name matches theirs exactly. DB_ROW, DB_DONE (no such person, or a
 * name that does not match: the same answer), or < 0. */
int public_lookup(db_conn *c, const char *id_number, const char *name, public_result *out);

#endif
