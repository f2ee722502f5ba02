/* Unit tests: ids, permissions, strings, audit changes, throttling, passwords,
 * the area rules and the group-commit writer, in-process on a temp database. */
#include "core/account.h"
#include "core/area.h"
#include "core/audit.h"
#include "core/perm.h"
#include "db/db.h"
#include "http/router.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static db *store;

#define IDS_PER_THREAD 20000
static int64_t ids[4][IDS_PER_THREAD];

static void *make_ids(void *arg)
{
    int64_t *out = arg;
    for (int i = 0; i < IDS_PER_THREAD; i++)
        out[i] = fx_id_next();
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void ids_unique_ordered_js_safe(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, make_ids, ids[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    int increasing = 1;
    for (int i = 1; i < IDS_PER_THREAD; i++)
        increasing &= ids[0][i] > ids[0][i - 1];
    CHECK(increasing);
    int64_t *all = (int64_t *)ids;
    qsort(all, 4 * IDS_PER_THREAD, sizeof *all, cmp_i64);
    int dups = 0;
    for (int i = 1; i < 4 * IDS_PER_THREAD; i++)
        dups += all[i] == all[i - 1];
    CHECK_EQ_INT(dups, 0);
    CHECK(all[4 * IDS_PER_THREAD - 1] < (1LL << 53)); /* exact in JavaScript */
    int64_t ms = fx_id_ms(fx_id_next());
    CHECKF(ms > fx_now_ms() - 60000 && ms < fx_now_ms() + 60000, "id time %lld", (long long)ms);
    int64_t high = fx_id_next() + 1000000;
    fx_id_floor(high);
    CHECK(fx_id_next() > high);
}

static void role_table(void)
{
    CHECK(perm_allows(ROLE_ADMIN, ACT_AUDIT_READ));
    CHECK(perm_allows(ROLE_OFFICER, ACT_AREA_RISK));
    CHECK(!perm_allows(ROLE_STAFF, ACT_AREA_RISK));
    CHECK(perm_allows(ROLE_STAFF, ACT_AREA_WRITE));
    CHECK(!perm_allows(ROLE_REGISTRAR, ACT_AREA_WRITE));
    CHECK(!perm_allows(ROLE_OFFICER, ACT_USER_ADMIN));
    CHECK(!perm_allows(ROLE_DEVICE, ACT_AREA_READ));
    CHECK(!perm_allows(ROLE_NONE, ACT_SESSION));
    CHECK(perm_allows(ROLE_NONE, ACT_PUBLIC));
    CHECK(!perm_allows(ROLE_ADMIN, ACT_UNDECLARED)); /* nobody, not even admins, passes an undeclared route */
    CHECK_EQ_INT(perm_role_parse("registrar"), ROLE_REGISTRAR);
    CHECK_EQ_INT(perm_role_parse("device"), ROLE_NONE); /* systems are not persons */
    principal p = {.role = ROLE_OFFICER, .area_id = 5};
    snprintf(p.area_path, sizeof p.area_path, "/1/5/");
    CHECK(perm_in_scope(&p, "/1/5/"));
    CHECK(perm_in_scope(&p, "/1/5/77/"));
    CHECK(!perm_in_scope(&p, "/1/55/")); /* a sibling whose id starts with the same digits */
    CHECK(!perm_in_scope(&p, "/1/"));
    CHECK(!perm_in_scope(&p, NULL));
    principal unbound = {.role = ROLE_STAFF};
    CHECK(!perm_in_scope(&unbound, "/1/"));
}

static void routes_all_declared(void)
{
    http_app app = {0};
    char err[200];
    CHECK_EQ_INT(router_init(&app, err, sizeof err), 0);
    CHECK(app.nroutes > 10);
    for (int i = 0; i < app.nroutes; i++)
        CHECKF(app.routes[i]->action > ACT_UNDECLARED, "%s %s", app.routes[i]->method, app.routes[i]->pattern);
    http_req r = {.method = "GET", .path = "/api/v1/areas/HKG-ZZ"};
    CHECK_EQ_INT(router_match(&app, &r), 0);
    CHECK_STR(r.param[0], "HKG-ZZ");
    http_req r2 = {.method = "PUT", .path = "/api/v1/areas"};
    CHECK_EQ_INT(router_match(&app, &r2), 405);
    http_req r3 = {.method = "GET", .path = "/api/v1/nope"};
    CHECK_EQ_INT(router_match(&app, &r3), 404);
    router_free(&app);
}

static void strings(void)
{
    fx_str s;
    fx_str_init(&s, 16);
    CHECK(fx_str_adds(&s, "0123456789"));
    CHECK(!fx_str_adds(&s, "0123456789")); /* past the maximum: refused, not grown */
    CHECK(s.overflow);
    fx_str_free(&s);
    char buf[4];
    CHECK(!fx_copy(buf, sizeof buf, "abcdef"));
    CHECK_STR(buf, "abc");
    CHECK_EQ_INT(fx_utf8_len("张庄办事处"), 5);
    long long v;
    CHECK(fx_parse_i64("-42", &v) && v == -42);
    CHECK(!fx_parse_i64("42x", &v));
    CHECK(!fx_parse_i64("", &v));
    CHECK(!fx_parse_i64("99999999999999999999", &v));
}

static void audit_change_sets(void)
{
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", "旧\"名", "新名");
    audit_changes_text(&ch, "kind", "unit", "unit"); /* unchanged: left out */
    audit_changes_i64(&ch, "disabled", 0, 1);
    const char *j = audit_changes_json(&ch);
    CHECK_STR(j, "{\"name\":{\"from\":\"旧\\\"名\",\"to\":\"新名\"},\"disabled\":{\"from\":0,\"to\":1}}");
    audit_changes_free(&ch);
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", "same", "same");
    CHECK(audit_changes_json(&ch) == NULL);
    audit_changes_free(&ch);
}

static void throttling(void)
{
    throttle *t = throttle_new(3, 60);
    CHECK_EQ_INT(throttle_wait(t, "u:a", 1000), 0);
    throttle_fail(t, "u:a", 1000);
    throttle_fail(t, "u:a", 1001);
    CHECK_EQ_INT(throttle_wait(t, "u:a", 1002), 0);
    throttle_fail(t, "u:a", 1002);
    CHECK_EQ_INT(throttle_wait(t, "u:a", 1010), 50); /* locked until the window ends */
    CHECK_EQ_INT(throttle_wait(t, "u:b", 1010), 0);
    CHECK_EQ_INT(throttle_wait(t, "u:a", 1060), 0);
    throttle_fail(t, "u:a", 1061); /* a new window starts counting afresh */
    CHECK_EQ_INT(throttle_wait(t, "u:a", 1062), 0);
    for (int i = 0; i < 100000; i++) { /* a flood of other keys cannot grow it */
        char k[32];
        snprintf(k, sizeof k, "i:%d", i);
        throttle_fail(t, k, 2000);
    }
    throttle_free(t);
}

static void passwords_and_tokens(void)
{
    char h[FX_PWHASH_LEN];
    CHECK_EQ_INT(fx_password_hash("correct horse", h), 0);
    CHECK(strncmp(h, "$argon2id$", 10) == 0);
    CHECK(fx_password_verify(h, "correct horse"));
    CHECK(!fx_password_verify(h, "correct horsE"));
    CHECK(!fx_password_verify(NULL, "anything"));
    char a[FX_TOKEN_LEN], b[FX_TOKEN_LEN];
    CHECK(fx_token_new('s', a) == 0 && fx_token_new('s', b) == 0);
    CHECK(strncmp(a, "fxs_", 4) == 0 && strlen(a) == 68 && strcmp(a, b) != 0);
    char hex[FX_SHA256_HEX];
    fx_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(fx_str_eq_ct("abc", "abc") && !fx_str_eq_ct("abc", "abd") && !fx_str_eq_ct("abc", "abcd"));
}

struct mk {
    area_input in;
    area out;
    fx_err err;
};

static int mk_job(db_conn *c, void *arg)
{
    struct mk *m = arg;
    actor cli = ACTOR_CLI;
    return area_create(c, &cli, &m->in, &m->out, &m->err);
}

static int mk(const char *code, const char *kind, const char *parent, fx_err *err)
{
    struct mk m = {.in = {.code = code, .name = code, .kind = kind, .parent = parent}};
    int rc = db_write(store, mk_job, &m);
    if (err)
        *err = m.err;
    return rc;
}

static void area_rules(void)
{
    fx_err e;
    CHECK_EQ_INT(mk("D", "district", NULL, &e), 0);
    CHECK_EQ_INT(mk("D-S", "subdistrict", "D", &e), 0);
    CHECK_EQ_INT(mk("D-S-B", "building", "D-S", &e), 0); /* levels may be skipped downwards */
    CHECK(mk("D-S-B-X", "community", "D-S-B", &e) < 0);
    CHECK_STR(e.code, "kind_not_below_parent");
    CHECK(mk("D-S", "subdistrict", "D", &e) < 0);
    CHECK_STR(e.code, "code_taken");
    CHECK(mk("bad code", "unit", "D-S-B", &e) < 0);
    CHECK_STR(e.code, "invalid_code");
    CHECK(mk("D-Q", "unit", "NOPE", &e) < 0);
    CHECK_STR(e.code, "parent_not_found");
    area a, s;
    db_conn *c = db_reader(store);
    CHECK(area_get(c, "D-S-B", &a) == DB_ROW);
    CHECK(area_get(c, "D-S", &s) == DB_ROW);
    CHECK(strncmp(a.path, s.path, strlen(s.path)) == 0); /* the building's path extends its parent's */
    CHECK_STR(a.parent_code, "D-S");
    CHECK_STR(a.risk_level, "none");
    /* a scoped officer may not create above or beside their area */
    principal p = {.role = ROLE_OFFICER, .area_id = s.id};
    fx_copy(p.area_path, sizeof p.area_path, s.path);
    actor off = {.p = &p, .log = {.kind = "user", .name = "t"}};
    CHECK_EQ_INT(mk("D-T", "subdistrict", "D", NULL), 0);
    struct mk m = {.in = {.code = "D-T-1", .name = "x", .kind = "community", .parent = "D-T"}};
    db_conn *w = db_reader(store); /* reads only: area_create refuses before writing */
    CHECK_EQ_INT(area_create(w, &off, &m.in, &m.out, &m.err), FX_EPERM);
    CHECK_STR(m.err.code, "outside_area");
}

static int ok_job(db_conn *c, void *arg)
{
    (void)arg;
    return db_exec(c, "INSERT INTO audit (id, at, actor_kind, action, entity, entity_id) VALUES (1, 1, 'x', 'a', 'e', 'ok')");
}

static int bad_job(db_conn *c, void *arg)
{
    (void)arg;
    db_exec(c, "INSERT INTO audit (id, at, actor_kind, action, entity, entity_id) VALUES (2, 1, 'x', 'a', 'e', 'bad')");
    return FX_EINVAL; /* refused after writing: its row must vanish */
}

struct async {
    db_job job;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
};

static struct async jobs[3];
static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int done_count;

static void on_done(db_job *j)
{
    (void)j;
    pthread_mutex_lock(&done_mu);
    done_count++;
    pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&done_mu);
}

static void writer_isolates_failures(void)
{
    jobs[0].job = (db_job){.fn = ok_job, .done = on_done};
    jobs[1].job = (db_job){.fn = bad_job, .done = on_done};
    jobs[2].job = (db_job){.fn = ok_job, .done = on_done}; /* duplicate id: constraint error */
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(db_submit(store, &jobs[i].job), 0);
    pthread_mutex_lock(&done_mu);
    while (done_count < 3)
        pthread_cond_wait(&done_cv, &done_mu);
    pthread_mutex_unlock(&done_mu);
    CHECK_EQ_INT(jobs[0].job.rc, DB_OK);
    CHECK_EQ_INT(jobs[1].job.rc, FX_EINVAL);
    CHECK_EQ_INT(jobs[2].job.rc, DB_ECONSTRAINT);
    int64_t n = -1;
    db_conn *c = db_reader(store);
    CHECK(db_query_i64(c, "SELECT COUNT(*) FROM audit WHERE entity = 'e'", &n) == DB_ROW);
    CHECK_EQ_INT(n, 1); /* only the good job's row */
    db_stats st;
    db_get_stats(store, &st);
    CHECK(st.commits >= 1 && st.jobs >= 3);
}

int main(void)
{
    th_init();
    unitstore us;
    store = unitstore_open(&us, "core", NULL, NULL);
    if (!store)
        return 1;
    RUN(ids_unique_ordered_js_safe);
    RUN(role_table);
    RUN(routes_all_declared);
    RUN(strings);
    RUN(audit_change_sets);
    RUN(throttling);
    RUN(passwords_and_tokens);
    RUN(area_rules);
    RUN(writer_isolates_failures);
    unitstore_close(&us);
    return th_done("unit_core");
}
