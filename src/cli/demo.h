/* demo.h — the demo sub-district: places from the seed, synthetic people. */
#ifndef DEMO_H
#define DEMO_H
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

/* A block of people living in one area. */
struct demo_group {
    const char *area;          /* area code they are imported under */
    long people;               /* at scale 1 */
    const char *category;      /* 居民, 企业员工, 流动人口 */
    bool local, employer;
    int age_min, age_max;
    int household_min, household_max;
    int buildings, units, floors; /* 0 buildings: street addresses instead */
    const char *street_prefix;
};

/* The demo's deterministic generator (splitmix64) and the pieces of a synthetic person. */
uint64_t demo_rand(uint64_t *s);
unsigned demo_pick(uint64_t *s, unsigned n); /* 0 .. n-1 */
void demo_name(uint64_t *s, char *out, size_t cap);
void demo_phone(uint64_t *s, char out[12]);
extern const char *const demo_employers[6];

/* Adds about n people in new districts around the seed's: districts, sub-districts,
 * communities, compounds, buildings, units and households of a city, written straight
 * into an empty registry with every person index built once at the end. Prints
 * progress on stderr. 0, or -1 with the reason on stderr. */
int demo_city(db *d, long n, uint64_t seed, long *created);

/* Imports every group (people × scale); *total gets how many were added. 0 or -1. */
int demo_people(db *d, const struct demo_group *groups, int ngroups, double scale, uint64_t seed, long *total);

/* Creates n merchants spread over the streets (area codes). 0 or -1. */
int demo_merchants(db *d, const char *const *streets, int nstreets, long n, uint64_t seed, long *created);

/* ---- the operations day (demo_ops.c, demo_field.c) ---- */
#include "core/actor.h"
#include "util/fx_err.h"

/* One resident, as the registry holds them. */
typedef struct ops_person {
    int64_t id, household_id;
    char id_number[40], name[404];
} ops_person;

/* Up to n residents below area code, from the offset-th on, in registry order; count or -1. */
int demo_residents(db_conn *c, const char *code, int offset, int n, ops_person *out);

/* 翟庄村's entrance checkpoint, a risk-area list and four arrivals (one into home isolation,
 * one with a hardship). 0, or -1 with err and *step naming what failed. */
int demo_checkpoint(db_conn *c, const actor *who, int64_t now, int64_t *checkpoint_id, fx_err *err,
                    const char **step);

#endif
