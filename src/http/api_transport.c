/* api_transport.c — POST /api/v1/transport/plan: a transport problem in, the plan
 * out (contract.md, "Transport plan format"). Planning runs on the request
 * thread and touches no store; it is bounded in size (413), in time (the
 * seconds query argument, at most MAX_SECONDS) and in how many run at once (503),
 * so a large problem cannot take the server's threads. */
#include "http/api.h"

#include "transport/osrm.h"
#include "transport/transport.h"
#include "util/fx_str.h"

#include <stdatomic.h>
#include <stdlib.h>

#define MAX_SECONDS 30
#define MAX_AT_ONCE 2
static const tp_limits limits = {.max_boxes = 5000, .max_locations = 1000, .max_vehicles = 200};
static _Atomic int running;

static bool query_num(http_req *r, const char *name, double min, double max, double *out)
{
    const char *s = http_query(r, name);
    if (!s)
        return true;
    char *end;
    double d = strtod(s, &end);
    if (end == s || *end || !(d >= min && d <= max)) {
        http_error(r, 400, "invalid_query", "%s: must be a number from %g to %g", name, min, max);
        return false;
    }
    *out = d;
    return true;
}

static int plan_transport(http_req *r)
{
    double seconds = MAX_SECONDS, iterations = -1, seed = 1;
    if (!query_num(r, "seconds", 0.01, MAX_SECONDS, &seconds) || !query_num(r, "iterations", 1, 1e7, &iterations) ||
        !query_num(r, "seed", 0, 1e15, &seed))
        return HTTP_DONE;
    char err[600];
    tp_problem p;
    /* travel times from an OSRM service when the problem or the server names one */
    json_t *pr = json_deep_copy(r->json), *warnings = json_array();
    int rc = pr && warnings ? tp_osrm_apply(pr, warnings, err, sizeof err) : TP_NOMEM;
    if (!rc)
        rc = tp_parse(pr, &limits, &p, err, sizeof err);
    json_decref(pr);
    if (rc)
        json_decref(warnings);
    if (rc == TP_TOO_LARGE)
        return http_error(r, 413, "problem_too_large", "%s", err);
    if (rc == TP_NOMEM)
        return http_error(r, 503, "busy", "not enough memory for this problem now; try again");
    if (rc)
        return http_error(r, 400, "invalid_problem", "%s", err);
    if (atomic_fetch_add(&running, 1) >= MAX_AT_ONCE) {
        atomic_fetch_sub(&running, 1);
        tp_free(&p);
        json_decref(warnings);
        http_header(r, "Retry-After", "%d", 5);
        return http_error(r, 503, "busy", "%d plans are being made; try again in a few seconds", MAX_AT_ONCE);
    }
    plan_options o = tp_options(http_query(r, "seconds") != NULL, seconds, (long)iterations, (uint64_t)seed);
    json_t *plan = tp_plan(&p, &o);
    atomic_fetch_sub(&running, 1);
    tp_free(&p);
    if (plan && json_array_size(warnings))
        json_object_set(plan, "warnings", warnings);
    json_decref(warnings);
    if (!plan)
        return http_error(r, 503, "busy", "not enough memory for this problem now; try again");
    return http_json(r, 200, plan);
}

const route api_transport_routes[] = {
    {"POST", "/api/v1/transport/plan", ACT_TRANSPORT_PLAN, plan_transport, ROUTE_JSON, (size_t)16 << 20},
    {0},
};
