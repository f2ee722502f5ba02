/* Unit tests: the public API's per-IP token buckets (util/fx_ratelimit). */
#include "lib/testhelp.h"
#include "util/fx_ratelimit.h"

#include <pthread.h>
#include <stdio.h>

#define SEC 1000000ull

static void burst_then_refused(void)
{
    fx_ratelimit *rl = fx_ratelimit_new(2, 5, 1024);
    uint64_t t = 10 * SEC;
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(fx_ratelimit_take(rl, "10.0.0.1", t), 0);
    int wait = fx_ratelimit_take(rl, "10.0.0.1", t);
    CHECKF(wait >= 1, "the sixth at once waits, got %d", wait);
    /* another address has its own bucket */
    CHECK_EQ_INT(fx_ratelimit_take(rl, "10.0.0.2", t), 0);
    fx_ratelimit_free(rl);
}

static void refills_at_the_rate(void)
{
    fx_ratelimit *rl = fx_ratelimit_new(2, 2, 1024);
    uint64_t t = 5 * SEC;
    CHECK_EQ_INT(fx_ratelimit_take(rl, "a", t), 0);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "a", t), 0);
    CHECK(fx_ratelimit_take(rl, "a", t) > 0);
    CHECK(fx_ratelimit_take(rl, "a", t + SEC / 4) > 0);       /* half a token */
    CHECK_EQ_INT(fx_ratelimit_take(rl, "a", t + SEC / 2), 0); /* one token after 0.5 s at 2/s */
    CHECK(fx_ratelimit_take(rl, "a", t + SEC / 2) > 0);
    /* a long pause refills no more than the burst */
    CHECK_EQ_INT(fx_ratelimit_take(rl, "a", t + 100 * SEC), 0);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "a", t + 100 * SEC), 0);
    CHECK(fx_ratelimit_take(rl, "a", t + 100 * SEC) > 0);
    fx_ratelimit_free(rl);
}

static void retry_after_in_seconds(void)
{
    fx_ratelimit *rl = fx_ratelimit_new(1, 1, 64);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "x", SEC), 0);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "x", SEC), 1); /* one token a second: come back in 1 s */
    fx_ratelimit_free(rl);
    rl = fx_ratelimit_new(0.1, 1, 64); /* one every 10 s */
    CHECK_EQ_INT(fx_ratelimit_take(rl, "y", SEC), 0);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "y", SEC), 10);
    fx_ratelimit_free(rl);
    CHECK(fx_ratelimit_new(0, 1, 64) == NULL);
    CHECK(fx_ratelimit_new(1, 0, 64) == NULL);
}

/* More addresses than slots: memory stays bounded, and a forgotten address only
 * starts again with a full bucket (never refused for someone else's requests). */
static void bounded_memory(void)
{
    fx_ratelimit *rl = fx_ratelimit_new(1, 1, 256);
    char ip[32];
    int refused = 0;
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        refused += fx_ratelimit_take(rl, ip, SEC + (uint64_t)i) != 0;
    }
    CHECK_EQ_INT(refused, 0);
    CHECK_EQ_INT(fx_ratelimit_take(rl, "10.9.9.9", 2 * SEC), 0);
    CHECK(fx_ratelimit_take(rl, "10.9.9.9", 2 * SEC) > 0); /* a recent key is remembered */
    fx_ratelimit_free(rl);
}

struct worker {
    fx_ratelimit *rl;
    int allowed;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 10000; i++)
        w->allowed += fx_ratelimit_take(w->rl, "198.51.100.7", 3 * SEC) == 0;
    return NULL;
}

/* Four threads spending one address's tokens at the same instant: exactly the burst gets through. */
static void threads_share_one_bucket(void)
{
    fx_ratelimit *rl = fx_ratelimit_new(1, 50, 1024);
    struct worker w[4] = {{rl, 0}, {rl, 0}, {rl, 0}, {rl, 0}};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, hammer, &w[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ_INT(w[0].allowed + w[1].allowed + w[2].allowed + w[3].allowed, 50);
    fx_ratelimit_free(rl);
}

int main(void)
{
    th_init();
    RUN(burst_then_refused);
    RUN(refills_at_the_rate);
    RUN(retry_after_in_seconds);
    RUN(bounded_memory);
    RUN(threads_share_one_bucket);
    return th_done("unit_ratelimit");
}
