/* cmd_serve.c — `fangxian serve`: options to config, then the server. */
#include "cli/cli.h"

#include "core/roster.h"
#include "dispatch/dispatch.h"
#include "http/server.h"
#include "ingest/mqtt.h"
#include "ingest/ticker.h"
#include "print/print.h"
#include "transport/osrm.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_log.h"
#include "util/fx_ratelimit.h"
#include "util/fx_str.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int int_opt(cli_args *a, const char *name, long long min, long long max, int *out)
{
    const char *v = cli_opt(a, name);
    long long n;
    if (!v)
        return 0;
    if (!fx_parse_i64(v, &n) || n < min || n > max) {
        fprintf(stderr, "serve: --%s must be a whole number from %lld to %lld, not '%s'\n", name, min, max, v);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* The web directory next to the binary (bin/../web), else ./web. */
static const char *default_web_dir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, n, "%s/../web", exe);
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
                return buf;
        }
    }
    return "web";
}

int cmd_serve(int argc, char **argv)
{
    static const char *const flags[] = {"no-request-log", NULL};
    cli_args a;
    if (cli_parse(argc, argv, flags, &a))
        return CLI_USAGE;
    http_app app = {.cfg = HTTP_CONFIG_DEFAULT};
    http_config *cfg = &app.cfg;
    db_options dopt = DB_OPTIONS_DEFAULT;
    char webbuf[PATH_MAX + 16];
    const char *v;
    const char *path = cli_db_path(&a);
    const char *log_file = cli_opt(&a, "log");
    if ((v = cli_opt(&a, "listen")))
        cfg->listen = v;
    cfg->tls_cert = cli_opt(&a, "tls-cert");
    cfg->tls_key = cli_opt(&a, "tls-key");
    cfg->web_dir = (v = cli_opt(&a, "web")) ? v : default_web_dir(webbuf, sizeof webbuf);
    cfg->port_file = cli_opt(&a, "port-file");
    cfg->log_requests = !cli_flag(&a, "no-request-log");
    dsp_notify_opt nopt = {.interval_ms = 5000, .retry_s = 30, .max_attempts = 12, .keep_days = 30};
    int max_body_kib = (int)(cfg->max_body / 1024), max_upload_mb = (int)(cfg->max_upload >> 20);
    if (int_opt(&a, "threads", 1, 256, &cfg->threads) || int_opt(&a, "conn-limit", 16, 1000000, &cfg->conn_limit) ||
        int_opt(&a, "per-ip-limit", 1, 1000000, &cfg->per_ip_limit) ||
        int_opt(&a, "conn-timeout", 1, 3600, &cfg->conn_timeout_s) ||
        int_opt(&a, "request-timeout", 1, 3600, &cfg->request_timeout_s) ||
        int_opt(&a, "max-body-kib", 1, 1 << 20, &max_body_kib) ||
        int_opt(&a, "max-upload-mb", 1, 1 << 20, &max_upload_mb) ||
        int_opt(&a, "max-inflight", 1, 1000000, &cfg->max_inflight) ||
        int_opt(&a, "session-ttl", 60, 30 * 86400, &cfg->session_ttl_s) ||
        int_opt(&a, "login-max-user", 1, 1000000, &cfg->login_max_user) ||
        int_opt(&a, "login-max-ip", 1, 1000000, &cfg->login_max_ip) ||
        int_opt(&a, "write-batch", 1, 100000, &dopt.write_batch_max) ||
        int_opt(&a, "write-queue", 1, 10000000, &dopt.write_queue_max) ||
        int_opt(&a, "notify-interval-ms", 50, 3600000, &nopt.interval_ms) ||
        int_opt(&a, "notify-retry-s", 1, 3600, &nopt.retry_s) ||
        int_opt(&a, "notify-attempts", 1, 100, &nopt.max_attempts) ||
        int_opt(&a, "notify-keep-days", 1, 3650, &nopt.keep_days) ||
        int_opt(&a, "public-rate", 1, 10000000, &cfg->public_rate) ||
        int_opt(&a, "public-burst", 1, 10000000, &cfg->public_burst) ||
        int_opt(&a, "public-inflight", 1, 1000000, &cfg->public_inflight) ||
        int_opt(&a, "public-cache-s", 0, 3600, &cfg->public_cache_s) ||
        int_opt(&a, "public-threads", 1, 256, &cfg->public_threads) ||
        int_opt(&a, "public-nice", 0, 19, &cfg->public_nice))
        return CLI_USAGE;
    mqtt_options mq = {.host = cli_opt(&a, "mqtt-host"), .port = 1883, .username = cli_opt(&a, "mqtt-user"),
                       .client_id = cli_opt(&a, "mqtt-client-id")};
    const char *mqtt_pw_file = cli_opt(&a, "mqtt-password-file");
    int tick_s = 30, silent_min = 30, shift_limit_h = ROSTER_LIMIT_DEFAULT_MIN / 60;
    if (int_opt(&a, "mqtt-port", 1, 65535, &mq.port) || int_opt(&a, "tick", 1, 3600, &tick_s) ||
        int_opt(&a, "silent-minutes", 1, 7 * 24 * 60, &silent_min) || int_opt(&a, "shift-limit-h", 1, 48, &shift_limit_h))
        return CLI_USAGE;
    roster_set_default_limit(shift_limit_h * 60);
    char mqtt_pw[256] = "";
    if (mqtt_pw_file) {
        FILE *f = fopen(mqtt_pw_file, "r");
        if (!f || !fgets(mqtt_pw, sizeof mqtt_pw, f)) {
            fprintf(stderr, "serve: cannot read --mqtt-password-file %s\n", mqtt_pw_file);
            if (f)
                fclose(f);
            return CLI_USAGE;
        }
        fclose(f);
        mqtt_pw[strcspn(mqtt_pw, "\r\n")] = '\0';
    }
    if (mq.host && !mq.username)
        mq.username = "fangxian";
    mq.password = mqtt_pw_file ? mqtt_pw : NULL;
    cfg->max_body = (size_t)max_body_kib * 1024;
    cfg->max_upload = (size_t)max_upload_mb << 20;
    cfg->conn_soft_limit = cfg->conn_limit - cfg->conn_limit / 16;
    if ((v = cli_opt(&a, "map-tiles")))
        cfg->map_tiles = v;
    cfg->public_listen = cli_opt(&a, "public-listen");
    if ((v = cli_opt(&a, "osrm-url"))) {
        if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
            fprintf(stderr, "serve: --osrm-url must be http://host:port or https://…\n");
            return CLI_USAGE;
        }
        tp_osrm_set_default(v);
    }
    const char *tz = cli_opt(&a, "tz");
    if (cli_check_used(&a, "serve"))
        return CLI_USAGE;
    if (tz && fx_tz_set(tz) != 0) { /* else the zone main() set */
        fprintf(stderr, "serve: --tz must name a time zone such as Asia/Shanghai\n");
        return CLI_USAGE;
    }
    if (log_file && fx_log_open(log_file) != 0) {
        fprintf(stderr, "serve: cannot open log file %s\n", log_file);
        return CLI_REFUSED;
    }

    http_block_signals(); /* before any thread starts, so only the server waits for them */
    char err[512];
    app.db = cli_open_db(path, &dopt);
    if (!app.db)
        return CLI_REFUSED;
    int rc = CLI_REFUSED;
    if (router_init(&app, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        db_close(app.db);
        return CLI_REFUSED;
    }
    app.login_user = throttle_new(cfg->login_max_user, cfg->login_window_s);
    app.login_ip = throttle_new(cfg->login_max_ip, cfg->login_window_s);
    sem_init(&app.login_slots, 0, (unsigned)cfg->login_concurrency);
    app.public_rl = fx_ratelimit_new(cfg->public_rate, cfg->public_burst, 65536);
    fx_log(FX_LOG_INFO, "database %s (schema %d), time zone %s", path, db_schema_version(app.db), fx_tz());
    ticker *tk = ticker_start(app.db, tick_s, silent_min * 60);
    mqtt_listener *ml = NULL;
    if (!tk)
        fprintf(stderr, "serve: cannot start the clock's thread\n");
    else if (mq.host && !(ml = mqtt_start(app.db, &mq, err, sizeof err)))
        fprintf(stderr, "serve: %s\n", err);
    /* reminders, alarms and re-plans after deviating seals: one thread beside the server */
    if (dsp_notify_start(app.db, &nopt) != 0)
        fprintf(stderr, "serve: cannot start the message sender\n");
    else if (http_serve(&app, err, sizeof err) != 0)
        fprintf(stderr, "serve: %s\n", err);
    else
        rc = CLI_OK;
    mqtt_stop(ml); /* stores what it has received before the store closes */
    ticker_stop(tk);
    dsp_notify_stop();
    throttle_free(app.login_user);
    throttle_free(app.login_ip);
    fx_ratelimit_free(app.public_rl);
    sem_destroy(&app.login_slots);
    router_free(&app);
    print_shutdown(); /* the request threads that drew PDFs are gone */
    db_close(app.db); /* finishes every queued write first */
    return rc;
}
