/* cmd_print.c — `fangxian print cards|labels`: PDFs of personal code cards and of
 * tube and box labels. The PDF is written next to its target and renamed into
 * place once complete (and, for cards, once the print job is audited), so a
 * failed run never leaves half a file behind under the real name. */
#include "cli/cli.h"

#include "core/area.h"
#include "core/cards.h"
#include "print/print.h"
#include "util/fx_str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LABELS_MAX 100000 /* one run: about 4,200 A4 sheets */

static const char usage_text[] =
    "usage: fangxian print cards --area CODE [--all|--no-smartphone-only] [--single] [-o FILE.pdf] [--db PATH]\n"
    "       fangxian print labels (--prefix P --from N --count N [--digits N] | --list FILE|-) [--kind tube|box]\n"
    "                             [--grid CxR | --single [--size WxH]] [-o FILE.pdf]\n";

/* The PDF's destination: a temporary file beside out, or standard output for "-". */
struct sink {
    FILE *f;
    const char *out;
    char tmp[4096];
};

static bool sink_write(void *closure, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, ((struct sink *)closure)->f) == len;
}

static int sink_open(struct sink *s, const char *out)
{
    s->out = out;
    if (strcmp(out, "-") == 0) {
        s->f = stdout;
        return 0;
    }
    int k = snprintf(s->tmp, sizeof s->tmp, "%s.XXXXXX", out);
    if (k < 0 || (size_t)k >= sizeof s->tmp) {
        fprintf(stderr, "print: the output path is too long\n");
        return -1;
    }
    int fd = mkstemp(s->tmp);
    if (fd < 0 || !(s->f = fdopen(fd, "wb"))) {
        fprintf(stderr, "print: cannot write %s: %s\n", out, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(s->tmp);
        }
        return -1;
    }
    return 0;
}

/* keep: rename into place; else remove the temporary file. 0, or -1 when keeping failed. */
static int sink_close(struct sink *s, bool keep)
{
    if (s->f == stdout)
        return fflush(stdout) == 0 ? 0 : -1;
    bool ok = fclose(s->f) == 0;
    if (keep && ok && rename(s->tmp, s->out) == 0)
        return 0;
    if (keep)
        fprintf(stderr, "print: cannot write %s: %s\n", s->out, strerror(errno));
    unlink(s->tmp);
    return keep ? -1 : 0;
}

struct audit_job {
    const area *a;
    bool all;
    long n;
};

static int audit_job(db_conn *c, void *arg)
{
    struct audit_job *j = arg;
    actor cli = ACTOR_CLI;
    return cards_audit(c, &cli, j->a, j->all, j->n);
}

static int print_cards(cli_args *a, const char *out)
{
    const char *code = cli_opt(a, "area");
    bool all = cli_flag(a, "all"), only = cli_flag(a, "no-smartphone-only"), single = cli_flag(a, "single");
    const char *path = cli_db_path(a);
    if (cli_check_used(a, "print"))
        return CLI_USAGE;
    if (!code || (all && only)) {
        fprintf(stderr, "print cards: give --area CODE, and at most one of --all and --no-smartphone-only\n%s",
                usage_text);
        return CLI_USAGE;
    }
    char def[AREA_CODE_MAX + 16];
    snprintf(def, sizeof def, "cards-%s.pdf", code);
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    area ar;
    int rc = area_get(db_reader(d), code, &ar);
    if (rc != DB_ROW) {
        fprintf(stderr, "print cards: area %s does not exist (give the code of a workstation, compound, building…)\n",
                code);
        db_close(d);
        return CLI_REFUSED;
    }
    struct sink s;
    if (sink_open(&s, out ? out : def) != 0) {
        db_close(d);
        return CLI_REFUSED;
    }
    fx_err err = {0};
    long n = 0;
    int pages = 0;
    print_card_opts o = {.single = single};
    print_job *j = print_cards_open(&o, sink_write, &s, &err);
    rc = j ? cards_render(db_reader(d), &ar, all, j, &n, &err) : -1;
    fx_err close_err = {0};
    if (j && print_close(j, &pages, &close_err) != 0 && rc == 0) {
        err = close_err;
        rc = -1;
    }
    struct audit_job aj = {&ar, all, n};
    if (rc == 0 && db_write(d, audit_job, &aj) < 0) {
        fx_fail(&err, FX_EINTERNAL, "audit_failed", "the print job could not be recorded in the audit log; try again");
        rc = -1;
    }
    db_close(d);
    if (sink_close(&s, rc == 0) != 0 || rc != 0) {
        if (rc != 0)
            fprintf(stderr, "print cards: %s\n", err.msg);
        return CLI_REFUSED;
    }
    fprintf(stderr, "printed %ld cards (%s) for %s on %d pages to %s\n", n, all ? "everyone" : "no smartphone", code,
            pages, s.out);
    if (n == 0)
        fprintf(stderr, "nobody %sin %s: the PDF is one blank page\n", all ? "" : "without a smartphone ", code);
    return CLI_OK;
}

/* Labels from a file of barcodes, one per line. */
static int labels_from_list(print_job *j, const char *list, long *n, fx_err *err)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f)
        return fx_fail(err, FX_EINVAL, "cannot_read", "cannot read %.200s: %s", list, strerror(errno));
    char line[256];
    int rc = 0, lineno = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        if (!len)
            continue;
        if (*n >= LABELS_MAX)
            rc = fx_fail(err, FX_EINVAL, "too_many_labels", "at most %d labels per run: split the list", LABELS_MAX);
        else if ((rc = print_label_add(j, line, err)) != 0) {
            char msg[sizeof err->msg];
            fx_copy(msg, sizeof msg, err->msg);
            fx_fail(err, rc, err->code, "line %d: %.250s", lineno, msg);
        } else
            (*n)++;
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

static int print_labels(cli_args *a, const char *out)
{
    const char *prefix = cli_opt(a, "prefix"), *from = cli_opt(a, "from"), *count = cli_opt(a, "count"),
               *digits = cli_opt(a, "digits"), *list = cli_opt(a, "list"), *kind = cli_opt(a, "kind"),
               *grid = cli_opt(a, "grid"), *size = cli_opt(a, "size");
    print_label_opts o = {.single = cli_flag(a, "single")};
    if (cli_check_used(a, "print"))
        return CLI_USAGE;
    if (!list == !count || (list && (from || prefix || digits)) || (count && !from)) {
        fprintf(stderr, "print labels: give --from N --count N (with --prefix), or --list FILE\n%s", usage_text);
        return CLI_USAGE;
    }
    if (kind && strcmp(kind, "tube") != 0 && strcmp(kind, "box") != 0) {
        fprintf(stderr, "print labels: --kind is tube or box\n");
        return CLI_USAGE;
    }
    o.kind = kind && strcmp(kind, "box") == 0 ? PRINT_BOX : PRINT_TUBE;
    if ((grid && o.single) || (size && !o.single)) {
        fprintf(stderr, "print labels: --grid CxR is for A4 sheets, --single [--size WxH] for label printers\n");
        return CLI_USAGE;
    }
    if (grid && !print_parse_grid(grid, &o.cols, &o.rows)) {
        fprintf(stderr, "print labels: --grid is columns x rows, each 1 to %d (e.g. 3x8)\n", PRINT_GRID_MAX);
        return CLI_USAGE;
    }
    if (size && !print_parse_size(size, &o.width_mm, &o.height_mm)) {
        fprintf(stderr, "print labels: --size is width x height in mm, each %.0f to %.0f (e.g. 50x30)\n",
                PRINT_MM_MIN, PRINT_MM_MAX);
        return CLI_USAGE;
    }
    fx_err err = {0};
    print_range r = {.prefix = prefix ? prefix : ""};
    long long nc = 0, nd = 0;
    if (count) {
        if (!fx_parse_i64(from, &r.from) || !fx_parse_i64(count, &nc) || nc < 1 || nc > LABELS_MAX ||
            (digits && (!fx_parse_i64(digits, &nd) || nd < 1 || nd > PRINT_DIGITS_MAX))) {
            fprintf(stderr, "print labels: --from is a number, --count 1 to %d, --digits 1 to %d\n", LABELS_MAX,
                    PRINT_DIGITS_MAX);
            return CLI_USAGE;
        }
        r.count = (long)nc;
        r.digits = (int)nd;
        if (print_range_check(&r, &err) != 0) {
            fprintf(stderr, "print labels: %s\n", err.msg);
            return CLI_REFUSED;
        }
    }
    char def[PRINT_CODE_MAX + 16];
    snprintf(def, sizeof def, "labels-%s.pdf", list ? "list" : *r.prefix ? r.prefix : "range");
    for (char *p = def; *p; p++)
        if (*p == '/')
            *p = '-';
    struct sink s;
    if (sink_open(&s, out ? out : def) != 0)
        return CLI_REFUSED;
    long n = count ? r.count : 0;
    int pages = 0, rc = -1;
    print_job *j = print_labels_open(&o, sink_write, &s, &err);
    if (j)
        rc = list ? labels_from_list(j, list, &n, &err) : print_labels_range(j, &r, &err);
    fx_err close_err = {0};
    if (j && print_close(j, &pages, &close_err) != 0 && rc == 0) {
        err = close_err;
        rc = -1;
    }
    if (sink_close(&s, rc == 0) != 0 || rc != 0) {
        if (rc != 0)
            fprintf(stderr, "print labels: %s\n", err.msg);
        return CLI_REFUSED;
    }
    fprintf(stderr, "printed %ld %s labels on %d pages to %s\n", n, o.kind == PRINT_BOX ? "box" : "tube", pages,
            s.out);
    return CLI_OK;
}

int cmd_print(int argc, char **argv)
{
    static const char *const flags[] = {"all", "no-smartphone-only", "single", NULL};
    cli_args a;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0)
            argv[i] = "--output"; /* -o FILE, as export takes it */
    if (argc < 2 || (strcmp(argv[1], "cards") != 0 && strcmp(argv[1], "labels") != 0) ||
        cli_parse(argc - 1, argv + 1, flags, &a) || a.npos) {
        fprintf(stderr, "%s", usage_text);
        return CLI_USAGE;
    }
    const char *out = cli_opt(&a, "output");
    int rc = strcmp(argv[1], "cards") == 0 ? print_cards(&a, out) : print_labels(&a, out);
    print_shutdown();
    return rc;
}
