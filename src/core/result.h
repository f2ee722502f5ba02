/* result.h — lab results per tube, from the lab's system as JSON items or a CSV file
 * (header tube,result,ct,at and optionally correction_reason; at as epoch seconds or
 * ISO 8601 with an offset).
 *
 * Each item is answered on its own: ok, duplicate (the tube already has this result:
 * posting a file twice changes nothing) or rejected with a code and a message naming
 * the field (and the CSV row). A different result for a tube that has one is a
 * correction: it needs a correction_reason, the replaced result is kept in
 * result_history, and positive.h's rules run for the change (a change to positive
 * starts the positive flow). */
#ifndef RESULT_H
#define RESULT_H
#include "core/custody.h"

#define RESULTS_MAX 20000 /* items per request */

typedef struct result_item {
    long row;                       /* CSV row (header = 1); 0 for JSON */
    char tube[BARCODE_MAX + 1];
    char result[12];                /* negative, positive, invalid */
    double ct;
    bool has_ct;
    int64_t at;
    char reason[404];               /* correction_reason, "" when none */
    /* the answer */
    const char *status;             /* "ok", "duplicate", "rejected" */
    bool corrected;                 /* ok as a correction */
    fx_err err;                     /* when rejected */
} result_item;

/* Parsing one field of an item, shared by JSON and CSV: 0, or rejects it (status and
 * err naming the field) and returns -1. */
int result_item_set_tube(result_item *it, const char *v);
int result_item_set_result(result_item *it, const char *v); /* also 阴性/阳性/无效 */
int result_item_set_ct(result_item *it, const char *v);     /* "" or a number 0-60 */
int result_item_set_at(result_item *it, const char *v);     /* epoch seconds or ISO 8601 with offset */
int result_item_set_reason(result_item *it, const char *v);

/* Epoch seconds from "1650000000" or ISO 8601 with an offset ("2022-04-15T10:20:00+08:00",
 * "…Z", "…+0800", a space for the T; seconds and fractions optional). */
bool result_parse_time(const char *s, int64_t *out);

/* Reads a results CSV from fd into *items (malloc'd, *n of them; rows that cannot be
 * read are items already rejected, with their row). 0, or an FX_ kind when the file
 * as a whole is unusable (not CSV, a required column missing, too many rows). */
int result_csv_read(int fd, result_item **items, int *n, fx_err *err);

/* Stores the items not already rejected, in order, answering each. 0, or < 0 when
 * the store failed (the whole request then fails and changes nothing). */
int results_post(db_conn *c, const actor *who, result_item *items, int n);

/* A tube's current result and its history (newest first). */
typedef struct result_version {
    int version;
    char result[12], posted_by[64], reason[404], replaced_by[64];
    double ct;
    bool has_ct;
    int64_t at, replaced_at; /* replaced_at 0: current */
} result_version;
/* Fills out[0] with the current result and out[1…] with the replaced ones. Count (0:
 * no result yet) or < 0. */
int result_history(db_conn *c, int64_t tube_id, result_version *out, int max);

#endif
