/* osrm.h — travel times from an OSRM-compatible /table service: the places'
 * coordinates in, the plan format's matrix out (minutes rounded up, km). One GET
 *   {url}/table/v1/driving/{lng,lat;lng,lat;…}?annotations=duration,distance
 * answered {"code":"Ok","durations":[[s…]],"distances":[[m…]]} (OSRM's documented
 * format). This is the only I/O of src/transport; src/plan stays pure. */
#ifndef TRANSPORT_OSRM_H
#define TRANSPORT_OSRM_H
#include <jansson.h>
#include <stddef.h>

/* The server-wide address (serve --osrm-url), used for problems with coords that
 * name none; NULL or "" for none. Set once at start. */
void tp_osrm_set_default(const char *url);
const char *tp_osrm_default(void);

/* An answer for ids (a JSON array of n ids) → {"ids","minutes","km"}; NULL with err
 * saying what is wrong (a code other than Ok, sizes, a null or negative entry). */
json_t *tp_osrm_parse(const char *body, size_t len, const json_t *ids, char *err, size_t errlen);

/* coords {"ID":[lat,lng],…} → the matrix through url; NULL with err naming the
 * failure (unreachable, HTTP status, a bad answer). */
json_t *tp_osrm_table(const char *url, const json_t *coords, char *err, size_t errlen);

/* Applies a problem's travel-time service in place: with coords and an address
 * (the problem's "osrm", else the default), coords/speed_kmh/detour_factor give way
 * to the fetched matrix; "osrm" is removed. When the service fails and the problem
 * has speed_kmh, the coordinates stay and a warning is appended to warnings (may be
 * NULL). Returns 0, or TP_BAD with err (a malformed "osrm", "osrm" beside a matrix,
 * or a failure with nothing to fall back on). */
int tp_osrm_apply(json_t *problem, json_t *warnings, char *err, size_t errlen);

#endif
