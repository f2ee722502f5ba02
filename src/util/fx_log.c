#include "util/fx_log.h"

#include "util/fx_clock.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int log_fd = 2;
static enum fx_log_level log_min = FX_LOG_INFO;

int fx_log_open(const char *path)
{
    if (!path)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    log_fd = fd;
    return 0;
}

void fx_log_set_level(enum fx_log_level min) { log_min = min; }

void fx_json_escape(char *dst, size_t cap, size_t *len, const char *s)
{
    size_t n = *len;
    for (; *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            dst[n++] = '\\';
            dst[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(dst + n, cap - n, "\\u%04x", c);
        } else {
            dst[n++] = (char)c;
        }
    }
    dst[n < cap ? n : cap - 1] = '\0';
    *len = n;
}

void fx_log_line(const char *line, size_t len)
{
    struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
    ssize_t w = writev(log_fd, iov, 2);
    (void)w; /* nowhere to report a failed log write */
}

void fx_log(enum fx_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < log_min)
        return;
    char msg[1024], line[2300], ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fx_time_utc(fx_now(), ts, sizeof ts);
    size_t n = (size_t)snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts,
                                names[level]);
    fx_json_escape(line, sizeof line - 3, &n, msg);
    line[n++] = '"';
    line[n++] = '}';
    fx_log_line(line, n);
}
