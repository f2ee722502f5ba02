#include "cli/cli.h"

#include "core/person.h"
#include "util/fx_id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_parse(int argc, char **argv, const char *const *flags, cli_args *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (out->npos >= 8) {
                fprintf(stderr, "too many arguments\n");
                return -1;
            }
            out->pos[out->npos++] = a;
            continue;
        }
        if (out->nopt >= 32) {
            fprintf(stderr, "too many options\n");
            return -1;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        bool is_flag = false;
        for (const char *const *f = flags; f && *f; f++)
            is_flag |= strcmp(*f, name) == 0;
        out->opt[out->nopt].name = name;
        if (eq) {
            static char names[32][64];
            size_t len = (size_t)(eq - name) < 63 ? (size_t)(eq - name) : 63;
            memcpy(names[out->nopt], name, len);
            names[out->nopt][len] = '\0';
            out->opt[out->nopt].name = names[out->nopt];
            out->opt[out->nopt].value = eq + 1;
        } else if (!is_flag) {
            if (i + 1 >= argc) {
                fprintf(stderr, "option --%s needs a value\n", name);
                return -1;
            }
            out->opt[out->nopt].value = argv[++i];
        }
        out->nopt++;
    }
    return 0;
}

const char *cli_opt(cli_args *a, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt[i].name, name) == 0 && a->opt[i].value) {
            a->opt[i].used = true;
            v = a->opt[i].value; /* the last one wins */
        }
    return v;
}

bool cli_flag(cli_args *a, const char *name)
{
    bool seen = false;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt[i].name, name) == 0 && !a->opt[i].value) {
            a->opt[i].used = true;
            seen = true;
        }
    return seen;
}

int cli_check_used(cli_args *a, const char *cmd)
{
    for (int i = 0; i < a->nopt; i++)
        if (!a->opt[i].used) {
            fprintf(stderr, "%s: unknown option --%s (see: fangxian help %s)\n", cmd, a->opt[i].name, cmd);
            return -1;
        }
    return 0;
}

const char *cli_db_path(cli_args *a)
{
    const char *p = cli_opt(a, "db");
    if (!p)
        p = getenv("FANGXIAN_DB");
    if (!p || !*p) {
        p = "data/fangxian.db";
        if (mkdir("data", 0750) != 0 && errno != EEXIST)
            fprintf(stderr, "cannot create data/: %s\n", strerror(errno));
    }
    return p;
}

static int ensure_person_indexes(db_conn *c, void *arg)
{
    (void)arg;
    return person_indexes_ensure(c);
}

db *cli_open_db(const char *path, const db_options *opt)
{
    char err[512];
    db *d = db_open(path, opt, err, sizeof err);
    if (!d) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    int applied = 0;
    if (db_migrate(d, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        db_close(d);
        return NULL;
    }
    /* An import that was killed half-way may have left the search indexes dropped. */
    if (!opt || !opt->read_only)
        db_write(d, ensure_person_indexes, NULL);
    /* Never reissue an id already stored, even if the clock stepped back. */
    int64_t max_id = 0;
    db_conn *c = db_reader(d);
    if (c && db_query_i64(c, "SELECT COALESCE(MAX(id), 0) FROM audit", &max_id) == DB_ROW)
        fx_id_floor(max_id);
    return d;
}

int cli_read_password(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return -1;
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    return 0;
}
