/* demo_people.c — a plausible, synthetic population for the demo sub-districts,
 * the same for the same seed: names, valid ID numbers, phones, households.
 * It goes in through the real import path, as staff's spreadsheets would. */
#include "cli/demo.h"

#include "core/import.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* splitmix64: small, fast, and deterministic across machines */
uint64_t demo_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

unsigned demo_pick(uint64_t *s, unsigned n) { return (unsigned)(demo_rand(s) % n); }

/* The most common surnames, most frequent first (a rough share of the population). */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
    "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
    "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴",
    "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔",
    "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "翟", "钱", "汤"};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
    "霞", "平", "刚", "桂", "英", "华", "鹏", "辉", "玲", "建", "国", "红", "文", "斌", "宇", "浩", "凯", "晨",
    "欣", "雪", "梅", "琳", "波", "宁", "俊", "峰", "亮", "林", "慧", "颖", "婷", "佳", "博", "瑞", "航", "志",
    "云", "龙", "海", "振", "兴", "丹", "璐", "阳", "帆", "萍", "倩", "晓", "爽", "鑫", "彤", "悦", "昊", "然"};
/* Region codes: Zhengzhou's districts and counties for locals, other provinces for arrivals. */
static const char *const local_regions[] = {"410102", "410103", "410104", "410105", "410122", "410181", "410184"};
static const char *const other_regions[] = {"411302", "411502", "411602", "411702", "341202", "130102",
                                            "370102", "420102", "610102", "510104", "320102", "220102"};
const char *const demo_employers[6] = {"富士康科技集团", "航空港物流园", "郑州新郑国际机场", "港区电子产业园",
                                        "智能终端产业园", "航空港实验区管委会"};

void demo_name(uint64_t *s, char *out, size_t cap)
{
    /* the first 10 surnames carry about 40% of people */
    unsigned si = demo_pick(s, 10) < 4 ? demo_pick(s, 10) : demo_pick(s, sizeof surnames / sizeof *surnames);
    const char *g1 = given[demo_pick(s, sizeof given / sizeof *given)];
    if (demo_pick(s, 10) < 3)
        snprintf(out, cap, "%s%s", surnames[si], g1);
    else
        snprintf(out, cap, "%s%s%s", surnames[si], g1, given[demo_pick(s, sizeof given / sizeof *given)]);
}

static void id_number(uint64_t *s, const char *region, int age, unsigned serial, char out[19])
{
    int year = 2026 - age;
    /* month and day from the serial keep numbers unique within a region and year */
    int month = 1 + (int)(serial / 1000 % 12), day = 1 + (int)(serial / 12000 % 28);
    (void)s;
    snprintf(out, 19, "%s%04d%02d%02d%03u", region, year, month, day, serial % 1000);
    out[17] = fx_idcard_check_char(out);
    out[18] = '\0';
}

void demo_phone(uint64_t *s, char out[12])
{
    static const char *const prefixes[] = {"133", "135", "137", "138", "139", "150", "152", "155", "158",
                                           "166", "176", "180", "183", "186", "188", "199"};
    snprintf(out, 12, "%s%08u", prefixes[demo_pick(s, 16)], (unsigned)(demo_rand(s) % 100000000u));
}

/* Writes n people of one kind as CSV into fd (a memfd), in households. */
static void write_people(FILE *f, uint64_t *s, const struct demo_group *g, long n, unsigned *serial)
{
    fputs("姓名,身份证号,手机号,楼栋,单元,房号,地址,类别,工作单位,特殊人群\n", f);
    long in_household = 0;
    char room[16] = "", building[16] = "", unit[16] = "", address[64] = "";
    for (long i = 0; i < n; i++) {
        if (in_household == 0) { /* a new household: its size and place */
            in_household = g->household_min + (long)demo_pick(s, (unsigned)(g->household_max - g->household_min + 1));
            if (g->buildings) {
                snprintf(building, sizeof building, "%u", 1 + demo_pick(s, (unsigned)g->buildings));
                snprintf(unit, sizeof unit, "%u", 1 + demo_pick(s, (unsigned)g->units));
                snprintf(room, sizeof room, "%u%02u", 1 + demo_pick(s, (unsigned)g->floors), 1 + demo_pick(s, 4));
                address[0] = '\0';
            } else {
                building[0] = unit[0] = room[0] = '\0';
                snprintf(address, sizeof address, "%s%u号", g->street_prefix, 1 + demo_pick(s, 300));
            }
        }
        in_household--;
        char name[32], idn[19], ph[12];
        demo_name(s, name, sizeof name);
        int age = g->age_min + (int)demo_pick(s, (unsigned)(g->age_max - g->age_min + 1));
        const char *region = g->local ? local_regions[demo_pick(s, 7)] : other_regions[demo_pick(s, 12)];
        id_number(s, region, age, (*serial)++, idn);
        demo_phone(s, ph);
        const char *flags = age >= 70 ? (demo_pick(s, 4) == 0 ? "高龄、独居" : "高龄") : (demo_pick(s, 60) == 0 ? "慢性病" : "");
        bool no_phone = age >= 75 && demo_pick(s, 2) == 0;
        fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s%s\n", name, idn, no_phone ? "" : ph, building, unit, room, address,
                g->category, g->employer ? demo_employers[demo_pick(s, 6)] : "", flags,
                no_phone ? (flags[0] ? "、无智能手机" : "无智能手机") : "");
    }
}

int demo_people(db *d, const struct demo_group *groups, int ngroups, double scale, uint64_t seed, long *total)
{
    uint64_t s = seed ? seed : 1;
    unsigned serial = 1;
    *total = 0;
    actor cli = ACTOR_CLI;
    bool bulk = scale > 10 && import_bulk_begin(d) == 1; /* city-sized: build the indexes once, at the end */
    for (int i = 0; i < ngroups; i++) {
        const struct demo_group *g = &groups[i];
        long n = (long)((double)g->people * scale);
        int fd = memfd_create("demo.csv", MFD_CLOEXEC);
        FILE *f = fd >= 0 ? fdopen(dup(fd), "w") : NULL;
        if (!f) {
            if (fd >= 0)
                close(fd);
            return -1;
        }
        write_people(f, &s, g, n, &serial);
        fclose(f);
        lseek(fd, 0, SEEK_SET);
        import_opts o = {.kind = "persons", .area = g->area, .file_name = "demo",
                         .batch_rows = scale > 10 ? 20000 : 5000, .caller_bulk = bulk};
        import_progress p;
        fx_err err = {0};
        int rc = import_run(d, &cli, fd, &o, &p, &err);
        close(fd);
        if (rc != 0) {
            fprintf(stderr, "demo: %s: %s\n", g->area, err.msg);
            if (bulk)
                import_bulk_end(d);
            return -1;
        }
        *total += p.accepted;
        if (scale > 10)
            fprintf(stderr, "demo: %s: %lld people\n", g->area, p.accepted);
    }
    return bulk ? import_bulk_end(d) : 0;
}

/* ---- merchants on 八千's streets ---- */

#include "core/merchant.h"

struct merchant_job {
    const char *const *streets;
    int nstreets;
    long n;
    uint64_t seed;
    long created;
    fx_err err;
};

static int merchants_job(db_conn *c, void *arg)
{
    static const char *const trades[] = {"烩面馆", "超市", "便利店", "水果店", "理发店", "五金店", "药店", "早餐店",
                                         "服装店", "手机维修", "快递驿站", "粮油店", "蔬菜店", "小吃店", "文具店"};
    struct merchant_job *j = arg;
    uint64_t s = j->seed ^ 0x5bd1e995u;
    actor cli = ACTOR_CLI;
    for (long i = 0; i < j->n; i++) {
        char name[96], licence[24], address[64], contact[32], ph[12];
        const char *street = j->streets[i % j->nstreets];
        snprintf(name, sizeof name, "%s记%s", surnames[demo_pick(&s, 40)], trades[demo_pick(&s, 15)]);
        snprintf(licence, sizeof licence, "92410100MA%08lX", (unsigned long)(i + 1) * 2654435761ul % 0xFFFFFFFFul);
        snprintf(address, sizeof address, "%u号", (unsigned)(i / j->nstreets + 1));
        demo_name(&s, contact, sizeof contact);
        demo_phone(&s, ph);
        merchant_input in = {.name = name, .licence = licence, .area = street, .address = address,
                             .contact_name = contact, .contact_phone = ph};
        merchant m;
        db_stmt *q = db_prepare(c, "SELECT 1 FROM merchants WHERE licence = $1");
        if (!q)
            return DB_ERR;
        db_bind_text(q, 1, licence);
        bool exists = db_step(q) == DB_ROW;
        db_done(q);
        if (exists)
            continue;
        int rc = merchant_create(c, &cli, &in, &m, &j->err);
        if (rc != 0)
            return rc;
        j->created++;
    }
    return 0;
}

int demo_merchants(db *d, const char *const *streets, int nstreets, long n, uint64_t seed, long *created)
{
    struct merchant_job j = {.streets = streets, .nstreets = nstreets, .n = n, .seed = seed};
    int rc = db_write(d, merchants_job, &j);
    *created = j.created;
    if (rc != 0)
        fprintf(stderr, "demo: merchants: %s\n", j.err.kind ? j.err.msg : "the database refused them");
    return rc ? -1 : 0;
}
