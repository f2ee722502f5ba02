/* fxt.h — API test harness: starts the real binary on a free loopback port with
 * a temporary database and talks HTTP/1.1 to it over plain sockets. */
#ifndef FXT_H
#define FXT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct fxt_server {
    pid_t pid;
    int port;
    char dir[256];   /* temp dir holding the db, the log and the port file */
    char db[300];
    char log[300];
    const char *extra[24]; /* extra serve options, NULL-terminated */
    char now[32];          /* FANGXIAN_NOW for the server, "" for the real clock */
    bool tls;
} fxt_server;

typedef struct fxt_resp {
    int status;      /* 0 when no answer came */
    char *head;      /* status line and headers */
    char *body;
    size_t body_len;
    json_t *json;    /* parsed body when it is JSON */
} fxt_resp;

/* The binary under test: $FXT_BIN or build/test/fangxian. */
const char *fxt_bin(void);

/* Creates the temp dir and database (init). 0 or -1. */
int fxt_setup(fxt_server *s);
/* Starts `serve` with s->extra and waits until it listens. 0 or -1. */
int fxt_start(fxt_server *s);
/* SIGTERM, then waits: returns the exit status (0 for a clean exit). */
int fxt_stop(fxt_server *s);
void fxt_kill9(fxt_server *s);
/* Stops the server if running and removes the temp dir. */
void fxt_teardown(fxt_server *s);

/* Runs `fangxian ARGS --db s->db` with stdin_text on standard input (NULL: none).
 * Returns the exit status; out (may be NULL) receives stdout (malloc'd). */
int fxt_cli(fxt_server *s, const char *stdin_text, char **out, const char *const *args);

/* One request on a fresh connection. token: Bearer token or NULL. body: JSON or NULL. */
fxt_resp fxt_req(fxt_server *s, const char *method, const char *path, const char *token, const char *body);
/* Like fxt_req with extra raw header lines ("Name: value\r\n…"). */
fxt_resp fxt_req_h(fxt_server *s, const char *method, const char *path, const char *headers, const char *body);
/* Sends raw bytes and reads the whole answer (until the server closes or timeout_ms). */
fxt_resp fxt_raw(fxt_server *s, const char *data, size_t len, int timeout_ms);
void fxt_free(fxt_resp *r);
/* The value of header name in r (case-insensitive), copied to a static buffer; NULL if absent. */
const char *fxt_header(const fxt_resp *r, const char *name);
/* error.code of a JSON error body, or "". */
const char *fxt_err(const fxt_resp *r);
/* The status of one request; code (when given) gets its error.code, or "". */
int fxt_status(fxt_server *s, const char *method, const char *path, const char *token, const char *body, char code[48]);

/* Opens a TCP connection to the server; the caller reads/writes/closes. */
int fxt_connect(fxt_server *s);

/* Creates a user with the CLI (before or while serving). 0 on success. */
int fxt_user(fxt_server *s, const char *name, const char *role, const char *area, const char *password);
/* Logs in; returns the malloc'd token or NULL. */
char *fxt_login(fxt_server *s, const char *name, const char *password);

/* Loads the demo sub-district (areas HKG…, one user per role); pw gets the password. 0 or -1. */
int fxt_demo(fxt_server *s, char pw[32]);
/* Sets up a server with the demo data, its clock at now (epoch seconds) and the serve options extra
 * (NULL-terminated, or NULL), and starts it: 0, or -1 after saying so on stderr. */
int fxt_demo_start(fxt_server *s, long long now, const char *const *extra, char pw[32]);

/* A valid GB 11643 ID number: born (14 digits: region and birth date), seq % 1000 as three
 * digits, and the check digit. */
void fxt_id_number(char out[19], const char *born, unsigned seq);

/* Reading answers: an answer's "items", and a member of an object as text or integer (NULL, 0 when absent). */
static inline json_t *items(const fxt_resp *r) { return json_object_get(r->json, "items"); }
static inline const char *sfield(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static inline long long ifield(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

#endif
