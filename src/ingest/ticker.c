#include "ingest/ticker.h"

#include "core/sensor.h"
#include "core/service.h"
#include "core/supply.h"
#include "util/fx_clock.h"
#include "util/fx_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct ticker {
    db *d;
    int interval_s, silent_s;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static int tick_job(db_conn *c, void *arg)
{
    const ticker *t = arg;
    int64_t now = fx_now();
    int silent = sensor_check_silent(c, now, t->silent_s);
    if (silent < 0)
        return silent;
    int overdue = request_check_overdue(c, now);
    if (overdue < 0)
        return overdue;
    /* a failed supply check must not hold back the alarms above: it is logged and tried next tick */
    int short_items = supply_check_rounds(c, now);
    if (short_items < 0)
        fx_log(FX_LOG_WARN, "clock: the supply check before the next rounds failed (%d)", short_items);
    else if (short_items)
        fx_log(FX_LOG_INFO, "clock: %d supply shortfall alert(s) raised before their rounds", short_items);
    if (silent || overdue)
        fx_log(FX_LOG_INFO, "clock: %d silent-sensor alarm(s), %d overdue request(s) raised", silent, overdue);
    return 0;
}

static void *tick_main(void *arg)
{
    ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        pthread_mutex_unlock(&t->mu);
        int rc = db_write(t->d, tick_job, t);
        if (rc < 0 && rc != DB_ECLOSED)
            fx_log(FX_LOG_WARN, "clock: periodic checks failed (%d); retrying next tick", rc);
        pthread_mutex_lock(&t->mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += t->interval_s;
        while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

ticker *ticker_start(db *d, int interval_s, int silent_s)
{
    ticker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->d = d;
    t->interval_s = interval_s;
    t->silent_s = silent_s;
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->th, NULL, tick_main, t) != 0) {
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        free(t);
        return NULL;
    }
    return t;
}

void ticker_stop(ticker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->th, NULL);
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
