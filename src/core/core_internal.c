/* core_internal.c — helpers the modules of src/core share (core_internal.h). */
#include "core/core_internal.h"

#include "util/fx_str.h"

#include <stdlib.h>
#include <string.h>

void scope_range(const char *path, char lo[FX_AREA_PATH_MAX], char hi[FX_AREA_PATH_MAX])
{
    fx_copy(lo, FX_AREA_PATH_MAX, path && *path ? path : "/");
    fx_copy(hi, FX_AREA_PATH_MAX, lo);
    hi[strlen(hi) - 1] = '0'; /* '0' follows '/': the first path past the subtree */
}

db_stmt *scope_page(db_conn *c, const char *sql, const char *scope_path, int64_t from_id, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return NULL;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, from_id);
    db_bind_i64(s, 4, max);
    return s;
}

int64_t path_top(const char *path) { return path && *path == '/' ? strtoll(path + 1, NULL, 10) : 0; }

int64_t path_last(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n < 3)
        return 0;
    const char *p = path + n - 2; /* before the closing '/' */
    while (p > path && *p != '/')
        p--;
    return strtoll(p + 1, NULL, 10);
}
