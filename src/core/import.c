/* import.c — streaming registry imports: map the header, check each row on the
 * reading thread, write batches through the writer, report every reject. */
#include "core/import.h"

#include "core/area.h"
#include "core/merchant.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_csv.h"
#include "util/fx_id.h"
#include "util/fx_log.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_RECORD (64 * 1024)
#define RAW_MAX 1000
#define AREA_CACHE 4096
#define HH_CACHE 8192

enum col { C_NAME, C_IDNUM, C_IDTYPE, C_PHONE, C_ADDRESS, C_BUILDING, C_UNIT, C_ROOM, C_CATEGORY, C_EMPLOYER,
           C_FLAGS, C_PARTY, C_NCOLS };

static const char *const col_names[C_NCOLS][8] = {
    [C_NAME] = {"name", "姓名", "名字", "人员姓名"},
    [C_IDNUM] = {"id_number", "身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证"},
    [C_IDTYPE] = {"id_type", "证件类型"},
    [C_PHONE] = {"phone", "手机号", "手机号码", "联系电话", "电话", "mobile", "联系方式"},
    [C_ADDRESS] = {"address", "地址", "住址", "现住址", "居住地址"},
    [C_BUILDING] = {"building", "楼栋", "楼号", "栋", "楼栋号"},
    [C_UNIT] = {"unit", "单元", "单元号"},
    [C_ROOM] = {"room", "房号", "门牌号", "房间号", "户号"},
    [C_CATEGORY] = {"category", "类别", "人员类别", "人员类型"},
    [C_EMPLOYER] = {"employer", "工作单位", "单位", "所在单位", "企业"},
    [C_FLAGS] = {"flags", "特殊人群", "标记", "重点人群"},
    [C_PARTY] = {"party_member", "党员", "是否党员"},
};

/* One checked row waiting for the writer. */
struct row {
    long long row_no;
    person_norm n;
    char building[84], unit[84], room[84], address[401];
    unsigned flags;
    int party;         /* -1 not given */
    bool reject;       /* a reject (or warning) record only */
    bool warning;
    char field[32], reason[300];
    char raw[RAW_MAX + 1];
};

/* Cache slots keep their whole key: a hash alone let two households meet in one slot. */
struct area_slot {
    uint64_t key;
    int64_t parent_id;
    char kind[16], name[84];
    int64_t id;
    char code[AREA_CODE_MAX + 1];
    char path[FX_AREA_PATH_MAX];
};

struct hh_slot {
    uint64_t key;
    int64_t where; /* the area the household is in */
    char room[84], address[401];
    int64_t id, area_id;
    char path[FX_AREA_PATH_MAX];
};

struct delta_slot {
    char path[FX_AREA_PATH_MAX];
    area_delta d;
};

struct importer {
    db *d;
    const actor *who;
    const import_opts *o;
    area root;
    int64_t import_id;
    int col[C_NCOLS];  /* column index of each field, -1 when absent */
    int ncols;
    /* Two batches: the reading thread fills one while the writer stores the other. */
    struct batch {
        struct importer *im;
        db_job job;
        struct row *rows;
        int n;
        long long rows_seen, bytes_seen; /* progress when it was queued */
        long long accepted, merged, unchanged, rejected;
        bool done;
    } b[2], *fill, *busy;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int batch_max;
    bool bulk; /* first load into an empty registry: indexes dropped, built at the end */
    import_progress prog;
    struct area_slot *areas; /* name → area caches, fixed size: memory stays bounded */
    struct hh_slot *hhs;
    struct delta_slot deltas[256];
    int ndeltas;
    fx_err err;
};

static uint64_t mix(uint64_t z) /* splitmix64's finaliser: every input bit reaches every output bit */
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    h = mix(h);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return mix(h ^ 0xff);
}

/* Header cell → field: case-insensitive, spaces, '*' and "(必填)" ignored. */
static int map_header(const char *cell, const char *const (*names)[8], int nnames)
{
    char norm[128], key[128];
    fx_text_normalize(cell, norm, sizeof norm);
    size_t n = 0;
    for (const char *p = norm; *p && n < sizeof key - 1; p++) {
        if (*p == ' ' || *p == '*')
            continue;
        key[n++] = (char)tolower((unsigned char)*p);
    }
    key[n] = '\0';
    char *paren = strstr(key, "(");
    if (paren)
        *paren = '\0';
    paren = strstr(key, "\xef\xbc\x88"); /* full-width ( */
    if (paren)
        *paren = '\0';
    for (int c = 0; c < nnames; c++)
        for (int k = 0; k < 8 && names[c][k]; k++)
            if (strcmp(key, names[c][k]) == 0)
                return c;
    return -1;
}

static void raw_line(const fx_csv_row *row, char *out, size_t cap)
{
    fx_str s;
    fx_str_init(&s, cap);
    for (int i = 0; i < row->nfields; i++) {
        const char *f = row->fields[i];
        bool quote = strpbrk(f, ",\"\r\n") != NULL;
        if (i)
            fx_str_adds(&s, ",");
        if (quote) {
            fx_str_adds(&s, "\"");
            for (const char *p = f; *p; p++)
                fx_str_adds(&s, *p == '"' ? "\"\"" : (char[2]){*p, 0});
            fx_str_adds(&s, "\"");
        } else {
            fx_str_adds(&s, f);
        }
    }
    fx_copy(out, cap, s.p ? s.p : "");
    fx_str_free(&s);
}

static const char *cell(const struct importer *im, const fx_csv_row *row, enum col c)
{
    int i = im->col[c];
    return i >= 0 && i < row->nfields ? row->fields[i] : NULL;
}

static struct row *next_slot(struct importer *im, const fx_csv_row *row)
{
    struct row *r = &im->fill->rows[im->fill->n++];
    memset(r, 0, sizeof *r);
    r->row_no = row->record;
    r->party = -1;
    raw_line(row, r->raw, sizeof r->raw);
    return r;
}

static void reject(struct row *r, const char *field, const char *reason)
{
    r->reject = true;
    fx_copy(r->field, sizeof r->field, field);
    fx_copy(r->reason, sizeof r->reason, reason);
}

/* Checks one record on the reading thread; the writer only stores. */
static void check_row(struct importer *im, const fx_csv_row *row)
{
    struct row *r = next_slot(im, row);
    if (row->problem) {
        reject(r, "row", row->problem);
        return;
    }
    if (row->nfields != im->ncols) {
        char why[160];
        snprintf(why, sizeof why, "the row has %d fields but the header has %d: check for a stray comma or a "
                                  "missing column", row->nfields, im->ncols);
        reject(r, "row", why);
        return;
    }
    person_input in = PERSON_INPUT_NONE;
    in.name = cell(im, row, C_NAME);
    in.id_number = cell(im, row, C_IDNUM);
    in.id_type = cell(im, row, C_IDTYPE);
    if (in.id_type && !*in.id_type)
        in.id_type = NULL;
    in.phone = cell(im, row, C_PHONE);
    in.category = cell(im, row, C_CATEGORY);
    in.employer = cell(im, row, C_EMPLOYER);
    fx_err e = {0};
    if (person_normalize(&in, true, &r->n, &e) != 0) {
        /* "name: …" → field "name", reason "…" */
        const char *colon = strstr(e.msg, ": ");
        char field[32] = "row";
        if (colon && (size_t)(colon - e.msg) < sizeof field) {
            memcpy(field, e.msg, (size_t)(colon - e.msg));
            field[colon - e.msg] = '\0';
        }
        reject(r, field, colon ? colon + 2 : e.msg);
        return;
    }
    const char *v;
    if ((v = cell(im, row, C_BUILDING)))
        fx_text_normalize(v, r->building, sizeof r->building);
    if ((v = cell(im, row, C_UNIT)))
        fx_text_normalize(v, r->unit, sizeof r->unit);
    if ((v = cell(im, row, C_ROOM)))
        fx_text_normalize(v, r->room, sizeof r->room);
    if ((v = cell(im, row, C_ADDRESS)))
        fx_text_normalize(v, r->address, sizeof r->address);
    if (r->unit[0] && !r->building[0]) {
        reject(r, "building", "a unit is given without its building");
        return;
    }
    if ((v = cell(im, row, C_FLAGS)) && *v) {
        char buf[256];
        fx_text_normalize(v, buf, sizeof buf); /* full-width ，； become ASCII */
        for (char *p = buf; (p = strstr(p, "\xe3\x80\x81"));) /* 、 → ",  " */
            memcpy(p, ",  ", 3);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",;/ ", &save); tok; tok = strtok_r(NULL, ",;/ ", &save)) {
            unsigned b = person_flag_parse(tok);
            if (!b) {
                char why[200];
                snprintf(why, sizeof why, "'%.40s' is not a known flag (elderly/高龄, alone/独居, "
                                          "no_smartphone/无智能手机, chronic/慢性病, pregnant/孕妇, disabled/残疾)", tok);
                reject(r, "flags", why);
                return;
            }
            r->flags |= b;
        }
    }
    if ((v = cell(im, row, C_PARTY)) && *v) {
        char buf[16];
        fx_text_normalize(v, buf, sizeof buf);
        if (!strcmp(buf, "是") || !strcmp(buf, "yes") || !strcmp(buf, "true") || !strcmp(buf, "1") ||
            !strcmp(buf, "党员"))
            r->party = 1;
        else if (!strcmp(buf, "否") || !strcmp(buf, "no") || !strcmp(buf, "false") || !strcmp(buf, "0"))
            r->party = 0;
        else {
            reject(r, "party_member", "write 是 or 否 (yes or no)");
            return;
        }
    }
}

/* ---- on the writer ---- */

static void delta_add(struct importer *im, const char *path, const area_delta *d)
{
    int i = 0;
    while (i < im->ndeltas && strcmp(im->deltas[i].path, path) != 0)
        i++;
    if (i == im->ndeltas) {
        if (im->ndeltas == (int)(sizeof im->deltas / sizeof *im->deltas))
            i = 0; /* full: flushed below before reuse */
        else
            im->ndeltas++;
        fx_copy(im->deltas[i].path, sizeof im->deltas[i].path, path);
        memset(&im->deltas[i].d, 0, sizeof im->deltas[i].d);
    }
    area_delta *t = &im->deltas[i].d;
    t->persons += d->persons;
    t->households += d->households;
    t->floating += d->floating;
    t->employees += d->employees;
    t->vulnerable += d->vulnerable;
}

static int delta_flush(db_conn *c, struct importer *im)
{
    for (int i = 0; i < im->ndeltas; i++)
        if (area_counts_add(c, im->deltas[i].path, &im->deltas[i].d) != 0)
            return DB_ERR;
    im->ndeltas = 0;
    return 0;
}

/* A code for a building or unit named in a file: its number when it has one
 * ("1号楼", "1栋", "1" are all -B1), else a short hash of the name. */
static void child_code(const char *parent, char tag, const char *name, char *out, size_t cap)
{
    char digits[16];
    size_t n = 0;
    for (const char *p = name; *p && n < sizeof digits - 1; p++)
        if (isdigit((unsigned char)*p))
            digits[n++] = *p;
        else if (n)
            break;
    digits[n] = '\0';
    if (n)
        snprintf(out, cap, "%s-%c%s", parent, tag, digits);
    else
        snprintf(out, cap, "%s-%c%06llx", parent, tag, (unsigned long long)(hash_str(1469598103934665603ull, name) & 0xffffff));
    if (strlen(out) > AREA_CODE_MAX) /* parent codes near the limit: hash the whole */
        snprintf(out, cap, "X%c%016llx", tag, (unsigned long long)hash_str(hash_str(7, parent), name));
}

/* The building or unit area named name under parent, created when missing. */
static int child_area(db_conn *c, struct importer *im, const area *parent, const char *kind, char tag,
                      const char *name, area *out)
{
    uint64_t key = hash_str(hash_str((uint64_t)parent->id, kind), name);
    struct area_slot *slot = &im->areas[key % AREA_CACHE];
    if (slot->key == key && slot->parent_id == parent->id && !strcmp(slot->kind, kind) && !strcmp(slot->name, name)) {
        memset(out, 0, sizeof *out);
        out->id = slot->id;
        fx_copy(out->code, sizeof out->code, slot->code);
        fx_copy(out->path, sizeof out->path, slot->path);
        fx_copy(out->kind, sizeof out->kind, kind);
        return 0;
    }
    char code[AREA_CODE_MAX + 24];
    child_code(parent->code, tag, name, code, sizeof code);
    int rc = area_get_child(c, parent->id, name, out); /* as named in the tree already */
    if (rc == DB_DONE)
        rc = area_get(c, code, out);
    if (rc == DB_DONE) {
        char full[AREA_NAME_MAX * 4 + 1];
        /* "1" alone reads badly on a list: make it "1号楼" / "1单元" */
        bool bare = true;
        for (const char *p = name; *p; p++)
            bare &= isdigit((unsigned char)*p) != 0;
        snprintf(full, sizeof full, "%s%s", name, bare ? (tag == 'B' ? "号楼" : "单元") : "");
        area_input in = {.code = code, .name = full, .kind = kind, .parent = parent->code};
        rc = area_create(c, im->who, &in, out, &im->err);
        if (rc != 0)
            return rc;
    } else if (rc != DB_ROW) {
        return DB_ERR;
    }
    slot->key = key;
    slot->parent_id = parent->id;
    fx_copy(slot->kind, sizeof slot->kind, kind);
    fx_copy(slot->name, sizeof slot->name, name);
    slot->id = out->id;
    fx_copy(slot->code, sizeof slot->code, out->code);
    fx_copy(slot->path, sizeof slot->path, out->path);
    return 0;
}

static int household_for(db_conn *c, struct importer *im, const struct row *r, int64_t *hh, int64_t *area_id,
                         char *path, size_t cap)
{
    area where = im->root;
    int rc;
    if (!r->building[0] && !r->room[0] && !r->address[0]) { /* no address: the area alone, no household */
        *hh = 0;
        *area_id = im->root.id;
        fx_copy(path, cap, im->root.path);
        return 0;
    }
    if (r->building[0]) {
        area b;
        if ((rc = child_area(c, im, &im->root, "building", 'B', r->building, &b)) != 0)
            return rc;
        where = b;
        if (r->unit[0]) {
            area u;
            if ((rc = child_area(c, im, &b, "unit", 'U', r->unit, &u)) != 0)
                return rc;
            where = u;
        }
    }
    uint64_t key = hash_str(hash_str(hash_str((uint64_t)where.id, r->room), "|"), r->address);
    struct hh_slot *slot = &im->hhs[key % HH_CACHE];
    if (slot->key == key && slot->where == where.id && !strcmp(slot->room, r->room) &&
        !strcmp(slot->address, r->address)) {
        *hh = slot->id;
        *area_id = slot->area_id;
        fx_copy(path, cap, slot->path);
        return 0;
    }
    household h;
    bool created;
    if ((rc = household_ensure(c, im->who, where.id, r->room, r->address, &h, &created, &im->err)) != 0)
        return rc;
    slot->key = key;
    slot->where = where.id;
    fx_copy(slot->room, sizeof slot->room, r->room);
    fx_copy(slot->address, sizeof slot->address, r->address);
    slot->id = h.id;
    slot->area_id = h.area_id;
    fx_copy(slot->path, sizeof slot->path, h.area_path);
    *hh = h.id;
    *area_id = h.area_id;
    fx_copy(path, cap, h.area_path);
    return 0;
}

static int save_reject(db_conn *c, struct importer *im, const struct row *r)
{
    db_stmt *s = db_prepare(c, "INSERT INTO import_rejects (import_id, row_no, field, level, reason, raw)"
                               " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (import_id, row_no, field) DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, im->import_id);
    db_bind_i64(s, 2, r->row_no);
    db_bind_text(s, 3, r->field);
    db_bind_text(s, 4, r->warning ? "warning" : "reject");
    db_bind_text(s, 5, r->reason);
    db_bind_text(s, 6, r->raw);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

/* One INSERT attempt with the given personal code: 0, 1 (the ID number exists) or < 0. */
static int insert_once(db_conn *c, struct importer *im, const struct row *r, int64_t hh, int64_t area_id,
                       const char *path, const char *code)
{
    db_stmt *s = db_prepare(c, "INSERT INTO persons (id, top_area_id, area_id, household_id, name, id_type, id_number,"
                               " id_last4, birth_date, sex, phone, phone_rev, category, employer, flags, party_member,"
                               " personal_code, import_id, import_row, created_at, updated_at) VALUES ($1,"
                               " $2, $20, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"
                               " $19) ON CONFLICT (id_number) DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, strtoll(path + 1, NULL, 10));
    if (hh)
        db_bind_i64(s, 3, hh);
    else
        db_bind_null(s, 3);
    db_bind_text(s, 4, r->n.name);
    db_bind_text(s, 5, r->n.id_type);
    db_bind_text(s, 6, r->n.id_number);
    db_bind_text(s, 7, r->n.id_last4);
    if (r->n.birth_date)
        db_bind_i64(s, 8, r->n.birth_date);
    else
        db_bind_null(s, 8);
    db_bind_text(s, 9, r->n.sex);
    db_bind_text(s, 10, r->n.phone);
    db_bind_text(s, 11, r->n.phone_rev);
    db_bind_text(s, 12, r->n.category);
    db_bind_text(s, 13, r->n.employer);
    db_bind_i64(s, 14, r->flags);
    db_bind_i64(s, 15, r->party > 0);
    db_bind_text(s, 16, code);
    db_bind_i64(s, 17, im->import_id);
    db_bind_i64(s, 18, r->row_no);
    db_bind_i64(s, 19, fx_now());
    db_bind_i64(s, 20, area_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    return db_changes(c) == 0 ? 1 : 0;
}

/* Inserts a new person; returns 1 (and changes nothing) when the ID number is
 * registered already, so a new row costs no separate lookup. */
static int insert_person(db_conn *c, struct importer *im, const struct row *r, int64_t hh, int64_t area_id,
                         const char *path)
{
    char code[16];
    person_new_code(code);
    int rc = insert_once(c, im, r, hh, area_id, path, code);
    for (int attempt = 0; rc == DB_ECONSTRAINT && attempt < 3 && person_code_taken(c, code); attempt++) {
        person_new_code(code); /* two random codes met: draw another */
        rc = insert_once(c, im, r, hh, area_id, path, code);
    }
    if (rc != 0)
        return rc;
    area_delta d = {.persons = 1,
                    .floating = !strcmp(r->n.category, "floating"),
                    .employees = !strcmp(r->n.category, "employee"),
                    .vulnerable = r->flags != 0};
    delta_add(im, path, &d);
    return 0;
}

/* Merges a row into an existing person: non-empty new values replace old ones. */
static int merge_person(db_conn *c, struct importer *im, struct row *r, const person *cur, bool *changed)
{
    *changed = false;
    person_input in = PERSON_INPUT_NONE;
    if (strcmp(r->n.name, cur->name) != 0)
        in.name = r->n.name;
    if (r->n.phone[0] && strcmp(r->n.phone, cur->phone) != 0)
        in.phone = r->n.phone;
    if (im->col[C_CATEGORY] >= 0 && strcmp(r->n.category, cur->category) != 0 &&
        !(strcmp(r->n.category, "resident") == 0)) /* an empty cell normalises to resident: not a change */
        in.category = r->n.category;
    if (r->n.employer[0] && strcmp(r->n.employer, cur->employer) != 0)
        in.employer = r->n.employer;
    if (r->flags && r->flags != cur->flags)
        in.flags = r->flags;
    if (r->party >= 0 && r->party != cur->party_member)
        in.party_member = r->party;
    int64_t hh = 0, area_id;
    char path[FX_AREA_PATH_MAX];
    if (r->building[0] || r->room[0] || r->address[0]) {
        int rc = household_for(c, im, r, &hh, &area_id, path, sizeof path);
        if (rc != 0)
            return rc;
        if (hh != cur->household_id)
            in.household_id = hh;
    }
    if (!in.name && !in.phone && !in.category && !in.employer && in.flags < 0 && in.party_member < 0 &&
        !in.household_id)
        return 0;
    person out;
    fx_err e = {0};
    int rc = person_update(c, im->who, cur->id, &in, &out, &e);
    if (rc != 0) {
        im->err = e;
        return rc;
    }
    *changed = true;
    return 0;
}

static long long import_row_of(db_conn *c, int64_t person_id)
{
    int64_t row = 0;
    db_one_i64(c, "SELECT COALESCE(import_row, 0) FROM persons WHERE id = $1", person_id, &row);
    return row;
}

static int write_batch(db_conn *c, void *arg)
{
    struct batch *p = arg;
    struct importer *im = p->im;
    for (int i = 0; i < p->n; i++) {
        struct row *r = &p->rows[i];
        int rc = 0;
        if (!r->reject) {
            /* New people are the common case: try the insert first. */
            int64_t hh, area_id;
            char path[FX_AREA_PATH_MAX];
            rc = household_for(c, im, r, &hh, &area_id, path, sizeof path);
            if (rc == 0)
                rc = insert_person(c, im, r, hh, area_id, path);
            if (rc == 0) {
                p->accepted++;
            } else if (rc == 1) {
                person cur;
                rc = person_get_by_number(c, r->n.id_number, &cur) == DB_ROW ? 0 : DB_ERR;
                if (rc == 0 && !actor_in_scope(im->who, cur.area_path)) {
                    reject(r, "id_number", "this person is registered in an area outside yours: ask that area's "
                                           "staff to move them to you");
                } else if (rc == 0) {
                    bool changed;
                    rc = merge_person(c, im, r, &cur, &changed);
                    if (rc == 0) {
                        changed ? p->merged++ : p->unchanged++;
                        if (cur.import_id == im->import_id) { /* the same person twice in one file */
                            char why[160];
                            snprintf(why, sizeof why, "the same ID number as row %lld of this file: %s",
                                     import_row_of(c, cur.id),
                                     changed ? "merged into one person" : "identical, kept once");
                            r->warning = true;
                            fx_copy(r->field, sizeof r->field, "id_number");
                            fx_copy(r->reason, sizeof r->reason, why);
                        }
                    }
                }
            }
            if (rc == FX_EPERM || rc == FX_EINVAL || rc == FX_ECONFLICT) {
                reject(r, "row", im->err.msg);
                rc = 0;
            }
            if (rc != 0) {
                fx_log(FX_LOG_ERROR, "import %lld row %lld: %s", (long long)im->import_id, r->row_no, db_errmsg(c));
                return rc;
            }
        }
        if (r->reject)
            p->rejected++;
        if ((r->reject || r->warning) && save_reject(c, im, r) != 0)
            return DB_ERR;
    }
    if (delta_flush(c, im) != 0)
        return DB_ERR;
    db_stmt *s = db_prepare(c, "UPDATE imports SET rows_total = $1, accepted = $2, merged = $3, unchanged = $4,"
                               " rejected = $5, bytes_done = $6, encoding = $7 WHERE id = $8");
    if (!s)
        return DB_ERR;
    const import_progress *t = &im->prog; /* totals of the batches before this one */
    db_bind_i64(s, 1, p->rows_seen);
    db_bind_i64(s, 2, t->accepted + p->accepted);
    db_bind_i64(s, 3, t->merged + p->merged);
    db_bind_i64(s, 4, t->unchanged + p->unchanged);
    db_bind_i64(s, 5, t->rejected + p->rejected);
    db_bind_i64(s, 6, p->bytes_seen);
    db_bind_text(s, 7, t->encoding ? t->encoding : "");
    db_bind_i64(s, 8, im->import_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static void batch_done(db_job *job)
{
    struct batch *b = (struct batch *)((char *)job - offsetof(struct batch, job));
    pthread_mutex_lock(&b->im->mu);
    b->done = true;
    pthread_cond_signal(&b->im->cv);
    pthread_mutex_unlock(&b->im->mu);
}

/* Waits for the batch being written; adds its counts. 0, or the error. */
static int settle(struct importer *im)
{
    struct batch *b = im->busy;
    if (!b)
        return 0;
    pthread_mutex_lock(&im->mu);
    while (!b->done)
        pthread_cond_wait(&im->cv, &im->mu);
    pthread_mutex_unlock(&im->mu);
    im->busy = NULL;
    if (b->job.rc != 0) {
        /* rolled back: the caches may name areas and households that are gone */
        memset(im->areas, 0, sizeof *im->areas * AREA_CACHE);
        memset(im->hhs, 0, sizeof *im->hhs * HH_CACHE);
        im->ndeltas = 0;
        if (im->err.kind == 0 || im->err.kind == FX_EINTERNAL)
            fx_fail(&im->err, FX_EINTERNAL, "db_error",
                    "the database refused rows %lld-%lld; nothing of them was kept: try again",
                    b->rows[0].row_no, b->rows[b->n ? b->n - 1 : 0].row_no);
        b->n = 0;
        return im->err.kind;
    }
    im->prog.accepted += b->accepted;
    im->prog.merged += b->merged;
    im->prog.unchanged += b->unchanged;
    im->prog.rejected += b->rejected;
    b->n = 0;
    if (im->o->progress)
        im->o->progress(&im->prog, im->o->progress_ud);
    return 0;
}

/* Hands the filled batch to the writer and goes on filling the other one. */
static int flush(struct importer *im, bool last)
{
    int rc = settle(im);
    if (rc != 0)
        return rc;
    struct batch *b = im->fill;
    if (b->n) {
        b->rows_seen = im->prog.rows;
        b->bytes_seen = im->prog.bytes_done;
        b->accepted = b->merged = b->unchanged = b->rejected = 0;
        b->done = false;
        b->job = (db_job){.fn = write_batch, .arg = b, .done = batch_done};
        rc = db_submit(im->d, &b->job);
        if (rc != 0)
            return fx_fail(&im->err, FX_EBUSY, "busy", "the server is too busy to take the rows; try again later");
        im->busy = b;
        im->fill = b == &im->b[0] ? &im->b[1] : &im->b[0];
    }
    return last ? settle(im) : 0;
}

/* ---- merchants ---- */

enum mcol { M_NAME, M_LICENCE, M_STREET, M_ADDRESS, M_CONTACT, M_PHONE, M_NCOLS };

static const char *const mcol_names[M_NCOLS][8] = {
    [M_NAME] = {"name", "商户名称", "名称", "店名", "商户"},
    [M_LICENCE] = {"licence", "license", "营业执照", "营业执照号", "统一社会信用代码", "执照号"},
    [M_STREET] = {"street", "街道", "所在街道", "小区"},
    [M_ADDRESS] = {"address", "地址", "门牌号", "经营地址"},
    [M_CONTACT] = {"contact_name", "contact", "联系人", "负责人", "经营者"},
    [M_PHONE] = {"contact_phone", "phone", "联系电话", "电话", "手机号"},
};

struct mrow {
    long long row_no;
    char problem[200]; /* a row that could not be read: rejected with this reason */
    merchant_input in;
    char v[M_NCOLS][256];
    char raw[RAW_MAX + 1];
};

struct mbatch {
    struct importer *im;
    struct mrow *rows;
    int n;
    long long accepted, merged, unchanged, rejected;
};

static void mreject(db_conn *c, struct importer *im, const struct mrow *m, const char *field, const char *reason)
{
    struct row r = {.row_no = m->row_no, .reject = true};
    fx_copy(r.field, sizeof r.field, field);
    fx_copy(r.reason, sizeof r.reason, reason);
    fx_copy(r.raw, sizeof r.raw, m->raw);
    save_reject(c, im, &r);
}

/* The street (compound) a merchant row names: an area code, or a name under the import's area. */
static int street_of(db_conn *c, struct importer *im, const char *street, area *out)
{
    if (!*street) {
        *out = im->root;
        return 0;
    }
    if (area_get(c, street, out) == DB_ROW)
        return actor_in_scope(im->who, out->path) ? 0 : FX_EPERM;
    return child_area(c, im, &im->root, "compound", 'S', street, out);
}

static int write_merchants(db_conn *c, void *arg)
{
    struct mbatch *b = arg;
    struct importer *im = b->im;
    for (int i = 0; i < b->n; i++) {
        struct mrow *m = &b->rows[i];
        if (m->problem[0]) {
            mreject(c, im, m, "row", m->problem);
            b->rejected++;
            continue;
        }
        area st;
        int rc = street_of(c, im, m->v[M_STREET], &st);
        if (rc != 0) {
            mreject(c, im, m, "street", rc == FX_EPERM ? "this street is outside your area" : im->err.msg);
            b->rejected++;
            continue;
        }
        m->in.area = st.code;
        /* the same merchant: by licence when there is one, else by name on the street */
        db_stmt *q = db_prepare(c, m->in.licence && *m->in.licence
                                       ? "SELECT id FROM merchants WHERE licence = upper($1)"
                                       : "SELECT id FROM merchants WHERE area_id = $2 AND name = $1");
        if (!q)
            return DB_ERR;
        db_bind_text(q, 1, m->in.licence && *m->in.licence ? m->in.licence : m->in.name);
        db_bind_i64(q, 2, st.id);
        int64_t id = db_step(q) == DB_ROW ? db_col_i64(q, 0) : 0;
        db_done(q);
        merchant out, cur;
        fx_err e = {0};
        if (!id) {
            rc = merchant_create(c, im->who, &m->in, &out, &e);
            if (rc == 0)
                b->accepted++;
        } else if (merchant_get(c, id, &cur) == DB_ROW) {
            merchant_input upd = m->in; /* empty cells keep what is there */
            upd.licence = m->in.licence && *m->in.licence ? m->in.licence : NULL;
            upd.address = *m->v[M_ADDRESS] ? m->in.address : NULL;
            upd.contact_name = *m->v[M_CONTACT] ? m->in.contact_name : NULL;
            upd.contact_phone = *m->v[M_PHONE] ? m->in.contact_phone : NULL;
            rc = merchant_update(c, im->who, id, &upd, &out, &e);
            if (rc == 0) {
                bool same = !strcmp(out.name, cur.name) && !strcmp(out.address, cur.address) &&
                            !strcmp(out.contact_name, cur.contact_name) &&
                            !strcmp(out.contact_phone, cur.contact_phone) && out.area_id == cur.area_id;
                same ? b->unchanged++ : b->merged++;
            }
        }
        if (rc == FX_EINVAL || rc == FX_ECONFLICT || rc == FX_EPERM) {
            const char *colon = strstr(e.msg, ": ");
            char field[32] = "row";
            if (colon && (size_t)(colon - e.msg) < sizeof field) {
                memcpy(field, e.msg, (size_t)(colon - e.msg));
                field[colon - e.msg] = '\0';
            }
            mreject(c, im, m, field, colon ? colon + 2 : e.msg);
            b->rejected++;
        } else if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int run_merchants(struct importer *im, fx_csv *csv, const fx_csv_row *header, fx_err *err)
{
    int col[M_NCOLS];
    for (int c = 0; c < M_NCOLS; c++)
        col[c] = -1;
    int ncols = header->nfields;
    for (int i = 0; i < header->nfields; i++) {
        int c = map_header(header->fields[i], mcol_names, M_NCOLS);
        if (c >= 0 && col[c] < 0)
            col[c] = i;
    }
    if (col[M_NAME] < 0)
        return fx_fail(err, FX_EINVAL, "missing_columns", "the header row needs the column 商户名称 (name)");
    struct mbatch b = {.im = im, .rows = calloc(500, sizeof *b.rows)};
    if (!b.rows)
        return fx_fail(err, FX_EINTERNAL, "no_memory", "out of memory");
    fx_csv_row row;
    int got, rc = 0;
    while (rc == 0) {
        got = fx_csv_next(csv, &row);
        if (got < 0)
            rc = fx_fail(err, FX_EINVAL, "read_error", "the file could not be read to its end");
        bool end = got != 1;
        if (!end && row.nfields == 1 && !row.problem && !row.fields[0][0])
            continue;
        if (!end) {
            struct mrow *m = &b.rows[b.n++];
            memset(m, 0, sizeof *m);
            m->row_no = row.record;
            raw_line(&row, m->raw, sizeof m->raw);
            im->prog.rows++;
            const char *bad = row.problem;
            char why[160];
            if (!bad && row.nfields != ncols) {
                snprintf(why, sizeof why, "the row has %d fields but the header has %d", row.nfields, ncols);
                bad = why;
            }
            if (bad) {
                fx_copy(m->problem, sizeof m->problem, bad);
            } else {
                for (int c = 0; c < M_NCOLS; c++)
                    if (col[c] >= 0)
                        fx_copy(m->v[c], sizeof m->v[c], row.fields[col[c]]);
            }
            m->in = (merchant_input){.name = m->v[M_NAME], .licence = m->v[M_LICENCE], .address = m->v[M_ADDRESS],
                                     .contact_name = m->v[M_CONTACT], .contact_phone = m->v[M_PHONE]};
            im->prog.bytes_done = fx_csv_bytes_read(csv);
        }
        if (b.n == 500 || (end && b.n)) {
            int wrc = db_write(im->d, write_merchants, &b);
            if (wrc != 0) {
                rc = wrc;
                fx_fail(err, FX_EINTERNAL, "db_error", "the database refused rows up to %lld: try again",
                        b.rows[b.n - 1].row_no);
                break;
            }
            im->prog.accepted += b.accepted;
            im->prog.merged += b.merged;
            im->prog.unchanged += b.unchanged;
            im->prog.rejected += b.rejected;
            b.accepted = b.merged = b.unchanged = b.rejected = 0;
            b.n = 0;
            if (im->o->progress)
                im->o->progress(&im->prog, im->o->progress_ud);
        }
        if (end)
            break;
    }
    free(b.rows);
    return rc ? err->kind : 0;
}

/* ---- the import record ---- */

int import_create(db_conn *c, const actor *who, const import_opts *o, long long bytes_total, int64_t *import_id,
                  fx_err *err)
{
    area a;
    if (area_get(c, o->area, &a) != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area %.64s does not exist", o->area);
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %.64s is outside your area", o->area);
    db_stmt *s = db_prepare(c, "INSERT INTO imports (id, kind, area_id, file_name, bytes_total, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not start the import");
    *import_id = fx_id_next();
    db_bind_i64(s, 1, *import_id);
    db_bind_text(s, 2, o->kind ? o->kind : "persons");
    db_bind_i64(s, 3, a.id);
    db_bind_text(s, 4, o->file_name ? o->file_name : "");
    db_bind_i64(s, 5, bytes_total);
    db_bind_text(s, 6, who->log.name ? who->log.name : "");
    db_bind_i64(s, 7, fx_now());
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : fx_fail(err, FX_EINTERNAL, "db_error", "could not start the import");
}

struct begin_job {
    const actor *who;
    const import_opts *o;
    long long bytes;
    int64_t id;
    fx_err *err;
};

static int begin_job(db_conn *c, void *arg)
{
    struct begin_job *j = arg;
    return import_create(c, j->who, j->o, j->bytes, &j->id, j->err);
}

int import_begin(db *d, const actor *who, const import_opts *o, long long bytes_total, int64_t *import_id,
                 fx_err *err)
{
    struct begin_job j = {who, o, bytes_total, 0, err};
    int rc = db_write(d, begin_job, &j);
    if (rc != 0)
        return err->kind ? err->kind : fx_fail(err, FX_EINTERNAL, "db_error", "could not start the import");
    *import_id = j.id;
    return 0;
}

static int drop_indexes_job(db_conn *c, void *arg)
{
    (void)arg;
    int64_t any = 0;
    if (db_query_i64(c, "SELECT COUNT(*) FROM (SELECT 1 FROM persons LIMIT 1)", &any) != DB_ROW)
        return DB_ERR;
    return any ? 1 : person_indexes_drop(c, false); /* 1: not empty, indexes stay */
}

static int ensure_indexes_job(db_conn *c, void *arg)
{
    (void)arg;
    return person_indexes_ensure(c);
}

int import_bulk_begin(db *d) { return db_write(d, drop_indexes_job, NULL) == 0 ? 1 : 0; }
int import_bulk_end(db *d) { return db_write(d, ensure_indexes_job, NULL); }

struct end_job {
    struct importer *im;
    const char *status, *message;
};

static int end_job(db_conn *c, void *arg)
{
    struct end_job *j = arg;
    struct importer *im = j->im;
    db_stmt *s = db_prepare(c, "UPDATE imports SET status = $1, message = $2, finished_at = $3, bytes_done = $4,"
                               " encoding = $5, rows_total = $7, accepted = $8, merged = $9, unchanged = $10,"
                               " rejected = $11 WHERE id = $6");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, j->status);
    db_bind_text(s, 2, j->message);
    db_bind_i64(s, 3, fx_now());
    db_bind_i64(s, 4, im->prog.bytes_done);
    db_bind_text(s, 5, im->prog.encoding ? im->prog.encoding : "");
    db_bind_i64(s, 6, im->import_id);
    db_bind_i64(s, 7, im->prog.rows);
    db_bind_i64(s, 8, im->prog.accepted);
    db_bind_i64(s, 9, im->prog.merged);
    db_bind_i64(s, 10, im->prog.unchanged);
    db_bind_i64(s, 11, im->prog.rejected);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    char detail[400], idbuf[24];
    snprintf(detail, sizeof detail,
             "{\"status\":\"%s\",\"rows\":%lld,\"accepted\":%lld,\"merged\":%lld,\"unchanged\":%lld,\"rejected\":%lld}",
             j->status, im->prog.rows, im->prog.accepted, im->prog.merged, im->prog.unchanged, im->prog.rejected);
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)im->import_id);
    return audit_record(c, &im->who->log, "import", "import", idbuf, detail);
}

static void finish(struct importer *im, const char *status, const char *message)
{
    if (im->bulk && import_bulk_end(im->d) != 0)
        fx_log(FX_LOG_ERROR, "import %lld: could not rebuild the person indexes; they are rebuilt at the next start",
               (long long)im->import_id);
    struct end_job j = {im, status, message};
    db_write(im->d, end_job, &j);
}

int import_run(db *d, const actor *who, int fd, const import_opts *o, import_progress *out, fx_err *err)
{
    struct importer im = {.d = d, .who = who, .o = o};
    memset(out, 0, sizeof *out);
    struct stat st;
    long long size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    if (o->max_bytes && size > o->max_bytes)
        return fx_fail(err, FX_EINVAL, "file_too_large",
                       "the file has %lld MB; at most %lld MB are accepted: split it into smaller files",
                       size >> 20, o->max_bytes >> 20);
    int rc;
    im.import_id = o->import_id;
    if (!im.import_id && (rc = import_begin(d, who, o, size, &im.import_id, err)) != 0)
        return rc;
    im.prog.import_id = im.import_id;
    im.prog.bytes_total = size;
    db_conn *rd = db_reader(d);
    if (!rd || area_get(rd, o->area, &im.root) != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area %.64s does not exist", o->area);
    char msg[300];
    fx_csv *csv = fx_csv_open(fd, MAX_RECORD, msg, sizeof msg);
    if (!csv) {
        fx_fail(err, FX_EINVAL, "not_csv", "%s", msg);
        finish(&im, "failed", err->msg);
        *out = im.prog;
        return err->kind;
    }
    im.prog.encoding = fx_csv_encoding(csv);
    if ((!o->kind || strcmp(o->kind, "persons") == 0) && size >= (4 << 20) && !o->caller_bulk)
        im.bulk = import_bulk_begin(d) == 1;
    im.batch_max = o->batch_rows > 0 ? o->batch_rows : 2000;
    for (int i = 0; i < 2; i++) {
        im.b[i].im = &im;
        im.b[i].rows = malloc(sizeof *im.b[i].rows * (size_t)im.batch_max);
    }
    im.fill = &im.b[0];
    pthread_mutex_init(&im.mu, NULL);
    pthread_cond_init(&im.cv, NULL);
    im.areas = calloc(AREA_CACHE, sizeof *im.areas);
    im.hhs = calloc(HH_CACHE, sizeof *im.hhs);
    if (!im.b[0].rows || !im.b[1].rows || !im.areas || !im.hhs) {
        rc = fx_fail(err, FX_EINTERNAL, "no_memory", "out of memory");
        goto out;
    }
    fx_csv_row row;
    int got = fx_csv_next(csv, &row);
    if (got != 1) {
        rc = fx_fail(err, FX_EINVAL, "empty_file", "the file is empty: it needs a header row and data rows");
        goto out;
    }
    if (o->kind && strcmp(o->kind, "merchants") == 0) {
        rc = run_merchants(&im, csv, &row, err);
        goto out;
    }
    for (int c = 0; c < C_NCOLS; c++)
        im.col[c] = -1;
    im.ncols = row.nfields;
    for (int i = 0; i < row.nfields; i++) {
        int c = map_header(row.fields[i], col_names, C_NCOLS);
        if (c >= 0 && im.col[c] < 0)
            im.col[c] = i;
    }
    if (im.col[C_NAME] < 0 || im.col[C_IDNUM] < 0) {
        fx_str found;
        fx_str_init(&found, 400);
        for (int i = 0; i < row.nfields && i < 20; i++)
            fx_str_addf(&found, "%s%s", i ? ", " : "", row.fields[i]);
        rc = fx_fail(err, FX_EINVAL, "missing_columns",
                     "the header row needs the columns 姓名 (name) and 身份证号 (id_number); it has: %s",
                     found.p ? found.p : "(nothing)");
        fx_str_free(&found);
        goto out;
    }
    while ((got = fx_csv_next(csv, &row)) == 1) {
        if (row.nfields == 1 && !row.problem && !row.fields[0][0])
            continue; /* blank line */
        im.prog.rows++;
        check_row(&im, &row);
        if (row.warning && !im.fill->rows[im.fill->n - 1].reject) {
            struct row *r = &im.fill->rows[im.fill->n - 1];
            r->warning = true;
            fx_copy(r->field, sizeof r->field, "row");
            fx_copy(r->reason, sizeof r->reason, row.warning);
        }
        im.prog.bytes_done = fx_csv_bytes_read(csv);
        im.prog.encoding = fx_csv_encoding(csv); /* settles with the first non-ASCII row */
        if (im.fill->n == im.batch_max && (rc = flush(&im, false)) != 0) {
            *err = im.err;
            goto out;
        }
        if (o->cancel && atomic_load(o->cancel) && im.fill->n == 0) {
            rc = fx_fail(err, FX_EBUSY, "stopped", "the server stopped after row %lld; the rows before it are "
                                                   "kept: import the file again to finish", im.prog.rows + 1);
            goto out;
        }
    }
    im.prog.bytes_done = fx_csv_bytes_read(csv);
    if (got < 0) {
        rc = fx_fail(err, FX_EINVAL, "read_error", "the file could not be read to its end (after row %lld)",
                     im.prog.rows + 1);
        goto out;
    }
    if ((rc = flush(&im, true)) != 0)
        *err = im.err;
out:
    if (settle(&im) != 0 && rc == 0) { /* a batch still with the writer must finish before we free it */
        rc = im.err.kind;
        *err = im.err;
    }
    if (csv)
        fx_csv_close(csv);
    if (rc == 0) {
        snprintf(msg, sizeof msg, "%lld rows: %lld new, %lld merged, %lld unchanged, %lld rejected", im.prog.rows,
                 im.prog.accepted, im.prog.merged, im.prog.unchanged, im.prog.rejected);
        finish(&im, "done", msg);
    } else {
        finish(&im, "failed", err->msg);
    }
    *out = im.prog;
    free(im.b[0].rows);
    free(im.b[1].rows);
    pthread_mutex_destroy(&im.mu);
    pthread_cond_destroy(&im.cv);
    free(im.areas);
    free(im.hhs);
    return rc;
}

int import_rejects(db_conn *c, int64_t import_id, import_reject_fn fn, void *ud)
{
    db_stmt *s = db_prepare(c, "SELECT row_no, level, field, reason, raw FROM import_rejects WHERE import_id = $1"
                               " ORDER BY row_no, field");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, import_id);
    int rc, n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        fn(db_col_i64(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), db_col_text(s, 4), ud);
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}
