/* person.c — persons and households: validation, storage, search, masks, counters. */
#include "core/person.h"

#include "core/area.h"
#include "core/person_row.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_id.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const person_flag_names[6] = {"elderly", "alone", "no_smartphone", "chronic", "pregnant", "disabled"};
static const char *const person_flag_zh[6] = {"高龄", "独居", "无智能手机", "慢性病", "孕妇", "残疾"};

unsigned person_flag_parse(const char *s)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(s, person_flag_names[i]) == 0 || strcmp(s, person_flag_zh[i]) == 0)
            return 1u << i;
    if (strcmp(s, "老人") == 0 || strcmp(s, "老年人") == 0)
        return PF_ELDERLY;
    return 0;
}

static const struct {
    const char *code, *zh[3];
} categories[] = {
    {"resident", {"居民", "户籍人口", "常住人口"}},
    {"floating", {"流动人口", "外来人口", "暂住人口"}},
    {"employee", {"企业员工", "员工", "职工"}},
    {"merchant_staff", {"商户从业人员", "商户员工", "从业人员"}},
};

static const char *category_parse(const char *s)
{
    for (size_t i = 0; i < sizeof categories / sizeof *categories; i++) {
        if (strcmp(s, categories[i].code) == 0)
            return categories[i].code;
        for (int k = 0; k < 3; k++)
            if (categories[i].zh[k] && strcmp(s, categories[i].zh[k]) == 0)
                return categories[i].code;
    }
    return NULL;
}

static const char *const id_types[] = {"id_card", "passport", "hk_macau", "taiwan", "other"};

static bool has_cjk(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0xE3) /* lead bytes of U+3000 and up: CJK and beyond */
            return true;
    return false;
}

/* Chinese names carry no spaces ("张 三" is 张三); Latin names keep single spaces. */
static int norm_name(const char *in, char *out, size_t cap, fx_err *err)
{
    char tmp[PERSON_NAME_MAX * 8];
    fx_text_normalize(in, tmp, sizeof tmp);
    if (has_cjk(tmp)) {
        size_t n = 0;
        for (const char *p = tmp; *p && n + 1 < cap; p++)
            if (*p != ' ')
                out[n++] = *p;
        out[n] = '\0';
    } else {
        fx_copy(out, cap, tmp);
    }
    if (!out[0])
        return fx_fail(err, FX_EINVAL, "name_required", "name: the person's name is missing");
    if (fx_utf8_len(out) > PERSON_NAME_MAX)
        return fx_fail(err, FX_EINVAL, "name_too_long", "name: at most %d characters", PERSON_NAME_MAX);
    return 0;
}

static bool looks_like_mainland_id(const char *s)
{
    char tmp[64];
    fx_text_normalize(s, tmp, sizeof tmp);
    size_t n = strlen(tmp), digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += isdigit((unsigned char)tmp[i]) != 0;
    return (n == 18 || n == 15) && digits >= n - 1;
}

static int this_year(void)
{
    time_t t = (time_t)fx_now();
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static void reverse_digits(const char *in, char *out, size_t cap)
{
    size_t n = 0, len = strlen(in);
    for (size_t i = len; i-- > 0 && n + 1 < cap;)
        if (isdigit((unsigned char)in[i]))
            out[n++] = in[i];
    out[n] = '\0';
}

static int norm_id(const char *type_in, const char *number, person_norm *o, fx_err *err)
{
    const char *type = NULL;
    if (type_in && *type_in) {
        for (size_t i = 0; i < sizeof id_types / sizeof *id_types; i++)
            if (strcmp(type_in, id_types[i]) == 0)
                type = id_types[i];
        if (!type && (strcmp(type_in, "身份证") == 0 || strcmp(type_in, "居民身份证") == 0))
            type = "id_card";
        if (!type && strcmp(type_in, "护照") == 0)
            type = "passport";
        if (!type)
            return fx_fail(err, FX_EINVAL, "invalid_id_type",
                           "id_type: '%.40s' is not known; use id_card, passport, hk_macau, taiwan or other", type_in);
    }
    if (!type)
        type = "id_card";
    fx_copy(o->id_type, sizeof o->id_type, type);
    if (strcmp(type, "id_card") == 0) {
        fx_idcard card;
        fx_id_status st = fx_idcard_parse(number, this_year(), &card);
        if (st != FX_ID_OK)
            return fx_fail(err, FX_EINVAL, "invalid_id_number", "id_number: %s", fx_idcard_problem(st));
        fx_copy(o->id_number, sizeof o->id_number, card.number);
        o->birth_date = card.year * 10000 + card.month * 100 + card.day;
        o->sex[0] = card.sex;
        o->sex[1] = '\0';
    } else {
        char tmp[64];
        size_t n = 0;
        fx_text_normalize(number, tmp, sizeof tmp);
        for (const char *p = tmp; *p; p++) {
            if (*p == ' ' || *p == '-')
                continue;
            if (!isalnum((unsigned char)*p) || n >= 30)
                return fx_fail(err, FX_EINVAL, "invalid_id_number",
                               "id_number: a document number has 5-30 letters and digits");
            o->id_number[n++] = (char)toupper((unsigned char)*p);
        }
        o->id_number[n] = '\0';
        if (n < 5)
            return fx_fail(err, FX_EINVAL, "invalid_id_number",
                           "id_number: a document number has 5-30 letters and digits");
        o->birth_date = 0;
        o->sex[0] = '\0';
    }
    size_t len = strlen(o->id_number);
    fx_copy(o->id_last4, sizeof o->id_last4, o->id_number + (len > 4 ? len - 4 : 0));
    return 0;
}

int person_normalize(const person_input *in, bool create, person_norm *o, fx_err *err)
{
    memset(o, 0, sizeof *o);
    int rc;
    if (in->name || create)
        if ((rc = norm_name(in->name ? in->name : "", o->name, sizeof o->name, err)))
            return rc;
    if (in->id_number || in->id_type || create) {
        if (!in->id_number || !*in->id_number)
            return fx_fail(err, FX_EINVAL, "id_number_required", "id_number: the ID or document number is missing");
        if (!in->id_type && !looks_like_mainland_id(in->id_number))
            return fx_fail(err, FX_EINVAL, "invalid_id_number",
                           "id_number: not a mainland ID number (18 characters); for a passport or other "
                           "document give id_type");
        if ((rc = norm_id(in->id_type, in->id_number, o, err)))
            return rc;
    }
    if (in->phone && *in->phone) {
        if (!fx_phone_normalize(in->phone, o->phone))
            return fx_fail(err, FX_EINVAL, "invalid_phone",
                           "phone: '%.30s' is not a mobile number (11 digits, 1[3-9]…) or a landline (0371-12345678)",
                           in->phone);
        reverse_digits(o->phone, o->phone_rev, sizeof o->phone_rev);
    }
    const char *cat = "resident";
    if (in->category && *in->category && !(cat = category_parse(in->category)))
        return fx_fail(err, FX_EINVAL, "invalid_category",
                       "category: '%.40s' is not known; use resident (居民), floating (流动人口), employee (企业员工) "
                       "or merchant_staff (商户从业人员)",
                       in->category);
    fx_copy(o->category, sizeof o->category, cat);
    if (in->employer) {
        fx_text_normalize(in->employer, o->employer, sizeof o->employer);
        if (fx_utf8_len(o->employer) > 100)
            return fx_fail(err, FX_EINVAL, "employer_too_long", "employer: at most 100 characters");
    }
    return 0;
}

/* ---- reading ---- */

void person_read_row(db_stmt *s, person *p)
{
    memset(p, 0, sizeof *p);
    p->id = db_col_i64(s, 0);
    p->area_id = db_col_i64(s, 1);
    p->household_id = db_col_i64(s, 2);
    p->merchant_id = db_col_i64(s, 3);
    p->import_id = db_col_i64(s, 4);
    p->created_at = db_col_i64(s, 5);
    p->updated_at = db_col_i64(s, 6);
    fx_copy(p->name, sizeof p->name, db_col_text(s, 7));
    fx_copy(p->id_type, sizeof p->id_type, db_col_text(s, 8));
    fx_copy(p->id_number, sizeof p->id_number, db_col_text(s, 9));
    p->birth_date = (int)db_col_i64(s, 10);
    fx_copy(p->sex, sizeof p->sex, db_col_text(s, 11));
    fx_copy(p->phone, sizeof p->phone, db_col_text(s, 12));
    fx_copy(p->category, sizeof p->category, db_col_text(s, 13));
    fx_copy(p->employer, sizeof p->employer, db_col_text(s, 14));
    p->flags = (unsigned)db_col_i64(s, 15);
    p->party_member = db_col_i64(s, 16) != 0;
    p->walk_in = db_col_i64(s, 17) != 0;
    fx_copy(p->personal_code, sizeof p->personal_code, db_col_text(s, 18));
    fx_copy(p->area_code, sizeof p->area_code, db_col_text(s, 19));
    fx_copy(p->area_path, sizeof p->area_path, db_col_text(s, 20));
    fx_copy(p->address, sizeof p->address, db_col_text(s, 21));
}

static int get_by(db_conn *c, const char *sql, const char *text, int64_t id, person *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (text)
        db_bind_text(s, 1, text);
    else
        db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        person_read_row(s, out);
    db_done(s);
    return rc;
}

int person_get(db_conn *c, int64_t id, person *out)
{
    return get_by(c, PERSON_SELECT "WHERE p.id = $1", NULL, id, out);
}

int person_get_by_number(db_conn *c, const char *id_number, person *out)
{
    return get_by(c, PERSON_SELECT "WHERE p.id_number = $1", id_number, 0, out);
}

int person_get_by_code(db_conn *c, const char *code, person *out)
{
    return get_by(c, PERSON_SELECT "WHERE p.personal_code = $1", code, 0, out);
}

/* ---- counters ---- */

int area_counts_add(db_conn *c, const char *path, const area_delta *d)
{
    static const char sql[] =
        "INSERT INTO area_counts (area_id, persons, households, merchants, floating, employees, vulnerable)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (area_id) DO UPDATE SET"
        " persons = area_counts.persons + $2, households = area_counts.households + $3,"
        " merchants = area_counts.merchants + $4, floating = area_counts.floating + $5,"
        " employees = area_counts.employees + $6, vulnerable = area_counts.vulnerable + $7";
    if (!d->persons && !d->households && !d->merchants && !d->floating && !d->employees && !d->vulnerable)
        return 0;
    /* every area on the path, from the root down to the area itself */
    for (const char *p = path; p && *p == '/' && p[1];) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (*end != '/')
            break;
        db_stmt *s = db_prepare(c, sql);
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, d->persons);
        db_bind_i64(s, 3, d->households);
        db_bind_i64(s, 4, d->merchants);
        db_bind_i64(s, 5, d->floating);
        db_bind_i64(s, 6, d->employees);
        db_bind_i64(s, 7, d->vulnerable);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
        p = end;
    }
    return 0;
}

static area_delta person_delta(const char *category, unsigned flags, int sign)
{
    return (area_delta){.persons = sign,
                        .floating = strcmp(category, "floating") == 0 ? sign : 0,
                        .employees = strcmp(category, "employee") == 0 ? sign : 0,
                        .vulnerable = flags ? sign : 0};
}

static int64_t top_of(const char *path)
{
    return path && *path == '/' ? strtoll(path + 1, NULL, 10) : 0;
}

/* ---- households ---- */

#define HH_COLS                                                                                              \
    "SELECT h.id, h.area_id, h.created_at, h.updated_at, h.room, h.address, h.address_key, a.code, a.path,"
#define HH_FROM " FROM households h JOIN areas a ON a.id = h.area_id "
#define HH_SELECT                                                                                            \
    HH_COLS " (SELECT COUNT(*) FROM persons m WHERE m.household_id = h.id)" HH_FROM
/* Without the member count: imports look households up by the thousand. */
#define HH_SELECT_LIGHT HH_COLS " 0" HH_FROM

static void read_hh(db_stmt *s, household *h)
{
    memset(h, 0, sizeof *h);
    h->id = db_col_i64(s, 0);
    h->area_id = db_col_i64(s, 1);
    h->created_at = db_col_i64(s, 2);
    h->updated_at = db_col_i64(s, 3);
    fx_copy(h->room, sizeof h->room, db_col_text(s, 4));
    fx_copy(h->address, sizeof h->address, db_col_text(s, 5));
    fx_copy(h->address_key, sizeof h->address_key, db_col_text(s, 6));
    fx_copy(h->area_code, sizeof h->area_code, db_col_text(s, 7));
    fx_copy(h->area_path, sizeof h->area_path, db_col_text(s, 8));
    h->members = (int)db_col_i64(s, 9);
}

int household_get(db_conn *c, int64_t id, household *out)
{
    db_stmt *s = db_prepare(c, HH_SELECT "WHERE h.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_hh(s, out);
    db_done(s);
    return rc;
}

static void path_upper(const char *path, char *out, size_t n)
{
    fx_copy(out, n, path);
    size_t len = strlen(out);
    if (len)
        out[len - 1] = '0';
}

int household_list(db_conn *c, int64_t area_id, const char *area_path, int64_t after_id, household *out, int max)
{
    char upper[FX_AREA_PATH_MAX];
    path_upper(area_path, upper, sizeof upper);
    (void)area_id;
    db_stmt *s = db_prepare(c, HH_SELECT "WHERE a.path >= $1 AND a.path < $2 AND h.id > $3 ORDER BY h.id LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, area_path);
    db_bind_text(s, 2, upper);
    db_bind_i64(s, 3, after_id);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_hh(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

/* "鑫荣公寓" + "1号楼" + "1单元" + "301": names from the compound down, without repeating
 * a parent's name that a child's name already starts with. */
static void address_key(db_conn *c, const area *a, const char *room, const char *address, char *out, size_t cap)
{
    const char *names[8];
    char buf[8][AREA_NAME_MAX * 4 + 1];
    int n = 0;
    area cur = *a;
    while (n < 8 && area_kind_rank(cur.kind) >= area_kind_rank("compound")) {
        fx_copy(buf[n], sizeof buf[n], cur.name);
        names[n] = buf[n];
        n++;
        if (!cur.parent_id || area_get_id(c, cur.parent_id, &cur) != DB_ROW)
            break;
    }
    fx_str s;
    fx_str_init(&s, cap);
    const char *prev = "";
    for (int i = n - 1; i >= 0; i--) {
        const char *part = names[i];
        if (*prev && strncmp(part, prev, strlen(prev)) == 0)
            part += strlen(prev);
        fx_str_adds(&s, part);
        prev = names[i];
    }
    if (address && *address)
        fx_str_adds(&s, address);
    if (room && *room)
        fx_str_adds(&s, room);
    fx_copy(out, cap, s.p ? s.p : "");
    fx_str_free(&s);
}

int household_ensure(db_conn *c, const actor *who, int64_t area_id, const char *room, const char *address,
                     household *out, bool *created, fx_err *err)
{
    *created = false;
    room = room ? room : "";
    address = address ? address : "";
    db_stmt *s = db_prepare(c, HH_SELECT_LIGHT "WHERE h.area_id = $1 AND h.room = $2 AND h.address = $3");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read households");
    db_bind_i64(s, 1, area_id);
    db_bind_text(s, 2, room);
    db_bind_text(s, 3, address);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_hh(s, out);
    db_done(s);
    if (rc == DB_ROW)
        return 0;
    area a;
    if (area_get_id(c, area_id, &a) != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "the household's area does not exist");
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %s is outside your area", a.code);
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->area_id = area_id;
    out->created_at = out->updated_at = fx_now();
    fx_copy(out->room, sizeof out->room, room);
    fx_copy(out->address, sizeof out->address, address);
    fx_copy(out->area_code, sizeof out->area_code, a.code);
    fx_copy(out->area_path, sizeof out->area_path, a.path);
    address_key(c, &a, room, address, out->address_key, sizeof out->address_key);
    s = db_prepare(c, "INSERT INTO households (id, top_area_id, area_id, room, address, address_key, created_at,"
                      " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the household");
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, top_of(a.path));
    db_bind_i64(s, 3, area_id);
    db_bind_text(s, 4, room);
    db_bind_text(s, 5, address);
    db_bind_text(s, 6, out->address_key);
    db_bind_i64(s, 7, out->created_at);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the household");
    *created = true;
    area_delta d = {.households = 1};
    if (area_counts_add(c, a.path, &d) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not update the area counts");
    return 0;
}

int household_delete(db_conn *c, const actor *who, int64_t id, fx_err *err)
{
    household h;
    if (household_get(c, id, &h) != DB_ROW || !actor_in_scope(who, h.area_path))
        return fx_fail(err, FX_ENOTFOUND, "household_not_found", "household %lld does not exist in your area",
                       (long long)id);
    if (h.members)
        return fx_fail(err, FX_ECONFLICT, "has_members", "household %lld still has %d members: move them first",
                       (long long)id, h.members);
    db_stmt *s = db_prepare(c, "DELETE FROM households WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the household");
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "in_use", "household %lld is still referred to (party contacts)",
                       (long long)id);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the household");
    area_delta d = {.households = -1};
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
    if (area_counts_add(c, h.area_path, &d) != 0 ||
        audit_record(c, &who->log, "delete", "household", idbuf, NULL) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the household");
    return 0;
}

/* Every index on persons, the unique ones first: an import's bulk mode keeps those
 * (its ON CONFLICT needs them), a first load the generator vouches for drops all. */
static const struct {
    const char *name, *ddl;
} person_indexes[] = {
    {"persons_id_number", "CREATE UNIQUE INDEX IF NOT EXISTS persons_id_number ON persons(id_number)"},
    {"persons_code", "CREATE UNIQUE INDEX IF NOT EXISTS persons_code ON persons(personal_code)"},
    {"persons_name", "CREATE INDEX IF NOT EXISTS persons_name ON persons(name)"},
    {"persons_id_last4", "CREATE INDEX IF NOT EXISTS persons_id_last4 ON persons(id_last4)"},
    {"persons_phone", "CREATE INDEX IF NOT EXISTS persons_phone ON persons(phone_rev)"},
    /* kept through a bulk load: their keys arrive nearly in order, so keeping them
     * costs less than building them again */
    {"persons_area", "CREATE INDEX IF NOT EXISTS persons_area ON persons(area_id, id)"},
    {"persons_household", "CREATE INDEX IF NOT EXISTS persons_household ON persons(household_id)"},
    {"persons_merchant",
     "CREATE INDEX IF NOT EXISTS persons_merchant ON persons(merchant_id) WHERE merchant_id IS NOT NULL"},
};
enum {
    PERSON_UNIQUE_INDEXES = 2,
    PERSON_INDEXES = sizeof person_indexes / sizeof *person_indexes,
    PERSON_DROPPED_INDEXES = PERSON_INDEXES - 3,
};

int person_indexes_drop(db_conn *c, bool unique_too)
{
    for (int i = unique_too ? 0 : PERSON_UNIQUE_INDEXES; i < PERSON_DROPPED_INDEXES; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", person_indexes[i].name);
        if (db_exec(c, sql) != DB_OK)
            return DB_ERR;
    }
    return 0;
}

int person_indexes_ensure(db_conn *c)
{
    const char *ddl[PERSON_INDEXES];
    for (int i = 0; i < PERSON_INDEXES; i++)
        ddl[i] = person_indexes[i].ddl;
    return db_build_indexes(c, ddl, PERSON_INDEXES) == DB_OK ? 0 : DB_ERR;
}

/* ---- writing persons ---- */

void person_new_code(char out[16])
{
    /* 4 characters from the clock (seconds, repeating after 12 days) then 8 random
     * ones (40 bits): new codes land together in the unique index, so a bulk
     * import does not scatter writes over it, and a code still cannot be guessed.
     * Two codes can still collide (rarely): writers retry with a fresh one. */
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no 0/O, 1/I */
    unsigned char raw[8];
    if (fx_random(raw, sizeof raw) != 0)
        memset(raw, 0, sizeof raw);
    uint64_t t = (uint64_t)fx_now();
    for (int i = 0; i < 4; i++)
        out[i] = alphabet[(t >> (5 * (3 - i))) & 31];
    for (int i = 0; i < 8; i++)
        out[4 + i] = alphabet[raw[i] & 31];
    out[12] = '\0';
}

/* Resolves the household an input names (existing id, or area + room/address). */
static int resolve_household(db_conn *c, const actor *who, const person_input *in, household *h, fx_err *err)
{
    if (in->household_id) {
        if (household_get(c, in->household_id, h) != DB_ROW || !actor_in_scope(who, h->area_path))
            return fx_fail(err, FX_EINVAL, "household_not_found", "household: %lld does not exist in your area",
                           (long long)in->household_id);
        return 0;
    }
    area a;
    int rc = area_get(c, in->area, &a);
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %.64s does not exist", in->area);
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %.64s is outside your area", in->area);
    bool created;
    return household_ensure(c, who, a.id, in->room, in->address, h, &created, err);
}

bool person_code_taken(db_conn *c, const char *code)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM persons WHERE personal_code = $1");
    if (!s)
        return false;
    db_bind_text(s, 1, code);
    bool taken = db_step(s) == DB_ROW;
    db_done(s);
    return taken;
}

static int insert_row(db_conn *c, const person *out, const person_norm *n, const household *h,
                      const person_input *in, unsigned flags)
{
    db_stmt *s = db_prepare(c, "INSERT INTO persons (id, top_area_id, area_id, household_id, name, id_type, id_number,"
                               " id_last4, birth_date, sex, phone, phone_rev, category, employer, merchant_id, flags,"
                               " party_member, personal_code, walk_in, created_at, updated_at) VALUES ($1, $2, $3,"
                               " $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, top_of(h->area_path));
    db_bind_i64(s, 3, h->area_id);
    db_bind_i64(s, 4, h->id);
    db_bind_text(s, 5, n->name);
    db_bind_text(s, 6, n->id_type);
    db_bind_text(s, 7, n->id_number);
    db_bind_text(s, 8, n->id_last4);
    if (n->birth_date)
        db_bind_i64(s, 9, n->birth_date);
    else
        db_bind_null(s, 9);
    db_bind_text(s, 10, n->sex);
    db_bind_text(s, 11, n->phone);
    db_bind_text(s, 12, n->phone_rev);
    db_bind_text(s, 13, n->category);
    db_bind_text(s, 14, n->employer);
    if (in->merchant_id > 0)
        db_bind_i64(s, 15, in->merchant_id);
    else
        db_bind_null(s, 15);
    db_bind_i64(s, 16, flags);
    db_bind_i64(s, 17, in->party_member > 0);
    db_bind_text(s, 18, out->personal_code);
    db_bind_i64(s, 19, in->walk_in > 0);
    db_bind_i64(s, 20, out->created_at);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int person_create(db_conn *c, const actor *who, const person_input *in, person *out, fx_err *err)
{
    person_norm n;
    int rc = person_normalize(in, true, &n, err);
    if (rc)
        return rc;
    if (!in->household_id && !(in->area && *in->area))
        return fx_fail(err, FX_EINVAL, "area_required", "area: give the household's area (unit or compound code)");
    person dup;
    if (person_get_by_number(c, n.id_number, &dup) == DB_ROW)
        return fx_fail(err, FX_ECONFLICT, "person_exists", "a person with this ID number is already registered (%s)",
                       actor_in_scope(who, dup.area_path) ? dup.area_code : "in another area");
    household h;
    if ((rc = resolve_household(c, who, in, &h, err)))
        return rc;
    unsigned flags = in->flags >= 0 ? (unsigned)in->flags & PF_ALL : 0;
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->created_at = out->updated_at = fx_now();
    person_new_code(out->personal_code);
    for (int attempt = 0;; attempt++) {
        rc = insert_row(c, out, &n, &h, in, flags);
        if (rc == DB_ECONSTRAINT && attempt < 3 && person_code_taken(c, out->personal_code)) {
            person_new_code(out->personal_code); /* two random codes met: draw another */
            continue;
        }
        break;
    }
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "person_exists", "a person with this ID number is already registered");
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the person");
    area_delta d = person_delta(n.category, flags, +1);
    if (area_counts_add(c, h.area_path, &d) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not update the area counts");
    if (person_get(c, out->id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the person back");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", NULL, out->name);
    audit_changes_text(&ch, "id_number", NULL, out->id_number);
    audit_changes_text(&ch, "area", NULL, out->area_code);
    audit_changes_text(&ch, "address", NULL, out->address);
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)out->id);
    rc = audit_record(c, &who->log, "create", "person", idbuf, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

static const char *flags_text(unsigned f, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t len = 0;
    for (int i = 0; i < 6; i++)
        if (f & (1u << i))
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "", person_flag_names[i]);
    return buf;
}

int person_update(db_conn *c, const actor *who, int64_t id, const person_input *in, person *out, fx_err *err)
{
    person cur;
    if (person_get(c, id, &cur) != DB_ROW || !actor_in_scope(who, cur.area_path))
        return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person %lld does not exist in your area", (long long)id);
    person_norm n;
    int rc = person_normalize(in, false, &n, err);
    if (rc)
        return rc;
    *out = cur;
    if (in->name)
        fx_copy(out->name, sizeof out->name, n.name);
    if (in->id_number) {
        person other;
        if (person_get_by_number(c, n.id_number, &other) == DB_ROW && other.id != id)
            return fx_fail(err, FX_ECONFLICT, "person_exists", "another person already has this ID number");
        fx_copy(out->id_number, sizeof out->id_number, n.id_number);
        fx_copy(out->id_type, sizeof out->id_type, n.id_type);
        out->birth_date = n.birth_date;
        fx_copy(out->sex, sizeof out->sex, n.sex);
    }
    if (in->phone)
        fx_copy(out->phone, sizeof out->phone, n.phone);
    if (in->category)
        fx_copy(out->category, sizeof out->category, n.category);
    if (in->employer)
        fx_copy(out->employer, sizeof out->employer, n.employer);
    if (in->flags >= 0)
        out->flags = (unsigned)in->flags & PF_ALL;
    if (in->party_member >= 0)
        out->party_member = in->party_member > 0;
    if (in->merchant_id)
        out->merchant_id = in->merchant_id > 0 ? in->merchant_id : 0;
    household h = {0};
    bool moving = false;
    if (in->household_id || (in->area && *in->area)) {
        if ((rc = resolve_household(c, who, in, &h, err)))
            return rc;
        moving = h.id != cur.household_id;
        if (moving) {
            out->household_id = h.id;
            out->area_id = h.area_id;
            fx_copy(out->area_code, sizeof out->area_code, h.area_code);
            fx_copy(out->area_path, sizeof out->area_path, h.area_path);
            fx_copy(out->address, sizeof out->address, h.address_key);
        }
    }
    char f1[80], f2[80];
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", cur.name, out->name);
    audit_changes_text(&ch, "id_number", cur.id_number, out->id_number);
    audit_changes_text(&ch, "phone", cur.phone, out->phone);
    audit_changes_text(&ch, "category", cur.category, out->category);
    audit_changes_text(&ch, "employer", cur.employer, out->employer);
    audit_changes_text(&ch, "flags", flags_text(cur.flags, f1, sizeof f1), flags_text(out->flags, f2, sizeof f2));
    audit_changes_i64(&ch, "party_member", cur.party_member, out->party_member);
    audit_changes_i64(&ch, "merchant", cur.merchant_id, out->merchant_id);
    audit_changes_text(&ch, "address", cur.address, out->address);
    const char *changes = audit_changes_json(&ch);
    if (!changes) {
        audit_changes_free(&ch);
        return 0;
    }
    char last4[8], rev[24];
    size_t len = strlen(out->id_number);
    fx_copy(last4, sizeof last4, out->id_number + (len > 4 ? len - 4 : 0));
    reverse_digits(out->phone, rev, sizeof rev);
    out->updated_at = fx_now();
    db_stmt *s = db_prepare(c, "UPDATE persons SET name = $1, id_type = $2, id_number = $3, id_last4 = $4,"
                               " birth_date = $5, sex = $6, phone = $7, phone_rev = $8, category = $9, employer = $10,"
                               " flags = $11, party_member = $12, merchant_id = $13, household_id = $14, area_id = $15,"
                               " top_area_id = $16, updated_at = $17 WHERE id = $18");
    rc = DB_ERR;
    if (s) {
        db_bind_text(s, 1, out->name);
        db_bind_text(s, 2, out->id_type);
        db_bind_text(s, 3, out->id_number);
        db_bind_text(s, 4, last4);
        if (out->birth_date)
            db_bind_i64(s, 5, out->birth_date);
        else
            db_bind_null(s, 5);
        db_bind_text(s, 6, out->sex);
        db_bind_text(s, 7, out->phone);
        db_bind_text(s, 8, rev);
        db_bind_text(s, 9, out->category);
        db_bind_text(s, 10, out->employer);
        db_bind_i64(s, 11, out->flags);
        db_bind_i64(s, 12, out->party_member);
        if (out->merchant_id)
            db_bind_i64(s, 13, out->merchant_id);
        else
            db_bind_null(s, 13);
        if (out->household_id)
            db_bind_i64(s, 14, out->household_id);
        else
            db_bind_null(s, 14);
        db_bind_i64(s, 15, out->area_id);
        db_bind_i64(s, 16, top_of(out->area_path));
        db_bind_i64(s, 17, out->updated_at);
        db_bind_i64(s, 18, id);
        rc = db_step(s);
        db_done(s);
    }
    if (rc == DB_ECONSTRAINT) {
        audit_changes_free(&ch);
        return fx_fail(err, FX_ECONFLICT, "conflict", "the change conflicts with another record");
    }
    if (rc == DB_DONE) {
        area_delta minus = person_delta(cur.category, cur.flags, -1), plus = person_delta(out->category, out->flags, +1);
        rc = area_counts_add(c, cur.area_path, &minus) || area_counts_add(c, out->area_path, &plus) ? DB_ERR : 0;
    }
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
    if (rc == 0)
        rc = audit_record(c, &who->log, "update", "person", idbuf, changes);
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not save person %lld", (long long)id) : 0;
}

int person_delete(db_conn *c, const actor *who, int64_t id, fx_err *err)
{
    person cur;
    if (person_get(c, id, &cur) != DB_ROW || !actor_in_scope(who, cur.area_path))
        return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person %lld does not exist in your area", (long long)id);
    db_stmt *s = db_prepare(c, "DELETE FROM persons WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the person");
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "in_use",
                       "person %lld is referred to by other records (e.g. a party contact): remove those first",
                       (long long)id);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the person");
    area_delta d = person_delta(cur.category, cur.flags, -1);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", cur.name, NULL);
    audit_changes_text(&ch, "id_number", cur.id_number, NULL);
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
    rc = area_counts_add(c, cur.area_path, &d);
    if (rc == 0)
        rc = audit_record(c, &who->log, "delete", "person", idbuf, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not delete person %lld", (long long)id) : 0;
}
