/* fx_ratelimit.c — striped token buckets, see fx_ratelimit.h. */
#include "util/fx_ratelimit.h"

#include "util/fx_str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64
#define KEY_MAX 48 /* an IPv6 address in text */

struct slot {
    char key[KEY_MAX];
    double tokens;
    uint64_t at_us; /* when tokens was last brought up to date; 0: free */
};

struct stripe {
    pthread_mutex_t lock;
    struct slot *slots;
    int n;
};

struct fx_ratelimit {
    double rate;
    int burst;
    struct stripe stripe[STRIPES];
};

/* FNV-1a: spreads addresses that differ in their last digits over the stripes. */
static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

fx_ratelimit *fx_ratelimit_new(double rate, int burst, int slots)
{
    if (rate <= 0 || burst < 1 || slots < 1)
        return NULL;
    fx_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->rate = rate;
    rl->burst = burst;
    int per = (slots + STRIPES - 1) / STRIPES;
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&rl->stripe[i].lock, NULL);
        rl->stripe[i].slots = calloc((size_t)per, sizeof(struct slot));
        rl->stripe[i].n = per;
        if (!rl->stripe[i].slots) {
            fx_ratelimit_free(rl);
            return NULL;
        }
    }
    return rl;
}

void fx_ratelimit_free(fx_ratelimit *rl)
{
    if (!rl)
        return;
    for (int i = 0; i < STRIPES; i++) {
        free(rl->stripe[i].slots);
        pthread_mutex_destroy(&rl->stripe[i].lock);
    }
    free(rl);
}

int fx_ratelimit_take(fx_ratelimit *rl, const char *key, uint64_t now_us)
{
    if (now_us == 0)
        now_us = 1; /* 0 marks a free slot */
    uint32_t h = hash(key);
    struct stripe *st = &rl->stripe[h % STRIPES];
    pthread_mutex_lock(&st->lock);
    /* Probe from the key's home slot; remember the oldest slot in case the key is new. */
    int home = (int)((h / STRIPES) % (uint32_t)st->n), oldest = home;
    struct slot *s = NULL;
    for (int i = 0; i < st->n && i < 16; i++) {
        struct slot *c = &st->slots[(home + i) % st->n];
        if (c->at_us && strcmp(c->key, key) == 0) {
            s = c;
            break;
        }
        if (c->at_us < st->slots[oldest].at_us)
            oldest = (home + i) % st->n;
    }
    if (!s) {
        s = &st->slots[oldest];
        fx_copy(s->key, sizeof s->key, key);
        s->tokens = rl->burst;
        s->at_us = now_us;
    }
    if (now_us > s->at_us) {
        s->tokens += (double)(now_us - s->at_us) / 1e6 * rl->rate;
        if (s->tokens > rl->burst)
            s->tokens = rl->burst;
        s->at_us = now_us;
    }
    int wait = 0;
    if (s->tokens >= 1.0) {
        s->tokens -= 1.0;
    } else {
        double need = (1.0 - s->tokens) / rl->rate; /* seconds until a whole token, rounded up */
        wait = (int)need;
        if (wait < need || wait < 1)
            wait++;
    }
    pthread_mutex_unlock(&st->lock);
    return wait;
}
