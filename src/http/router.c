/* router.c — route matching and the one path every request takes:
 * authenticate, check the role's permission, check CSRF, parse, handle. */
#include "http/router.h"

#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const route *const tables[] = {
    api_system_routes, api_session_routes, api_area_routes, api_user_routes,
    api_token_routes,  api_audit_routes,  api_person_routes, api_import_routes,
    api_merchant_routes,
    api_round_routes, api_site_routes, api_sampling_routes,
    api_custody_routes, api_result_routes,
    api_print_routes,
    api_isolation_routes, api_zone_routes,
    api_transport_routes,
    api_checkpoint_routes, api_workorder_routes,
    api_sweep_routes,
    api_sensor_routes, api_service_routes,
    api_dispatch_routes,
    api_team_routes, api_roster_routes,
    api_public_routes, api_collect_routes,
    api_supply_routes, api_disinfect_routes,
    api_static_routes, /* last: its prefix pattern catches every other GET */
};

int router_init(http_app *app, char *err, size_t errlen)
{
    int n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const route *r = tables[t]; r->method; r++)
            n++;
    app->routes = calloc((size_t)n, sizeof *app->routes);
    if (!app->routes) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    app->nroutes = 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        for (const route *r = tables[t]; r->method; r++) {
            if (r->action <= ACT_UNDECLARED || r->action >= ACT__COUNT || !r->handler) {
                snprintf(err, errlen, "route %s %s declares no permission: refusing to start", r->method,
                         r->pattern);
                router_free(app);
                return -1;
            }
            app->routes[app->nroutes++] = r;
        }
    }
    return 0;
}

void router_free(http_app *app)
{
    free(app->routes);
    app->routes = NULL;
    app->nroutes = 0;
}

/* Matches path against pattern, copying {params} into r. */
static bool match_path(const route *rt, const char *path, http_req *r)
{
    const char *p = rt->pattern, *s = path;
    size_t used = 0;
    int np = 0;
    while (*p) {
        if (*p == '*' && (rt->flags & ROUTE_PREFIX))
            return true;
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (!close || len == 0 || np >= HTTP_MAX_PARAMS || used + len + 1 > sizeof r->param_buf)
                return false;
            memcpy(r->param_buf + used, s, len);
            r->param_buf[used + len] = '\0';
            r->param[np++] = r->param_buf + used;
            used += len + 1;
            p = close + 1;
            s += len;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *s == '\0';
}

static bool method_is(const route *rt, const char *m)
{
    return strcmp(rt->method, m) == 0 || (strcmp(m, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

int router_match(http_app *app, http_req *r)
{
    bool path_seen = false;
    for (int i = 0; i < app->nroutes; i++) {
        const route *rt = app->routes[i];
        if ((rt->flags & ROUTE_PREFIX) && strncmp(r->path, "/api/", 5) == 0)
            continue; /* an unknown API path is a 404, not a static file's 405 */
        if (!match_path(rt, r->path, r))
            continue;
        if (method_is(rt, r->method)) {
            r->route = rt;
            return 0;
        }
        path_seen = true;
    }
    return path_seen ? 405 : 404;
}

void router_csrf_for(const char *session_token, char out[33])
{
    char buf[FX_TOKEN_LEN + 8], hex[FX_SHA256_HEX];
    snprintf(buf, sizeof buf, "csrf:%s", session_token);
    fx_sha256_hex(buf, strlen(buf), hex);
    memcpy(out, hex, 32);
    out[32] = '\0';
}

/* The value of cookie name in a Cookie header, copied into out. */
static bool cookie_get(const char *header, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl >= n)
                return false;
            memcpy(out, p + nl + 1, vl);
            out[vl] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

/* Sets r->who from the Bearer token or session cookie. 0 (maybe anonymous),
 * or -1 after answering (a presented credential that is no good is 401). */
static int authenticate(http_req *r)
{
    char token[FX_TOKEN_LEN + 1];
    const char *auth = r->authorization;
    bool have = false;
    r->who.role = ROLE_NONE;
    if (auth && *auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) >= sizeof token) {
            http_error(r, 401, "invalid_token", "the Authorization header must be 'Bearer <token>'");
            return -1;
        }
        fx_copy(token, sizeof token, auth + 7);
        have = true;
    } else if (r->cookie && cookie_get(r->cookie, "fx_session", token, sizeof token)) {
        have = true;
        r->cookie_auth = true;
    }
    if (!have)
        return 0;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return -1;
    char hash[FX_SHA256_HEX];
    fx_sha256_hex(token, strlen(token), hash);
    int rc = DB_DONE;
    if (strncmp(token, "fxs_", 4) == 0)
        rc = session_lookup(c, hash, fx_now(), &r->who);
    else if (!r->cookie_auth && (strncmp(token, "fxd_", 4) == 0 || strncmp(token, "fxp_", 4) == 0 ||
                                 strncmp(token, "fxl_", 4) == 0))
        rc = token_lookup(c, hash, &r->who);
    if (rc < 0) {
        http_header(r, "Retry-After", "5");
        http_error(r, 503, "store_unavailable", "the database cannot be read right now; try again shortly");
        return -1;
    }
    if (rc != DB_ROW) {
        r->who.role = ROLE_NONE;
        if (r->cookie_auth) /* an old cookie on a public page is no reason to refuse it */
            return r->route->action == ACT_PUBLIC ? 0 : (http_error(r, 401, "session_expired",
                                                                     "your session has ended; log in again"), -1);
        http_error(r, 401, "invalid_token", "this token is not valid (expired, revoked or mistyped); log in again");
        return -1;
    }
    if (r->cookie_auth) {
        /* Cookies ride along on cross-site requests: writes must prove they
         * come from our own page, which alone can read the CSRF value. */
        bool safe = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
        char want[33];
        router_csrf_for(token, want);
        if (!safe && (!r->csrf_header || !fx_str_eq_ct(r->csrf_header, want))) {
            http_error(r, 403, "csrf_failed",
                       "this change did not come from the fangxian page; reload the page and try again");
            return -1;
        }
    }
    return 0;
}

static int dispatch(http_req *r);

int router_dispatch(http_req *r)
{
    /* One read transaction for the whole request (session lookup and the handler's
     * reads), ended before a deferred write waits for the writer. */
    db_conn *c = db_reader(r->app->db);
    if (c)
        db_read_begin(c);
    int rc = dispatch(r);
    if (c)
        db_read_end(c);
    return rc;
}

static int dispatch(http_req *r)
{
    const route *rt = r->route;
    if (authenticate(r) < 0)
        return HTTP_DONE;
    if (!perm_principal_allows(&r->who, rt->action)) {
        if (r->who.role == ROLE_NONE)
            return http_error(r, 401, "login_required", "log in first: this needs an account");
        return http_error(r, 403, "forbidden", "your role (%s) may not do this (%s)", perm_role_name(r->who.role),
                          perm_action_name(rt->action));
    }
    r->act.p = &r->who;
    r->act.log = (audit_actor){
        .kind = r->who.user_id ? "user" : "token",
        .id = r->who.user_id ? r->who.user_id : r->who.token_id,
        .name = r->who.name,
        .ip = r->ip,
        .request_id = r->request_id,
    };
    if (rt->flags & ROUTE_JSON) {
        if (r->content_type && strncasecmp(r->content_type, "application/json", 16) != 0)
            return http_error(r, 415, "unsupported_media_type", "send the body as application/json");
        json_error_t e;
        r->json = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &e);
        if (!r->json)
            return http_error(r, 400, "invalid_json", "the body is not valid JSON (line %d, column %d): %s", e.line,
                              e.column, e.text);
        if (!json_is_object(r->json))
            return http_error(r, 400, "invalid_json", "the body must be a JSON object {…}");
    }
    return rt->handler(r);
}

void router_finish(http_req *r)
{
    int rc = r->job.rc;
    if (rc == DB_EOVERLOAD || rc == DB_ECLOSED || rc == DB_EBUSY) {
        http_header(r, "Retry-After", "2");
        http_error(r, 503, "overloaded", "the server is busy saving other changes; try again in a moment");
        return;
    }
    r->finish(r, rc);
}
