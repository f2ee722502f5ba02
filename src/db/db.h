/* db.h — the store layer: the only code in fangxian that knows an SQL engine.
 *
 * Portable rules for SQL passed here (SQLite now, PostgreSQL through libpq later):
 *   - placeholders are $1..$N (SQLite takes them as named parameters);
 *   - ids are BIGINT made by fx_id_next(), never by the engine;
 *   - times are BIGINT UTC epoch seconds;
 *   - upserts use INSERT … ON CONFLICT … DO UPDATE, inserts may use RETURNING.
 *
 * Threads: every connection belongs to one thread. Readers get a thread-local
 * connection from db_reader(). All writes run on the single writer thread, which
 * takes every queued job, runs each in its own savepoint inside one transaction
 * and commits once (group commit). A job is acknowledged (its done callback runs,
 * or db_write() returns) only after that commit is durable: WAL with
 * synchronous=FULL. A failing job rolls back to its savepoint and leaves the
 * others of the batch intact. */
#ifndef DB_H
#define DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* Results of db_step(); errors are negative. */
enum { DB_OK = 0, DB_ROW = 1, DB_DONE = 2 };
enum {
    DB_ERR = -1,         /* engine error; db_errmsg() says which */
    DB_ECONSTRAINT = -2, /* unique / foreign key / check violated */
    DB_EBUSY = -3,       /* lock not obtained within the busy timeout */
    DB_EOVERLOAD = -4,   /* write queue full: answer 503, try later */
    DB_ECLOSED = -5,     /* store is shutting down */
    DB_ENOTFOUND = -6,   /* for callers: the row asked for is not there */
};

typedef struct db_options {
    int write_batch_max;  /* jobs per commit; 1 = one fsync per write (benchmark reference) */
    int write_queue_max;  /* queued jobs beyond this are refused with DB_EOVERLOAD */
    int busy_timeout_ms;
    bool read_only;       /* CLI reads: no writer thread */
} db_options;

#define DB_OPTIONS_DEFAULT {.write_batch_max = 1024, .write_queue_max = 8192, .busy_timeout_ms = 5000}

/* Opens (creating if needed) the database at path and starts its writer.
 * On failure returns NULL and writes the reason to err. */
db *db_open(const char *path, const db_options *opt, char *err, size_t errlen);
/* Finishes every queued write, stops the writer, closes every connection.
 * All threads that used db_reader() must have stopped using it. */
void db_close(db *d);
const char *db_path(const db *d);

/* Applies every migration not yet applied, each in its own transaction.
 * *applied gets how many ran. 0 or a negative DB_ code. */
int db_migrate(db *d, int *applied, char *err, size_t errlen);
/* Highest migration version applied. */
int db_schema_version(db *d);

/* This thread's read connection (opened on first use). NULL on failure. */
db_conn *db_reader(db *d);
/* Groups this thread's reads into one read transaction (one snapshot, one WAL
 * lock round trip) until db_read_end(). Never hold one across a wait. */
void db_read_begin(db_conn *c);
void db_read_end(db_conn *c);
/* Closes this thread's read connection: threads that end before the store closes call it. */
void db_reader_release(db *d);

/* Statements. db_prepare() caches by SQL text per connection: pass SQL that is
 * a constant. Every prepared statement must be given back with db_done(). */
db_stmt *db_prepare(db_conn *c, const char *sql);
void db_done(db_stmt *s);
/* Makes s ready to be bound and stepped again (a loop over rows). */
void db_reset(db_stmt *s);
int db_bind_i64(db_stmt *s, int idx, int64_t v);      /* idx is N of $N */
int db_bind_text(db_stmt *s, int idx, const char *v); /* NULL binds NULL; copied */
int db_bind_textn(db_stmt *s, int idx, const char *v, size_t len);
/* Binds without copying: v must stay unchanged until the statement's next step or db_done.
 * For bulk loops over rows the caller holds anyway (the copy was a tenth of a bulk load). */
int db_bind_text_ref(db_stmt *s, int idx, const char *v);
int db_bind_double(db_stmt *s, int idx, double v);
int db_bind_null(db_stmt *s, int idx);
int db_step(db_stmt *s); /* DB_ROW, DB_DONE or < 0 */
int64_t db_col_i64(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col); /* valid until the next step or db_done */
bool db_col_null(db_stmt *s, int col);

/* Runs SQL without parameters or results (several statements allowed). */
int db_exec(db_conn *c, const char *sql);
/* Runs n CREATE INDEX statements the fastest way the engine knows (SQLite: a
 * small sort memory, so its sorter splits each build over worker threads; 3x
 * faster for a text index of 12.6 M rows on 2 cores). */
int db_build_indexes(db_conn *c, const char *const *ddl, int n);
/* Rows changed by the last statement on c. */
int64_t db_changes(db_conn *c);
const char *db_errmsg(db_conn *c);

/* One-shot helpers: prepare, bind $1 as i64 (db_one_i64) or nothing, step once, read column 0.
 * Return DB_ROW with *out set, DB_DONE when no row (*out unchanged), or < 0. */
int db_query_i64(db_conn *c, const char *sql, int64_t *out);
int db_one_i64(db_conn *c, const char *sql, int64_t id, int64_t *out);

/* A module's row reader: fills out (its row struct) from the current row of s. */
typedef void (*db_read_fn)(db_stmt *s, void *out);
/* The row of sql whose $1 is id, read with read: DB_ROW with *out filled, DB_DONE when none, or < 0. */
int db_one_row(db_conn *c, const char *sql, int64_t id, db_read_fn read, void *out);
/* Steps s (prepared and bound) for at most max rows, reading row n into out + n * size, and gives s
 * back (db_done). The rows read, or < 0. */
int db_rows(db_stmt *s, db_read_fn read, void *out, size_t size, int max);

/* Writes. fn runs on the writer thread inside the batch transaction and its own
 * savepoint; it returns >= 0 to keep its changes or < 0 to roll them back. */
typedef int (*db_write_fn)(db_conn *c, void *arg);

typedef struct db_job {
    db_write_fn fn;
    void *arg;
    /* Called on the writer thread once the job's fate is durable (committed or
     * rolled back). NULL for db_write(). Must not block. */
    void (*done)(struct db_job *job);
    int rc;              /* fn's result, or the commit's error */
    struct db_job *next; /* queue link, owned by the store */
} db_job;

/* Queues job; returns 0, DB_EOVERLOAD or DB_ECLOSED (then done is not called). */
int db_submit(db *d, db_job *job);
/* Runs fn through the writer and waits for the durable result. */
int db_write(db *d, db_write_fn fn, void *arg);

/* Counters for /metrics. */
typedef struct db_stats {
    uint64_t commits, jobs, failed_jobs, max_batch, queue_depth, refused;
    uint64_t commit_us_total;
} db_stats;
void db_get_stats(db *d, db_stats *out);

#endif
