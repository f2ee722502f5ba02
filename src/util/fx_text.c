#include "util/fx_text.h"

#include <string.h>

size_t fx_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* continuation byte, overlong lead C0/C1, or F5..FF */
    }
    if (len < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

bool fx_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) { /* fast path for ASCII runs */
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = fx_utf8_decode(s + i, len - i, &cp);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Characters that separate words the way a space does. */
static bool is_space(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/* Invisible characters that pasted text carries along and nobody meant. */
static bool is_invisible(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

size_t fx_text_normalize(const char *in, char *out, size_t cap)
{
    if (!out || cap == 0)
        return 0;
    if (!in)
        in = "";
    size_t n = strlen(in), i = 0, o = 0;
    bool space = false; /* a space is owed before the next visible character */
    while (i < n) {
        uint32_t cp;
        size_t len = fx_utf8_decode(in + i, n - i, &cp);
        if (!len)
            cp = 0xFFFD, len = 1;
        i += len;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            cp -= 0xFEE0; /* full-width ASCII form -> ASCII */
        if (is_space(cp)) {
            space = o > 0;
            continue;
        }
        if (is_invisible(cp))
            continue;
        char enc[4];
        size_t el = utf8_encode(cp, enc);
        if (o + space + el + 1 > cap)
            break; /* stop at a character boundary; what follows is cut */
        if (space)
            out[o++] = ' ';
        space = false;
        memcpy(out + o, enc, el);
        o += el;
    }
    out[o] = '\0';
    return o;
}

/* Landline: 0 + area code + 7-8 digit subscriber number; sep_at is the number
 * of digits before the first separator the user typed (-1: none). */
static bool landline(const char *d, size_t nd, int sep_at, char out[24])
{
    if (nd < 3 || d[0] != '0')
        return false;
    size_t area;
    if (d[1] == '1' && d[2] == '0')
        area = 3; /* 010 Beijing */
    else if (d[1] == '2')
        area = 3; /* 020-029 */
    else if (d[1] >= '3' && d[1] <= '9')
        area = 4;
    else
        return false;
    if (nd < area + 7 || nd > area + 8 || d[area] == '0')
        return false;
    size_t sub = nd - area;
    if (sep_at >= 0 && (size_t)sep_at != area)
        return false; /* "037-112345678": the groups do not match any area code */
    memcpy(out, d, area);
    out[area] = '-';
    memcpy(out + area + 1, d + area, sub);
    out[area + 1 + sub] = '\0';
    return true;
}

static bool mobile(const char *d, size_t nd, char out[24])
{
    if (nd != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9')
        return false;
    memcpy(out, d, 11);
    out[11] = '\0';
    return true;
}

bool fx_phone_normalize(const char *in, char out[24])
{
    out[0] = '\0';
    char buf[64];
    if (!in || fx_text_normalize(in, buf, sizeof buf) >= sizeof buf - 8)
        return false; /* empty, or far too long to be a phone number */
    const char *p = buf;
    bool intl = false;
    if (p[0] == '+') {
        if (p[1] != '8' || p[2] != '6')
            return false;
        p += 3, intl = true;
    } else if (strncmp(p, "0086", 4) == 0) {
        p += 4, intl = true;
    }
    if (intl)
        while (*p == ' ' || *p == '-')
            p++;
    char d[24];
    size_t nd = 0;
    int sep_at = -1;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (nd == 20)
                return false;
            d[nd++] = *p;
        } else if (*p == ' ' || *p == '-') {
            if (nd == 0 || !(p[1] == ' ' || p[1] == '-' || (p[1] >= '0' && p[1] <= '9')))
                return false; /* a separator must sit between digits */
            if (sep_at < 0)
                sep_at = (int)nd;
        } else {
            return false;
        }
    }
    d[nd] = '\0';
    if (mobile(d, nd, out))
        return true;
    if (!intl && nd == 13 && d[0] == '8' && d[1] == '6')
        return mobile(d + 2, 11, out); /* "86 138…" without the plus */
    if (intl && d[0] != '0' && nd < 20) { /* "+86 371 1234567": the 0 is dropped abroad */
        memmove(d + 1, d, nd + 1);
        d[0] = '0';
        nd++;
        if (sep_at >= 0)
            sep_at++;
    }
    return landline(d, nd, sep_at, out);
}

const char *fx_text_quote(const char *s, char *buf, size_t cap)
{
    fx_text_normalize(s, buf, cap);
    return buf;
}
