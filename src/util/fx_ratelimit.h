/* fx_ratelimit.h — per-key token buckets (per-IP limits for the public API).
 *
 * Each key earns `rate` tokens a second up to `burst`; a request spends one.
 * Keys live in a fixed table split into stripes, each with its own lock, so
 * memory is bounded whatever the number of clients (a full stripe reuses its
 * least recently seen slot: a forgotten key starts again with a full bucket,
 * which only ever errs towards letting a request through). */
#ifndef FX_RATELIMIT_H
#define FX_RATELIMIT_H
#include <stdint.h>

typedef struct fx_ratelimit fx_ratelimit;

/* rate: tokens per second (> 0); burst: bucket size (>= 1); slots: keys remembered. NULL on no memory. */
fx_ratelimit *fx_ratelimit_new(double rate, int burst, int slots);
void fx_ratelimit_free(fx_ratelimit *rl);

/* Spends a token of key at now_us (monotonic microseconds). 0 when allowed, else the
 * whole seconds (>= 1) until a token is there, for Retry-After. */
int fx_ratelimit_take(fx_ratelimit *rl, const char *key, uint64_t now_us);

#endif
