#include "util/fx_clock.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t offset_ms; /* added to the real clock; nonzero only in test builds */
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;
static char tz_name[64] = "Asia/Shanghai";

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void clock_init(void)
{
#ifdef FX_TEST_CLOCK
    const char *s = getenv("FANGXIAN_NOW");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && v > 0)
            offset_ms = (int64_t)v * 1000 - real_ms();
    }
#endif
}

int64_t fx_now_ms(void)
{
    pthread_once(&clock_once, clock_init);
    return real_ms() + offset_ms;
}

int64_t fx_now(void) { return fx_now_ms() / 1000; }

uint64_t fx_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int fx_tz_set(const char *zone)
{
    if (!zone || !*zone || strlen(zone) >= sizeof tz_name)
        return -1;
    memcpy(tz_name, zone, strlen(zone) + 1);
    setenv("TZ", zone, 1);
    tzset();
    return 0;
}

const char *fx_tz(void) { return tz_name; }

void fx_time_utc(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void fx_time_local(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}
