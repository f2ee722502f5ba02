/* api_public.c — the public API (contract: Public), no login: sites with status and
 * estimated wait, and result lookup by ID number and name. Rate limits and the
 * public in-flight budget are applied before these run (server.c, public_admit). */
#include "http/api.h"

#include "core/public.h"
#include "util/fx_clock.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET /api/v1/public/sites?area= : rendered answers kept for cfg.public_cache_s ---- */
#define CACHE_SLOTS 64

static struct {
    pthread_mutex_t lock;
    struct {
        char area[65];
        char *body;
        size_t len;
        uint64_t until_us;
    } e[CACHE_SLOTS];
    unsigned next; /* round-robin replacement: areas asked for are few */
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static char *cache_get(const char *code, uint64_t now_us, size_t *len)
{
    char *copy = NULL;
    pthread_mutex_lock(&cache.lock);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache.e[i].body && now_us < cache.e[i].until_us && strcmp(cache.e[i].area, code) == 0) {
            copy = malloc(cache.e[i].len + 1);
            if (copy) {
                memcpy(copy, cache.e[i].body, cache.e[i].len + 1);
                *len = cache.e[i].len;
            }
            break;
        }
    pthread_mutex_unlock(&cache.lock);
    return copy;
}

static void cache_put(const char *code, const char *body, size_t len, uint64_t until_us)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, body, len + 1);
    pthread_mutex_lock(&cache.lock);
    int slot = -1;
    for (int i = 0; i < CACHE_SLOTS && slot < 0; i++)
        if (cache.e[i].body && strcmp(cache.e[i].area, code) == 0)
            slot = i;
    if (slot < 0)
        slot = (int)(cache.next++ % CACHE_SLOTS);
    free(cache.e[slot].body);
    fx_copy(cache.e[slot].area, sizeof cache.e[slot].area, code);
    cache.e[slot].body = copy;
    cache.e[slot].len = len;
    cache.e[slot].until_us = until_us;
    pthread_mutex_unlock(&cache.lock);
}

static json_t *site_public_json(const public_site *s)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i}", "id", (json_int_t)s->id, "name", s->name, "area",
                          s->area_code, "status", site_public_name(s->st.status), "wait_min", s->st.wait_min, "opens",
                          s->opens_min, "closes", s->closes_min);
    json_object_set_new(j, "lat", s->has_coords ? json_real(s->lat) : json_null());
    json_object_set_new(j, "lng", s->has_coords ? json_real(s->lng) : json_null());
    return j;
}

static int public_sites_get(http_req *r)
{
    const char *code = http_query(r, "area");
    if (!code)
        code = "";
    if (strlen(code) > 64)
        return http_error(r, 400, "invalid_field", "area: an area code of at most 64 characters");
    int ttl = r->app->cfg.public_cache_s;
    uint64_t now_us = fx_mono_us();
    size_t len = 0;
    char *body = ttl > 0 ? cache_get(code, now_us, &len) : NULL;
    if (!body) {
        db_conn *c = http_reader_or_503(r);
        if (!c)
            return HTTP_DONE;
        public_site *rows = malloc(PUBLIC_SITES_MAX * sizeof *rows);
        if (!rows)
            return http_error(r, 500, "internal", "out of memory");
        int n = public_sites(c, code, fx_now(), rows, PUBLIC_SITES_MAX);
        if (n == PUBLIC_NO_AREA) {
            free(rows);
            return http_error(r, 404, "area_not_found", "there is no area %.64s; leave area out for every site",
                              code);
        }
        if (n < 0) {
            free(rows);
            http_header(r, "Retry-After", "5");
            return http_error(r, 503, "store_unavailable", "the sites cannot be read right now; try again shortly");
        }
        json_t *items = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(items, site_public_json(&rows[i]));
        free(rows);
        const char *tiles = r->app->cfg.map_tiles;
        json_t *j = json_pack("{s:o, s:I}", "items", items, "at", (json_int_t)fx_now());
        json_object_set_new(j, "tiles", tiles && *tiles ? json_string(tiles) : json_null());
        body = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(9));
        json_decref(j);
        if (!body)
            return http_error(r, 500, "internal", "out of memory");
        len = strlen(body);
        if (ttl > 0)
            cache_put(code, body, len, now_us + (uint64_t)ttl * 1000000u);
    }
    free(r->resp);
    r->resp = body;
    r->resp_len = len;
    r->content_type_out = "application/json; charset=utf-8";
    r->status = 200;
    /* No personal data: browsers and proxies on the way may keep it as long as we do. */
    http_header(r, "Cache-Control", "public, max-age=%d", ttl);
    return HTTP_DONE;
}

/* ---- POST /api/v1/public/results/lookup {"id_number","name"} ---- */
/* Drops ASCII blanks at both ends in place (people type a space after their name). */
static void trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, n - i + 1);
}

static int public_lookup_post(http_req *r)
{
    static const char *const fields[] = {"id_number", "name", NULL};
    const char *id_raw, *name_raw;
    if (http_known_fields(r, fields) || http_str(r, "id_number", true, 40, &id_raw) ||
        http_str(r, "name", true, PERSON_NAME_MAX, &name_raw))
        return HTTP_DONE;
    fx_idcard card;
    char number[41], name[PERSON_NAME_MAX * 4 + 1];
    fx_id_status st = fx_idcard_parse(id_raw, 0, &card);
    if (st == FX_ID_OK) {
        fx_copy(number, sizeof number, card.number);
    } else {
        /* Other documents (passports, …) are stored as given, without blanks around. */
        fx_copy(number, sizeof number, id_raw);
        trim(number);
        if (!*number || st == FX_ID_BAD_CHECKSUM || st == FX_ID_BAD_DATE || st == FX_ID_BAD_REGION)
            return http_error(r, 400, "invalid_id_number", "id_number: %s", fx_idcard_problem(st));
    }
    fx_copy(name, sizeof name, name_raw);
    trim(name);
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    public_result res;
    int rc = public_lookup(c, number, name, &res);
    if (rc < 0) {
        http_header(r, "Retry-After", "5");
        return http_error(r, 503, "store_unavailable", "results cannot be read right now; try again shortly");
    }
    if (rc != DB_ROW) /* one answer for "no such person" and "wrong name" */
        return http_error(r, 404, "no_match",
                          "no result for this ID number and name; check both as written on the ID card");
    json_t *j = json_pack("{s:s, s:s, s:b, s:b}", "name", res.name, "id_number", res.id_number, "masked", 1,
                          "sampled", res.sampled);
    json_object_set_new(j, "sampled_at", res.sampled ? json_integer(res.sampled_at) : json_null());
    json_object_set_new(j, "site", res.sampled ? json_string(res.site) : json_null());
    json_object_set_new(j, "result", res.result[0] ? json_string(res.result) : json_null());
    json_object_set_new(j, "result_at", res.result[0] ? json_integer(res.result_at) : json_null());
    return http_json(r, 200, j);
}

const route api_public_routes[] = {
    {"GET", "/api/v1/public/sites", ACT_PUBLIC, public_sites_get, 0, 0},
    {"POST", "/api/v1/public/results/lookup", ACT_PUBLIC, public_lookup_post, ROUTE_JSON, 4096},
    {0},
};
