/* export.h — person lists out to the spreadsheets staff use: CSV with a BOM
 * (so Excel reads UTF-8) and XLSX (libxlsxwriter, constant memory). ID numbers
 * and phones are masked unless the caller may see them. */
#ifndef EXPORT_H
#define EXPORT_H
#include "core/person.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct export_opts {
    bool xlsx;     /* else CSV */
    bool mask;     /* mask ID numbers and phones; leave out personal codes */
    bool english;  /* English column headers (default Chinese) */
    const char *unmask_scope; /* not NULL: people registered outside this area path are masked too
                               * (staff see unmasked only their own area's people) */
} export_opts;

/* Writes every person the query finds (an area's whole subtree pages through;
 * searches give their matches). CSV goes to csv, XLSX to the file xlsx_path.
 * *rows gets the count. 0 or an FX_ kind with err. */
int export_persons(db_conn *c, const person_query *q, const export_opts *o, FILE *csv, const char *xlsx_path,
                   long *rows, fx_err *err);

/* The untested list of a round below area_path (round_untested), written the same way. */
int export_untested(db_conn *c, int64_t round_id, const char *area_path, const export_opts *o, FILE *csv,
                    const char *xlsx_path, long *rows, fx_err *err);

/* Any table: next fills ncols (at most EXPORT_COLS_MAX) cells of the next row and returns
 * 1, 0 at the end, or < 0 with err filled. The cells are written as they are (mask first). */
#define EXPORT_COLS_MAX 32
typedef int (*export_next_fn)(void *src, const char **cells, fx_err *err);
int export_table(const export_opts *o, int ncols, const char *const *head, export_next_fn next, void *src, FILE *csv,
                 const char *xlsx_path, const char *sheet, long *rows, fx_err *err);

#endif
