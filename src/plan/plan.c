/* plan.c — SISR ruin and recreate over the generic routing model of plan.h.
 *
 * Node ids: 2r is request r's pickup, 2r+1 its delivery; vehicle v's start and
 * end depots are 2·nreq + 2v and 2·nreq + 2v + 1, so every position of a route
 * (depots included) is a node of one table.
 *
 * Each route keeps, per position k (0 = start depot, len+1 = end depot): the
 * service start st[k], the latest start lt[k] that keeps the rest of the route
 * feasible, the load after it ld[k] and the largest load from k on mx[k]. An
 * insertion is then checked in O(1) per position (pickups only) or by walking
 * from the pickup to the delivery position (pairs).
 *
 * The search keeps two solutions that differ only in the routes an iteration
 * touched (its dirty list): rejecting or accepting copies just those routes.
 *
 * Before the distance search, a fleet phase (SISR's fleet minimisation) gets the
 * requests left out onto the routes and, when vehicles cost, empties routes: a
 * route's requests are put out and no empty vehicle may be started; ruin and
 * recreate then keeps a result with fewer requests out, or with a smaller sum of
 * their absences (how many iterations each was out so far), so the hard requests
 * are retried first until every one is placed. */
#include "plan/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INF 1e30
#define C_BAR 10.0       /* SISR: average removed customers */
#define L_MAX 10.0       /* SISR: longest string */
#define BLINK 0.01       /* SISR: chance of skipping an insertion position */
#define UNSERVED 1e9     /* cost of a request left out: above any fleet and distance */
#define NEAR_MAX 100     /* neighbours kept per request */
#define EMPTY_ROUTE 0.05 /* with a vehicle cost: chance that a ruin empties a whole route instead */
#define FLEET_SHARE 0.3  /* of the budget at most for the fleet phase when all requests are placed */
#define PLACE_SHARE 0.9  /* … and while requests are still out (they outrank any distance) */

typedef struct nd {
    int loc, dem, req;
    bool job;
    double e, l, s;
} nd;

typedef struct sol {
    int *seq, *len;      /* seq[v·cap + k] */
    double *rdist;
    double *st, *lt;     /* [v·(cap+2) + k] */
    int *ld, *mx;
    int *where, *at;     /* per node: route (-1: none) and position (1..len) */
    int *out, nout;      /* requests on no route */
    bool *isout;
    double dist;
    int used;
} sol;

typedef struct ctx {
    const plan_problem *p;
    int nreq, nveh, nnode, cap, nloc;
    nd *n;
    const double *time, *dist;
    double fixed;        /* cost of a used vehicle */
    int *near;           /* nreq × nnear */
    int nnear;
    uint64_t rng;
    sol a, b;            /* current and working */
    int *dirty, ndirty;
    bool *isdirty;
    int *best_seq, *best_len, *best_out, best_nout;
    double best_cost;
    int *list, nlist;    /* requests to insert */
    bool *inlist;
    double *key;         /* sort keys of list */
    bool fleet;          /* in the fleet phase */
    bool no_new;         /* … emptying a route: no empty vehicle may be started */
    long *absent;        /* fleet phase: iterations each request was left out */
} ctx;

/* ---- random numbers (xorshift64*, seeded through splitmix64) ---- */

static uint64_t rnd(ctx *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return c->rng * 2685821657736338717ULL;
}

static double unif(ctx *c) { return (double)(rnd(c) >> 11) * (1.0 / 9007199254740992.0); }

static int below(ctx *c, int n) { return (int)(unif(c) * n); }

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- the model's travel rules ---- */

static inline int depot_start(const ctx *c, int v) { return 2 * c->nreq + 2 * v; }
static inline int depot_end(const ctx *c, int v) { return 2 * c->nreq + 2 * v + 1; }

/* Time from starting service at a to starting to travel towards b and arriving:
 * nothing between two nodes of the same stop, else a's service plus the drive. */
static inline double tt(const ctx *c, int a, int b)
{
    const nd *x = &c->n[a], *y = &c->n[b];
    if (x->job && y->job && x->loc == y->loc)
        return 0;
    return x->s + c->time[(size_t)x->loc * (size_t)c->nloc + (size_t)y->loc];
}

static inline double dd(const ctx *c, int a, int b)
{
    return c->dist[(size_t)c->n[a].loc * (size_t)c->nloc + (size_t)c->n[b].loc];
}

static inline double later(double a, double b) { return a > b ? a : b; }

static inline int node_at(const ctx *c, const sol *s, int v, int k)
{
    if (k == 0)
        return depot_start(c, v);
    if (k > s->len[v])
        return depot_end(c, v);
    return s->seq[(size_t)v * (size_t)c->cap + (size_t)(k - 1)];
}

static double cost_of(const ctx *c, const sol *s)
{
    return UNSERVED * s->nout + c->fixed * s->used + s->dist;
}

/* Recomputes route v's caches and its nodes' positions. */
static void route_update(ctx *c, sol *s, int v)
{
    int n = s->len[v];
    size_t o = (size_t)v * (size_t)(c->cap + 2);
    double *st = s->st + o, *lt = s->lt + o;
    int *ld = s->ld + o, *mx = s->mx + o;
    const plan_vehicle *veh = &c->p->veh[v];
    int prev = depot_start(c, v);
    double d = 0;
    st[0] = veh->start;
    ld[0] = 0;
    for (int k = 1; k <= n + 1; k++) {
        int x = node_at(c, s, v, k);
        st[k] = later(c->n[x].e, st[k - 1] + tt(c, prev, x));
        ld[k] = ld[k - 1] + c->n[x].dem;
        d += dd(c, prev, x);
        if (k <= n) {
            s->where[x] = v;
            s->at[x] = k;
        }
        prev = x;
    }
    lt[n + 1] = veh->end;
    mx[n + 1] = ld[n];
    for (int k = n; k >= 0; k--) {
        int x = node_at(c, s, v, k), y = node_at(c, s, v, k + 1);
        double l = lt[k + 1] - tt(c, x, y);
        lt[k] = l < c->n[x].l ? l : c->n[x].l;
        mx[k] = ld[k] > mx[k + 1] ? ld[k] : mx[k + 1];
    }
    s->dist += d - s->rdist[v];
    s->rdist[v] = d;
}

static void mark_dirty(ctx *c, int v)
{
    if (!c->isdirty[v]) {
        c->isdirty[v] = true;
        c->dirty[c->ndirty++] = v;
    }
}

/* Copies the dirty routes (and the list of requests left out) from src to dst. */
static void sync(ctx *c, sol *dst, const sol *src)
{
    for (int i = 0; i < c->ndirty; i++) {
        int v = c->dirty[i];
        for (int k = 0; k < dst->len[v]; k++)
            dst->where[dst->seq[(size_t)v * c->cap + k]] = -1;
    }
    for (int i = 0; i < dst->nout; i++)
        dst->isout[dst->out[i]] = false;
    for (int i = 0; i < c->ndirty; i++) {
        int v = c->dirty[i];
        size_t o = (size_t)v * c->cap, o2 = (size_t)v * (c->cap + 2), n = (size_t)src->len[v];
        memcpy(dst->seq + o, src->seq + o, n * sizeof *dst->seq);
        memcpy(dst->st + o2, src->st + o2, (n + 2) * sizeof *dst->st);
        memcpy(dst->lt + o2, src->lt + o2, (n + 2) * sizeof *dst->lt);
        memcpy(dst->ld + o2, src->ld + o2, (n + 2) * sizeof *dst->ld);
        memcpy(dst->mx + o2, src->mx + o2, (n + 2) * sizeof *dst->mx);
        dst->len[v] = src->len[v];
        dst->rdist[v] = src->rdist[v];
        for (size_t k = 0; k < n; k++) {
            int x = src->seq[o + k];
            dst->where[x] = v;
            dst->at[x] = (int)k + 1;
        }
    }
    memcpy(dst->out, src->out, (size_t)src->nout * sizeof *dst->out);
    dst->nout = src->nout;
    for (int i = 0; i < dst->nout; i++)
        dst->isout[dst->out[i]] = true;
    dst->dist = src->dist;
    dst->used = src->used;
}

static void clear_dirty(ctx *c)
{
    for (int i = 0; i < c->ndirty; i++)
        c->isdirty[c->dirty[i]] = false;
    c->ndirty = 0;
}

/* ---- insertion ---- */

typedef struct ins {
    double late, cost; /* late: time past the window (soft placement only) */
    int v, i, j;       /* pickup after position i; delivery after position j (j ≥ i) */
} ins;

static bool better(const ins *a, const ins *b)
{
    return a->late < b->late - 1e-9 || (a->late <= b->late + 1e-9 && a->cost < b->cost - 1e-9);
}

/* The best place for request r on route v, in *best if better than it. soft:
 * r's own windows are ignored and its lateness minimised first. */
static void best_in_route(ctx *c, const sol *s, int r, int v, double blink, bool soft, ins *best)
{
    int P = 2 * r, D = 2 * r + 1, n = s->len[v];
    const nd *np = &c->n[P], *ndv = &c->n[D];
    bool pair = c->p->req[r].has_delivery;
    size_t o = (size_t)v * (size_t)(c->cap + 2);
    const double *st = s->st + o, *lt = s->lt + o;
    const int *ld = s->ld + o, *mx = s->mx + o;
    int Q = c->p->veh[v].capacity, q = np->dem;
    double lp = soft ? INF : np->l, lD = soft ? INF : ndv->l;
    double fix = n == 0 ? c->fixed : 0;
    bool stop_at_loc = pair && ndv->e <= 0;
    if (n == 0 && c->no_new)
        return;
    for (int i = 0; i <= n; i++) {
        if (st[i] > lp)
            break;
        if (ld[i] + q > Q)
            continue;
        int a = node_at(c, s, v, i), b = node_at(c, s, v, i + 1);
        double tp = later(np->e, st[i] + tt(c, a, P));
        if (tp > lp)
            break;
        if (!pair) {
            if (mx[i + 1] + q > Q || (blink > 0 && unif(c) < blink))
                continue;
            double tb = later(c->n[b].e, tp + tt(c, P, b));
            if (tb > lt[i + 1])
                continue;
            ins cand = {soft ? later(0, tp - np->l) : 0, fix + dd(c, a, P) + dd(c, P, b) - dd(c, a, b), v, i, i};
            if (better(&cand, best))
                *best = cand;
            continue;
        }
        double dp = dd(c, a, P) + fix;
        /* delivery right after the pickup */
        if (!(blink > 0 && unif(c) < blink)) {
            double td = later(ndv->e, tp + tt(c, P, D));
            if (td <= lD) {
                double tb = later(c->n[b].e, td + tt(c, D, b));
                if (tb <= lt[i + 1]) {
                    ins cand = {soft ? later(0, td - ndv->l) : 0, dp + dd(c, P, D) + dd(c, D, b) - dd(c, a, b), v, i, i};
                    if (better(&cand, best))
                        *best = cand;
                }
            }
        }
        if (stop_at_loc && c->n[b].job && c->n[b].loc == ndv->loc)
            continue;
        double dpick = dp + dd(c, P, b) - dd(c, a, b);
        int prev = P;
        double tprev = tp;
        for (int j = i + 1; j <= n; j++) {
            int k = node_at(c, s, v, j), nx = node_at(c, s, v, j + 1);
            double tk = later(c->n[k].e, tprev + tt(c, prev, k));
            if (tk > lt[j] || ld[j] + q > Q)
                break;
            if (!(blink > 0 && unif(c) < blink)) {
                double td = later(ndv->e, tk + tt(c, k, D));
                if (td <= lD) {
                    double tn = later(c->n[nx].e, td + tt(c, D, nx));
                    if (tn <= lt[j + 1]) {
                        ins cand = {soft ? later(0, td - ndv->l) : 0,
                                    dpick + dd(c, k, D) + dd(c, D, nx) - dd(c, k, nx), v, i, j};
                        if (better(&cand, best))
                            *best = cand;
                    }
                }
            }
            if (stop_at_loc && c->n[nx].job && c->n[nx].loc == ndv->loc)
                break;
            prev = k;
            tprev = tk;
        }
    }
}

static void insert_at(ctx *c, sol *s, int r, const ins *at)
{
    int v = at->v, n = s->len[v];
    int *seq = s->seq + (size_t)v * c->cap;
    bool pair = c->p->req[r].has_delivery;
    int add = pair ? 2 : 1;
    /* positions are 1-based after the start depot: node after position i goes to index i */
    int i = at->i, j = at->j;
    if (pair) {
        memmove(seq + j + 2, seq + j, (size_t)(n - j) * sizeof *seq);
        seq[j + 1] = 2 * r + 1;
        memmove(seq + i + 1, seq + i, (size_t)(j - i) * sizeof *seq);
        seq[i] = 2 * r;
    } else {
        memmove(seq + i + 1, seq + i, (size_t)(n - i) * sizeof *seq);
        seq[i] = 2 * r;
    }
    if (n == 0)
        s->used++;
    s->len[v] = n + add;
    mark_dirty(c, v);
    route_update(c, s, v);
}

static void leave_out(sol *s, int r)
{
    if (!s->isout[r]) {
        s->isout[r] = true;
        s->out[s->nout++] = r;
    }
}

/* Inserts every request of c->list, in order, each at its best place (blinking). */
static void recreate(ctx *c, sol *s, double blink)
{
    for (int t = 0; t < c->nlist; t++) {
        int r = c->list[t];
        ins best = {INF, INF, -1, 0, 0};
        for (int v = 0; v < c->nveh; v++)
            best_in_route(c, s, r, v, blink, false, &best);
        if (best.v < 0) {
            leave_out(s, r);
            continue;
        }
        if (s->isout[r]) {
            s->isout[r] = false;
            for (int i = 0; i < s->nout; i++)
                if (s->out[i] == r) {
                    s->out[i] = s->out[--s->nout];
                    break;
                }
        }
        insert_at(c, s, r, &best);
    }
}

/* Removes the requests flagged in c->inlist from route v. */
static void route_drop_flagged(ctx *c, sol *s, int v)
{
    int *seq = s->seq + (size_t)v * c->cap, n = s->len[v], m = 0;
    for (int k = 0; k < n; k++) {
        if (c->inlist[c->n[seq[k]].req])
            s->where[seq[k]] = -1;
        else
            seq[m++] = seq[k];
    }
    if (m == n)
        return;
    if (m == 0)
        s->used--;
    s->len[v] = m;
    mark_dirty(c, v);
    route_update(c, s, v);
}

static void list_add(ctx *c, int r)
{
    if (!c->inlist[r]) {
        c->inlist[r] = true;
        c->list[c->nlist++] = r;
    }
}

/* SISR's ruin: strings of consecutive nodes cut from the routes nearest a seed
 * request; requests left out near the seed are retried too. */
static void ruin(ctx *c, sol *s)
{
    if (c->fixed > 0 && !c->no_new && s->used > 1 && unif(c) < EMPTY_ROUTE) {
        /* the whole route of a random request: the way to a smaller fleet, since
         * string removals rarely empty a route and a new vehicle is never accepted */
        int v = s->where[2 * below(c, c->nreq)];
        if (v >= 0) {
            for (int k = 0; k < s->len[v]; k++)
                list_add(c, c->n[s->seq[(size_t)v * c->cap + k]].req);
            route_drop_flagged(c, s, v);
            return;
        }
    }
    int used = 0, nodes = 0;
    for (int v = 0; v < c->nveh; v++)
        if (s->len[v]) {
            used++;
            nodes += s->len[v];
        }
    double ls_max = used ? (double)nodes / used : 1;
    if (ls_max > L_MAX)
        ls_max = L_MAX;
    double ks_max = 4 * C_BAR / (1 + ls_max) - 1;
    int ks = (int)(unif(c) * ks_max) + 1, strings = 0;
    /* in the fleet phase half the ruins make room around a request left out */
    int seed = c->fleet && s->nout && unif(c) < 0.5 ? s->out[below(c, s->nout)] : below(c, c->nreq);
    for (int t = -1; t < c->nnear && strings < ks; t++) {
        int r = t < 0 ? seed : c->near[(size_t)seed * c->nnear + t];
        if (c->inlist[r])
            continue;
        if (s->isout[r]) {
            list_add(c, r);
            continue;
        }
        int v = s->where[2 * r];
        if (c->isdirty[v])
            continue;
        int n = s->len[v];
        double lmax = n < ls_max ? n : ls_max;
        int l = (int)(unif(c) * lmax) + 1, pos = s->at[2 * r];
        int lo = pos - l + 1 > 1 ? pos - l + 1 : 1, hi = pos < n - l + 1 ? pos : n - l + 1;
        int start = lo + below(c, hi - lo + 1);
        for (int k = start; k < start + l; k++)
            list_add(c, c->n[s->seq[(size_t)v * c->cap + k - 1]].req);
        route_drop_flagged(c, s, v);
        mark_dirty(c, v);
        strings++;
    }
}

/* SISR's orders for recreating: random, larger demand, farther, closer, earlier. */
static void order_list(ctx *c)
{
    for (int i = c->nlist - 1; i > 0; i--) {
        int j = below(c, i + 1), t = c->list[i];
        c->list[i] = c->list[j];
        c->list[j] = t;
    }
    int how = below(c, 13);
    if (how < 4)
        return;
    for (int i = 0; i < c->nlist; i++) {
        const nd *x = &c->n[2 * c->list[i]];
        double far = c->dist[(size_t)c->n[depot_start(c, 0)].loc * c->nloc + x->loc];
        c->key[i] = how < 8 ? -x->dem : how < 10 ? -far : how < 11 ? far : x->e;
    }
    for (int i = 1; i < c->nlist; i++) { /* stable: equal keys keep the random order */
        int r = c->list[i];
        double k = c->key[i];
        int j = i;
        for (; j > 0 && c->key[j - 1] > k; j--) {
            c->list[j] = c->list[j - 1];
            c->key[j] = c->key[j - 1];
        }
        c->list[j] = r;
        c->key[j] = k;
    }
}

static void list_clear(ctx *c)
{
    for (int i = 0; i < c->nlist; i++)
        c->inlist[c->list[i]] = false;
    c->nlist = 0;
}

/* Relocate descent: each request in turn is taken out and put back at its best
 * place, until a whole pass improves nothing. s must have no dirty routes
 * pending against another solution (the caller syncs afterwards). */
static void descend(ctx *c, sol *s, double deadline)
{
    bool improved = true;
    for (int pass = 0; improved && pass < 50 && mono() < deadline; pass++) {
        improved = false;
        for (int r = 0; r < c->nreq; r++) {
            if (s->isout[r])
                continue;
            double before = cost_of(c, s);
            int v = s->where[2 * r];
            c->inlist[r] = true;
            route_drop_flagged(c, s, v);
            c->inlist[r] = false;
            ins best = {INF, INF, -1, 0, 0};
            for (int w = 0; w < c->nveh; w++)
                best_in_route(c, s, r, w, 0, false, &best);
            if (best.v < 0) { /* only when the matrix breaks the triangle inequality */
                leave_out(s, r);
                continue;
            }
            insert_at(c, s, r, &best);
            if (cost_of(c, s) < before - 1e-7)
                improved = true;
        }
    }
}

/* ---- setup ---- */

static int sol_alloc(ctx *c, sol *s)
{
    size_t R = (size_t)c->nveh, C = (size_t)c->cap;
    s->seq = malloc(R * C * sizeof *s->seq);
    s->len = calloc(R, sizeof *s->len);
    s->rdist = calloc(R, sizeof *s->rdist);
    s->st = malloc(R * (C + 2) * sizeof *s->st);
    s->lt = malloc(R * (C + 2) * sizeof *s->lt);
    s->ld = malloc(R * (C + 2) * sizeof *s->ld);
    s->mx = malloc(R * (C + 2) * sizeof *s->mx);
    s->where = malloc((size_t)c->nnode * sizeof *s->where);
    s->at = calloc((size_t)c->nnode, sizeof *s->at);
    s->out = malloc((size_t)c->nreq * sizeof *s->out);
    s->isout = calloc((size_t)c->nreq, sizeof *s->isout);
    if (!s->seq || !s->len || !s->rdist || !s->st || !s->lt || !s->ld || !s->mx || !s->where || !s->at || !s->out ||
        !s->isout)
        return -1;
    for (int i = 0; i < c->nnode; i++)
        s->where[i] = -1;
    s->nout = 0;
    s->dist = 0;
    s->used = 0;
    return 0;
}

static void sol_free(sol *s)
{
    free(s->seq), free(s->len), free(s->rdist), free(s->st), free(s->lt), free(s->ld), free(s->mx);
    free(s->where), free(s->at), free(s->out), free(s->isout);
}

typedef struct near_item {
    double d;
    int r;
} near_item;

static int near_cmp(const void *a, const void *b)
{
    const near_item *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d ? 1 : x->r - y->r;
}

static int build_near(ctx *c)
{
    c->nnear = c->nreq - 1 < NEAR_MAX ? c->nreq - 1 : NEAR_MAX;
    c->near = malloc(((size_t)c->nreq * (size_t)(c->nnear > 0 ? c->nnear : 1)) * sizeof *c->near);
    near_item *it = malloc((size_t)c->nreq * sizeof *it);
    if (!c->near || !it) {
        free(it);
        return -1;
    }
    double w = c->p->near_time_weight;
    for (int r = 0; r < c->nreq; r++) {
        const nd *x = &c->n[2 * r];
        int m = 0;
        for (int q = 0; q < c->nreq; q++) {
            if (q == r)
                continue;
            const nd *y = &c->n[2 * q];
            it[m].d = c->time[(size_t)x->loc * c->nloc + y->loc] + w * fabs(x->e - y->e);
            it[m++].r = q;
        }
        qsort(it, (size_t)m, sizeof *it, near_cmp);
        for (int k = 0; k < c->nnear; k++)
            c->near[(size_t)r * c->nnear + k] = it[k].r;
    }
    free(it);
    return 0;
}

static bool node_ok(const plan_problem *p, const plan_node *x)
{
    return x->loc >= 0 && x->loc < p->nloc && x->late >= x->early && x->service >= 0 && isfinite(x->early) &&
           isfinite(x->service);
}

static int ctx_init(ctx *c, const plan_problem *p, const plan_options *o)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    c->nreq = p->nreq;
    c->nveh = p->nveh;
    c->nloc = p->nloc;
    c->time = p->time;
    c->dist = p->dist;
    c->fixed = p->vehicle_cost;
    c->nnode = 2 * p->nreq + 2 * p->nveh;
    c->cap = 2 * p->nreq > 0 ? 2 * p->nreq : 1;
    if (p->nveh <= 0 || p->nreq < 0 || p->nloc <= 0)
        return -1;
    for (int r = 0; r < p->nreq; r++)
        if (!node_ok(p, &p->req[r].pickup) || (p->req[r].has_delivery && !node_ok(p, &p->req[r].delivery)))
            return -1;
    for (int v = 0; v < p->nveh; v++)
        if (p->veh[v].depot < 0 || p->veh[v].depot >= p->nloc || p->veh[v].end < p->veh[v].start)
            return -1;
    c->n = calloc((size_t)c->nnode, sizeof *c->n);
    if (!c->n)
        return -1;
    for (int r = 0; r < p->nreq; r++) {
        const plan_request *q = &p->req[r];
        const plan_node *x[2] = {&q->pickup, q->has_delivery ? &q->delivery : &q->pickup};
        for (int k = 0; k < 2; k++)
            c->n[2 * r + k] = (nd){x[k]->loc, k && !q->has_delivery ? 0 : x[k]->demand, r, true,
                                   x[k]->early, x[k]->late, x[k]->service};
    }
    for (int v = 0; v < p->nveh; v++) {
        const plan_vehicle *w = &p->veh[v];
        c->n[depot_start(c, v)] = (nd){w->depot, 0, -1, false, w->start, w->end, 0};
        c->n[depot_end(c, v)] = (nd){w->depot, 0, -1, false, -INF, w->end, 0};
    }
    uint64_t z = o->seed + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    c->rng = (z ^ (z >> 31)) | 1;
    size_t R = (size_t)c->nveh, N = (size_t)(c->nreq > 0 ? c->nreq : 1);
    c->dirty = malloc(R * sizeof *c->dirty);
    c->isdirty = calloc(R, sizeof *c->isdirty);
    c->best_seq = malloc(R * (size_t)c->cap * sizeof *c->best_seq);
    c->best_len = calloc(R, sizeof *c->best_len);
    c->best_out = malloc(N * sizeof *c->best_out);
    c->list = malloc(N * sizeof *c->list);
    c->inlist = calloc(N, sizeof *c->inlist);
    c->key = malloc(N * sizeof *c->key);
    c->absent = calloc(N, sizeof *c->absent);
    if (!c->dirty || !c->isdirty || !c->best_seq || !c->best_len || !c->best_out || !c->list || !c->inlist ||
        !c->key || !c->absent || sol_alloc(c, &c->a) || sol_alloc(c, &c->b) || (c->nreq > 0 && build_near(c)))
        return -1;
    for (int v = 0; v < c->nveh; v++) {
        route_update(c, &c->a, v);
        route_update(c, &c->b, v);
    }
    return 0;
}

static void ctx_free(ctx *c)
{
    free(c->n), free(c->near), free(c->dirty), free(c->isdirty), free(c->best_seq), free(c->best_len);
    free(c->best_out), free(c->list), free(c->inlist), free(c->key), free(c->absent);
    sol_free(&c->a);
    sol_free(&c->b);
}

static void save_best(ctx *c, const sol *s)
{
    for (int v = 0; v < c->nveh; v++) {
        c->best_len[v] = s->len[v];
        memcpy(c->best_seq + (size_t)v * c->cap, s->seq + (size_t)v * c->cap, (size_t)s->len[v] * sizeof *s->seq);
    }
    memcpy(c->best_out, s->out, (size_t)s->nout * sizeof *s->out);
    c->best_nout = s->nout;
    c->best_cost = cost_of(c, s);
}

static void load_best(ctx *c, sol *s)
{
    for (int i = 0; i < c->nnode; i++)
        s->where[i] = -1;
    for (int r = 0; r < c->nreq; r++)
        s->isout[r] = false;
    s->dist = 0;
    s->used = 0;
    for (int v = 0; v < c->nveh; v++) {
        s->len[v] = c->best_len[v];
        memcpy(s->seq + (size_t)v * c->cap, c->best_seq + (size_t)v * c->cap, (size_t)s->len[v] * sizeof *s->seq);
        s->rdist[v] = 0;
        route_update(c, s, v);
        s->used += s->len[v] > 0;
    }
    memcpy(s->out, c->best_out, (size_t)c->best_nout * sizeof *s->out);
    s->nout = c->best_nout;
    for (int i = 0; i < s->nout; i++)
        s->isout[s->out[i]] = true;
}

/* Places the requests left out, each as little late as possible, keeping
 * everyone else on time; a placed request's achieved times become its window,
 * so later placements cannot push it further. */
static void place_late(ctx *c, sol *s)
{
    c->nlist = 0;
    for (int i = 0; i < s->nout; i++)
        c->list[c->nlist++] = s->out[i];
    for (int i = 0; i < c->nlist; i++)
        c->key[i] = c->n[2 * c->list[i]].e;
    for (int i = 1; i < c->nlist; i++) {
        int r = c->list[i];
        double k = c->key[i];
        int j = i;
        for (; j > 0 && (c->key[j - 1] > k || (c->key[j - 1] == k && c->list[j - 1] > r)); j--) {
            c->list[j] = c->list[j - 1];
            c->key[j] = c->key[j - 1];
        }
        c->list[j] = r;
        c->key[j] = k;
    }
    s->nout = 0;
    for (int t = 0; t < c->nlist; t++) {
        int r = c->list[t];
        ins best = {INF, INF, -1, 0, 0};
        for (int v = 0; v < c->nveh; v++)
            best_in_route(c, s, r, v, 0, true, &best);
        if (best.v < 0) {
            s->out[s->nout++] = r;
            continue;
        }
        s->isout[r] = false;
        nd *P = &c->n[2 * r], *D = &c->n[2 * r + 1];
        double pl = P->l, dl = D->l;
        P->l = D->l = INF;
        insert_at(c, s, r, &best);
        int v = best.v;
        size_t o = (size_t)v * (c->cap + 2);
        P->l = later(pl, s->st[o + s->at[2 * r]]);
        if (c->p->req[r].has_delivery)
            D->l = later(dl, s->st[o + s->at[2 * r + 1]]);
        route_update(c, s, v);
    }
    clear_dirty(c);
}

/* ---- the fleet phase ---- */

static long absence(const ctx *c, const sol *s)
{
    long a = 0;
    for (int i = 0; i < s->nout; i++)
        a += c->absent[s->out[i]];
    return a;
}

/* Puts the requests of s's smallest route (random among equals) out. */
static void empty_smallest(ctx *c, sol *s)
{
    int v = -1, ties = 0;
    for (int w = 0; w < c->nveh; w++) {
        if (!s->len[w])
            continue;
        if (v < 0 || s->len[w] < s->len[v])
            v = w, ties = 1;
        else if (s->len[w] == s->len[v] && below(c, ++ties) == 0)
            v = w;
    }
    for (int k = 0; k < s->len[v]; k++)
        list_add(c, c->n[s->seq[(size_t)v * c->cap + k]].req);
    route_drop_flagged(c, s, v);
    for (int i = 0; i < c->nlist; i++)
        leave_out(s, c->list[i]);
    list_clear(c);
}

/* Makes both solutions the best one. */
static void restart_from_best(ctx *c, sol *cur, sol *work)
{
    load_best(c, cur);
    for (int v = 0; v < c->nveh; v++)
        mark_dirty(c, v);
    sync(c, work, cur);
    clear_dirty(c);
}

static bool spent(const plan_options *o, long it, double t0, double deadline, double share)
{
    if (o->iterations > 0)
        return it >= (long)(share * (double)o->iterations);
    return mono() >= t0 + share * (deadline - t0);
}

/* Places the requests left out (unless they may be placed late) and, when
 * vehicles cost, empties routes one at a time while that succeeds, within a share
 * of the budget; leaves the best solution in cur and work. Returns the iterations
 * run. */
static long fleet_phase(ctx *c, sol *cur, sol *work, const plan_options *o, double t0, double deadline)
{
    bool eliminate = c->fixed > 0;
    /* with place_late, requests out are late ones: a problem that cannot be met (the
       district) is better served by annealing on its cost, many more iterations */
    if (cur->nout ? c->p->place_late : !(eliminate && cur->used > 1))
        return 0;
    c->fleet = true;
    long it = 0;
    if (cur->nout == 0) {
        empty_smallest(c, cur);
        c->no_new = true;
        sync(c, work, cur);
        clear_dirty(c);
    }
    while (!spent(o, it, t0, deadline, c->best_nout ? PLACE_SHARE : FLEET_SHARE) && mono() < deadline) {
        ruin(c, work);
        for (int i = 0; i < work->nout; i++)
            list_add(c, work->out[i]);
        order_list(c);
        recreate(c, work, BLINK);
        list_clear(c);
        bool take = work->nout < cur->nout || absence(c, work) < absence(c, cur);
        for (int i = 0; i < work->nout; i++)
            c->absent[work->out[i]]++;
        if (take)
            sync(c, cur, work);
        else
            sync(c, work, cur);
        clear_dirty(c);
        it++;
        if (cost_of(c, cur) < c->best_cost - 1e-9)
            save_best(c, cur);
        if (cur->nout == 0) {
            if (!eliminate || cur->used <= 1)
                break;
            empty_smallest(c, cur);
            c->no_new = true;
            sync(c, work, cur);
            clear_dirty(c);
        }
    }
    c->fleet = c->no_new = false;
    restart_from_best(c, cur, work);
    return it;
}

int plan_solve(const plan_problem *p, const plan_options *o, plan_result *out)
{
    memset(out, 0, sizeof *out);
    ctx c;
    double t0 = mono(), deadline = t0 + (o->seconds > 0 ? o->seconds : 1);
    if (ctx_init(&c, p, o)) {
        ctx_free(&c);
        return -1;
    }
    /* construction: every request in order of its window, at its best place */
    for (int r = 0; r < c.nreq; r++)
        c.list[c.nlist++] = r;
    for (int i = 0; i < c.nlist; i++)
        c.key[i] = c.n[2 * i].e;
    for (int i = 1; i < c.nlist; i++) {
        int r = c.list[i];
        double k = c.key[i];
        int j = i;
        for (; j > 0 && c.key[j - 1] > k; j--) {
            c.list[j] = c.list[j - 1];
            c.key[j] = c.key[j - 1];
        }
        c.list[j] = r;
        c.key[j] = k;
    }
    recreate(&c, &c.a, 0);
    list_clear(&c);
    for (int v = 0; v < c.nveh; v++)
        mark_dirty(&c, v);
    sync(&c, &c.b, &c.a);
    clear_dirty(&c);
    save_best(&c, &c.a);
    out->built_vehicles = c.a.used;
    out->built_unplaced = c.a.nout;

    double mean = 0;
    for (int i = 0; i < c.nloc; i++)
        for (int j = 0; j < c.nloc; j++)
            mean += c.dist[(size_t)i * c.nloc + j];
    mean /= (double)c.nloc * c.nloc;
    double T0 = 2.5 * mean, Tf = 0.025 * mean;
    if (T0 <= 0)
        T0 = 1, Tf = 0.01;

    sol *cur = &c.a, *work = &c.b;
    long it = c.nreq > 0 ? fleet_phase(&c, cur, work, o, t0, deadline) : 0, it1 = it;
    out->fleet_vehicles = cur->used;
    out->fleet_unplaced = cur->nout;
    double now = mono(), t1 = now;
    /* the distance search: simulated annealing over the rest of the budget */
    while (c.nreq > 0 && (o->iterations <= 0 || it < o->iterations) && (now = mono()) < deadline) {
        double frac = o->iterations > 0 ? (double)(it - it1) / (double)(o->iterations - it1)
                                        : (now - t1) / (deadline - t1);
        double T = T0 * pow(Tf / T0, frac);
        ruin(&c, work);
        order_list(&c);
        recreate(&c, work, BLINK);
        list_clear(&c);
        double cw = cost_of(&c, work), cc = cost_of(&c, cur);
        if (cw < cc - T * log(unif(&c) + 1e-300)) {
            if (cw < c.best_cost - 1e-9)
                save_best(&c, work);
            sync(&c, cur, work);
        } else {
            sync(&c, work, cur);
        }
        clear_dirty(&c);
        it++;
    }
    load_best(&c, cur);
    descend(&c, cur, deadline + 0.1 * (deadline - t0));
    clear_dirty(&c);
    if (p->place_late && cur->nout)
        place_late(&c, cur);

    out->nveh = c.nveh;
    out->len = calloc((size_t)c.nveh, sizeof *out->len);
    out->route = calloc((size_t)c.nveh, sizeof *out->route);
    if (!out->len || !out->route) {
        ctx_free(&c);
        plan_result_free(out);
        return -1;
    }
    double *st = malloc((size_t)c.cap * sizeof *st);
    for (int v = 0; v < c.nveh && st; v++) {
        int n = cur->len[v];
        out->len[v] = n;
        out->route[v] = malloc((size_t)(n ? n : 1) * sizeof **out->route);
        if (!out->route[v]) {
            free(st);
            st = NULL;
            break;
        }
        memcpy(out->route[v], cur->seq + (size_t)v * c.cap, (size_t)n * sizeof **out->route);
        plan_route_times(p, v, out->route[v], n, st);
        for (int k = 0; k < n; k++) {
            int x = out->route[v][k], r = x / 2;
            const plan_request *q = &p->req[r];
            bool last = q->has_delivery ? x % 2 == 1 : true;
            double lim = x % 2 ? q->delivery.late : q->pickup.late;
            if (last && st[k] > lim + 1e-9) {
                out->late++;
                out->lateness += st[k] - lim;
            }
        }
        out->vehicles += n > 0;
    }
    if (!st) {
        ctx_free(&c);
        plan_result_free(out);
        return -1;
    }
    free(st);
    out->unplaced = cur->nout;
    if (!p->place_late)
        out->late = cur->nout;
    out->distance = cur->dist;
    out->iterations = it;
    out->seconds = mono() - t0;
    ctx_free(&c);
    return 0;
}

void plan_result_free(plan_result *r)
{
    for (int v = 0; r->route && v < r->nveh; v++)
        free(r->route[v]);
    free(r->route);
    free(r->len);
    memset(r, 0, sizeof *r);
}

double plan_route_times(const plan_problem *p, int v, const int *route, int len, double *start)
{
    const plan_vehicle *w = &p->veh[v];
    double t = w->start;
    int loc = w->depot;
    double serv = 0;
    for (int k = 0; k < len; k++) {
        int x = route[k];
        const plan_request *q = &p->req[x / 2];
        const plan_node *n = x % 2 ? &q->delivery : &q->pickup;
        if (!(k > 0 && n->loc == loc))
            t += serv + p->time[(size_t)loc * p->nloc + n->loc];
        t = later(t, n->early);
        start[k] = t;
        loc = n->loc;
        serv = n->service;
    }
    return t + serv + p->time[(size_t)loc * p->nloc + w->depot];
}
