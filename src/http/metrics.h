/* metrics.h — counters for /metrics (Prometheus text format). Lock-free. */
#ifndef METRICS_H
#define METRICS_H
#include "db/db.h"

#include <stdint.h>

void metrics_request(int status, uint64_t duration_us);
void metrics_rejected(const char *reason); /* "overload", "too_large", "bad_header", "timeout" */
/* The whole exposition, malloc'd. */
char *metrics_render(db *d, int inflight, int connections);

#endif
