#include "util/fx_str.h"

#include "util/fx_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fx_str_init(fx_str *s, size_t max) { *s = (fx_str){.max = max}; }

void fx_str_free(fx_str *s)
{
    free(s->p);
    *s = (fx_str){0};
}

static bool grow(fx_str *s, size_t need)
{
    if (s->overflow || need + 1 > s->max) {
        s->overflow = true;
        return false;
    }
    if (need + 1 <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap * 2 : 256;
    while (cap < need + 1)
        cap *= 2;
    if (cap > s->max)
        cap = s->max;
    char *p = realloc(s->p, cap);
    if (!p) {
        s->overflow = true;
        return false;
    }
    s->p = p;
    s->cap = cap;
    return true;
}

bool fx_str_add(fx_str *s, const char *data, size_t n)
{
    if (!grow(s, s->len + n))
        return false;
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = '\0';
    return true;
}

bool fx_str_adds(fx_str *s, const char *cstr) { return fx_str_add(s, cstr, strlen(cstr)); }

bool fx_str_addf(fx_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(s, s->len + (size_t)n))
        return false;
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
    return true;
}

bool fx_str_add_json(fx_str *s, const char *cstr)
{
    size_t need = strlen(cstr) * 6 + 3;
    if (!grow(s, s->len + need))
        return false;
    s->p[s->len++] = '"';
    fx_json_escape(s->p, s->cap, &s->len, cstr);
    s->p[s->len++] = '"';
    s->p[s->len] = '\0';
    return true;
}

char *fx_str_take(fx_str *s)
{
    if (!s->p && !grow(s, 0))
        return NULL;
    if (!s->p)
        return NULL;
    char *p = s->p;
    p[s->len] = '\0';
    *s = (fx_str){0};
    return p;
}

bool fx_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        size_t k = n - 1;
        while (k && ((unsigned char)src[k] & 0xC0) == 0x80) /* never cut a UTF-8 character */
            k--;
        memcpy(dst, src, k);
        dst[k] = '\0';
        return false;
    }
    memcpy(dst, src, len + 1);
    return true;
}

size_t fx_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool fx_parse_i64(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || (*s != '-' && (*s < '0' || *s > '9')))
        return false;
    *out = v;
    return true;
}
