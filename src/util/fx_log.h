/* fx_log.h — structured logging: one JSON object per line, to stderr or a file.
 * Each line goes out in one write(), so lines from many threads never mix. */
#ifndef FX_LOG_H
#define FX_LOG_H
#include <stddef.h>

enum fx_log_level { FX_LOG_DEBUG, FX_LOG_INFO, FX_LOG_WARN, FX_LOG_ERROR };

/* Sends log lines to path (appending), or to stderr when path is NULL. 0 or -1. */
int fx_log_open(const char *path);
void fx_log_set_level(enum fx_log_level min);

/* {"ts":…,"level":…,"msg":<message>} with the message JSON-escaped. */
void fx_log(enum fx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes an already formed line (a trailing newline is added). */
void fx_log_line(const char *line, size_t len);

/* Appends s to dst (capacity cap, current length *len) as JSON string content,
 * without quotes; truncates safely. */
void fx_json_escape(char *dst, size_t cap, size_t *len, const char *s);

#endif
