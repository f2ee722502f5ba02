/* bench/sensors.c — door-sensor load for bench/sensors (which runs the whole comparison).
 *
 *   sensors setup DB N TOKENS        N devices in N households (every 20th isolated at home), registered
 *                                    through core like POST /api/v1/devices; "code token" lines to TOKENS
 *   sensors http PORT TOKENS SECONDS CONNS RATE
 *                                    each connection posts one event per request with its device's token
 *                                    (heartbeats; with RATE > 0, paced to RATE events/s in all and every
 *                                    20th an opening of an isolated household: an alarm in the same commit)
 *   sensors mqtt PORT TOKENS DB COUNT PUBS   PUBS device clients publish COUNT heartbeats (QoS 1) as fast as
 *                                    the broker takes them; time until all are stored (read from DB)
 *   sensors mqtt-ref PORT TOKENS COUNT PUBS PASSWORD   the same publishing, received by a plain subscriber
 *                                    (the server's broker account) that only counts: the broker's own pace
 *   sensors mqtt-alarm PORT TOKENS DB RATE SECONDS   heartbeats at RATE/s plus an opening every 50 ms from
 *                                    an isolated household; latency from publish to the alarm's commit
 * Prints one line of key=value per run. Times: CLOCK_MONOTONIC. */
#include "core/area.h"
#include "core/isolation.h"
#include "core/person.h"
#include "core/sensor.h"
#include "util/fx_crypto.h"

#include <arpa/inet.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ISOLATED_EVERY 20

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
    double d = t - mono();
    if (d > 0) {
        struct timespec s = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
        nanosleep(&s, NULL);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i] * 1000.0;
}

/* ---- tokens ---- */
static int ndev;
static char (*codes)[16];
static char (*tokens)[FX_TOKEN_LEN];

static void load_tokens(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    int cap = 1024;
    codes = malloc((size_t)cap * sizeof *codes);
    tokens = malloc((size_t)cap * sizeof *tokens);
    char c[16], t[FX_TOKEN_LEN];
    while (fscanf(f, "%15s %68s", c, t) == 2) {
        if (ndev == cap) {
            cap *= 2;
            codes = realloc(codes, (size_t)cap * sizeof *codes);
            tokens = realloc(tokens, (size_t)cap * sizeof *tokens);
        }
        memcpy(codes[ndev], c, sizeof c);
        memcpy(tokens[ndev], t, sizeof t);
        ndev++;
    }
    fclose(f);
}

/* ---- setup ---- */

/* A valid 18-digit ID number, distinct for each i below 336,000. */
static void id_number(int i, char out[24])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 24, "4101841990%02d%02d%03d", (i / (999 * 28)) % 12 + 1, (i / 999) % 28 + 1, i % 999 + 1);
    int sum = 0;
    for (int k = 0; k < 17; k++)
        sum += (out[k] - '0') * w[k];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}
struct setup {
    int from, to;
    FILE *out;
    fx_err err;
};

static int setup_areas(db_conn *c, void *arg)
{
    struct setup *s = arg;
    actor cli = ACTOR_CLI;
    area a;
    const area_input areas[] = {{.code = "BD", .name = "压测区", .kind = "district"},
                                {.code = "BD-W", .name = "压测站", .kind = "workstation", .parent = "BD"},
                                {.code = "BD-C", .name = "压测小区", .kind = "compound", .parent = "BD-W"}};
    for (int i = 0; i < 3; i++)
        if (area_create(c, &cli, &areas[i], &a, &s->err))
            return -1;
    return 0;
}

static int setup_devices(db_conn *c, void *arg)
{
    struct setup *s = arg;
    actor cli = ACTOR_CLI;
    area compound;
    if (area_get(c, "BD-C", &compound) != DB_ROW)
        return -1;
    for (int i = s->from; i < s->to; i++) {
        char room[16], code[16], token[FX_TOKEN_LEN], hash[FX_SHA256_HEX], mh[FX_MQTT_HASH_LEN];
        snprintf(room, sizeof room, "%d", i);
        snprintf(code, sizeof code, "S%06d", i);
        household h;
        bool created;
        if (household_ensure(c, &cli, compound.id, room, "", &h, &created, &s->err))
            return -1;
        if (i % ISOLATED_EVERY == 0) {
            /* a resident in home isolation: this door's openings raise alarms */
            person_input in = PERSON_INPUT_NONE;
            char name[32], idn[24];
            snprintf(name, sizeof name, "隔离%d", i);
            id_number(i / ISOLATED_EVERY, idn);
            in.name = name;
            in.id_number = idn;
            in.household_id = h.id;
            person p;
            if (person_create(c, &cli, &in, &p, &s->err))
                return -1;
            iso_input ii = {.person_id = p.id, .type = "home_isolation", .reason = "close_contact"};
            isolation iso;
            if (iso_create(c, &cli, &ii, &iso, &s->err))
                return -1;
        }
        device d;
        if (fx_token_new('d', token) || fx_mqtt_password_hash(token, mh))
            return -1;
        fx_sha256_hex(token, strlen(token), hash);
        if (device_create(c, &cli, code, h.id, hash, mh, &d, &s->err))
            return -1;
        fprintf(s->out, "%s %s\n", code, token);
    }
    return 0;
}

static int cmd_setup(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    char err[256];
    db *d = db_open(argv[2], NULL, err, sizeof err);
    int applied, n = atoi(argv[3]);
    struct setup s = {.out = fopen(argv[4], "w")};
    if (!d || !s.out || db_migrate(d, &applied, err, sizeof err) || db_write(d, setup_areas, &s)) {
        fprintf(stderr, "setup: %s %s\n", err, s.err.msg);
        return 1;
    }
    for (int i = 0; i < n; i += 1000) {
        s.from = i;
        s.to = i + 1000 < n ? i + 1000 : n;
        if (db_write(d, setup_devices, &s)) {
            fprintf(stderr, "setup: %s\n", s.err.msg);
            return 1;
        }
    }
    fclose(s.out);
    db_close(d);
    return 0;
}

/* ---- HTTP ---- */
struct http_thread {
    int port, idx, conns;
    long run; /* in every event id: runs never repeat one another's ids */
    double seconds, rate; /* rate: this connection's events/s, 0: as fast as answered */
    long sent, ok, bad, opens, alarms;
    double *lat, *alat;
    int nlat, nalat, cap;
};

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One request and its whole answer on a keep-alive connection; the status, or -1. */
static int roundtrip(int fd, const char *req, size_t len, char *buf, size_t cap)
{
    if (write(fd, req, len) != (ssize_t)len)
        return -1;
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        char *cl = strcasestr(buf, "content-length:");
        if (end && cl && got >= (size_t)(end + 4 - buf) + (size_t)atol(cl + 15))
            return atoi(buf + 9);
        if (got >= cap - 1)
            return -1;
    }
}

static void *http_main(void *arg)
{
    struct http_thread *t = arg;
    int fd = connect_to(t->port);
    char req[1024], body[300], buf[8192];
    double start = mono(), next = start;
    long k = 0;
    while (fd >= 0 && mono() - start < t->seconds) {
        int dev = (int)((t->idx + k * t->conns) % ndev);
        bool open = t->rate > 0 && k % ISOLATED_EVERY == 0;
        if (open) /* an isolated household's device */
            dev = (int)(((t->idx + k * t->conns) / ISOLATED_EVERY * ISOLATED_EVERY) % ndev);
        snprintf(body, sizeof body, "{\"events\":[{\"id\":\"h%ld-%d-%ld\",\"device\":\"%s\",\"type\":\"%s\",\"at\":%ld}]}",
                 t->run, t->idx, k, codes[dev], open ? "open" : "heartbeat", (long)time(NULL));
        int len = snprintf(req, sizeof req,
                           "POST /api/v1/devices/events HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer %s\r\n"
                           "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                           tokens[dev], strlen(body), body);
        if (t->rate > 0) {
            next = start + (double)k / t->rate;
            sleep_until(next);
        } else {
            next = mono();
        }
        k++;
        t->sent++;
        int st = roundtrip(fd, req, (size_t)len, buf, sizeof buf);
        double l = mono() - next; /* from when it was due: a late send counts against us */
        if (st == 200 && strstr(buf, "\"status\":\"ok\"")) {
            t->ok++;
            if (t->nlat < t->cap)
                t->lat[t->nlat++] = l;
            if (open) {
                t->opens++;
                if (strstr(buf, "\"alarm\"")) {
                    t->alarms++;
                    if (t->nalat < t->cap)
                        t->alat[t->nalat++] = l;
                }
            }
        } else {
            t->bad++;
            if (st < 0) {
                close(fd);
                fd = connect_to(t->port);
            }
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int cmd_http(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    load_tokens(argv[3]);
    int conns = atoi(argv[5]);
    double secs = atof(argv[4]), rate = atof(argv[6]);
    struct http_thread *t = calloc((size_t)conns, sizeof *t);
    pthread_t *th = calloc((size_t)conns, sizeof *th);
    for (int i = 0; i < conns; i++) {
        t[i] = (struct http_thread){.port = atoi(argv[2]), .idx = i, .conns = conns, .seconds = secs, .run = (long)time(NULL),
                                    .rate = rate / conns, .cap = 1 << 20};
        t[i].lat = malloc(sizeof(double) * (size_t)t[i].cap);
        t[i].alat = malloc(sizeof(double) * (size_t)t[i].cap);
        pthread_create(&th[i], NULL, http_main, &t[i]);
    }
    long sent = 0, ok = 0, bad = 0, opens = 0, alarms = 0;
    int nl = 0, na = 0;
    double *lat = malloc(sizeof(double) * (size_t)conns * (1 << 20) / 16), *alat = malloc(sizeof(double) * 200000);
    for (int i = 0; i < conns; i++) {
        pthread_join(th[i], NULL);
        sent += t[i].sent, ok += t[i].ok, bad += t[i].bad, opens += t[i].opens, alarms += t[i].alarms;
        for (int j = 0; j < t[i].nlat && nl < conns * (1 << 20) / 16; j++)
            lat[nl++] = t[i].lat[j];
        for (int j = 0; j < t[i].nalat && na < 200000; j++)
            alat[na++] = t[i].alat[j];
    }
    printf("http events_per_s=%.0f ok=%ld bad=%ld p50_ms=%.2f p99_ms=%.2f opens=%ld alarms=%ld alarm_p50_ms=%.2f "
           "alarm_p99_ms=%.2f\n",
           (double)ok / secs, ok, bad, pct(lat, nl, 0.5), pct(lat, nl, 0.99), opens, alarms, pct(alat, na, 0.5),
           pct(alat, na, 0.99));
    return 0;
}

/* ---- MQTT ---- */
static long count_stored(sqlite3 *sq, const char *sql)
{
    sqlite3_stmt *s;
    long n = -1;
    if (sqlite3_prepare_v2(sq, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static struct mosquitto *pub_client(int port, int dev)
{
    char id[40];
    snprintf(id, sizeof id, "bench-%s", codes[dev]);
    struct mosquitto *m = mosquitto_new(id, true, NULL);
    mosquitto_username_pw_set(m, codes[dev], tokens[dev]);
    mosquitto_max_inflight_messages_set(m, 0);
    if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "mqtt: %s cannot connect\n", codes[dev]);
        exit(1);
    }
    mosquitto_loop_start(m);
    return m;
}

static void publish(struct mosquitto *m, int dev, const char *id, const char *type)
{
    char topic[64], payload[200];
    snprintf(topic, sizeof topic, "fangxian/devices/%s/events", codes[dev]);
    int n = snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"%s\",\"device\":\"%s\",\"type\":\"%s\",\"at\":%ld}]}",
                     id, codes[dev], type, (long)time(NULL));
    while (mosquitto_publish(m, NULL, topic, n, payload, 1, false) == MOSQ_ERR_NOMEM)
        usleep(1000);
}

struct pub_thread {
    struct mosquitto *m;
    int dev, idx, count;
    double rate;
    const char *run;
};

static void *pub_main(void *arg)
{
    struct pub_thread *p = arg;
    char id[48];
    double start = mono();
    for (int k = 0; k < p->count; k++) {
        if (p->rate > 0)
            sleep_until(start + k / p->rate);
        snprintf(id, sizeof id, "%s%d-%d", p->run, p->idx, k);
        publish(p->m, p->dev, id, "heartbeat");
    }
    return NULL;
}

static _Atomic long received;
static void count_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
    (void)m, (void)arg, (void)msg;
    received++;
}

/* PUBS clients publishing count heartbeats in all; returns when all are handed to libmosquitto. */
static double run_publishers(int pubs, int count, double rate, const char *run, struct mosquitto **ms)
{
    struct pub_thread *p = calloc((size_t)pubs, sizeof *p);
    pthread_t *th = calloc((size_t)pubs, sizeof *th);
    double t0 = mono();
    for (int i = 0; i < pubs; i++) {
        /* publishers are devices of households not in isolation: heartbeats raise nothing */
        p[i] = (struct pub_thread){.m = ms[i], .dev = i * ISOLATED_EVERY + 1, .idx = i, .count = count / pubs,
                                   .rate = rate / pubs, .run = run};
        pthread_create(&th[i], NULL, pub_main, &p[i]);
    }
    for (int i = 0; i < pubs; i++)
        pthread_join(th[i], NULL);
    free(p);
    free(th);
    return t0;
}

static struct mosquitto **connect_publishers(int port, int pubs)
{
    struct mosquitto **ms = calloc((size_t)pubs, sizeof *ms);
    for (int i = 0; i < pubs; i++)
        ms[i] = pub_client(port, i * ISOLATED_EVERY + 1);
    return ms;
}

static void close_publishers(struct mosquitto **ms, int pubs)
{
    for (int i = 0; i < pubs; i++) {
        mosquitto_disconnect(ms[i]);
        mosquitto_loop_stop(ms[i], false);
        mosquitto_destroy(ms[i]);
    }
    free(ms);
}

static int cmd_mqtt(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    int port = atoi(argv[2]), count = atoi(argv[5]), pubs = atoi(argv[6]);
    load_tokens(argv[3]);
    sqlite3 *sq;
    if (sqlite3_open_v2(argv[4], &sq, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    sqlite3_busy_timeout(sq, 5000);
    mosquitto_lib_init();
    const char *q = "SELECT COUNT(*) FROM device_events WHERE via = 'mqtt'";
    long before = count_stored(sq, q);
    struct mosquitto **ms = connect_publishers(port, pubs);
    char run[16];
    snprintf(run, sizeof run, "q%ld-", (long)time(NULL) % 100000);
    double t0 = run_publishers(pubs, count, 0, run, ms);
    long want = before + count / pubs * pubs, n = before;
    double last = mono();
    while (n < want && mono() - last < 30) {
        usleep(10000);
        long m = count_stored(sq, q);
        if (m > n)
            last = mono();
        n = m;
    }
    double t = (n >= want ? mono() : last) - t0;
    printf("mqtt stored=%ld of=%ld seconds=%.2f events_per_s=%.0f\n", n - before, want - before, t,
           (double)(n - before) / t);
    close_publishers(ms, pubs);
    sqlite3_close(sq);
    mosquitto_lib_cleanup();
    return 0;
}

static int cmd_mqtt_ref(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    int port = atoi(argv[2]), count = atoi(argv[4]), pubs = atoi(argv[5]);
    load_tokens(argv[3]);
    mosquitto_lib_init();
    struct mosquitto *sub = mosquitto_new("bench-ref-sub", true, NULL);
    mosquitto_username_pw_set(sub, "fangxian", argv[6]);
    mosquitto_message_callback_set(sub, count_message);
    if (mosquitto_connect(sub, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS)
        return 1;
    mosquitto_subscribe(sub, NULL, "fangxian/devices/+/events", 1);
    mosquitto_loop_start(sub);
    usleep(300000);
    struct mosquitto **ms = connect_publishers(port, pubs);
    double t0 = run_publishers(pubs, count, 0, "r", ms);
    long want = count / pubs * pubs;
    double last = mono();
    long n = 0;
    while (received < want && mono() - last < 10) {
        usleep(2000);
        if (received > n)
            last = mono(), n = received;
    }
    double t = (received >= want ? mono() : last) - t0;
    printf("mqtt-ref received=%ld of=%ld seconds=%.2f events_per_s=%.0f\n", (long)received, want, t,
           (double)received / t);
    close_publishers(ms, pubs);
    mosquitto_disconnect(sub);
    mosquitto_loop_stop(sub, false);
    mosquitto_destroy(sub);
    mosquitto_lib_cleanup();
    return 0;
}

struct bg {
    int port, count;
    double rate;
    struct mosquitto **ms;
    int pubs;
};

static void *background(void *arg)
{
    struct bg *b = arg;
    run_publishers(b->pubs, b->count, b->rate, "g", b->ms);
    return NULL;
}

static int cmd_mqtt_alarm(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    int port = atoi(argv[2]);
    double rate = atof(argv[5]), secs = atof(argv[6]);
    load_tokens(argv[3]);
    sqlite3 *sq;
    if (sqlite3_open_v2(argv[4], &sq, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    sqlite3_busy_timeout(sq, 5000);
    mosquitto_lib_init();
    int pubs = 8;
    struct bg b = {.port = port, .rate = rate, .count = (int)(rate * secs), .pubs = pubs,
                   .ms = connect_publishers(port, pubs)};
    pthread_t th;
    pthread_create(&th, NULL, background, &b);
    struct mosquitto *op = pub_client(port, 0); /* device 0: an isolated household */
    sqlite3_stmt *s;
    sqlite3_prepare_v2(sq, "SELECT COUNT(*) FROM alarms a JOIN device_events e ON e.id = a.event_id"
                           " WHERE e.device_id = (SELECT id FROM devices WHERE code = ?1) AND e.event_key = ?2",
                       -1, &s, NULL);
    int n = (int)(secs * 20);
    double *lat = malloc(sizeof(double) * (size_t)n);
    int got = 0;
    double start = mono();
    for (int k = 0; k < n; k++) {
        sleep_until(start + k * 0.05);
        char id[48], key[64];
        snprintf(id, sizeof id, "o%ld-%d", (long)time(NULL) % 100000, k);
        snprintf(key, sizeof key, "i:%s", id);
        double t0 = mono();
        publish(op, 0, id, "open");
        /* poll the committed state until the alarm is there (at most 5 s) */
        for (;;) {
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, codes[0], -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0) {
                lat[got++] = mono() - t0;
                break;
            }
            if (mono() - t0 > 5)
                break;
            usleep(200);
        }
    }
    pthread_join(th, NULL);
    printf("mqtt-alarm background_per_s=%.0f opens=%d alarms=%d alarm_p50_ms=%.2f alarm_p99_ms=%.2f\n", rate, n, got,
           pct(lat, got, 0.5), pct(lat, got, 0.99));
    sqlite3_finalize(s);
    sqlite3_close(sq);
    close_publishers(b.ms, pubs);
    mosquitto_disconnect(op);
    mosquitto_loop_stop(op, false);
    mosquitto_destroy(op);
    mosquitto_lib_cleanup();
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    int rc = strcmp(cmd, "setup") == 0       ? cmd_setup(argc, argv)
             : strcmp(cmd, "http") == 0      ? cmd_http(argc, argv)
             : strcmp(cmd, "mqtt") == 0      ? cmd_mqtt(argc, argv)
             : strcmp(cmd, "mqtt-ref") == 0  ? cmd_mqtt_ref(argc, argv)
             : strcmp(cmd, "mqtt-alarm") == 0 ? cmd_mqtt_alarm(argc, argv)
                                              : 2;
    if (rc == 2)
        fprintf(stderr, "usage: see the comment at the top of bench/sensors.c\n");
    return rc;
}
