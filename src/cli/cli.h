/* cli.h — shared pieces of the subcommands: option parsing, opening the store. */
#ifndef CLI_H
#define CLI_H
#include "db/db.h"

#include <stdbool.h>

/* Exit statuses (contract.md): */
enum { CLI_OK = 0, CLI_REFUSED = 1, CLI_USAGE = 2 };

/* Options: --name VALUE pairs and positional words, parsed from argv[1..]. */
typedef struct cli_args {
    int npos;
    const char *pos[8];
    int nopt;
    struct {
        const char *name, *value; /* value NULL for a flag */
        bool used;
    } opt[32];
} cli_args;

/* Parses argv; flags lists the options that take no value (e.g. "password-stdin").
 * Returns 0 or prints the problem and returns -1. */
int cli_parse(int argc, char **argv, const char *const *flags, cli_args *out);
const char *cli_opt(cli_args *a, const char *name); /* NULL when absent */
bool cli_flag(cli_args *a, const char *name);
/* Prints an unknown option and returns -1, or 0 when all options were read. */
int cli_check_used(cli_args *a, const char *cmd);

/* --db, else $FANGXIAN_DB, else data/fangxian.db (creating data/). */
const char *cli_db_path(cli_args *a);
/* Opens and migrates the store (opt NULL: defaults); prints what went wrong and returns NULL. */
db *cli_open_db(const char *path, const db_options *opt);

/* Reads one line (the password) from stdin, without the newline. */
int cli_read_password(char *buf, size_t n);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_area(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_demo_ops(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_workorders(int argc, char **argv);
int cmd_risk_areas(int argc, char **argv);

#endif
