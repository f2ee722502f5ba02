/* Transport planning from the outside: `fangxian plan transport` and `plan check`
 * as an operator types them, and POST /api/v1/transport/plan as the web UI
 * calls it. Every plan made here is verified with `plan check`. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/testhelp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static fxt_server srv;
static char bin[4096]; /* the binary's absolute path: commands run in the test directory */
static char *admin, *officer, *staff, *driver;

#define MATRIX                                                                                              \
    "\"matrix\":{\"ids\":[\"LAB\",\"A\",\"B\"],\"minutes\":[[0,10,10],[10,0,5],[10,5,0]],"                 \
    "\"km\":[[0,1,1],[1,0,10],[1,10,0]]}"
static const char problem[] =
    "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,"
    "\"sites\":[{\"id\":\"A\",\"first_seal\":420,\"every_min\":45,\"last_seal\":690},"
    "{\"id\":\"B\",\"first_seal\":430,\"every_min\":45,\"last_seal\":690,\"boxes_per_seal\":2}],"
    "\"vehicles\":[{\"id\":\"V1\",\"start\":390,\"end\":1080,\"capacity\":20},"
    "{\"id\":\"V2\",\"start\":390,\"end\":1080,\"capacity\":20}]," MATRIX "}";

/* Runs a shell command; returns its exit status. */
__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void put(const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", srv.dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The contents of a file in the test directory (malloc'd, "" when missing). */
static char *get(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", srv.dir, name);
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 1 << 20);
    if (f && buf) {
        size_t n = fread(buf, 1, (1 << 20) - 1, f);
        buf[n] = '\0';
    }
    if (f)
        fclose(f);
    return buf;
}

static void setup(void)
{
    const char *area[] = {"area", "add", "PL", "--name", "航空港区", "--kind", "district", NULL};
    CHECK_EQ_INT(fxt_cli(&srv, NULL, NULL, area), 0);
    CHECK(fxt_start(&srv) == 0);
    CHECK(fxt_user(&srv, "root", "admin", NULL, "correct-horse") == 0);
    CHECK(fxt_user(&srv, "zhou", "officer", "PL", "correct-horse") == 0);
    CHECK(fxt_user(&srv, "wang", "staff", "PL", "correct-horse") == 0);
    CHECK(fxt_user(&srv, "lu", "driver", "PL", "correct-horse") == 0);
    admin = fxt_login(&srv, "root", "correct-horse");
    officer = fxt_login(&srv, "zhou", "correct-horse");
    staff = fxt_login(&srv, "wang", "correct-horse");
    driver = fxt_login(&srv, "lu", "correct-horse");
    CHECK(admin && officer && staff && driver);
}

static void cli_plan_then_check(void)
{
    put("problem.json", problem);
    CHECK_EQ_INT(sh("cd %s && %s plan transport problem.json --iterations 500 --seed 3 > plan.json 2> err.txt", srv.dir,
                    bin),
                 0);
    char *plan = get("plan.json");
    CHECK(strstr(plan, "\"late_boxes\":0") && strstr(plan, "\"B@430#1\""));
    CHECK_EQ_INT(sh("cd %s && %s plan check problem.json plan.json > out.txt 2> err.txt", srv.dir, bin), 0);
    char *out = get("out.txt");
    CHECK(strstr(out, "valid (19 boxes)") != NULL);
    /* from standard input, the same seed: the same plan */
    CHECK_EQ_INT(sh("cd %s && %s plan transport - --iterations 500 --seed 3 < problem.json > plan2.json", srv.dir,
                    bin),
                 0);
    CHECK_EQ_INT(sh("cd %s && jq -S 'del(.search)' plan.json > a.json && jq -S 'del(.search)' plan2.json > b.json && "
                    "cmp -s a.json b.json",
                    srv.dir),
                 0);
    /* a tampered plan: one box said to arrive later than it does */
    CHECK_EQ_INT(sh("cd %s && jq '.boxes[0].delivered += 5' plan.json > bad.json", srv.dir), 0);
    CHECK_EQ_INT(sh("cd %s && %s plan check problem.json bad.json > out.txt 2> err.txt", srv.dir, bin), 1);
    char *err = get("err.txt");
    CHECK(strstr(err, "boxes[0].delivered") && strstr(err, "1 violation"));
    free(plan), free(out), free(err);
}

static void cli_bad_input(void)
{
    put("unknown.json", "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,"
                        "\"sites\":[{\"id\":\"Z9\",\"first_seal\":420,\"every_min\":45,\"last_seal\":690}],"
                        "\"vehicles\":[{\"id\":\"V1\",\"start\":390,\"end\":1080,\"capacity\":20}]," MATRIX "}");
    CHECK_EQ_INT(sh("cd %s && %s plan transport unknown.json > /dev/null 2> err.txt", srv.dir, bin), 1);
    char *err = get("err.txt");
    CHECKF(strstr(err, "sites[0].id: \"Z9\" is unknown") != NULL, "stderr: %s", err);
    free(err);
    put("broken.json", "{\"hub\":");
    CHECK_EQ_INT(sh("cd %s && %s plan transport broken.json > /dev/null 2> err.txt", srv.dir, bin), 1);
    err = get("err.txt");
    CHECK(strstr(err, "not valid JSON") != NULL);
    free(err);
    CHECK_EQ_INT(sh("cd %s && %s plan transport problem.json --seconds soon > /dev/null 2>&1", srv.dir, bin), 2);
    CHECK_EQ_INT(sh("cd %s && %s plan check problem.json > /dev/null 2>&1", srv.dir, bin), 2);
}

static void http_officer_plans(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=500&seed=2", officer, problem);
    CHECK_EQ_INT(r.status, 200);
    json_t *sum = json_object_get(r.json, "summary");
    CHECK_EQ_INT(json_integer_value(json_object_get(sum, "boxes")), 19);
    CHECK_EQ_INT(json_integer_value(json_object_get(sum, "late_boxes")), 0);
    put("http-plan.json", r.body ? r.body : "");
    CHECK_EQ_INT(sh("cd %s && %s plan check problem.json http-plan.json > /dev/null", srv.dir, bin), 0);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?seconds=0.2", admin, problem);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
}

static void http_refusals(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/transport/plan", staff, problem);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", driver, problem);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", NULL, problem);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);

    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", officer,
                "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,\"sites\":[],\"vehicles\":[]," MATRIX "}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_problem");
    CHECK(r.body && strstr(r.body, "vehicles: no vehicles"));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", officer,
                "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,"
                "\"sites\":[{\"id\":\"A\",\"first_seal\":420,\"every_min\":45,\"last_seal\":1200}],"
                "\"vehicles\":[{\"id\":\"V1\",\"start\":390,\"end\":1080,\"capacity\":20}]," MATRIX "}");
    CHECK_EQ_INT(r.status, 400);
    CHECK(r.body && strstr(r.body, "sites[0].last_seal"));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?seconds=120", officer, problem);
    CHECK_EQ_INT(r.status, 400);
    CHECK(r.body && strstr(r.body, "seconds"));
    fxt_free(&r);
    /* a seal every minute for 20 hours at two sites: more boxes than one request may plan */
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", officer,
                "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,"
                "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":1,\"last_seal\":1200,\"boxes_per_seal\":3},"
                "{\"id\":\"B\",\"first_seal\":0,\"every_min\":1,\"last_seal\":1200,\"boxes_per_seal\":3}],"
                "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":1300,\"capacity\":20}]," MATRIX "}");
    CHECK_EQ_INT(r.status, 413);
    CHECK_STR(fxt_err(&r), "problem_too_large");
    fxt_free(&r);
}

/* ---- travel times from a fake OSRM on a loopback port ---- */
static rcv osrm;

#define SITES_VEH                                                                                          \
    "\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,"                                                 \
    "\"sites\":[{\"id\":\"A\",\"first_seal\":420,\"every_min\":45,\"last_seal\":690},"                   \
    "{\"id\":\"B\",\"first_seal\":430,\"every_min\":45,\"last_seal\":690}],"                               \
    "\"vehicles\":[{\"id\":\"V1\",\"start\":390,\"end\":1080,\"capacity\":20}],"
#define COORDS "\"coords\":{\"LAB\":[34.5,113.8],\"A\":[34.51,113.81],\"B\":[34.52,113.79]}"
/* OSRM's documented answer: seconds and metres, rows and columns in the request's order */
static const char table_ok[] = "{\"code\":\"Ok\",\"durations\":[[0,600,601],[600,0,299],[601,299,0]],"
                               "\"distances\":[[0,1000,1500],[1000,0,2500],[1500,2500,0]],"
                               "\"sources\":[],\"destinations\":[]}";
/* the same travel as a matrix: seconds → minutes rounded up, metres → km */
static const char osrm_as_matrix[] =
    "{" SITES_VEH "\"matrix\":{\"ids\":[\"LAB\",\"A\",\"B\"],\"minutes\":[[0,10,11],[10,0,5],[11,5,0]],"
    "\"km\":[[0,1,1.5],[1,0,2.5],[1.5,2.5,0]]}}";

static char *osrm_problem(bool speed, const char *url)
{
    char *p = malloc(2048);
    snprintf(p, 2048, "{" SITES_VEH COORDS "%s,\"osrm\":\"%s\"}", speed ? ",\"speed_kmh\":30" : "", url);
    return p;
}

static void osrm_matrix_used(void)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", osrm.port);
    rcv_reply(&osrm, "/table/v1/driving/", 200, table_ok);
    char *pb = osrm_problem(false, url);
    int before = rcv_count(&osrm);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=300", officer, pb);
    CHECKF(r.status == 200, "status %d: %s", r.status, r.body ? r.body : "");
    CHECK(json_object_get(r.json, "warnings") == NULL);
    /* one GET in OSRM's format: lng,lat;… with both annotations */
    CHECK_EQ_INT(rcv_count(&osrm), before + 1);
    CHECK_STR(osrm.req[before].target, "/table/v1/driving/113.800000,34.500000;113.810000,34.510000;"
                                       "113.790000,34.520000?annotations=duration,distance");
    /* the plan follows the service's times and distances, not the coordinates' */
    put("osrm-matrix.json", osrm_as_matrix);
    put("osrm-plan.json", r.body ? r.body : "");
    CHECK_EQ_INT(sh("cd %s && %s plan check osrm-matrix.json osrm-plan.json > /dev/null", srv.dir, bin), 0);
    fxt_free(&r);
    /* the command line: --osrm for a problem with coords */
    char cli[1024];
    snprintf(cli, sizeof cli, "{" SITES_VEH COORDS ",\"speed_kmh\":30}");
    put("coords.json", cli);
    CHECK_EQ_INT(sh("cd %s && %s plan transport coords.json --osrm %s --iterations 300 > cli-plan.json 2> err.txt",
                    srv.dir, bin, url),
                 0);
    CHECK_EQ_INT(sh("cd %s && %s plan check osrm-matrix.json cli-plan.json > /dev/null", srv.dir, bin), 0);
    char *err = get("err.txt");
    CHECKF(err[0] == '\0', "stderr: %s", err);
    free(err);
    free(pb);
}

static void osrm_bad_answers(void)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", osrm.port);
    char *with = osrm_problem(true, url), *without = osrm_problem(false, url);
    /* OSRM's error answer: refused by name, the plan made from the coordinates with a warning */
    rcv_reply(&osrm, "/table/v1/driving/", 400, "{\"code\":\"InvalidQuery\",\"message\":\"Query string malformed\"}");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, with);
    CHECK_EQ_INT(r.status, 200);
    const char *w = json_string_value(json_array_get(json_object_get(r.json, "warnings"), 0));
    CHECKF(w && strstr(w, "answered HTTP 400") && strstr(w, "code \"InvalidQuery\"") &&
               strstr(w, "coordinates at speed_kmh"),
           "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    /* nothing to fall back on: 400 naming the service's failure */
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, without);
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_problem");
    CHECKF(r.body && strstr(r.body, "osrm: ") && strstr(r.body, "InvalidQuery") && strstr(r.body, "no speed_kmh"),
           "body: %s", r.body ? r.body : "");
    fxt_free(&r);
    /* Ok, but the wrong size */
    rcv_reply(&osrm, "/table/v1/driving/", 200, "{\"code\":\"Ok\",\"durations\":[[0,1],[1,0]],\"distances\":[[0,1],[1,0]]}");
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, with);
    CHECK_EQ_INT(r.status, 200);
    w = json_string_value(json_array_get(json_object_get(r.json, "warnings"), 0));
    CHECKF(w && strstr(w, "durations must be 3 rows"), "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    /* a pair with no route (null) */
    rcv_reply(&osrm, "/table/v1/driving/", 200, "{\"code\":\"Ok\",\"durations\":[[0,1,2],[1,0,null],[2,3,0]],"
                                                "\"distances\":[[0,1,2],[1,0,3],[2,3,0]]}");
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, with);
    w = json_string_value(json_array_get(json_object_get(r.json, "warnings"), 0));
    CHECKF(w && strstr(w, "durations[1][2] is null: no route from A to B"), "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    /* not JSON */
    rcv_reply(&osrm, "/table/v1/driving/", 200, "<html>gateway</html>");
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, with);
    w = json_string_value(json_array_get(json_object_get(r.json, "warnings"), 0));
    CHECKF(w && strstr(w, "not a JSON object"), "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    /* unreachable: a port nobody listens on */
    free(with);
    with = osrm_problem(true, "http://127.0.0.1:1");
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan?iterations=200", officer, with);
    CHECK_EQ_INT(r.status, 200);
    w = json_string_value(json_array_get(json_object_get(r.json, "warnings"), 0));
    CHECKF(w && strstr(w, "http://127.0.0.1:1 is unreachable"), "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    /* a malformed address, and osrm beside a matrix */
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", officer, "{" SITES_VEH COORDS ",\"speed_kmh\":30,\"osrm\":\"ftp://x\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK(r.body && strstr(r.body, "osrm: must be the service's address"));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/transport/plan", officer,
                "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3,\"sites\":[{\"id\":\"A\",\"first_seal\":420,"
                "\"every_min\":45,\"last_seal\":690}],\"vehicles\":[{\"id\":\"V1\",\"start\":390,\"end\":1080,"
                "\"capacity\":20}]," MATRIX ",\"osrm\":\"http://127.0.0.1:9\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK(r.body && strstr(r.body, "osrm: only used with coords"));
    fxt_free(&r);
    free(with), free(without);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || !realpath(fxt_bin(), bin))
        return 1;
    RUN(setup);
    RUN(cli_plan_then_check);
    RUN(cli_bad_input);
    RUN(http_officer_plans);
    RUN(http_refusals);
    if (rcv_start(&osrm) == 0) {
        RUN(osrm_matrix_used);
        RUN(osrm_bad_answers);
        rcv_stop(&osrm);
    } else
        CHECK(!"the fake OSRM could not start");
    free(admin), free(officer), free(staff), free(driver);
    fxt_teardown(&srv);
    return th_done("api_plan");
}
