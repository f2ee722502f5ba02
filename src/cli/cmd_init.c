/* cmd_init.c — `fangxian init`, `fangxian area add` and `fangxian demo`. */
#include "cli/cli.h"

#include "cli/demo.h"

#include "core/account.h"
#include "core/area.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <string.h>

int cmd_init(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, NULL, &a) || a.npos)
        return CLI_USAGE;
    const char *path = cli_db_path(&a);
    if (cli_check_used(&a, "init"))
        return CLI_USAGE;
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    printf("database %s is ready (schema version %d)\n", path, db_schema_version(d));
    db_close(d);
    return CLI_OK;
}

struct area_job {
    area_input in;
    area out;
    fx_err err;
};

static int area_job(db_conn *c, void *arg)
{
    struct area_job *j = arg;
    actor cli = ACTOR_CLI;
    return area_create(c, &cli, &j->in, &j->out, &j->err);
}

int cmd_area(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || strcmp(argv[1], "add") != 0 || cli_parse(argc - 1, argv + 1, NULL, &a) || a.npos != 1) {
        fprintf(stderr, "usage: fangxian area add CODE --name NAME --kind KIND [--parent CODE] [--risk LEVEL]\n");
        return CLI_USAGE;
    }
    struct area_job j = {.in = {.code = a.pos[0], .name = cli_opt(&a, "name"), .kind = cli_opt(&a, "kind"),
                                .parent = cli_opt(&a, "parent"), .risk_level = cli_opt(&a, "risk")}};
    const char *path = cli_db_path(&a);
    if (cli_check_used(&a, "area"))
        return CLI_USAGE;
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    int rc = db_write(d, area_job, &j);
    db_close(d);
    if (rc < 0) {
        fprintf(stderr, "area add: %s\n", j.err.kind ? j.err.msg : "the database refused the change");
        return CLI_REFUSED;
    }
    printf("created %s %s (%s)\n", j.out.kind, j.out.code, j.out.name);
    return CLI_OK;
}

/* The demo sub-districts of the seed: Zhengzhou Airport Economy Zone, April 2022. */
static const struct {
    const char *code, *name, *kind, *parent;
} demo_areas[] = {
    {"HKG", "郑州航空港实验区", "district", NULL},
    {"HKG-ZZ", "张庄办事处", "subdistrict", "HKG"},
    {"HKG-ZZ-ZZC", "翟庄村", "community", "HKG-ZZ"},
    {"HKG-ZZ-ZZV", "张庄村", "community", "HKG-ZZ"},
    {"HKG-YH", "银河办事处", "subdistrict", "HKG"},
    {"HKG-YH-IT", "IT产业园社区服务中心", "community", "HKG-YH"},
    {"HKG-YH-IT-W12", "第十二工作站", "workstation", "HKG-YH-IT"},
    {"HKG-YH-IT-W12-XR", "鑫荣公寓", "compound", "HKG-YH-IT-W12"},
    {"HKG-YH-IT-W12-XR-B1", "鑫荣公寓1号楼", "building", "HKG-YH-IT-W12-XR"},
    {"HKG-YH-IT-W12-XR-B1-U1", "1单元", "unit", "HKG-YH-IT-W12-XR-B1"},
    {"HKG-YH-IT-W12-XR-B1-U2", "2单元", "unit", "HKG-YH-IT-W12-XR-B1"},
    {"HKG-YH-IT-W12-XR-B2", "鑫荣公寓2号楼", "building", "HKG-YH-IT-W12-XR"},
    {"HKG-YH-IT-W12-XR-B2-U1", "1单元", "unit", "HKG-YH-IT-W12-XR-B2"},
    {"HKG-YH-IT-W12-GC", "港城公寓", "compound", "HKG-YH-IT-W12"},
    {"HKG-YH-IT-W12-GC-B1", "港城公寓1号楼", "building", "HKG-YH-IT-W12-GC"},
    {"HKG-YH-IT-W12-GC-B1-U1", "1单元", "unit", "HKG-YH-IT-W12-GC-B1"},
    {"HKG-BQ", "八千办事处", "subdistrict", "HKG"},
    {"HKG-BQ-ZQ", "八千镇区", "community", "HKG-BQ"},
    {"HKG-BQ-ZQ-S1", "镇区一街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S2", "镇区二街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S3", "镇区三街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S4", "镇区四街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S5", "镇区五街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S6", "镇区六街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S7", "镇区七街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S8", "镇区八街", "compound", "HKG-BQ-ZQ"},
    {"HKG-BQ-ZQ-S9", "镇区九街", "compound", "HKG-BQ-ZQ"},
};

/* Who lives where (seed: 鑫荣 and 港城 apartments house about 20,000 enterprise employees;
 * 八千's 9 streets have 7,000+ floating population). */
#define STREET(code, prefix) {code, 800, "流动人口", false, false, 16, 60, 1, 3, 0, 0, 0, prefix}
static const struct demo_group demo_groups[] = {
    {"HKG-ZZ-ZZC", 2100, "居民", true, false, 0, 92, 2, 5, 0, 0, 0, "翟庄村"},
    {"HKG-ZZ-ZZV", 1600, "居民", true, false, 0, 92, 2, 5, 0, 0, 0, "张庄村"},
    {"HKG-YH-IT-W12-XR", 11200, "企业员工", false, true, 18, 48, 1, 4, 6, 2, 18, NULL},
    {"HKG-YH-IT-W12-GC", 9100, "企业员工", false, true, 18, 48, 1, 4, 5, 2, 16, NULL},
    STREET("HKG-BQ-ZQ-S1", "镇区一街"), STREET("HKG-BQ-ZQ-S2", "镇区二街"), STREET("HKG-BQ-ZQ-S3", "镇区三街"),
    STREET("HKG-BQ-ZQ-S4", "镇区四街"), STREET("HKG-BQ-ZQ-S5", "镇区五街"), STREET("HKG-BQ-ZQ-S6", "镇区六街"),
    STREET("HKG-BQ-ZQ-S7", "镇区七街"), STREET("HKG-BQ-ZQ-S8", "镇区八街"), STREET("HKG-BQ-ZQ-S9", "镇区九街"),
};
#undef STREET

/* One demo account per role, named after the people of the seed. */
static const struct {
    const char *username, *display, *role, *area;
} demo_users[] = {
    {"admin", "系统管理员", "admin", NULL},
    {"lijunchuan", "李君川", "officer", "HKG-ZZ"},
    {"cuizhengbo", "崔郑波", "officer", "HKG-YH"},
    {"panpeng", "潘鹏", "staff", "HKG-YH-IT-W12"},
    {"zhangmingqiang", "张明强", "registrar", "HKG-YH-IT-W12"},
    {"lijianhua", "李建华", "driver", "HKG-YH"},
    {"lab", "检测实验室", "lab", "HKG"},
    {"liutao", "刘涛", "volunteer", "HKG-YH-IT-W12"},
};

struct demo_job {
    const char *pwhash;
    int areas_created, users_created;
    fx_err err;
};

static int demo_job(db_conn *c, void *arg)
{
    struct demo_job *j = arg;
    actor cli = ACTOR_CLI;
    for (size_t i = 0; i < sizeof demo_areas / sizeof *demo_areas; i++) {
        area out;
        if (area_get(c, demo_areas[i].code, &out) == DB_ROW)
            continue;
        area_input in = {.code = demo_areas[i].code, .name = demo_areas[i].name, .kind = demo_areas[i].kind,
                         .parent = demo_areas[i].parent};
        int rc = area_create(c, &cli, &in, &out, &j->err);
        if (rc < 0)
            return rc;
        j->areas_created++;
    }
    for (size_t i = 0; i < sizeof demo_users / sizeof *demo_users; i++) {
        user out;
        user_input in = {.username = demo_users[i].username, .display_name = demo_users[i].display,
                         .role = demo_users[i].role, .area = demo_users[i].area, .password_hash = j->pwhash,
                         .disabled = 0, .counsellor = 0};
        bool exists = user_get(c, in.username, &out, NULL) == DB_ROW;
        int rc = exists ? user_update(c, &cli, in.username, &(user_input){.password_hash = j->pwhash,
                                                                           .disabled = 0, .counsellor = -1},
                                      &out, &j->err)
                        : user_create(c, &cli, &in, &out, &j->err);
        if (rc < 0)
            return rc;
        j->users_created += !exists;
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, NULL, &a) || a.npos)
        return CLI_USAGE;
    const char *path = cli_db_path(&a), *people_s = cli_opt(&a, "people"), *seed_s = cli_opt(&a, "seed");
    long long people = 0, seed = 2022;
    if ((people_s && (!fx_parse_i64(people_s, &people) || people < 0)) ||
        (seed_s && (!fx_parse_i64(seed_s, &seed) || seed < 0))) {
        fprintf(stderr, "demo: --people and --seed take whole numbers\n");
        return CLI_USAGE;
    }
    if (cli_check_used(&a, "demo"))
        return CLI_USAGE;
    /* A fresh password each time: nothing to guess from the source. */
    unsigned char raw[9];
    char password[16], hash[FX_PWHASH_LEN];
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* no 0/o, 1/l */
    if (fx_random(raw, sizeof raw) != 0)
        return CLI_REFUSED;
    for (size_t i = 0; i < sizeof raw; i++)
        password[i] = alphabet[raw[i] % 32];
    password[sizeof raw] = '\0';
    if (fx_password_hash(password, hash) != 0)
        return CLI_REFUSED;
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    struct demo_job j = {.pwhash = hash};
    int rc = db_write(d, demo_job, &j);
    if (rc < 0) {
        fprintf(stderr, "demo: %s\n", j.err.kind ? j.err.msg : "the database refused the demo data");
        db_close(d);
        return CLI_REFUSED;
    }
    long base = 0, added = 0;
    int ngroups = (int)(sizeof demo_groups / sizeof *demo_groups);
    for (int i = 0; i < ngroups; i++)
        base += demo_groups[i].people;
    /* Up to the seed's population the seed's places are scaled down; beyond it they
     * stay as the seed has them and a city grows around them (demo_city.c). */
    double scale = people_s && people < base ? (double)people / (double)base : 1.0;
    long city = people_s && people > base ? (long)(people - base) : 0;
    static const char *const streets[] = {"HKG-BQ-ZQ-S1", "HKG-BQ-ZQ-S2", "HKG-BQ-ZQ-S3", "HKG-BQ-ZQ-S4", "HKG-BQ-ZQ-S5",
                                          "HKG-BQ-ZQ-S6", "HKG-BQ-ZQ-S7", "HKG-BQ-ZQ-S8", "HKG-BQ-ZQ-S9"};
    long merchants = 0;
    long city_added = 0;
    if ((city && demo_city(d, city, (uint64_t)seed, &city_added) != 0) ||
        demo_people(d, demo_groups, ngroups, scale, (uint64_t)seed, &added) != 0 ||
        demo_merchants(d, streets, 9, (long)(820 * scale), (uint64_t)seed, &merchants) != 0) {
        db_close(d);
        return CLI_REFUSED;
    }
    db_close(d);
    printf("demo data in %s: %d areas, %d users, %ld people and %ld merchants created (seed %lld)\n", path,
           j.areas_created, j.users_created, added + city_added, merchants, seed);
    printf("log in as any of these, password %s :\n", password);
    for (size_t i = 0; i < sizeof demo_users / sizeof *demo_users; i++)
        printf("  %-16s %-10s %s\n", demo_users[i].username, demo_users[i].role, demo_users[i].display);
    return CLI_OK;
}
