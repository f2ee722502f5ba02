/* cmd_field.c — field work offline: `fangxian workorders import FILE.csv` pushes the city
 * platform's orders from a file (the API's CSV and rules: idempotent by external_id,
 * routed, each bad row named with its field), `fangxian workorders list` prints them, and
 * `fangxian risk-areas import FILE.csv` loads a dated risk-area list. */
#include "cli/cli.h"

#include "core/area.h"
#include "core/checkpoint.h"
#include "core/workorder.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Dates in files and listings are local, as the server reads them: --tz, else the zone
 * main() set ($FANGXIAN_TZ, else Asia/Shanghai). */
static int local_zone(cli_args *a, const char *cmd)
{
    const char *tz = cli_opt(a, "tz");
    if (!tz || fx_tz_set(tz) == 0)
        return 0;
    fprintf(stderr, "%s: unknown time zone %s\n", cmd, tz);
    return -1;
}

static int open_csv(const char *cmd, const char *file)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "%s: cannot read %s: %s\n", cmd, file, strerror(errno));
    return fd;
}

/* --area CODE: the queue of orders that match no workstation, and the scope of routing,
 * as a partner token's area is for the API. */
struct wo_import_op {
    wo_csv_row *rows;
    int n;
    int64_t area_id;
    char path[FX_AREA_PATH_MAX];
};

static int wo_import_job(db_conn *c, void *arg)
{
    struct wo_import_op *op = arg;
    actor cli = ACTOR_CLI;
    return wo_push_rows(c, &cli, 0, op->area_id, op->area_id ? op->path : NULL, op->rows, op->n) ? -1 : 0;
}

static int wo_import(db *d, const char *file, const char *area_code)
{
    struct wo_import_op op = {0};
    if (area_code) {
        area a;
        if (area_get(db_reader(d), area_code, &a) != DB_ROW) {
            fprintf(stderr, "workorders import: area %s does not exist\n", area_code);
            return CLI_REFUSED;
        }
        op.area_id = a.id;
        fx_copy(op.path, sizeof op.path, a.path);
    }
    int fd = open_csv("workorders import", file);
    if (fd < 0)
        return CLI_REFUSED;
    fx_err err = {0};
    int rc = wo_csv_read(fd, &op.rows, &op.n, &err);
    close(fd);
    if (rc) {
        fprintf(stderr, "workorders import: %s: %s\n", file, err.msg);
        return CLI_REFUSED;
    }
    if (db_write(d, wo_import_job, &op) != 0) {
        fprintf(stderr, "workorders import: the orders could not be stored; nothing was kept\n");
        wo_csv_free(op.rows, op.n);
        return CLI_REFUSED;
    }
    int ok = 0, dup = 0, bad = 0;
    for (int i = 0; i < op.n; i++) {
        const wo_csv_row *r = &op.rows[i];
        ok += !r->err.kind && !r->duplicate;
        dup += !r->err.kind && r->duplicate;
        bad += r->err.kind != 0;
        if (r->err.kind)
            printf("  rejected %s\n", r->err.msg);
    }
    printf("%s: %d orders: %d new, %d already pushed, %d rejected\n", file, op.n, ok, dup, bad);
    wo_csv_free(op.rows, op.n);
    return CLI_OK; /* the file was read; rejected rows are listed, as with `import persons` */
}

static int wo_print(db *d, const char *status, bool overdue, const char *area_code)
{
    db_conn *c = db_reader(d);
    wo_filter f = WO_FILTER_NONE;
    f.overdue_only = overdue;
    if (status && (f.status = wo_status_parse(status)) < 0) {
        fprintf(stderr, "workorders list: --status is new, accepted, in_progress, done or returned\n");
        return CLI_USAGE;
    }
    area a;
    if (area_code && area_get(c, area_code, &a) != DB_ROW) {
        fprintf(stderr, "workorders list: area %s does not exist\n", area_code);
        return CLI_REFUSED;
    }
    enum { PAGE = 200 };
    work_order *rows = malloc(sizeof *rows * PAGE);
    if (!rows)
        return CLI_REFUSED;
    printf("%-20s %-11s %-7s %-16s %-16s %-12s %s\n", "external_id", "status", "overdue", "deadline", "area", "assignee",
           "title");
    int64_t after = 0;
    int n, total = 0;
    while ((n = wo_list(c, area_code ? a.path : NULL, &f, after, rows, PAGE)) > 0) {
        for (int i = 0; i < n; i++) {
            const work_order *o = &rows[i];
            char due[24];
            fx_time_local(o->deadline, due, sizeof due);
            printf("%-20s %-11s %-7s %-16s %-16s %-12s %s\n", o->external_id, wo_status_name(o->status),
                   o->overdue ? "yes" : "no", due, o->area_code[0] ? o->area_code : "(triage)",
                   o->assignee[0] ? o->assignee : "-", o->title);
        }
        total += n;
        after = rows[n - 1].id;
        if (n < PAGE)
            break;
    }
    free(rows);
    if (n < 0) {
        fprintf(stderr, "workorders list: could not read the orders\n");
        return CLI_REFUSED;
    }
    printf("%d orders\n", total);
    return CLI_OK;
}

int cmd_workorders(int argc, char **argv)
{
    static const char *const flags[] = {"overdue", NULL};
    cli_args a;
    bool import = argc >= 2 && strcmp(argv[1], "import") == 0, list = argc >= 2 && strcmp(argv[1], "list") == 0;
    if ((!import && !list) || cli_parse(argc - 1, argv + 1, flags, &a) || a.npos != (import ? 1 : 0)) {
        fprintf(stderr, "usage: fangxian workorders import FILE.csv [--area CODE] [--tz ZONE] [--db PATH]\n"
                        "       fangxian workorders list [--status STATUS] [--overdue] [--area CODE] [--tz ZONE] [--db PATH]\n");
        return CLI_USAGE;
    }
    const char *area_code = cli_opt(&a, "area"), *status = list ? cli_opt(&a, "status") : NULL;
    bool overdue = list && cli_flag(&a, "overdue");
    const char *path = cli_db_path(&a);
    if (local_zone(&a, "workorders") || cli_check_used(&a, "workorders"))
        return CLI_USAGE;
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    int rc = import ? wo_import(d, a.pos[0], area_code) : wo_print(d, status, overdue, area_code);
    db_close(d);
    return rc;
}

struct risk_import_op {
    risk_row *rows;
    int n, stored;
    fx_err err;
};

static int risk_import_job(db_conn *c, void *arg)
{
    struct risk_import_op *op = arg;
    actor cli = ACTOR_CLI;
    return risk_store(c, &cli, op->rows, op->n, &op->stored, &op->err);
}

int cmd_risk_areas(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || strcmp(argv[1], "import") != 0 || cli_parse(argc - 1, argv + 1, NULL, &a) || a.npos != 1) {
        fprintf(stderr, "usage: fangxian risk-areas import FILE.csv [--tz ZONE] [--db PATH]\n");
        return CLI_USAGE;
    }
    const char *path = cli_db_path(&a), *file = a.pos[0];
    if (local_zone(&a, "risk-areas") || cli_check_used(&a, "risk-areas"))
        return CLI_USAGE;
    int fd = open_csv("risk-areas import", file);
    if (fd < 0)
        return CLI_REFUSED;
    struct risk_import_op op = {0};
    fx_err err = {0};
    int rc = risk_csv_read(fd, &op.rows, &op.n, &err);
    close(fd);
    if (rc) {
        fprintf(stderr, "risk-areas import: %s: %s\n", file, err.msg);
        return CLI_REFUSED;
    }
    db *d = cli_open_db(path, NULL);
    if (!d) {
        free(op.rows);
        return CLI_REFUSED;
    }
    if (db_write(d, risk_import_job, &op) != 0) {
        fprintf(stderr, "risk-areas import: %s\n", op.err.msg[0] ? op.err.msg : "the list could not be stored");
        free(op.rows);
        db_close(d);
        return CLI_REFUSED;
    }
    int bad = 0;
    for (int i = 0; i < op.n; i++)
        if (op.rows[i].err.kind) {
            printf("  rejected %s\n", op.rows[i].err.msg);
            bad++;
        }
    printf("%s: %d risk areas stored, %d rejected\n", file, op.stored, bad);
    free(op.rows);
    db_close(d);
    return CLI_OK;
}
