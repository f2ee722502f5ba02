/* main.c — fangxian: one binary, the command line and the server. */
#include "cli/cli.h"

#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FX_VERSION
#define FX_VERSION "dev"
#endif

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage, *help;
} commands[] = {
    {"init", cmd_init, "init [--db PATH]", "Create the database, or bring it to the current schema. Safe to repeat."},
    {"serve", cmd_serve,
     "serve [--db PATH] [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--web DIR] [--log FILE]\n"
     "      [--threads N] [--conn-limit N] [--per-ip-limit N] [--conn-timeout S] [--request-timeout S]\n"
     "      [--max-body-kib N] [--max-upload-mb N] [--max-inflight N] [--session-ttl S] [--login-max-user N] [--login-max-ip N]\n"
     "      [--write-batch N] [--write-queue N] [--tz ZONE] [--port-file FILE] [--no-request-log]\n"
     "      [--mqtt-host HOST [--mqtt-port N] [--mqtt-user NAME] [--mqtt-password-file FILE] [--mqtt-client-id ID]]\n"
     "      [--tick S] [--silent-minutes N]\n"
     "      [--notify-interval-ms N] [--notify-retry-s S] [--notify-attempts N] [--notify-keep-days D]\n"
     "      [--public-rate N] [--public-burst N] [--public-inflight N] [--public-cache-s S] [--map-tiles URL]\n"
     "      [--osrm-url URL] [--shift-limit-h N]\n"
     "      [--public-listen HOST:PORT [--public-threads N] [--public-nice N]]",
     "Run the server (default 127.0.0.1:8080). SIGTERM or Ctrl-C finishes the requests in flight, then exits.\n"
     "--mqtt-host: also take door-sensor events from that MQTT broker (off by default; port 1883, user fangxian,\n"
     "password from the file `devices mosquitto-config` writes; a persistent session named --mqtt-client-id,\n"
     "default fangxian-server, so the broker keeps QoS 1 events for it while it is down). Every --tick seconds\n"
     "(30) the clock raises alarms for sensors silent over --silent-minutes (30) and alerts for overdue service\n"
     "requests.\n"
     "--write-batch 1 makes every write its own fsync (for comparison only).\n"
     "Reminders and alarms: the outbox is looked at every --notify-interval-ms (5000); a failed send is retried\n"
     "after --notify-retry-s (30), doubling each time up to an hour, --notify-attempts times (12). Sent and failed\n"
     "messages are deleted after --notify-keep-days (30).\n"
     "The public API (/api/v1/public/) allows each address --public-rate requests a second (bursts of\n"
     "--public-burst; default 5 and 20) and --public-inflight at once in all (64; beyond: 503), so staff keep\n"
     "their share; the site list is cached --public-cache-s seconds (5). --map-tiles is the public map's tile\n"
     "URL template (default OpenStreetMap's; \"\" for no map). --public-listen serves the public pages and API\n"
     "alone on a second address, on --public-threads threads (2) at nice --public-nice (10), so that a flood\n"
     "of lookups cannot take the CPU from staff traffic. Service workers (/collect offline) need HTTPS on a\n"
     "LAN: use --tls-cert/--tls-key. --osrm-url http://host:port: travel times of transport problems with\n"
     "coordinates (and rounds' setups without a matrix) from that OSRM-compatible /table service.\n"
     "--shift-limit-h: the longest shift the roster check allows where no area sets its own (12).\n"},

    {"demo", cmd_demo, "demo [--db PATH] [--people N] [--seed N]",
     "Fill the database with the demo sub-districts of the Zhengzhou Airport Economy Zone, a synthetic population\n"
     "(about 30,000 people; --people N scales it, --seed N picks another one) and one account per role;\n"
     "prints the logins (a new password each run). Running it again changes no people."},
    {"demo-ops", cmd_demo_ops, "demo-ops [--db PATH] [--seed N]",
     "Add an operations day to the demo, made today: a testing round over 银河 with 20 sites, 7 vans and a\n"
     "stored plan, the morning's samples (one positive pool pending), ~450 home isolation cases, a sealed\n"
     "compound, a village checkpoint, work orders, teams and a week's roster, supplies, disinfection and a\n"
     "door-to-door sweep. After `fangxian demo`; running it again adds nothing."},
    {"user", cmd_user,
     "user add NAME --role ROLE [--area CODE] [--display-name TEXT] [--counsellor] --password-stdin [--db PATH]\n"
     "      user list | passwd NAME --password-stdin | disable NAME | enable NAME",
     "Manage accounts. Roles: admin, officer, staff, registrar, driver, lab, volunteer. Every role but admin needs an area."},
    {"token", cmd_token, "token add NAME --kind device|partner|lab [--area CODE] [--db PATH]",
     "Create an API token for a door sensor, the city platform or a lab system; it is printed once."},
    {"import", cmd_import, "import persons|merchants FILE --area CODE [--max-mb N] [--db PATH]",
     "Import people from a CSV file (UTF-8, UTF-8 with BOM or GBK; Chinese or English headers such as\n"
     "姓名/name, 身份证号/id_number, 手机号/phone, 楼栋/building, 单元/unit, 房号/room, 地址/address, 类别/category).\n"
     "Rows merge by ID number; rejected rows and their reasons go to FILE.rejects.csv. Exit 0 when the file was read.\n"
     "Merchants: 商户名称/name, 营业执照/licence, 街道/street (a code, or a name under --area), 地址/address,\n"
     "联系人/contact_name, 联系电话/contact_phone; they merge by licence, else by name on the street."},
    {"export", cmd_export, "export persons|untested|sweep [--round ID] [--sweep ID] [--area CODE] [--format csv|xlsx] [-o FILE] [--mask] [--english] [--db PATH]",
     "Export people (an area's whole subtree, or everyone) as CSV with a BOM (to standard output without -o)\n"
     "or as XLSX. --mask hides ID numbers and phones; --english writes English column headers.\n"
     "export untested --round ID: the people of the round's scope not yet sampled and not exempt.\n"
     "export sweep --sweep ID: a door-to-door campaign's register, a row per household with its latest visit."},
    {"area", cmd_area, "area add CODE --name NAME --kind KIND [--parent CODE] [--risk LEVEL] [--db PATH]",
     "Add an area. Kinds from the top: district, subdistrict, community, workstation, compound, building, unit."},
    {"print", cmd_print,
     "print cards --area CODE [--all|--no-smartphone-only] [--single] [-o FILE.pdf] [--db PATH]\n"
     "      print labels (--prefix P --from N --count N [--digits N] | --list FILE|-) [--kind tube|box]\n"
     "            [--grid CxR | --single [--size WxH]] [-o FILE.pdf]",
     "Print PDFs (-o - writes to standard output).\n"
     "cards: a personal code card (QR code, masked name, code, address) for each person without a smartphone\n"
     "in the area's subtree, or everyone with --all; A4 sheets of 10 with cut marks, or one card-size page each\n"
     "with --single (card printers). Each run is recorded in the audit log. Default file: cards-CODE.pdf.\n"
     "labels: Code 128 labels for tubes or boxes, PREFIX + the number zero-padded to --digits (default 8:\n"
     "T00000001), or one per line of --list; A4 sheets of 3x8 (--grid), or one label per page of --size mm\n"
     "(default 50x30) with --single (label printers). At most 100,000 per run."},
    {"plan", cmd_plan, "plan transport [FILE|-] [--seconds S] [--iterations N] [--seed N] [--osrm URL]\n"
     "      plan check PROBLEM PLAN",
     "transport: read a transport problem (JSON, the format in docs/api.md) and print the plan: runs per vehicle,\n"
     "every box with its pickup, arrival and lateness, and a summary. Fewest late boxes first, then least\n"
     "lateness, then fewest vehicles, then fewest km. The same seed gives the same plan; --iterations N sets\n"
     "the search's length (default 10,000, stopped at 30 s), --seconds S alone searches for S seconds.\n"
     "--osrm URL (or the problem's \"osrm\"): travel times of a problem with coords from that OSRM /table\n"
     "service; when it fails, a warning and the coordinates at speed_kmh.\n"
     "check: verify a plan against its problem independently of the planner; exit 0 when valid, else 1 with\n"
     "each violation on standard error."},
    {"devices", cmd_devices, "devices mosquitto-config --dir DIR [--server-user NAME] [--db PATH]",
     "Write the MQTT broker's password file (DIR/passwd, mosquitto_passwd format) and ACL (DIR/acl) from the\n"
     "registered door sensors: each logs in as its device id with its token and may publish only on\n"
     "fangxian/devices/{id}/events. The server's own account (default fangxian) reads them all; its password is\n"
     "kept in DIR/server.password (made on first run). Run it after registering or disabling devices, then\n"
     "reload mosquitto (kill -HUP its pid, or systemctl reload mosquitto)."},
    {"workorders", cmd_workorders,
     "workorders import FILE.csv [--area CODE] [--tz ZONE] [--db PATH]\n"
     "      workorders list [--status STATUS] [--overdue] [--area CODE] [--tz ZONE] [--db PATH]",
     "import: push the city platform's work orders from a CSV file, as POST /api/v1/work-orders does with text/csv:\n"
     "columns external_id,title,deadline (epoch seconds or ISO 8601 with an offset) and optionally kind,id_number,\n"
     "name,address,body. The same external_id again changes nothing; each order is routed to the workstation of\n"
     "the person or address, else to the triage queue of --area (without it, the system's). Each rejected row is\n"
     "printed with its row number and field; exit 0 when the file was read.\n"
     "list: the orders (of --area's subtree), with status, overdue, deadline, area and assignee.\n"
     "Times are local to --tz (else $FANGXIAN_TZ, else Asia/Shanghai), as the server's."},
    {"risk-areas", cmd_risk_areas, "risk-areas import FILE.csv [--tz ZONE] [--db PATH]",
     "Load a risk-area list: columns name,level (high, medium or low),valid_from,valid_to (YYYY-MM-DD, valid_to\n"
     "the last valid day, or epoch seconds). A row with the same name and valid_from replaces the old one. Each\n"
     "rejected row is printed with its row number and field; exit 0 when the file was read. Dates are local to --tz."},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fprintf(f, "fangxian %s — 防线, operations for a grassroots outbreak response\n\nusage:\n", FX_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  fangxian %s\n", commands[i].usage);
    fprintf(f, "  fangxian --version | help [COMMAND]\n\n"
               "The database is --db PATH, else $FANGXIAN_DB, else data/fangxian.db.\n"
               "Exit status: 0 done, 1 bad input or refused, 2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("fangxian %s\n", FX_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    printf("usage: fangxian %s\n\n%s\n", commands[i].usage, commands[i].help);
                    return CLI_OK;
                }
            fprintf(stderr, "no command '%s'\n", argv[2]);
            return CLI_USAGE;
        }
        usage(stdout);
        return CLI_OK;
    }
    /* Every command reads and writes local days and times in one zone, as the server shows them:
     * $FANGXIAN_TZ, else Asia/Shanghai (serve and the field imports take --tz over it). */
    const char *tz = getenv("FANGXIAN_TZ");
    if (fx_tz_set(tz ? tz : "Asia/Shanghai") != 0) {
        fprintf(stderr, "fangxian: FANGXIAN_TZ must name a time zone such as Asia/Shanghai\n");
        return CLI_USAGE;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "fangxian: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return CLI_USAGE;
}
