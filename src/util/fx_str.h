/* fx_str.h — a growable string with a hard maximum, and small string checks. */
#ifndef FX_STR_H
#define FX_STR_H
#include <stdbool.h>
#include <stddef.h>

typedef struct fx_str {
    char *p;
    size_t len, cap, max; /* max: appends that would pass it fail and set overflow */
    bool overflow;
} fx_str;

void fx_str_init(fx_str *s, size_t max);
void fx_str_free(fx_str *s);
bool fx_str_add(fx_str *s, const char *data, size_t n);
bool fx_str_adds(fx_str *s, const char *cstr);
bool fx_str_addf(fx_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a quoted JSON string. */
bool fx_str_add_json(fx_str *s, const char *cstr);
/* Hands the buffer to the caller (NUL-terminated, never NULL unless out of memory). */
char *fx_str_take(fx_str *s);

/* Copies src into dst of size n, always NUL-terminating; false when truncated
 * (then cut before a whole UTF-8 character). */
bool fx_copy(char *dst, size_t n, const char *src);
/* Number of Unicode code points in valid UTF-8 s. */
size_t fx_utf8_len(const char *s);
/* Parses a whole decimal int64 (optional leading '-'); false on junk or overflow. */
bool fx_parse_i64(const char *s, long long *out);

#endif
