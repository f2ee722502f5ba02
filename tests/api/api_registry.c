/* API tests: persons and households — register, search, mask, change, import. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fxt_server srv;
static char pw[32];
static char *admin, *staff, *officer_zz, *registrar;


static long long register_person(const char *body, int expect)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/persons", staff, body);
    CHECKF(r.status == expect, "status %d (%s)", r.status, r.body ? r.body : "");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static void register_and_read(void)
{
    long long id = register_person("{\"name\":\"潘 小明\",\"id_number\":\" 11010519491231002x \",\"phone\":\"+86 138-0013-8000\","
                                   "\"area\":\"HKG-YH-IT-W12-XR-B1-U1\",\"room\":\"1201\",\"flags\":[\"elderly\",\"alone\"]}",
                                   201);
    CHECK(id > 0);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/persons/%lld", id);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "name"), "潘小明");             /* spaces dropped from a Chinese name */
    CHECK_STR(sfield(r.json, "id_number"), "11010519491231002X"); /* upper-case check character */
    CHECK_STR(sfield(r.json, "phone"), "13800138000");
    CHECK_STR(sfield(r.json, "birth_date"), "1949-12-31");
    CHECK_STR(sfield(r.json, "sex"), "F");
    CHECK(strstr(sfield(r.json, "address") ? sfield(r.json, "address") : "", "1201") != NULL);
    CHECK(json_array_size(json_object_get(r.json, "flags")) == 2);
    CHECK(json_is_false(json_object_get(r.json, "masked")));
    const char *code = sfield(r.json, "personal_code");
    char pcode[32] = "";
    if (code)
        snprintf(pcode, sizeof pcode, "%s", code);
    CHECK(strlen(pcode) == 12);
    fxt_free(&r);

    /* a registrar confirms identity by the card's code: sees the name, not the whole ID or phone */
    snprintf(path, sizeof path, "/api/v1/persons/lookup?code=%s", pcode);
    r = fxt_req(&srv, "GET", path, registrar, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "name"), "潘小明");
    CHECK_STR(sfield(r.json, "id_number"), "1101**********002X");
    CHECK_STR(sfield(r.json, "phone"), "138****8000");
    CHECK(json_object_get(r.json, "personal_code") == NULL);
    fxt_free(&r);
    /* but may not search by name */
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=%E6%BD%98", registrar, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void bad_person_input(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/persons", staff,
                         "{\"name\":\"李四\",\"id_number\":\"110105194912310021\",\"area\":\"HKG-YH-IT-W12-XR\",\"room\":\"1\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_id_number");
    const char *m = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(m && strstr(m, "check digit"), "message: %s", m ? m : "");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/persons", staff,
                "{\"name\":\"李四\",\"id_number\":\"440524198001010013\",\"phone\":\"12345\",\"area\":\"HKG-YH-IT-W12-XR\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_phone");
    fxt_free(&r);
    register_person("{\"name\":\"重复\",\"id_number\":\"11010519491231002X\",\"area\":\"HKG-YH-IT-W12-XR\",\"room\":\"2\"}", 409);
    /* a passport needs its type; then it is taken as written */
    r = fxt_req(&srv, "POST", "/api/v1/persons", staff,
                "{\"name\":\"John Smith\",\"id_number\":\"E12345678\",\"area\":\"HKG-YH-IT-W12-XR\",\"room\":\"3\"}");
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
    register_person("{\"name\":\"John  Smith\",\"id_type\":\"passport\",\"id_number\":\"e1234 5678\","
                    "\"area\":\"HKG-YH-IT-W12-XR\",\"room\":\"3\"}", 201);
    /* outside one's area */
    r = fxt_req(&srv, "POST", "/api/v1/persons", staff,
                "{\"name\":\"外人\",\"id_number\":\"440524198001010013\",\"area\":\"HKG-ZZ-ZZC\",\"address\":\"翟庄村1号\"}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void searches_use_every_key(void)
{
    /* 15-digit old number: stored as 18 */
    register_person("{\"name\":\"翟西才\",\"id_number\":\"410184650312123\",\"phone\":\"13937100001\","
                    "\"area\":\"HKG-YH-IT-W12-GC-B1-U1\",\"room\":\"502\"}", 201);
    struct { const char *q; const char *want; } cases[] = {
        {"/api/v1/persons?q=%E7%BF%9F%E8%A5%BF%E6%89%8D", "翟西才"},           /* exact name */
        {"/api/v1/persons?q=%E7%BF%9F%E8%A5%BF", "翟西才"},                    /* name prefix */
        {"/api/v1/persons?q=410184196503121231", "翟西才"},                    /* full 18-digit ID */
        {"/api/v1/persons?q=410184650312123", "翟西才"},                       /* the old 15-digit form */
        {"/api/v1/persons?q=1231", "翟西才"},                                  /* ID last 4 */
        {"/api/v1/persons?q=13937100001", "翟西才"},                           /* full phone */
        {"/api/v1/persons?phone=0001", "翟西才"},                              /* phone last 4 */
        {"/api/v1/persons?address=%E6%B8%AF%E5%9F%8E%E5%85%AC%E5%AF%931%E5%8F%B7%E6%A5%BC1%E5%8D%95%E5%85%83502", "翟西才"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fxt_resp r = fxt_req(&srv, "GET", cases[i].q, staff, NULL);
        CHECK_EQ_INT(r.status, 200);
        bool found = false;
        size_t k;
        json_t *it;
        json_array_foreach(items(&r), k, it) found |= sfield(it, "name") && !strcmp(sfield(it, "name"), cases[i].want);
        CHECKF(found, "%s did not find %s: %s", cases[i].q, cases[i].want, r.body ? r.body : "");
        fxt_free(&r);
    }
    /* last 4 searches stay inside one's area: 张庄's officer does not find 银河's people */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/persons?q=1231", officer_zz, NULL);
    CHECK_EQ_INT(r.status, 200);
    size_t k;
    json_t *it;
    int outside = 0;
    json_array_foreach(items(&r), k, it) outside += strncmp(sfield(it, "area"), "HKG-ZZ", 6) != 0;
    CHECK_EQ_INT(outside, 0);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=410184196503121231", officer_zz, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=", staff, NULL);
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
}

static void change_is_audited_and_counted(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/areas/HKG-YH-IT-W12-GC/stats", staff, NULL);
    long long before = json_integer_value(json_object_get(r.json, "persons"));
    long long floating_before = json_integer_value(json_object_get(r.json, "floating"));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=410184196503121231", staff, NULL);
    long long id = json_integer_value(json_object_get(json_array_get(items(&r), 0), "id"));
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/persons/%lld", id);
    r = fxt_req(&srv, "PATCH", path, staff, "{\"phone\":\"13937100002\",\"category\":\"流动人口\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "category"), "floating");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas/HKG-YH-IT-W12-GC/stats", staff, NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "persons")), before);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "floating")), floating_before + 1);
    CHECK(json_array_size(json_object_get(r.json, "children")) >= 1);
    fxt_free(&r);
    char apath[120];
    snprintf(apath, sizeof apath, "/api/v1/audit?entity=person&id=%lld", id);
    r = fxt_req(&srv, "GET", apath, admin, NULL);
    json_t *e = json_array_get(items(&r), 0);
    CHECK_STR(sfield(e, "action"), "update");
    CHECK_STR(sfield(json_object_get(json_object_get(e, "changes"), "phone"), "to"), "13937100002");
    fxt_free(&r);
}

static json_t *wait_import(long long id)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/imports/%lld", id);
    for (int i = 0; i < 300; i++) {
        fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
        const char *st = sfield(r.json, "status");
        if (st && strcmp(st, "running") != 0) {
            json_t *j = json_incref(r.json);
            fxt_free(&r);
            return j;
        }
        fxt_free(&r);
        usleep(50000);
    }
    return NULL;
}

static long long post_csv_kind(const char *kind, const char *csv, size_t len, const char *area)
{
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST /api/v1/imports/%s?area=%s&name=t.csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Authorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %zu\r\n\r\n",
                      kind, area, staff, len);
    char *req = malloc((size_t)hl + len);
    memcpy(req, head, (size_t)hl);
    memcpy(req + hl, csv, len);
    fxt_resp r = fxt_raw(&srv, req, (size_t)hl + len, 20000);
    free(req);
    CHECKF(r.status == 202, "import upload: %d %s", r.status, r.body ? r.body : "");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static long long post_csv(const char *csv, size_t len, const char *area)
{
    return post_csv_kind("persons", csv, len, area);
}

static void import_with_rejects(void)
{
    /* GBK, as Excel saves it on a Chinese Windows: 姓名,身份证号,楼栋,单元,房号 */
    const char csv[] =
        "\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5,\xc2\xa5\xb6\xb0,\xb5\xa5\xd4\xaa,\xb7\xbf\xba\xc5\r\n"
        "\xd5\xc5\xc8\xfd,440524198001010013,3,1,101\r\n"                /* 张三: good */
        "\xc0\xee\xcb\xc4,440524198001010012,3,1,102\r\n"                /* 李四: bad check digit */
        "\"\xcd\xf5\xce\xe5\",440524198102030016,3,1,103,extra\r\n"     /* 王五: too many fields */
        "\xd5\xd4\xc1\xf9,440524198203040034,3,2,201\r\n";              /* 赵六: good */
    long long id = post_csv(csv, sizeof csv - 1, "HKG-YH-IT-W12-XR");
    json_t *j = wait_import(id);
    CHECK(j != NULL);
    CHECK_STR(sfield(j, "status"), "done");
    CHECK_STR(sfield(j, "encoding"), "gbk");
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "accepted")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "rejected")), 2);
    json_decref(j);
    char path[100];
    snprintf(path, sizeof path, "/api/v1/imports/%lld/rejects", id);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    json_t *first = json_array_get(items(&r), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(first, "row")), 3);
    CHECK_STR(sfield(first, "field"), "id_number");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(items(&r), 1), "row")), 4);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", path, officer_zz, NULL); /* another area's import is not found */
    CHECK_EQ_INT(r.status, 404);
    CHECK_STR(fxt_err(&r), "import_not_found");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/imports/12345", staff, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/imports/%lld/rejects?format=csv", id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECKF(r.body && strncmp(r.body, "\xef\xbb\xbfrow,level,field,reason,raw", 28) == 0, "%.80s", r.body ? r.body : "");
    CHECK(r.body && strstr(r.body, "李四"));
    fxt_free(&r);
    /* the building and units were created under the compound, named as people say them */
    r = fxt_req(&srv, "GET", "/api/v1/areas/HKG-YH-IT-W12-XR-B3-U2", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "name"), "2单元");
    fxt_free(&r);
    /* the same file again changes nothing */
    long long id2 = post_csv(csv, sizeof csv - 1, "HKG-YH-IT-W12-XR");
    j = wait_import(id2);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "accepted")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "unchanged")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "merged")), 0);
    json_decref(j);
}

static void import_refuses_what_is_not_csv(void)
{
    const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00rubbish";
    long long id = post_csv(xlsx, sizeof xlsx - 1, "HKG-YH-IT-W12-XR");
    json_t *j = wait_import(id);
    CHECK_STR(sfield(j, "status"), "failed");
    CHECKF(strstr(sfield(j, "message") ? sfield(j, "message") : "", "xlsx") != NULL, "message: %s",
           sfield(j, "message"));
    json_decref(j);
    const char nohead[] = "foo,bar\n1,2\n";
    id = post_csv(nohead, sizeof nohead - 1, "HKG-YH-IT-W12-XR");
    j = wait_import(id);
    CHECK_STR(sfield(j, "status"), "failed");
    CHECK(strstr(sfield(j, "message") ? sfield(j, "message") : "", "姓名") != NULL);
    json_decref(j);
}

static void cli_import_limits_and_reports(void)
{
    char file[400];
    snprintf(file, sizeof file, "%s/big.csv", srv.dir);
    FILE *f = fopen(file, "w");
    fputs("name,id_number\n", f);
    for (int i = 0; i < 120000; i++)
        fputs("重复者,110101199003070011\n", f);
    fclose(f);
    const char *args[] = {"import", "persons", file, "--area", "HKG-YH-IT-W12-XR", "--max-mb", "1", NULL};
    CHECK_EQ_INT(fxt_cli(&srv, NULL, NULL, args), 1); /* 2.9 MB > 1 MB: refused before reading */
    const char *args2[] = {"import", "persons", file, "--area", "HKG-YH-IT-W12-XR", NULL};
    char *out = NULL;
    CHECK_EQ_INT(fxt_cli(&srv, NULL, &out, args2), 0);
    CHECKF(out && strstr(out, "120000 rows") && strstr(out, ": 1 accepted") && strstr(out, ", 0 rejected"), "%s", out ? out : "");
    free(out);
    char rej[420];
    snprintf(rej, sizeof rej, "%s.rejects.csv", file);
    CHECK(access(rej, F_OK) == 0); /* the repeats are reported as warnings */
    const char *args3[] = {"import", "persons", "/nonexistent.csv", "--area", "HKG", NULL};
    CHECK_EQ_INT(fxt_cli(&srv, NULL, NULL, args3), 1);
}

static void area_listing_pages_through_everyone(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/areas/HKG-YH-IT-W12-GC/stats", staff, NULL);
    long long want = json_integer_value(json_object_get(r.json, "persons"));
    fxt_free(&r);
    char path[200] = "/api/v1/persons?area=HKG-YH-IT-W12-GC&limit=200";
    long long seen = 0, dups = 0, last = 0, pages = 0;
    static long long ids[20000];
    for (;;) {
        r = fxt_req(&srv, "GET", path, staff, NULL);
        CHECK_EQ_INT(r.status, 200);
        size_t k;
        json_t *it;
        json_array_foreach(items(&r), k, it) {
            long long id = json_integer_value(json_object_get(it, "id"));
            for (long long j = seen > 400 ? seen - 400 : 0; j < seen; j++) /* pages never overlap */
                dups += ids[j] == id;
            if (seen < 20000)
                ids[seen] = id;
            seen++;
            last = id;
        }
        pages++;
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (!next || pages > 200) {
            fxt_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/api/v1/persons?area=HKG-YH-IT-W12-GC&limit=200&cursor=%s", next);
        fxt_free(&r);
    }
    (void)last;
    CHECKF(seen == want, "paged through %lld of %lld people", seen, want);
    CHECK_EQ_INT(dups, 0);
    CHECK(pages >= 40);
}

static void households(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/households?area=HKG-YH-IT-W12-XR-B1-U1", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_array_size(items(&r)) >= 1);
    long long hid = json_integer_value(json_object_get(json_array_get(items(&r), 0), "id"));
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/households/%lld", hid);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "persons")) >= 1);
    fxt_free(&r);
    r = fxt_req(&srv, "DELETE", path, staff, NULL);
    CHECK_EQ_INT(r.status, 409); /* still has members */
    fxt_free(&r);
    /* a long address (100 Chinese characters, the most allowed) is kept whole and listed */
    char body[600] = "{\"area\":\"HKG-YH-IT-W12-GC\",\"address\":\"";
    for (int i = 0; i < 100; i++)
        strcat(body, "长");
    strcat(body, "\"}");
    r = fxt_req(&srv, "POST", "/api/v1/households", staff, body);
    CHECK_EQ_INT(r.status, 201);
    CHECK(r.body && strlen(r.body) > 300);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/households", staff, body);
    CHECK_EQ_INT(r.status, 409);
    CHECK_STR(fxt_err(&r), "household_exists");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/households", officer_zz, body); /* not 张庄's: refused, nothing revealed */
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "outside_area");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", path, officer_zz, NULL);
    CHECK_EQ_INT(r.status, 404); /* not in 张庄 */
    fxt_free(&r);
}

static void exports(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/exports/persons?area=HKG-YH-IT-W12-GC-B1-U1", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(strstr(fxt_header(&r, "Content-Type") ? fxt_header(&r, "Content-Type") : "", "text/csv") != NULL);
    CHECK(r.body && strncmp(r.body, "\xef\xbb\xbf\"姓名\"", 11) == 0);
    CHECK(r.body && strstr(r.body, "410184196503121231")); /* staff see full numbers */
    CHECK(r.body && strstr(r.body, "翟西才"));
    long rows = atol(fxt_header(&r, "X-Rows") ? fxt_header(&r, "X-Rows") : "0");
    int lines = 0;
    for (const char *p = r.body; p && (p = strstr(p, "\r\n")); p += 2)
        lines++;
    CHECK(rows >= 1 && lines == rows + 1);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/exports/persons?area=HKG-YH-IT-W12-GC&format=xlsx", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(r.body_len > 1000 && memcmp(r.body, "PK\x03\x04", 4) == 0); /* a zip: the XLSX container */
    CHECK(strstr(fxt_header(&r, "Content-Disposition") ? fxt_header(&r, "Content-Disposition") : "", ".xlsx"));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/exports/persons?area=HKG-ZZ", staff, NULL);
    CHECK_EQ_INT(r.status, 404); /* not their area */
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/exports/persons", registrar, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void merchant_import(void)
{
    const char csv[] = "商户名称,营业执照,街道,地址,联系人,联系电话\n"
                       "鑫荣便利店,92410100MAT0001,鑫荣公寓,底商1号,潘鹏,13800000001\n"
                       "坏行\n"
                       "港城快递驿站,92410100MAT0002,HKG-YH-IT-W12-GC,底商2号,王丽,123\n";
    long long id = post_csv_kind("merchants", csv, sizeof csv - 1, "HKG-YH-IT-W12");
    json_t *j = wait_import(id);
    CHECK_STR(sfield(j, "status"), "done");
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "accepted")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "rejected")), 2);
    json_decref(j);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/merchants?area=HKG-YH-IT-W12-XR", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1); /* the street was found by its name, 鑫荣公寓 */
    CHECK_STR(sfield(json_array_get(items(&r), 0), "licence"), "92410100MAT0001");
    fxt_free(&r);
    id = post_csv_kind("merchants", csv, sizeof csv - 1, "HKG-YH-IT-W12");
    j = wait_import(id);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "unchanged")), 1);
    json_decref(j);
}

static void merchants_and_party_contacts(void)
{
    char *bq = fxt_login(&srv, "admin", pw);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/merchants?area=HKG-BQ-ZQ-S3&limit=500", bq, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_array_size(items(&r)) >= 80); /* the demo's 820 merchants over 9 streets */
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/merchants", bq,
                "{\"name\":\"薛记烩面\",\"licence\":\"92410100ma0001\",\"area\":\"HKG-BQ-ZQ-S1\","
                "\"contact_phone\":\"0371-66668888\"}");
    CHECK_EQ_INT(r.status, 201);
    CHECK_STR(sfield(r.json, "licence"), "92410100MA0001");
    CHECK_STR(sfield(r.json, "contact_phone"), "0371-66668888");
    long long mid = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/merchants", bq,
                "{\"name\":\"重复\",\"licence\":\"92410100MA0001\",\"area\":\"HKG-BQ-ZQ-S2\"}");
    CHECK_EQ_INT(r.status, 409);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/merchants?q=%E8%96%9B%E8%AE%B0", bq, NULL); /* 薛记 */
    CHECK(json_array_size(items(&r)) >= 1);
    fxt_free(&r);
    /* staff of the merchant: a person with merchant set */
    char body[300];
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=110101199003070011", bq, NULL);
    long long pid = json_integer_value(json_object_get(json_array_get(items(&r), 0), "id"));
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/persons/%lld", pid);
    snprintf(body, sizeof body, "{\"merchant\":%lld,\"category\":\"merchant_staff\",\"party_member\":true}", mid);
    r = fxt_req(&srv, "PATCH", path, bq, body);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/merchants/%lld", mid);
    r = fxt_req(&srv, "GET", path, bq, NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "staff")), 1);
    fxt_free(&r);
    r = fxt_req(&srv, "DELETE", path, bq, NULL);
    CHECK_EQ_INT(r.status, 409); /* still has staff */
    fxt_free(&r);
    /* the party member looks after a household of 翟庄村 */
    r = fxt_req(&srv, "GET", "/api/v1/households?area=HKG-ZZ-ZZC&limit=1", bq, NULL);
    long long hid = json_integer_value(json_object_get(json_array_get(items(&r), 0), "id"));
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"member\":%lld,\"household\":%lld}", pid, hid);
    r = fxt_req(&srv, "POST", "/api/v1/party-contacts", bq, body);
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/party-contacts?member=%lld", pid);
    r = fxt_req(&srv, "GET", path, bq, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "member_name"), "重复者");
    fxt_free(&r);
    /* a person who is not a party member cannot be one */
    r = fxt_req(&srv, "GET", "/api/v1/persons?q=410184196503121231", bq, NULL);
    long long other = json_integer_value(json_object_get(json_array_get(items(&r), 0), "id"));
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"member\":%lld,\"household\":%lld}", other, hid);
    r = fxt_req(&srv, "POST", "/api/v1/party-contacts", bq, body);
    CHECK_EQ_INT(r.status, 422);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/party-contacts?member=%lld&household=%lld", pid, hid);
    r = fxt_req(&srv, "DELETE", path, bq, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    free(bq);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0 || fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    admin = fxt_login(&srv, "admin", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    officer_zz = fxt_login(&srv, "lijunchuan", pw);
    registrar = fxt_login(&srv, "zhangmingqiang", pw);
    RUN(register_and_read);
    RUN(bad_person_input);
    RUN(searches_use_every_key);
    RUN(change_is_audited_and_counted);
    RUN(import_with_rejects);
    RUN(import_refuses_what_is_not_csv);
    RUN(cli_import_limits_and_reports);
    RUN(area_listing_pages_through_everyone);
    RUN(households);
    RUN(exports);
    RUN(merchant_import);
    RUN(merchants_and_party_contacts);
    fxt_teardown(&srv);
    free(admin);
    free(staff);
    free(officer_zz);
    free(registrar);
    return th_done("api_registry");
}
