/* transport.c — reading transport problems, turning them into the planner's
 * model, and writing the plan.
 *
 * The model: each box is a request whose pickup at its site may start at the
 * seal and whose delivery at the hub must start (arrive) by seal + deadline;
 * the pickup's own latest start is derived from that, so the search never
 * tries a pickup that could only arrive late. Vehicles start and end at the
 * hub and may pass it many times (each pass ends a run). Late boxes are what
 * the search could not fit on time; they are placed afterwards, each as little
 * late as possible. */
#include "transport/transport.h"

#include "util/fx_str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_MAX 20160      /* two weeks of minutes: beyond it, a typo */
#define VEHICLE_COST 1e6    /* above any day's km: one vehicle fewer beats any distance */
#define DEFAULT_ITERATIONS 10000
#define DETOUR_DEFAULT 1.3  /* road distance / straight line (the scenarios' README) */

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return TP_BAD;
}

static int known_fields(const json_t *o, const char *where, const char *const *allowed, char *err, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok)
            return bad(err, n, "%s%s%s: unknown field (allowed: see the transport plan format)", where,
                       *where ? "." : "", k);
    }
    (void)v;
    return 0;
}

/* An integer field in [min, max]; absent: def, or an error when def < min. */
static int get_int(const json_t *o, const char *where, const char *key, long long min, long long max, long long def,
                   int *out, char *err, size_t n)
{
    const json_t *v = json_object_get(o, key);
    const char *dot = *where ? "." : "";
    if (!v) {
        if (def < min)
            return bad(err, n, "%s%s%s: missing (a whole number of minutes or a count)", where, dot, key);
        *out = (int)def;
        return 0;
    }
    double d;
    if (json_is_integer(v))
        d = (double)json_integer_value(v);
    else if (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v))
        d = json_real_value(v);
    else
        return bad(err, n, "%s%s%s: must be a whole number", where, dot, key);
    if (d < (double)min) {
        if (min == 0)
            return bad(err, n, "%s%s%s: %.0f is negative; times and counts are 0 or more", where, dot, key, d);
        return bad(err, n, "%s%s%s: %.0f is below %lld", where, dot, key, d, min);
    }
    if (d > (double)max)
        return bad(err, n, "%s%s%s: %.0f is above %lld", where, dot, key, d, max);
    *out = (int)d;
    return 0;
}

static int get_id(const json_t *o, const char *where, const char *key, char out[TP_ID_MAX], char *err, size_t n)
{
    const json_t *v = json_object_get(o, key);
    const char *dot = *where ? "." : "";
    if (!v)
        return bad(err, n, "%s%s%s: missing (a text id)", where, dot, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad(err, n, "%s%s%s: must be a non-empty text id", where, dot, key);
    const char *s = json_string_value(v);
    if (json_string_length(v) >= TP_ID_MAX || strlen(s) != json_string_length(v) || strpbrk(s, "@#"))
        return bad(err, n, "%s%s%s: \"%.40s\" must be under %d bytes, without '@', '#' or NUL", where, dot, key, s,
                   TP_ID_MAX);
    fx_copy(out, TP_ID_MAX, s);
    return 0;
}

static int find_loc(const tp_problem *p, const char *id)
{
    for (int i = 0; i < p->nloc; i++)
        if (strcmp(p->loc_id[i], id) == 0)
            return i;
    return -1;
}

static int alloc_matrix(tp_problem *p, int nloc)
{
    p->nloc = nloc;
    p->loc_id = calloc((size_t)nloc, sizeof *p->loc_id);
    p->minutes = calloc((size_t)nloc * nloc, sizeof *p->minutes);
    p->km = calloc((size_t)nloc * nloc, sizeof *p->km);
    return p->loc_id && p->minutes && p->km ? 0 : TP_NOMEM;
}

static int parse_rows(const json_t *m, const char *name, int nloc, double *out, bool whole, char *err, size_t n)
{
    const json_t *rows = json_object_get(m, name);
    if (!rows)
        return bad(err, n, "matrix.%s: missing (%d rows of %d numbers, in the order of matrix.ids)", name, nloc, nloc);
    if (!json_is_array(rows) || (int)json_array_size(rows) != nloc)
        return bad(err, n, "matrix.%s: must have %d rows, one per id in matrix.ids (the matrix must be square)", name,
                   nloc);
    for (int i = 0; i < nloc; i++) {
        const json_t *row = json_array_get(rows, (size_t)i);
        if (!json_is_array(row) || (int)json_array_size(row) != nloc)
            return bad(err, n, "matrix.%s[%d]: must have %d numbers, one per id (the matrix must be square)", name, i,
                       nloc);
        for (int j = 0; j < nloc; j++) {
            const json_t *x = json_array_get(row, (size_t)j);
            if (!json_is_number(x))
                return bad(err, n, "matrix.%s[%d][%d]: must be a number", name, i, j);
            double d = json_number_value(x);
            if (!(d >= 0) || d > (whole ? TIME_MAX : 1e6))
                return bad(err, n, "matrix.%s[%d][%d]: %g must be between 0 and %d", name, i, j, d,
                           whole ? TIME_MAX : 1000000);
            if (whole && floor(d) != d)
                return bad(err, n, "matrix.%s[%d][%d]: %g must be whole minutes", name, i, j, d);
            if (i == j && d != 0)
                return bad(err, n, "matrix.%s[%d][%d]: from a place to itself must be 0", name, i, j);
            out[(size_t)i * nloc + j] = d;
        }
    }
    return 0;
}

static int parse_matrix(const json_t *m, const tp_limits *lim, tp_problem *p, char *err, size_t n)
{
    static const char *const fields[] = {"ids", "minutes", "km", NULL};
    if (!json_is_object(m))
        return bad(err, n, "matrix: must be an object {\"ids\", \"minutes\", \"km\"}");
    int rc = known_fields(m, "matrix", fields, err, n);
    if (rc)
        return rc;
    const json_t *ids = json_object_get(m, "ids");
    if (!json_is_array(ids) || json_array_size(ids) < 2)
        return bad(err, n, "matrix.ids: must list the hub and the sites (at least 2 ids)");
    if (lim && lim->max_locations && json_array_size(ids) > (size_t)lim->max_locations) {
        snprintf(err, n, "matrix.ids: %zu places; at most %d per problem", json_array_size(ids), lim->max_locations);
        return TP_TOO_LARGE;
    }
    int nloc = (int)json_array_size(ids);
    if (alloc_matrix(p, nloc))
        return TP_NOMEM;
    for (int i = 0; i < nloc; i++) {
        const json_t *x = json_array_get(ids, (size_t)i);
        char where[32];
        snprintf(where, sizeof where, "matrix.ids[%d]", i);
        if (!json_is_string(x) || json_string_length(x) == 0 || json_string_length(x) >= TP_ID_MAX)
            return bad(err, n, "%s: must be a non-empty text id under %d bytes", where, TP_ID_MAX);
        const char *s = json_string_value(x);
        if (find_loc(p, s) >= 0)
            return bad(err, n, "%s: \"%s\" appears twice", where, s);
        fx_copy(p->loc_id[i], TP_ID_MAX, s);
    }
    if ((rc = parse_rows(m, "minutes", nloc, p->minutes, true, err, n)))
        return rc;
    return parse_rows(m, "km", nloc, p->km, false, err, n);
}

/* Straight-line km × detour, minutes at speed rounded up: a plan never counts on
 * driving faster than the stated speed. */
static int parse_coords(const json_t *root, const json_t *co, const tp_limits *lim, tp_problem *p, char *err, size_t n)
{
    const json_t *sp = json_object_get(root, "speed_kmh"), *df = json_object_get(root, "detour_factor");
    if (!json_is_object(co) || json_object_size(co) < 2)
        return bad(err, n, "coords: must be an object {\"ID\":[lat,lng], …} with the hub and the sites");
    if (!sp)
        return bad(err, n, "speed_kmh: missing (needed with coords)");
    if (!json_is_number(sp) || !(json_number_value(sp) > 0) || json_number_value(sp) > 300)
        return bad(err, n, "speed_kmh: must be a number above 0 and at most 300");
    if (df && (!json_is_number(df) || !(json_number_value(df) >= 1) || json_number_value(df) > 5))
        return bad(err, n, "detour_factor: must be a number from 1 to 5");
    if (lim && lim->max_locations && json_object_size(co) > (size_t)lim->max_locations) {
        snprintf(err, n, "coords: %zu places; at most %d per problem", json_object_size(co), lim->max_locations);
        return TP_TOO_LARGE;
    }
    double speed = json_number_value(sp), detour = df ? json_number_value(df) : DETOUR_DEFAULT;
    int nloc = (int)json_object_size(co);
    if (alloc_matrix(p, nloc))
        return TP_NOMEM;
    double *lat = calloc((size_t)nloc, sizeof *lat), *lng = calloc((size_t)nloc, sizeof *lng);
    if (!lat || !lng) {
        free(lat), free(lng);
        return TP_NOMEM;
    }
    const char *k;
    json_t *v;
    int i = 0, rc = 0;
    json_object_foreach((json_t *)co, k, v)
    {
        if (strlen(k) == 0 || strlen(k) >= TP_ID_MAX) {
            rc = bad(err, n, "coords: ids must be non-empty and under %d bytes", TP_ID_MAX);
            break;
        }
        const json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
        if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(a) || !json_is_number(b) ||
            fabs(json_number_value(a)) > 90 || fabs(json_number_value(b)) > 180) {
            rc = bad(err, n, "coords.%s: must be [lat, lng] in degrees (WGS-84)", k);
            break;
        }
        fx_copy(p->loc_id[i], TP_ID_MAX, k);
        lat[i] = json_number_value(a) * M_PI / 180;
        lng[i] = json_number_value(b) * M_PI / 180;
        i++;
    }
    for (int a = 0; !rc && a < nloc; a++)
        for (int b = 0; b < nloc; b++) {
            double h = pow(sin((lat[b] - lat[a]) / 2), 2) + cos(lat[a]) * cos(lat[b]) * pow(sin((lng[b] - lng[a]) / 2), 2);
            double km = 2 * 6371.0088 * asin(sqrt(h)) * detour;
            p->km[(size_t)a * nloc + b] = round(km * 100) / 100;
            p->minutes[(size_t)a * nloc + b] = ceil(km / speed * 60 - 1e-9);
        }
    free(lat), free(lng);
    return rc;
}

/* The site's place in the matrix; it must not be the hub nor an earlier site's. */
static int site_loc(tp_problem *p, int i, const char *where, char *err, size_t n)
{
    tp_site *t = &p->site[i];
    if ((t->loc = find_loc(p, t->id)) < 0)
        return bad(err, n, "%s.id: \"%s\" is unknown: it is not among the matrix ids (or coords)", where, t->id);
    if (t->loc == p->hub)
        return bad(err, n, "%s.id: \"%s\" is the hub; a site must be another place", where, t->id);
    for (int j = 0; j < i; j++)
        if (strcmp(p->site[j].id, t->id) == 0)
            return bad(err, n, "%s.id: \"%s\" is listed twice", where, t->id);
    return 0;
}

/* Explicit seal minutes (re-planning: the real seals of boxes still to collect and
 * the schedule's later ones), one box each, instead of a schedule. */
static int parse_seals(const json_t *seals, const json_t *s, const char *where, tp_site *t, char *err, size_t n)
{
    if (json_object_get(s, "first_seal") || json_object_get(s, "every_min") || json_object_get(s, "last_seal") ||
        json_object_get(s, "boxes_per_seal"))
        return bad(err, n, "%s.seals: give either seals or first_seal/every_min/last_seal, not both", where);
    if (!json_is_array(seals) || json_array_size(seals) > 100000)
        return bad(err, n, "%s.seals: must be a list of seal minutes (whole numbers, 0 or more)", where);
    t->nseal = (int)json_array_size(seals);
    t->seals = calloc((size_t)(t->nseal ? t->nseal : 1), sizeof *t->seals);
    if (!t->seals)
        return TP_NOMEM;
    for (int k = 0; k < t->nseal; k++) {
        const json_t *v = json_array_get(seals, (size_t)k);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > TIME_MAX)
            return bad(err, n, "%s.seals[%d]: must be a whole number of minutes from 0 to %d", where, k, TIME_MAX);
        t->seals[k] = (int)json_integer_value(v);
        if (k == 0 || t->seals[k] < t->first_seal)
            t->first_seal = t->seals[k];
        if (k == 0 || t->seals[k] > t->last_seal)
            t->last_seal = t->seals[k];
    }
    return 0;
}

static int parse_sites(const json_t *arr, const tp_limits *lim, tp_problem *p, char *err, size_t n)
{
    static const char *const fields[] = {"id", "first_seal", "every_min", "last_seal", "boxes_per_seal", "seals", NULL};
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bad(err, n, "sites: must be a non-empty array of sites");
    p->nsite = (int)json_array_size(arr);
    p->site = calloc((size_t)p->nsite, sizeof *p->site);
    if (!p->site)
        return TP_NOMEM;
    long long boxes = 0;
    for (int i = 0; i < p->nsite; i++) {
        const json_t *s = json_array_get(arr, (size_t)i);
        tp_site *t = &p->site[i];
        char where[32];
        snprintf(where, sizeof where, "sites[%d]", i);
        if (!json_is_object(s))
            return bad(err, n, "%s: must be an object", where);
        int rc = known_fields(s, where, fields, err, n);
        if (!rc)
            rc = get_id(s, where, "id", t->id, err, n);
        const json_t *seals = json_object_get(s, "seals");
        if (!rc && seals) {
            rc = parse_seals(seals, s, where, t, err, n);
            if (!rc)
                rc = site_loc(p, i, where, err, n);
            boxes += t->nseal;
            if (!rc && boxes > (lim && lim->max_boxes ? lim->max_boxes : 1000000)) {
                snprintf(err, n, "sites: more than %d boxes in all; plan fewer sites or a shorter day at a time",
                         lim && lim->max_boxes ? lim->max_boxes : 1000000);
                return TP_TOO_LARGE;
            }
            if (rc)
                return rc;
            continue;
        }
        if (!rc)
            rc = get_int(s, where, "first_seal", 0, TIME_MAX, -1, &t->first_seal, err, n);
        if (!rc)
            rc = get_int(s, where, "every_min", 1, TIME_MAX, 0, &t->every, err, n);
        if (!rc)
            rc = get_int(s, where, "last_seal", 0, TIME_MAX, -1, &t->last_seal, err, n);
        if (!rc)
            rc = get_int(s, where, "boxes_per_seal", 1, 1000, 1, &t->per_seal, err, n);
        if (rc)
            return rc;
        if (t->last_seal < t->first_seal)
            return bad(err, n, "%s.last_seal: %d is before first_seal %d", where, t->last_seal, t->first_seal);
        if ((rc = site_loc(p, i, where, err, n)))
            return rc;
        boxes += (long long)((t->last_seal - t->first_seal) / t->every + 1) * t->per_seal;
        if (boxes > (lim && lim->max_boxes ? lim->max_boxes : 1000000)) {
            snprintf(err, n, "sites: more than %d boxes in all; plan fewer sites or a shorter day at a time",
                     lim && lim->max_boxes ? lim->max_boxes : 1000000);
            return TP_TOO_LARGE;
        }
    }
    p->nbox = (int)boxes;
    p->box = calloc((size_t)(boxes ? boxes : 1), sizeof *p->box);
    if (!p->box)
        return TP_NOMEM;
    int b = 0;
    for (int i = 0; i < p->nsite; i++) {
        const tp_site *t = &p->site[i];
        for (int k = 0; k < t->nseal; k++, b++) {
            int again = 0; /* earlier boxes sealed the same minute */
            for (int j = 0; j < k; j++)
                again += t->seals[j] == t->seals[k];
            p->box[b].site = i;
            p->box[b].seal = t->seals[k];
            if (again)
                snprintf(p->box[b].id, sizeof p->box[b].id, "%s@%d#%d", t->id, t->seals[k], again);
            else
                snprintf(p->box[b].id, sizeof p->box[b].id, "%s@%d", t->id, t->seals[k]);
        }
        if (t->seals)
            continue;
        for (int s = t->first_seal; s <= t->last_seal; s += t->every)
            for (int k = 0; k < t->per_seal; k++, b++) {
                p->box[b].site = i;
                p->box[b].seal = s;
                if (t->per_seal > 1)
                    snprintf(p->box[b].id, sizeof p->box[b].id, "%s@%d#%d", t->id, s, k);
                else
                    snprintf(p->box[b].id, sizeof p->box[b].id, "%s@%d", t->id, s);
            }
    }
    return 0;
}

static int parse_vehicles(const json_t *arr, const tp_limits *lim, tp_problem *p, char *err, size_t n)
{
    static const char *const fields[] = {"id", "start", "end", "capacity", NULL};
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bad(err, n, "vehicles: no vehicles; list at least one {\"id\", \"start\", \"end\", \"capacity\"}");
    if (lim && lim->max_vehicles && json_array_size(arr) > (size_t)lim->max_vehicles) {
        snprintf(err, n, "vehicles: %zu vehicles; at most %d per problem", json_array_size(arr), lim->max_vehicles);
        return TP_TOO_LARGE;
    }
    p->nveh = (int)json_array_size(arr);
    p->veh = calloc((size_t)p->nveh, sizeof *p->veh);
    if (!p->veh)
        return TP_NOMEM;
    for (int i = 0; i < p->nveh; i++) {
        const json_t *s = json_array_get(arr, (size_t)i);
        tp_vehicle *v = &p->veh[i];
        char where[32];
        snprintf(where, sizeof where, "vehicles[%d]", i);
        if (!json_is_object(s))
            return bad(err, n, "%s: must be an object", where);
        int rc = known_fields(s, where, fields, err, n);
        if (!rc)
            rc = get_id(s, where, "id", v->id, err, n);
        if (!rc)
            rc = get_int(s, where, "start", 0, TIME_MAX, -1, &v->start, err, n);
        if (!rc)
            rc = get_int(s, where, "end", 0, TIME_MAX, -1, &v->end, err, n);
        if (!rc)
            rc = get_int(s, where, "capacity", 1, 100000, 0, &v->capacity, err, n);
        if (rc)
            return rc;
        if (v->end <= v->start)
            return bad(err, n, "%s.end: %d is not after start %d", where, v->end, v->start);
        for (int j = 0; j < i; j++)
            if (strcmp(p->veh[j].id, v->id) == 0)
                return bad(err, n, "%s.id: \"%s\" is listed twice", where, v->id);
    }
    return 0;
}

int tp_parse(const json_t *root, const tp_limits *lim, tp_problem *p, char *err, size_t n)
{
    static const char *const fields[] = {"hub",    "deadline_min", "service_min",   "sites", "vehicles",
                                         "matrix", "coords",       "speed_kmh",     "detour_factor", NULL};
    memset(p, 0, sizeof *p);
    err[0] = '\0';
    if (!json_is_object(root))
        return bad(err, n, "the problem must be a JSON object (see the transport plan format)");
    int rc = known_fields(root, "", fields, err, n);
    if (rc)
        return rc;
    const json_t *m = json_object_get(root, "matrix"), *co = json_object_get(root, "coords");
    if (m && co)
        return bad(err, n, "matrix: give either matrix or coords, not both");
    if (!m && !co)
        return bad(err, n, "matrix: missing (or coords with speed_kmh)");
    if (m && (json_object_get(root, "speed_kmh") || json_object_get(root, "detour_factor")))
        return bad(err, n, "speed_kmh: only used with coords; the matrix already has minutes");
    rc = m ? parse_matrix(m, lim, p, err, n) : parse_coords(root, co, lim, p, err, n);
    if (!rc) {
        char hub[TP_ID_MAX];
        rc = get_id(root, "", "hub", hub, err, n);
        if (!rc && (p->hub = find_loc(p, hub)) < 0)
            rc = bad(err, n, "hub: \"%s\" is unknown: it is not in the %s", hub, m ? "matrix ids" : "coords");
    }
    if (!rc)
        rc = get_int(root, "", "deadline_min", 1, TIME_MAX, 0, &p->deadline, err, n);
    if (!rc)
        rc = get_int(root, "", "service_min", 0, 1440, 0, &p->service, err, n);
    if (!rc)
        rc = parse_vehicles(json_object_get(root, "vehicles"), lim, p, err, n);
    if (!rc)
        rc = parse_sites(json_object_get(root, "sites"), lim, p, err, n);
    if (!rc) {
        int end = 0;
        for (int v = 0; v < p->nveh; v++)
            end = p->veh[v].end > end ? p->veh[v].end : end;
        for (int i = 0; i < p->nsite && !rc; i++)
            if (p->site[i].last_seal > end)
                rc = bad(err, n, "sites[%d].last_seal: %d is after the end of every vehicle's shift (the latest is %d)",
                         i, p->site[i].last_seal, end);
    }
    if (rc)
        tp_free(p);
    if (rc == TP_NOMEM)
        snprintf(err, n, "out of memory reading the problem");
    return rc;
}

void tp_free(tp_problem *p)
{
    for (int i = 0; p->site && i < p->nsite; i++)
        free(p->site[i].seals);
    free(p->site), free(p->veh), free(p->box), free(p->loc_id), free(p->minutes), free(p->km);
    memset(p, 0, sizeof *p);
}

/* ---- planning and the plan JSON ---- */

plan_options tp_options(bool seconds_given, double seconds, long iterations, uint64_t seed)
{
    plan_options o = {.seed = seed, .seconds = seconds, .iterations = iterations > 0 ? iterations : 0};
    if (iterations <= 0 && !seconds_given)
        o.iterations = DEFAULT_ITERATIONS;
    return o;
}

static double mins(const tp_problem *p, int a, int b) { return p->minutes[(size_t)a * p->nloc + b]; }

json_t *tp_plan(const tp_problem *p, const plan_options *o)
{
    plan_request *req = calloc((size_t)(p->nbox ? p->nbox : 1), sizeof *req);
    plan_vehicle *veh = calloc((size_t)p->nveh, sizeof *veh);
    int *picked = malloc((size_t)(p->nbox ? p->nbox : 1) * sizeof *picked);
    int *delivered = malloc((size_t)(p->nbox ? p->nbox : 1) * sizeof *delivered);
    double *st = malloc((size_t)(2 * p->nbox + 1) * sizeof *st);
    int *board = malloc((size_t)(p->nbox ? p->nbox : 1) * sizeof *board); /* boxes on board */
    json_t *runs = json_array(), *boxes = json_array(), *plan = NULL;
    plan_result r = {0};
    if (!req || !veh || !picked || !delivered || !st || !board || !runs || !boxes)
        goto done;
    for (int b = 0; b < p->nbox; b++) {
        int loc = p->site[p->box[b].site].loc, seal = p->box[b].seal, due = seal + p->deadline;
        double pick_late = due - p->service - mins(p, loc, p->hub);
        req[b] = (plan_request){.pickup = {loc, 1, seal, pick_late > seal ? pick_late : seal, p->service},
                                .delivery = {p->hub, -1, 0, due, p->service},
                                .has_delivery = true};
        picked[b] = delivered[b] = -1;
    }
    for (int v = 0; v < p->nveh; v++)
        veh[v] = (plan_vehicle){p->hub, p->veh[v].start, p->veh[v].end, p->veh[v].capacity};
    plan_problem pp = {.nloc = p->nloc, .time = p->minutes, .dist = p->km, .nreq = p->nbox, .req = req,
                       .nveh = p->nveh, .veh = veh, .vehicle_cost = VEHICLE_COST, .near_time_weight = 1,
                       .place_late = true};
    if (plan_solve(&pp, o, &r))
        goto done;

    double km = 0, drive = 0;
    int used = 0;
    for (int v = 0; v < r.nveh; v++) {
        int n = r.len[v];
        if (!n)
            continue;
        used++;
        plan_route_times(&pp, v, r.route[v], n, st);
        double hub_free = p->veh[v].start; /* when the vehicle can leave the hub */
        json_t *run = NULL, *stops = NULL;
        int nboard = 0;
        for (int k = 0; k < n;) {
            int loc = pp.req[r.route[v][k] / 2].pickup.loc;
            if (r.route[v][k] % 2)
                loc = p->hub;
            int e = k;
            while (e < n && (r.route[v][e] % 2 ? p->hub : pp.req[r.route[v][e] / 2].pickup.loc) == loc)
                e++;
            double arrive = st[k];
            if (!run) { /* leave the hub just in time for the first stop (no waiting at the site) */
                double depart = arrive - mins(p, p->hub, loc);
                if (depart < hub_free)
                    depart = hub_free;
                arrive = depart + mins(p, p->hub, loc);
                run = json_pack("{s:s, s:i}", "vehicle", p->veh[v].id, "depart", (json_int_t)depart);
                stops = json_array();
                json_object_set_new(run, "stops", stops);
                km += p->km[(size_t)p->hub * p->nloc + loc];
                drive += mins(p, p->hub, loc);
            }
            double depart = st[e - 1] + p->service;
            json_t *stop = json_pack("{s:s, s:i, s:i}", "at", p->loc_id[loc], "arrive", (json_int_t)arrive, "depart",
                                     (json_int_t)depart);
            json_t *ids = json_array();
            if (loc == p->hub) {
                /* everything on board is dropped: the model lets a box ride past a hub visit
                 * to its delivery node, but arriving earlier is never worse */
                for (int i = 0; i < nboard; i++) {
                    json_array_append_new(ids, json_string(p->box[board[i]].id));
                    delivered[board[i]] = (int)arrive;
                }
                nboard = 0;
            } else {
                for (int i = k; i < e; i++) {
                    int b = r.route[v][i] / 2;
                    json_array_append_new(ids, json_string(p->box[b].id));
                    picked[b] = (int)st[i];
                    board[nboard++] = b;
                }
            }
            json_object_set_new(stop, loc == p->hub ? "drop" : "pickup", ids);
            json_array_append_new(stops, stop);
            if (e < n && loc != p->hub) { /* from the hub: counted when the next run starts */
                int nx = r.route[v][e] % 2 ? p->hub : pp.req[r.route[v][e] / 2].pickup.loc;
                km += p->km[(size_t)loc * p->nloc + nx];
                drive += mins(p, loc, nx);
            }
            if (loc == p->hub) {
                json_array_append_new(runs, run);
                run = NULL;
                hub_free = depart;
            }
            k = e;
        }
    }
    int late = 0, max_late = 0, total_late = 0, unplanned = 0;
    for (int b = 0; b < p->nbox; b++) {
        json_t *j = json_pack("{s:s, s:s, s:i}", "id", p->box[b].id, "site", p->site[p->box[b].site].id, "sealed",
                              (json_int_t)p->box[b].seal);
        if (delivered[b] < 0) {
            unplanned++;
            late++;
            json_object_set_new(j, "picked", json_null());
            json_object_set_new(j, "delivered", json_null());
            json_object_set_new(j, "late_min", json_null());
        } else {
            int l = delivered[b] - p->box[b].seal - p->deadline;
            l = l > 0 ? l : 0;
            late += l > 0;
            total_late += l;
            max_late = l > max_late ? l : max_late;
            json_object_set_new(j, "picked", json_integer(picked[b]));
            json_object_set_new(j, "delivered", json_integer(delivered[b]));
            json_object_set_new(j, "late_min", json_integer(l));
        }
        json_array_append_new(boxes, j);
    }
    plan = json_pack("{s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:f, s:i, s:i}}", "runs", runs, "boxes", boxes, "summary",
                     "boxes", (json_int_t)p->nbox, "late_boxes", (json_int_t)late, "max_late_min",
                     (json_int_t)max_late, "total_late_min", (json_int_t)total_late, "vehicles_used", (json_int_t)used,
                     "km", round(km * 100) / 100, "drive_min", (json_int_t)drive, "unplanned_boxes",
                     (json_int_t)unplanned);
    runs = boxes = NULL;
    if (plan) {
        json_t *s = json_pack("{s:I, s:f, s:I}", "iterations", (json_int_t)r.iterations, "seconds",
                              round(r.seconds * 1000) / 1000, "seed", (json_int_t)o->seed);
        json_object_set_new(plan, "search", s);
    }
done:
    json_decref(runs);
    json_decref(boxes);
    plan_result_free(&r);
    free(req), free(veh), free(picked), free(delivered), free(st), free(board);
    return plan;
}
