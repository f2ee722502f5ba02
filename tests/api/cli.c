/* CLI tests: exit statuses and messages of the commands operators type. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fxt_server srv;

static int run(const char *in, char **out, const char *const *args) { return fxt_cli(&srv, in, out, args); }

static void version_and_help(void)
{
    char *out = NULL;
    const char *v[] = {"--version", NULL};
    CHECK_EQ_INT(run(NULL, &out, v), 0);
    CHECK(out && strncmp(out, "fangxian ", 9) == 0);
    free(out);
    const char *h[] = {"help", "user", NULL};
    CHECK_EQ_INT(run(NULL, &out, h), 0);
    CHECK(out && strstr(out, "--password-stdin"));
    free(out);
    const char *bad[] = {"frobnicate", NULL};
    CHECK_EQ_INT(run(NULL, NULL, bad), 2);
}

static void areas_and_users(void)
{
    const char *root[] = {"area", "add", "ZZ", "--name", "郑州航空港实验区", "--kind", "district", NULL};
    CHECK_EQ_INT(run(NULL, NULL, root), 0);
    const char *sub[] = {"area", "add", "ZZ-YH", "--name", "银河办事处", "--kind", "subdistrict", "--parent", "ZZ", NULL};
    CHECK_EQ_INT(run(NULL, NULL, sub), 0);
    const char *again[] = {"area", "add", "ZZ-YH", "--name", "重复", "--kind", "subdistrict", "--parent", "ZZ", NULL};
    CHECK_EQ_INT(run(NULL, NULL, again), 1); /* refused: code taken */
    const char *badkind[] = {"area", "add", "ZZ-X", "--name", "x", "--kind", "district", "--parent", "ZZ-YH", NULL};
    CHECK_EQ_INT(run(NULL, NULL, badkind), 1);

    const char *add[] = {"user", "add", "Zhou.Li", "--role", "officer", "--area", "ZZ-YH", "--password-stdin", NULL};
    CHECK_EQ_INT(run("correct-horse\n", NULL, add), 0);
    const char *noarea[] = {"user", "add", "wu", "--role", "staff", "--password-stdin", NULL};
    CHECK_EQ_INT(run("correct-horse\n", NULL, noarea), 1);
    const char *weak[] = {"user", "add", "wu", "--role", "staff", "--area", "ZZ-YH", "--password-stdin", NULL};
    CHECK_EQ_INT(run("short\n", NULL, weak), 1);
    const char *norole[] = {"user", "add", "wu", "--password-stdin", NULL};
    CHECK_EQ_INT(run("correct-horse\n", NULL, norole), 2);
    const char *unknown[] = {"user", "add", "wu", "--role", "staff", "--colour", "red", "--password-stdin", NULL};
    CHECK_EQ_INT(run("correct-horse\n", NULL, unknown), 2);

    char *out = NULL;
    const char *list[] = {"user", "list", NULL};
    CHECK_EQ_INT(run(NULL, &out, list), 0);
    CHECK(out && strstr(out, "zhou.li") && strstr(out, "officer") && strstr(out, "ZZ-YH"));
    free(out);

    CHECK(fxt_start(&srv) == 0);
    char *t = fxt_login(&srv, "zhou.li", "correct-horse");
    CHECK(t != NULL);
    const char *dis[] = {"user", "disable", "zhou.li", NULL};
    CHECK_EQ_INT(run(NULL, NULL, dis), 0);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/session", t, NULL);
    CHECK_EQ_INT(r.status, 401); /* disabling from the CLI ends a live session */
    fxt_free(&r);
    const char *en[] = {"user", "enable", "zhou.li", NULL};
    CHECK_EQ_INT(run(NULL, NULL, en), 0);
    const char *pass[] = {"user", "passwd", "zhou.li", "--password-stdin", NULL};
    CHECK_EQ_INT(run("battery-staple\n", NULL, pass), 0);
    free(t);
    CHECK(fxt_login(&srv, "zhou.li", "correct-horse") == NULL);
    t = fxt_login(&srv, "zhou.li", "battery-staple");
    CHECK(t != NULL);
    free(t);
    const char *ghost[] = {"user", "disable", "ghost", NULL};
    CHECK_EQ_INT(run(NULL, NULL, ghost), 1);
}

static void tokens(void)
{
    char *out = NULL;
    const char *add[] = {"token", "add", "city-platform", "--kind", "partner", NULL};
    CHECK_EQ_INT(run(NULL, &out, add), 0);
    char tok[100] = "";
    if (out)
        sscanf(out, "%99s", tok);
    CHECK(strncmp(tok, "fxp_", 4) == 0 && strlen(tok) == 68);
    free(out);
    const char *dup[] = {"token", "add", "city-platform", "--kind", "partner", NULL};
    CHECK_EQ_INT(run(NULL, NULL, dup), 1);
    const char *badkind[] = {"token", "add", "x", "--kind", "robot", NULL};
    CHECK_EQ_INT(run(NULL, NULL, badkind), 1);
    /* the token authenticates (it is accepted, even if it may call no staff endpoint) */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/areas", tok, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void demo_twice(void)
{
    char pw1[32], pw2[32];
    const char *args[] = {"demo", NULL};
    char *out = NULL;
    CHECK(fxt_demo(&srv, pw1) == 0);
    CHECK_EQ_INT(fxt_cli(&srv, NULL, &out, args), 0); /* repeatable: nobody new, a fresh password */
    CHECKF(out && strstr(out, " 0 people and 0 merchants created"), "%s", out ? out : "");
    CHECK(out && sscanf(strstr(out, "password ") ? strstr(out, "password ") : "", "password %31s", pw2) == 1);
    CHECK(strcmp(pw1, pw2) != 0);
    free(out);
    char *t = fxt_login(&srv, "panpeng", pw2);
    CHECK(t != NULL);
    /* 第十二工作站's staff see their workstation and what is below it, nothing else */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/areas?limit=500", t, NULL);
    CHECK_EQ_INT(r.status, 200);
    size_t i;
    json_t *it;
    int outside = 0;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        outside += strncmp(json_string_value(json_object_get(it, "code")), "HKG-YH-IT-W12", 13) != 0;
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 10);
    CHECK_EQ_INT(outside, 0);
    fxt_free(&r);
    free(t);
}

static char *placement(const fxt_server *s)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"SELECT group_concat(x, ';') FROM (SELECT p.id_number || '@' || a.code || '/' ||"
             " COALESCE(h.room, '') || COALESCE(h.address, '') AS x FROM persons p JOIN areas a ON a.id = p.area_id"
             " LEFT JOIN households h ON h.id = p.household_id ORDER BY p.id_number)\" | sha256sum",
             s->db);
    FILE *p = popen(cmd, "r");
    char *out = calloc(1, 128);
    if (p) {
        if (!fgets(out, 128, p))
            out[0] = '\0';
        pclose(p);
    }
    return out;
}

/* Both databases hold the same people in the same places; then both go. */
static void same_placement_then_teardown(fxt_server *a, fxt_server *b)
{
    char *ha = placement(a), *hb = placement(b);
    CHECKF(strlen(ha) > 60 && strcmp(ha, hb) == 0, "%s vs %s", ha, hb);
    free(ha);
    free(hb);
    fxt_teardown(a);
    fxt_teardown(b);
}

static void demo_is_repeatable(void)
{
    /* the same seed puts the same people in the same households, in two fresh databases */
    fxt_server a, b;
    char pw[32];
    CHECK(fxt_setup(&a) == 0 && fxt_setup(&b) == 0);
    CHECK(fxt_demo(&a, pw) == 0 && fxt_demo(&b, pw) == 0);
    same_placement_then_teardown(&a, &b);
}

/* One number from the database, by the sqlite3 shell (-1 when it fails). */
static long long sql_num(const fxt_server *s, const char *sql)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\"", s->db, sql);
    FILE *p = popen(cmd, "r");
    long long v = -1;
    if (p) {
        if (fscanf(p, "%lld", &v) != 1)
            v = -1;
        pclose(p);
    }
    return v;
}

static void demo_city(void)
{
    /* beyond the seed's 31,200 people a city grows around it: districts down to
     * households, counted, searchable, the same for the same seed */
    fxt_server a, b;
    CHECK(fxt_setup(&a) == 0 && fxt_setup(&b) == 0);
    const char *args[] = {"demo", "--people", "80000", "--seed", "7", NULL};
    char *out = NULL;
    CHECK_EQ_INT(fxt_cli(&a, NULL, &out, args), 0);
    CHECKF(out && strstr(out, " 80000 people"), "%s", out ? out : "");
    char pw[32] = "";
    CHECK(out && strstr(out, "password ") && sscanf(strstr(out, "password "), "password %31s", pw) == 1);
    free(out);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM persons"), 80000);
    /* counters: the top-level areas add up to everyone, and each district to its own people */
    CHECK_EQ_INT(sql_num(&a, "SELECT SUM(c.persons) FROM area_counts c JOIN areas a ON a.id = c.area_id"
                             " WHERE a.parent_id IS NULL"), 80000);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM areas d JOIN area_counts c ON c.area_id = d.id WHERE d.kind ="
                             " 'district' AND d.parent_id IS NULL AND c.persons <> (SELECT COUNT(*) FROM persons p"
                             " WHERE p.top_area_id = d.id)"), 0);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM areas u JOIN area_counts c ON c.area_id = u.id WHERE u.kind ="
                             " 'unit' AND c.households <> (SELECT COUNT(*) FROM households h WHERE h.area_id = u.id)"), 0);
    CHECK(sql_num(&a, "SELECT COUNT(*) FROM areas WHERE code LIKE 'ZY-S01-C1-Q1-B%-U%'") == 16);
    /* unique codes, birth dates in the past, households of one to five */
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(DISTINCT personal_code) FROM persons"), 80000);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM persons WHERE birth_date > 20261129 OR birth_date < 19000101"), 0);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM (SELECT household_id FROM persons WHERE top_area_id <> (SELECT id"
                             " FROM areas WHERE code = 'HKG') GROUP BY household_id HAVING COUNT(*) > 5)"), 0);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM pragma_index_list('persons')"), 8);
    /* the seed is still there as it was, and the two live side by side */
    CHECK(sql_num(&a, "SELECT c.persons FROM area_counts c JOIN areas a ON a.id = c.area_id WHERE a.code = 'HKG'") ==
          31200);
    /* found the way staff look for people: a city person by the last 4 of their ID within the district */
    CHECK(fxt_start(&a) == 0);
    char *t = fxt_login(&a, "admin", pw);
    CHECK(t != NULL);
    char q[200], last4[8] = "", name[64] = "";
    FILE *p = NULL;
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"SELECT substr(p.id_number, 15), p.name FROM persons p JOIN areas a ON"
                 " a.id = p.top_area_id WHERE a.code = 'JS' ORDER BY p.id LIMIT 1 OFFSET 77\"", a.db);
        p = popen(cmd, "r");
        CHECK(p && fscanf(p, "%7[^|]|%63s", last4, name) == 2);
        if (p)
            pclose(p);
    }
    snprintf(q, sizeof q, "/api/v1/persons?q=%s&area=JS", last4);
    fxt_resp r = fxt_req(&a, "GET", q, t, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECKF(r.body && strstr(r.body, name), "%s not found by %s", name, last4);
    fxt_free(&r);
    free(t);
    fxt_stop(&a);
    /* a city needs an empty registry: refused, with the reason, on a full one */
    out = NULL;
    CHECK_EQ_INT(fxt_cli(&a, NULL, &out, args), 1);
    free(out);
    CHECK_EQ_INT(sql_num(&a, "SELECT COUNT(*) FROM persons"), 80000);
    /* deterministic: the same seed, the same people in the same places */
    CHECK_EQ_INT(fxt_cli(&b, NULL, NULL, args), 0);
    same_placement_then_teardown(&a, &b);
}

static void write_file(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", srv.dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Work orders and risk areas from files, offline: the API's rules, rejects by row and field. */
static void field_imports(void)
{
    char orders[400], risks[400], nocol[400], *out = NULL;
    write_file("orders.csv",
               "external_id,kind,title,address,deadline\n"
               "CLI-1,核查,核查返郑人员,港城公寓1号楼1单元,2027-01-16T12:00:00+08:00\n"
               "CLI-2,核查,无地址,,1800000000\n"
               "CLI-3,核查,坏期限,,tomorrow\n"
               "CLI-4,核查,,,1800000000\n",
               orders, sizeof orders);
    const char *imp[] = {"workorders", "import", orders, NULL};
    CHECK_EQ_INT(run(NULL, &out, imp), 0);
    CHECKF(out && strstr(out, "4 orders: 2 new, 0 already pushed, 2 rejected"), "%s", out ? out : "");
    CHECKF(out && strstr(out, "row 4, deadline") && strstr(out, "row 5, title"), "%s", out ? out : "");
    free(out);
    CHECK_EQ_INT(run(NULL, &out, imp), 0); /* again: counted once */
    CHECKF(out && strstr(out, "0 new, 2 already pushed"), "%s", out ? out : "");
    free(out);
    const char *list[] = {"workorders", "list", NULL};
    CHECK_EQ_INT(run(NULL, &out, list), 0);
    CHECKF(out && strstr(out, "CLI-1") && strstr(out, "HKG-YH-IT-W12") && strstr(out, "2027-01-16 12:00") &&
               strstr(out, "(triage)") && strstr(out, "2 orders"),
           "%s", out ? out : "");
    free(out);
    const char *news[] = {"workorders", "list", "--status", "done", NULL};
    CHECK_EQ_INT(run(NULL, &out, news), 0);
    CHECKF(out && strstr(out, "0 orders") && !strstr(out, "CLI-1"), "%s", out ? out : "");
    free(out);
    const char *badst[] = {"workorders", "list", "--status", "finished", NULL};
    CHECK_EQ_INT(run(NULL, NULL, badst), 2);
    write_file("nocol.csv", "id,title\nX,y\n", nocol, sizeof nocol);
    const char *imp2[] = {"workorders", "import", nocol, NULL};
    CHECK_EQ_INT(run(NULL, NULL, imp2), 1);
    const char *missing[] = {"workorders", "import", "/no/such/file.csv", NULL};
    CHECK_EQ_INT(run(NULL, NULL, missing), 1);

    write_file("risk.csv",
               "name,level,valid_from,valid_to\n"
               "上海市浦东新区,high,2027-01-01,2027-01-31\n"
               "西安市,severe,2027-01-01,2027-01-31\n",
               risks, sizeof risks);
    const char *risk[] = {"risk-areas", "import", risks, NULL};
    CHECK_EQ_INT(run(NULL, &out, risk), 0);
    CHECKF(out && strstr(out, "1 risk areas stored, 1 rejected") && strstr(out, "row 3, level"), "%s",
           out ? out : "");
    free(out);
    const char *nofile[] = {"risk-areas", "import", NULL};
    CHECK_EQ_INT(run(NULL, NULL, nofile), 2);
}

/* GET path as token on s; the count of the response's "items" (-1 when not 200). */
static long count_items(fxt_server *s, const char *token, const char *path)
{
    fxt_resp r = fxt_req(s, "GET", path, token, NULL);
    long n = r.status == 200 ? (long)json_array_size(json_object_get(r.json, "items")) : -1;
    fxt_free(&r);
    return n;
}

/* `demo-ops` adds an operations day a user sees on every screen; the plain demo has none. */
static void demo_ops_day(void)
{
    fxt_server a;
    char pw[32];
    CHECK(fxt_setup(&a) == 0);
    CHECK(fxt_demo(&a, pw) == 0 && fxt_start(&a) == 0);
    char *off = fxt_login(&a, "cuizhengbo", pw);
    CHECK(off != NULL);
    if (!off) {
        fxt_teardown(&a);
        return;
    }
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/rounds"), 0); /* the demo alone: no operations */
    const char *args[] = {"demo-ops", NULL};
    char *out = NULL;
    CHECK_EQ_INT(fxt_cli(&a, NULL, &out, args), 0);
    CHECKF(out && strstr(out, "456 isolation cases"), "%s", out ? out : "");
    free(out);
    out = NULL;
    CHECK_EQ_INT(fxt_cli(&a, NULL, &out, args), 0); /* again: nothing more */
    CHECKF(out && strstr(out, "already"), "%s", out ? out : "");
    free(out);
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/rounds"), 1);

    /* the round: 20 sites with coordinates, a stored plan the checker accepts, one positive pending */
    fxt_resp r = fxt_req(&a, "GET", "/api/v1/rounds", off, NULL);
    long long round = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    fxt_free(&r);
    r = fxt_req(&a, "GET", "/api/v1/sites?area=HKG-YH&limit=100", off, NULL);
    size_t i;
    json_t *it;
    int with_coords = 0;
    json_array_foreach(json_object_get(r.json, "items"), i, it) with_coords += json_is_number(json_object_get(it, "lat"));
    CHECK_EQ_INT(with_coords, 20);
    fxt_free(&r);
    char path[160], pf[400], lf[400], cmd[1000];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    r = fxt_req(&a, "GET", path, off, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *plan = json_object_get(r.json, "plan");
    CHECK(json_integer_value(json_object_get(json_object_get(plan, "summary"), "boxes")) > 20);
    snprintf(pf, sizeof pf, "%s/ops-problem.json", a.dir);
    snprintf(lf, sizeof lf, "%s/ops-plan.json", a.dir);
    CHECK(json_dump_file(json_object_get(r.json, "problem"), pf, 0) == 0);
    CHECK(json_dump_file(json_object_get(plan, "future") ? json_object_get(plan, "future") : plan, lf, 0) == 0);
    fxt_free(&r);
    snprintf(cmd, sizeof cmd, "%s plan check %s %s >/dev/null", fxt_bin(), pf, lf);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    r = fxt_req(&a, "GET", path, off, NULL);
    CHECK_EQ_INT((int)json_array_size(json_object_get(r.json, "vehicles")), 7);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/positives", round);
    r = fxt_req(&a, "GET", path, off, NULL);
    CHECK_EQ_INT((int)json_array_size(json_object_get(r.json, "items")), 1);
    CHECK(r.body && strstr(r.body, "\"pending\""));
    fxt_free(&r);

    /* isolation at the seed's scale, a door left open, an overdue request, the sealed compound */
    r = fxt_req(&a, "GET", "/api/v1/isolations/summary", off, NULL);
    CHECK(json_integer_value(json_object_get(json_object_get(r.json, "cases"), "active")) >= 450);
    fxt_free(&r);
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/alarms?open=1"), 1);
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/requests?overdue=1"), 1);
    CHECK(count_items(&a, off, "/api/v1/requests") >= 4);
    r = fxt_req(&a, "GET", "/api/v1/zones?status=active", off, NULL);
    CHECK_EQ_INT((int)json_array_size(json_object_get(r.json, "items")), 1);
    CHECK(r.body && strstr(r.body, "\"sealed\"") && strstr(r.body, "HKG-YH-IT-W12-GC"));
    fxt_free(&r);

    /* the city platform's orders: one overdue, one waiting in triage */
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/work-orders?overdue=1"), 1);
    CHECK_EQ_INT(count_items(&a, off, "/api/v1/work-orders?triage=1"), 1);

    /* tomorrow's supplies: one item short at 银河's warehouse */
    snprintf(path, sizeof path, "/api/v1/supply/pick-lists?round=%lld", round);
    r = fxt_req(&a, "GET", path, off, NULL);
    json_t *sf = json_object_get(json_array_get(json_object_get(r.json, "warehouses"), 0), "shortfalls");
    CHECKF(json_array_size(sf) == 1, "%s", r.body ? r.body : "");
    fxt_free(&r);

    /* 张庄: the seed's teams, the mentor pair, a week's roster with one open night, the sweep */
    char *zz = fxt_login(&a, "lijunchuan", pw);
    CHECK(zz != NULL);
    CHECK(count_items(&a, zz, "/api/v1/teams") >= 4);
    CHECK_EQ_INT(count_items(&a, zz, "/api/v1/mentor-pairs"), 1);
    r = fxt_req(&a, "GET", "/api/v1/roster/gaps?hours=168", zz, NULL);
    CHECKF(r.status == 200 && json_array_size(json_object_get(r.json, "gaps")) == 1, "%s", r.body ? r.body : "");
    fxt_free(&r);
    CHECK_EQ_INT(count_items(&a, zz, "/api/v1/arrivals"), 4);
    r = fxt_req(&a, "GET", "/api/v1/sweeps", zz, NULL);
    json_t *p = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "progress");
    long long hh = json_integer_value(json_object_get(p, "households")), done = json_integer_value(json_object_get(p, "done"));
    CHECKF(done > 0 && done < hh, "%s", r.body ? r.body : "");
    fxt_free(&r);
    char *adm = fxt_login(&a, "admin", pw);
    CHECK_EQ_INT(count_items(&a, adm, "/api/v1/disinfection/schedules?overdue=1"), 1);
    free(adm);
    free(zz);
    free(off);
    fxt_teardown(&a);
}

static void bad_database_path(void)
{
    fxt_server bad = srv;
    snprintf(bad.db, sizeof bad.db, "/proc/no/such/dir/x.db");
    const char *args[] = {"init", NULL};
    CHECK_EQ_INT(fxt_cli(&bad, NULL, NULL, args), 1);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0) {
        fprintf(stderr, "cannot set up (%s)\n", fxt_bin());
        return 1;
    }
    RUN(version_and_help);
    RUN(areas_and_users);
    RUN(tokens);
    RUN(demo_twice);
    RUN(field_imports);
    RUN(demo_is_repeatable);
    RUN(demo_city);
    RUN(demo_ops_day);
    RUN(bad_database_path);
    fxt_teardown(&srv);
    return th_done("cli");
}
