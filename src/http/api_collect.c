/* api_collect.c — GET /api/v1/collect/context: the sites and open rounds a sampling
 * table chooses from (registrars cannot list rounds and sites otherwise). */
#include "http/api.h"

#include "core/collect.h"
#include "util/fx_clock.h"

#include <stdlib.h>

static int context_get(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    site *sites = malloc(COLLECT_SITES_MAX * sizeof *sites);
    collect_round *rounds = malloc(COLLECT_ROUNDS_MAX * sizeof *rounds);
    if (!sites || !rounds) {
        free(sites);
        free(rounds);
        return http_error(r, 500, "internal", "out of memory");
    }
    int n = collect_sites(c, &r->who, sites, COLLECT_SITES_MAX);
    json_t *items = json_array();
    int64_t now = fx_now();
    for (int i = 0; i < n; i++) {
        json_t *jr = json_array();
        int m = collect_rounds(c, &sites[i], now, rounds, COLLECT_ROUNDS_MAX);
        for (int k = 0; k < m; k++)
            json_array_append_new(jr, json_pack("{s:I, s:s, s:I, s:I, s:i, s:s}", "id",
                                                (json_int_t)rounds[k].round.id, "name", rounds[k].round.name, "start",
                                                (json_int_t)rounds[k].round.start_at, "deadline",
                                                (json_int_t)rounds[k].round.deadline, "pool_size",
                                                rounds[k].pool_size, "risk", rounds[k].risk));
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)sites[i].id, "name",
                                               sites[i].name, "area", sites[i].area_code, "tables", sites[i].tables,
                                               "rounds", jr));
    }
    free(sites);
    free(rounds);
    if (n < 0) {
        json_decref(items);
        http_header(r, "Retry-After", "5");
        return http_error(r, 503, "store_unavailable", "the sites cannot be read right now; try again shortly");
    }
    return http_json(r, 200, json_pack("{s:o, s:I}", "sites", items, "now", (json_int_t)fx_now()));
}

const route api_collect_routes[] = {
    {"GET", "/api/v1/collect/context", ACT_SAMPLING, context_get, 0, 0},
    {0},
};
