/* check.c — the plan checker: recomputes everything a plan claims from the
 * problem alone (it shares only the parser with the planner), and lists each
 * violation with the place in the plan where it is. */
#include "transport/transport.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bstate {
    int picks, drops;
    int run;                 /* run that carries it, -1 */
    long long arrive, depart; /* the pickup stop's times */
    long long delivered;
} bstate;

typedef struct interval {
    int veh, run;
    long long from, to;
} interval;

typedef struct chk {
    const tp_problem *p;
    json_t *out;
    int n;
    int *order; /* box indices sorted by id */
} chk;

__attribute__((format(printf, 2, 3))) static void fail(chk *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->n < 1000) /* a plan that is wrong everywhere needs no more examples */
        json_array_append_new(c->out, json_string(msg));
    c->n++;
}

static int by_id(const void *a, const void *b, void *arg)
{
    const tp_problem *p = arg;
    return strcmp(p->box[*(const int *)a].id, p->box[*(const int *)b].id);
}

static int find_box(const chk *c, const char *id)
{
    int lo = 0, hi = c->p->nbox - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, k = strcmp(c->p->box[c->order[mid]].id, id);
        if (k == 0)
            return c->order[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int find_loc(const tp_problem *p, const char *id)
{
    for (int i = 0; id && i < p->nloc; i++)
        if (strcmp(p->loc_id[i], id) == 0)
            return i;
    return -1;
}

static bool get_ll(const json_t *o, const char *key, long long *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

static int cmp_interval(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    if (x->veh != y->veh)
        return x->veh - y->veh;
    return x->from < y->from ? -1 : x->from > y->from;
}

static double minutes(const tp_problem *p, int a, int b) { return p->minutes[(size_t)a * p->nloc + b]; }

/* One run: its stops in order, the load, the times. */
static void check_run(chk *c, int ri, const json_t *run, bstate *bs, interval *iv, int *niv, double *km, double *drive,
                      bool *veh_used)
{
    const tp_problem *p = c->p;
    const char *vid = json_string_value(json_object_get(run, "vehicle"));
    int v = -1;
    for (int i = 0; vid && i < p->nveh; i++)
        if (strcmp(p->veh[i].id, vid) == 0)
            v = i;
    const json_t *stops = json_object_get(run, "stops");
    if (v < 0) {
        fail(c, "runs[%d].vehicle: \"%s\" is not a vehicle of the problem", ri, vid ? vid : "(missing)");
        return;
    }
    if (!json_is_array(stops) || json_array_size(stops) == 0) {
        fail(c, "runs[%d].stops: a run needs at least one stop", ri);
        return;
    }
    veh_used[v] = true;
    const json_t *first = json_array_get(stops, 0);
    int floc = find_loc(p, json_string_value(json_object_get(first, "at")));
    long long start, farr;
    if (!get_ll(run, "depart", &start)) { /* no departure given: the latest that reaches the first stop */
        if (floc < 0 || !get_ll(first, "arrive", &farr)) {
            fail(c, "runs[%d]: neither depart nor a first stop with a place and an arrival", ri);
            return;
        }
        start = farr - (long long)minutes(p, p->hub, floc);
    }
    if (start < p->veh[v].start)
        fail(c, "runs[%d]: leaves the hub at %lld, before %s's shift starts (%d)", ri, start, vid, p->veh[v].start);
    long long t = start;
    int prev = p->hub, load = 0, nstops = (int)json_array_size(stops), last = -1;
    for (int si = 0; si < nstops; si++) {
        const json_t *st = json_array_get(stops, (size_t)si);
        const char *at = json_string_value(json_object_get(st, "at"));
        int loc = find_loc(p, at);
        long long arr, dep;
        if (loc < 0 || !get_ll(st, "arrive", &arr) || !get_ll(st, "depart", &dep)) {
            fail(c, "runs[%d].stops[%d]: needs a known place \"at\", and whole-minute \"arrive\" and \"depart\"", ri, si);
            return;
        }
        long long earliest = t + (long long)minutes(p, prev, loc);
        if (arr < earliest)
            fail(c, "runs[%d].stops[%d].arrive: %lld at %s is before %lld (%lld + %g min from %s in the matrix)", ri, si,
                 arr, at, earliest, t, minutes(p, prev, loc), p->loc_id[prev]);
        if (dep < arr + p->service)
            fail(c, "runs[%d].stops[%d].depart: %lld leaves no %d min of service after arriving at %lld", ri, si, dep,
                 p->service, arr);
        *km += p->km[(size_t)prev * p->nloc + loc];
        *drive += minutes(p, prev, loc);
        const json_t *pick = json_object_get(st, "pickup"), *drop = json_object_get(st, "drop");
        if (loc == p->hub) {
            if (json_array_size(pick))
                fail(c, "runs[%d].stops[%d]: picks up at the hub; boxes are picked up at their sites", ri, si);
            size_t i;
            const json_t *x;
            json_array_foreach(drop, i, x)
            {
                int b = find_box(c, json_string_value(x));
                if (b < 0) {
                    fail(c, "runs[%d].stops[%d].drop[%zu]: \"%s\" is not a box of the problem", ri, si, i,
                         json_string_value(x) ? json_string_value(x) : "(not text)");
                    continue;
                }
                if (bs[b].run != ri || bs[b].drops) {
                    fail(c, "runs[%d].stops[%d]: drops %s, which this run has not picked up", ri, si, p->box[b].id);
                    continue;
                }
                bs[b].drops++;
                bs[b].delivered = arr;
                load--;
            }
            if (si != nstops - 1)
                fail(c, "runs[%d].stops[%d]: the hub in the middle of a run; a run ends at the hub", ri, si);
        } else {
            if (json_array_size(drop))
                fail(c, "runs[%d].stops[%d]: drops boxes at %s; boxes go to the hub", ri, si, at);
            size_t i;
            const json_t *x;
            json_array_foreach(pick, i, x)
            {
                int b = find_box(c, json_string_value(x));
                if (b < 0) {
                    fail(c, "runs[%d].stops[%d].pickup[%zu]: \"%s\" is not a box of the problem", ri, si, i,
                         json_string_value(x) ? json_string_value(x) : "(not text)");
                    continue;
                }
                if (p->site[p->box[b].site].loc != loc) {
                    fail(c, "runs[%d].stops[%d]: picks up %s at %s, but it is sealed at %s", ri, si, p->box[b].id, at,
                         p->site[p->box[b].site].id);
                    continue;
                }
                if (bs[b].picks++) {
                    fail(c, "runs[%d].stops[%d]: picks up %s, which another stop already picked up", ri, si,
                         p->box[b].id);
                    continue;
                }
                if (dep - p->service < p->box[b].seal)
                    fail(c, "runs[%d].stops[%d]: picks up %s before it is sealed (leaves at %lld, sealed at %d)", ri,
                         si, p->box[b].id, dep, p->box[b].seal);
                bs[b].run = ri;
                bs[b].arrive = arr;
                bs[b].depart = dep;
                load++;
            }
            if (load > p->veh[v].capacity)
                fail(c, "runs[%d].stops[%d]: %d boxes on board, above %s's capacity of %d", ri, si, load, vid,
                     p->veh[v].capacity);
        }
        t = dep;
        prev = loc;
        last = loc;
    }
    if (last != p->hub)
        fail(c, "runs[%d]: ends at %s; a run ends at the hub", ri, p->loc_id[last]);
    if (load > 0)
        fail(c, "runs[%d]: %d boxes picked up are never dropped at the hub", ri, load);
    if (t > p->veh[v].end)
        fail(c, "runs[%d]: back at %lld, after %s's shift ends (%d)", ri, t, vid, p->veh[v].end);
    iv[(*niv)++] = (interval){v, ri, start, t};
}

static void check_summary(chk *c, const json_t *sum, const char *key, double want, double tol)
{
    const json_t *x = json_object_get(sum, key);
    if (!json_is_number(x))
        fail(c, "summary.%s: missing", key);
    else if (fabs(json_number_value(x) - want) > tol)
        fail(c, "summary.%s: says %g, the plan gives %g", key, json_number_value(x), want);
}

int tp_check(const tp_problem *p, const json_t *plan, json_t *violations)
{
    chk c = {p, violations, 0, NULL};
    const json_t *runs = json_object_get(plan, "runs"), *boxes = json_object_get(plan, "boxes"),
                 *sum = json_object_get(plan, "summary");
    if (!json_is_object(plan) || !json_is_array(runs) || !json_is_array(boxes) || !json_is_object(sum)) {
        fail(&c, "the plan must be an object with \"runs\", \"boxes\" and \"summary\"");
        return c.n;
    }
    size_t nruns = json_array_size(runs);
    c.order = malloc((size_t)(p->nbox ? p->nbox : 1) * sizeof *c.order);
    bstate *bs = calloc((size_t)(p->nbox ? p->nbox : 1), sizeof *bs);
    interval *iv = malloc((nruns ? nruns : 1) * sizeof *iv);
    bool *used = calloc((size_t)p->nveh, sizeof *used);
    int *listed = calloc((size_t)(p->nbox ? p->nbox : 1), sizeof *listed);
    if (!c.order || !bs || !iv || !used || !listed) {
        fail(&c, "out of memory checking the plan");
        goto done;
    }
    for (int b = 0; b < p->nbox; b++) {
        c.order[b] = b;
        bs[b].run = -1;
    }
    qsort_r(c.order, (size_t)p->nbox, sizeof *c.order, by_id, (void *)p);

    double km = 0, drive = 0;
    int niv = 0;
    for (size_t i = 0; i < nruns; i++)
        check_run(&c, (int)i, json_array_get(runs, i), bs, iv, &niv, &km, &drive, used);
    qsort(iv, (size_t)niv, sizeof *iv, cmp_interval);
    for (int i = 1; i < niv; i++)
        if (iv[i].veh == iv[i - 1].veh && iv[i].from < iv[i - 1].to)
            fail(&c, "runs[%d] and runs[%d]: %s's runs overlap (one leaves at %lld, the other is back at %lld)",
                 iv[i].run, iv[i - 1].run, p->veh[iv[i].veh].id, iv[i].from, iv[i - 1].to);

    int late = 0, max_late = 0, vehicles = 0;
    size_t i;
    const json_t *x;
    json_array_foreach(boxes, i, x)
    {
        const char *id = json_string_value(json_object_get(x, "id"));
        int b = find_box(&c, id);
        if (b < 0) {
            fail(&c, "boxes[%zu].id: \"%s\" is not a box of the problem", i, id ? id : "(missing)");
            continue;
        }
        if (listed[b]++) {
            fail(&c, "boxes[%zu]: %s is listed twice", i, id);
            continue;
        }
        const tp_box *bx = &p->box[b];
        long long sealed, picked, delivered, lm;
        const char *site = json_string_value(json_object_get(x, "site"));
        if (!site || strcmp(site, p->site[bx->site].id) != 0)
            fail(&c, "boxes[%zu].site: %s is sealed at %s", i, id, p->site[bx->site].id);
        if (!get_ll(x, "sealed", &sealed) || sealed != bx->seal)
            fail(&c, "boxes[%zu].sealed: %s is sealed at %d", i, id, bx->seal);
        if (bs[b].drops == 0) {
            late++; /* not carried: it never arrives, the worst lateness of all */
            if (!json_is_null(json_object_get(x, "delivered")) || !json_is_null(json_object_get(x, "late_min")))
                fail(&c, "boxes[%zu]: %s is not carried by any run, so delivered and late_min must be null", i, id);
            continue;
        }
        if (!get_ll(x, "picked", &picked) || picked < bx->seal || picked < bs[b].arrive ||
            picked > bs[b].depart - p->service)
            fail(&c, "boxes[%zu].picked: %s must be picked up after its seal (%d), while the vehicle is at the site "
                     "(%lld-%lld)", i, id, bx->seal, bs[b].arrive, bs[b].depart - p->service);
        if (!get_ll(x, "delivered", &delivered) || delivered != bs[b].delivered)
            fail(&c, "boxes[%zu].delivered: %s reaches the hub at %lld", i, id, bs[b].delivered);
        long long want = bs[b].delivered - bx->seal - p->deadline;
        want = want > 0 ? want : 0;
        if (!get_ll(x, "late_min", &lm) || lm != want)
            fail(&c, "boxes[%zu].late_min: %s is %lld min late", i, id, want);
        late += want > 0;
        max_late = want > max_late ? (int)want : max_late;
    }
    for (int b = 0; b < p->nbox; b++)
        if (!listed[b])
            fail(&c, "boxes: %s is missing; every box appears exactly once", p->box[b].id);
    for (int v = 0; v < p->nveh; v++)
        vehicles += used[v];
    check_summary(&c, sum, "boxes", p->nbox, 0);
    check_summary(&c, sum, "late_boxes", late, 0);
    check_summary(&c, sum, "max_late_min", max_late, 0);
    check_summary(&c, sum, "vehicles_used", vehicles, 0);
    check_summary(&c, sum, "km", km, 0.011);
    check_summary(&c, sum, "drive_min", drive, 0);
done:
    free(c.order), free(bs), free(iv), free(used), free(listed);
    return c.n;
}
