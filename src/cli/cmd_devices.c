/* cmd_devices.c — `fangxian devices mosquitto-config --dir D`: the broker's password file and
 * ACL from the devices table. Each active device logs in as its device id with its token and
 * may publish only on fangxian/devices/{id}/events; the server's own account reads them all.
 * mosquitto rereads both files on SIGHUP. */
#include "cli/cli.h"

#include "core/sensor.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct files {
    FILE *passwd, *acl;
    const char *server_user;
    int clash;
};

static void add_device(const char *code, const char *mqtt_hash, void *arg)
{
    struct files *f = arg;
    if (strcmp(code, f->server_user) == 0) {
        f->clash = 1;
        return;
    }
    fprintf(f->passwd, "%s:%s\n", code, mqtt_hash);
    fprintf(f->acl, "user %s\ntopic write fangxian/devices/%s/events\n\n", code, code);
}

/* The server's broker password: kept in DIR/server.password (0600), made on first use. */
static int server_password(const char *dir, char *out, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/server.password", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        bool ok = fgets(out, (int)n, f) != NULL;
        fclose(f);
        out[strcspn(out, "\r\n")] = '\0';
        return ok && *out ? 0 : -1;
    }
    unsigned char raw[24];
    if (fx_random(raw, sizeof raw) != 0)
        return -1;
    for (size_t i = 0; i < sizeof raw && 2 * i + 2 < n; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(out);
    bool ok = write(fd, out, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
    return close(fd) == 0 && ok ? 0 : -1;
}

static FILE *open_tmp(const char *dir, const char *name, char *tmp, size_t n)
{
    snprintf(tmp, n, "%s/%s.tmp", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    return fd < 0 ? NULL : fdopen(fd, "w");
}

int cmd_devices(int argc, char **argv)
{
    cli_args a;
    if (argc < 2 || strcmp(argv[1], "mosquitto-config") != 0 || cli_parse(argc - 1, argv + 1, NULL, &a) ||
        a.npos != 0 || !cli_opt(&a, "dir")) {
        fprintf(stderr, "usage: fangxian devices mosquitto-config --dir DIR [--server-user NAME]\n");
        return CLI_USAGE;
    }
    const char *dir = cli_opt(&a, "dir");
    struct files f = {.server_user = cli_opt(&a, "server-user") ? cli_opt(&a, "server-user") : "fangxian"};
    const char *path = cli_db_path(&a);
    if (cli_check_used(&a, "devices"))
        return CLI_USAGE;
    if (!sensor_code_valid(f.server_user)) {
        fprintf(stderr, "devices: --server-user must be 1-64 letters, digits, '-', '_' or '.'\n");
        return CLI_USAGE;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "devices: cannot create %s\n", dir);
        return CLI_REFUSED;
    }
    char pw[128], hash[FX_MQTT_HASH_LEN];
    if (server_password(dir, pw, sizeof pw) != 0 || fx_mqtt_password_hash(pw, hash) != 0) {
        fprintf(stderr, "devices: cannot read or create %s/server.password\n", dir);
        return CLI_REFUSED;
    }
    db *d = cli_open_db(path, NULL);
    if (!d)
        return CLI_REFUSED;
    char ptmp[4096], atmp[4096], pfinal[4096], afinal[4096];
    f.passwd = open_tmp(dir, "passwd", ptmp, sizeof ptmp);
    f.acl = open_tmp(dir, "acl", atmp, sizeof atmp);
    int n = -1;
    if (f.passwd && f.acl) {
        fprintf(f.passwd, "%s:%s\n", f.server_user, hash);
        fprintf(f.acl, "# written by `fangxian devices mosquitto-config`: each device publishes only on its own topic\n"
                       "user %s\ntopic read fangxian/devices/+/events\n\n", f.server_user);
        db_conn *c = db_reader(d);
        n = c ? device_each_mqtt(c, add_device, &f) : -1;
        db_reader_release(d);
    }
    bool ok = n >= 0 && !f.clash;
    ok = f.passwd && fclose(f.passwd) == 0 && ok;
    ok = f.acl && fclose(f.acl) == 0 && ok;
    db_close(d);
    snprintf(pfinal, sizeof pfinal, "%s/passwd", dir);
    snprintf(afinal, sizeof afinal, "%s/acl", dir);
    if (!ok || rename(ptmp, pfinal) != 0 || rename(atmp, afinal) != 0) {
        unlink(ptmp);
        unlink(atmp);
        fprintf(stderr, f.clash ? "devices: a device is named %s, the server's own broker account; pass another "
                                  "--server-user\n"
                                : "devices: could not write the files in %s\n",
                f.clash ? f.server_user : dir);
        return CLI_REFUSED;
    }
    fprintf(stderr, "wrote %s and %s for %d device(s) and the server (user %s, password in %s/server.password);\n"
                    "point mosquitto at them (password_file, acl_file) and reload it: kill -HUP <mosquitto pid>\n",
            pfinal, afinal, n, f.server_user, dir);
    return CLI_OK;
}
