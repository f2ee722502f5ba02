#include "util/fx_idcard.h"

#include "util/fx_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

char fx_idcard_check_char(const char *first17)
{
    if (!first17)
        return '\0';
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (first17[i] < '0' || first17[i] > '9')
            return '\0';
        sum += (first17[i] - '0') * weight[i];
    }
    return check_map[sum % 11];
}

/* Province-level codes of GB/T 2260, plus 83 (residence permits for people
 * from Hong Kong, Macao and Taiwan) and 91 (foreigners). */
static bool province_ok(int p)
{
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
           (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82 || p == 83 || p == 91;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool is_blank(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000; }

/* The ASCII character a user meant, or 0: digits and X in half or full width. */
static char id_char(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (char)cp;
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (char)('0' + (cp - 0xFF10));
    if (cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58)
        return 'X';
    return 0;
}

fx_id_status fx_idcard_parse(const char *s, int this_year, fx_idcard *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    char num[19];
    size_t n = 0, len = s ? strlen(s) : 0, i = 0;
    bool after = false; /* a blank followed the number */
    while (i < len) {
        uint32_t cp;
        size_t l = fx_utf8_decode(s + i, len - i, &cp);
        if (!l)
            return FX_ID_BAD_CHAR;
        i += l;
        if (is_blank(cp)) {
            after = n > 0;
            continue;
        }
        char c = id_char(cp);
        if (!c || after)
            return FX_ID_BAD_CHAR; /* a letter or a space inside the number */
        if (n < 18)
            num[n] = c;
        n++;
    }
    if (n == 0)
        return FX_ID_EMPTY;
    if (n != 15 && n != 18)
        return FX_ID_BAD_LENGTH;
    for (size_t k = 0; k < n; k++)
        if (num[k] == 'X' && k != 17)
            return FX_ID_BAD_CHAR;
    if (n == 15) { /* 6 region + YYMMDD + 3 sequence -> 6 region + 19YYMMDD + 3 sequence + check */
        memmove(num + 8, num + 6, 9);
        num[6] = '1', num[7] = '9';
    }
    if (!province_ok(digits(num, 2)))
        return FX_ID_BAD_REGION;
    int y = digits(num + 6, 4), m = digits(num + 10, 2), d = digits(num + 12, 2);
    if (y < 1900 || (this_year > 0 && y > this_year) || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return FX_ID_BAD_DATE;
    char check = fx_idcard_check_char(num);
    if (n == 15)
        num[17] = check;
    else if (num[17] != check)
        return FX_ID_BAD_CHECKSUM;
    num[18] = '\0';
    if (out) {
        memcpy(out->number, num, sizeof num);
        out->year = y, out->month = m, out->day = d;
        out->sex = (num[16] - '0') % 2 ? 'M' : 'F';
    }
    return FX_ID_OK;
}

const char *fx_idcard_problem(fx_id_status st)
{
    switch (st) {
    case FX_ID_OK:
        return "the ID number is valid";
    case FX_ID_EMPTY:
        return "the ID number is empty: enter the 18-character number printed on the ID card";
    case FX_ID_BAD_LENGTH:
        return "the ID number must have 18 characters (15 on an old first-generation card): "
               "a digit is probably missing or doubled";
    case FX_ID_BAD_CHAR:
        return "the ID number may contain only digits, and an X as its 18th character: "
               "check for letters, spaces or punctuation inside the number";
    case FX_ID_BAD_REGION:
        return "the first two digits are not a province code (11 Beijing to 65 Xinjiang, 71, 81, 82, 83, 91): "
               "check the start of the number";
    case FX_ID_BAD_DATE:
        return "the birth date in the number (digits 7-14, or 7-12 in a 15-digit number) is not a real date "
               "between 1900 and this year: check the year, month and day";
    case FX_ID_BAD_CHECKSUM:
        return "the last character (check digit) does not match the other 17: a digit was probably mistyped "
               "or two digits swapped";
    }
    return "the ID number is not valid";
}

static bool is_lead(char c) { return ((unsigned char)c & 0xC0) != 0x80; }

void fx_idcard_mask(const char *number, char out[32])
{
    if (!number)
        number = "";
    size_t len = strlen(number), chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += is_lead(number[i]);
    size_t keep = chars == 18 ? 4 : chars >= 5 ? 2 : 0;
    size_t head = 0, tail = len; /* bytes kept at the start; where the kept end begins */
    for (size_t k = 0; k < keep; k++)
        while (++head < len && !is_lead(number[head]))
            ;
    for (size_t k = 0; k < keep; k++)
        while (--tail > 0 && !is_lead(number[tail]))
            ;
    size_t stars = chars - 2 * keep;
    if (head + (len - tail) > 31) /* kept characters too wide to fit: all stars */
        head = 0, tail = len, stars = chars;
    size_t o = head;
    memcpy(out, number, head);
    for (size_t k = 0; k < stars && o + (len - tail) < 31; k++)
        out[o++] = '*';
    memcpy(out + o, number + tail, len - tail);
    o += len - tail;
    out[o] = '\0';
}
