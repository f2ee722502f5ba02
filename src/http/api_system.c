/* api_system.c — /healthz and /metrics. */
#include "http/api.h"
#include "http/metrics.h"

#include <string.h>

static int healthz(http_req *r)
{
    if (!http_reader_or_503(r))
        return HTTP_DONE;
    return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static int metrics(http_req *r)
{
    char *text = metrics_render(http_db(r), r->app->inflight, r->app->connections);
    if (!text)
        return http_error(r, 500, "internal", "out of memory");
    r->resp = text;
    r->resp_len = strlen(text);
    r->content_type_out = "text/plain; version=0.0.4; charset=utf-8";
    r->status = 200;
    return HTTP_DONE;
}

const route api_system_routes[] = {
    {"GET", "/healthz", ACT_PUBLIC, healthz, 0, 0},
    {"GET", "/metrics", ACT_PUBLIC, metrics, 0, 0},
    {0},
};
