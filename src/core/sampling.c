/* sampling.c — applying a batch of sampling events. The batch is one writer job:
 * rounds, sites, tubes and area paths it touches are read once and kept in small
 * per-batch caches; tube fill counts and coverage are written once at the end. */
#include "core/sampling.h"

#include "core/person.h"
#include "core/round.h"
#include "core/site.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const type_names[] = {"tube_open", "sample", "tube_seal", "box_seal"};
static const char *const warning_names[] = {"already_sampled", "recall_retest", "walk_in", "pool_above_policy"};

void sampling_reject(sampling_event *e, const char *code, const char *fmt, ...)
{
    e->status = SEV_REJECTED;
    fx_copy(e->err_code, sizeof e->err_code, code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err_msg, sizeof e->err_msg, fmt, ap);
    va_end(ap);
}

int sampling_warning_names(unsigned w, const char *out[4])
{
    int n = 0;
    for (int i = 0; i < 4; i++)
        if (w & (1u << i))
            out[n++] = warning_names[i];
    return n;
}

bool sampling_is_recall(db_conn *c, int64_t round_id, int64_t person_id)
{
    /* on the recall list of this round (an invalid or positive tube, a damaged one, an
     * isolation test day, a referral at a checkpoint or a door-to-door visit) */
    int64_t one = 0;
    db_stmt *s = db_prepare(c, "SELECT 1 FROM recalls WHERE person_id = $1 AND round_id = $2 LIMIT 1");
    if (!s)
        return false;
    db_bind_i64(s, 1, person_id);
    db_bind_i64(s, 2, round_id);
    if (db_step(s) == DB_ROW)
        one = db_col_i64(s, 0);
    db_done(s);
    return one == 1;
}

/* ---- per-batch caches ---- */
struct round_c {
    fx_round r;
    round_area areas[ROUND_AREAS_MAX];
    int nareas;
    bool has_exempt;
    bool has_called; /* recalls without a tube (isolation tests, field referrals): a first sample may be one */
};
struct site_c {
    site s;
    bool allowed;
    int64_t policy_round; /* the round whose default pool size is in policy */
    int policy;
};
struct tube_c {
    int64_t id, round_id, site_id, opened_at, sealed_at, box_id;
    int pool_size, samples, added;
    bool dirty;
    char barcode[72];
};
struct area_c {
    int64_t id;
    char path[FX_AREA_PATH_MAX];
};
struct delta {
    int64_t round_id, area_id, hour, d_in, d_sampled, d_exempt;
};

#define VEC(T)                                                                                               \
    struct {                                                                                                 \
        T *v;                                                                                                \
        size_t n, cap;                                                                                       \
    }

struct batch {
    db_conn *c;
    const actor *who;
    int64_t now;
    VEC(struct round_c) rounds;
    VEC(struct site_c) sites;
    VEC(struct tube_c) tubes;
    VEC(struct area_c) areas;
    VEC(struct delta) deltas; /* by (round, the person's own area, hour) */
    size_t area_last;         /* areas.v index of the last hit: samples come in runs from one place */
    fx_str opened, sealed, boxes, walk_ins, rejected;
    sampling_summary *sum;
};

/* Grows a VEC by one zeroed element; NULL when out of memory. */
#define VEC_PUSH(vec)                                                                                        \
    ((vec).n < (vec).cap || vec_grow((void **)&(vec).v, &(vec).cap, sizeof *(vec).v)                         \
         ? memset(&(vec).v[(vec).n++], 0, sizeof *(vec).v)                                                   \
         : NULL)

static bool vec_grow(void **v, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, ncap * elem);
    if (!p)
        return false;
    *v = p;
    *cap = ncap;
    return true;
}

static struct round_c *get_round(struct batch *b, int64_t id)
{
    for (size_t i = b->rounds.n; i-- > 0;)
        if (b->rounds.v[i].r.id == id)
            return &b->rounds.v[i];
    fx_round r;
    if (round_get(b->c, id, &r) != DB_ROW)
        return NULL;
    struct round_c *rc = VEC_PUSH(b->rounds);
    if (!rc)
        return NULL;
    rc->r = r;
    rc->nareas = round_areas(b->c, id, rc->areas, ROUND_AREAS_MAX);
    db_stmt *s = db_prepare(b->c, "SELECT 1 FROM exemptions WHERE round_id = $1 LIMIT 1");
    if (!s)
        return NULL;
    db_bind_i64(s, 1, id);
    rc->has_exempt = db_step(s) == DB_ROW; /* else no sample needs to look for an exemption */
    db_done(s);
    s = db_prepare(b->c, "SELECT 1 FROM recalls WHERE round_id = $1 AND tube_id IS NULL LIMIT 1");
    if (!s)
        return NULL;
    db_bind_i64(s, 1, id);
    rc->has_called = db_step(s) == DB_ROW;
    db_done(s);
    return rc;
}

static struct site_c *get_site(struct batch *b, int64_t id)
{
    for (size_t i = b->sites.n; i-- > 0;)
        if (b->sites.v[i].s.id == id)
            return &b->sites.v[i];
    site s;
    if (site_get(b->c, id, &s) != DB_ROW)
        return NULL;
    struct site_c *sc = VEC_PUSH(b->sites);
    if (!sc)
        return NULL;
    sc->s = s;
    sc->allowed = site_actor_allowed(b->c, b->who, &s);
    return sc;
}

static struct tube_c *find_tube(struct batch *b, const char *barcode)
{
    for (size_t i = b->tubes.n; i-- > 0;)
        if (strcmp(b->tubes.v[i].barcode, barcode) == 0)
            return &b->tubes.v[i];
    db_stmt *s = db_prepare(b->c, "SELECT id, round_id, site_id, pool_size, samples, opened_at, COALESCE(sealed_at, 0),"
                                  " COALESCE(box_id, 0) FROM tubes WHERE barcode = $1");
    if (!s)
        return NULL;
    db_bind_text(s, 1, barcode);
    struct tube_c *t = NULL;
    if (db_step(s) == DB_ROW && (t = VEC_PUSH(b->tubes))) {
        t->id = db_col_i64(s, 0);
        t->round_id = db_col_i64(s, 1);
        t->site_id = db_col_i64(s, 2);
        t->pool_size = (int)db_col_i64(s, 3);
        t->samples = (int)db_col_i64(s, 4);
        t->opened_at = db_col_i64(s, 5);
        t->sealed_at = db_col_i64(s, 6);
        t->box_id = db_col_i64(s, 7);
        fx_copy(t->barcode, sizeof t->barcode, barcode);
    }
    db_done(s);
    return t;
}

static const char *area_path(struct batch *b, int64_t id)
{
    if (b->area_last < b->areas.n && b->areas.v[b->area_last].id == id)
        return b->areas.v[b->area_last].path;
    for (size_t i = 0; i < b->areas.n; i++)
        if (b->areas.v[i].id == id)
            return b->areas.v[b->area_last = i].path;
    db_stmt *s = db_prepare(b->c, "SELECT path FROM areas WHERE id = $1");
    if (!s)
        return NULL;
    db_bind_i64(s, 1, id);
    const char *path = NULL;
    struct area_c *a;
    if (db_step(s) == DB_ROW && (a = VEC_PUSH(b->areas))) {
        a->id = id;
        fx_copy(a->path, sizeof a->path, db_col_text(s, 0));
        b->area_last = b->areas.n - 1;
        path = a->path;
    }
    db_done(s);
    return path;
}

static bool in_scope(const struct round_c *r, const char *path)
{
    for (int i = 0; i < r->nareas; i++)
        if (strncmp(path, r->areas[i].path, strlen(r->areas[i].path)) == 0)
            return true;
    return false;
}

static int add_delta(struct batch *b, int64_t round_id, int64_t area_id, int64_t hour, int d_in, int d_sampled,
                     int d_exempt)
{
    struct delta *d = NULL;
    for (size_t i = b->deltas.n; i-- > 0 && !d;)
        if (b->deltas.v[i].round_id == round_id && b->deltas.v[i].area_id == area_id && b->deltas.v[i].hour == hour)
            d = &b->deltas.v[i];
    if (!d && !(d = VEC_PUSH(b->deltas)))
        return -1;
    d->round_id = round_id;
    d->area_id = area_id;
    d->hour = hour;
    d->d_in += d_in;
    d->d_sampled += d_sampled;
    d->d_exempt += d_exempt;
    return 0;
}

/* ---- the events table: duplicates, and what each event was answered ---- */

static int record_event(struct batch *b, sampling_event *e)
{
    db_stmt *s = db_prepare(b->c, "INSERT INTO sampling_events (client_id, type, status, error_code, warnings, event_at,"
                                  " received_at, user_id) VALUES ($1, $2, $3, $4, '', $5, $6, $7)"
                                  " ON CONFLICT (client_id) DO NOTHING");
    if (!s)
        return DB_ERR;
    bool pre = e->status == SEV_REJECTED;
    db_bind_text_ref(s, 1, e->id); /* each outlives the statement: no copies */
    db_bind_text_ref(s, 2, pre ? "invalid" : type_names[e->type]);
    db_bind_text_ref(s, 3, pre ? "rejected" : "ok");
    db_bind_text_ref(s, 4, pre ? e->err_code : "");
    db_bind_i64(s, 5, e->at);
    db_bind_i64(s, 6, b->now);
    if (b->who->p && b->who->p->user_id)
        db_bind_i64(s, 7, b->who->p->user_id);
    else
        db_bind_null(s, 7);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    if (db_changes(b->c) == 0) {
        e->status = SEV_DUPLICATE;
        e->warnings = 0;
        e->err_code[0] = e->err_msg[0] = '\0';
    }
    return 0;
}

static int finish_event(struct batch *b, sampling_event *e)
{
    if (e->status == SEV_OK && !e->warnings)
        return 0;
    const char *w[4];
    int nw = sampling_warning_names(e->warnings, w);
    char wtext[96] = "";
    for (int i = 0, len = 0; i < nw; i++)
        len += snprintf(wtext + len, sizeof wtext - (size_t)len, "%s%s", i ? "," : "", w[i]);
    db_stmt *s = db_prepare(b->c, "UPDATE sampling_events SET status = $2, error_code = $3, warnings = $4"
                                  " WHERE client_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, e->id);
    db_bind_text(s, 2, e->status == SEV_REJECTED ? "rejected" : "ok");
    db_bind_text(s, 3, e->err_code);
    db_bind_text(s, 4, wtext);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

/* ---- checks shared by the event types ---- */

static bool site_ok(struct batch *b, sampling_event *e, struct site_c *sc)
{
    if (sc->allowed)
        return true;
    if (b->who->p && b->who->p->role == ROLE_REGISTRAR)
        sampling_reject(e, "not_site_staff", "you are not on the staff of site %lld; ask its officer to add you",
                        (long long)sc->s.id);
    else
        sampling_reject(e, "site_outside_area", "site %lld is outside your area", (long long)sc->s.id);
    return false;
}

static bool round_ok(sampling_event *e, const struct round_c *r)
{
    if (strcmp(r->r.status, "open") != 0) {
        sampling_reject(e, "round_closed", "round %lld is closed", (long long)r->r.id);
        return false;
    }
    if (e->at < r->r.start_at || e->at > r->r.deadline) {
        sampling_reject(e, "outside_round", "at %lld is outside round %lld (%lld..%lld)", (long long)e->at,
                        (long long)r->r.id, (long long)r->r.start_at, (long long)r->r.deadline);
        return false;
    }
    return true;
}

static struct tube_c *tube_for(struct batch *b, sampling_event *e, const char *barcode)
{
    struct tube_c *t = find_tube(b, barcode);
    if (!t)
        sampling_reject(e, "unknown_tube", "tube %.64s was never opened: send its tube_open first", barcode);
    return t;
}

/* ---- the four events ---- */

static int tube_open(struct batch *b, sampling_event *e)
{
    struct round_c *r = get_round(b, e->round_id);
    if (!r || !round_visible(b->c, b->who->p, r->r.id)) {
        sampling_reject(e, "round_not_found", "round: %lld does not exist in your area", (long long)e->round_id);
        return 0;
    }
    struct site_c *sc = get_site(b, e->site_id);
    if (!sc) {
        sampling_reject(e, "site_not_found", "site: %lld does not exist", (long long)e->site_id);
        return 0;
    }
    if (!site_ok(b, e, sc) || !round_ok(e, r))
        return 0;
    struct tube_c *t = find_tube(b, e->tube);
    if (t) {
        if (t->round_id != r->r.id)
            sampling_reject(e, "tube_other_round", "tube %.64s belongs to round %lld, not %lld", e->tube,
                            (long long)t->round_id, (long long)r->r.id);
        else
            sampling_reject(e, "tube_in_use", "tube %.64s is already open (site %lld): use a new tube", e->tube,
                            (long long)t->site_id);
        return 0;
    }
    if (sc->policy_round != r->r.id) {
        sc->policy_round = r->r.id;
        sc->policy = round_pool_size(b->c, &r->r, sc->s.area_path, NULL);
    }
    if (e->pool_size > sc->policy)
        e->warnings |= SEW_POOL_ABOVE_POLICY;
    if (!(t = VEC_PUSH(b->tubes)))
        return DB_ERR;
    t->id = fx_id_next();
    t->round_id = r->r.id;
    t->site_id = sc->s.id;
    t->pool_size = e->pool_size;
    t->opened_at = e->at;
    fx_copy(t->barcode, sizeof t->barcode, e->tube);
    db_stmt *s = db_prepare(b->c, "INSERT INTO tubes (id, barcode, round_id, site_id, top_area_id, pool_size, samples,"
                                  " opened_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_text(s, 2, t->barcode);
    db_bind_i64(s, 3, t->round_id);
    db_bind_i64(s, 4, t->site_id);
    db_bind_i64(s, 5, strtoll(sc->s.area_path + 1, NULL, 10));
    db_bind_i64(s, 6, t->pool_size);
    db_bind_i64(s, 7, t->opened_at);
    db_bind_i64(s, 8, b->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    fx_str_addf(&b->opened, "%s", b->opened.len ? "," : "");
    fx_str_add_json(&b->opened, t->barcode);
    b->sum->tubes_opened++;
    return 0;
}

/* The person a sample names: by personal code, or by ID number; an unknown ID
 * number with a name is a walk-in, registered in the site's area. *repeat: they
 * were sampled in this round before (read in the same statement as the person). */
static int sample_person(struct batch *b, sampling_event *e, const site *st, int64_t round_id, int64_t *pid,
                         int64_t *area_id, bool *walk_in, bool *repeat)
{
    const char *key = e->code;
    const char *sql = "SELECT p.id, p.area_id, EXISTS (SELECT 1 FROM samples s WHERE s.round_id = $2"
                      " AND s.person_id = p.id) FROM persons p WHERE p.personal_code = $1";
    fx_idcard card;
    if (!key) {
        time_t now = (time_t)b->now;
        struct tm tm;
        gmtime_r(&now, &tm);
        fx_id_status st_id = fx_idcard_parse(e->id_number, tm.tm_year + 1900, &card);
        if (st_id != FX_ID_OK && st_id != FX_ID_BAD_LENGTH && st_id != FX_ID_BAD_CHAR) {
            sampling_reject(e, "invalid_id_number", "person.id_number: %s", fx_idcard_problem(st_id));
            return 0;
        }
        key = st_id == FX_ID_OK ? card.number : e->id_number; /* other documents: as written */
        sql = "SELECT p.id, p.area_id, EXISTS (SELECT 1 FROM samples s WHERE s.round_id = $2"
              " AND s.person_id = p.id) FROM persons p WHERE p.id_number = $1";
    }
    db_stmt *s = db_prepare(b->c, sql);
    if (!s)
        return DB_ERR;
    db_bind_text_ref(s, 1, key);
    db_bind_i64(s, 2, round_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *pid = db_col_i64(s, 0);
        *area_id = db_col_i64(s, 1);
        *repeat = db_col_i64(s, 2) != 0;
    }
    db_done(s);
    if (rc == DB_ROW)
        return 0;
    if (rc != DB_DONE)
        return DB_ERR;
    if (e->code) {
        sampling_reject(e, "unknown_personal_code",
                        "person.code %.32s is not anyone's personal code: scan the card again or use the ID number",
                        e->code);
        return 0;
    }
    if (!e->name) {
        sampling_reject(e, "unknown_id_number",
                        "nobody is registered with this ID number: send name and phone to register a walk-in");
        return 0;
    }
    /* the site was authorised above: the walk-in is registered under its authority */
    actor site_actor = {.p = NULL, .log = b->who->log};
    char address[96];
    snprintf(address, sizeof address, "现场登记 walk-in %.64s", e->id);
    person_input in = PERSON_INPUT_NONE;
    in.name = e->name;
    in.id_number = e->id_number;
    in.phone = e->phone;
    in.area = st->area_code;
    in.address = address;
    in.walk_in = 1;
    person p;
    fx_err err = {0};
    rc = person_create(b->c, &site_actor, &in, &p, &err);
    if (rc == FX_EINTERNAL)
        return DB_ERR;
    if (rc) {
        sampling_reject(e, err.code, "walk-in: %s", err.msg);
        return 0;
    }
    *pid = p.id;
    *area_id = p.area_id;
    *walk_in = true;
    fx_str_addf(&b->walk_ins, "%s%lld", b->walk_ins.len ? "," : "", (long long)p.id);
    return 0;
}

/* Withdraws the exemption of someone who came to be sampled after all; true when there was one. */
static int drop_exemption(struct batch *b, int64_t round_id, int64_t person_id)
{
    db_stmt *s = db_prepare(b->c, "DELETE FROM exemptions WHERE round_id = $1 AND person_id = $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, person_id);
    int rc = db_step(s);
    db_done(s);
    return rc != DB_DONE ? DB_ERR : db_changes(b->c) > 0;
}

static int sample(struct batch *b, sampling_event *e)
{
    struct tube_c *t = tube_for(b, e, e->tube);
    if (!t)
        return 0;
    struct round_c *r = get_round(b, t->round_id);
    struct site_c *sc = get_site(b, t->site_id);
    if (!r || !sc)
        return DB_ERR;
    if (!site_ok(b, e, sc) || !round_ok(e, r))
        return 0;
    if (t->sealed_at && e->at > t->sealed_at) {
        sampling_reject(e, "sampled_after_seal", "tube %.64s was sealed at %lld, before this sample (at %lld)", e->tube,
                        (long long)t->sealed_at, (long long)e->at);
        return 0;
    }
    if (t->samples >= t->pool_size) {
        sampling_reject(e, "over_capacity", "tube %.64s already holds %d of %d samples: open a new tube", e->tube,
                        t->samples, t->pool_size);
        return 0;
    }
    int64_t pid = 0, area_id = 0;
    bool walk_in = false, repeat = false;
    int rc = sample_person(b, e, &sc->s, r->r.id, &pid, &area_id, &walk_in, &repeat);
    if (rc < 0 || e->status == SEV_REJECTED)
        return rc;
    const char *path = area_path(b, area_id);
    if (!path)
        return DB_ERR;
    bool recall = (repeat || r->has_called) && sampling_is_recall(b->c, r->r.id, pid);
    e->warnings |= (repeat ? SEW_ALREADY_SAMPLED : 0) | (recall ? SEW_RECALL : 0) | (walk_in ? SEW_WALK_IN : 0);
    db_stmt *s = db_prepare(b->c, "INSERT INTO samples (id, round_id, tube_id, person_id, top_area_id, area_id, site_id,"
                                  " taken_at, walk_in, repeat, recall, created_at)"
                                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, r->r.id);
    db_bind_i64(s, 3, t->id);
    db_bind_i64(s, 4, pid);
    db_bind_i64(s, 5, strtoll(path + 1, NULL, 10));
    db_bind_i64(s, 6, area_id);
    db_bind_i64(s, 7, t->site_id);
    db_bind_i64(s, 8, e->at);
    db_bind_i64(s, 9, walk_in);
    db_bind_i64(s, 10, repeat);
    db_bind_i64(s, 11, recall);
    db_bind_i64(s, 12, b->now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    t->samples++;
    t->added++;
    t->dirty = true;
    b->sum->samples++;
    b->sum->walk_ins += walk_in;
    if (!repeat && in_scope(r, path)) {
        int dropped = r->has_exempt ? drop_exemption(b, r->r.id, pid) : 0;
        if (dropped < 0 || add_delta(b, r->r.id, area_id, e->at - e->at % 3600, walk_in, 1, -dropped) != 0)
            return DB_ERR;
    }
    return 0;
}

static int tube_seal(struct batch *b, sampling_event *e)
{
    struct tube_c *t = tube_for(b, e, e->tube);
    if (!t)
        return 0;
    struct site_c *sc = get_site(b, t->site_id);
    if (!sc)
        return DB_ERR;
    if (!site_ok(b, e, sc))
        return 0;
    if (t->sealed_at) {
        sampling_reject(e, "tube_already_sealed", "tube %.64s was already sealed at %lld", e->tube,
                        (long long)t->sealed_at);
        return 0;
    }
    if (e->at < t->opened_at) {
        sampling_reject(e, "seal_before_open", "tube %.64s was opened at %lld, after this seal (at %lld)", e->tube,
                        (long long)t->opened_at, (long long)e->at);
        return 0;
    }
    int64_t last = 0;
    if (db_one_i64(b->c, "SELECT COALESCE(MAX(taken_at), 0) FROM samples WHERE tube_id = $1", t->id, &last) < 0)
        return DB_ERR;
    if (last > e->at) {
        sampling_reject(e, "seal_before_samples", "tube %.64s holds a sample taken at %lld, after this seal (at %lld)",
                        e->tube, (long long)last, (long long)e->at);
        return 0;
    }
    db_stmt *s = db_prepare(b->c, "UPDATE tubes SET sealed_at = $2 WHERE id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_i64(s, 2, e->at);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    t->sealed_at = e->at;
    fx_str_addf(&b->sealed, "%s", b->sealed.len ? "," : "");
    fx_str_add_json(&b->sealed, t->barcode);
    b->sum->tubes_sealed++;
    return 0;
}

static int box_seal(struct batch *b, sampling_event *e)
{
    int64_t exists = 0;
    db_stmt *s = db_prepare(b->c, "SELECT 1 FROM boxes WHERE barcode = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, e->box);
    exists = db_step(s) == DB_ROW;
    db_done(s);
    if (exists) {
        sampling_reject(e, "box_exists", "box %.64s was already sealed: use a new box", e->box);
        return 0;
    }
    int64_t round_id = 0, site_id = 0; /* of the first tube (cache entries move as the cache grows) */
    for (size_t i = 0; i < e->ntubes; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->tubes[i], e->tubes[j]) == 0) {
                sampling_reject(e, "duplicate_tube", "tubes[%zu]: %.64s is listed twice", i, e->tubes[i]);
                return 0;
            }
        struct tube_c *t = find_tube(b, e->tubes[i]);
        if (!t) {
            sampling_reject(e, "unknown_tube", "tubes[%zu]: tube %.64s was never opened", i, e->tubes[i]);
            return 0;
        }
        struct site_c *sc = get_site(b, t->site_id);
        if (!sc)
            return DB_ERR;
        if (!site_ok(b, e, sc))
            return 0;
        if (!t->sealed_at || t->sealed_at > e->at) {
            sampling_reject(e, "tube_not_sealed", "tubes[%zu]: tube %.64s is not sealed: seal it before boxing it", i,
                            e->tubes[i]);
            return 0;
        }
        if (t->box_id) {
            sampling_reject(e, "tube_in_other_box", "tubes[%zu]: tube %.64s is already in another box", i, e->tubes[i]);
            return 0;
        }
        if (round_id && t->round_id != round_id) {
            sampling_reject(e, "tube_other_round", "tubes[%zu]: tube %.64s belongs to round %lld, not %lld", i,
                            e->tubes[i], (long long)t->round_id, (long long)round_id);
            return 0;
        }
        if (!round_id) {
            round_id = t->round_id;
            site_id = t->site_id;
        }
    }
    struct site_c *sc = get_site(b, site_id);
    int64_t box_id = fx_id_next();
    s = db_prepare(b->c, "INSERT INTO boxes (id, barcode, seal_no, round_id, site_id, top_area_id, tube_count, sealed_at,"
                         " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    if (!s || !sc)
        return DB_ERR;
    db_bind_i64(s, 1, box_id);
    db_bind_text(s, 2, e->box);
    db_bind_text(s, 3, e->seal);
    db_bind_i64(s, 4, round_id);
    db_bind_i64(s, 5, site_id);
    db_bind_i64(s, 6, strtoll(sc->s.area_path + 1, NULL, 10));
    db_bind_i64(s, 7, (int64_t)e->ntubes);
    db_bind_i64(s, 8, e->at);
    db_bind_i64(s, 9, b->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    for (size_t i = 0; i < e->ntubes; i++) {
        struct tube_c *t = find_tube(b, e->tubes[i]);
        s = db_prepare(b->c, "UPDATE tubes SET box_id = $2 WHERE id = $1");
        if (!s || !t)
            return DB_ERR;
        db_bind_i64(s, 1, t->id);
        db_bind_i64(s, 2, box_id);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
        t->box_id = box_id;
    }
    fx_str_addf(&b->boxes, "%s", b->boxes.len ? "," : "");
    fx_str_add_json(&b->boxes, e->box);
    b->sum->boxes_sealed++;
    return 0;
}

/* ---- the end of the batch: tube counts, coverage, audit ---- */

static int cmp_delta(const void *pa, const void *pb)
{
    const struct delta *a = pa, *b = pb;
    if (a->round_id != b->round_id)
        return a->round_id < b->round_id ? -1 : 1;
    if (a->area_id != b->area_id)
        return a->area_id < b->area_id ? -1 : 1;
    return a->hour < b->hour ? -1 : a->hour > b->hour;
}

static int flush_coverage(struct batch *b)
{
    /* each person-area delta goes to its area and every area above it */
    VEC(struct delta) up = {0};
    int rc = 0;
    for (size_t i = 0; i < b->deltas.n && !rc; i++) {
        const struct delta *d = &b->deltas.v[i];
        const char *path = area_path(b, d->area_id);
        for (const char *p = path; p && *p == '/' && p[1] && !rc;) {
            char *end;
            long long id = strtoll(p + 1, &end, 10);
            if (*end != '/')
                break;
            struct delta *u = NULL;
            for (size_t k = 0; k < up.n && !u; k++)
                if (up.v[k].round_id == d->round_id && up.v[k].area_id == id && up.v[k].hour == d->hour)
                    u = &up.v[k];
            if (!u && !(u = VEC_PUSH(up))) {
                rc = DB_ERR;
                break;
            }
            u->round_id = d->round_id;
            u->area_id = id;
            u->hour = d->hour;
            u->d_in += d->d_in;
            u->d_sampled += d->d_sampled;
            u->d_exempt += d->d_exempt;
            p = end;
        }
    }
    if (up.n)
        qsort(up.v, up.n, sizeof *up.v, cmp_delta);
    for (size_t i = 0; i < up.n && !rc;) {
        /* one coverage row per (round, area): the sum over its hours */
        int64_t din = 0, ds = 0, dx = 0;
        size_t j = i;
        for (; j < up.n && up.v[j].round_id == up.v[i].round_id && up.v[j].area_id == up.v[i].area_id; j++) {
            din += up.v[j].d_in;
            ds += up.v[j].d_sampled;
            dx += up.v[j].d_exempt;
            if (!up.v[j].d_sampled)
                continue;
            db_stmt *s = db_prepare(b->c, "INSERT INTO coverage_hourly (round_id, area_id, hour, sampled)"
                                          " VALUES ($1, $2, $3, $4) ON CONFLICT (round_id, area_id, hour)"
                                          " DO UPDATE SET sampled = coverage_hourly.sampled + $4");
            if (!s) {
                rc = DB_ERR;
                break;
            }
            db_bind_i64(s, 1, up.v[j].round_id);
            db_bind_i64(s, 2, up.v[j].area_id);
            db_bind_i64(s, 3, up.v[j].hour);
            db_bind_i64(s, 4, up.v[j].d_sampled);
            if (db_step(s) != DB_DONE)
                rc = DB_ERR;
            db_done(s);
        }
        db_stmt *s = rc ? NULL
                        : db_prepare(b->c, "UPDATE coverage SET in_scope = in_scope + $3, sampled = sampled + $4,"
                                           " exempt = exempt + $5 WHERE round_id = $1 AND area_id = $2");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_i64(s, 1, up.v[i].round_id);
        db_bind_i64(s, 2, up.v[i].area_id);
        db_bind_i64(s, 3, din);
        db_bind_i64(s, 4, ds);
        db_bind_i64(s, 5, dx);
        if (db_step(s) != DB_DONE)
            rc = DB_ERR;
        db_done(s);
        i = j;
    }
    free(up.v);
    return rc;
}

static int flush_tubes(struct batch *b, fx_str *samples)
{
    for (size_t i = 0; i < b->tubes.n; i++) {
        struct tube_c *t = &b->tubes.v[i];
        if (!t->dirty)
            continue;
        db_stmt *s = db_prepare(b->c, "UPDATE tubes SET samples = $2 WHERE id = $1");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, t->id);
        db_bind_i64(s, 2, t->samples);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
        fx_str_addf(samples, "%s", samples->len ? "," : "");
        fx_str_add_json(samples, t->barcode);
        fx_str_addf(samples, ":%d", t->added);
    }
    return 0;
}

static int audit_batch(struct batch *b, size_t n, const fx_str *samples)
{
    fx_str j;
    fx_str_init(&j, (size_t)4 << 20);
    const sampling_summary *m = b->sum;
    fx_str_addf(&j, "{\"events\":%zu,\"ok\":%ld,\"duplicate\":%ld,\"rejected\":%ld,\"tubes_opened\":[%s],"
                    "\"tubes_sealed\":[%s],\"boxes_sealed\":[%s],\"samples\":{%s},\"walk_ins\":[%s],"
                    "\"rejected_ids\":[%s]}",
                n, m->ok, m->duplicate, m->rejected, b->opened.p ? b->opened.p : "", b->sealed.p ? b->sealed.p : "",
                b->boxes.p ? b->boxes.p : "", samples->p ? samples->p : "", b->walk_ins.p ? b->walk_ins.p : "",
                b->rejected.p ? b->rejected.p : "");
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)fx_id_next());
    int rc = j.overflow ? DB_ERR : audit_record(b->c, &b->who->log, "apply", "sampling_batch", idbuf, j.p);
    fx_str_free(&j);
    return rc < 0 ? DB_ERR : 0;
}

int sampling_apply(db_conn *c, const actor *who, sampling_event *ev, size_t n, sampling_summary *sum)
{
    struct batch b = {.c = c, .who = who, .now = fx_now(), .sum = sum};
    memset(sum, 0, sizeof *sum);
    fx_str_init(&b.opened, (size_t)1 << 20);
    fx_str_init(&b.sealed, (size_t)1 << 20);
    fx_str_init(&b.boxes, (size_t)1 << 20);
    fx_str_init(&b.walk_ins, (size_t)1 << 20);
    fx_str_init(&b.rejected, (size_t)1 << 20);
    int rc = 0;
    bool stored = false; /* an event row was written */
    for (size_t i = 0; i < n && rc == 0; i++) {
        sampling_event *e = &ev[i];
        if (e->id && (rc = record_event(&b, e)) != 0)
            break;
        if (e->status == SEV_OK) {
            switch (e->type) {
            case SEV_TUBE_OPEN: rc = tube_open(&b, e); break;
            case SEV_SAMPLE: rc = sample(&b, e); break;
            case SEV_TUBE_SEAL: rc = tube_seal(&b, e); break;
            case SEV_BOX_SEAL: rc = box_seal(&b, e); break;
            }
            if (rc == 0 && e->id)
                rc = finish_event(&b, e);
        }
        sum->ok += e->status == SEV_OK;
        sum->duplicate += e->status == SEV_DUPLICATE;
        stored |= e->id && e->status != SEV_DUPLICATE;
        if (e->status == SEV_REJECTED) {
            sum->rejected++;
            fx_str_addf(&b.rejected, "%s", b.rejected.len ? "," : "");
            fx_str_add_json(&b.rejected, e->id ? e->id : "");
        }
    }
    fx_str samples;
    fx_str_init(&samples, (size_t)1 << 20);
    if (rc == 0)
        rc = flush_tubes(&b, &samples);
    if (rc == 0)
        rc = flush_coverage(&b);
    if (rc == 0 && stored) /* duplicates and events without an id leave nothing to audit */
        rc = audit_batch(&b, n, &samples);
    fx_str_free(&samples);
    fx_str_free(&b.opened);
    fx_str_free(&b.sealed);
    fx_str_free(&b.boxes);
    fx_str_free(&b.walk_ins);
    fx_str_free(&b.rejected);
    free(b.rounds.v);
    free(b.sites.v);
    free(b.tubes.v);
    free(b.areas.v);
    free(b.deltas.v);
    return rc < 0 ? rc : 0;
}
