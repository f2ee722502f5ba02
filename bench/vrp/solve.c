/* solve.c — the benchmark harness of contract.md: a Solomon VRPTW file or a Li & Lim
 * PDPTW file through the planner's own engine (src/plan), distance as the objective.
 *
 *   build/bench/vrp/solve FILE [--seconds S] [--vehicles N] [--seed N]   (or bench/vrp/solve …)
 *
 * Prints {"routes":[[customer numbers in visiting order], …], "distance":X, "seconds":Y}
 * (distance: the sum of unrounded Euclidean distances; seconds: wall time of the
 * solve, one thread). Customers that no route could take are listed under
 * "unassigned", so a capped fleet never hides a missing customer. */
#include "plan/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct cust {
    int id;
    double x, y, dem, e, l, s;
    int pick, del; /* Li & Lim: the partner's number */
} cust;

static int die(const char *msg, const char *arg)
{
    fprintf(stderr, "solve: %s%s\n", msg, arg ? arg : "");
    return 2;
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    double seconds = 5;
    long vehicles = 0, seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--vehicles") && i + 1 < argc)
            vehicles = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return die("usage: solve FILE [--seconds S] [--vehicles N] [--seed N]", NULL);
    }
    if (!file || seconds <= 0)
        return die("usage: solve FILE [--seconds S] [--vehicles N] [--seed N]", NULL);
    FILE *f = fopen(file, "r");
    if (!f)
        return die("cannot read ", file);

    /* Solomon: a "VEHICLE" section, then 7 numbers per customer; Li & Lim: "K Q speed",
     * then 9 numbers per node (the last two: pickup and delivery partners). */
    char line[512];
    int K = 0, Q = 0, n = 0, cap = 0;
    bool solomon = false, want_fleet = false;
    cust *cs = NULL;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "VEHICLE")) {
            solomon = true;
            continue;
        }
        if (strstr(line, "NUMBER")) {
            want_fleet = true;
            continue;
        }
        double v[9];
        int k = sscanf(line, "%lf %lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                       &v[6], &v[7], &v[8]);
        if (!solomon && K == 0 && k == 3) {
            K = (int)v[0], Q = (int)v[1];
            continue;
        }
        if (want_fleet && k == 2) {
            K = (int)v[0], Q = (int)v[1];
            want_fleet = false;
            continue;
        }
        if (k != (solomon ? 7 : 9))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 128;
            cust *g = realloc(cs, (size_t)cap * sizeof *cs);
            if (!g)
                return die("out of memory", NULL);
            cs = g;
        }
        cs[n++] = (cust){(int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], solomon ? 0 : (int)v[7],
                         solomon ? 0 : (int)v[8]};
    }
    fclose(f);
    if (n < 2 || K <= 0 || Q <= 0)
        return die("not a Solomon or Li & Lim file: ", file);
    for (int i = 0; i < n; i++)
        if (cs[i].id != i)
            return die("customers must be numbered 0.. in order: ", file);
    if (vehicles > 0 && vehicles < K)
        K = (int)vehicles;

    double *dist = malloc((size_t)n * n * sizeof *dist);
    plan_request *req = calloc((size_t)n, sizeof *req);
    plan_vehicle *veh = calloc((size_t)K, sizeof *veh);
    int *num = calloc((size_t)n, sizeof *num); /* request → customer number of its pickup */
    if (!dist || !req || !veh || !num)
        return die("out of memory", NULL);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            dist[(size_t)i * n + j] = hypot(cs[i].x - cs[j].x, cs[i].y - cs[j].y);
    int nreq = 0;
    for (int i = 1; i < n; i++) {
        const cust *c = &cs[i];
        plan_node pk = {i, (int)c->dem, c->e, c->l, c->s};
        if (solomon) {
            req[nreq] = (plan_request){.pickup = pk};
            num[nreq++] = i;
        } else if (c->dem > 0 || (c->dem == 0 && c->del > 0)) {
            const cust *d = &cs[c->del];
            if (c->del <= 0 || c->del >= n || d->pick != i)
                return die("pickup and delivery partners do not match in ", file);
            req[nreq] = (plan_request){.pickup = pk, .delivery = {c->del, (int)d->dem, d->e, d->l, d->s},
                                       .has_delivery = true};
            num[nreq++] = i;
        }
    }
    for (int v = 0; v < K; v++)
        veh[v] = (plan_vehicle){0, cs[0].e, cs[0].l, Q};
    plan_problem p = {.nloc = n, .time = dist, .dist = dist, .nreq = nreq, .req = req, .nveh = K, .veh = veh};
    plan_options o = {.seed = (uint64_t)seed, .iterations = 0, .seconds = seconds};
    plan_result r;
    if (plan_solve(&p, &o, &r))
        return die("the planner refused the problem (out of memory or a malformed window)", NULL);

    printf("{\"routes\":[");
    bool first = true;
    for (int v = 0; v < r.nveh; v++) {
        if (!r.len[v])
            continue;
        printf("%s[", first ? "" : ",");
        first = false;
        for (int k = 0; k < r.len[v]; k++) {
            int x = r.route[v][k];
            int c = x % 2 ? req[x / 2].delivery.loc : num[x / 2];
            printf("%s%d", k ? "," : "", c);
        }
        printf("]");
    }
    printf("],\"distance\":%.4f,\"seconds\":%.3f,\"vehicles\":%d,\"iterations\":%ld", r.distance, r.seconds,
           r.vehicles, r.iterations);
    printf(",\"built\":{\"vehicles\":%d,\"unassigned\":%d},\"after_fleet\":{\"vehicles\":%d,\"unassigned\":%d}",
           r.built_vehicles, r.built_unplaced, r.fleet_vehicles, r.fleet_unplaced);
    if (r.unplaced) {
        printf(",\"unassigned\":[");
        int k = 0;
        for (int q = 0; q < nreq; q++) {
            bool on = false;
            for (int v = 0; v < r.nveh && !on; v++)
                for (int i = 0; i < r.len[v] && !on; i++)
                    on = r.route[v][i] == 2 * q;
            if (!on)
                printf("%s%d", k++ ? "," : "", num[q]);
        }
        printf("]");
    }
    printf("}\n");
    plan_result_free(&r);
    free(dist), free(req), free(veh), free(num), free(cs);
    return 0;
}
