/* plan.h — the planner's core: vehicle routes for requests with time windows,
 * capacities and pickup-delivery pairs, improved by ruin and recreate.
 *
 * One generic model serves the transport plan and the classic benchmarks:
 * - a request is a pickup node, and optionally a delivery node visited later by
 *   the same vehicle (a Solomon customer is a pickup only: its load rides to
 *   the end of the route; a Li & Lim pair or a transport box has both);
 * - a node has a location (a row of the matrices), a demand (+ up, - down), a
 *   window [early, late] for the start of its service, and a service time;
 * - consecutive nodes at the same location form one stop: the service time is
 *   spent once, when the vehicle leaves the location (several boxes, one stop);
 * - a vehicle leaves its depot no earlier than start and is back by end; its
 *   route may pass the depot's location any number of times (multi-trip: a
 *   transport box is delivered at the hub, which is the depot).
 *
 * The objective, in strict order: requests left out, vehicles used (when
 * vehicle_cost > 0), distance. With place_late, requests that cannot be served
 * in their windows are placed at the end anyway, as little late as possible
 * (late = their delivery, or pickup, starts after its window): fewest late
 * requests, then least lateness, then vehicles, then distance.
 *
 * Method: SISR (Christiaens & Vanden Berghe, "Slack Induction by String
 * Removals", Transportation Science 2020): string removals around a seed request,
 * greedy insertion with blinks. First a fleet phase (up to 30% of the budget, 90%
 * while requests are left out): the requests the construction left out are placed
 * (not with place_late), and, with a vehicle cost, routes are emptied one at a time
 * and their requests put back onto the others (absence-based acceptance), so a
 * tight fleet is met and fewer vehicles are found; then simulated annealing on the
 * cost; then a relocate descent on the best solution. Deterministic for a seed and an iteration budget; the time
 * limit is a cap (when it cuts the search short, the result depends on speed).
 *
 * No I/O; memory is allocated once in plan_solve, never in the search loop. */
#ifndef PLAN_H
#define PLAN_H
#include <stdbool.h>
#include <stdint.h>

typedef struct plan_node {
    int loc;             /* row/column of the matrices */
    int demand;          /* load picked up (> 0) or set down (< 0) */
    double early, late;  /* service starts in [early, late] */
    double service;      /* spent when the vehicle leaves this node's stop */
} plan_node;

typedef struct plan_request {
    plan_node pickup;
    plan_node delivery;  /* used when has_delivery */
    bool has_delivery;
} plan_request;

typedef struct plan_vehicle {
    int depot;           /* location where the vehicle starts and ends */
    double start, end;   /* leaves the depot at or after start, is back by end */
    int capacity;
} plan_vehicle;

typedef struct plan_problem {
    int nloc;
    const double *time;  /* nloc × nloc, row-major: travel time */
    const double *dist;  /* nloc × nloc: what the objective adds up (may equal time) */
    int nreq;
    const plan_request *req;
    int nveh;
    const plan_vehicle *veh;
    double vehicle_cost; /* > 0: fewer vehicles before less distance; 0: distance only */
    double near_time_weight; /* seed neighbourhoods: travel time + weight × |early difference| */
    bool place_late;     /* place every request in the end, late if it must be */
} plan_problem;

typedef struct plan_options {
    uint64_t seed;
    long iterations;     /* ruin-and-recreate iterations; 0: as many as fit in seconds (the
                            annealing then cools by the clock, so results vary with speed) */
    double seconds;      /* wall-clock cap on the search (> 0) */
} plan_options;

/* A route visits nodes; node 2r is request r's pickup, 2r+1 its delivery. */
typedef struct plan_result {
    int nveh;
    int *len;            /* len[v]: nodes on vehicle v's route */
    int **route;         /* route[v][0..len[v]) */
    int unplaced;        /* requests on no route (only when nothing could take them) */
    int late;            /* requests placed outside their windows (place_late) */
    double lateness;     /* their total time past the windows */
    int vehicles;        /* routes that are not empty */
    double distance;
    long iterations;     /* iterations actually run (both phases) */
    int built_vehicles;  /* vehicles the construction used … */
    int built_unplaced;  /* … and the requests it left out, before the search */
    int fleet_vehicles;  /* the same after the fleet phase */
    int fleet_unplaced;
    double seconds;      /* time spent */
} plan_result;

/* Solves p. Returns 0, or -1 when memory ran out or p is malformed (a node's
 * location outside the matrix, a window with late < early, no vehicles). */
int plan_solve(const plan_problem *p, const plan_options *o, plan_result *out);
void plan_result_free(plan_result *r);

/* Service start times of a route: start[k] for node route[k] (start has len
 * entries), following the model's rules (stops, waiting for early); returns the
 * time the vehicle is back at its depot. */
double plan_route_times(const plan_problem *p, int v, const int *route, int len, double *start);

#endif
