/* collect.h — what a sampling table needs before its first scan: the sites where
 * the user may post sampling events and, for each, the open rounds there with
 * the pool size the round's policy gives at that site. */
#ifndef COLLECT_H
#define COLLECT_H
#include "core/round.h"
#include "core/site.h"

#define COLLECT_SITES_MAX 200
#define COLLECT_ROUNDS_MAX 20

typedef struct collect_round {
    fx_round round;
    int pool_size;
    char risk[16];
} collect_round;

/* Sites for p: registrars the ones they staff; other roles those in their scope and
 * the ones they staff. Count or < 0. */
int collect_sites(db_conn *c, const principal *p, site *out, int max);
/* Rounds not closed whose deadline is after now and whose scope overlaps the site's
 * area, newest first, with the pool size for the site's area. Count or < 0. */
int collect_rounds(db_conn *c, const site *s, int64_t now, collect_round *out, int max);

#endif
