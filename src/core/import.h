/* import.h — registry imports from the spreadsheets staff already keep.
 *
 * A CSV file (UTF-8, UTF-8 with BOM or GBK; Chinese or English headers) is
 * streamed: memory stays bounded whatever its size. Each row is checked on its
 * own; a rejected row is reported (row number, field, reason) and the good rows
 * are kept. Persons merge by ID number: importing the same file twice changes
 * nothing, and a real change replaces old values with the non-empty new ones
 * (audited). Buildings, units and households named in the rows are created
 * under the import's area. Rows are written in batches through the writer, so
 * an import never holds the store for long. */
#ifndef IMPORT_H
#define IMPORT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct import_progress {
    int64_t import_id;
    long long bytes_done, bytes_total;
    long long rows, accepted, merged, unchanged, rejected;
    const char *encoding;
} import_progress;

typedef void (*import_progress_fn)(const import_progress *p, void *ud);

typedef struct import_opts {
    const char *kind;        /* "persons" or "merchants" */
    const char *area;        /* code of the area everything goes under */
    const char *file_name;   /* for the record */
    long long max_bytes;     /* larger files are refused before reading (0: no limit) */
    int batch_rows;          /* rows per write (default 2000) */
    import_progress_fn progress;
    void *progress_ud;
    int64_t import_id;       /* 0: create the import record here; else it exists (API) */
    const _Atomic bool *cancel; /* when it turns true the import stops after the current batch */
    bool caller_bulk;        /* the caller dropped the person indexes and rebuilds them (several files in a row) */
} import_opts;

/* Creates the import record (status running) for a file of bytes_total bytes:
 * import_create inside a write job, import_begin through the writer. */
int import_create(db_conn *c, const actor *who, const import_opts *o, long long bytes_total, int64_t *import_id,
                  fx_err *err);
int import_begin(db *d, const actor *who, const import_opts *o, long long bytes_total, int64_t *import_id,
                 fx_err *err);

/* Reads fd to its end. Returns 0 when the file could be read (even with
 * rejected rows), or an FX_ kind with err when it could not be read at all.
 * *out has the final counts. */
int import_run(db *d, const actor *who, int fd, const import_opts *o, import_progress *out, fx_err *err);

/* For callers that load several files into an empty registry: drops the person
 * search indexes when the registry is empty (returns 1 then, 0 when it is not). */
int import_bulk_begin(db *d);
int import_bulk_end(db *d); /* builds the indexes; 0 or < 0 */

/* The rejects of an import, in row order: calls fn for each. */
typedef void (*import_reject_fn)(long long row, const char *level, const char *field, const char *reason,
                                 const char *raw, void *ud);
int import_rejects(db_conn *c, int64_t import_id, import_reject_fn fn, void *ud);

#endif
