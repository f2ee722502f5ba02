#include "util/fx_id.h"

#include <stdatomic.h>
#include <time.h>

#define FX_ID_EPOCH_MS 1704067200000LL /* 2024-01-01T00:00:00Z */
#define FX_ID_SEQ_BITS 12

static _Atomic int64_t last_id;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t fx_id_next(void)
{
    int64_t base = (wall_ms() - FX_ID_EPOCH_MS) << FX_ID_SEQ_BITS;
    int64_t prev = atomic_load(&last_id);
    for (;;) {
        /* More than 4096 ids in one millisecond borrow from the next one. */
        int64_t next = base > prev ? base : prev + 1;
        if (atomic_compare_exchange_weak(&last_id, &prev, next))
            return next;
    }
}

void fx_id_floor(int64_t id)
{
    int64_t prev = atomic_load(&last_id);
    while (prev < id && !atomic_compare_exchange_weak(&last_id, &prev, id))
        ;
}

int64_t fx_id_ms(int64_t id) { return (id >> FX_ID_SEQ_BITS) + FX_ID_EPOCH_MS; }
