/* demo_city.c — a city-sized registry for benchmarks (`demo --people N`): new districts
 * around the seed's 航空港区, filled compound by compound, written straight into an
 * empty registry. The generator guarantees unique ID numbers and personal codes, so
 * the load drops every person index and builds each once at the end, where SQLite
 * sorts instead of inserting row by row. One thread generates the next chunk while
 * the writer stores the last one. */
#include "cli/demo.h"

#include "core/audit.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the shape of the city ---- */

static const struct {
    const char *code, *name;
} districts[] = {{"ZY", "中原区"}, {"EQ", "二七区"},   {"GC", "管城回族区"}, {"JS", "金水区"}, {"SJ", "上街区"},
                 {"HJ", "惠济区"}, {"ZD", "郑东新区"}, {"GX", "高新区"},     {"JK", "经开区"}, {"XZ", "新郑市"},
                 {"XY", "荥阳市"}, {"XM", "新密市"},   {"DF", "登封市"},     {"ZM", "中牟县"}, {"GY", "巩义市"}};
enum { NDISTRICTS = sizeof districts / sizeof *districts };
static const char *const compound_names[] = {"幸福家园", "阳光花园", "锦绣华庭", "金色港湾", "绿城小区",
                                             "建业小区", "怡和苑",   "春天里",   "正商城",   "紫荆苑"};
enum {
    BUILDINGS = 8, UNITS = 2, FLOORS = 12, ROOMS = 4, /* a compound: 768 households */
    PEOPLE_PER_COMPOUND = 2112,                      /* 768 households of 2.75 people on average */
    COMPOUNDS_PER_COMMUNITY = 3,
    COMMUNITIES_PER_SUBDISTRICT = 10,
};
/* Household sizes 1-5: 15%, 30%, 30%, 15%, 10% (in twentieths). */
static const unsigned char household_size[20] = {1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5};
/* Region codes of the city's people: none is used by the seed's groups (demo_people.c),
 * so their ID numbers cannot meet the city's. */
static const char *const regions[] = {"410106", "410108", "410182", "410183", "410185", "410171", "410172",
                                      "410173", "411102", "411202", "410302", "410402", "410502", "410602"};
enum { NREGIONS = sizeof regions / sizeof *regions, MAX_AGE = 93, DAYS = 365 };

/* ---- generated rows ---- */

struct c_area { /* every area made, in creation order: parents before children */
    int64_t id;
    int parent; /* index, -1 for a district */
    long persons, households, floating, employees, vulnerable;
};

struct c_new_area { /* an area to insert with the chunk that first uses it (the writer
                     * reads only these: the generator may move the area list meanwhile) */
    int64_t id, parent_id; /* parent 0 for a district */
    const char *kind;
    char code[40], name[64], path[200];
};

struct c_household {
    int64_t id, area_id, top;
    char room[8], key[4 * 64 + 8];
};

struct c_person {
    int64_t id, top, area_id, household;
    char name[16], idn[19], last4[5], phone[12], phone_rev[12], code[13], sex[2];
    int birth, flags;
    const char *category, *employer;
};

enum { CHUNK = 65536, CHUNK_AREAS = 1024 };

struct chunk {
    struct c_new_area *areas; /* CHUNK_AREAS */
    struct c_household *hhs;  /* CHUNK */
    struct c_person *ps;      /* CHUNK */
    int nareas, nhh, np;
};

/* One level of the tree the generator is in: the area's index, code, path and name. */
struct level {
    int idx;
    char code[40], path[200], name[64];
};

struct city {
    uint64_t rng, key;
    long want, made;
    int64_t now;
    struct c_area *areas;
    int nareas, cap_areas;
    unsigned short *serials; /* next sequence number per (region, age, day of year) */
    uint64_t codes;          /* personal codes handed out */
    long compound;           /* compounds made */
    long households;         /* households made */
    long per_district;       /* compounds per district */
    struct level lv[6];      /* district, sub-district, community, compound, building, unit */
    int64_t top;
    /* the two chunks and whose turn it is */
    struct chunk chunks[2];
    bool full[2], done, failed;
    char why[200]; /* the database's words when it refused a chunk */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

enum { L_DISTRICT, L_SUB, L_COMM, L_COMPOUND, L_BUILDING, L_UNIT };
static const char *const level_kind[] = {"district", "subdistrict", "community", "compound", "building", "unit"};

/* Opens a new area at level l below level l-1; false when out of room. */
static bool open_level(struct city *cy, struct chunk *ch, int l, const char *code, const char *name)
{
    if (ch->nareas == CHUNK_AREAS)
        return false;
    if (cy->nareas == cy->cap_areas) {
        int cap = cy->cap_areas ? cy->cap_areas * 2 : 4096;
        struct c_area *a = realloc(cy->areas, (size_t)cap * sizeof *a);
        if (!a)
            return false;
        cy->areas = a;
        cy->cap_areas = cap;
    }
    int idx = cy->nareas++;
    struct c_area *a = &cy->areas[idx];
    memset(a, 0, sizeof *a);
    a->id = fx_id_next();
    a->parent = l ? cy->lv[l - 1].idx : -1;
    struct level *v = &cy->lv[l], up = {0};
    if (l)
        up = cy->lv[l - 1];
    v->idx = idx;
    int cn = l ? snprintf(v->code, sizeof v->code, "%s-%s", up.code, code)
               : snprintf(v->code, sizeof v->code, "%s", code);
    int pn = snprintf(v->path, sizeof v->path, "%s%lld/", l ? up.path : "/", (long long)a->id);
    if (cn >= (int)sizeof v->code || pn >= (int)sizeof v->path) /* cannot happen with six levels */
        return false;
    fx_copy(v->name, sizeof v->name, name);
    if (l == L_DISTRICT)
        cy->top = a->id;
    struct c_new_area *na = &ch->areas[ch->nareas++];
    na->id = a->id;
    na->parent_id = l ? cy->areas[up.idx].id : 0;
    na->kind = level_kind[l];
    fx_copy(na->code, sizeof na->code, v->code);
    fx_copy(na->name, sizeof na->name, name);
    fx_copy(na->path, sizeof na->path, v->path);
    return true;
}

/* The next compound, with the district, sub-district and community it opens. */
static bool next_compound(struct city *cy, struct chunk *ch)
{
    long k = cy->compound++;
    long d = k / cy->per_district, in_d = k % cy->per_district;
    if (d >= NDISTRICTS) { /* more people than planned for: the last district grows */
        d = NDISTRICTS - 1;
        in_d = k - (NDISTRICTS - 1) * cy->per_district;
    }
    long sub = in_d / (COMPOUNDS_PER_COMMUNITY * COMMUNITIES_PER_SUBDISTRICT);
    long comm = in_d / COMPOUNDS_PER_COMMUNITY % COMMUNITIES_PER_SUBDISTRICT;
    long q = in_d % COMPOUNDS_PER_COMMUNITY;
    char code[24], name[64];
    if (k == 0 || (in_d == 0 && d == k / cy->per_district)) {
        if (!open_level(cy, ch, L_DISTRICT, districts[d].code, districts[d].name))
            return false;
    }
    if (in_d % (COMPOUNDS_PER_COMMUNITY * COMMUNITIES_PER_SUBDISTRICT) == 0 || k == 0) {
        snprintf(code, sizeof code, "S%02ld", sub + 1);
        snprintf(name, sizeof name, "%s第%ld街道", districts[d].name, sub + 1);
        if (!open_level(cy, ch, L_SUB, code, name))
            return false;
    }
    if (q == 0 || k == 0) {
        snprintf(code, sizeof code, "C%ld", comm + 1);
        snprintf(name, sizeof name, "第%ld社区", comm + 1);
        if (!open_level(cy, ch, L_COMM, code, name))
            return false;
    }
    snprintf(code, sizeof code, "Q%ld", q + 1);
    snprintf(name, sizeof name, "%s%ld期", compound_names[k % 10], k / 10 % 50 + 1);
    return open_level(cy, ch, L_COMPOUND, code, name);
}

/* A bijection on 60 bits (a 4-round Feistel network keyed by the seed): distinct
 * counters give distinct personal codes, which still look random. */
static uint64_t scramble(uint64_t key, uint64_t x)
{
    uint32_t l = (uint32_t)(x >> 30) & 0x3fffffffu, r = (uint32_t)x & 0x3fffffffu;
    for (int i = 0; i < 4; i++) {
        uint64_t s = key + (uint64_t)i * 0x9e3779b97f4a7c15ull + r;
        uint32_t f = (uint32_t)demo_rand(&s) & 0x3fffffffu;
        uint32_t t = r;
        r = l ^ f;
        l = t;
    }
    return (uint64_t)l << 30 | r;
}

static void personal_code(struct city *cy, char out[13])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* as person_new_code */
    uint64_t v = scramble(cy->key, cy->codes++);
    for (int i = 11; i >= 0; i--, v >>= 5)
        out[i] = alphabet[v & 31];
    out[12] = '\0';
}

/* A unique ID number: region, birth date, a sequence number unique per (region,
 * birth date) (odd for men), and the GB 11643 check character. */
static bool id_number(struct city *cy, int age, struct c_person *p)
{
    for (int tries = 0; tries < DAYS; tries++) {
        unsigned r = demo_pick(&cy->rng, NREGIONS), day = demo_pick(&cy->rng, DAYS);
        unsigned short *seq = &cy->serials[((size_t)r * MAX_AGE + (size_t)age) * DAYS + day];
        if (*seq >= 1000)
            continue; /* that day is full in that region: another one */
        static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int month = 0, d = (int)day;
        while (d >= mdays[month])
            d -= mdays[month++];
        int year = 2025 - age; /* born by last year: no birth date in the future */
        /* the k-th person of a (region, day) gets a scattered number, so last-4 searches
         * meet as many people as they would in a real registry: 389 is coprime to 1000 */
        size_t slot = ((size_t)r * MAX_AGE + (size_t)age) * DAYS + day;
        unsigned n = (unsigned)((*seq)++ * 389u + slot * 7919u) % 1000u;
        char buf[40];
        snprintf(buf, sizeof buf, "%s%04d%02d%02d%03u", regions[r], year, month + 1, d + 1, n);
        memcpy(p->idn, buf, 17);
        p->idn[17] = fx_idcard_check_char(p->idn);
        p->idn[18] = '\0';
        p->birth = year * 10000 + (month + 1) * 100 + d + 1;
        fx_copy(p->sex, sizeof p->sex, n % 2 ? "M" : "F");
        fx_copy(p->last4, sizeof p->last4, p->idn + 14);
        return true;
    }
    return false;
}

static void make_person(struct city *cy, const struct c_household *h, struct c_person *p, int unit)
{
    p->id = fx_id_next();
    p->top = h->top;
    p->area_id = h->area_id;
    p->household = h->id;
    demo_name(&cy->rng, p->name, sizeof p->name);
    int age = (int)demo_pick(&cy->rng, MAX_AGE);
    if (!id_number(cy, age, p))
        cy->failed = true;
    demo_phone(&cy->rng, p->phone);
    size_t n = strlen(p->phone);
    for (size_t i = 0; i < n; i++)
        p->phone_rev[i] = p->phone[n - 1 - i];
    p->phone_rev[n] = '\0';
    unsigned kind = demo_pick(&cy->rng, 100);
    p->category = age >= 18 && age < 60 && kind < 15 ? "employee" : kind >= 92 ? "floating" : "resident";
    p->employer = !strcmp(p->category, "employee") ? demo_employers[demo_pick(&cy->rng, 6)] : "";
    p->flags = 0;
    if (age >= 70)
        p->flags |= PF_ELDERLY | (demo_pick(&cy->rng, 4) == 0 ? PF_ALONE : 0);
    if (age >= 75 && demo_pick(&cy->rng, 2) == 0)
        p->flags |= PF_NO_SMARTPHONE;
    if (demo_pick(&cy->rng, 60) == 0)
        p->flags |= PF_CHRONIC;
    personal_code(cy, p->code);
    struct c_area *a = &cy->areas[unit];
    a->persons++;
    a->floating += !strcmp(p->category, "floating");
    a->employees += !strcmp(p->category, "employee");
    a->vulnerable += p->flags != 0;
}

/* Fills ch with the next people: whole households, up to CHUNK people. Returns false
 * when the city is complete. */
static bool fill(struct city *cy, struct chunk *ch)
{
    ch->nareas = ch->nhh = ch->np = 0;
    static const int per_compound = BUILDINGS * UNITS * FLOORS * ROOMS;
    while (!cy->failed && cy->made < cy->want && ch->np + 5 <= CHUNK && ch->nhh < CHUNK &&
           ch->nareas + 8 < CHUNK_AREAS) {
        /* the household counter decides where the next household is, at every level */
        long in_q = cy->households % per_compound;
        int b = (int)(in_q / (UNITS * FLOORS * ROOMS)), u = (int)(in_q / (FLOORS * ROOMS) % UNITS);
        int floor = (int)(in_q / ROOMS % FLOORS), room = (int)(in_q % ROOMS);
        char code[16], name[32];
        /* the loop condition leaves room for the 6 areas a household can open:
         * open_level fails only when memory does */
        bool ok = in_q || next_compound(cy, ch);
        if (ok && in_q % (UNITS * FLOORS * ROOMS) == 0) {
            snprintf(code, sizeof code, "B%d", b + 1);
            snprintf(name, sizeof name, "%d号楼", b + 1);
            ok = open_level(cy, ch, L_BUILDING, code, name);
        }
        if (ok && in_q % (FLOORS * ROOMS) == 0) {
            snprintf(code, sizeof code, "U%d", u + 1);
            snprintf(name, sizeof name, "%d单元", u + 1);
            ok = open_level(cy, ch, L_UNIT, code, name);
        }
        if (!ok) {
            cy->failed = true;
            break;
        }
        cy->households++;
        struct c_household *h = &ch->hhs[ch->nhh++];
        h->id = fx_id_next();
        h->area_id = cy->areas[cy->lv[L_UNIT].idx].id;
        h->top = cy->top;
        snprintf(h->room, sizeof h->room, "%d%02d", floor + 1, room + 1);
        snprintf(h->key, sizeof h->key, "%s%s%s%s", cy->lv[L_COMPOUND].name, cy->lv[L_BUILDING].name,
                 cy->lv[L_UNIT].name, h->room);
        cy->areas[cy->lv[L_UNIT].idx].households++;
        int size = household_size[demo_pick(&cy->rng, 20)];
        for (int i = 0; i < size && cy->made < cy->want; i++, cy->made++)
            make_person(cy, h, &ch->ps[ch->np++], cy->lv[L_UNIT].idx);
    }
    return ch->np > 0 || ch->nareas > 0;
}

/* ---- on the writer ---- */

struct store_job {
    struct city *cy;
    struct chunk *ch;
};

static int store_rows(db_conn *c, void *arg)
{
    struct store_job *j = arg;
    struct city *cy = j->cy;
    struct chunk *ch = j->ch;
    db_stmt *s = db_prepare(c, "INSERT INTO areas (id, code, name, kind, parent_id, path, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $7)");
    if (!s)
        return DB_ERR;
    int rc = DB_DONE;
    for (int i = 0; i < ch->nareas && rc == DB_DONE; i++) {
        const struct c_new_area *na = &ch->areas[i];
        db_bind_i64(s, 1, na->id);
        db_bind_text_ref(s, 2, na->code);
        db_bind_text_ref(s, 3, na->name);
        db_bind_text_ref(s, 4, na->kind);
        if (na->parent_id)
            db_bind_i64(s, 5, na->parent_id);
        else
            db_bind_null(s, 5);
        db_bind_text_ref(s, 6, na->path);
        db_bind_i64(s, 7, cy->now);
        rc = db_step(s);
        db_reset(s);
    }
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    s = db_prepare(c, "INSERT INTO households (id, top_area_id, area_id, room, address, address_key, created_at,"
                      " updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, $6)");
    if (!s)
        return DB_ERR;
    for (int i = 0; i < ch->nhh && rc == DB_DONE; i++) {
        const struct c_household *h = &ch->hhs[i];
        db_bind_i64(s, 1, h->id);
        db_bind_i64(s, 2, h->top);
        db_bind_i64(s, 3, h->area_id);
        db_bind_text_ref(s, 4, h->room);
        db_bind_text_ref(s, 5, h->key);
        db_bind_i64(s, 6, cy->now);
        rc = db_step(s);
        db_reset(s);
    }
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    s = db_prepare(c, "INSERT INTO persons (id, top_area_id, area_id, household_id, name, id_type, id_number, id_last4,"
                      " birth_date, sex, phone, phone_rev, category, employer, flags, personal_code, created_at,"
                      " updated_at) VALUES ($1, $2, $3, $4, $5, 'id_card', $6, $7, $8, $9, $10, $11, $12, $13, $14,"
                      " $15, $16, $16)");
    if (!s)
        return DB_ERR;
    for (int i = 0; i < ch->np && rc == DB_DONE; i++) {
        const struct c_person *p = &ch->ps[i];
        db_bind_i64(s, 1, p->id);
        db_bind_i64(s, 2, p->top);
        db_bind_i64(s, 3, p->area_id);
        db_bind_i64(s, 4, p->household);
        db_bind_text_ref(s, 5, p->name);
        db_bind_text_ref(s, 6, p->idn);
        db_bind_text_ref(s, 7, p->last4);
        db_bind_i64(s, 8, p->birth);
        db_bind_text_ref(s, 9, p->sex);
        db_bind_text_ref(s, 10, p->phone);
        db_bind_text_ref(s, 11, p->phone_rev);
        db_bind_text_ref(s, 12, p->category);
        db_bind_text_ref(s, 13, p->employer);
        db_bind_i64(s, 14, p->flags);
        db_bind_text_ref(s, 15, p->code);
        db_bind_i64(s, 16, cy->now);
        rc = db_step(s);
        db_reset(s);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static int store_chunk(db_conn *c, void *arg)
{
    int rc = store_rows(c, arg);
    if (rc != 0)
        fx_copy(((struct store_job *)arg)->cy->why, sizeof ((struct store_job *)arg)->cy->why, db_errmsg(c));
    return rc;
}

/* Every area's counts include its subtree: children were made after their parents,
 * so one pass backwards adds each into its parent. */
static int store_counts(db_conn *c, void *arg)
{
    struct city *cy = arg;
    for (int i = cy->nareas - 1; i >= 0; i--) {
        const struct c_area *a = &cy->areas[i];
        if (a->parent >= 0) {
            struct c_area *p = &cy->areas[a->parent];
            p->persons += a->persons;
            p->households += a->households;
            p->floating += a->floating;
            p->employees += a->employees;
            p->vulnerable += a->vulnerable;
        }
    }
    db_stmt *s = db_prepare(c, "INSERT INTO area_counts (area_id, persons, households, floating, employees,"
                               " vulnerable) VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return DB_ERR;
    int rc = DB_DONE;
    for (int i = 0; i < cy->nareas && rc == DB_DONE; i++) {
        const struct c_area *a = &cy->areas[i];
        db_bind_i64(s, 1, a->id);
        db_bind_i64(s, 2, a->persons);
        db_bind_i64(s, 3, a->households);
        db_bind_i64(s, 4, a->floating);
        db_bind_i64(s, 5, a->employees);
        db_bind_i64(s, 6, a->vulnerable);
        rc = db_step(s);
        db_reset(s);
    }
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    char summary[160];
    snprintf(summary, sizeof summary, "{\"areas\":%d,\"households\":%ld,\"persons\":%ld}", cy->nareas, cy->households,
             cy->made);
    audit_actor who = {.kind = "cli", .name = "demo"};
    return audit_record(c, &who, "create", "demo_city", "city", summary);
}

static int begin_job(db_conn *c, void *arg)
{
    (void)arg;
    int64_t any = 0;
    if (db_query_i64(c, "SELECT COUNT(*) FROM (SELECT 1 FROM persons LIMIT 1)", &any) != DB_ROW)
        return DB_ERR;
    return any ? 1 : person_indexes_drop(c, true);
}

static int end_job(db_conn *c, void *arg)
{
    (void)arg;
    return person_indexes_ensure(c);
}

/* ---- the generating thread ---- */

static void *generate(void *arg)
{
    struct city *cy = arg;
    for (int turn = 0;; turn ^= 1) {
        pthread_mutex_lock(&cy->mu);
        while (cy->full[turn] && !cy->done)
            pthread_cond_wait(&cy->cv, &cy->mu);
        bool stop = cy->done;
        pthread_mutex_unlock(&cy->mu);
        if (stop)
            return NULL;
        bool more = fill(cy, &cy->chunks[turn]);
        pthread_mutex_lock(&cy->mu);
        if (more)
            cy->full[turn] = true;
        else
            cy->done = true;
        pthread_cond_broadcast(&cy->cv);
        pthread_mutex_unlock(&cy->mu);
        if (!more)
            return NULL;
    }
}

static void city_free(struct city *cy)
{
    for (int i = 0; i < 2; i++) {
        free(cy->chunks[i].areas);
        free(cy->chunks[i].hhs);
        free(cy->chunks[i].ps);
    }
    free(cy->areas);
    free(cy->serials);
}

int demo_city(db *d, long n, uint64_t seed, long *created)
{
    *created = 0;
    struct city *cy = calloc(1, sizeof *cy);
    if (!cy)
        return -1;
    int ret = -1;
    cy->rng = seed ^ 0xc17c17c17ull;
    cy->key = seed * 0x9e3779b97f4a7c15ull + 1;
    cy->want = n;
    cy->now = fx_now();
    cy->per_district = (n / PEOPLE_PER_COMPOUND + NDISTRICTS) / NDISTRICTS;
    cy->serials = calloc((size_t)NREGIONS * MAX_AGE * DAYS, sizeof *cy->serials);
    for (int i = 0; i < 2; i++) {
        cy->chunks[i].areas = malloc(CHUNK_AREAS * sizeof *cy->chunks[i].areas);
        cy->chunks[i].hhs = malloc(CHUNK * sizeof *cy->chunks[i].hhs);
        cy->chunks[i].ps = malloc(CHUNK * sizeof *cy->chunks[i].ps);
        if (!cy->chunks[i].areas || !cy->chunks[i].hhs || !cy->chunks[i].ps)
            goto out;
    }
    if (!cy->serials)
        goto out;
    int rc = db_write(d, begin_job, NULL);
    if (rc != 0) {
        fprintf(stderr, "demo: %s\n", rc == 1 ? "a city-sized demo (--people above the seed's population) needs an"
                                                " empty registry: use a new --db"
                                              : "could not prepare the registry");
        goto out;
    }
    pthread_mutex_init(&cy->mu, NULL);
    pthread_cond_init(&cy->cv, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, generate, cy) != 0)
        goto out_sync;
    int64_t t0 = fx_now_ms();
    long stored = 0, next_report = 1000000;
    for (int turn = 0; rc == 0; turn ^= 1) {
        pthread_mutex_lock(&cy->mu);
        while (!cy->full[turn] && !cy->done)
            pthread_cond_wait(&cy->cv, &cy->mu);
        bool have = cy->full[turn];
        pthread_mutex_unlock(&cy->mu);
        if (!have)
            break;
        struct store_job j = {cy, &cy->chunks[turn]};
        rc = db_write(d, store_chunk, &j);
        stored += cy->chunks[turn].np;
        pthread_mutex_lock(&cy->mu);
        cy->full[turn] = false;
        if (rc != 0)
            cy->done = true;
        pthread_cond_broadcast(&cy->cv);
        pthread_mutex_unlock(&cy->mu);
        if (stored >= next_report) {
            fprintf(stderr, "\rdemo: %ld of %ld people stored (%.0f s)", stored, n, (double)(fx_now_ms() - t0) / 1000);
            next_report += 1000000;
        }
    }
    pthread_join(th, NULL);
    if (stored >= 1000000)
        fputc('\n', stderr);
    if (rc != 0 || cy->failed) {
        fprintf(stderr, "demo: %s%s\n", cy->failed ? "the city generator ran out of memory or ID numbers"
                                                   : "the database refused the city's rows: ", cy->why);
        db_write(d, end_job, NULL); /* leave the registry searchable with what it has */
        goto out_sync;
    }
    fprintf(stderr, "demo: %ld people stored in %.1f s; building their search indexes\n", stored,
            (double)(fx_now_ms() - t0) / 1000);
    if (db_write(d, store_counts, cy) != 0 || db_write(d, end_job, NULL) != 0) {
        fprintf(stderr, "demo: could not finish the city: %s\n", "the counters or indexes could not be written");
        goto out_sync;
    }
    fprintf(stderr, "demo: the city is ready (%.1f s)\n", (double)(fx_now_ms() - t0) / 1000);
    *created = stored;
    ret = 0;
out_sync:
    pthread_cond_destroy(&cy->cv);
    pthread_mutex_destroy(&cy->mu);
out:
    city_free(cy);
    free(cy);
    return ret;
}
