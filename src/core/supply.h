/* supply.h — supplies (物资): items, stock per warehouse and site kept as a balance
 * changed only with an append-only ledger row (receipt, transfer, consumption,
 * adjustment), tomorrow's forecast per site, the stock clerk's pick lists and the
 * shortfalls flagged before the round starts.
 *
 * Forecast, per site (every number is traceable: a line says where its figures came from):
 *   headcount  = samples taken at the site in its last round (the newest round with tubes
 *                there), else the population of the areas it serves (its own area when it
 *                lists none; an area served by n sites counts 1/n toward each);
 *   by risk    = the headcount split over the risk levels of the served areas in proportion
 *                to their population, each share rounded up;
 *   tubes      = per risk level ceil(share / pool size of that level in the round's policy),
 *                one item per pool size;
 *   swabs      = headcount; boxes = ceil(tubes / tubes_per_box);
 *   PPE        = (ceil(headcount / people_per_sampler) samplers + one registrar per table)
 *                × ppe_per_staff;
 *   need       = ceil(each × (1 + wastage)).
 * Pick list: a site is supplied by the warehouse on the nearest area at or above its own;
 * to pick = need − the site's stock (not below 0); a warehouse whose stock of an item is below
 * the total to pick has a shortfall. */
#ifndef SUPPLY_H
#define SUPPLY_H
#include "core/actor.h"
#include "core/round.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- items ---- */
typedef struct supply_item {
    int64_t id;
    int pool_size; /* tubes: 1, 5, 10, 20; else 0 */
    char code[24], name[161], kind[16], unit[24], per_sample[161];
} supply_item;
#define SUPPLY_ITEMS_MAX 64

int supply_item_list(db_conn *c, supply_item *out, int max);
int supply_item_by_code(db_conn *c, const char *code, supply_item *out); /* DB_ROW / DB_DONE / < 0 */
/* Adds an item (code: 1-24 of a-z, 0-9, '-'; kind as in the table; a tube needs its pool size,
 * nothing else has one). 409 item_exists for a code in use. Audited. */
int supply_item_create(db_conn *c, const actor *who, const supply_item *in, supply_item *out, fx_err *err);

/* ---- locations ---- */
typedef struct supply_location {
    int64_t id, area_id, site_id, created_at; /* site_id 0: a warehouse */
    char kind[12], name[401], area_code[65], area_path[FX_AREA_PATH_MAX];
} supply_location;

/* A warehouse on an area of the actor's scope. Audited. */
int supply_warehouse_create(db_conn *c, const actor *who, const char *name, const char *area, supply_location *out,
                            fx_err *err);
int supply_location_get(db_conn *c, int64_t id, supply_location *out); /* DB_ROW / DB_DONE / < 0 */
/* Warehouses and site locations in scope_path's subtree (NULL: all), warehouses first. Count or < 0. */
int supply_location_list(db_conn *c, const char *scope_path, supply_location *out, int max);

/* ---- stock and movements ---- */
typedef struct supply_stock_row {
    int64_t location_id, item_id, qty, updated_at;
    char item_code[24];
} supply_stock_row;
/* The balance of every item held at a location (items never held: absent). Count or < 0. */
int supply_stock_at(db_conn *c, int64_t location_id, supply_stock_row *out, int max);
/* The same for every location in scope_path's subtree (NULL: all) in one statement, by location. */
int supply_stock_in(db_conn *c, const char *scope_path, supply_stock_row *out, int max);

/* A place in a movement: a location id, or a site id (its location made on first use). */
typedef struct supply_place {
    int64_t location_id, site_id;
} supply_place;

typedef struct supply_move_input {
    const char *kind; /* receipt, transfer, consumption, adjustment */
    const char *item; /* item code */
    supply_place from, to; /* receipt: to; consumption: from; transfer: both; adjustment: to */
    int64_t qty;           /* > 0; adjustment: a signed correction, not 0 */
    const char *note;
} supply_move_input;

typedef struct supply_movement {
    int64_t id, batch_id, location_id, item_id, delta, balance, created_at;
    char kind[16], item_code[24], location_name[401], note[401], created_by[64];
} supply_movement;

/* Records a movement: every leg's balance and ledger row in the caller's transaction, so a
 * transfer's two legs land together or not at all. Stock never goes below zero: refused
 * with the item, the location and the shortfall named (422 insufficient_stock). Both ends
 * must lie in the actor's scope. Audited. legs gets 1 or 2 rows. 0 or an FX_ kind. */
int supply_move(db_conn *c, const actor *who, const supply_move_input *in, supply_movement legs[2], int *nlegs,
                fx_err *err);
/* A location's ledger, newest first, ids below before_id (0: from the newest). Count or < 0. */
int supply_movement_list(db_conn *c, int64_t location_id, int64_t before_id, supply_movement *out, int max);

/* ---- settings ---- */
typedef struct supply_settings {
    double wastage_pct;
    int tubes_per_box, people_per_sampler, ppe_per_staff;
    int64_t updated_at;
    char updated_by[64];
} supply_settings;

int supply_settings_get(db_conn *c, supply_settings *out);
/* Replaces the settings (admins and officers; audited). Values checked: wastage 0-100 %. */
int supply_settings_set(db_conn *c, const actor *who, const supply_settings *in, fx_err *err);

/* ---- forecast arithmetic (pure, no store) ---- */
typedef struct supply_calc_in {
    int64_t samples;          /* last round's samples at the site; < 0: no history */
    double pop[RISK__COUNT];  /* population served at each risk level (shares of shared areas) */
    int site_risk;            /* RISK_*: the site's own area, for a headcount with no population behind it */
    int pool[RISK__COUNT];    /* the round's pool size per risk level */
    int tables;
    const supply_settings *set;
} supply_calc_in;

enum { SUPPLY_F_SWAB, SUPPLY_F_TUBE1, SUPPLY_F_TUBE5, SUPPLY_F_TUBE10, SUPPLY_F_TUBE20, SUPPLY_F_BOX, SUPPLY_F_PPE,
       SUPPLY_F__COUNT };
/* The item code of each forecast line ("swab", "tube-10", …). */
const char *supply_forecast_code(int f);

typedef struct supply_calc_out {
    int64_t headcount;               /* what the forecast is for */
    bool from_history;               /* headcount from the last round, else from the population */
    int64_t heads[RISK__COUNT];      /* the headcount's share per risk level, rounded up */
    int64_t base[SUPPLY_F__COUNT];   /* before wastage */
    int64_t need[SUPPLY_F__COUNT];   /* after wastage, rounded up */
    int64_t samplers, staff;
    char why[SUPPLY_F__COUNT][200];  /* the arithmetic, in words */
} supply_calc_out;

void supply_calc(const supply_calc_in *in, supply_calc_out *out);
/* ceil(x × (1 + pct/100)), exact for whole and decimal percentages. */
int64_t supply_with_wastage(int64_t x, double pct);

/* ---- forecast and pick lists over a scope ---- */
typedef struct supply_site_forecast {
    int64_t site_id, round_id, warehouse_id; /* round_id: the last round's (0: no history); warehouse 0: none */
    int64_t samples;                 /* in that round; -1: no history */
    int tables, site_risk;           /* site_risk: RISK_* of the site's own area */
    char site_name[401], area_code[65], warehouse_name[401];
    supply_calc_out calc;
    int64_t stock[SUPPLY_F__COUNT];  /* at the site now */
    int64_t pick[SUPPLY_F__COUNT];   /* need − stock, not below 0 */
} supply_site_forecast;

typedef struct supply_forecast {
    fx_round policy;             /* the round whose pool policy applies (id 0: the defaults) */
    supply_settings set;
    int nsites;
    supply_site_forecast *sites; /* by site id */
} supply_forecast;

/* The forecast for every open or paused site in scope_path's subtree (NULL: all), with
 * round_id's pool policy (0: the newest round in scope, else the defaults). A handful of
 * set-based statements, whatever the number of sites. 0 or an FX_ kind; free with
 * supply_forecast_free. */
int supply_forecast_run(db_conn *c, const char *scope_path, int64_t round_id, supply_forecast *out, fx_err *err);
void supply_forecast_free(supply_forecast *f);

/* One warehouse's pick list totals: what it must send out and what it holds. */
typedef struct supply_pick_total {
    int64_t warehouse_id;
    char warehouse_name[401], area_code[65];
    int64_t pick[SUPPLY_F__COUNT], stock[SUPPLY_F__COUNT], shortfall[SUPPLY_F__COUNT];
    int sites;
} supply_pick_total;

/* Totals per warehouse of f (sites with no warehouse: warehouse_id 0). Count or < 0. */
int supply_pick_totals(db_conn *c, const supply_forecast *f, supply_pick_total *out, int max);

/* Raises an alert to the officers of each warehouse's area for each item short, once per
 * round, warehouse and item (f must have a round). Count of new alerts or < 0. */
int supply_flag_shortfalls(db_conn *c, const supply_forecast *f, const supply_pick_total *t, int n);
/* The clock's check: for each open round starting within the next day, the forecast over its
 * owning area and its shortfalls flagged. Count of new alerts or < 0. */
int supply_check_rounds(db_conn *c, int64_t now);

#endif
