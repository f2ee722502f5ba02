/* fuzz_request.c — libFuzzer target for the whole request path below the socket:
 * a text request → router_match → router_dispatch (authenticate, permission,
 * CSRF, JSON parse, handler) → core → SQLite through the writer → router_finish.
 * Bodies of ROUTE_SPOOL routes (uploads) arrive in an unnamed file, as from
 * server.c.
 *
 * Input format (all parts optional after the request line):
 *
 *   S METHOD PATH[?query]
 *   Name: value            Authorization, Cookie, Content-Type, X-CSRF-Token,
 *   Name: value            Accept-Encoding, If-None-Match; others are ignored
 *                          (an empty line ends the headers)
 *   body…
 *
 * S picks who sends it (a space after it is optional):
 *   A  admin (no area), Bearer token      O  officer of sub-district S1, Bearer
 *   S  admin bound to S1, Bearer token    D  device API token (area C1)
 *   R  registrar of C1 (sees persons only masked, by lookup)
 *   C  admin by session cookie + CSRF     K  officer by cookie, without CSRF
 *   anything else: anonymous
 * A header the input gives itself wins over the injected one.
 *
 * After each request (and any import it started) the harness checks what must
 * hold whatever the input:
 *   - the status is 200..599 and a deferred write always has a job and a finish;
 *   - every error (status >= 400) is {"error":{"code":"…","message":"…"}}, and
 *     every other /api/ answer is JSON unless it is a download (CSV, XLSX);
 *   - a role that may not see personal data gets persons only masked;
 *   - a principal bound to an area never sees or changes an area, a user, a
 *     token, audit entry, person, household, merchant or import outside it
 *     (docs/api.md, "Scope"); a lookup by personal code or ID number is the
 *     one designed exception.
 * A broken invariant prints the request and the answer and aborts.
 *
 * State: one database for the whole run, in a temp directory (on /dev/shm when
 * there is one, so the writer's fsyncs are cheap). It is rebuilt from scratch
 * after FUZZ_RESET_WRITES committed writes (so it stays small), after
 * FUZZ_RESET_IMPORTS imports (each import thread leaves a reader connection
 * open until the store is closed, and there may be 256), and whenever an
 * input has ended one of the fuzzer's own sessions (logout, password change,
 * disabling), so later inputs still act as admin and officer. Login throttles
 * are renewed every 64 inputs so the login path is not stuck at 429. A crash
 * leaves its directory behind (fangxian-fuzz-PID-…); the next run removes the
 * directories of processes that are gone.
 *
 * argon2 is replaced by a cheap stand-in (below) unless FUZZ_REAL_ARGON2=1: the
 * real one spends ~20 MiB and tens of milliseconds per login or user write.
 *
 * FUZZ_VERBOSE=1 prints each request and its answer. FUZZ_KNOWN=id,id… lets the
 * named invariants (the ids in brackets in a report) pass, to look past a known
 * bug until it is fixed. */
#include "cli/cli.h"
#include "core/account.h"
#include "core/area.h"
#include "core/person.h"
#include "http/router.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_id.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <argon2.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_MAX_INPUT (64 * 1024)
#define FUZZ_RESET_WRITES 1000
#define THROTTLE_EVERY 64
#define FUZZ_RESET_IMPORTS 100 /* each import thread keeps a reader connection (at most 256) */
#define PASSWORD "fuzz-password-1"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- argon2 stand-in ---------------------------------------------------- */

typedef int (*hash_fn)(uint32_t, uint32_t, uint32_t, const void *, size_t, const void *, size_t, size_t, char *,
                       size_t);
typedef int (*verify_fn)(const char *, const void *, size_t);

static void *real_argon2(const char *name)
{
    if (!getenv("FUZZ_REAL_ARGON2") || strcmp(getenv("FUZZ_REAL_ARGON2"), "1") != 0)
        return NULL;
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        void *h = dlopen("libargon2.so.1", RTLD_NOW | RTLD_LOCAL);
        f = h ? dlsym(h, name) : NULL;
    }
    return f;
}

/* "$fuzz$<sha256(password)>": same interface and failure modes, no cost. */
int argon2id_hash_encoded(const uint32_t t_cost, const uint32_t m_cost, const uint32_t parallelism, const void *pwd,
                          const size_t pwdlen, const void *salt, const size_t saltlen, const size_t hashlen,
                          char *encoded, const size_t encodedlen)
{
    static hash_fn real;
    static int looked;
    if (!looked++)
        real = (hash_fn)real_argon2("argon2id_hash_encoded");
    if (real)
        return real(t_cost, m_cost, parallelism, pwd, pwdlen, salt, saltlen, hashlen, encoded, encodedlen);
    char hex[FX_SHA256_HEX];
    fx_sha256_hex(pwd, pwdlen, hex);
    if (encodedlen < 6 + sizeof hex)
        return ARGON2_ENCODING_FAIL;
    memcpy(encoded, "$fuzz$", 6);
    memcpy(encoded + 6, hex, sizeof hex);
    return ARGON2_OK;
}

int argon2id_verify(const char *encoded, const void *pwd, const size_t pwdlen)
{
    static verify_fn real;
    static int looked;
    if (!looked++)
        real = (verify_fn)real_argon2("argon2id_verify");
    if (real)
        return real(encoded, pwd, pwdlen);
    if (!encoded || strncmp(encoded, "$argon2id$", 10) == 0) /* the dummy hash for unknown users */
        return ARGON2_VERIFY_MISMATCH;
    if (strncmp(encoded, "$fuzz$", 6) != 0)
        return ARGON2_DECODING_FAIL;
    char hex[FX_SHA256_HEX];
    fx_sha256_hex(pwd, pwdlen, hex);
    return strcmp(encoded + 6, hex) == 0 ? ARGON2_OK : ARGON2_VERIFY_MISMATCH;
}

/* ---- the world: one app, a small area tree, principals ---------------------- */

struct cred {
    char token[FX_TOKEN_LEN];
    char hash[FX_SHA256_HEX];
    char csrf[33];
    enum fx_role role;
};

static http_app app = {.cfg = HTTP_CONFIG_DEFAULT};
static char dir[256], db_file[300];
static struct cred admin, subadmin, officer, registrar, device;
static unsigned long writes, imports, inputs, rebuilds;
static bool verbose;
static const char *known_ids; /* FUZZ_KNOWN */

static void cleanup_dir(void);

static void die(const char *what)
{
    fprintf(stderr, "fuzz_request: %s\n", what);
    cleanup_dir();
    abort();
}

static void new_cred(struct cred *c, char kind, enum fx_role role)
{
    if (fx_token_new(kind, c->token) != 0)
        die("cannot make a token");
    fx_sha256_hex(c->token, strlen(c->token), c->hash);
    router_csrf_for(c->token, c->csrf);
    c->role = role;
}

struct seed {
    char pwhash[FX_PWHASH_LEN];
    fx_err err;
    const char *step;
};

static int seed_area(db_conn *c, struct seed *s, const char *code, const char *name, const char *kind,
                     const char *parent, const char *risk)
{
    const actor cli = ACTOR_CLI;
    area_input in = {.code = code, .name = name, .kind = kind, .parent = parent, .risk_level = risk};
    area out;
    s->step = code;
    return area_create(c, &cli, &in, &out, &s->err);
}

static int seed_user(db_conn *c, struct seed *s, const char *name, const char *role, const char *area_code,
                     const struct cred *cr)
{
    const actor cli = ACTOR_CLI;
    user_input in = {.username = name, .display_name = "Fuzz 测试", .role = role, .area = area_code,
                     .password_hash = s->pwhash, .disabled = 0, .counsellor = 0};
    user u;
    s->step = name;
    int rc = user_create(c, &cli, &in, &u, &s->err);
    if (rc < 0 || !cr)
        return rc;
    audit_actor log = {.kind = "user", .id = u.id, .name = u.username, .ip = "127.0.0.1", .request_id = "seed"};
    int64_t sid;
    return session_create(c, &log, u.id, u.username, cr->hash, fx_now() + 10 * 365 * 86400LL, &sid);
}

static int seed_person(db_conn *c, struct seed *s, const char *name, const char *id_number, const char *area_code,
                       const char *room, const char *phone)
{
    const actor cli = ACTOR_CLI;
    person_input in = PERSON_INPUT_NONE;
    in.name = name;
    in.id_number = id_number;
    in.area = area_code;
    in.room = room;
    in.address = room ? NULL : "西二路 8 号";
    in.phone = phone;
    person out;
    s->step = id_number;
    return person_create(c, &cli, &in, &out, &s->err);
}

/* The tree: D1 district ─ S1 subdistrict (the officer's) ─ C1 community ─ W1
 * workstation ─ P1 compound ─ B1 building ─ U1 unit, and outside the
 * officer's scope S2 ─ C2 under D1, and a second district D2. Users: fzadmin
 * (system), fzsubadmin (admin of S1), fzofficer (S1), fzregistrar (C1),
 * fzstaff (C2). Tokens: fzdevice (C1), fzlab (C2), fzpartner (no area).
 * Persons: two in U1 (rooms 101, 102), one in C2 (by address). */
static int seed_job(db_conn *c, void *arg)
{
    struct seed *s = arg;
    const actor cli = ACTOR_CLI;
    api_token tok;
    int rc = 0;
    if ((rc = seed_area(c, s, "D1", "东区", "district", NULL, NULL)) < 0 ||
        (rc = seed_area(c, s, "S1", "东一街道", "subdistrict", "D1", NULL)) < 0 ||
        (rc = seed_area(c, s, "C1", "东一社区", "community", "S1", "precaution")) < 0 ||
        (rc = seed_area(c, s, "W1", "东一工作站", "workstation", "C1", NULL)) < 0 ||
        (rc = seed_area(c, s, "P1", "幸福小区", "compound", "W1", NULL)) < 0 ||
        (rc = seed_area(c, s, "B1", "1号楼", "building", "P1", NULL)) < 0 ||
        (rc = seed_area(c, s, "U1", "1单元", "unit", "B1", NULL)) < 0 ||
        (rc = seed_area(c, s, "S2", "西二街道", "subdistrict", "D1", NULL)) < 0 ||
        (rc = seed_area(c, s, "C2", "西二社区", "community", "S2", "controlled")) < 0 ||
        (rc = seed_area(c, s, "D2", "北区", "district", NULL, NULL)) < 0)
        return rc;
    if ((rc = seed_user(c, s, "fzadmin", "admin", NULL, &admin)) < 0 ||
        (rc = seed_user(c, s, "fzsubadmin", "admin", "S1", &subadmin)) < 0 ||
        (rc = seed_user(c, s, "fzofficer", "officer", "S1", &officer)) < 0 ||
        (rc = seed_user(c, s, "fzregistrar", "registrar", "C1", &registrar)) < 0 ||
        (rc = seed_user(c, s, "fzstaff", "staff", "C2", NULL)) < 0)
        return rc;
    if ((rc = seed_person(c, s, "张三", "410105198001010017", "U1", "101", "13800138000")) < 0 ||
        (rc = seed_person(c, s, "李四", "410105199002020027", "U1", "102", NULL)) < 0 ||
        (rc = seed_person(c, s, "王五", "410105200003030038", "C2", NULL, "13900139000")) < 0)
        return rc;
    char other[FX_SHA256_HEX];
    s->step = "tokens";
    fx_sha256_hex("fzlab", 5, other);
    if ((rc = token_create(c, &cli, "fzdevice", "device", "C1", device.hash, &tok, &s->err)) < 0 ||
        (rc = token_create(c, &cli, "fzlab", "lab", "C2", other, &tok, &s->err)) < 0)
        return rc;
    fx_sha256_hex("fzpartner", 9, other);
    return token_create(c, &cli, "fzpartner", "partner", NULL, other, &tok, &s->err);
}

static void remove_db_files(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[340];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", db_file, suffix[i]);
        unlink(p);
    }
}

/* Imports run on their own threads: let them finish before anything else. */
static void wait_background(void)
{
    while (app.background > 0)
        usleep(200);
}

static void world_build(void)
{
    wait_background();
    if (app.db) {
        db_close(app.db);
        remove_db_files();
    }
    throttle_free(app.login_user);
    throttle_free(app.login_ip);
    app.login_user = throttle_new(app.cfg.login_max_user, app.cfg.login_window_s);
    app.login_ip = throttle_new(app.cfg.login_max_ip, app.cfg.login_window_s);
    app.db = cli_open_db(db_file, NULL);
    if (!app.db || !app.login_user || !app.login_ip)
        die("cannot open the database");
    new_cred(&admin, 's', ROLE_ADMIN);
    new_cred(&subadmin, 's', ROLE_ADMIN);
    new_cred(&officer, 's', ROLE_OFFICER);
    new_cred(&registrar, 's', ROLE_REGISTRAR);
    new_cred(&device, 'd', ROLE_DEVICE);
    struct seed s = {0};
    if (fx_password_hash(PASSWORD, s.pwhash) != 0)
        die("cannot hash the password");
    int rc = db_write(app.db, seed_job, &s);
    if (rc < 0) {
        fprintf(stderr, "fuzz_request: seeding failed at %s (%d): %s %s\n", s.step ? s.step : "?", rc, s.err.code,
                s.err.msg);
        abort();
    }
    writes = imports = 0;
    rebuilds++;
}

/* true when cr still authenticates with its role (an input may have logged it
 * out, disabled it, changed its role or password, or revoked the token). */
static bool cred_alive(db_conn *c, const struct cred *cr)
{
    principal p;
    int rc = cr->token[2] == 's' ? session_lookup(c, cr->hash, fx_now(), &p) : token_lookup(c, cr->hash, &p);
    return rc == DB_ROW && p.role == cr->role;
}

static void world_check(void)
{
    db_conn *c = db_reader(app.db);
    if (writes >= FUZZ_RESET_WRITES || imports >= FUZZ_RESET_IMPORTS || !c || !cred_alive(c, &admin) || !cred_alive(c, &subadmin) ||
        !cred_alive(c, &officer) || !cred_alive(c, &registrar) || !cred_alive(c, &device))
        world_build();
    if (inputs++ % THROTTLE_EVERY == 0) {
        throttle_free(app.login_user);
        throttle_free(app.login_ip);
        app.login_user = throttle_new(app.cfg.login_max_user, app.cfg.login_window_s);
        app.login_ip = throttle_new(app.cfg.login_max_ip, app.cfg.login_window_s);
    }
}

static void cleanup_dir(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    if (verbose || getenv("FUZZ_STATS"))
        fprintf(stderr, "fuzz_request: %lu inputs, %lu database rebuilds\n", inputs, rebuilds);
    if (!dir[0])
        return;
    remove_db_files();
    rmdir(dir);
}

/* Directories left by runs that crashed (a sanitizer report ends the process
 * without atexit): fangxian-fuzz-PID-… whose process is gone. */
static void remove_stale(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char *end;
        long pid = strncmp(e->d_name, "fangxian-fuzz-", 14) == 0 ? strtol(e->d_name + 14, &end, 10) : 0;
        if (pid <= 0 || *end != '-' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        static const char *const files[] = {"fuzz.db", "fuzz.db-wal", "fuzz.db-shm", "fuzz.db-journal"};
        char p[512];
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            snprintf(p, sizeof p, "%s/%s/%s", tmp, e->d_name, files[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
        rmdir(p);
    }
    if (d)
        closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    known_ids = getenv("FUZZ_KNOWN");
    fx_log_set_level(verbose ? FX_LOG_DEBUG : FX_LOG_ERROR);
    fx_tz_set("Asia/Shanghai");
    struct stat st;
    const char *tmp = getenv("TMPDIR");
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        tmp = "/dev/shm";
    tmp = tmp && *tmp ? tmp : "/tmp";
    remove_stale(tmp);
    snprintf(dir, sizeof dir, "%s/fangxian-fuzz-%ld-XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(dir))
        die("mkdtemp failed");
    snprintf(db_file, sizeof db_file, "%s/fuzz.db", dir);
    atexit(cleanup_dir);
    char err[256];
    if (router_init(&app, err, sizeof err) != 0)
        die(err);
    sem_init(&app.login_slots, 0, (unsigned)app.cfg.login_concurrency);
    world_build();
    return 0;
}

/* ---- parsing the input ----------------------------------------------------- */

/* A NUL-terminated, exactly sized heap copy, so ASan sees reads past its end. */
static char *dup_n(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        die("out of memory");
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

struct parsed {
    char *method, *path, *query, *body;
    size_t body_len;
    char *hdr[8]; /* owned header values */
    int nhdr;
    bool nul_in_header, too_many_params;
};

static void parsed_free(struct parsed *p)
{
    free(p->method);
    free(p->path);
    free(p->query);
    free(p->body);
    for (int i = 0; i < p->nhdr; i++)
        free(p->hdr[i]);
}

/* Returns the index just past the line starting at i; *end is the line's end without "\r\n". */
static size_t line_at(const uint8_t *d, size_t n, size_t i, size_t *end)
{
    size_t j = i;
    while (j < n && d[j] != '\n')
        j++;
    *end = j > i && d[j - 1] == '\r' ? j - 1 : j;
    return j < n ? j + 1 : j;
}

static const char *keep_hdr(struct parsed *p, const uint8_t *v, size_t n)
{
    if (p->nhdr >= (int)(sizeof p->hdr / sizeof *p->hdr))
        return NULL;
    if (memchr(v, '\0', n))
        p->nul_in_header = true; /* the server answers 400 for this */
    p->hdr[p->nhdr] = dup_n(v, n);
    return p->hdr[p->nhdr++];
}

static void parse(const uint8_t *d, size_t n, struct parsed *p, http_req *r)
{
    size_t i = 0, end;
    if (i < n && d[i] == ' ')
        i++;
    size_t next = line_at(d, n, i, &end);
    /* METHOD SP TARGET [SP anything] */
    size_t sp = i;
    while (sp < end && d[sp] != ' ')
        sp++;
    p->method = dup_n(d + i, sp - i);
    size_t t = sp < end ? sp + 1 : end, te = t;
    while (te < end && d[te] != ' ')
        te++;
    size_t q = t;
    while (q < te && d[q] != '?')
        q++;
    p->path = dup_n(d + t, q - t); /* a NUL cuts it, as in the server's C string */
    p->query = q < te ? dup_n(d + q + 1, te - q - 1) : NULL;

    for (i = next; i < n;) {
        next = line_at(d, n, i, &end);
        if (end == i) { /* the empty line */
            i = next;
            break;
        }
        size_t colon = i;
        while (colon < end && d[colon] != ':')
            colon++;
        size_t v = colon < end ? colon + 1 : end;
        while (v < end && (d[v] == ' ' || d[v] == '\t'))
            v++;
        size_t klen = colon - i;
        if (memchr(d + i, '\0', klen))
            p->nul_in_header = true;
        const char *key = (const char *)d + i;
#define IS(name) (klen == sizeof name - 1 && strncasecmp(key, name, klen) == 0)
        const char **slot = IS("Authorization")     ? &r->authorization
                            : IS("Cookie")          ? &r->cookie
                            : IS("Content-Type")    ? &r->content_type
                            : IS("X-CSRF-Token")    ? &r->csrf_header
                            : IS("Accept-Encoding") ? &r->accept_encoding
                            : IS("If-None-Match")   ? &r->if_none_match
                                                    : NULL;
#undef IS
        if (slot)
            *slot = keep_hdr(p, d + v, end - v);
        else if (memchr(d + v, '\0', end - v))
            p->nul_in_header = true;
        i = next;
    }
    p->body_len = n - (i < n ? i : n);
    p->body = p->body_len ? dup_n(d + i, p->body_len) : NULL;

    /* name=value&…, like libmicrohttpd's argument list (without %-decoding). */
    for (char *s = p->query, *save = NULL; s; s = save) {
        save = strchr(s, '&');
        if (save)
            *save++ = '\0';
        if (!*s)
            continue;
        if (r->nquery >= HTTP_MAX_QUERY) {
            p->too_many_params = true;
            break;
        }
        char *eq = strchr(s, '=');
        if (eq)
            *eq++ = '\0';
        r->query[r->nquery].name = s;
        r->query[r->nquery].value = eq;
        r->nquery++;
    }
}

/* A ROUTE_SPOOL body as server.c hands it over: an unnamed file at offset 0. */
static int spool_body(const char *body, size_t len)
{
    int fd = memfd_create("fuzz-upload", MFD_CLOEXEC);
    if (fd < 0)
        die("memfd_create failed");
    for (size_t off = 0; off < len;) {
        ssize_t k = write(fd, body + off, len - off);
        if (k <= 0)
            die("cannot write the upload");
        off += (size_t)k;
    }
    if (lseek(fd, 0, SEEK_SET) != 0)
        die("lseek failed");
    return fd;
}

/* ---- invariants ------------------------------------------------------------ */

/* Prints the request and the answer and aborts; returns (false) only when id
 * is listed in FUZZ_KNOWN. */
static bool report(const http_req *r, const char *id, const char *what)
{
    size_t n = strlen(id);
    for (const char *k = known_ids; k && *k; k += strcspn(k, ","), k += *k == ',')
        if (strncmp(k, id, n) == 0 && (k[n] == ',' || k[n] == '\0'))
            return false;
    fprintf(stderr, "\n==== fuzz_request invariant broken [%s]: %s\n", id, what);
    fprintf(stderr, "request: %s %s (as %s \"%s\", area %lld)\n", r->method, r->path, perm_role_name(r->who.role),
            r->who.name, (long long)r->who.area_id);
    fprintf(stderr, "status %d, body %zu bytes: %.*s\n", r->status, r->resp_len, (int)(r->resp_len > 2000 ? 2000 : r->resp_len),
            r->resp ? r->resp : "(none)");
    cleanup_dir();
    abort();
}

static void check_error_envelope(const http_req *r, json_t *j)
{
    json_t *e = json_object_get(j, "error");
    if (!json_is_object(e) || !json_is_string(json_object_get(e, "code")) ||
        !json_is_string(json_object_get(e, "message")))
        report(r, "envelope", "an error answer without error.code and error.message strings");
    else if (!*json_string_value(json_object_get(e, "code")))
        report(r, "envelope", "an empty error.code");
}

/* ---- scope: what a principal bound to an area may see and change ---------- */

static bool path_in_scope(const http_req *r, int rc, const char *path)
{
    return rc != DB_ROW || perm_in_scope(&r->who, path); /* gone: nothing to leak */
}

static bool area_in_scope(db_conn *c, const http_req *r, const char *code)
{
    area a;
    if (!code)
        return perm_in_scope(&r->who, NULL); /* no area: the whole system */
    return path_in_scope(r, area_get(c, code, &a), a.path);
}

static bool user_in_scope(db_conn *c, const http_req *r, const char *username)
{
    user u;
    if (!username || user_get(c, username, &u, NULL) != DB_ROW)
        return true;
    return perm_in_scope(&r->who, u.area_id ? u.area_path : NULL);
}

static bool token_in_scope(db_conn *c, const http_req *r, const char *name)
{
    api_token t[64];
    int64_t after = 0;
    int n;
    while (name && (n = token_list(c, NULL, after, t, 64)) > 0) {
        for (int i = 0; i < n; i++)
            if (strcmp(t[i].name, name) == 0)
                return area_in_scope(c, r, t[i].area_id ? t[i].area_code : NULL);
        after = t[n - 1].id;
    }
    return true;
}

static bool entity_in_scope(db_conn *c, const http_req *r, const char *entity, const char *id)
{
    long long n = 0;
    if (!entity || !id)
        return true;
    if (strcmp(entity, "area") == 0)
        return area_in_scope(c, r, id);
    if (strcmp(entity, "user") == 0)
        return user_in_scope(c, r, id);
    if (strcmp(entity, "token") == 0)
        return token_in_scope(c, r, id);
    if (!fx_parse_i64(id, &n))
        return true;
    if (strcmp(entity, "person") == 0) {
        person p;
        return path_in_scope(r, person_get(c, n, &p), p.area_path);
    }
    if (strcmp(entity, "household") == 0) {
        household h;
        return path_in_scope(r, household_get(c, n, &h), h.area_path);
    }
    return true;
}

static bool has_prefix(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Every area, user, token, audit entry and registry record (person, household,
 * merchant, contact, import: anything with an "area") in a 2xx answer to a
 * principal bound to an area lies inside that area; so does the target of a
 * 2xx token revocation. */
static void check_scope(const http_req *r, json_t *j)
{
    db_conn *c = db_reader(app.db);
    const char *pat = r->route->pattern;
    if (!c || !has_prefix(pat, "/api/") || has_prefix(pat, "/api/v1/persons/lookup"))
        return;
    bool areas = has_prefix(pat, "/api/v1/areas"), users = has_prefix(pat, "/api/v1/users"),
         tokens = has_prefix(pat, "/api/v1/tokens"), audit = has_prefix(pat, "/api/v1/audit");
    bool del = strcmp(r->method, "DELETE") == 0;
    if (del && tokens && !token_in_scope(c, r, r->param[0]))
        report(r, "scope-revoke", "a token outside the principal's scope was revoked");
    if (del)
        return;
    json_t *items = json_object_get(j, "items");
    size_t n = json_is_array(items) ? json_array_size(items) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_is_array(items) ? json_array_get(items, i) : j;
        const char *area_code = json_string_value(json_object_get(it, "area"));
        if (areas && !area_in_scope(c, r, json_string_value(json_object_get(it, "code"))))
            report(r, "scope-area", "an area outside the principal's scope in the answer");
        else if (users && !user_in_scope(c, r, json_string_value(json_object_get(it, "username"))))
            report(r, "scope-user", "a user outside the principal's scope in the answer");
        else if (tokens && !area_in_scope(c, r, area_code))
            report(r, "scope-token", "a token outside the principal's scope (or of the whole system) in the answer");
        else if (audit && !entity_in_scope(c, r, json_string_value(json_object_get(it, "entity")),
                                           json_string_value(json_object_get(it, "entity_id"))))
            report(r, "scope-audit", "an audit entry about something outside the principal's scope in the answer");
        else if (!areas && !users && !tokens && !audit && area_code && !area_in_scope(c, r, area_code))
            report(r, "scope-registry", "a registry record outside the principal's scope in the answer");
        json_t *members = json_object_get(it, "persons"); /* a household's members */
        for (size_t k = 0; k < json_array_size(members); k++) {
            const char *m = json_string_value(json_object_get(json_array_get(members, k), "area"));
            if (m && !area_in_scope(c, r, m))
                report(r, "scope-registry", "a household member outside the principal's scope in the answer");
        }
    }
}

/* A role that may not see personal data gets every person masked. */
static void check_masked(const http_req *r, json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        if (json_object_get(j, "id_number") &&
            (!json_is_true(json_object_get(j, "masked")) || json_object_get(j, "personal_code")))
            report(r, "mask", "a person unmasked for a role that may not see personal data");
        json_object_foreach(j, k, v)
            check_masked(r, v);
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            check_masked(r, v);
    }
}

static void check(const http_req *r)
{
    if (r->status < 200 || r->status > 599)
        report(r, "status", "status outside 200..599");
    bool api = strncmp(r->path, "/api/", 5) == 0;
    const char *ct = r->content_type_out;
    bool json_ct = ct && strncmp(ct, "application/json", 16) == 0;
    if (r->status < 400 && (!api || (ct && !json_ct))) {
        /* static files, /metrics, downloads: not JSON, but an answer */
        if (api && r->resp_fd < 0 && !r->resp)
            report(r, "empty-2xx", "a download without a body");
        return;
    }
    if (r->resp_fd >= 0 && !report(r, "file", "a file answer where JSON was due"))
        return;
    if (!r->resp) {
        if (r->status >= 400)
            report(r, "no-body", "an error answer without a body");
        else
            report(r, "empty-2xx", "a success answer without a body");
        return;
    }
    if (strlen(r->resp) != r->resp_len && !report(r, "resp-len", "resp_len does not match the body"))
        return;
    json_error_t e;
    json_t *j = json_loadb(r->resp, r->resp_len, 0, &e);
    if (!j) {
        report(r, "not-json", "the body is not JSON");
        return;
    }
    if (r->status >= 400) {
        check_error_envelope(r, j);
    } else {
        if (r->who.area_id && r->route)
            check_scope(r, j);
        if (!perm_allows(r->who.role, ACT_PERSON_UNMASK))
            check_masked(r, j);
    }
    json_decref(j);
}

/* ---- one input ------------------------------------------------------------- */

static const char *const client_methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 0;
    world_check();

    http_req r;
    memset(&r, 0, sizeof r);
    struct parsed p = {0};
    char auth[FX_TOKEN_LEN + 16], cookie[FX_TOKEN_LEN + 16];
    parse(data + 1, size - 1, &p, &r);
    const struct cred *as = NULL;
    bool by_cookie = false, csrf = false;
    switch (data[0]) {
    case 'A': as = &admin; break;
    case 'O': as = &officer; break;
    case 'S': as = &subadmin; break;
    case 'R': as = &registrar; break;
    case 'D': as = &device; break;
    case 'C': as = &admin, by_cookie = csrf = true; break;
    case 'K': as = &officer, by_cookie = true; break;
    default: break;
    }
    if (as && !by_cookie && !r.authorization) {
        snprintf(auth, sizeof auth, "Bearer %s", as->token);
        r.authorization = auth;
    }
    if (as && by_cookie && !r.cookie) {
        snprintf(cookie, sizeof cookie, "fx_session=%s", as->token);
        r.cookie = cookie;
    }
    if (csrf && !r.csrf_header)
        r.csrf_header = as->csrf;

    r.app = &app;
    r.method = p.method;
    r.path = p.path;
    r.resp_fd = -1;
    r.body_fd = -1;
    snprintf(r.ip, sizeof r.ip, "127.0.0.1");
    snprintf(r.request_id, sizeof r.request_id, "%llx", (unsigned long long)fx_id_next());

    /* What server.c refuses before routing, in its order. */
    bool known = false;
    for (const char *const *m = client_methods; *m; m++)
        known |= strcmp(*m, r.method) == 0;
    if (p.nul_in_header) {
        http_error(&r, 400, "bad_header", "a request header contains a NUL byte");
    } else if (p.too_many_params) {
        http_error(&r, 400, "too_many_parameters", "the URL has too many query parameters");
    } else if (!known) {
        http_error(&r, 405, "method_not_allowed", "this method is not supported");
    } else {
        int m = router_match(&app, &r);
        if (m == 404) {
            http_error(&r, 404, "not_found", "there is nothing at %.200s", r.path);
        } else if (m == 405) {
            http_error(&r, 405, "method_not_allowed", "%s is not allowed on %.200s", r.method, r.path);
        } else if (m != 0) {
            report(&r, "match", "router_match returned neither 0, 404 nor 405");
        } else {
            bool spool = r.route->flags & ROUTE_SPOOL;
            size_t max_body = spool ? app.cfg.max_upload : r.route->max_body ? r.route->max_body : app.cfg.max_body;
            if (p.body_len > max_body) {
                http_error(&r, 413, "body_too_large", "the request body is larger than %zu bytes", max_body);
            } else {
                r.body_len = p.body_len;
                if (spool) /* uploads: the body in an unnamed file at offset 0, owned by the request */
                    r.body_fd = spool_body(p.body, p.body_len);
                else
                    r.body = p.body;
                int rc = router_dispatch(&r);
                if (rc == HTTP_PENDING) {
                    if (!r.job.fn || !r.finish)
                        report(&r, "pending", "HTTP_PENDING without a job or a finish");
                    r.job.rc = db_write(app.db, r.job.fn, r.job.arg);
                    router_finish(&r);
                    if (r.job.rc >= 0)
                        writes++;
                } else if (rc != HTTP_DONE) {
                    report(&r, "dispatch", "router_dispatch returned neither HTTP_DONE nor HTTP_PENDING");
                }
            }
        }
    }
    wait_background();
    if (r.status == 202) /* an import was started */
        imports++;
    if (verbose)
        fprintf(stderr, "%s %s as %s -> %d %.*s\n", r.method, r.path, perm_role_name(r.who.role), r.status,
                (int)(r.resp_len > 300 ? 300 : r.resp_len), r.resp ? r.resp : "");
    check(&r);
    http_req_cleanup(&r);
    parsed_free(&p);
    return 0;
}
