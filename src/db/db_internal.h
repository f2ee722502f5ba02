/* db_internal.h — shared between the store's engine file and its writer.
 * Nothing outside src/db/ includes this. */
#ifndef DB_INTERNAL_H
#define DB_INTERNAL_H
#include "db/db.h"

/* Opens a connection to d's database; writer connections run the write pragmas. */
db_conn *db__conn_open(db *d, bool writer, char *err, size_t errlen);
void db__conn_close(db_conn *c);
int db__begin(db_conn *c);     /* BEGIN IMMEDIATE (SQLite) */
int db__commit(db_conn *c);
int db__rollback(db_conn *c);
/* A migration's SQL as this engine wants it (malloc'd). SQLite makes a table's
 * rowid its primary key only when it is spelled INTEGER PRIMARY KEY; the portable
 * BIGINT PRIMARY KEY would cost every table a second index. */
char *db__migration_sql(const char *sql);
/* Folds a committed WAL back into the database when the writer is idle. */
void db__checkpoint(db_conn *c);

struct db_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
