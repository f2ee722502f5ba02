/* API tests: logging in and out, throttling, roles, area scope, CSRF, expiry, tokens. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fxt_server srv;
static char pw[32];

static void login_good_and_wrong(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/session", NULL, "{\"username\":\"cuizhengbo\",\"password\":\"nope-nope\"}");
    CHECK_EQ_INT(r.status, 401);
    CHECK_STR(fxt_err(&r), "wrong_credentials");
    fxt_free(&r);
    /* an unknown user gets the same answer, so names cannot be probed */
    r = fxt_req(&srv, "POST", "/api/v1/session", NULL, "{\"username\":\"nobody\",\"password\":\"nope-nope\"}");
    CHECK_EQ_INT(r.status, 401);
    CHECK_STR(fxt_err(&r), "wrong_credentials");
    fxt_free(&r);

    char body[128];
    snprintf(body, sizeof body, "{\"username\":\"CuiZhengbo\",\"password\":\"%s\"}", pw);
    r = fxt_req(&srv, "POST", "/api/v1/session", NULL, body);
    CHECK_EQ_INT(r.status, 200);
    const char *tok = json_string_value(json_object_get(r.json, "token"));
    json_t *u = json_object_get(r.json, "user");
    CHECK(tok && strncmp(tok, "fxs_", 4) == 0);
    CHECK_STR(json_string_value(json_object_get(u, "role")), "officer");
    CHECK_STR(json_string_value(json_object_get(u, "area")), "HKG-YH");
    const char *cookie = fxt_header(&r, "Set-Cookie");
    CHECK(cookie && strstr(cookie, "HttpOnly") && strstr(cookie, "SameSite=Strict"));
    char *token = tok ? strdup(tok) : NULL;
    fxt_free(&r);

    r = fxt_req(&srv, "GET", "/api/v1/session", token, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "user"), "username")), "cuizhengbo");
    fxt_free(&r);

    /* the token is not stored: the database holds only its hash */
    char sql_hint[600];
    snprintf(sql_hint, sizeof sql_hint, "sqlite3 '%s' \"SELECT COUNT(*) FROM sessions WHERE token_hash = '%s'\"",
             srv.db, token ? token : "");
    FILE *p = popen(sql_hint, "r");
    int count = -1;
    if (p) {
        if (fscanf(p, "%d", &count) != 1)
            count = -1;
        pclose(p);
    }
    CHECK_EQ_INT(count, 0);

    r = fxt_req(&srv, "DELETE", "/api/v1/session", token, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/session", token, NULL);
    CHECKF(r.status == 401, "a logged-out token still works (status %d)", r.status);
    fxt_free(&r);
    free(token);
}

static void login_throttled(void)
{
    fxt_resp r;
    for (int i = 0; i < 5; i++) {
        r = fxt_req(&srv, "POST", "/api/v1/session", NULL, "{\"username\":\"liutao\",\"password\":\"guess-guess\"}");
        CHECK_EQ_INT(r.status, 401);
        fxt_free(&r);
    }
    /* the sixth try is refused even with the right password, and says when to retry */
    char body[128];
    snprintf(body, sizeof body, "{\"username\":\"liutao\",\"password\":\"%s\"}", pw);
    r = fxt_req(&srv, "POST", "/api/v1/session", NULL, body);
    CHECK_EQ_INT(r.status, 429);
    CHECK_STR(fxt_err(&r), "too_many_attempts");
    const char *ra = fxt_header(&r, "Retry-After");
    CHECKF(ra && atoi(ra) > 0 && atoi(ra) <= 900, "Retry-After = %s", ra ? ra : "(none)");
    fxt_free(&r);
    /* other users are not locked out by it */
    char *t = fxt_login(&srv, "panpeng", pw);
    CHECK(t != NULL);
    free(t);
}

static void unauthenticated_and_bad_tokens(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/areas", NULL, NULL);
    CHECK_EQ_INT(r.status, 401);
    CHECK_STR(fxt_err(&r), "login_required");
    CHECK(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")) != NULL);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas", "fxs_0000000000000000000000000000000000000000000000000000000000000000", NULL);
    CHECK_EQ_INT(r.status, 401);
    CHECK_STR(fxt_err(&r), "invalid_token");
    fxt_free(&r);
    r = fxt_req_h(&srv, "GET", "/api/v1/areas", "Authorization: Basic YWRtaW46YWRtaW4=\r\n", NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);
}

static void roles_and_area_scope(void)
{
    char *officer = fxt_login(&srv, "lijunchuan", pw);   /* officer of 张庄办事处 HKG-ZZ */
    char *registrar = fxt_login(&srv, "zhangmingqiang", pw);
    CHECK(officer && registrar);

    /* inside the officer's area: allowed */
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/areas", officer,
                         "{\"code\":\"HKG-ZZ-ZZC-G1\",\"name\":\"翟庄村一组\",\"kind\":\"compound\",\"parent\":\"HKG-ZZ-ZZC\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    /* outside it: 403 */
    r = fxt_req(&srv, "POST", "/api/v1/areas", officer,
                "{\"code\":\"HKG-YH-X\",\"name\":\"外区\",\"kind\":\"community\",\"parent\":\"HKG-YH\"}");
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "outside_area");
    fxt_free(&r);
    /* reading an area outside one's scope does not reveal it */
    r = fxt_req(&srv, "GET", "/api/v1/areas/HKG-YH", officer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/HKG-YH-IT", officer, "{\"name\":\"改名\"}");
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    /* the list holds only the officer's subtree */
    r = fxt_req(&srv, "GET", "/api/v1/areas?limit=500", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    size_t i;
    json_t *it;
    int outside = 0, n = 0;
    json_array_foreach(json_object_get(r.json, "items"), i, it) {
        n++;
        outside += strncmp(json_string_value(json_object_get(it, "code")), "HKG-ZZ", 6) != 0;
    }
    CHECKF(n >= 4 && outside == 0, "%d areas listed, %d outside HKG-ZZ", n, outside);
    fxt_free(&r);

    /* a registrar may not edit areas, nor read users or the audit log */
    r = fxt_req(&srv, "POST", "/api/v1/areas", registrar,
                "{\"code\":\"HKG-YH-IT-W12-Z\",\"name\":\"x\",\"kind\":\"compound\",\"parent\":\"HKG-YH-IT-W12\"}");
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "forbidden");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/audit", registrar, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/users", officer, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    /* staff may edit areas but not set a risk level */
    char *staff = fxt_login(&srv, "panpeng", pw);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/HKG-YH-IT-W12-XR", staff, "{\"risk_level\":\"sealed\"}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/HKG-ZZ-ZZC", officer, "{\"risk_level\":\"controlled\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "risk_level")), "controlled");
    fxt_free(&r);
    free(staff);
    free(officer);
    free(registrar);
}

static void cookie_writes_need_csrf(void)
{
    char body[128];
    snprintf(body, sizeof body, "{\"username\":\"admin\",\"password\":\"%s\"}", pw);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/session", NULL, body);
    CHECK_EQ_INT(r.status, 200);
    const char *tok = json_string_value(json_object_get(r.json, "token"));
    const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
    char h[400], h2[500];
    snprintf(h, sizeof h, "Cookie: fx_csrf=%s; fx_session=%s\r\n", csrf ? csrf : "", tok ? tok : "");
    snprintf(h2, sizeof h2, "%sX-CSRF-Token: %s\r\n", h, csrf ? csrf : "");
    fxt_free(&r);

    r = fxt_req_h(&srv, "GET", "/api/v1/session", h, NULL); /* reads need no CSRF token */
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    const char *area = "{\"code\":\"HKG-BQ-ZQ-X1\",\"name\":\"镇区新街\",\"kind\":\"compound\",\"parent\":\"HKG-BQ-ZQ\"}";
    r = fxt_req_h(&srv, "POST", "/api/v1/areas", h, area);
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "csrf_failed");
    fxt_free(&r);
    r = fxt_req_h(&srv, "POST", "/api/v1/areas", h2, area);
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
}

static void tokens_for_systems(void)
{
    char *admin = fxt_login(&srv, "admin", pw);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/tokens", admin, "{\"name\":\"door-0001\",\"kind\":\"device\",\"area\":\"HKG-YH\"}");
    CHECK_EQ_INT(r.status, 201);
    const char *t = json_string_value(json_object_get(r.json, "token"));
    char *dev = t ? strdup(t) : NULL;
    CHECK(dev && strncmp(dev, "fxd_", 4) == 0);
    fxt_free(&r);
    /* the list never shows the secret again */
    r = fxt_req(&srv, "GET", "/api/v1/tokens", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(r.body && dev && !strstr(r.body, dev + 4));
    fxt_free(&r);
    /* a device token reaches no staff endpoint */
    r = fxt_req(&srv, "GET", "/api/v1/areas", dev, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    /* nor does a device token pass as a cookie session */
    char h[200];
    snprintf(h, sizeof h, "Cookie: fx_session=%s\r\n", dev ? dev : "");
    r = fxt_req_h(&srv, "GET", "/api/v1/areas", h, NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);
    r = fxt_req(&srv, "DELETE", "/api/v1/tokens/door-0001", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/healthz", dev, NULL);
    CHECK_EQ_INT(r.status, 401); /* revoked */
    fxt_free(&r);
    free(dev);
    free(admin);
}

static void area_bound_admin_stays_in_area(void)
{
    char *admin = fxt_login(&srv, "admin", pw);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/users", admin,
                         "{\"username\":\"zzadmin\",\"password\":\"zz-admin-pass\",\"role\":\"admin\",\"area\":\"HKG-ZZ\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/tokens", admin, "{\"name\":\"yh-gate\",\"kind\":\"device\",\"area\":\"HKG-YH\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    char *zz = fxt_login(&srv, "zzadmin", "zz-admin-pass");
    CHECK(zz != NULL);
    r = fxt_req(&srv, "GET", "/api/v1/tokens", zz, NULL);
    CHECK(r.body && !strstr(r.body, "yh-gate"));
    fxt_free(&r);
    r = fxt_req(&srv, "DELETE", "/api/v1/tokens/yh-gate", zz, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/tokens", zz, "{\"name\":\"everywhere\",\"kind\":\"partner\"}");
    CHECK_EQ_INT(r.status, 400); /* a token without an area would reach beyond 张庄 */
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/audit", zz, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    free(zz);
    free(admin);
}

static void disabled_user_loses_sessions(void)
{
    char *admin = fxt_login(&srv, "admin", pw);
    char *drv = fxt_login(&srv, "lijianhua", pw);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/session", drv, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/users/lijianhua", admin, "{\"disabled\":true}");
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "disabled")));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/session", drv, NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);
    char body[128];
    snprintf(body, sizeof body, "{\"username\":\"lijianhua\",\"password\":\"%s\"}", pw);
    r = fxt_req(&srv, "POST", "/api/v1/session", NULL, body);
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "account_disabled");
    fxt_free(&r);
    /* an admin cannot lock themselves out */
    r = fxt_req(&srv, "PATCH", "/api/v1/users/admin", admin, "{\"disabled\":true}");
    CHECK_EQ_INT(r.status, 422);
    fxt_free(&r);
    free(drv);
    free(admin);
}

static void users_api(void)
{
    char *admin = fxt_login(&srv, "admin", pw);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/users", admin,
                         "{\"username\":\"wangyunlong\",\"password\":\"short\",\"role\":\"staff\",\"area\":\"HKG-YH-IT-W12\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "weak_password");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/users", admin,
                "{\"username\":\"wangyunlong\",\"password\":\"long-enough-1\",\"role\":\"staff\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "area_required");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/users", admin,
                "{\"username\":\"wangyunlong\",\"password\":\"long-enough-1\",\"role\":\"staff\",\"area\":\"HKG-YH-IT-W12\",\"display_name\":\"王云龙\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/users", admin,
                "{\"username\":\"wangyunlong\",\"password\":\"long-enough-1\",\"role\":\"staff\",\"area\":\"HKG-YH-IT-W12\"}");
    CHECK_EQ_INT(r.status, 409);
    fxt_free(&r);
    char *w = fxt_login(&srv, "wangyunlong", "long-enough-1");
    CHECK(w != NULL);
    /* a new password ends the old sessions */
    r = fxt_req(&srv, "PATCH", "/api/v1/users/wangyunlong", admin, "{\"password\":\"another-secret-2\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/session", w, NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);
    free(w);
    w = fxt_login(&srv, "wangyunlong", "another-secret-2");
    CHECK(w != NULL);
    free(w);
    free(admin);
}

static void session_expires(void)
{
    /* Login at a fixed instant, then restart the server 13 hours later (TTL 12 h). */
    fxt_stop(&srv);
    snprintf(srv.now, sizeof srv.now, "%d", 1800000000);
    CHECK(fxt_start(&srv) == 0);
    char *t = fxt_login(&srv, "panpeng", pw);
    CHECK(t != NULL);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/session", t, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    fxt_stop(&srv);
    snprintf(srv.now, sizeof srv.now, "%d", 1800000000 + 11 * 3600);
    CHECK(fxt_start(&srv) == 0);
    r = fxt_req(&srv, "GET", "/api/v1/session", t, NULL);
    CHECKF(r.status == 200, "after 11 h the session should still work (status %d)", r.status);
    fxt_free(&r);
    fxt_stop(&srv);
    snprintf(srv.now, sizeof srv.now, "%d", 1800000000 + 13 * 3600);
    CHECK(fxt_start(&srv) == 0);
    r = fxt_req(&srv, "GET", "/api/v1/session", t, NULL);
    CHECKF(r.status == 401, "after 13 h the session should have expired (status %d)", r.status);
    fxt_free(&r);
    free(t);
    srv.now[0] = '\0';
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0 || fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    RUN(login_good_and_wrong);
    RUN(login_throttled);
    RUN(unauthenticated_and_bad_tokens);
    RUN(roles_and_area_scope);
    RUN(cookie_writes_need_csrf);
    RUN(tokens_for_systems);
    RUN(area_bound_admin_stays_in_area);
    RUN(disabled_user_loses_sessions);
    RUN(users_api);
    RUN(session_expires);
    fxt_teardown(&srv);
    return th_done("api_auth");
}
