/* cmd_user.c — `fangxian user add|list|passwd|disable|enable` and `fangxian token add|list|revoke`. */
#include "cli/cli.h"

#include "core/account.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <string.h>

struct user_job {
    const char *username;
    user_input in;
    user out;
    fx_err err;
    bool create;
};

static int user_job(db_conn *c, void *arg)
{
    struct user_job *j = arg;
    actor cli = ACTOR_CLI;
    return j->create ? user_create(c, &cli, &j->in, &j->out, &j->err)
                     : user_update(c, &cli, j->username, &j->in, &j->out, &j->err);
}

static int read_new_password(cli_args *a, char *hash)
{
    if (!cli_flag(a, "password-stdin")) {
        fprintf(stderr, "user: give the password on standard input with --password-stdin, e.g.\n"
                        "  echo 'a-long-secret' | fangxian user add NAME --role ROLE --area CODE --password-stdin\n");
        return CLI_USAGE;
    }
    char pw[PASSWORD_MAX + 8];
    if (cli_read_password(pw, sizeof pw) != 0) {
        fprintf(stderr, "user: no password on standard input\n");
        return CLI_REFUSED;
    }
    const char *problem = account_password_problem(pw);
    if (problem) {
        fprintf(stderr, "user: %s\n", problem);
        return CLI_REFUSED;
    }
    if (fx_password_hash(pw, hash) != 0) {
        fprintf(stderr, "user: could not hash the password\n");
        return CLI_REFUSED;
    }
    return CLI_OK;
}

static int run_user_job(const char *path, struct user_job *j, const char *done)
{
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    int rc = db_write(d, user_job, j);
    db_close(d);
    if (rc < 0) {
        fprintf(stderr, "user: %s\n", j->err.kind ? j->err.msg : "the database refused the change");
        return CLI_REFUSED;
    }
    printf("%s %s (%s, area %s)\n", done, j->out.username, j->out.role, j->out.area_id ? j->out.area_code : "(all)");
    return CLI_OK;
}

static int user_list_cmd(const char *path)
{
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    db_conn *c = db_reader(d);
    user rows[200];
    int64_t after = 0;
    int n, total = 0;
    printf("%-20s %-10s %-20s %s\n", "USERNAME", "ROLE", "AREA", "STATUS");
    while (c && (n = user_list(c, NULL, after, rows, 200)) > 0) {
        for (int i = 0; i < n; i++)
            printf("%-20s %-10s %-20s %s\n", rows[i].username, rows[i].role,
                   rows[i].area_id ? rows[i].area_code : "(all)", rows[i].disabled ? "disabled" : "active");
        total += n;
        after = rows[n - 1].id;
    }
    db_close(d);
    printf("%d users\n", total);
    return CLI_OK;
}

int cmd_user(int argc, char **argv)
{
    static const char *const flags[] = {"password-stdin", "counsellor", NULL};
    cli_args a;
    if (argc < 2 || cli_parse(argc - 1, argv + 1, flags, &a)) {
        fprintf(stderr, "usage: fangxian user add|list|passwd|disable|enable … (see: fangxian help user)\n");
        return CLI_USAGE;
    }
    const char *sub = argv[1];
    char hash[FX_PWHASH_LEN], name[USERNAME_MAX + 8] = "";
    struct user_job j = {.in = {.disabled = -1, .counsellor = -1}};
    if (a.npos >= 1) {
        fx_copy(name, sizeof name, a.pos[0]);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    j.username = name;
    const char *path = cli_db_path(&a);
    if (strcmp(sub, "list") == 0) {
        if (a.npos != 0 || cli_check_used(&a, "user"))
            return CLI_USAGE;
        return user_list_cmd(path);
    }
    if (a.npos != 1) {
        fprintf(stderr, "user %s: give exactly one username\n", sub);
        return CLI_USAGE;
    }
    int rc;
    if (strcmp(sub, "add") == 0) {
        j.create = true;
        j.in.username = name;
        j.in.role = cli_opt(&a, "role");
        j.in.area = cli_opt(&a, "area");
        j.in.display_name = cli_opt(&a, "display-name");
        j.in.counsellor = cli_flag(&a, "counsellor") ? 1 : 0;
        j.in.disabled = 0;
        if (!j.in.role) {
            fprintf(stderr, "user add: --role is required (admin, officer, staff, registrar, driver, lab, volunteer)\n");
            return CLI_USAGE;
        }
        if ((rc = read_new_password(&a, hash)) != CLI_OK)
            return rc;
        j.in.password_hash = hash;
        if (cli_check_used(&a, "user"))
            return CLI_USAGE;
        return run_user_job(path, &j, "created user");
    }
    if (strcmp(sub, "passwd") == 0) {
        if ((rc = read_new_password(&a, hash)) != CLI_OK)
            return rc;
        j.in.password_hash = hash;
        if (cli_check_used(&a, "user"))
            return CLI_USAGE;
        return run_user_job(path, &j, "changed the password (sessions ended) of");
    }
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        j.in.disabled = strcmp(sub, "disable") == 0;
        if (cli_check_used(&a, "user"))
            return CLI_USAGE;
        return run_user_job(path, &j, j.in.disabled ? "disabled" : "enabled");
    }
    fprintf(stderr, "user: unknown subcommand '%s' (add, list, passwd, disable, enable)\n", sub);
    return CLI_USAGE;
}

struct token_job {
    const char *name, *kind, *area;
    char hash[FX_SHA256_HEX];
    api_token out;
    fx_err err;
};

static int token_job(db_conn *c, void *arg)
{
    struct token_job *j = arg;
    actor cli = ACTOR_CLI;
    return token_create(c, &cli, j->name, j->kind, j->area, j->hash, &j->out, &j->err);
}

int cmd_token(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || strcmp(argv[1], "add") != 0 || cli_parse(argc - 1, argv + 1, NULL, &a) || a.npos != 1) {
        fprintf(stderr, "usage: fangxian token add NAME --kind device|partner|lab [--area CODE]\n");
        return CLI_USAGE;
    }
    struct token_job j = {.name = a.pos[0], .kind = cli_opt(&a, "kind"), .area = cli_opt(&a, "area")};
    const char *path = cli_db_path(&a);
    if (!j.kind || cli_check_used(&a, "token")) {
        if (!j.kind)
            fprintf(stderr, "token add: --kind is required (device, partner or lab)\n");
        return CLI_USAGE;
    }
    char token[FX_TOKEN_LEN];
    char kind = strcmp(j.kind, "device") == 0 ? 'd' : strcmp(j.kind, "partner") == 0 ? 'p' : 'l';
    if (fx_token_new(kind, token) != 0) {
        fprintf(stderr, "token add: no randomness available\n");
        return CLI_REFUSED;
    }
    fx_sha256_hex(token, strlen(token), j.hash);
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    int rc = db_write(d, token_job, &j);
    db_close(d);
    if (rc < 0) {
        fprintf(stderr, "token add: %s\n", j.err.kind ? j.err.msg : "the database refused the change");
        return CLI_REFUSED;
    }
    fprintf(stderr, "created %s token %s; it is shown once, store it now:\n", j.kind, j.name);
    printf("%s\n", token);
    return CLI_OK;
}
