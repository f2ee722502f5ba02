#include "lib/round_fixture.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;
static int64_t next_id = 7000000000000;

int rfx_open(const char *db_path)
{
    if (sqlite3_open(db_path, &db) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(db, 10000);
    return 0;
}

void rfx_close(void)
{
    sqlite3_close(db);
    db = NULL;
}

/* Runs sql with up to 8 int64/text arguments: 'i' or 's' per char of types. */
static int run(const char *sql, const char *types, ...)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "round_fixture: %s: %s\n", sql, sqlite3_errmsg(db));
        return -1;
    }
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i')
            sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
        else
            sqlite3_bind_text(s, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "round_fixture: %s: %s\n", sql, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static int64_t area_id(const char *code, int64_t *top)
{
    sqlite3_stmt *s;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, path FROM areas WHERE code = ?1", -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        *top = strtoll((const char *)sqlite3_column_text(s, 1) + 1, NULL, 10);
    }
    sqlite3_finalize(s);
    if (!id)
        fprintf(stderr, "round_fixture: no area %s\n", code);
    return id;
}

int64_t rfx_round(const char *area_code, int64_t start, int64_t deadline)
{
    int64_t top, a = area_id(area_code, &top), id = next_id++;
    if (!a || run("INSERT INTO rounds (id, name, area_id, start_at, deadline, created_at, updated_at)"
                  " VALUES (?1, 'test round', ?2, ?3, ?4, ?3, ?3)", "iiii", id, a, start, deadline) ||
        run("INSERT INTO round_areas VALUES (?1, ?2)", "ii", id, a))
        return 0;
    return id;
}

int64_t rfx_site(const char *area_code, const char *name)
{
    int64_t top, a = area_id(area_code, &top), id = next_id++;
    if (!a || run("INSERT INTO sites (id, top_area_id, area_id, name, created_at, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, 0, 0)", "iiis", id, top, a, name))
        return 0;
    return id;
}

int64_t rfx_tube(int64_t round, int64_t site, const char *barcode, int pool_size, const int64_t *persons, int n,
                 int64_t opened, int64_t sealed)
{
    int64_t id = next_id++;
    if (run("INSERT INTO tubes (id, barcode, round_id, site_id, top_area_id, pool_size, samples, opened_at,"
            " sealed_at, created_at) SELECT ?1, ?2, ?3, ?4, top_area_id, ?5, ?6, ?7, NULLIF(?8, 0), ?7"
            " FROM sites WHERE id = ?4", "isiiiiii", id, barcode, round, site, (int64_t)pool_size, (int64_t)n, opened,
            sealed))
        return 0;
    for (int i = 0; i < n; i++)
        if (run("INSERT INTO samples (id, round_id, tube_id, person_id, top_area_id, area_id, site_id, taken_at,"
                " created_at) SELECT ?1, ?2, ?3, id, top_area_id, area_id, ?4, ?5, ?5 FROM persons WHERE id = ?6",
                "iiiiii", next_id++, round, id, site, opened + i, persons[i]))
            return 0;
    return id;
}

int64_t rfx_box(int64_t round, int64_t site, const char *barcode, const char *seal, const char *const *tubes, int n,
                int64_t sealed_at)
{
    int64_t id = next_id++;
    if (run("INSERT INTO boxes (id, barcode, seal_no, round_id, site_id, top_area_id, tube_count, sealed_at,"
            " created_at) SELECT ?1, ?2, ?3, ?4, ?5, top_area_id, ?6, ?7, ?7 FROM sites WHERE id = ?5", "issiiii", id,
            barcode, seal, round, site, (int64_t)n, sealed_at))
        return 0;
    for (int i = 0; i < n; i++)
        if (run("UPDATE tubes SET box_id = ?1 WHERE barcode = ?2", "is", id, tubes[i]))
            return 0;
    return id;
}
