/* unitstore.h — unit tests on a real store: a migrated database in a fresh folder under /tmp,
 * filled by the test's own write job, closed and removed at the end. */
#ifndef UNITSTORE_H
#define UNITSTORE_H
#include "db/db.h"

typedef struct unitstore {
    db *db;
    char dir[32];
} unitstore;

/* Opens and migrates the store (tag names its folder, /tmp/fx-TAG-XXXXXX) and runs fill(arg)
 * through the writer when fill is given: the store, or NULL after saying why on stderr. */
db *unitstore_open(unitstore *u, const char *tag, db_write_fn fill, void *arg);
/* Closes the store (and this thread's read connection) and removes its folder: 0, or -1 (said
 * on stderr) when the folder stays. */
int unitstore_close(unitstore *u);

#endif
