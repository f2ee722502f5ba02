/* Printing, as a user would check it: the PDFs are rendered to images (pdftoppm)
 * and their codes read back with a scanner's decoder (zbarimg); the text on the
 * cards is read with pdftotext. Cards must carry exactly the expected personal
 * codes and masked names, never a full name or ID number. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static fxt_server srv;
static char *admin, *staff_w, *staff_x, *driver;

#define NPEOPLE 12
static const char *const names[NPEOPLE] = {"张三明", "欧阳娜娜", "李四", "王小二", "赵钱孙", "周五",
                                           "吴六",   "郑七",     "冯八", "陈九",   "褚十",   "卫十一"};
/* people without a smartphone get a card by default */
static bool no_phone(int i) { return i % 2 == 0 || i == 11; }
static char ids[NPEOPLE][20];
static char codes[NPEOPLE][16];

#define MAXCODES 64
typedef struct decoded {
    int n, pages;
    char code[MAXCODES][64];
} decoded;

/* A valid mainland ID number (GB 11643 check character) for person i. */
/* The i-th person's ID number: 900 a birth day from 1 January 1980 on. */
static void id_number(int i, char out[20])
{
    char born[16];
    snprintf(born, sizeof born, "410184198001%02d", 1 + (i / 900) % 28);
    fxt_id_number(out, born, (unsigned)(100 + i % 900));
}

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static int page_count(const char *pdf)
{
    char line[512];
    int pages = 0;
    snprintf(line, sizeof line, "pdfinfo '%s' 2>/dev/null", pdf);
    FILE *f = popen(line, "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Pages: %d", &pages) == 1)
            break;
    if (f)
        pclose(f);
    return pages;
}

#define DPI 200
#define PX(mm) ((int)((mm) * DPI / 25.4))

/* Renders pdf's pages and decodes every QR code and barcode on them. zbar misses
 * some of many QR codes side by side, so a sheet of cards is decoded card by card,
 * as they are scanned once cut (cards_sheet: 2 x 5 ID-1 cards centred on A4). */
static decoded decode(const char *pdf, bool cards_sheet)
{
    decoded d = {0};
    char prefix[400], list[400], line[256];
    snprintf(prefix, sizeof prefix, "%s/page", srv.dir);
    snprintf(list, sizeof list, "%s/codes.txt", srv.dir);
    d.pages = page_count(pdf);
    if (!cards_sheet)
        CHECK(sh("pdftoppm -r %d -png '%s' '%s'", DPI, pdf, prefix) == 0);
    for (int p = 1; cards_sheet && p <= d.pages; p++)
        for (int slot = 0; slot < 10; slot++)
            CHECK(sh("pdftoppm -r %d -f %d -l %d -x %d -y %d -W %d -H %d -singlefile -png '%s' '%s-%d-%d'", DPI, p, p,
                     PX(19.4 + slot % 2 * 85.6), PX(13.5 + slot / 2 * 54.0), PX(85.6), PX(54.0), pdf, prefix, p,
                     slot) == 0);
    sh("zbarimg -q --raw '%s'-*.png > '%s' 2>/dev/null", prefix, list);
    sh("rm -f '%s'-*.png", prefix);
    FILE *f = fopen(list, "r");
    while (f && d.n < MAXCODES && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line)
            snprintf(d.code[d.n++], 64, "%.63s", line);
    }
    if (f)
        fclose(f);
    qsort(d.code, (size_t)d.n, sizeof d.code[0], cmp);
    return d;
}

/* The decoded codes are exactly want[0..n), in any order. */
static void check_codes(const decoded *d, char want[][16], int n, const char *what)
{
    char sorted[MAXCODES][16];
    memcpy(sorted, want, (size_t)n * sizeof sorted[0]);
    qsort(sorted, (size_t)n, sizeof sorted[0], cmp);
    CHECKF(d->n == n, "%s: %d codes decoded, expected %d", what, d->n, n);
    for (int i = 0; i < n && i < d->n; i++)
        CHECKF(strcmp(d->code[i], sorted[i]) == 0, "%s: decoded %s, expected %s", what, d->code[i], sorted[i]);
}

static char *pdf_text(const char *pdf)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - 2>/dev/null", pdf);
    FILE *f = popen(cmd, "r");
    size_t cap = 1 << 16, len = 0, k;
    char *buf = calloc(1, cap);
    while (f && buf && (k = fread(buf + len, 1, cap - len - 1, f)) > 0)
        len += k;
    if (f)
        pclose(f);
    return buf;
}

static int cli(const char *const *args) { return fxt_cli(&srv, NULL, NULL, args); }

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", srv.dir, name); }

static void setup_registry(void)
{
    static const char *const areas[][4] = {
        {"PT", "测试区", "district", NULL},          {"PT-S", "测试办事处", "subdistrict", "PT"},
        {"PT-S-W", "第一工作站", "workstation", "PT-S"}, {"PT-S-X", "第二工作站", "workstation", "PT-S"},
        {"PT-S-W-C", "幸福小区", "compound", "PT-S-W"},  {"PT-S-X-C", "大院", "compound", "PT-S-X"},
    };
    for (size_t i = 0; i < sizeof areas / sizeof *areas; i++) {
        const char *args[] = {"area", "add", areas[i][0], "--name", areas[i][1], "--kind", areas[i][2],
                              areas[i][3] ? "--parent" : NULL, areas[i][3], NULL};
        CHECK_EQ_INT(cli(args), 0);
    }
    char csv[400];
    path_in(csv, sizeof csv, "people.csv");
    FILE *f = fopen(csv, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "姓名,身份证号,楼栋,单元,房号,特殊人群\n");
    for (int i = 0; i < NPEOPLE; i++) {
        id_number(i, ids[i]);
        fprintf(f, "%s,%s,%d号楼,1单元,%d,%s\n", names[i], ids[i], i < 6 ? 1 : 2, 101 + i,
                no_phone(i) ? "无智能手机、高龄" : i == 3 ? "高龄" : "");
    }
    fclose(f);
    const char *imp[] = {"import", "persons", csv, "--area", "PT-S-W-C", NULL};
    CHECK_EQ_INT(cli(imp), 0);

    CHECK(fxt_start(&srv) == 0);
    CHECK(fxt_user(&srv, "root", "admin", NULL, "correct-horse") == 0);
    CHECK(fxt_user(&srv, "wang", "staff", "PT-S-W", "correct-horse") == 0);
    CHECK(fxt_user(&srv, "xu", "staff", "PT-S-X", "correct-horse") == 0);
    CHECK(fxt_user(&srv, "lu", "driver", "PT-S", "correct-horse") == 0);
    admin = fxt_login(&srv, "root", "correct-horse");
    staff_w = fxt_login(&srv, "wang", "correct-horse");
    staff_x = fxt_login(&srv, "xu", "correct-horse");
    driver = fxt_login(&srv, "lu", "correct-horse");
    CHECK(admin && staff_w && staff_x && driver);

    /* the codes the registry gave them */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/persons?area=PT-S-W&limit=100", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    size_t k;
    json_t *it;
    int found = 0;
    json_array_foreach(json_object_get(r.json, "items"), k, it)
    {
        const char *name = json_string_value(json_object_get(it, "name"));
        const char *code = json_string_value(json_object_get(it, "personal_code"));
        for (int i = 0; i < NPEOPLE; i++)
            if (name && code && strcmp(name, names[i]) == 0) {
                snprintf(codes[i], sizeof codes[i], "%s", code);
                found++;
            }
    }
    CHECK_EQ_INT(found, NPEOPLE);
    fxt_free(&r);
}

static int expected(bool all, char out[][16])
{
    int n = 0;
    for (int i = 0; i < NPEOPLE; i++)
        if (all || no_phone(i))
            memcpy(out[n++], codes[i], 16);
    return n;
}

static void cli_cards_decode_to_the_personal_codes(void)
{
    char pdf[400], want[NPEOPLE][16];
    path_in(pdf, sizeof pdf, "cards.pdf");
    const char *args[] = {"print", "cards", "--area", "PT-S-W", "-o", pdf, NULL};
    CHECK_EQ_INT(cli(args), 0);
    decoded d = decode(pdf, true);
    check_codes(&d, want, expected(false, want), "cards without smartphone");
    CHECK_EQ_INT(d.pages, 1); /* 7 cards: one A4 sheet of 10 */

    char *text = pdf_text(pdf);
    CHECK(text && strstr(text, "张**"));       /* 张三明, masked */
    CHECK(text && strstr(text, "采样时请出示此码"));
    CHECK(text && strstr(text, "幸福小区"));    /* the address */
    for (int i = 0; text && i < NPEOPLE; i++) {
        CHECKF(!strstr(text, names[i]), "the full name %s is printed", names[i]);
        CHECKF(!strstr(text, ids[i]), "the ID number %s is printed", ids[i]);
        CHECKF(!strstr(text, ids[i] + 14), "the last digits of ID number %s are printed", ids[i]);
    }
    free(text);

    /* everyone: two sheets; one card per page for card printers */
    const char *all[] = {"print", "cards", "--area", "PT-S-W-C", "--all", "-o", pdf, NULL};
    CHECK_EQ_INT(cli(all), 0);
    d = decode(pdf, true);
    check_codes(&d, want, expected(true, want), "everyone's cards");
    CHECK_EQ_INT(d.pages, 2);
    text = pdf_text(pdf);
    CHECK(text && strstr(text, "欧***")); /* 欧阳娜娜 has a smartphone: only with --all; one character shows */
    CHECK(text && !strstr(text, "欧阳"));
    free(text);
    const char *single[] = {"print", "cards", "--area", "PT-S-W", "--single", "-o", pdf, NULL};
    CHECK_EQ_INT(cli(single), 0);
    d = decode(pdf, false);
    check_codes(&d, want, expected(false, want), "single cards");
    CHECK_EQ_INT(d.pages, 7);
}

static void cli_cards_bad_input(void)
{
    char pdf[400];
    path_in(pdf, sizeof pdf, "nope.pdf");
    const char *unknown[] = {"print", "cards", "--area", "NOPE", "-o", pdf, NULL};
    CHECK_EQ_INT(cli(unknown), 1);
    CHECK(access(pdf, F_OK) != 0); /* no file left behind */
    const char *noarea[] = {"print", "cards", "-o", pdf, NULL};
    CHECK_EQ_INT(cli(noarea), 2);
    const char *both[] = {"print", "cards", "--area", "PT-S-W", "--all", "--no-smartphone-only", NULL};
    CHECK_EQ_INT(cli(both), 2);
    const char *what[] = {"print", "stickers", NULL};
    CHECK_EQ_INT(cli(what), 2);
}

/* print labels reads no database: run without --db. */
static int labels(const char *opts, const char *pdf)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s print labels %s -o '%s' 2>/dev/null", fxt_bin(), opts, pdf);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void cli_labels_decode_to_their_barcodes(void)
{
    char pdf[400], want[MAXCODES][16];
    path_in(pdf, sizeof pdf, "labels.pdf");
    CHECK_EQ_INT(labels("--prefix T --from 41 --count 30", pdf), 0);
    for (int i = 0; i < 30; i++)
        snprintf(want[i], 16, "T%08d", 41 + i);
    decoded d = decode(pdf, false);
    check_codes(&d, want, 30, "tube labels");
    CHECK_EQ_INT(d.pages, 2); /* 24 on an A4 sheet of 3 x 8 */

    CHECK_EQ_INT(labels("--prefix BOX- --from 1 --count 3 --digits 4 --kind box --single --size 60x40", pdf), 0);
    for (int i = 0; i < 3; i++)
        snprintf(want[i], 16, "BOX-%04d", 1 + i);
    d = decode(pdf, false);
    check_codes(&d, want, 3, "box labels");
    CHECK_EQ_INT(d.pages, 3);

    char list[400], opts[600];
    path_in(list, sizeof list, "list.txt");
    FILE *f = fopen(list, "w");
    if (f) {
        fputs("HX-77\r\n\nHX-78\n", f);
        fclose(f);
    }
    snprintf(opts, sizeof opts, "--list '%s' --grid 2x2", list);
    CHECK_EQ_INT(labels(opts, pdf), 0);
    memcpy(want[0], "HX-77", 6);
    memcpy(want[1], "HX-78", 6);
    d = decode(pdf, false);
    check_codes(&d, want, 2, "labels from a list");
}

static void cli_labels_bad_input(void)
{
    char pdf[400];
    path_in(pdf, sizeof pdf, "bad.pdf");
    CHECK_EQ_INT(labels("--prefix T --from 1 --count 100001", pdf), 2);    /* over the limit */
    CHECK_EQ_INT(labels("--prefix T --from 99999999 --count 2", pdf), 1);  /* past 8 digits */
    CHECK_EQ_INT(labels("--prefix 'T 1' --from 1 --count 2", pdf), 1);     /* a space cannot be scanned back */
    CHECK_EQ_INT(labels("--from 1 --count 2 --single --size 10x10", pdf), 2);
    CHECK_EQ_INT(labels("--from 1 --count 2 --single --size 20x20", pdf), 1); /* bars too thin */
    CHECK_EQ_INT(labels("--count 2", pdf), 2);
    CHECK(access(pdf, F_OK) != 0);
}

static void save(const fxt_resp *r, const char *pdf)
{
    FILE *f = fopen(pdf, "wb");
    if (f) {
        if (r->body_len)
            fwrite(r->body, 1, r->body_len, f);
        fclose(f);
    }
}

static void http_cards_in_ones_area_and_audited(void)
{
    char pdf[400], want[NPEOPLE][16];
    path_in(pdf, sizeof pdf, "http-cards.pdf");
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-W", staff_w, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(fxt_header(&r, "Content-Type"), "application/pdf");
    CHECK_STR(fxt_header(&r, "Content-Disposition"), "attachment; filename=\"cards-PT-S-W.pdf\"");
    save(&r, pdf);
    fxt_free(&r);
    decoded d = decode(pdf, true);
    check_codes(&d, want, expected(false, want), "cards over HTTP");
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-W&all=1&layout=single", staff_w, NULL);
    CHECK_EQ_INT(r.status, 200);
    save(&r, pdf);
    fxt_free(&r);
    d = decode(pdf, false);
    check_codes(&d, want, expected(true, want), "everyone's cards over HTTP");
    CHECK_EQ_INT(d.pages, NPEOPLE);

    /* another workstation's staff, an unknown area, a role that does not print */
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-W", staff_x, NULL);
    CHECK_EQ_INT(r.status, 404);
    CHECK_STR(fxt_err(&r), "area_not_found");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=NOPE", admin, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/cards", admin, NULL);
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-W", driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-W", NULL, NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);

    /* one audit entry per job: who, how many, which area, whom */
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=area&id=PT-S-W", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    int jobs = 0;
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), k, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "action")), "print") != 0)
            continue;
        json_t *ch = json_object_get(it, "changes");
        const char *who = json_string_value(json_object_get(json_object_get(it, "actor"), "name"));
        const char *people = json_string_value(json_object_get(ch, "people"));
        long long cards = json_integer_value(json_object_get(ch, "cards"));
        if (who && strcmp(who, "wang") == 0) {
            jobs++;
            CHECK(people && ((cards == NPEOPLE && !strcmp(people, "all")) ||
                             (cards == 7 && !strcmp(people, "no_smartphone"))));
        }
    }
    CHECK_EQ_INT(jobs, 2);
    fxt_free(&r);
}

static void http_labels_and_limits(void)
{
    char pdf[400], want[MAXCODES][16];
    path_in(pdf, sizeof pdf, "http-labels.pdf");
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/print/labels?prefix=BX-&from=7&count=5&kind=box&layout=single&size=60x40",
                         staff_x, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(fxt_header(&r, "Content-Type"), "application/pdf");
    CHECK(fxt_header(&r, "Content-Disposition") && strstr(fxt_header(&r, "Content-Disposition"), "attachment"));
    save(&r, pdf);
    fxt_free(&r);
    for (int i = 0; i < 5; i++)
        snprintf(want[i], 16, "BX-%08d", 7 + i);
    decoded d = decode(pdf, false);
    check_codes(&d, want, 5, "box labels over HTTP");
    CHECK_EQ_INT(d.pages, 5);

    r = fxt_req(&srv, "GET", "/api/v1/print/labels?prefix=T&from=1&count=2401", staff_x, NULL);
    CHECK_EQ_INT(r.status, 413);
    CHECK_STR(fxt_err(&r), "too_many_labels");
    CHECK(r.body && strstr(r.body, "2400"));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/labels?prefix=T&from=1&count=0", staff_x, NULL);
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/labels?prefix=T&from=x&count=1", staff_x, NULL);
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/print/labels?from=1&count=1&kind=bag", staff_x, NULL);
    CHECK_EQ_INT(r.status, 400);
    fxt_free(&r);

    /* over the cards limit: 1,001 people in the other workstation */
    char csv[400];
    path_in(csv, sizeof csv, "many.csv");
    FILE *f = fopen(csv, "w");
    if (f) {
        fprintf(f, "姓名,身份证号,楼栋,单元,房号\n");
        char id[20];
        for (int i = 0; i < 1001; i++) {
            id_number(1000 + i, id);
            fprintf(f, "居民%d,%s,1号楼,1单元,%d\n", i, id, i);
        }
        fclose(f);
    }
    const char *imp[] = {"import", "persons", csv, "--area", "PT-S-X-C", NULL};
    CHECK_EQ_INT(cli(imp), 0);
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-X&all=1", staff_x, NULL);
    CHECK_EQ_INT(r.status, 413);
    CHECK_STR(fxt_err(&r), "too_many_cards");
    CHECK(r.body && strstr(r.body, "1001") && strstr(r.body, "1000"));
    fxt_free(&r);
    /* nobody there lacks a smartphone: one blank sheet */
    r = fxt_req(&srv, "GET", "/api/v1/print/cards?area=PT-S-X", staff_x, NULL);
    CHECK_EQ_INT(r.status, 200);
    save(&r, pdf);
    fxt_free(&r);
    d = decode(pdf, false);
    CHECK_EQ_INT(d.n, 0);
    CHECK_EQ_INT(d.pages, 1);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0)
        return 1;
    RUN(setup_registry);
    RUN(cli_cards_decode_to_the_personal_codes);
    RUN(cli_cards_bad_input);
    RUN(cli_labels_decode_to_their_barcodes);
    RUN(cli_labels_bad_input);
    RUN(http_cards_in_ones_area_and_audited);
    RUN(http_labels_and_limits);
    free(admin);
    free(staff_w);
    free(staff_x);
    free(driver);
    fxt_teardown(&srv);
    return th_done("api_print");
}
