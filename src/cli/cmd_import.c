/* cmd_import.c — `fangxian import persons FILE --area CODE`: a progress bar on a
 * terminal, the counts at the end, and FILE.rejects.csv with every rejected row. */
#include "cli/cli.h"

#include "core/import.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct bar {
    bool tty;
    uint64_t t0, last;
};

static void show_progress(const import_progress *p, void *ud)
{
    struct bar *b = ud;
    uint64_t now = fx_mono_us();
    if (!b->tty || now - b->last < 200000)
        return;
    b->last = now;
    double frac = p->bytes_total ? (double)p->bytes_done / (double)p->bytes_total : 0;
    if (frac > 1)
        frac = 1;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    double secs = (double)(now - b->t0) / 1e6;
    fprintf(stderr, "\r[%s] %3d%%  %lld rows  %.0f rows/s  %lld rejected ", bar, (int)(frac * 100), p->rows,
            secs > 0 ? (double)p->rows / secs : 0.0, p->rejected);
}

struct rejects_file {
    FILE *f;
    long long n;
};

static void csv_cell(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_reject(long long row, const char *level, const char *field, const char *reason, const char *raw,
                         void *ud)
{
    struct rejects_file *r = ud;
    fprintf(r->f, "%lld,%s,", row, level);
    csv_cell(r->f, field);
    fputc(',', r->f);
    csv_cell(r->f, reason);
    fputc(',', r->f);
    csv_cell(r->f, raw);
    fputs("\r\n", r->f);
    r->n++;
}

int cmd_import(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || (strcmp(argv[1], "persons") != 0 && strcmp(argv[1], "merchants") != 0) ||
        cli_parse(argc - 1, argv + 1, NULL, &a) || a.npos != 1) {
        fprintf(stderr, "usage: fangxian import persons|merchants FILE --area CODE [--max-mb N] [--db PATH]\n");
        return CLI_USAGE;
    }
    const char *file = a.pos[0], *area = cli_opt(&a, "area"), *max = cli_opt(&a, "max-mb");
    const char *batch = cli_opt(&a, "batch");
    long long batch_rows = 10000;
    if (batch && (!fx_parse_i64(batch, &batch_rows) || batch_rows < 1 || batch_rows > 1000000)) {
        fprintf(stderr, "import: --batch takes 1 to 1000000 rows\n");
        return CLI_USAGE;
    }
    const char *path = cli_db_path(&a);
    long long max_mb = 4096;
    if (max && (!fx_parse_i64(max, &max_mb) || max_mb < 1)) {
        fprintf(stderr, "import: --max-mb must be a whole number of megabytes\n");
        return CLI_USAGE;
    }
    if (!area) {
        fprintf(stderr, "import: --area CODE is required: the area the people belong to (e.g. a compound)\n");
        return CLI_USAGE;
    }
    if (cli_check_used(&a, "import"))
        return CLI_USAGE;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "import: cannot read %s: %s\n", file, strerror(errno));
        return CLI_REFUSED;
    }
    db *d = cli_open_db(path, NULL);
    if (!d) {
        close(fd);
        return CLI_REFUSED;
    }
    struct bar bar = {.tty = isatty(2), .t0 = fx_mono_us()};
    const char *base = strrchr(file, '/');
    import_opts o = {.kind = argv[1], .area = area, .file_name = base ? base + 1 : file,
                     .max_bytes = max_mb << 20, .batch_rows = (int)batch_rows, .progress = show_progress, .progress_ud = &bar};
    actor cli = ACTOR_CLI;
    import_progress p;
    fx_err err = {0};
    int rc = import_run(d, &cli, fd, &o, &p, &err);
    close(fd);
    if (bar.tty)
        fputc('\n', stderr);
    if (rc != 0) {
        fprintf(stderr, "import: %s\n", err.msg);
        db_close(d);
        return CLI_REFUSED;
    }
    double secs = (double)(fx_mono_us() - bar.t0) / 1e6;
    printf("%s: %lld rows (%s) in %.1f s: %lld accepted, %lld merged, %lld unchanged, %lld rejected\n", file, p.rows,
           p.encoding ? p.encoding : "?", secs, p.accepted, p.merged, p.unchanged, p.rejected);
    char rpath[4096];
    snprintf(rpath, sizeof rpath, "%s.rejects.csv", file);
    struct rejects_file rf = {.f = fopen(rpath, "w")};
    if (!rf.f) {
        fprintf(stderr, "import: cannot write %s: %s\n", rpath, strerror(errno));
    } else {
        fputs("\xef\xbb\xbfrow,level,field,reason,raw\r\n", rf.f); /* BOM: Excel then reads UTF-8 */
        import_rejects(db_reader(d), p.import_id, write_reject, &rf);
        fclose(rf.f);
        if (rf.n)
            printf("%lld rejected rows and warnings, with reasons, in %s\n", rf.n, rpath);
        else
            unlink(rpath);
    }
    db_close(d);
    return CLI_OK;
}
