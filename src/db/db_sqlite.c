/* db_sqlite.c — the SQLite engine behind db.h: connections, pragmas, statements. */
#include "db/db_internal.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WRITER_CACHE "-262144" /* KiB: the writer's page cache (see the pragmas at open) */

#define STMT_CACHE 256   /* slots per connection (open addressing) */
#define MAX_PARAMS 32    /* highest $N a statement may use */

struct db_stmt {
    sqlite3_stmt *st;
    db_conn *conn;
    char *sql;           /* owned copy: the cache key */
    unsigned hash;
    bool in_use, cached;
    unsigned char param[MAX_PARAMS + 1]; /* $N -> SQLite parameter index */
};

#define PTR_CACHE 64 /* statements by the address of their (constant) SQL text */

struct db_conn {
    sqlite3 *h;
    db_stmt *cache[STMT_CACHE];
    struct {
        const char *sql;
        db_stmt *s;
    } by_ptr[PTR_CACHE];
};

static unsigned str_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return DB_OK;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT: return DB_ECONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DB_EBUSY;
    default: return DB_ERR;
    }
}

db_conn *db__conn_open(db *d, bool writer, char *err, size_t errlen)
{
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(db_path(d), &c->h, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", db_path(d),
                 c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(c->h, 1);
    /* Durability: WAL with synchronous=FULL syncs the WAL on every commit, so
     * an acknowledged write survives kill -9 and power loss. */
    /* Caches: the writer's touches every index of a growing registry; SQLite's
     * 2 MB default turned a million-row import into a storm of page reads. */
    const char *pragmas = writer ? "PRAGMA journal_mode=WAL;"
                                   "PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON;"
                                   "PRAGMA journal_size_limit=67108864;"
                                   "PRAGMA temp_store=MEMORY;"
                                   "PRAGMA cache_size=" WRITER_CACHE ";"
                                 : "PRAGMA foreign_keys=ON;"
                                   "PRAGMA query_only=ON;"
                                   "PRAGMA temp_store=MEMORY;"
                                   "PRAGMA cache_size=-32768;"
                                   "PRAGMA mmap_size=1073741824;";
    sqlite3_busy_timeout(c->h, 5000);
    char *msg = NULL;
    if (sqlite3_exec(c->h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up database %s: %s", db_path(d), msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    return c;
fail:
    db__conn_close(c);
    return NULL;
}

static void stmt_free(db_stmt *s)
{
    sqlite3_finalize(s->st);
    free(s->sql);
    free(s);
}

void db__conn_close(db_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < STMT_CACHE; i++)
        if (c->cache[i])
            stmt_free(c->cache[i]);
    sqlite3_close_v2(c->h);
    free(c);
}

static db_stmt *stmt_new(db_conn *c, const char *sql, unsigned hash)
{
    db_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->conn = c;
    s->hash = hash;
    s->sql = strdup(sql);
    if (!s->sql || sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
        free(s->sql);
        free(s);
        return NULL;
    }
    int n = sqlite3_bind_parameter_count(s->st);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(s->st, i);
        long k = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
        if (k < 1 || k > MAX_PARAMS) { /* only $1..$32 are portable placeholders */
            stmt_free(s);
            return NULL;
        }
        s->param[k] = (unsigned char)i;
    }
    return s;
}

db_stmt *db_prepare(db_conn *c, const char *sql)
{
    /* Hot path: the same constant SQL at the same address, no hashing of its text. */
    unsigned pslot = (unsigned)(((uintptr_t)sql >> 3) % PTR_CACHE);
    db_stmt *hit = c->by_ptr[pslot].sql == sql ? c->by_ptr[pslot].s : NULL;
    if (hit && !hit->in_use) {
        hit->in_use = true;
        return hit;
    }
    unsigned h = str_hash(sql);
    unsigned slot = h % STMT_CACHE;
    for (unsigned probe = 0; probe < 8; probe++, slot = (slot + 1) % STMT_CACHE) {
        db_stmt *s = c->cache[slot];
        if (!s) {
            s = stmt_new(c, sql, h);
            if (!s)
                return NULL;
            s->cached = true;
            s->in_use = true;
            c->cache[slot] = s;
            return s;
        }
        if (s->hash == h && strcmp(s->sql, sql) == 0) {
            if (s->in_use)
                break; /* nested use of the same SQL: a private statement */
            s->in_use = true;
            c->by_ptr[pslot].sql = sql;
            c->by_ptr[pslot].s = s;
            return s;
        }
    }
    db_stmt *s = stmt_new(c, sql, h);
    if (s)
        s->in_use = true;
    return s;
}

void db_done(db_stmt *s)
{
    if (!s)
        return;
    if (!s->cached) {
        stmt_free(s);
        return;
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = false;
}

void db_reset(db_stmt *s) { sqlite3_reset(s->st); }

static int pidx(db_stmt *s, int idx)
{
    return idx >= 1 && idx <= MAX_PARAMS ? s->param[idx] : 0;
}

int db_bind_i64(db_stmt *s, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(s->st, pidx(s, idx), v));
}

int db_bind_text(db_stmt *s, int idx, const char *v)
{
    if (!v)
        return db_bind_null(s, idx);
    return map_rc(sqlite3_bind_text(s->st, pidx(s, idx), v, -1, SQLITE_TRANSIENT));
}

int db_bind_textn(db_stmt *s, int idx, const char *v, size_t len)
{
    return map_rc(sqlite3_bind_text(s->st, pidx(s, idx), v, (int)len, SQLITE_TRANSIENT));
}

int db_bind_text_ref(db_stmt *s, int idx, const char *v)
{
    if (!v)
        return db_bind_null(s, idx);
    return map_rc(sqlite3_bind_text(s->st, pidx(s, idx), v, -1, SQLITE_STATIC));
}

int db_build_indexes(db_conn *c, const char *const *ddl, int n)
{
    /* The sorter keeps up to cache_size in memory and sorts it in one thread;
     * past that it cuts the input into runs that worker threads sort at once,
     * but only when runs go to temp files (temp_store=MEMORY keeps it to one
     * thread). 16 MB runs on 2 threads measured fastest (12.6 M names: 7.0 s,
     * against 22.3 s in one 1 GB sort and 13.1 s with 256 MB runs). */
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA threads=%ld; PRAGMA cache_size=-16384; PRAGMA temp_store=FILE;", threads < 1 ? 1 : threads > 8 ? 8 : threads);
    int rc = db_exec(c, sql);
    for (int i = 0; i < n && rc == DB_OK; i++)
        rc = db_exec(c, ddl[i]);
    int back = db_exec(c, "PRAGMA threads=0; PRAGMA temp_store=MEMORY; PRAGMA cache_size=" WRITER_CACHE ";");
    return rc != DB_OK ? rc : back;
}

int db_bind_double(db_stmt *s, int idx, double v)
{
    return map_rc(sqlite3_bind_double(s->st, pidx(s, idx), v));
}

int db_bind_null(db_stmt *s, int idx) { return map_rc(sqlite3_bind_null(s->st, pidx(s, idx))); }

int db_step(db_stmt *s) { return map_rc(sqlite3_step(s->st)); }

int64_t db_col_i64(db_stmt *s, int col) { return sqlite3_column_int64(s->st, col); }
double db_col_double(db_stmt *s, int col) { return sqlite3_column_double(s->st, col); }
const char *db_col_text(db_stmt *s, int col) { return (const char *)sqlite3_column_text(s->st, col); }
bool db_col_null(db_stmt *s, int col) { return sqlite3_column_type(s->st, col) == SQLITE_NULL; }

int db_exec(db_conn *c, const char *sql) { return map_rc(sqlite3_exec(c->h, sql, NULL, NULL, NULL)); }
int64_t db_changes(db_conn *c) { return sqlite3_changes64(c->h); }
const char *db_errmsg(db_conn *c) { return sqlite3_errmsg(c->h); }

int db__begin(db_conn *c) { return db_exec(c, "BEGIN IMMEDIATE"); }
int db__commit(db_conn *c) { return db_exec(c, "COMMIT"); }
int db__rollback(db_conn *c) { return db_exec(c, "ROLLBACK"); }

void db__checkpoint(db_conn *c)
{
    /* PASSIVE never waits for readers (a RESTART would, up to the busy timeout, with
     * every write queued behind it); once no reader holds the old WAL, the next
     * writer starts it from the beginning and journal_size_limit truncates it. */
    sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

int db_query_i64(db_conn *c, const char *sql, int64_t *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = db_col_i64(s, 0);
    db_done(s);
    return rc;
}

int db_one_row(db_conn *c, const char *sql, int64_t id, db_read_fn read, void *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read(s, out);
    db_done(s);
    return rc;
}

static void read_i64(db_stmt *s, void *out) { *(int64_t *)out = db_col_i64(s, 0); }

int db_one_i64(db_conn *c, const char *sql, int64_t id, int64_t *out) { return db_one_row(c, sql, id, read_i64, out); }

int db_rows(db_stmt *s, db_read_fn read, void *out, size_t size, int max)
{
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read(s, (char *)out + (size_t)n++ * size);
    db_done(s);
    return rc < 0 ? rc : n;
}

char *db__migration_sql(const char *sql)
{
    static const char from[] = "BIGINT PRIMARY KEY", to[] = "INTEGER PRIMARY KEY";
    size_t n = 0;
    for (const char *p = sql; (p = strstr(p, from)); p += sizeof from - 1)
        n++;
    char *out = malloc(strlen(sql) + n * (sizeof to - sizeof from) + 1);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *p = sql, *hit; *p; p = hit + sizeof from - 1) {
        hit = strstr(p, from);
        if (!hit) {
            memcpy(w, p, strlen(p) + 1);
            break;
        }
        memcpy(w, p, (size_t)(hit - p));
        w += hit - p;
        memcpy(w, to, sizeof to - 1);
        w += sizeof to - 1;
        *w = '\0';
    }
    return out;
}

void db_read_begin(db_conn *c)
{
    db_stmt *s = db_prepare(c, "BEGIN");
    if (s) {
        db_step(s);
        db_done(s);
    }
}

void db_read_end(db_conn *c)
{
    if (sqlite3_get_autocommit(c->h))
        return; /* nothing began */
    db_stmt *s = db_prepare(c, "COMMIT");
    if (s) {
        db_step(s);
        db_done(s);
    }
}
