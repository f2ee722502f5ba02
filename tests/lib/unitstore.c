#include "lib/unitstore.h"

#include <stdio.h>
#include <stdlib.h>

db *unitstore_open(unitstore *u, const char *tag, db_write_fn fill, void *arg)
{
    char path[64], err[256] = "";
    snprintf(u->dir, sizeof u->dir, "/tmp/fx-%.8s-XXXXXX", tag);
    u->db = NULL;
    if (!mkdtemp(u->dir)) {
        fprintf(stderr, "cannot make a folder for the store\n");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%.8s.db", u->dir, tag);
    u->db = db_open(path, NULL, err, sizeof err);
    int applied = 0;
    if (!u->db || db_migrate(u->db, &applied, err, sizeof err) != 0 || (fill && db_write(u->db, fill, arg) != 0)) {
        fprintf(stderr, "cannot prepare the store: %s\n", err);
        return NULL;
    }
    return u->db;
}

int unitstore_close(unitstore *u)
{
    db_reader_release(u->db);
    db_close(u->db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", u->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", u->dir);
        return -1;
    }
    return 0;
}
