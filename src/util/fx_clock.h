/* fx_clock.h — the one clock every time-dependent rule reads.
 *
 * fx_now() is UTC epoch seconds. Test builds (-DFX_TEST_CLOCK) honour
 * FANGXIAN_NOW=EPOCH: the clock starts at that instant and runs on from there,
 * so a 14-day rule is tested by starting the server 14 days later.
 * Release builds ignore the variable. */
#ifndef FX_CLOCK_H
#define FX_CLOCK_H
#include <stdint.h>
#include <stddef.h>

int64_t fx_now(void);          /* UTC epoch seconds */
int64_t fx_now_ms(void);       /* UTC epoch milliseconds, same offset */
uint64_t fx_mono_us(void);     /* monotonic microseconds, for durations only */

/* Configured display time zone (default "Asia/Shanghai"). Sets TZ for the process. */
int fx_tz_set(const char *zone);
const char *fx_tz(void);

/* Formats t as ISO 8601 in UTC ("2026-11-29T03:56:41Z"); buf >= 21 bytes. */
void fx_time_utc(int64_t t, char *buf, size_t len);
/* Formats t in the configured zone ("2026-11-29 11:56"); buf >= 17 bytes. */
void fx_time_local(int64_t t, char *buf, size_t len);

#endif
