#include "core/result.h"

#include "core/core_internal.h"
#include "core/positive.h"
#include "util/fx_clock.h"
#include "util/fx_csv.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CLOCK_SKEW_S 300

/* Answers an item rejected, with the field named in the message; returns -1. */
static int reject(result_item *it, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int reject(result_item *it, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[sizeof it->err.msg];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    it->status = "rejected";
    it->err.kind = FX_EINVAL;
    fx_copy(it->err.code, sizeof it->err.code, code);
    /* the row's text may be cut inside a character or not be UTF-8: the answer must be */
    fx_text_normalize(msg, it->err.msg, sizeof it->err.msg);
    return -1;
}

/* "row 7: " for CSV items, "" for JSON. */
static const char *where(const result_item *it, char buf[32])
{
    if (it->row)
        snprintf(buf, 32, "row %ld: ", it->row);
    else
        buf[0] = '\0';
    return buf;
}

int result_item_set_tube(result_item *it, const char *v)
{
    char w[32], tube[BARCODE_MAX + 8];
    fx_text_normalize(v ? v : "", tube, sizeof tube);
    if (!tube[0])
        return reject(it, "missing_tube", "%stube: the tube's barcode is missing", where(it, w));
    if (strlen(tube) > BARCODE_MAX)
        return reject(it, "invalid_tube", "%stube: a barcode has at most 40 characters, got \"%.40s…\"",
                      where(it, w), tube);
    fx_copy(it->tube, sizeof it->tube, tube);
    return 0;
}

int result_item_set_result(result_item *it, const char *v)
{
    static const struct {
        const char *in, *out;
    } names[] = {{"negative", "negative"}, {"positive", "positive"}, {"invalid", "invalid"},
                 {"阴性", "negative"},     {"阳性", "positive"},     {"无效", "invalid"}};
    char w[32], val[64];
    fx_text_normalize(v ? v : "", val, sizeof val);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(val, names[i].in) == 0) {
            fx_copy(it->result, sizeof it->result, names[i].out);
            return 0;
        }
    return reject(it, "invalid_result", "%sresult: expected negative, positive or invalid, got \"%.40s\"",
                  where(it, w), val);
}

int result_item_set_ct(result_item *it, const char *v)
{
    char w[32], val[64];
    fx_text_normalize(v ? v : "", val, sizeof val);
    it->has_ct = false;
    if (!val[0])
        return 0;
    char *end;
    double ct = strtod(val, &end);
    if (end == val || *end || !(ct >= 0 && ct <= 60))
        return reject(it, "invalid_ct", "%sct: expected a number from 0 to 60 (or nothing), got \"%.40s\"",
                      where(it, w), val);
    it->ct = ct;
    it->has_ct = true;
    return 0;
}

int result_item_set_at(result_item *it, const char *v)
{
    char w[32], val[64];
    fx_text_normalize(v ? v : "", val, sizeof val);
    if (!result_parse_time(val, &it->at))
        return reject(it, "invalid_at",
                      "%sat: expected epoch seconds or ISO 8601 with an offset (2022-04-15T10:20:00+08:00), got "
                      "\"%.40s\"",
                      where(it, w), val);
    return 0;
}

int result_item_set_reason(result_item *it, const char *v)
{
    char w[32];
    fx_text_normalize(v ? v : "", it->reason, sizeof it->reason);
    if (fx_utf8_len(it->reason) > 100)
        return reject(it, "reason_too_long", "%scorrection_reason: at most 100 characters", where(it, w));
    return 0;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool result_parse_time(const char *s, int64_t *out)
{
    long long v;
    if (fx_parse_i64(s, &v))
        return v > 0 && v < 4102444800LL ? (*out = v, true) : false; /* before 2100 */
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0;
    size_t n = strlen(s);
    if (n < 17 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi))
        return false;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec))
            return false;
        p += 3;
        if (*p == '.' || *p == ',') /* fractions of a second are dropped */
            for (p++; isdigit((unsigned char)*p); p++)
                ;
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        sign = 1;
    else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (!digits(p, 2, &oh))
            return false;
        p += 2;
        if (*p == ':')
            p++;
        if (*p && (!digits(p, 2, &om) || p[2]))
            return false;
    } else
        return false; /* no offset: the time zone would be a guess */
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) || h > 23 || mi > 59 || sec > 60 ||
        oh > 14 || om > 59)
        return false;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    if (t <= 0)
        return false;
    *out = t;
    return true;
}

int result_csv_read(int fd, result_item **items, int *n, fx_err *err)
{
    *items = NULL;
    *n = 0;
    char msg[200];
    fx_csv *csv = fx_csv_open(fd, 64 * 1024, msg, sizeof msg);
    if (!csv)
        return fx_fail(err, FX_EINVAL, "not_csv", "%s", msg);
    enum { C_TUBE, C_RESULT, C_CT, C_AT, C_REASON, C_N };
    static const char *const names[C_N] = {"tube", "result", "ct", "at", "correction_reason"};
    int col[C_N] = {-1, -1, -1, -1, -1};
    fx_csv_row row;
    int rc = fx_csv_next(csv, &row), cap = 0;
    if (rc != 1) {
        fx_csv_close(csv);
        return fx_fail(err, FX_EINVAL, "empty_file", "the file is empty: the first line must be tube,result,ct,at");
    }
    for (int f = 0; f < row.nfields; f++) {
        char h[64];
        fx_text_normalize(row.fields[f], h, sizeof h);
        for (int k = 0; k < C_N; k++)
            if (strcasecmp(h, names[k]) == 0 && col[k] < 0)
                col[k] = f;
    }
    for (int k = 0; k < C_REASON; k++)
        if (col[k] < 0) {
            fx_csv_close(csv);
            return fx_fail(err, FX_EINVAL, "missing_column",
                           "row 1: the header has no \"%s\" column; the first line must be tube,result,ct,at", names[k]);
        }
    while ((rc = fx_csv_next(csv, &row)) == 1) {
        if (*n == RESULTS_MAX) {
            fx_csv_close(csv);
            free(*items);
            *items = NULL;
            *n = 0;
            return fx_fail(err, FX_EINVAL, "too_many_rows", "at most %d results per file: split it", RESULTS_MAX);
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            result_item *grown = realloc(*items, sizeof **items * (size_t)cap);
            if (!grown) {
                fx_csv_close(csv);
                return fx_fail(err, FX_EINTERNAL, "out_of_memory", "out of memory");
            }
            *items = grown;
        }
        result_item *it = &(*items)[(*n)++];
        memset(it, 0, sizeof *it);
        it->row = row.record;
        const char *f[C_N];
        for (int k = 0; k < C_N; k++)
            f[k] = col[k] >= 0 && col[k] < row.nfields ? row.fields[col[k]] : "";
        if (row.problem) {
            char w[32];
            result_item_set_tube(it, f[C_TUBE]); /* name the tube when it can be read */
            reject(it, "unreadable_row", "%s%s", where(it, w), row.problem);
            continue;
        }
        (void)(result_item_set_tube(it, f[C_TUBE]) || result_item_set_result(it, f[C_RESULT]) ||
               result_item_set_ct(it, f[C_CT]) || result_item_set_at(it, f[C_AT]) ||
               result_item_set_reason(it, f[C_REASON]));
    }
    fx_csv_close(csv);
    if (rc < 0) {
        free(*items);
        *items = NULL;
        *n = 0;
        return fx_fail(err, FX_EINVAL, "unreadable_file", "%s", row.problem ? row.problem : "the file cannot be read");
    }
    if (*n == 0)
        return fx_fail(err, FX_EINVAL, "no_results", "the file has a header but no results");
    return 0;
}

/* ---- storing ---- */

typedef struct current {
    char result[12];
    int version;
    double ct;
    bool has_ct;
    int64_t at;
    char posted_by[64];
} current;

static int current_get(db_conn *c, int64_t tube_id, current *cur)
{
    db_stmt *s = db_prepare(c, "SELECT result, version, ct, at, posted_by FROM results WHERE tube_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        fx_copy(cur->result, sizeof cur->result, db_col_text(s, 0));
        cur->version = (int)db_col_i64(s, 1);
        cur->has_ct = !db_col_null(s, 2);
        cur->ct = cur->has_ct ? db_col_double(s, 2) : 0;
        cur->at = db_col_i64(s, 3);
        fx_copy(cur->posted_by, sizeof cur->posted_by, db_col_text(s, 4));
    }
    db_done(s);
    return rc;
}

static void bind_ct(db_stmt *s, int idx, bool has, double ct)
{
    if (has)
        db_bind_double(s, idx, ct);
    else
        db_bind_null(s, idx);
}

static int store_first(db_conn *c, const actor *who, const tube_ref *t, const result_item *it)
{
    db_stmt *s = db_prepare(c, "INSERT INTO results (tube_id, round_id, top_area_id, result, ct, at, first_at,"
                               " posted_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $8)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_i64(s, 2, t->round_id);
    db_bind_i64(s, 3, path_top(t->site_path));
    db_bind_text(s, 4, it->result);
    bind_ct(s, 5, it->has_ct, it->ct);
    db_bind_i64(s, 6, it->at);
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, fx_now());
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    return t->box_id ? turnaround_note_result(c, t->box_id, it->at) : 0;
}

static int store_correction(db_conn *c, const actor *who, const tube_ref *t, const current *cur,
                            const result_item *it)
{
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO result_history (id, tube_id, version, result, ct, at, posted_by,"
                               " replaced_at, replaced_by, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, t->id);
    db_bind_i64(s, 3, cur->version);
    db_bind_text(s, 4, cur->result);
    bind_ct(s, 5, cur->has_ct, cur->ct);
    db_bind_i64(s, 6, cur->at);
    db_bind_text(s, 7, cur->posted_by);
    db_bind_i64(s, 8, now);
    db_bind_text(s, 9, who->log.name);
    db_bind_text(s, 10, it->reason);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    s = db_prepare(c, "UPDATE results SET result = $2, ct = $3, at = $4, version = version + 1, posted_by = $5,"
                      " updated_at = $6 WHERE tube_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_text(s, 2, it->result);
    bind_ct(s, 3, it->has_ct, it->ct);
    db_bind_i64(s, 4, it->at);
    db_bind_text(s, 5, who->log.name);
    db_bind_i64(s, 6, now);
    rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
}

/* 1 when the tube once had this very result (same result, same time) before a correction replaced it. */
static int in_history(db_conn *c, int64_t tube_id, const result_item *it)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM result_history WHERE tube_id = $1 AND result = $2 AND at = $3 LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    db_bind_text(s, 2, it->result);
    db_bind_i64(s, 3, it->at);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : DB_ERR;
}

/* One item: 0 (answered), or < 0 when the store failed. */
static int post_one(db_conn *c, const actor *who, result_item *it, fx_str *changes, int *nchanged)
{
    char w[32];
    tube_ref t;
    int rc = tube_ref_get(c, it->tube, &t);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW || !actor_in_scope(who, t.site_path)) {
        reject(it, "unknown_tube", "%stube: %s is not a tube of any round in your area", where(it, w), it->tube);
        return 0;
    }
    if (it->at < t.opened_at - CLOCK_SKEW_S) {
        reject(it, "at_before_sampling", "%sat: the result's time is before tube %s was opened", where(it, w), t.barcode);
        return 0;
    }
    if (it->at > fx_now() + CLOCK_SKEW_S) {
        reject(it, "at_in_future", "%sat: the result's time is in the future; check the lab system's clock",
               where(it, w));
        return 0;
    }
    current cur;
    rc = current_get(c, t.id, &cur);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW && strcmp(cur.result, it->result) == 0) {
        it->status = "duplicate";
        return 0;
    }
    if (rc == DB_ROW) { /* a result since corrected, sent again (a lab system replaying its outbox) */
        int seen = in_history(c, t.id, it);
        if (seen < 0)
            return seen;
        if (seen) {
            it->status = "duplicate";
            return 0;
        }
    }
    if (rc == DB_ROW && !it->reason[0]) {
        it->status = "rejected";
        fx_fail(&it->err, FX_EINVAL, "correction_reason_required",
                "%stube %s already has the result %s: a different result is a correction and needs "
                "correction_reason",
                where(it, w), t.barcode, cur.result);
        return 0;
    }
    bool correction = rc == DB_ROW;
    rc = correction ? store_correction(c, who, &t, &cur, it) : store_first(c, who, &t, it);
    if (rc == 0)
        rc = result_consequences(c, who, &t, correction ? cur.result : NULL, it->result);
    if (rc != 0)
        return rc < 0 ? rc : DB_ERR;
    it->status = "ok";
    it->corrected = correction;
    fx_str_adds(changes, (*nchanged)++ ? "," : "");
    fx_str_add_json(changes, t.barcode);
    if (correction) {
        fx_str_addf(changes, ":{\"from\":\"%s\",\"to\":\"%s\",\"reason\":", cur.result, it->result);
        fx_str_add_json(changes, it->reason);
        fx_str_adds(changes, "}");
    } else {
        fx_str_addf(changes, ":\"%s\"", it->result);
    }
    return 0;
}

int results_post(db_conn *c, const actor *who, result_item *items, int n)
{
    fx_str changes;
    fx_str_init(&changes, 4u << 20);
    fx_str_adds(&changes, "{\"results\":{");
    int nchanged = 0, nrejected = 0, ndup = 0;
    for (int i = 0; i < n; i++) {
        result_item *it = &items[i];
        if (!it->status) {
            int rc = post_one(c, who, it, &changes, &nchanged);
            if (rc < 0) {
                fx_str_free(&changes);
                return rc;
            }
        }
        nrejected += strcmp(it->status, "rejected") == 0;
        ndup += strcmp(it->status, "duplicate") == 0;
    }
    fx_str_addf(&changes, "},\"duplicate\":%d,\"rejected\":%d}", ndup, nrejected);
    /* One entry for the request, listing every tube it changed (like a sampling batch). */
    int rc = 0;
    if (nchanged)
        rc = changes.overflow ? DB_ERR
                              : audit_record(c, &who->log, "post", "results",
                                             who->log.request_id && *who->log.request_id ? who->log.request_id : "cli",
                                             changes.p);
    fx_str_free(&changes);
    return rc;
}

int result_history(db_conn *c, int64_t tube_id, result_version *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT version, result, posted_by, '', '', ct, at, 0 FROM results WHERE tube_id = $1"
                               " UNION ALL SELECT version, result, posted_by, reason, replaced_by, ct, at, replaced_at"
                               " FROM result_history WHERE tube_id = $1 ORDER BY 1 DESC");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        result_version *v = &out[n++];
        memset(v, 0, sizeof *v);
        v->version = (int)db_col_i64(s, 0);
        fx_copy(v->result, sizeof v->result, db_col_text(s, 1));
        fx_copy(v->posted_by, sizeof v->posted_by, db_col_text(s, 2));
        fx_copy(v->reason, sizeof v->reason, db_col_text(s, 3));
        fx_copy(v->replaced_by, sizeof v->replaced_by, db_col_text(s, 4));
        v->has_ct = !db_col_null(s, 5);
        v->ct = v->has_ct ? db_col_double(s, 5) : 0;
        v->at = db_col_i64(s, 6);
        v->replaced_at = db_col_i64(s, 7);
    }
    db_done(s);
    return rc < 0 ? rc : n;
}
