/* custody_internal.h — what custody.c, result.c and positive.c share (internal to
 * src/core): subtree ranges, and tubes and boxes with the paths scope checks need. */
#ifndef CUSTODY_INTERNAL_H
#define CUSTODY_INTERNAL_H
#include "core/custody.h"

/* [lo, hi) of the paths in the subtree of path ("/" or NULL: everything). */
void scope_range(const char *path, char lo[FX_AREA_PATH_MAX], char hi[FX_AREA_PATH_MAX]);

/* The top-level area id of a path "/id/…/", and the area's own (last) id. */
int64_t path_top(const char *path);
int64_t path_last(const char *path);

/* DB_ROW with *out, DB_DONE when no tube has that barcode, or < 0. */
int tube_ref_get(db_conn *c, const char *barcode, tube_ref *out);
int tube_ref_get_id(db_conn *c, int64_t id, tube_ref *out);

#endif
