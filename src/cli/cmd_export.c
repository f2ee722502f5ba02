/* cmd_export.c — `fangxian export persons [--area CODE] [--format csv|xlsx] [-o FILE]`,
 * `fangxian export untested --round ID [--area CODE] [--format csv|xlsx] [-o FILE]` and
 * `fangxian export sweep --sweep ID [--format csv|xlsx] [-o FILE]` (a campaign's register). */
#include "cli/cli.h"

#include "core/area.h"
#include "core/export.h"
#include "core/round.h"
#include "core/sweep.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_export(int argc, char **argv)
{
    static const char *const flags[] = {"mask", "english", NULL};
    cli_args a;
    /* -o FILE is accepted as --o FILE's short form */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0)
            argv[i] = "--output";
    bool untested = argc >= 2 && strcmp(argv[1], "untested") == 0;
    bool sweep = argc >= 2 && strcmp(argv[1], "sweep") == 0;
    if (argc < 2 || (!untested && !sweep && strcmp(argv[1], "persons") != 0) ||
        cli_parse(argc - 1, argv + 1, flags, &a) || a.npos) {
        fprintf(stderr, "usage: fangxian export persons [--area CODE] [--format csv|xlsx] [-o FILE] [--mask] "
                        "[--english] [--db PATH]\n"
                        "       fangxian export untested --round ID [--area CODE] [--format csv|xlsx] [-o FILE] [--mask] "
                        "[--english] [--db PATH]\n"
                        "       fangxian export sweep --sweep ID [--format csv|xlsx] [-o FILE] [--english] [--db PATH]\n");
        return CLI_USAGE;
    }
    const char *area_code = cli_opt(&a, "area"), *fmt = cli_opt(&a, "format"), *out = cli_opt(&a, "output");
    const char *round_s = untested ? cli_opt(&a, "round") : NULL, *sweep_s = sweep ? cli_opt(&a, "sweep") : NULL;
    long long round_id = 0, sweep_id = 0;
    if (untested && (!round_s || !fx_parse_i64(round_s, &round_id) || round_id <= 0)) {
        fprintf(stderr, "export untested: --round ID (the round's id) is required\n");
        return CLI_USAGE;
    }
    if (sweep && (!sweep_s || !fx_parse_i64(sweep_s, &sweep_id) || sweep_id <= 0)) {
        fprintf(stderr, "export sweep: --sweep ID (the campaign's id) is required\n");
        return CLI_USAGE;
    }
    export_opts o = {.mask = cli_flag(&a, "mask"), .english = cli_flag(&a, "english")};
    const char *path = cli_db_path(&a);
    if (cli_check_used(&a, "export"))
        return CLI_USAGE;
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0) {
        fprintf(stderr, "export: --format is csv or xlsx\n");
        return CLI_USAGE;
    }
    o.xlsx = (fmt && strcmp(fmt, "xlsx") == 0) || (!fmt && out && strlen(out) > 5 && !strcmp(out + strlen(out) - 5, ".xlsx"));
    if (o.xlsx && !out) {
        fprintf(stderr, "export: an XLSX export needs -o FILE.xlsx\n");
        return CLI_USAGE;
    }
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    db_conn *c = db_reader(d);
    person_query q = {.area_path = "/"};
    area ar;
    if (area_code) {
        if (area_get(c, area_code, &ar) != DB_ROW) {
            fprintf(stderr, "export: area %s does not exist\n", area_code);
            db_close(d);
            return CLI_REFUSED;
        }
        q.area_path = ar.path;
    }
    FILE *f = stdout;
    if (!o.xlsx && out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "export: cannot write %s: %s\n", out, strerror(errno));
        db_close(d);
        return CLI_REFUSED;
    }
    long rows = 0;
    fx_err err = {0};
    fx_round rd;
    sweep_campaign k;
    int rc;
    if (sweep)
        rc = sweep_get(c, sweep_id, &k) == DB_ROW
                 ? sweep_export(c, sweep_id, &o, f, out, &rows, &err)
                 : fx_fail(&err, FX_ENOTFOUND, "sweep_not_found", "campaign %lld does not exist", sweep_id);
    else if (!untested)
        rc = export_persons(c, &q, &o, f, out, &rows, &err);
    else if (round_get(c, round_id, &rd) != DB_ROW)
        rc = fx_fail(&err, FX_ENOTFOUND, "round_not_found", "round %lld does not exist", round_id);
    else
        rc = export_untested(c, round_id, q.area_path, &o, f, out, &rows, &err);
    if (f != stdout)
        fclose(f);
    else
        fflush(stdout);
    db_close(d);
    if (rc != 0) {
        fprintf(stderr, "export: %s\n", err.msg);
        return CLI_REFUSED;
    }
    fprintf(stderr, "exported %ld %s%s%s\n", rows, sweep ? "households" : untested ? "untested people" : "people",
            out ? " to " : "", out ? out : "");
    return CLI_OK;
}
