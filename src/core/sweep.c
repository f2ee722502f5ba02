#include "core/sweep.h"

#include "core/account.h"
#include "core/area.h"
#include "core/audit.h"
#include "core/checkpoint.h"
#include "core/core_internal.h"
#include "core/export.h"
#include "core/person.h"
#include "core/service.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
_Static_assert(SWEEP_PLACES_MAX == ARRIVAL_CITIES_MAX, "an answer's places are an arrival's cities");
#define REQUEST_DAYS 2 /* a difficulty found at the door is due within two days */

static int db_fail(fx_err *err, const char *what)
{
    return fx_fail(err, FX_EINTERNAL, "db_error", "could not %s", what);
}

static int audit_id(db_conn *c, const actor *who, const char *action, const char *entity, int64_t id,
                    const char *changes)
{
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)id);
    return audit_record(c, &who->log, action, entity, idt, changes);
}

static int name_of(const char *n, const char *const *names, int count)
{
    for (int i = 0; n && i < count; i++)
        if (strcmp(n, names[i]) == 0)
            return i;
    return -1;
}

static const char *const qtypes[] = {"text", "number", "bool", "choice", "date", "places"};
static const char *const feeds[] = {"", "places", "returned_at", "health_code", "temperature", "fever", "difficulty"};
static const char *const outcomes[] = {"visited", "nobody_home", "refused", "needs_follow_up"};

const char *sweep_qtype_name(int t) { return t >= 0 && t <= SQ_PLACES ? qtypes[t] : "text"; }
int sweep_qtype_parse(const char *s) { return name_of(s, qtypes, SQ_PLACES + 1); }
const char *sweep_feed_name(int f) { return f >= 0 && f <= SF_DIFFICULTY ? feeds[f] : ""; }
int sweep_feed_parse(const char *s) { return name_of(s ? s : "", feeds, SF_DIFFICULTY + 1); }
const char *sweep_outcome_name(int o) { return o >= 0 && o <= SO_FOLLOW_UP ? outcomes[o] : ""; }
int sweep_outcome_parse(const char *s) { return name_of(s, outcomes, SO_FOLLOW_UP + 1); }

/* ---- question sets ---- */

/* The type each feed needs. */
static const int feed_type[] = {-1, SQ_PLACES, SQ_DATE, SQ_CHOICE, SQ_NUMBER, SQ_BOOL, SQ_TEXT};

static bool key_valid(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 32)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

static int question_check(const sweep_qset *in, int i, fx_err *err)
{
    const sweep_question *q = &in->q[i];
    if (!key_valid(q->key))
        return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].key: expected 1-32 of a-z 0-9 _", i);
    for (int k = 0; k < i; k++)
        if (strcmp(in->q[k].key, q->key) == 0)
            return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].key: %s is already questions[%d]'s", i,
                           q->key, k);
    if (!q->label[0] || fx_utf8_len(q->label) > 100 || fx_utf8_len(q->label_en) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].label: expected 1 to 100 characters", i);
    if (q->type < 0 || q->type > SQ_PLACES)
        return fx_fail(err, FX_EINVAL, "invalid_field",
                       "questions[%d].type: expected text, number, bool, choice, date or places", i);
    if (q->type == SQ_CHOICE && q->noptions < 2)
        return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].options: a choice needs 2 to %d options", i,
                       SWEEP_OPTIONS_MAX);
    for (int k = 0; k < q->noptions; k++)
        if (!q->options[k][0] || strchr(q->options[k], '|'))
            return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].options[%d]: 1-64 characters, no |", i, k);
    if (q->feed < 0 || q->feed > SF_DIFFICULTY)
        return fx_fail(err, FX_EINVAL, "invalid_field",
                       "questions[%d].feeds: expected places, returned_at, health_code, temperature, fever or difficulty",
                       i);
    if (q->feed != SF_NONE && q->type != feed_type[q->feed])
        return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].feeds: %s needs type %s", i, feeds[q->feed],
                       qtypes[feed_type[q->feed]]);
    if (q->feed == SF_HEALTH_CODE)
        for (int k = 0; k < q->noptions; k++)
            if (strcmp(q->options[k], "green") && strcmp(q->options[k], "yellow") && strcmp(q->options[k], "red"))
                return fx_fail(err, FX_EINVAL, "invalid_field",
                               "questions[%d].options[%d]: a health code is green, yellow or red", i, k);
    for (int k = 0; q->feed != SF_NONE && k < i; k++)
        if (in->q[k].feed == q->feed)
            return fx_fail(err, FX_EINVAL, "invalid_field", "questions[%d].feeds: questions[%d] already feeds %s", i, k,
                           feeds[q->feed]);
    return 0;
}

int sweep_qset_create(db_conn *c, const actor *who, const sweep_qset *in, sweep_qset *out, fx_err *err)
{
    char name[404];
    fx_text_normalize(in->name, name, sizeof name);
    if (!name[0] || fx_utf8_len(name) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: expected 1 to 100 characters");
    if (in->n < 1 || in->n > SWEEP_QUESTIONS_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_field", "questions: expected 1 to %d questions", SWEEP_QUESTIONS_MAX);
    for (int i = 0; i < in->n; i++) {
        int rc = question_check(in, i, err);
        if (rc)
            return rc;
    }
    int64_t version = 0, id = fx_id_next(), now = fx_now();
    db_stmt *s = db_prepare(c, "SELECT COALESCE(MAX(version), 0) FROM sweep_question_sets WHERE name = $1");
    if (!s)
        return db_fail(err, "read the question sets");
    db_bind_text(s, 1, name);
    int rc = db_step(s);
    if (rc == DB_ROW)
        version = db_col_i64(s, 0);
    db_done(s);
    if (rc != DB_ROW)
        return db_fail(err, "read the question sets");
    s = db_prepare(c, "INSERT INTO sweep_question_sets (id, name, version, created_by, created_at)"
                      " VALUES ($1, $2, $3, $4, $5)");
    if (!s)
        return db_fail(err, "save the question set");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, name);
    db_bind_i64(s, 3, version + 1);
    db_bind_text(s, 4, who->log.name);
    db_bind_i64(s, 5, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "save the question set");
    s = db_prepare(c, "INSERT INTO sweep_questions (set_id, pos, key, label, label_en, type, required, feeds, options)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    if (!s)
        return db_fail(err, "save the questions");
    for (int i = 0; i < in->n && rc == DB_DONE; i++) {
        const sweep_question *q = &in->q[i];
        fx_str opts;
        fx_str_init(&opts, 1024);
        for (int k = 0; k < q->noptions; k++)
            fx_str_addf(&opts, "%s%s", k ? "|" : "", q->options[k]);
        db_reset(s);
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, i);
        db_bind_text(s, 3, q->key);
        db_bind_text(s, 4, q->label);
        db_bind_text(s, 5, q->label_en);
        db_bind_text(s, 6, qtypes[q->type]);
        db_bind_i64(s, 7, q->required);
        db_bind_text(s, 8, feeds[q->feed]);
        db_bind_text(s, 9, opts.p ? opts.p : "");
        rc = db_step(s);
        fx_str_free(&opts);
    }
    db_done(s);
    if (rc != DB_DONE || sweep_qset_get(c, id, out) != DB_ROW)
        return db_fail(err, "save the questions");
    char ch[600];
    snprintf(ch, sizeof ch, "{\"name\":\"%.400s\",\"version\":%d,\"questions\":%d}", out->name, out->version, out->n);
    return audit_id(c, who, "create", "sweep_questions", id, ch) ? db_fail(err, "audit the question set") : 0;
}

static void read_qset_head(db_stmt *s, sweep_qset *o)
{
    o->id = db_col_i64(s, 0);
    fx_copy(o->name, sizeof o->name, db_col_text(s, 1));
    o->version = (int)db_col_i64(s, 2);
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 3));
    o->created_at = db_col_i64(s, 4);
    o->n = (int)db_col_i64(s, 5);
}

#define QSET_SELECT                                                                                          \
    "SELECT q.id, q.name, q.version, q.created_by, q.created_at,"                                             \
    " (SELECT COUNT(*) FROM sweep_questions k WHERE k.set_id = q.id) FROM sweep_question_sets q "

int sweep_qset_get(db_conn *c, int64_t id, sweep_qset *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prepare(c, QSET_SELECT "WHERE q.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_qset_head(s, out);
    db_done(s);
    if (rc != DB_ROW)
        return rc;
    s = db_prepare(c, "SELECT key, label, label_en, type, required, feeds, options FROM sweep_questions"
                      " WHERE set_id = $1 ORDER BY pos");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int n = 0;
    while (n < SWEEP_QUESTIONS_MAX && (rc = db_step(s)) == DB_ROW) {
        sweep_question *q = &out->q[n++];
        fx_copy(q->key, sizeof q->key, db_col_text(s, 0));
        fx_copy(q->label, sizeof q->label, db_col_text(s, 1));
        fx_copy(q->label_en, sizeof q->label_en, db_col_text(s, 2));
        q->type = sweep_qtype_parse(db_col_text(s, 3));
        q->required = db_col_i64(s, 4) != 0;
        q->feed = sweep_feed_parse(db_col_text(s, 5));
        for (const char *p = db_col_text(s, 6); *p && q->noptions < SWEEP_OPTIONS_MAX;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            snprintf(q->options[q->noptions++], sizeof q->options[0], "%.*s", (int)len, p);
            p += len + (bar ? 1 : 0);
        }
    }
    db_done(s);
    out->n = n;
    return rc < 0 ? rc : DB_ROW;
}

int sweep_qset_list(db_conn *c, int64_t before_id, sweep_qset *out, int max)
{
    db_stmt *s = db_prepare(c, QSET_SELECT "WHERE q.id < $1 ORDER BY q.id DESC LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, before_id ? before_id : INT64_MAX);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        memset(&out[n], 0, sizeof out[n]);
        read_qset_head(s, &out[n++]);
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- answers ---- */

/* "2027-01-15" (local midnight) or epoch seconds; -1 when neither. */
static int64_t answer_day(const sweep_answer *a)
{
    if (a->kind == SA_NUMBER)
        return a->number > 0 && a->number < 4102444800.0 && a->number == floor(a->number) ? (int64_t)a->number : -1;
    int y, m, d, n = 0;
    if (a->kind != SA_STRING || sscanf(a->text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || a->text[n] || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    return tm.tm_mday == d ? (int64_t)t : -1;
}

static int answer_check(const sweep_question *q, const sweep_answer *a, fx_err *err)
{
    switch (q->type) {
    case SQ_TEXT:
        if (a->kind != SA_STRING || fx_utf8_len(a->text) > 400)
            return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected text of up to 400 characters",
                           q->key);
        return 0;
    case SQ_NUMBER:
        if (a->kind != SA_NUMBER)
            return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected a number", q->key);
        if (q->feed == SF_TEMPERATURE && (a->number < 34.0 || a->number > 43.0))
            return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected a temperature of 34 to 43 °C",
                           q->key);
        return 0;
    case SQ_BOOL:
        return a->kind == SA_BOOL ? 0
                                  : fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected true or false",
                                            q->key);
    case SQ_CHOICE:
        for (int k = 0; a->kind == SA_STRING && k < q->noptions; k++)
            if (strcmp(a->text, q->options[k]) == 0)
                return 0;
        return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected one of the question's options (%s%s%s…)",
                       q->key, q->options[0], q->noptions > 1 ? ", " : "", q->noptions > 1 ? q->options[1] : "");
    case SQ_DATE:
        return answer_day(a) >= 0 ? 0
                                  : fx_fail(err, FX_EINVAL, "invalid_answer",
                                            "answers.%s: expected a date, YYYY-MM-DD or epoch seconds", q->key);
    default: /* SQ_PLACES */
        if (a->kind != SA_LIST)
            return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s: expected a list of up to %d place names",
                           q->key, SWEEP_PLACES_MAX);
        for (int k = 0; k < a->nlist; k++)
            if (!a->list[k][0] || strlen(a->list[k]) > 100 || strchr(a->list[k], '|'))
                return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%s[%d]: a place name of 1-100 bytes (no |)",
                               q->key, k);
        return 0;
    }
}

int sweep_answers_check(const sweep_qset *q, const sweep_answer *a, int n, bool door_opened, fx_err *err)
{
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < q->n && strcmp(q->q[k].key, a[i].key) != 0)
            k++;
        if (k == q->n)
            return fx_fail(err, FX_EINVAL, "invalid_answer", "answers.%.32s: not a question of %s (version %d)",
                           a[i].key, q->name, q->version);
        int rc = answer_check(&q->q[k], &a[i], err);
        if (rc)
            return rc;
    }
    for (int k = 0; door_opened && k < q->n; k++) {
        if (!q->q[k].required)
            continue;
        int i = 0;
        while (i < n && strcmp(q->q[k].key, a[i].key) != 0)
            i++;
        if (i == n)
            return fx_fail(err, FX_EINVAL, "missing_answer", "answers.%s: required (%s)", q->q[k].key, q->q[k].label);
    }
    return 0;
}

/* ---- campaigns ---- */

#define PROGRESS_COLS "households, done, revisit, refused, follow_up"

static void read_progress(db_stmt *s, int col, sweep_progress *p)
{
    p->households = (int)db_col_i64(s, col);
    p->done = (int)db_col_i64(s, col + 1);
    p->revisit = (int)db_col_i64(s, col + 2);
    p->refused = (int)db_col_i64(s, col + 3);
    p->follow_up = (int)db_col_i64(s, col + 4);
}

#define CAMPAIGN_SELECT                                                                                      \
    "SELECT k.id, k.area_id, k.question_set_id, k.created_at, k.households, k.done, k.revisit, k.refused,"    \
    " k.follow_up, k.name, a.code, a.name, a.path, q.name, q.version, k.created_by,"                          \
    " k.households - (SELECT COALESCE(SUM(t.households), 0) FROM sweep_teams t WHERE t.campaign_id = k.id)"   \
    " FROM sweep_campaigns k JOIN areas a ON a.id = k.area_id JOIN sweep_question_sets q"                     \
    " ON q.id = k.question_set_id "

static void read_campaign(db_stmt *s, void *row)
{
    sweep_campaign *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->area_id = db_col_i64(s, 1);
    o->question_set_id = db_col_i64(s, 2);
    o->created_at = db_col_i64(s, 3);
    read_progress(s, 4, &o->p);
    fx_copy(o->name, sizeof o->name, db_col_text(s, 9));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 10));
    fx_copy(o->area_name, sizeof o->area_name, db_col_text(s, 11));
    fx_copy(o->area_path, sizeof o->area_path, db_col_text(s, 12));
    fx_copy(o->qset_name, sizeof o->qset_name, db_col_text(s, 13));
    o->qset_version = (int)db_col_i64(s, 14);
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 15));
    o->unassigned = (int)db_col_i64(s, 16);
}

int sweep_get(db_conn *c, int64_t id, sweep_campaign *out)
{
    return db_one_row(c, CAMPAIGN_SELECT "WHERE k.id = $1", id, read_campaign, out);
}

int sweep_list(db_conn *c, const char *scope_path, int64_t member_id, int64_t before_id, sweep_campaign *out,
               int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, CAMPAIGN_SELECT
                            "WHERE k.id < $1 AND a.path >= $2 AND a.path < $3 AND ($4 = 0 OR EXISTS (SELECT 1 FROM"
                            " sweep_teams t WHERE t.campaign_id = k.id AND (t.leader_id = $4 OR EXISTS (SELECT 1 FROM"
                            " sweep_team_members m WHERE m.sweep_team_id = t.id AND m.user_id = $4))))"
                            " ORDER BY k.id DESC LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, before_id ? before_id : INT64_MAX);
    db_bind_text(s, 2, lo);
    db_bind_text(s, 3, hi);
    db_bind_i64(s, 4, member_id);
    db_bind_i64(s, 5, max);
    return db_rows(s, read_campaign, out, sizeof *out, max);
}

int sweep_create(db_conn *c, const actor *who, const char *name, const char *area_code, int64_t qset_id,
                 sweep_campaign *out, fx_err *err)
{
    char nm[404];
    fx_text_normalize(name ? name : "", nm, sizeof nm);
    if (!nm[0] || fx_utf8_len(nm) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: expected 1 to 100 characters");
    area a;
    int rc = area_get(c, area_code, &a);
    if (rc < 0)
        return db_fail(err, "read the area");
    if (rc != DB_ROW || !actor_in_scope(who, a.path))
        return fx_fail(err, FX_EINVAL, "unknown_area", "area: %.64s does not exist in your area", area_code);
    int64_t found = 0;
    db_stmt *s = db_prepare(c, "SELECT id FROM sweep_question_sets WHERE id = $1");
    if (!s || (db_bind_i64(s, 1, qset_id), rc = db_step(s)) < 0) {
        if (s)
            db_done(s);
        return db_fail(err, "read the question set");
    }
    if (rc == DB_ROW)
        found = db_col_i64(s, 0);
    db_done(s);
    if (!found)
        return fx_fail(err, FX_EINVAL, "unknown_questions", "questions: question set %lld does not exist",
                       (long long)qset_id);
    int64_t id = fx_id_next(), now = fx_now();
    s = db_prepare(c, "INSERT INTO sweep_campaigns (id, name, area_id, question_set_id, created_by, created_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (area_id, name) DO NOTHING");
    if (!s)
        return db_fail(err, "save the campaign");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, nm);
    db_bind_i64(s, 3, a.id);
    db_bind_i64(s, 4, qset_id);
    db_bind_text(s, 5, who->log.name);
    db_bind_i64(s, 6, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "save the campaign");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "sweep_exists", "area %.64s already has a campaign named %.100s",
                       area_code, nm);
    /* walking order: building and unit (the area tree), then room number, then address */
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(a.path, lo, hi);
    s = db_prepare(c, "INSERT INTO sweep_households (campaign_id, household_id, seq)"
                      " SELECT $1, h.id, ROW_NUMBER() OVER (ORDER BY a.path, length(h.room), h.room, h.address, h.id)"
                      " FROM households h JOIN areas a ON a.id = h.area_id WHERE a.path >= $2 AND a.path < $3");
    if (!s)
        return db_fail(err, "list the households");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, lo);
    db_bind_text(s, 3, hi);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "list the households");
    int64_t n = db_changes(c);
    s = db_prepare(c, "UPDATE sweep_campaigns SET households = $1 WHERE id = $2");
    if (!s)
        return db_fail(err, "count the households");
    db_bind_i64(s, 1, n);
    db_bind_i64(s, 2, id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || sweep_get(c, id, out) != DB_ROW)
        return db_fail(err, "save the campaign");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", NULL, nm);
    audit_changes_text(&ch, "area", NULL, a.code);
    audit_changes_i64(&ch, "questions", 0, qset_id);
    audit_changes_i64(&ch, "households", 0, n);
    rc = audit_id(c, who, "create", "sweep", id, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc ? db_fail(err, "audit the campaign") : 0;
}

/* ---- teams ---- */

#define TEAM_SELECT                                                                                          \
    "SELECT t.id, t.campaign_id, COALESCE(t.leader_id, 0), COALESCE(t.team_id, 0), t.households, t.done,"     \
    " t.revisit, t.refused, t.follow_up, t.name, COALESCE(u.username, ''),"                                   \
    " COALESCE((SELECT group_concat(x.username, ',') FROM (SELECT v.username FROM sweep_team_members m"       \
    " JOIN users v ON v.id = m.user_id WHERE m.sweep_team_id = t.id ORDER BY v.username) x), ''), k.name"     \
    " FROM sweep_teams t JOIN sweep_campaigns k ON k.id = t.campaign_id LEFT JOIN users u ON u.id = t.leader_id "

static void read_team(db_stmt *s, void *row)
{
    sweep_team *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->campaign_id = db_col_i64(s, 1);
    o->leader_id = db_col_i64(s, 2);
    o->team_id = db_col_i64(s, 3);
    read_progress(s, 4, &o->p);
    fx_copy(o->name, sizeof o->name, db_col_text(s, 9));
    fx_copy(o->leader, sizeof o->leader, db_col_text(s, 10));
    fx_copy(o->members, sizeof o->members, db_col_text(s, 11));
    fx_copy(o->campaign, sizeof o->campaign, db_col_text(s, 12));
}

#define MEMBER_OF(team, user)                                                                                \
    "(" team ".leader_id = " user " OR EXISTS (SELECT 1 FROM sweep_team_members m WHERE m.sweep_team_id = "    \
    team ".id AND m.user_id = " user "))"

int sweep_teams(db_conn *c, int64_t campaign_id, int64_t member_id, sweep_team *out, int max)
{
    db_stmt *s = db_prepare(c, TEAM_SELECT "WHERE ($1 = 0 OR t.campaign_id = $1) AND ($2 = 0 OR " MEMBER_OF("t", "$2")
                                           ") ORDER BY t.id LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, campaign_id);
    db_bind_i64(s, 2, member_id);
    db_bind_i64(s, 3, max);
    return db_rows(s, read_team, out, sizeof *out, max);
}

int sweep_team_get(db_conn *c, int64_t id, sweep_team *out)
{
    return db_one_row(c, TEAM_SELECT "WHERE t.id = $1", id, read_team, out);
}

bool sweep_team_member(db_conn *c, int64_t team_id, int64_t user_id)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM sweep_teams t WHERE t.id = $1 AND " MEMBER_OF("t", "$2"));
    if (!s)
        return false;
    db_bind_i64(s, 1, team_id);
    db_bind_i64(s, 2, user_id);
    bool yes = db_step(s) == DB_ROW;
    db_done(s);
    return yes;
}

void sweep_split_sizes(int n, int k, int *sizes)
{
    for (int i = 0; i < k; i++)
        sizes[i] = n / k + (i < n % k);
}

/* A user named in a team, by username: must exist and be enabled. */
static int team_user(db_conn *c, const char *username, int i, const char *field, int64_t *id, fx_err *err)
{
    user u;
    int rc = username ? user_get(c, username, &u, NULL) : DB_DONE;
    if (rc < 0)
        return db_fail(err, "read the users");
    if (rc != DB_ROW || u.disabled)
        return fx_fail(err, FX_EINVAL, "unknown_user", "teams[%d].%s: %.32s is not an active user", i, field,
                       username ? username : "");
    *id = u.id;
    return 0;
}

/* Makes or updates the team named in t; its id to *id. */
static int team_upsert(db_conn *c, int64_t campaign_id, const sweep_team_input *t, int i, int64_t *id, fx_err *err)
{
    char nm[404];
    fx_text_normalize(t->name ? t->name : "", nm, sizeof nm);
    if (!nm[0] || fx_utf8_len(nm) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_field", "teams[%d].name: expected 1 to 100 characters", i);
    int64_t leader = 0, member, standing = 0;
    int rc = team_user(c, t->leader, i, "leader", &leader, err);
    if (rc)
        return rc;
    db_stmt *s = t->team_id ? db_prepare(c, "SELECT id FROM teams WHERE id = $1") : NULL;
    if (s) {
        db_bind_i64(s, 1, t->team_id);
        if (db_step(s) == DB_ROW)
            standing = db_col_i64(s, 0);
        db_done(s);
    }
    if (t->team_id && !standing)
        return fx_fail(err, FX_EINVAL, "unknown_team", "teams[%d].team: there is no team %lld", i,
                       (long long)t->team_id);
    s = db_prepare(c, "INSERT INTO sweep_teams (id, campaign_id, name, leader_id, team_id, created_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, name)"
                      " DO UPDATE SET leader_id = excluded.leader_id, team_id = excluded.team_id");
    if (!s)
        return db_fail(err, "save the team");
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, campaign_id);
    db_bind_text(s, 3, nm);
    db_bind_i64(s, 4, leader);
    if (standing)
        db_bind_i64(s, 5, standing);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, fx_now());
    rc = db_step(s);
    db_done(s);
    s = rc == DB_DONE ? db_prepare(c, "SELECT id FROM sweep_teams WHERE campaign_id = $1 AND name = $2") : NULL;
    if (!s)
        return db_fail(err, "save the team");
    db_bind_i64(s, 1, campaign_id);
    db_bind_text(s, 2, nm);
    rc = db_step(s);
    *id = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_done(s);
    s = *id ? db_prepare(c, "DELETE FROM sweep_team_members WHERE sweep_team_id = $1") : NULL;
    if (!s)
        return db_fail(err, "save the team");
    db_bind_i64(s, 1, *id);
    rc = db_step(s);
    db_done(s);
    s = rc == DB_DONE ? db_prepare(c, "INSERT INTO sweep_team_members (sweep_team_id, user_id) VALUES ($1, $2)"
                                      " ON CONFLICT DO NOTHING")
                      : NULL;
    if (!s)
        return db_fail(err, "save the team's members");
    for (int k = 0; k < t->nmembers && rc == DB_DONE; k++) {
        char field[24];
        snprintf(field, sizeof field, "members[%d]", k);
        if ((rc = team_user(c, t->members[k], i, field, &member, err)) != 0) {
            db_done(s);
            return rc;
        }
        db_reset(s);
        db_bind_i64(s, 1, *id);
        db_bind_i64(s, 2, member);
        rc = db_step(s);
    }
    db_done(s);
    if (rc == DB_DONE && standing && t->nmembers == 0) { /* the standing team's users walk with it */
        s = db_prepare(c, "INSERT INTO sweep_team_members (sweep_team_id, user_id) SELECT $1, m.user_id"
                          " FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = $2"
                          " AND u.disabled = 0 ON CONFLICT DO NOTHING");
        if (!s)
            return db_fail(err, "save the team's members");
        db_bind_i64(s, 1, *id);
        db_bind_i64(s, 2, standing);
        rc = db_step(s);
        db_done(s);
    }
    return rc == DB_DONE ? 0 : db_fail(err, "save the team's members");
}

/* Team counters from the households (a split moves many at once; visits change them one by one). */
static int teams_recount(db_conn *c, int64_t campaign_id)
{
    db_stmt *s = db_prepare(
        c, "UPDATE sweep_teams SET"
           " households = (SELECT COUNT(*) FROM sweep_households h WHERE h.sweep_team_id = sweep_teams.id),"
           " done = (SELECT COUNT(*) FROM sweep_households h WHERE h.sweep_team_id = sweep_teams.id"
           "   AND (h.outcome = 'visited' OR h.outcome = 'refused' OR h.outcome = 'needs_follow_up')),"
           " revisit = (SELECT COUNT(*) FROM sweep_households h WHERE h.sweep_team_id = sweep_teams.id"
           "   AND h.outcome = 'nobody_home'),"
           " refused = (SELECT COUNT(*) FROM sweep_households h WHERE h.sweep_team_id = sweep_teams.id"
           "   AND h.outcome = 'refused'),"
           " follow_up = (SELECT COUNT(*) FROM sweep_households h WHERE h.sweep_team_id = sweep_teams.id"
           "   AND h.outcome = 'needs_follow_up')"
           " WHERE campaign_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, campaign_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

int sweep_split(db_conn *c, const actor *who, int64_t campaign_id, const sweep_team_input *teams, int nteams,
                fx_err *err)
{
    sweep_campaign k;
    int rc = sweep_get(c, campaign_id, &k);
    if (rc < 0)
        return db_fail(err, "read the campaign");
    if (rc != DB_ROW || !actor_in_scope(who, k.area_path))
        return fx_fail(err, FX_ENOTFOUND, "sweep_not_found", "campaign %lld does not exist in your area",
                       (long long)campaign_id);
    if (nteams < 1 || nteams > 50)
        return fx_fail(err, FX_EINVAL, "invalid_field", "teams: expected 1 to 50 teams");
    int64_t ids[50];
    for (int i = 0; i < nteams; i++) {
        for (int j = 0; j < i; j++)
            if (teams[i].name && teams[j].name && strcmp(teams[i].name, teams[j].name) == 0)
                return fx_fail(err, FX_EINVAL, "invalid_field", "teams[%d].name: %.100s is named twice", i,
                               teams[i].name);
        if ((rc = team_upsert(c, campaign_id, &teams[i], i, &ids[i], err)) != 0)
            return rc;
    }
    /* the households nobody has knocked at yet, in walking order, cut into even runs */
    int64_t open = 0;
    if (db_one_i64(c, "SELECT COUNT(*) FROM sweep_households WHERE campaign_id = $1 AND visits = 0", campaign_id, &open) < 0)
        return db_fail(err, "count the households");
    int sizes[50];
    sweep_split_sizes((int)open, nteams, sizes);
    /* rank r (0-based, walking order) goes to the team whose run holds r */
    int64_t bounds[51] = {0};
    for (int i = 0; i < nteams; i++)
        bounds[i + 1] = bounds[i] + sizes[i];
    db_stmt *s = db_prepare(c, "WITH o AS (SELECT household_id, ROW_NUMBER() OVER (ORDER BY seq) - 1 AS r"
                      " FROM sweep_households WHERE campaign_id = $1 AND visits = 0)"
                      " UPDATE sweep_households SET sweep_team_id = $2 WHERE campaign_id = $1 AND household_id IN"
                      " (SELECT household_id FROM o WHERE r >= $3 AND r < $4)");
    if (!s)
        return db_fail(err, "split the households");
    /* the ranks hang on seq and visits only, which these updates leave alone */
    for (int i = 0; i < nteams && rc >= 0; i++) {
        db_reset(s);
        db_bind_i64(s, 1, campaign_id);
        db_bind_i64(s, 2, ids[i]);
        db_bind_i64(s, 3, bounds[i]);
        db_bind_i64(s, 4, bounds[i + 1]);
        rc = db_step(s);
    }
    db_done(s);
    if (rc != DB_DONE || teams_recount(c, campaign_id))
        return db_fail(err, "split the households");
    fx_str ch;
    fx_str_init(&ch, 65536); /* 50 teams of 100-character names */
    fx_str_addf(&ch, "{\"households\":%lld,\"teams\":[", (long long)open);
    for (int i = 0; i < nteams; i++) {
        fx_str_addf(&ch, "%s{\"name\":", i ? "," : "");
        fx_str_add_json(&ch, teams[i].name);
        fx_str_addf(&ch, ",\"households\":%d}", sizes[i]);
    }
    fx_str_adds(&ch, "]}");
    rc = audit_id(c, who, "split", "sweep", campaign_id, ch.p ? ch.p : "{}");
    fx_str_free(&ch);
    return rc ? db_fail(err, "audit the split") : 0;
}

int sweep_team_households(db_conn *c, int64_t team_id, int after_seq, sweep_household *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT sh.household_id, sh.last_at, sh.seq, sh.visits, COALESCE(sh.outcome, ''),"
                               " h.address_key, h.room, a.code FROM sweep_households sh"
                               " JOIN households h ON h.id = sh.household_id JOIN areas a ON a.id = h.area_id"
                               " WHERE sh.sweep_team_id = $1 AND sh.seq > $2 ORDER BY sh.seq LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, team_id);
    db_bind_i64(s, 2, after_seq);
    db_bind_i64(s, 3, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        sweep_household *o = &out[n++];
        memset(o, 0, sizeof *o);
        o->household_id = db_col_i64(s, 0);
        o->last_at = db_col_i64(s, 1);
        o->seq = (int)db_col_i64(s, 2);
        o->visits = (int)db_col_i64(s, 3);
        fx_copy(o->outcome, sizeof o->outcome, db_col_text(s, 4));
        fx_copy(o->address, sizeof o->address, db_col_text(s, 5));
        fx_copy(o->room, sizeof o->room, db_col_text(s, 6));
        fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 7));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

int sweep_team_residents(db_conn *c, int64_t team_id, int after_seq, int last_seq, sweep_resident *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT p.id, p.household_id, p.name FROM sweep_households sh"
                               " JOIN persons p ON p.household_id = sh.household_id"
                               " WHERE sh.sweep_team_id = $1 AND sh.seq > $2 AND sh.seq <= $3"
                               " ORDER BY sh.seq, p.id LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, team_id);
    db_bind_i64(s, 2, after_seq);
    db_bind_i64(s, 3, last_seq);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        out[n].id = db_col_i64(s, 0);
        out[n].household_id = db_col_i64(s, 1);
        fx_copy(out[n].name, sizeof out[n].name, db_col_text(s, 2));
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- visits ---- */

/* What an outcome adds to the counters done, revisit, refused, follow_up (-1: none yet). */
static void tally(int outcome, int d[4], int sign)
{
    d[0] += sign * (outcome == SO_VISITED || outcome == SO_REFUSED || outcome == SO_FOLLOW_UP);
    d[1] += sign * (outcome == SO_NOBODY_HOME);
    d[2] += sign * (outcome == SO_REFUSED);
    d[3] += sign * (outcome == SO_FOLLOW_UP);
}

static int bump(db_conn *c, int64_t campaign_id, int64_t team_id, const int d[4])
{
    static const char *const sql[2] = {
        "UPDATE sweep_campaigns SET done = done + $2, revisit = revisit + $3, refused = refused + $4,"
        " follow_up = follow_up + $5 WHERE id = $1",
        "UPDATE sweep_teams SET done = done + $2, revisit = revisit + $3, refused = refused + $4,"
        " follow_up = follow_up + $5 WHERE id = $1"};
    const int64_t ids[2] = {campaign_id, team_id};
    for (int t = 0; t < 2; t++) {
        db_stmt *s = db_prepare(c, sql[t]);
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, ids[t]);
        for (int i = 0; i < 4; i++)
            db_bind_i64(s, 2 + i, d[i]);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
    }
    return 0;
}

static int visit_get(db_conn *c, const char *client_id, sweep_visit *out, char hash[72])
{
    db_stmt *s = db_prepare(c, "SELECT v.id, v.campaign_id, v.sweep_team_id, v.household_id, COALESCE(v.person_id, 0),"
                               " COALESCE(v.isolation_id, 0), COALESCE(v.request_id, 0), v.at, v.client_id, v.outcome,"
                               " v.decision, v.rule, v.matched, v.body_hash, COALESCE(v.recall_id, 0),"
                               " COALESCE(r.round_id, 0) FROM sweep_visits v LEFT JOIN recalls r ON r.id = v.recall_id"
                               " WHERE v.client_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, client_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        int64_t *v[] = {&out->id, &out->campaign_id, &out->team_id, &out->household_id, &out->person_id,
                        &out->isolation_id, &out->request_id, &out->at};
        for (int i = 0; i < 8; i++)
            *v[i] = db_col_i64(s, i);
        fx_copy(out->client_id, sizeof out->client_id, db_col_text(s, 8));
        fx_copy(out->outcome, sizeof out->outcome, db_col_text(s, 9));
        fx_copy(out->decision, sizeof out->decision, db_col_text(s, 10));
        fx_copy(out->rule, sizeof out->rule, db_col_text(s, 11));
        fx_copy(out->matched, sizeof out->matched, db_col_text(s, 12));
        fx_copy(hash, 72, db_col_text(s, 13));
        out->recall_id = db_col_i64(s, 14);
        out->recall_round = db_col_i64(s, 15);
    }
    db_done(s);
    return rc;
}

/* The resident findings concern: the one named (living in the household), else the
 * household's only resident; 0 when it has several and none was named. */
static int visit_person(db_conn *c, const sweep_visit_input *in, int64_t *person_id, fx_err *err)
{
    *person_id = 0;
    if (in->person_id) {
        person p;
        int rc = person_get(c, in->person_id, &p);
        if (rc < 0)
            return db_fail(err, "read the person");
        if (rc != DB_ROW || p.household_id != in->household_id)
            return fx_fail(err, FX_EINVAL, "invalid_person", "person: %lld does not live in household %lld",
                           (long long)in->person_id, (long long)in->household_id);
        *person_id = p.id;
        return 0;
    }
    db_stmt *s = db_prepare(c, "SELECT MIN(id), COUNT(*) FROM persons WHERE household_id = $1");
    if (!s)
        return db_fail(err, "read the residents");
    db_bind_i64(s, 1, in->household_id);
    if (db_step(s) == DB_ROW && db_col_i64(s, 1) == 1)
        *person_id = db_col_i64(s, 0);
    db_done(s);
    return 0;
}

/* The answers the rules and the request service read. */
typedef struct visit_facts {
    arrival_case_input ci;
    const char *difficulty;
    bool any; /* something for the rules to judge */
} visit_facts;

static void facts_of(const sweep_qset *q, const sweep_visit_input *in, visit_facts *f)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < in->nanswers; i++) {
        const sweep_answer *a = &in->answers[i];
        int feed = SF_NONE;
        for (int k = 0; k < q->n; k++)
            if (strcmp(q->q[k].key, a->key) == 0)
                feed = q->q[k].feed;
        switch (feed) {
        case SF_PLACES:
            f->ci.places = a->list;
            f->ci.nplaces = a->nlist;
            f->any |= a->nlist > 0;
            break;
        case SF_RETURNED_AT:
            f->ci.travel_at = answer_day(a);
            break;
        case SF_HEALTH_CODE:
            f->ci.health_code = a->text;
            f->any = true;
            break;
        case SF_TEMPERATURE:
            f->ci.has_temperature = true;
            f->ci.temperature = a->number;
            f->any = true;
            break;
        case SF_FEVER:
            f->ci.fever = a->boolean;
            f->any |= a->boolean;
            break;
        case SF_DIFFICULTY:
            f->difficulty = a->text && a->text[0] ? a->text : NULL;
            break;
        default:
            break;
        }
    }
}

/* Judges the answers and acts on them: a case for home isolation or monitoring, a
 * request for a difficulty. Both under the rules' authority, not the visitor's role. */
static int visit_findings(db_conn *c, const actor *who, const sweep_visit_input *in, const sweep_qset *q,
                          int64_t visit_id, sweep_visit *out, fx_err *err)
{
    visit_facts f;
    facts_of(q, in, &f);
    int rc = visit_person(c, in, &out->person_id, err);
    if (rc)
        return rc;
    actor by_rule = {.p = NULL, .log = who->log};
    if (f.any) {
        char source[120];
        snprintf(source, sizeof source, "sweep visit %.64s", in->client_id);
        f.ci.person_id = out->person_id;
        f.ci.at = out->at;
        f.ci.source = source;
        f.ci.cause = "sweep_visit";
        f.ci.cause_id = visit_id;
        household h;
        if ((rc = household_get(c, in->household_id, &h)) != DB_ROW)
            return db_fail(err, "read the household");
        f.ci.area_id = h.area_id;
        arrival_judgement j;
        if ((rc = arrival_judge(c, &by_rule, &f.ci, &j, err)) != 0)
            return rc;
        if (!out->person_id && arrival_decision_acts(j.v.decision))
            return fx_fail(err, FX_EINVAL, "missing_person",
                           "person: the answers call for %s (%s); say which resident of household %lld they concern",
                           arrival_decision_name(j.v.decision), j.v.rule, (long long)in->household_id);
        fx_copy(out->decision, sizeof out->decision, arrival_decision_name(j.v.decision));
        fx_copy(out->rule, sizeof out->rule, j.v.rule);
        fx_copy(out->matched, sizeof out->matched, j.matched);
        out->isolation_id = j.isolation_id;
        out->recall_id = j.recall_id;
        out->recall_round = j.recall_round;
        out->rules_version = j.rules_version;
    }
    if (f.difficulty) {
        char desc[1200];
        snprintf(desc, sizeof desc, "逐户排查 (sweep visit %.64s): %s", in->client_id, f.difficulty);
        request_input ri = {.household_id = in->household_id, .person_id = out->person_id, .kind = "other",
                            .description = desc, .deadline = fx_now() + REQUEST_DAYS * DAY};
        service_request req;
        if ((rc = request_create(c, &by_rule, &ri, &req, err)) != 0)
            return rc;
        out->request_id = req.id;
    }
    return 0;
}

int sweep_visit_record(db_conn *c, const actor *who, const sweep_visit_input *in, sweep_visit *out, fx_err *err)
{
    if (!arrival_client_id_valid(in->client_id))
        return fx_fail(err, FX_EINVAL, "invalid_id", "id: expected the visit's client id, 1-64 of A-Z a-z 0-9 - _ . :");
    if (in->outcome < 0 || in->outcome > SO_FOLLOW_UP)
        return fx_fail(err, FX_EINVAL, "invalid_outcome",
                       "outcome: expected visited, nobody_home, refused or needs_follow_up");
    char hash[72] = "";
    int rc = visit_get(c, in->client_id, out, hash);
    if (rc < 0)
        return db_fail(err, "read the visits");
    if (rc == DB_ROW) { /* the phone sent it again: the first answer stands */
        if (strcmp(hash, in->body_hash) != 0)
            return fx_fail(err, FX_ECONFLICT, "client_id_conflict",
                           "id: %.64s was already used for another visit; make a new id for a new visit",
                           in->client_id);
        out->duplicate = true;
        return 0;
    }
    sweep_team t;
    rc = sweep_team_get(c, in->team_id, &t);
    if (rc < 0)
        return db_fail(err, "read the team");
    /* being on the team is the officer's grant: a member works its list wherever the campaign's area is */
    sweep_campaign k;
    bool found = rc == DB_ROW && sweep_get(c, t.campaign_id, &k) == DB_ROW;
    bool member = found && who->p && sweep_team_member(c, t.id, who->p->user_id);
    if (!found || (!member && !actor_in_scope(who, k.area_path)))
        return fx_fail(err, FX_ENOTFOUND, "team_not_found", "team: %lld does not exist in your area",
                       (long long)in->team_id);
    if (!member && who->p && who->p->role == ROLE_VOLUNTEER)
        return fx_fail(err, FX_EPERM, "not_your_team", "team: you are not on team %.100s; record visits on your own "
                       "team's list", t.name);
    int prior = -1;
    int64_t last_at = 0;
    db_stmt *s = db_prepare(c, "SELECT COALESCE(outcome, ''), last_at FROM sweep_households"
                               " WHERE campaign_id = $1 AND household_id = $2 AND sweep_team_id = $3");
    if (!s)
        return db_fail(err, "read the team's list");
    db_bind_i64(s, 1, k.id);
    db_bind_i64(s, 2, in->household_id);
    db_bind_i64(s, 3, t.id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        prior = sweep_outcome_parse(db_col_text(s, 0));
        last_at = db_col_i64(s, 1);
    }
    db_done(s);
    if (rc < 0)
        return db_fail(err, "read the team's list");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "not_on_list", "household: %lld is not on team %.100s's list",
                       (long long)in->household_id, t.name);
    int64_t now = fx_now(), at = in->at ? in->at : now;
    if (at > now + 300)
        return fx_fail(err, FX_EINVAL, "at_in_future", "at: %lld is in the future", (long long)at);
    sweep_qset *q = malloc(sizeof *q);
    if (!q || sweep_qset_get(c, k.question_set_id, q) != DB_ROW) {
        free(q);
        return db_fail(err, "read the question set");
    }
    bool opened = in->outcome == SO_VISITED || in->outcome == SO_FOLLOW_UP;
    memset(out, 0, sizeof *out);
    out->at = at;
    rc = sweep_answers_check(q, in->answers, in->nanswers, opened, err);
    int64_t id = fx_id_next();
    if (!rc && opened)
        rc = visit_findings(c, who, in, q, id, out, err);
    free(q);
    if (rc < 0)
        return rc;
    s = db_prepare(c, "INSERT INTO sweep_visits (id, client_id, body_hash, campaign_id, sweep_team_id, household_id,"
                      " person_id, outcome, answers, note, at, decision, rule, matched, rules_version, isolation_id,"
                      " request_id, visitor_id, visitor, created_at, recall_id) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                      " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)");
    if (!s)
        return db_fail(err, "save the visit");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, in->client_id);
    db_bind_text(s, 3, in->body_hash);
    db_bind_i64(s, 4, k.id);
    db_bind_i64(s, 5, t.id);
    db_bind_i64(s, 6, in->household_id);
    const int64_t opt[] = {out->person_id, out->isolation_id, out->request_id, who->p ? who->p->user_id : 0,
                           out->recall_id};
    const int at_col[] = {7, 16, 17, 18, 21};
    for (int i = 0; i < 5; i++)
        if (opt[i])
            db_bind_i64(s, at_col[i], opt[i]);
        else
            db_bind_null(s, at_col[i]);
    db_bind_text(s, 8, outcomes[in->outcome]);
    db_bind_text(s, 9, in->answers_json ? in->answers_json : "{}");
    db_bind_text(s, 10, in->note ? in->note : "");
    db_bind_i64(s, 11, at);
    db_bind_text(s, 12, out->decision);
    db_bind_text(s, 13, out->rule);
    db_bind_text(s, 14, out->matched);
    db_bind_i64(s, 15, out->rules_version);
    db_bind_text(s, 19, who->log.name);
    db_bind_i64(s, 20, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "save the visit");
    /* the latest visit by its own time is the household's outcome: a late-synced older one is kept, not counted */
    bool latest = prior < 0 || at >= last_at;
    s = db_prepare(c, "UPDATE sweep_households SET visits = visits + 1,"
                      " outcome = CASE WHEN $3 THEN $4 ELSE outcome END,"
                      " last_at = CASE WHEN $3 THEN $5 ELSE last_at END WHERE campaign_id = $1 AND household_id = $2");
    if (!s)
        return db_fail(err, "update the household");
    db_bind_i64(s, 1, k.id);
    db_bind_i64(s, 2, in->household_id);
    db_bind_i64(s, 3, latest);
    db_bind_text(s, 4, outcomes[in->outcome]);
    db_bind_i64(s, 5, at);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "update the household");
    if (latest && prior != in->outcome) {
        int d[4] = {0};
        tally(prior, d, -1);
        tally(in->outcome, d, 1);
        if (bump(c, k.id, t.id, d))
            return db_fail(err, "update the progress");
    }
    out->id = id;
    out->campaign_id = k.id;
    out->team_id = t.id;
    out->household_id = in->household_id;
    fx_copy(out->client_id, sizeof out->client_id, in->client_id);
    fx_copy(out->outcome, sizeof out->outcome, outcomes[in->outcome]);
    char ch[400];
    snprintf(ch, sizeof ch,
             "{\"client_id\":\"%.64s\",\"household\":%lld,\"team\":%lld,\"outcome\":\"%s\",\"decision\":\"%s\","
             "\"isolation\":%lld,\"request\":%lld,\"recall\":%lld,\"at\":%lld}",
             out->client_id, (long long)in->household_id, (long long)t.id, out->outcome, out->decision,
             (long long)out->isolation_id, (long long)out->request_id, (long long)out->recall_id, (long long)at);
    return audit_id(c, who, "create", "sweep_visit", id, ch) ? db_fail(err, "audit the visit") : 0;
}

/* ---- the register ---- */

#define REG_COLS 14

struct reg_src {
    db_conn *c;
    int64_t campaign_id, after;
    bool chinese;
    char v[REG_COLS][1200];
};

/* Outcomes and decisions in the words of a Chinese register. */
static const char *reg_word(const char *v)
{
    static const char *const w[][2] = {{"visited", "已入户"},          {"nobody_home", "无人在家"},
                                       {"refused", "拒绝配合"},        {"needs_follow_up", "需跟进"},
                                       {"pass", "正常"},               {"home_monitoring", "居家健康监测"},
                                       {"home_isolation", "居家隔离"}, {"refer", "转诊"}};
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        if (strcmp(v, w[i][0]) == 0)
            return w[i][1];
    return v;
}

static int reg_next(void *arg, const char **cells, fx_err *err)
{
    struct reg_src *r = arg;
    db_stmt *s = db_prepare(
        r->c, "SELECT sh.seq, COALESCE(t.name, ''), h.address_key, h.room, a.code, COALESCE(sh.outcome, ''),"
              " sh.last_at, sh.visits, COALESCE(v.decision, ''), COALESCE(v.rule, ''), COALESCE(v.isolation_id, 0),"
              " COALESCE(v.request_id, 0), COALESCE(v.answers, ''), COALESCE(v.visitor, '')"
              " FROM sweep_households sh JOIN households h ON h.id = sh.household_id JOIN areas a ON a.id = h.area_id"
              " LEFT JOIN sweep_teams t ON t.id = sh.sweep_team_id"
              " LEFT JOIN sweep_visits v ON v.id = (SELECT x.id FROM sweep_visits x WHERE x.campaign_id = sh.campaign_id"
              "   AND x.household_id = sh.household_id ORDER BY x.at DESC, x.id DESC LIMIT 1)"
              " WHERE sh.campaign_id = $1 AND sh.seq > $2 ORDER BY sh.seq LIMIT 1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the register");
    db_bind_i64(s, 1, r->campaign_id);
    db_bind_i64(s, 2, r->after);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        r->after = db_col_i64(s, 0);
        for (int i = 0; i < REG_COLS; i++)
            fx_copy(r->v[i], sizeof r->v[i], db_col_text(s, i));
        int64_t at = db_col_i64(s, 6);
        if (at)
            fx_time_local(at, r->v[6], sizeof r->v[6]);
        else
            r->v[6][0] = '\0';
        for (int i = 10; i <= 11; i++)
            if (strcmp(r->v[i], "0") == 0)
                r->v[i][0] = '\0';
        for (int i = 5; r->chinese && i <= 8; i += 3)
            fx_copy(r->v[i], sizeof r->v[i], reg_word(r->v[i]));
        for (int i = 0; i < REG_COLS; i++)
            cells[i] = r->v[i];
    }
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : fx_fail(err, FX_EINTERNAL, "db_error", "could not read the register");
}

int sweep_export(db_conn *c, int64_t campaign_id, const export_opts *o, FILE *csv, const char *xlsx_path, long *rows,
                 fx_err *err)
{
    static const char *const head_zh[REG_COLS] = {"序号", "小组", "地址", "房号", "区域", "最近结果", "最近走访时间",
                                                  "走访次数", "判定", "规则", "隔离案例", "居民诉求", "回答", "走访人"};
    static const char *const head_en[REG_COLS] = {"seq", "team", "address", "room", "area", "outcome", "last_at",
                                                  "visits", "decision", "rule", "isolation", "request", "answers",
                                                  "visitor"};
    struct reg_src *r = calloc(1, sizeof *r);
    if (!r)
        return fx_fail(err, FX_EINTERNAL, "export_failed", "out of memory");
    r->c = c;
    r->campaign_id = campaign_id;
    r->chinese = !o->english;
    int rc = export_table(o, REG_COLS, o->english ? head_en : head_zh, reg_next, r, csv, xlsx_path,
                          o->english ? "sweep" : "逐户排查", rows, err);
    free(r);
    return rc;
}
