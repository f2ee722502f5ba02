/* core_internal.h — what the modules of src/core share (internal to src/core): subtree ranges, scoped pages
 * of rows, alert-like feeds and area ids from paths. Code in core_internal.c (feed_page in alert.c). */
#ifndef CORE_INTERNAL_H
#define CORE_INTERNAL_H
#include "core/perm.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>

/* [lo, hi) of the paths in the subtree of path ("/" or NULL: everything). */
void scope_range(const char *path, char lo[FX_AREA_PATH_MAX], char hi[FX_AREA_PATH_MAX]);

/* Prepares sql, a page of rows in a scope, and binds its shared parameters: the subtree of scope_path
 * ($1, $2), the id the page goes on from ($3, as given: newest-first pages start at INT64_MAX) and at most
 * max rows ($4). The caller binds any others and reads the rows with db_rows. NULL when sql does not prepare. */
db_stmt *scope_page(db_conn *c, const char *sql, const char *scope_path, int64_t from_id, int max);

/* The WHERE of an alert-like feed (alerts, sensor alarms; table al, area a): newest first, in a scope, open
 * ones only when $5 (open is the SQL condition that says so), of kind $6 ('' any). See feed_page. */
#define FEED_WHERE(open)                                                                                     \
    "WHERE a.path >= $1 AND a.path < $2 AND al.id < $3 AND ($5 = 0 OR " open ") AND ($6 = '' OR al.kind = $6)"  \
    " ORDER BY al.id DESC LIMIT $4"
/* A page of an alert-like feed: sql is its SELECT and FEED_WHERE; before_id 0 starts at the newest. */
int feed_page(db_conn *c, const char *sql, const char *scope_path, bool open_only, const char *kind,
              int64_t before_id, db_read_fn read, void *out, size_t size, int max);

/* The top-level area id of a path "/id/…/", and the area's own (last) id. */
int64_t path_top(const char *path);
int64_t path_last(const char *path);

#endif /* CORE_INTERNAL_H */
