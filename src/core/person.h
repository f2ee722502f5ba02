/* person.h — the registry of people and households: who lives where.
 *
 * Persons are unique by ID number (mainland ID numbers are validated and kept
 * in their 18-character form). Every person belongs to an area (the unit or
 * compound of their household) and is seen only by users whose scope covers
 * it. Searches are all served by indexes: exact name or name prefix, full ID
 * number, ID last 4 within one's area, phone (full or last 4), address prefix. */
#ifndef PERSON_H
#define PERSON_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

#define PERSON_NAME_MAX 50 /* characters */

enum person_flag {
    PF_ELDERLY = 1 << 0,
    PF_ALONE = 1 << 1,
    PF_NO_SMARTPHONE = 1 << 2,
    PF_CHRONIC = 1 << 3,
    PF_PREGNANT = 1 << 4,
    PF_DISABLED = 1 << 5,
};
#define PF_ALL 63u

/* Flag names as the API and CSV use them ("elderly", "alone", …), in bit order. */
extern const char *const person_flag_names[6];
/* Bit for a flag name (English or Chinese), 0 when unknown. */
unsigned person_flag_parse(const char *s);

typedef struct person {
    int64_t id, area_id, household_id, merchant_id, import_id, created_at, updated_at;
    char name[PERSON_NAME_MAX * 4 + 1];
    char id_type[12];
    char id_number[40];
    int birth_date; /* yyyymmdd or 0 */
    char sex[2];
    char phone[24];
    char category[16];
    char employer[401];
    unsigned flags;
    bool party_member, walk_in;
    char personal_code[16];
    char area_code[65];
    char area_path[192];
    char address[1024]; /* household address (names of compound, building, unit, room) */
} person;

typedef struct person_input {
    /* NULL: not given (create: default; update: unchanged). "" clears optional text. */
    const char *name, *id_type, *id_number, *phone, *category, *employer;
    const char *area;      /* area code of the household (unit, building or compound) */
    const char *room;      /* with area: the household's room */
    const char *address;   /* a free address, when there is no unit */
    int64_t household_id;  /* instead of area+room: an existing household (0: not given) */
    int64_t merchant_id;   /* -1: clear, 0: not given */
    long flags;            /* -1: not given */
    int party_member;      /* -1: not given */
    int walk_in;           /* -1: not given */
} person_input;

#define PERSON_INPUT_NONE {.flags = -1, .party_member = -1, .walk_in = -1}

/* Normalised fields of an input, ready to store. */
typedef struct person_norm {
    char name[PERSON_NAME_MAX * 4 + 1];
    char id_type[12];
    char id_number[40];
    char id_last4[8];
    int birth_date;
    char sex[2];
    char phone[24];
    char phone_rev[24];
    char category[16];
    char employer[401];
} person_norm;

/* Checks and normalises the fields present in in (all required ones when
 * creating). On failure fills err naming the field; 0 or FX_EINVAL. */
int person_normalize(const person_input *in, bool create, person_norm *out, fx_err *err);

int person_get(db_conn *c, int64_t id, person *out);                   /* DB_ROW / DB_DONE / < 0 */
int person_get_by_number(db_conn *c, const char *id_number, person *out);
int person_get_by_code(db_conn *c, const char *personal_code, person *out);

/* A new personal code for a printed card (11 characters, never the ID number). */
void person_new_code(char out[16]);
/* true when a person already carries this personal code. */
bool person_code_taken(db_conn *c, const char *code);

int person_create(db_conn *c, const actor *who, const person_input *in, person *out, fx_err *err);
int person_update(db_conn *c, const actor *who, int64_t id, const person_input *in, person *out, fx_err *err);
int person_delete(db_conn *c, const actor *who, int64_t id, fx_err *err);

typedef struct person_query {
    const char *q;         /* free text: picks the search by its shape */
    const char *name, *id_number, *phone, *address; /* explicit searches */
    const char *scope_path;/* NULL: everything (admin) */
    int64_t area_id;       /* list an area's subtree (with area_path) */
    const char *area_path;
    int64_t household_id;
    int64_t merchant_id;
    int64_t after_id;      /* paging for area/household lists */
} person_query;

/* Runs the search the query asks for; writes up to max persons, returns the
 * count or < 0. Searches by name/ID/phone/address return at most max matches
 * (no paging); area and household listings page by id. */
int person_search(db_conn *c, const person_query *q, person *out, int max, fx_err *err);

/* Masks for roles that may not see personal data. */
void person_mask_id(const char *id_number, char out[40]);
void person_mask_phone(const char *phone, char out[24]);
void person_mask_name(const char *name, char out[PERSON_NAME_MAX * 4 + 1]);

/* ---- households ---- */
typedef struct household {
    int64_t id, area_id, created_at, updated_at;
    char room[84];
    char address[401];
    char address_key[1024];
    char area_code[65];
    char area_path[192];
    int members;
} household;

int household_get(db_conn *c, int64_t id, household *out);
/* The household at (area, room, address), created when missing. *created says which. */
int household_ensure(db_conn *c, const actor *who, int64_t area_id, const char *room, const char *address,
                     household *out, bool *created, fx_err *err);
int household_list(db_conn *c, int64_t area_id, const char *area_path, int64_t after_id, household *out, int max);
int household_delete(db_conn *c, const actor *who, int64_t id, fx_err *err);

/* Indexes of persons (the same as migration 0002 defines). A first load into an
 * empty registry drops them and builds them once at the end: building an index
 * from sorted rows costs a fraction of keeping it current row by row. The two
 * unique ones (ID number, personal code) are dropped only when unique_too: a
 * load that does not check for duplicates itself needs them. */
int person_indexes_drop(db_conn *c, bool unique_too);
int person_indexes_ensure(db_conn *c); /* CREATE INDEX IF NOT EXISTS: safe to repeat */

/* ---- counters: population by area, kept current as data changes ---- */
typedef struct area_delta {
    int64_t persons, households, merchants, floating, employees, vulnerable;
} area_delta;
/* Adds d to the area with path and to every area above it. */
int area_counts_add(db_conn *c, const char *area_path, const area_delta *d);

#endif
