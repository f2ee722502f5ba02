/* db.c — opening the store, per-thread readers, the group-commit writer, migrations. */
#include "db/db_internal.h"

#include "util/fx_clock.h"
#include "util/fx_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_READERS 256
#define CHECKPOINT_IDLE_US 5000000u /* fold the WAL back after 5 s without a checkpoint */

struct db {
    char *path;
    db_options opt;
    /* readers: one per thread, remembered so db_close can close them */
    pthread_mutex_t readers_mu;
    db_conn *readers[MAX_READERS];
    int nreaders;
    /* writer */
    db_conn *wconn;
    pthread_t writer;
    bool has_writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    db_job *head, *tail;
    int queued;
    bool closing;
    /* stats */
    _Atomic uint64_t commits, jobs, failed_jobs, max_batch, refused, commit_us_total;
};

static _Thread_local struct {
    db *owner;
    db_conn *conn;
} tl_reader;

const char *db_path(const db *d) { return d->path; }

static void run_batch(db *d, db_job *batch, int n)
{
    db_conn *c = d->wconn;
    uint64_t t0 = fx_mono_us();
    int rc = db__begin(c);
    if (rc == DB_OK) {
        for (db_job *j = batch; j; j = j->next) {
            /* Each job in its own savepoint: a failing job undoes only itself. */
            if (db_exec(c, "SAVEPOINT job") != DB_OK) {
                j->rc = DB_ERR;
                continue;
            }
            j->rc = j->fn(c, j->arg);
            if (j->rc < 0)
                db_exec(c, "ROLLBACK TO job");
            db_exec(c, "RELEASE job");
        }
        rc = db__commit(c);
        if (rc != DB_OK) {
            fx_log(FX_LOG_ERROR, "commit failed: %s", db_errmsg(c));
            db__rollback(c);
        }
    } else {
        fx_log(FX_LOG_ERROR, "begin failed: %s", db_errmsg(c));
    }
    d->commit_us_total += fx_mono_us() - t0;
    d->commits++;
    d->jobs += (uint64_t)n;
    if ((uint64_t)n > d->max_batch)
        d->max_batch = (uint64_t)n;
    /* Acknowledge only now: the commit above has synced the WAL. */
    for (db_job *j = batch, *next; j; j = next) {
        next = j->next;
        if (rc != DB_OK)
            j->rc = rc < 0 ? rc : DB_ERR;
        if (j->rc < 0)
            d->failed_jobs++;
        j->done(j);
    }
}

static void *writer_main(void *arg)
{
    db *d = arg;
    uint64_t last_ckpt = fx_mono_us();
    bool dirty = false;
    pthread_mutex_lock(&d->mu);
    for (;;) {
        while (!d->head && !d->closing) {
            if (dirty) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 200 * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&d->cv, &d->mu, &ts);
                if (!d->head && fx_mono_us() - last_ckpt > CHECKPOINT_IDLE_US) {
                    pthread_mutex_unlock(&d->mu);
                    db__checkpoint(d->wconn);
                    pthread_mutex_lock(&d->mu);
                    last_ckpt = fx_mono_us();
                    dirty = false;
                }
            } else {
                pthread_cond_wait(&d->cv, &d->mu);
            }
        }
        if (!d->head && d->closing)
            break;
        /* Take up to write_batch_max jobs: one transaction, one fsync. */
        db_job *batch = d->head, *last = batch;
        int n = 1;
        while (last->next && n < d->opt.write_batch_max) {
            last = last->next;
            n++;
        }
        d->head = last->next;
        if (!d->head)
            d->tail = NULL;
        last->next = NULL;
        d->queued -= n;
        pthread_mutex_unlock(&d->mu);
        run_batch(d, batch, n);
        dirty = true;
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    db__checkpoint(d->wconn);
    return NULL;
}

db *db_open(const char *path, const db_options *opt, char *err, size_t errlen)
{
    db *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        free(d);
        return NULL;
    }
    db_options def = DB_OPTIONS_DEFAULT;
    d->opt = opt ? *opt : def;
    if (d->opt.write_batch_max < 1)
        d->opt.write_batch_max = 1;
    if (d->opt.write_queue_max < 1)
        d->opt.write_queue_max = def.write_queue_max;
    pthread_mutex_init(&d->readers_mu, NULL);
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    d->wconn = db__conn_open(d, true, err, errlen);
    if (!d->wconn)
        goto fail;
    if (pthread_create(&d->writer, NULL, writer_main, d) != 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        goto fail;
    }
    d->has_writer = true;
    return d;
fail:
    db_close(d);
    return NULL;
}

void db_close(db *d)
{
    if (!d)
        return;
    if (d->has_writer) {
        pthread_mutex_lock(&d->mu);
        d->closing = true;
        pthread_cond_signal(&d->cv);
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->writer, NULL);
    }
    for (int i = 0; i < d->nreaders; i++)
        db__conn_close(d->readers[i]);
    if (tl_reader.owner == d)
        tl_reader.owner = NULL, tl_reader.conn = NULL;
    db__conn_close(d->wconn);
    pthread_mutex_destroy(&d->readers_mu);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    free(d->path);
    free(d);
}

db_conn *db_reader(db *d)
{
    if (tl_reader.owner == d && tl_reader.conn)
        return tl_reader.conn;
    char err[256];
    pthread_mutex_lock(&d->readers_mu);
    db_conn *c = NULL;
    if (d->nreaders < MAX_READERS) {
        c = db__conn_open(d, false, err, sizeof err);
        if (c)
            d->readers[d->nreaders++] = c;
        else
            fx_log(FX_LOG_ERROR, "%s", err);
    } else {
        fx_log(FX_LOG_ERROR, "more than %d reader threads", MAX_READERS);
    }
    pthread_mutex_unlock(&d->readers_mu);
    if (c) {
        tl_reader.owner = d;
        tl_reader.conn = c;
    }
    return c;
}

void db_reader_release(db *d)
{
    if (tl_reader.owner != d || !tl_reader.conn)
        return;
    pthread_mutex_lock(&d->readers_mu);
    for (int i = 0; i < d->nreaders; i++)
        if (d->readers[i] == tl_reader.conn) {
            d->readers[i] = d->readers[--d->nreaders];
            break;
        }
    pthread_mutex_unlock(&d->readers_mu);
    db__conn_close(tl_reader.conn);
    tl_reader.owner = NULL;
    tl_reader.conn = NULL;
}

int db_submit(db *d, db_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&d->mu);
    if (d->closing) {
        pthread_mutex_unlock(&d->mu);
        return DB_ECLOSED;
    }
    if (d->queued >= d->opt.write_queue_max) {
        pthread_mutex_unlock(&d->mu);
        d->refused++;
        return DB_EOVERLOAD;
    }
    if (d->tail)
        d->tail->next = job;
    else
        d->head = job;
    d->tail = job;
    d->queued++;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    return 0;
}

struct sync_job {
    db_job job;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool finished;
};

static void sync_done(db_job *j)
{
    struct sync_job *s = (struct sync_job *)j;
    pthread_mutex_lock(&s->mu);
    s->finished = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

int db_write(db *d, db_write_fn fn, void *arg)
{
    struct sync_job s = {.job = {.fn = fn, .arg = arg, .done = sync_done}};
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    int rc = db_submit(d, &s.job);
    if (rc == 0) {
        pthread_mutex_lock(&s.mu);
        while (!s.finished)
            pthread_cond_wait(&s.cv, &s.mu);
        pthread_mutex_unlock(&s.mu);
        rc = s.job.rc;
    }
    pthread_mutex_destroy(&s.mu);
    pthread_cond_destroy(&s.cv);
    return rc;
}

void db_get_stats(db *d, db_stats *out)
{
    out->commits = d->commits;
    out->jobs = d->jobs;
    out->failed_jobs = d->failed_jobs;
    out->max_batch = d->max_batch;
    out->refused = d->refused;
    out->commit_us_total = d->commit_us_total;
    pthread_mutex_lock(&d->mu);
    out->queue_depth = (uint64_t)d->queued;
    pthread_mutex_unlock(&d->mu);
}

/* ---- migrations ---- */

struct mig_arg {
    const struct db_migration *m;
    char *err;
    size_t errlen;
};

static int apply_one(db_conn *c, void *arg)
{
    struct mig_arg *a = arg;
    char *sql = db__migration_sql(a->m->sql);
    int rc = sql ? db_exec(c, sql) : DB_ERR;
    free(sql);
    if (rc != DB_OK) {
        snprintf(a->err, a->errlen, "migration %04d %s failed: %s", a->m->version, a->m->name, db_errmsg(c));
        return rc < 0 ? rc : DB_ERR;
    }
    db_stmt *s = db_prepare(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, a->m->version);
    db_bind_text(s, 2, a->m->name);
    db_bind_i64(s, 3, fx_now());
    rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

static int ensure_table(db_conn *c, void *arg)
{
    (void)arg;
    return db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
}

int db_schema_version(db *d)
{
    db_conn *c = db_reader(d);
    int64_t v = 0;
    if (!c || db_query_i64(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &v) != DB_ROW)
        return 0;
    return (int)v;
}

int db_migrate(db *d, int *applied, char *err, size_t errlen)
{
    *applied = 0;
    int rc = db_write(d, ensure_table, NULL);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create schema_migrations in %s", d->path);
        return rc;
    }
    int have = db_schema_version(d);
    int known = db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
    if (have > known) {
        snprintf(err, errlen, "database %s has schema version %d, newer than this fangxian knows (%d): "
                 "run the newer fangxian, or restore a backup", d->path, have, known);
        return DB_ERR;
    }
    db_conn *rd = db_reader(d);
    for (int i = 0; i < db_migrations_count; i++) {
        const struct db_migration *m = &db_migrations[i];
        /* by version, not "above the newest": a migration numbered below one already
         * applied (work merged from branches in another order) still runs */
        int64_t done = 0;
        db_stmt *s = rd ? db_prepare(rd, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1") : NULL;
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, m->version);
        if (db_step(s) == DB_ROW)
            done = db_col_i64(s, 0);
        db_done(s);
        if (done)
            continue;
        struct mig_arg a = {m, err, errlen};
        rc = db_write(d, apply_one, &a);
        if (rc < 0)
            return rc;
        (*applied)++;
    }
    return 0;
}
