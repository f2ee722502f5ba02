/* merchant.h — merchants on the streets and compounds (八千: 9 streets, 800+
 * merchants), their staff (persons with merchant set), and the party members
 * who look after households (党员联系户). */
#ifndef MERCHANT_H
#define MERCHANT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdint.h>

typedef struct merchant {
    int64_t id, area_id, created_at, updated_at;
    char name[404], licence[164], address[404], contact_name[204], contact_phone[24];
    char area_code[65], area_path[192];
    int staff;
} merchant;

typedef struct merchant_input {
    const char *name, *licence, *area, *address, *contact_name, *contact_phone; /* NULL: unchanged */
} merchant_input;

int merchant_get(db_conn *c, int64_t id, merchant *out);
/* Merchants in the subtree of area_path (name prefix optional), by id after after_id. */
int merchant_list(db_conn *c, const char *area_path, const char *name_prefix, int64_t after_id, merchant *out,
                  int max);
int merchant_create(db_conn *c, const actor *who, const merchant_input *in, merchant *out, fx_err *err);
int merchant_update(db_conn *c, const actor *who, int64_t id, const merchant_input *in, merchant *out, fx_err *err);
int merchant_delete(db_conn *c, const actor *who, int64_t id, fx_err *err);

/* Party-member contact households. */
typedef struct party_contact {
    int64_t member_id, household_id, created_at;
    char member_name[204], household_address[1024], area_code[65];
} party_contact;

int party_contact_add(db_conn *c, const actor *who, int64_t member_id, int64_t household_id, fx_err *err);
int party_contact_remove(db_conn *c, const actor *who, int64_t member_id, int64_t household_id, fx_err *err);
/* By member (member_id != 0) or by household; within scope_path. Count or < 0. */
int party_contact_list(db_conn *c, const char *scope_path, int64_t member_id, int64_t household_id,
                       party_contact *out, int max);

#endif
