/* person_search.c — finding people: every search runs on an index, then is
 * narrowed to the caller's area by the area path (a prefix range). */
#include "core/person.h"
#include "core/person_row.h"

#include "util/fx_idcard.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SELECT_COLS PERSON_COLUMNS
#define COLS PERSON_SELECT
/* Address searches start from the households index: an inner join, households first. */
#define COLS_BY_HOUSEHOLD                                                                                    \
    SELECT_COLS " FROM households h JOIN persons p ON p.household_id = h.id"        \
                " JOIN areas a ON a.id = p.area_id "
/* $1 $2: the scope range [path, upper) */
#define IN_SCOPE " AND a.path >= $1 AND a.path < $2 "

/* The largest code point: appended to a prefix it bounds the prefix's range. */
#define MAX_CHAR "\xf4\x8f\xbf\xbf"

struct hits {
    person *out;
    int n, max;
};

/* Runs sql with the scope in $1/$2, text args in $3 (and $4), limit in $5; appends
 * rows not already in the hit list. */
static int run(db_conn *c, const char *sql, const person_query *q, const char *a3, const char *a4, struct hits *h)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    fx_copy(lo, sizeof lo, q->scope_path ? q->scope_path : "/");
    fx_copy(hi, sizeof hi, lo);
    hi[strlen(hi) - 1] = '0'; /* '/' + 1 */
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    if (a3)
        db_bind_text(s, 3, a3);
    if (a4)
        db_bind_text(s, 4, a4);
    db_bind_i64(s, 5, h->max - h->n);
    int rc = DB_DONE;
    while (h->n < h->max && (rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_i64(s, 0);
        bool seen = false;
        for (int i = 0; i < h->n && !seen; i++)
            seen = h->out[i].id == id;
        if (!seen)
            person_read_row(s, &h->out[h->n++]);
    }
    db_done(s);
    return rc < 0 && rc != DB_DONE ? rc : 0;
}

static int by_name(db_conn *c, const person_query *q, const char *name, struct hits *h)
{
    char upper[256];
    snprintf(upper, sizeof upper, "%s" MAX_CHAR, name);
    /* exact matches first, then longer names with that prefix */
    int rc = run(c, COLS "WHERE p.name = $3" IN_SCOPE "ORDER BY p.id LIMIT $5", q, name, NULL, h);
    if (rc == 0)
        rc = run(c, COLS "WHERE p.name > $3 AND p.name < $4" IN_SCOPE "ORDER BY p.name, p.id LIMIT $5", q, name,
                 upper, h);
    return rc;
}

static int by_address(db_conn *c, const person_query *q, const char *prefix, struct hits *h)
{
    char upper[600];
    snprintf(upper, sizeof upper, "%s" MAX_CHAR, prefix);
    return run(c, COLS_BY_HOUSEHOLD "WHERE h.address_key >= $3 AND h.address_key < $4" IN_SCOPE
                                    "ORDER BY h.address_key, p.id LIMIT $5",
               q, prefix, upper, h);
}

static void reverse(const char *in, char *out, size_t cap)
{
    size_t n = 0, len = strlen(in);
    for (size_t i = len; i-- > 0 && n + 1 < cap;)
        if (isdigit((unsigned char)in[i]))
            out[n++] = in[i];
    out[n] = '\0';
}

static int by_phone(db_conn *c, const person_query *q, const char *digits, bool last4, struct hits *h)
{
    char rev[32], upper[40];
    reverse(digits, rev, sizeof rev);
    if (!last4)
        return run(c, COLS "WHERE p.phone_rev = $3" IN_SCOPE "ORDER BY p.id LIMIT $5", q, rev, NULL, h);
    snprintf(upper, sizeof upper, "%s:", rev); /* ':' follows '9' */
    /* in index order, so the first page needs no sort of every match */
    return run(c, COLS "WHERE p.phone_rev >= $3 AND p.phone_rev < $4" IN_SCOPE "ORDER BY p.phone_rev, p.id LIMIT $5",
               q, rev, upper, h);
}

static int by_id(db_conn *c, const person_query *q, const char *text, struct hits *h)
{
    fx_idcard card;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char norm[64];
    if (fx_idcard_parse(text, tm.tm_year + 1900, &card) == FX_ID_OK)
        fx_copy(norm, sizeof norm, card.number);
    else {
        size_t n = 0;
        fx_text_normalize(text, norm, sizeof norm);
        for (char *p = norm; *p; p++)
            if (*p != ' ')
                norm[n++] = (char)toupper((unsigned char)*p);
        norm[n] = '\0';
    }
    return run(c, COLS "WHERE p.id_number = $3" IN_SCOPE "LIMIT $5", q, norm, NULL, h);
}

static int by_last4(db_conn *c, const person_query *q, const char *last4, struct hits *h)
{
    char up[8];
    fx_copy(up, sizeof up, last4);
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return run(c, COLS "WHERE p.id_last4 = $3" IN_SCOPE "ORDER BY p.id LIMIT $5", q, up, NULL, h);
}

/* An area's subtree in (area path, id) order, so a page is read straight off the
 * areas path index and the persons (area_id, id) index, with no sort. The cursor
 * is the last person's id; its area path is looked up to resume there. */
static int list_area(db_conn *c, const person_query *q, struct hits *h)
{
    db_stmt *s;
    int rc = DB_DONE;
    if (q->household_id || q->merchant_id) {
        s = q->household_id ? db_prepare(c, COLS "WHERE p.household_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3")
                            : db_prepare(c, COLS "WHERE p.merchant_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, q->household_id ? q->household_id : q->merchant_id);
        db_bind_i64(s, 2, q->after_id);
        db_bind_i64(s, 3, h->max);
    } else {
        char lo[FX_AREA_PATH_MAX] = "/", hi[FX_AREA_PATH_MAX] = "0", from[FX_AREA_PATH_MAX] = "";
        if (q->area_path && *q->area_path) {
            fx_copy(lo, sizeof lo, q->area_path);
            fx_copy(hi, sizeof hi, lo);
            hi[strlen(hi) - 1] = '0';
        }
        int64_t after = q->after_id;
        if (after) {
            db_stmt *k = db_prepare(c, "SELECT a.path FROM persons p JOIN areas a ON a.id = p.area_id WHERE p.id = $1");
            if (!k)
                return DB_ERR;
            db_bind_i64(k, 1, after);
            if (db_step(k) == DB_ROW)
                fx_copy(from, sizeof from, db_col_text(k, 0));
            db_done(k);
        }
        s = db_prepare(c, SELECT_COLS " FROM areas a JOIN persons p ON p.area_id = a.id"
                                      " LEFT JOIN households h ON h.id = p.household_id"
                                      " WHERE a.path >= $1 AND a.path < $2"
                                      " AND (a.path > $3 OR (a.path = $3 AND p.id > $4))"
                                      " ORDER BY a.path, p.id LIMIT $5");
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
        db_bind_text(s, 3, from);
        db_bind_i64(s, 4, after);
        db_bind_i64(s, 5, h->max);
    }
    while (h->n < h->max && (rc = db_step(s)) == DB_ROW)
        person_read_row(s, &h->out[h->n++]);
    db_done(s);
    return rc < 0 && rc != DB_DONE ? rc : 0;
}

static bool all_digits(const char *s, size_t n, bool x_last)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(x_last && i == n - 1 && (s[i] == 'X' || s[i] == 'x')))
            return false;
    return true;
}

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return true;
    return false;
}

int person_search(db_conn *c, const person_query *q, person *out, int max, fx_err *err)
{
    struct hits h = {out, 0, max};
    int rc = 0;
    char text[256];
    if (q->area_path || q->household_id || q->merchant_id) {
        rc = list_area(c, q, &h);
    } else if (q->id_number) {
        rc = by_id(c, q, q->id_number, &h);
    } else if (q->phone) {
        char digits[32];
        fx_text_normalize(q->phone, text, sizeof text);
        size_t n = 0;
        for (const char *p = text; *p && n < sizeof digits - 1; p++)
            if (isdigit((unsigned char)*p))
                digits[n++] = *p;
        digits[n] = '\0';
        if (n < 4)
            return fx_fail(err, FX_EINVAL, "invalid_phone", "phone: give the whole number or its last 4 digits");
        rc = by_phone(c, q, digits, n == 4, &h);
    } else if (q->name) {
        fx_text_normalize(q->name, text, sizeof text);
        rc = by_name(c, q, text, &h);
    } else if (q->address) {
        fx_text_normalize(q->address, text, sizeof text);
        rc = by_address(c, q, text, &h);
    } else if (q->q) {
        /* free text: its shape says what it is */
        char compact[256];
        size_t n = 0;
        fx_text_normalize(q->q, text, sizeof text);
        for (const char *p = text; *p && n < sizeof compact - 1; p++)
            if (*p != ' ' && *p != '-')
                compact[n++] = *p;
        compact[n] = '\0';
        if (n == 0)
            return fx_fail(err, FX_EINVAL, "empty_query", "type a name, an ID number, a phone number or an address");
        if (all_digits(compact, 18, true) || all_digits(compact, 15, false))
            rc = by_id(c, q, compact, &h);
        else if (all_digits(compact, 11, false) && compact[0] == '1')
            rc = by_phone(c, q, compact, false, &h);
        else if (all_digits(compact, 4, true)) {
            rc = by_last4(c, q, compact, &h);
            if (rc == 0 && compact[3] != 'X' && compact[3] != 'x')
                rc = by_phone(c, q, compact, true, &h);
        } else if (has_digit(compact)) {
            rc = by_address(c, q, compact, &h);
        } else {
            rc = by_name(c, q, compact, &h);
            if (rc == 0 && h.n < max)
                rc = by_address(c, q, compact, &h);
        }
    } else {
        return fx_fail(err, FX_EINVAL, "empty_query",
                       "give q, name, id_number, phone, address, area or household to search");
    }
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "the search failed; try again");
    return h.n;
}

/* ---- masks ---- */

void person_mask_id(const char *id, char out[40])
{
    fx_idcard_mask(id, out);
}

void person_mask_phone(const char *phone, char out[24])
{
    size_t n = strlen(phone);
    fx_copy(out, 24, phone);
    if (n == 11) /* 138****1234 */
        memset(out + 3, '*', 4);
    else if (n > 4)
        for (size_t i = 0; i + 4 < n; i++)
            if (isdigit((unsigned char)out[i]) && i >= 2)
                out[i] = '*';
}

void person_mask_name(const char *name, char out[PERSON_NAME_MAX * 4 + 1])
{
    /* the first character stays: 张* / 欧阳** keep one visible, as in the contract (张*) */
    if (!*name) {
        out[0] = '\0';
        return;
    }
    size_t first = 1;
    while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    size_t rest = fx_utf8_len(name + first);
    size_t n = 0;
    for (size_t i = 0; i < first && n < PERSON_NAME_MAX * 4; i++)
        out[n++] = name[i];
    for (size_t i = 0; i < rest && n < PERSON_NAME_MAX * 4; i++)
        out[n++] = '*';
    out[n] = '\0';
}
