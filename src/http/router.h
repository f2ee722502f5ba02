/* router.h — the route table, the application state every handler shares, and
 * dispatch: match → authenticate → authorise (role, then CSRF for cookie
 * writes) → parse JSON → handler. Every route passes through router_dispatch;
 * a route without a declared action makes router_init fail, so it never starts. */
#ifndef ROUTER_H
#define ROUTER_H
#include "core/account.h"
#include "http/http.h"

#include <semaphore.h>
#include <stdatomic.h>

enum route_flags {
    ROUTE_JSON = 1,   /* the body must be a JSON object */
    ROUTE_PREFIX = 2, /* pattern ends in '*': matches any rest of the path */
    ROUTE_SPOOL = 4,  /* the body goes to an unnamed temporary file (r->body_fd), not to memory */
};

struct route {
    const char *method;  /* "GET", "POST", …; "GET" also answers HEAD */
    const char *pattern; /* "/api/v1/areas/{code}" */
    enum fx_action action;
    http_handler handler;
    unsigned flags;
    size_t max_body; /* 0: the server's default */
};

typedef struct http_config {
    const char *listen;       /* "127.0.0.1:8080" */
    const char *tls_cert, *tls_key;
    const char *web_dir;      /* static files */
    const char *port_file;    /* written with the bound port once listening */
    int threads;              /* epoll worker threads */
    int conn_limit;           /* hard limit (MHD closes beyond it) */
    int conn_soft_limit;      /* above this, new requests get 503 */
    int per_ip_limit;
    int conn_timeout_s;       /* idle connection timeout */
    int request_timeout_s;    /* a request body must arrive within this */
    size_t max_body;          /* default body limit */
    size_t max_upload;        /* limit of spooled bodies (file uploads) */
    size_t conn_memory;       /* per-connection buffer: bounds the header size */
    int max_inflight;         /* requests being handled (incl. waiting for a commit) */
    int session_ttl_s;
    int login_max_user, login_max_ip, login_window_s;
    int login_concurrency;    /* argon2 verifications at once */
    bool log_requests;
    /* the public API (/api/v1/public/): per-IP token buckets, its own in-flight budget
     * so a flood of lookups leaves staff traffic its share, and the site list's cache */
    int public_rate;          /* requests per second per IP */
    int public_burst;
    int public_inflight;      /* public requests in flight at once, across all IPs */
    int public_cache_s;       /* the site list is rendered at most once in this many seconds */
    const char *map_tiles;    /* tile URL template for the public map ({z}/{x}/{y}); "" none */
    const char *public_listen; /* NULL, or a second address for the public pages and API alone */
    int public_threads;       /* its threads, run at nice public_nice: staff threads win the CPU */
    int public_nice;
} http_config;

#define HTTP_CONFIG_DEFAULT                                                                                  \
    {.listen = "127.0.0.1:8080", .web_dir = "web", .threads = 0, .conn_limit = 4096,                        \
     .conn_soft_limit = 3800, .per_ip_limit = 256, .conn_timeout_s = 15, .request_timeout_s = 30,             \
     .max_body = 1 << 20, .max_upload = (size_t)512 << 20, .conn_memory = 16 * 1024, .max_inflight = 2048, .session_ttl_s = 12 * 3600,        \
     .login_max_user = 5, .login_max_ip = 30, .login_window_s = 900, .login_concurrency = 2,                 \
     .log_requests = true, .public_rate = 5, .public_burst = 20, .public_inflight = 64, .public_cache_s = 5,  \
     .map_tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png", .public_threads = 2, .public_nice = 10}

struct http_app {
    db *db;
    http_config cfg;
    throttle *login_user, *login_ip;
    sem_t login_slots;
    const route **routes;
    int nroutes;
    _Atomic int inflight, connections;
    _Atomic bool draining;
    _Atomic int background; /* import threads still running */
    struct fx_ratelimit *public_rl;
    _Atomic int public_inflight;
    _Atomic int public_connections; /* on --public-listen: its own soft limit, apart from staff's */
};

/* Collects the routes of every api_*.c; fails (and says which) when a route
 * declares no action. */
int router_init(http_app *app, char *err, size_t errlen);
void router_free(http_app *app);

/* Finds r's route: 0, or 404 (no such path) / 405 (path exists, method does not). */
int router_match(http_app *app, http_req *r);
/* The rest of the chain after a match. HTTP_DONE or HTTP_PENDING. */
int router_dispatch(http_req *r);
/* Completes a deferred write (after its commit): runs the handler's finish. */
void router_finish(http_req *r);
/* Frees everything the request owns. */
void http_req_cleanup(http_req *r);

/* The CSRF token that goes with a session token: cookie writes must send it
 * in X-CSRF-Token. out: 33 bytes. */
void router_csrf_for(const char *session_token, char out[33]);

/* Route tables, one per api_*.c, each ending with {0}. */
extern const route api_system_routes[], api_session_routes[], api_area_routes[], api_user_routes[],
    api_token_routes[], api_audit_routes[], api_person_routes[], api_import_routes[], api_merchant_routes[],
    api_round_routes[], api_site_routes[], api_sampling_routes[], api_custody_routes[], api_result_routes[],
    api_print_routes[], api_isolation_routes[], api_zone_routes[], api_transport_routes[], api_checkpoint_routes[],
    api_workorder_routes[], api_sensor_routes[], api_service_routes[], api_dispatch_routes[], api_public_routes[],
    api_collect_routes[], api_static_routes[];
/* teams, mentor pairs, posts, shifts and roster checks */
extern const route api_team_routes[], api_roster_routes[];
extern const route api_sweep_routes[];
/* supplies (stock, forecast, pick lists) and disinfection */
extern const route api_supply_routes[], api_disinfect_routes[];

#endif
