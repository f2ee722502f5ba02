/* cmd_plan.c — `fangxian plan transport` (problem JSON in, plan JSON out) and
 * `fangxian plan check PROBLEM PLAN` (the independent checker). No database. */
#include "cli/cli.h"

#include "transport/osrm.h"
#include "transport/transport.h"
#include "util/fx_str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: fangxian plan transport [FILE|-] [--seconds S] [--iterations N] [--seed N] [--osrm URL]\n"
    "       fangxian plan check PROBLEM PLAN\n";

/* Reads JSON from path ("-": standard input), refusing duplicate keys. */
static json_t *load(const char *what, const char *path)
{
    json_error_t e;
    json_t *j = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &e)
                                       : json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fprintf(stderr, "plan: the %s %s is not valid JSON: %s (line %d, column %d)\n", what,
                strcmp(path, "-") ? path : "on standard input", e.text, e.line, e.column);
    return j;
}

static int read_problem(const char *path, const char *osrm, tp_problem *p)
{
    json_t *j = load("problem", path), *warnings = json_array();
    if (!j || !warnings) {
        json_decref(j), json_decref(warnings);
        return -1;
    }
    char err[600];
    if (osrm && !json_object_get(j, "osrm") && !json_object_get(j, "matrix"))
        json_object_set_new(j, "osrm", json_string(osrm));
    int rc = tp_osrm_apply(j, warnings, err, sizeof err);
    size_t i;
    json_t *w;
    json_array_foreach(warnings, i, w) fprintf(stderr, "plan: warning: %s\n", json_string_value(w));
    json_decref(warnings);
    if (!rc)
        rc = tp_parse(j, NULL, p, err, sizeof err);
    json_decref(j);
    if (rc)
        fprintf(stderr, "plan: the problem is refused: %s\n", err);
    return rc ? -1 : 0;
}

static bool num_opt(cli_args *a, const char *name, double min, double max, double *out)
{
    const char *s = cli_opt(a, name);
    if (!s)
        return true;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || end == s || *end || !(d >= min && d <= max)) {
        fprintf(stderr, "plan: --%s must be a number from %g to %g\n", name, min, max);
        return false;
    }
    *out = d;
    return true;
}

static int transport(cli_args *a)
{
    double seconds = TP_SECONDS_DEFAULT, iterations = -1, seed = 1;
    const char *osrm = cli_opt(a, "osrm");
    if (a->npos > 1 || !num_opt(a, "seconds", 0.01, 86400, &seconds) ||
        !num_opt(a, "iterations", 1, 1e12, &iterations) || !num_opt(a, "seed", 0, 1e15, &seed) ||
        cli_check_used(a, "plan transport")) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    tp_problem p;
    if (read_problem(a->npos ? a->pos[0] : "-", osrm, &p))
        return CLI_REFUSED;
    plan_options o = tp_options(cli_opt(a, "seconds") != NULL, seconds, (long)iterations, (uint64_t)seed);
    json_t *plan = tp_plan(&p, &o);
    tp_free(&p);
    if (!plan) {
        fprintf(stderr, "plan: out of memory\n");
        return CLI_REFUSED;
    }
    int rc = json_dumpf(plan, stdout, JSON_COMPACT) == 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
    json_decref(plan);
    if (!rc)
        fprintf(stderr, "plan: could not write the plan: %s\n", strerror(errno));
    return rc ? CLI_OK : CLI_REFUSED;
}

static int check(cli_args *a)
{
    if (a->npos != 2 || cli_check_used(a, "plan check")) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    tp_problem p;
    if (read_problem(a->pos[0], NULL, &p))
        return CLI_REFUSED;
    json_t *plan = load("plan", a->pos[1]), *v = json_array();
    if (!plan || !v) {
        json_decref(plan);
        json_decref(v);
        tp_free(&p);
        return CLI_REFUSED;
    }
    int n = tp_check(&p, plan, v);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) fprintf(stderr, "%s\n", json_string_value(x));
    if (n > (int)json_array_size(v))
        fprintf(stderr, "… and %zu more\n", (size_t)n - json_array_size(v));
    if (n)
        fprintf(stderr, "plan check: %d violation%s\n", n, n == 1 ? "" : "s");
    else
        printf("plan check: valid (%d boxes)\n", p.nbox);
    json_decref(plan);
    json_decref(v);
    tp_free(&p);
    return n ? CLI_REFUSED : CLI_OK;
}

int cmd_plan(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || cli_parse(argc - 1, argv + 1, NULL, &a)) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "transport") == 0)
        return transport(&a);
    if (strcmp(argv[1], "check") == 0)
        return check(&a);
    fputs(usage_text, stderr);
    return CLI_USAGE;
}
