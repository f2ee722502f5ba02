/* ticker.h — the server's periodic work on the one clock: silent door sensors and overdue
 * service requests. A small thread submits one writer job per tick, so the checks run in
 * the writer's transaction like every other write. */
#ifndef TICKER_H
#define TICKER_H
#include "db/db.h"

typedef struct ticker ticker;

/* Ticks at once, then every interval_s seconds; a device is silent after silent_s seconds. */
ticker *ticker_start(db *d, int interval_s, int silent_s);
/* Stops the thread (after the tick in progress). NULL is fine. */
void ticker_stop(ticker *t);

#endif
