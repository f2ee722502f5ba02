/* round_fixture.h — rounds, sites, tubes (with their samples) and boxes written straight
 * into the 0003 tables of a test database, so that custody and result tests do not
 * depend on the sampling batch. The one place to replace with POST
 * /api/v1/rounds, /sites and /sampling/batch once those exist. */
#ifndef ROUND_FIXTURE_H
#define ROUND_FIXTURE_H
#include <stdint.h>

/* Opens the database at path (the server may be running: WAL, busy timeout). 0 or -1. */
int rfx_open(const char *db_path);
void rfx_close(void);

/* Each returns the new row's id, or 0 on failure (and prints why). */
int64_t rfx_round(const char *area_code, int64_t start, int64_t deadline);
int64_t rfx_site(const char *area_code, const char *name);
/* A tube opened at opened, holding persons[0..n), sealed at sealed (0: open). */
int64_t rfx_tube(int64_t round, int64_t site, const char *barcode, int pool_size, const int64_t *persons, int n,
                 int64_t opened, int64_t sealed);
/* A box sealed at sealed_at holding the tubes named. */
int64_t rfx_box(int64_t round, int64_t site, const char *barcode, const char *seal, const char *const *tubes, int n,
                int64_t sealed_at);

#endif
