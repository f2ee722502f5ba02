/* fx_id.h — 64-bit time-ordered ids made by fangxian, never by the database.
 *
 * Layout: milliseconds since 2024-01-01T00:00Z in the high bits, a 12-bit
 * sequence in the low bits. Ids stay below 2^53 until the 2090s, so the web
 * UI's JavaScript numbers hold them exactly. Ids are strictly increasing in
 * one process; fx_id_floor() lifts the generator above ids already stored,
 * so a clock that stepped back after a restart never reissues one. */
#ifndef FX_ID_H
#define FX_ID_H
#include <stdint.h>

int64_t fx_id_next(void);
void fx_id_floor(int64_t id);
/* The creation time (epoch ms) encoded in an id. */
int64_t fx_id_ms(int64_t id);

#endif
