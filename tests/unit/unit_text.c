/* Unit tests: GB 11643 ID numbers, phone numbers, text clean-up, UTF-8 checks
 * and the CSV reader (encodings, quoting, broken rows, refused files, a 50 MB
 * file read with bounded memory). */
#include "lib/testhelp.h"
#include "util/fx_csv.h"
#include "util/fx_idcard.h"
#include "util/fx_text.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- ID numbers */

static fx_id_status id(const char *s) { return fx_idcard_parse(s, 2025, NULL); }

static void idcard_valid_numbers(void)
{
    fx_idcard c;
    /* the example of GB 11643-1999 itself: Beijing Chaoyang, 31 Dec 1949, woman */
    CHECK_EQ_INT(fx_idcard_parse("11010519491231002X", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "11010519491231002X");
    CHECK_EQ_INT(c.year, 1949);
    CHECK_EQ_INT(c.month, 12);
    CHECK_EQ_INT(c.day, 31);
    CHECK_EQ_INT(c.sex, 'F');
    CHECK_EQ_INT(fx_idcard_parse("410101199003071234", 2025, &c), FX_ID_OK);
    CHECK_EQ_INT(c.sex, 'M'); /* 17th digit 3: odd */
    CHECK_EQ_INT(c.year, 1990);
    CHECK_EQ_INT(c.month, 3);
    CHECK_EQ_INT(c.day, 7);
    CHECK_EQ_INT(fx_idcard_parse("410101199003071242", 2025, &c), FX_ID_OK);
    CHECK_EQ_INT(c.sex, 'F'); /* 17th digit 4: even */
    CHECK_EQ_INT(id("320105198801010064"), FX_ID_OK);
    CHECK_EQ_INT(id("530102196001010016"), FX_ID_OK);
    CHECK_EQ_INT(id("810000199901010014"), FX_ID_OK); /* Hong Kong residence permit */
    /* the standard's other example, born 1880: its check digit is right but it is before 1900 */
    CHECK_EQ_INT(fx_idcard_check_char("44052418800101001"), '4');
    CHECK_EQ_INT(id("440524188001010014"), FX_ID_BAD_DATE);
    CHECK_EQ_INT(fx_idcard_parse("440524188001010014", 0, NULL), FX_ID_BAD_DATE);
}

static void idcard_check_digit(void)
{
    CHECK_EQ_INT(fx_idcard_check_char("11010519491231002"), 'X');
    CHECK_EQ_INT(fx_idcard_check_char("41010119900307123"), '4');
    CHECK_EQ_INT(fx_idcard_check_char("11010519800229001"), '3');
    CHECK_EQ_INT(fx_idcard_check_char("1101051949123100"), '\0'); /* 16 digits */
    CHECK_EQ_INT(fx_idcard_check_char("1101051949123100A"), '\0');
    CHECK_EQ_INT(fx_idcard_check_char(NULL), '\0');
    fx_idcard c;
    /* one digit mistyped, two digits swapped, X for a digit and a digit for X */
    CHECK_EQ_INT(fx_idcard_parse("110105194912310021", 2025, &c), FX_ID_BAD_CHECKSUM);
    CHECK_EQ_INT(c.number[0], '\0'); /* out is cleared on failure */
    CHECK_EQ_INT(id("410101199003071235"), FX_ID_BAD_CHECKSUM);
    CHECK_EQ_INT(id("410101199003072134"), FX_ID_BAD_CHECKSUM);
    CHECK_EQ_INT(id("41010119900307123X"), FX_ID_BAD_CHECKSUM);
    CHECK_EQ_INT(id("410101199003071324"), FX_ID_BAD_CHECKSUM);
    const char *msg = fx_idcard_problem(FX_ID_BAD_CHECKSUM);
    CHECK(strstr(msg, "check digit") && strstr(msg, "mistyped"));
}

static void idcard_input_forms(void)
{
    fx_idcard c;
    CHECK_EQ_INT(fx_idcard_parse("11010519491231002x", 2025, &c), FX_ID_OK); /* lower-case x */
    CHECK_STR(c.number, "11010519491231002X");
    CHECK_EQ_INT(fx_idcard_parse("  410101199003071234\t\r\n", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "410101199003071234");
    /* full-width digits and Ｘ, as typed with a Chinese input method, and ideographic spaces */
    CHECK_EQ_INT(fx_idcard_parse("\xE3\x80\x80１１０１０５１９４９１２３１００２Ｘ\xE3\x80\x80", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "11010519491231002X");
    CHECK_EQ_INT(fx_idcard_parse("１１０１０５１９４９１２３１００２ｘ", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "11010519491231002X");
    CHECK_EQ_INT(fx_idcard_parse("4101011990030712３４", 2025, &c), FX_ID_OK); /* mixed widths */
    CHECK_STR(c.number, "410101199003071234");
    CHECK_EQ_INT(fx_idcard_parse("\xC2\xA0" "410101199003071234", 2025, &c), FX_ID_OK); /* NBSP */

    CHECK_EQ_INT(id(""), FX_ID_EMPTY);
    CHECK_EQ_INT(id("   "), FX_ID_EMPTY);
    CHECK_EQ_INT(id("\xE3\x80\x80"), FX_ID_EMPTY);
    CHECK_EQ_INT(id(NULL), FX_ID_EMPTY);
    CHECK_EQ_INT(id("41010119900307123"), FX_ID_BAD_LENGTH);   /* 17 */
    CHECK_EQ_INT(id("4101011990030712345"), FX_ID_BAD_LENGTH); /* 19 */
    CHECK_EQ_INT(id("4101011990030"), FX_ID_BAD_LENGTH);
    CHECK_EQ_INT(id("410101 199003071234"), FX_ID_BAD_CHAR); /* a space inside */
    CHECK_EQ_INT(id("410101-199003071234"), FX_ID_BAD_CHAR);
    CHECK_EQ_INT(id("41010119900307123O"), FX_ID_BAD_CHAR); /* letter O for zero */
    CHECK_EQ_INT(id("4101011990X3071234"), FX_ID_BAD_CHAR); /* X not last */
    CHECK_EQ_INT(id("11010549123100X"), FX_ID_BAD_CHAR);    /* old numbers have no X */
    CHECK_EQ_INT(id("\xFF" "10105194912310021"), FX_ID_BAD_CHAR); /* not UTF-8 */
    CHECK_EQ_INT(id("410101199003071234，"), FX_ID_BAD_CHAR); /* full-width comma */
}

static void idcard_fifteen_digits(void)
{
    fx_idcard c;
    CHECK_EQ_INT(fx_idcard_parse("110105491231002", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "11010519491231002X"); /* "19" inserted, check character computed */
    CHECK_EQ_INT(c.year, 1949);
    CHECK_EQ_INT(c.sex, 'F');
    CHECK_EQ_INT(fx_idcard_parse("650102200112312", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "650102192001123124");
    CHECK_EQ_INT(c.month, 1);
    CHECK_EQ_INT(c.day, 12);
    CHECK_EQ_INT(c.sex, 'F');
    CHECK_EQ_INT(fx_idcard_parse("１１０１０５４９１２３１００２", 2025, &c), FX_ID_OK);
    CHECK_STR(c.number, "11010519491231002X");
    CHECK_EQ_INT(id("110105491331002"), FX_ID_BAD_DATE); /* month 13 */
    CHECK_EQ_INT(id("990105491231002"), FX_ID_BAD_REGION);
}

static void idcard_dates_and_regions(void)
{
    /* 29 February: 1980 and 2000 are leap years, 1981 and 1900 are not */
    CHECK_EQ_INT(id("110105198002290013"), FX_ID_OK);
    CHECK_EQ_INT(id("11010520000229003X"), FX_ID_OK);
    CHECK_EQ_INT(id("110105198102290010"), FX_ID_BAD_DATE);
    CHECK_EQ_INT(id("110105190002290011"), FX_ID_BAD_DATE);
    CHECK_EQ_INT(id("110105190002280011"), FX_ID_OK); /* 1900 itself is allowed */
    CHECK_EQ_INT(id("110105198102280015"), FX_ID_OK);
    CHECK_EQ_INT(id("110105198004310013"), FX_ID_BAD_DATE); /* 31 April */
    CHECK_EQ_INT(id("110105198013010013"), FX_ID_BAD_DATE); /* month 13 */
    CHECK_EQ_INT(id("110105198000010013"), FX_ID_BAD_DATE); /* month 0 */
    CHECK_EQ_INT(id("110105198001000013"), FX_ID_BAD_DATE); /* day 0 */
    CHECK_EQ_INT(id("110105198001320013"), FX_ID_BAD_DATE); /* day 32 */
    CHECK_EQ_INT(id("110105189912310013"), FX_ID_BAD_DATE); /* 1899 */
    /* born in a year that has not come: refused against this_year, accepted a year on or with no bound */
    CHECK_EQ_INT(fx_idcard_parse("410101202601010014", 2025, NULL), FX_ID_BAD_DATE);
    CHECK_EQ_INT(fx_idcard_parse("410101202601010014", 2026, NULL), FX_ID_OK);
    CHECK_EQ_INT(fx_idcard_parse("410101202601010014", 0, NULL), FX_ID_OK);
    CHECK_EQ_INT(fx_idcard_parse("410101202402290025", 2024, NULL), FX_ID_OK);
    /* province codes: 10, 16, 20, 24, 47, 55, 66, 72, 84, 90, 00 are not provinces */
    static const char *bad[] = {"10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60",
                                "66", "70", "72", "80", "84", "90", "92", "00", "99"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char n[19];
        snprintf(n, sizeof n, "%s0101199003071234", bad[i]);
        CHECKF(id(n) == FX_ID_BAD_REGION, "%s", n);
    }
    static const char *good[] = {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54",
                                 "61", "65", "71", "81", "82", "83", "91"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char n[19];
        snprintf(n, sizeof n, "%s010119900307123", good[i]);
        n[17] = fx_idcard_check_char(n);
        n[18] = '\0';
        CHECKF(id(n) == FX_ID_OK, "%s", n);
    }
    /* checks run in order: a wrong region is reported before a wrong date and a wrong checksum */
    CHECK_EQ_INT(id("990101199013071239"), FX_ID_BAD_REGION);
    CHECK_EQ_INT(id("410101199013071239"), FX_ID_BAD_DATE);
}

static void idcard_messages_and_mask(void)
{
    for (int st = FX_ID_OK; st <= FX_ID_BAD_CHECKSUM; st++) {
        const char *m = fx_idcard_problem((fx_id_status)st);
        CHECKF(m && strlen(m) > 15, "status %d", st);
        for (int other = FX_ID_OK; other < st; other++)
            CHECKF(strcmp(m, fx_idcard_problem((fx_id_status)other)) != 0, "%d and %d", st, other);
    }
    CHECK(strstr(fx_idcard_problem(FX_ID_BAD_DATE), "1900"));
    CHECK(strstr(fx_idcard_problem(FX_ID_BAD_LENGTH), "18"));
    CHECK(fx_idcard_problem((fx_id_status)42) != NULL);

    char m[32];
    fx_idcard_mask("410101199003071234", m);
    CHECK_STR(m, "4101**********1234"); /* contract.md's public lookup */
    fx_idcard_mask("11010519491231002X", m);
    CHECK_STR(m, "1101**********002X");
    fx_idcard_mask("110105491231002", m);
    CHECK_STR(m, "11***********02");
    fx_idcard_mask("12345", m);
    CHECK_STR(m, "12*45");
    fx_idcard_mask("1234", m);
    CHECK_STR(m, "****");
    fx_idcard_mask("", m);
    CHECK_STR(m, "");
    fx_idcard_mask(NULL, m);
    CHECK_STR(m, "");
    fx_idcard_mask("张三丰李四", m); /* characters, not bytes */
    CHECK_STR(m, "张三*李四");
    fx_idcard_mask("1234567890123456789012345678901234567890", m); /* too long: cut to fit */
    CHECK_EQ_INT(strlen(m), 31);
    CHECK(strncmp(m, "12***", 5) == 0 && strcmp(m + 29, "90") == 0);
    fx_idcard_mask("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                   "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                   "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                   "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
                   m); /* 18 four-byte characters: the kept ones would need 32 bytes */
    CHECK(strlen(m) <= 31 && fx_utf8_valid(m, strlen(m)));
}

/* ---------------------------------------------------------------- text */

static void utf8_strict(void)
{
    CHECK(fx_utf8_valid("", 0));
    CHECK(fx_utf8_valid("abc", 3));
    CHECK(fx_utf8_valid("张三", strlen("张三")));
    CHECK(fx_utf8_valid("\xC2\x80", 2));              /* U+0080 */
    CHECK(fx_utf8_valid("\xEF\xBF\xBF", 3));          /* U+FFFF */
    CHECK(fx_utf8_valid("\xF0\x9F\x98\x80", 4));      /* emoji */
    CHECK(fx_utf8_valid("\xF4\x8F\xBF\xBF", 4));      /* U+10FFFF */
    CHECK(fx_utf8_valid("a\0b", 3));                  /* NUL is U+0000 */
    CHECK(!fx_utf8_valid("\xC0\x80", 2));             /* overlong NUL */
    CHECK(!fx_utf8_valid("\xC1\xBF", 2));             /* overlong */
    CHECK(!fx_utf8_valid("\xE0\x80\xAF", 3));         /* overlong '/' */
    CHECK(!fx_utf8_valid("\xF0\x8F\xBF\xBF", 4));     /* overlong U+FFFF */
    CHECK(!fx_utf8_valid("\xED\xA0\x80", 3));         /* surrogate U+D800 */
    CHECK(!fx_utf8_valid("\xED\xBF\xBF", 3));         /* surrogate U+DFFF */
    CHECK(fx_utf8_valid("\xED\x9F\xBF", 3));          /* U+D7FF */
    CHECK(!fx_utf8_valid("\xF4\x90\x80\x80", 4));     /* U+110000 */
    CHECK(!fx_utf8_valid("\xF5\x80\x80\x80", 4));
    CHECK(!fx_utf8_valid("\xFF", 1));
    CHECK(!fx_utf8_valid("\x80", 1));                 /* lone continuation */
    CHECK(!fx_utf8_valid("\xE5\xBC", 2));             /* truncated */
    CHECK(!fx_utf8_valid("\xE5\xBC\xA0", 2));         /* the length counts, not the NUL */
    CHECK(!fx_utf8_valid("\xE5\x41\xA0", 3));         /* ASCII inside a sequence */
    CHECK(!fx_utf8_valid("\xd5\xc5\xc8\xfd", 4));     /* 张三 in GBK */
    uint32_t cp = 0;
    CHECK_EQ_INT(fx_utf8_decode("张", 3, &cp), 3);
    CHECK_EQ_INT(cp, 0x5F20);
    CHECK_EQ_INT(fx_utf8_decode("张", 2, &cp), 0);
    CHECK_EQ_INT(fx_utf8_decode("", 0, &cp), 0);
}

static const char *norm(const char *in, size_t cap)
{
    static char out[256];
    memset(out, 'Z', sizeof out);
    size_t n = fx_text_normalize(in, out, cap);
    if (n != strlen(out))
        return "(length mismatch)";
    return out;
}

static void text_normalize(void)
{
    CHECK_STR(norm("ＡＢＣ１２３", 256), "ABC123");
    CHECK_STR(norm("（张三）＠ｘ．ｃｏｍ！～", 256), "(张三)@x.com!~");
    CHECK_STR(norm("\xE3\x80\x80张三\xE3\x80\x80\xE3\x80\x80李四\xE3\x80\x80", 256), "张三 李四");
    CHECK_STR(norm("  a \t\t b\r\n c  ", 256), "a b c");
    CHECK_STR(norm("\xC2\xA0" "a" "\xC2\xA0\xC2\xA0" "b", 256), "a b"); /* NBSP */
    CHECK_STR(norm("a\xE2\x80\x8B" "b\xEF\xBB\xBF", 256), "ab");     /* zero-width space, BOM */
    CHECK_STR(norm("a\x01" "b", 256), "a b");
    CHECK_STR(norm("a\xFF" "b", 256), "a\xEF\xBF\xBD" "b"); /* not UTF-8: U+FFFD */
    CHECK_STR(norm("", 256), "");
    CHECK_STR(norm("   \t ", 256), "");
    CHECK_STR(norm(NULL, 256), "");
    CHECK_STR(norm("张三", 256), "张三");
    /* truncation never splits a character and never ends in a space */
    CHECK_STR(norm("张三李四", 7), "张三");
    CHECK_STR(norm("张三李四", 9), "张三");
    CHECK_STR(norm("张三李四", 10), "张三李");
    CHECK_STR(norm("ab 张", 5), "ab");
    CHECK_STR(norm("abc", 1), "");
    char one = 'Z';
    CHECK_EQ_INT(fx_text_normalize("abc", &one, 0), 0);
    CHECK_EQ_INT(one, 'Z'); /* cap 0: nothing written */
    const char *s = "  Ａ１ 张\xE3\x80\x80三　\xF0\x9F\x98\x80 x\t\xC2\xA0y ";
    const char *full = "A1 张 三 \xF0\x9F\x98\x80 x y";
    CHECK_STR(norm(s, 256), full);
    for (size_t cap = 1; cap <= strlen(full) + 1; cap++) {
        const char *o = norm(s, cap);
        size_t n = strlen(o);
        CHECKF(n < cap && fx_utf8_valid(o, n) && strncmp(full, o, n) == 0 && (n == 0 || o[n - 1] != ' '),
               "cap %zu gave \"%s\"", cap, o);
    }
}

static const char *phone(const char *in)
{
    static char out[24];
    memset(out, 'Z', sizeof out);
    if (!fx_phone_normalize(in, out))
        return out[0] == '\0' ? "(false)" : "(false, out not cleared)";
    return out;
}

static void phones(void)
{
    CHECK_STR(phone("13812345678"), "13812345678");
    CHECK_STR(phone(" 138 1234 5678 "), "13812345678");
    CHECK_STR(phone("138-1234-5678"), "13812345678");
    CHECK_STR(phone("+86 138 1234 5678"), "13812345678");
    CHECK_STR(phone("+86-13812345678"), "13812345678");
    CHECK_STR(phone("+8613812345678"), "13812345678");
    CHECK_STR(phone("0086 13812345678"), "13812345678");
    CHECK_STR(phone("8613812345678"), "13812345678");
    CHECK_STR(phone("86 138 1234 5678"), "13812345678");
    CHECK_STR(phone("１３８１２３４５６７８"), "13812345678"); /* full-width */
    CHECK_STR(phone("＋８６　１９９１２３４５６７８"), "19912345678");
    CHECK_STR(phone("0371-12345678"), "0371-12345678");
    CHECK_STR(phone("037112345678"), "0371-12345678");
    CHECK_STR(phone("0371 1234567"), "0371-1234567");
    CHECK_STR(phone("010-12345678"), "010-12345678");
    CHECK_STR(phone("01012345678"), "010-12345678");
    CHECK_STR(phone("021 6123 4567"), "021-61234567");
    CHECK_STR(phone("0755-8123-4567"), "0755-81234567");
    CHECK_STR(phone("+86 371 12345678"), "0371-12345678"); /* international form drops the 0 */
    CHECK_STR(phone("+86 10 12345678"), "010-12345678");
    CHECK_STR(phone("+86 0371 12345678"), "0371-12345678");

    CHECK_STR(phone("1381234567"), "(false)");    /* 10 digits */
    CHECK_STR(phone("138123456789"), "(false)");  /* 12 digits */
    CHECK_STR(phone("12812345678"), "(false)");   /* no mobile starts 12 */
    CHECK_STR(phone("23812345678"), "(false)");
    CHECK_STR(phone("+1 202 555 0123"), "(false)");
    CHECK_STR(phone("+85 13812345678"), "(false)");
    CHECK_STR(phone("0371-0234567"), "(false)");  /* a local number does not start with 0 */
    CHECK_STR(phone("0371-01234567"), "(false)");
    CHECK_STR(phone("037-112345678"), "(false)"); /* dash in the wrong place */
    CHECK_STR(phone("0371-123456"), "(false)");   /* 6-digit subscriber */
    CHECK_STR(phone("0371-123456789"), "(false)");
    CHECK_STR(phone("0012345678"), "(false)");
    CHECK_STR(phone("400-123-4567"), "(false)");
    CHECK_STR(phone("110"), "(false)");
    CHECK_STR(phone("138 1234 5678 转 12"), "(false)");
    CHECK_STR(phone("138-1234-5678-"), "(false)");
    CHECK_STR(phone("-13812345678"), "(false)");
    CHECK_STR(phone("1381234567８x"), "(false)");
    CHECK_STR(phone(""), "(false)");
    CHECK_STR(phone("   "), "(false)");
    CHECK_STR(phone(NULL), "(false)");
    CHECK_STR(phone("+86"), "(false)");
    CHECK_STR(phone("13812345678901234567890123456789012345678901234567890123456789012345678"), "(false)");
}

/* ---------------------------------------------------------------- CSV */

static int temp_fd(const void *data, size_t n)
{
    char path[] = "/tmp/fx_unit_csv_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w, n -= (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Everything a reader returned, rendered for comparison. */
typedef struct got {
    bool opened;
    char err[300];
    char enc[16];
    char sep;
    int rows, end;
    char text[8192];  /* fields joined by '|', each row ended by '\n' */
    char notes[4096]; /* "P<record>: <problem>\n" and "W<record>: <warning>\n" */
    char last[256];   /* the last row, rendered like text */
    long record[64], line[64];
    int nfields[64];
    bool all_utf8;
    long long bytes;
    unsigned long long hash; /* of everything returned, in order */
} got;

static void hash_add(unsigned long long *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 1099511628211ULL;
}

static void add(char *dst, size_t cap, const char *s)
{
    size_t used = strlen(dst), n = strlen(s);
    if (used + n < cap)
        memcpy(dst + used, s, n + 1);
}

static void read_fd(int fd, size_t max, got *g)
{
    memset(g, 0, sizeof *g);
    g->all_utf8 = true;
    g->hash = 14695981039346656037ULL;
    fx_csv *c = fx_csv_open(fd, max, g->err, sizeof g->err);
    if (!c)
        return;
    g->opened = true;
    fx_csv_row r;
    while ((g->end = fx_csv_next(c, &r)) == 1) {
        if (g->rows < 64) {
            g->record[g->rows] = r.record;
            g->line[g->rows] = r.line;
            g->nfields[g->rows] = r.nfields;
        }
        g->rows++;
        long meta[3] = {r.record, r.line, r.nfields};
        hash_add(&g->hash, meta, sizeof meta);
        for (int i = 0; i < r.nfields; i++)
            hash_add(&g->hash, r.fields[i], strlen(r.fields[i]) + 1);
        hash_add(&g->hash, r.problem ? r.problem : "-", strlen(r.problem ? r.problem : "-") + 1);
        hash_add(&g->hash, r.warning ? r.warning : "-", strlen(r.warning ? r.warning : "-") + 1);
        g->last[0] = '\0';
        for (int i = 0; i < r.nfields; i++) {
            if (i)
                add(g->text, sizeof g->text, "|"), add(g->last, sizeof g->last, "|");
            add(g->text, sizeof g->text, r.fields[i]);
            add(g->last, sizeof g->last, r.fields[i]);
            g->all_utf8 &= fx_utf8_valid(r.fields[i], strlen(r.fields[i]));
        }
        add(g->text, sizeof g->text, "\n");
        char note[600];
        if (r.problem) {
            snprintf(note, sizeof note, "P%ld: %s\n", r.record, r.problem);
            add(g->notes, sizeof g->notes, note);
        }
        if (r.warning) {
            snprintf(note, sizeof note, "W%ld: %s\n", r.record, r.warning);
            add(g->notes, sizeof g->notes, note);
        }
    }
    snprintf(g->enc, sizeof g->enc, "%s", fx_csv_encoding(c));
    g->sep = fx_csv_separator(c);
    g->bytes = fx_csv_bytes_read(c);
    CHECK_EQ_INT(fx_csv_next(c, &r), g->end); /* the end stays the end */
    fx_csv_close(c);
}

static void read_mem(const void *data, size_t n, size_t max, got *g)
{
    int fd = temp_fd(data, n);
    CHECK(fd >= 0);
    read_fd(fd, max, g);
    close(fd);
}

static void read_str(const char *s, got *g) { read_mem(s, strlen(s), 0, g); }

static got g; /* large: not on the stack */

static void csv_rfc4180(void)
{
    read_str("name,id\r\n\"张三\",\"a,b\"\r\n\"multi\nline\",\"q\"\"uote\"\r\nlast,row", &g);
    CHECK(g.opened);
    CHECK_STR(g.text, "name|id\n张三|a,b\nmulti\nline|q\"uote\nlast|row\n");
    CHECK_EQ_INT(g.rows, 4);
    CHECK_EQ_INT(g.end, 0);
    CHECK_EQ_INT(g.record[3], 4);
    CHECK_EQ_INT(g.line[0], 1);
    CHECK_EQ_INT(g.line[1], 2);
    CHECK_EQ_INT(g.line[2], 3);
    CHECK_EQ_INT(g.line[3], 5); /* the quoted line break took a line */
    CHECK_STR(g.notes, "");
    CHECK_STR(g.enc, "utf-8");
    CHECK_EQ_INT(g.sep, ',');
    CHECK_EQ_INT(g.bytes, 57);

    /* lone CR line ends (old Mac Excel), empty fields, a quoted empty field */
    read_str("a,b\rc,\r,\"\"\r\"x\r\ny\",z\r", &g);
    CHECK_STR(g.text, "a|b\nc|\n|\nx\r\ny|z\n");
    CHECK_EQ_INT(g.line[3], 4);
    CHECK_EQ_INT(g.rows, 4);

    /* blank lines are skipped but counted, like the row numbers Excel shows */
    read_str("a\n\nb\r\n\r\n\r\nc\n\n", &g);
    CHECK_STR(g.text, "a\nb\nc\n");
    CHECK_EQ_INT(g.record[1], 3);
    CHECK_EQ_INT(g.line[1], 3);
    CHECK_EQ_INT(g.record[2], 6);
    CHECK_EQ_INT(g.line[2], 6);

    /* a quote inside an unquoted field is text; text after a closing quote is kept, with a warning */
    read_str("size,note\n5\" screen,he said \"hi\"\n\"ab\"cd,e\n", &g);
    CHECK_STR(g.text, "size|note\n5\" screen|he said \"hi\"\nabcd|e\n");
    CHECK(strstr(g.notes, "W3: row 3 has text after the closing quote of field 1") != NULL);

    /* the reader only counts fields: too many or too few is the caller's business */
    read_str("a,b,c\n1,2\n1,2,3,4\n,\n", &g);
    CHECK_EQ_INT(g.nfields[0], 3);
    CHECK_EQ_INT(g.nfields[1], 2);
    CHECK_EQ_INT(g.nfields[2], 4);
    CHECK_EQ_INT(g.nfields[3], 2);
    CHECK_STR(g.notes, "");
}

static void csv_encodings(void)
{
    /* UTF-8 with BOM, as Excel's "CSV UTF-8" writes it */
    read_str("\xEF\xBB\xBF姓名,身份证号\r\n张三,11010519491231002X\r\n", &g);
    CHECK_STR(g.enc, "utf-8-bom");
    CHECK_STR(g.text, "姓名|身份证号\n张三|11010519491231002X\n");
    CHECK_STR(g.notes, "");

    /* GBK, as Excel's plain "CSV" writes it on a Chinese Windows */
    read_str("\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\r\n"
             "\xd5\xc5\xc8\xfd,11010519491231002X\r\n"
             "\xc0\xee\xcb\xc4,\"\xb5\xd8\xd6\xb7,\"\"\xcd\xf5\xce\xe5\"\"\"\r\n",
             &g);
    CHECK_STR(g.enc, "gbk");
    CHECK_STR(g.text, "姓名|身份证号\n张三|11010519491231002X\n李四|地址,\"王五\"\n");
    CHECK_STR(g.notes, "");
    CHECK(g.all_utf8);

    /* plain UTF-8 */
    read_str("姓名,电话\n张三,13812345678\n", &g);
    CHECK_STR(g.enc, "utf-8");
    CHECK_STR(g.text, "姓名|电话\n张三|13812345678\n");

    /* all ASCII: utf-8 */
    read_str("name,phone\nzhang,138\n", &g);
    CHECK_STR(g.enc, "utf-8");
}

static void csv_mixed_encodings(void)
{
    /* rows pasted from a GBK file into a UTF-8 one */
    read_str("姓名,电话\n张三,1\n\xd5\xc5\xc8\xfd,2\n李四,3\n", &g);
    CHECK_STR(g.enc, "utf-8");
    CHECK_STR(g.text, "姓名|电话\n张三|1\n张三|2\n李四|3\n");
    CHECK_STR(g.notes, "W3: row 3 was in GBK, not UTF-8: converted\n");

    /* and the other way round: a UTF-8 row in a GBK file */
    read_str("\xd0\xd5\xc3\xfb,\xb5\xe7\xbb\xb0\n\xd5\xc5\xc8\xfd,1\n李四,2\n\xcd\xf5\xce\xe5,3\n", &g);
    CHECK_STR(g.enc, "gbk");
    CHECK_STR(g.text, "姓名|电话\n张三|1\n李四|2\n王五|3\n");
    CHECK_STR(g.notes, "W3: row 3 was in UTF-8, not GBK: kept as UTF-8\n");

    /* a GBK file whose only data row happens to be valid UTF-8 (2 bytes, U+0552): the
       header's longer GBK text outweighs it */
    read_str("\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\n\xd5\x92,1\n", &g);
    CHECK_STR(g.enc, "gbk");
    CHECK(strncmp(g.text, "姓名|身份证号\n", strlen("姓名|身份证号\n")) == 0);

    /* a row that is neither: reported, shown with U+FFFD, and the next row is read */
    read_str("姓名,电话\n张三,1\n\xff\xfe\xfd\x80,2\n李四,3\n", &g);
    CHECK_EQ_INT(g.rows, 4);
    CHECK(strstr(g.notes, "P3: row 3 is not valid text in UTF-8 or GBK") == g.notes);
    CHECK(strstr(g.text, "\n\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|2\n李四|3\n") != NULL);
    CHECK(g.all_utf8);

    /* a second file pasted in, BOM and all */
    read_str("\xEF\xBB\xBF" "a,b\n1,2\n\xEF\xBB\xBF" "a,b\n3,4\n", &g);
    CHECK_STR(g.enc, "utf-8-bom");
    CHECK_STR(g.text, "a|b\n1|2\na|b\n3|4\n");
    CHECK(strstr(g.notes, "W3: row 3 contained a UTF-8 byte-order mark") == g.notes);

    /* ASCII at first, the first row with Chinese decides: GBK, no warnings */
    size_t n = 0, cap = 200 * 1024;
    char *big = malloc(cap);
    CHECK(big != NULL);
    if (!big)
        return;
    n += (size_t)snprintf(big, cap, "name,phone\n");
    for (int i = 0; n < 100 * 1024; i++)
        n += (size_t)snprintf(big + n, cap - n, "zhang%d,1380000%04d\n", i, i % 10000);
    int before = 0;
    for (size_t k = 0; k < n; k++)
        before += big[k] == '\n';
    memcpy(big + n, "\xd5\xc5\xc8\xfd,1\n\xc0\xee\xcb\xc4,2\n", 14);
    n += 14;
    int fd = temp_fd(big, n);
    char err[300];
    fx_csv *c = fx_csv_open(fd, 0, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(fx_csv_encoding(c), "utf-8");
        fx_csv_row r;
        int rows = 0, warned = 0;
        while (fx_csv_next(c, &r) == 1) {
            rows++;
            warned += r.warning != NULL || r.problem != NULL;
            if (rows == before + 2)
                CHECK_STR(r.fields[0], "李四");
        }
        CHECK_EQ_INT(rows, before + 2);
        CHECK_EQ_INT(warned, 0);
        CHECK_STR(fx_csv_encoding(c), "gbk");
        CHECK_EQ_INT(fx_csv_bytes_read(c), (long long)n);
        fx_csv_close(c);
    }
    close(fd);
    free(big);
}

static void csv_separators(void)
{
    read_str("姓名;电话;地址\n张三;138;\"a;b\"\n李四;139;x,y\n", &g);
    CHECK_EQ_INT(g.sep, ';');
    CHECK_STR(g.text, "姓名|电话|地址\n张三|138|a;b\n李四|139|x,y\n");
    read_str("name\tphone\nzhang\t138\n", &g);
    CHECK_EQ_INT(g.sep, '\t');
    CHECK_STR(g.text, "name|phone\nzhang|138\n");
    read_str("name,note;x\n1,2;3\n", &g); /* a comma in the header wins */
    CHECK_EQ_INT(g.sep, ',');
    CHECK_STR(g.text, "name|note;x\n1|2;3\n");
    read_str("\"a;b\",c\n", &g); /* quoted separators do not count */
    CHECK_EQ_INT(g.sep, ',');
    read_str("\"a,b\";c\n", &g);
    CHECK_EQ_INT(g.sep, ';');
    CHECK_STR(g.text, "a,b|c\n");
    read_str("\r\n\nname;phone\nx;1\n", &g); /* blank lines before the header */
    CHECK_EQ_INT(g.sep, ';');
    CHECK_STR(g.text, "name|phone\nx|1\n");
    CHECK_EQ_INT(g.record[0], 3);
    read_str("\xd0\xd5\xc3\xfb;\xb5\xe7\xbb\xb0\n\xd5\xc5\xc8\xfd;1\n", &g); /* GBK with ';' */
    CHECK_EQ_INT(g.sep, ';');
    CHECK_STR(g.text, "姓名|电话\n张三|1\n");
}

static void csv_broken_records(void)
{
    /* a quote that never closes: reported at its row, the row ends with its line, reading goes on */
    read_str("a,b\n1,\"oops\n2,3\n4,5\n", &g);
    CHECK_STR(g.text, "a|b\n1|\"oops\n2|3\n4|5\n");
    CHECK(strstr(g.notes, "P2: row 2: the quote that opens field 2 on line 2 is never closed") == g.notes);
    CHECK_EQ_INT(g.rows, 4);
    CHECK_EQ_INT(g.record[2], 3);
    CHECK_EQ_INT(g.line[2], 3);
    CHECK_EQ_INT(g.line[3], 4);

    read_str("a,b\n1,\"oops", &g); /* on the last line */
    CHECK_STR(g.text, "a|b\n1|\"oops\n");
    CHECK(strstr(g.notes, "P2: row 2: the quote that opens field 2 on line 2 is never closed") == g.notes);

    /* a good quoted line break before the broken quote is kept */
    read_str("\"x\ny\",\"open\r\nnext,row\r\n", &g);
    CHECK_STR(g.text, "x\ny|\"open\nnext|row\n");
    CHECK_EQ_INT(g.line[1], 3);

    /* a record longer than max_record_bytes: skipped, reported, the next one read */
    char buf[600];
    memset(buf, 0, sizeof buf);
    memcpy(buf, "a,b\n", 4);
    memset(buf + 4, 'x', 200);
    memcpy(buf + 204, ",y\nc,d\n", 8);
    read_mem(buf, strlen(buf), 64, &g);
    CHECK_STR(g.text, "a|b\n\nc|d\n");
    CHECK_EQ_INT(g.nfields[1], 0);
    CHECK(strstr(g.notes, "P2: row 2 is longer than 64 bytes and was skipped") == g.notes);
    CHECK_EQ_INT(g.record[2], 3);
    CHECK_EQ_INT(g.line[2], 3);

    /* NUL bytes past the first chunk: the row is reported, the NULs dropped */
    size_t n = 70 * 1024;
    char *big = malloc(n + 32);
    CHECK(big != NULL);
    if (!big)
        return;
    for (size_t i = 0; i < n; i += 8)
        memcpy(big + i, "abc,def\n", 8);
    memcpy(big + n, "x\0y,z\n", 6);
    read_mem(big, n + 6, 0, &g);
    CHECK_EQ_INT(g.rows, (int)(n / 8) + 1);
    CHECK_STR(g.last, "xy|z");
    char want[64];
    snprintf(want, sizeof want, "P%d: row %d contains NUL bytes", (int)(n / 8) + 1, (int)(n / 8) + 1);
    CHECK(strstr(g.notes, want) == g.notes);
    free(big);
}

/* A quote that never closes in a file larger than a chunk: resynchronised
 * after max_record_bytes, and no later record is lost. */
static void csv_unclosed_quote_resync(void)
{
    size_t cap = 512 * 1024, n = 0;
    char *big = malloc(cap);
    CHECK(big != NULL);
    if (!big)
        return;
    n += (size_t)snprintf(big, cap, "id,name\n1,\"never closed\n");
    int rows = 2;
    while (n < 300 * 1024)
        n += (size_t)snprintf(big + n, cap - n, "%d,name %d\n", rows + 1, rows + 1), rows++;
    /* a quote whose own line is longer than the limit: skipped to the next line */
    n += (size_t)snprintf(big + n, cap - n, "%d,\"", ++rows);
    memset(big + n, 'x', 10000);
    n += 10000;
    n += (size_t)snprintf(big + n, cap - n, "\n%d,after\n", ++rows);
    int fd = temp_fd(big, n);
    char err[300];
    fx_csv *c = fx_csv_open(fd, 4096, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        fx_csv_row r;
        int seen = 0, order = 1, problems = 0;
        while (fx_csv_next(c, &r) == 1) {
            seen++;
            if (r.problem) {
                problems++;
                if (r.record == 2) {
                    CHECK(strstr(r.problem, "is not closed within 4096 bytes") != NULL);
                    CHECK_EQ_INT(r.nfields, 2);
                    CHECK_STR(r.fields[1], "\"never closed");
                } else {
                    CHECK_EQ_INT(r.record, rows - 1);
                    CHECK(strstr(r.problem, "is longer than 4096 bytes and was skipped to the end of its line: the quote "
                                          "that opens field 2") != NULL);
                    CHECK_EQ_INT(r.nfields, 0);
                }
            } else if (r.record > 1) {
                char want[32];
                snprintf(want, sizeof want, "%ld", r.record);
                order &= r.nfields == 2 && strcmp(r.fields[0], want) == 0 && r.line == r.record;
            }
        }
        CHECK_EQ_INT(seen, rows);
        CHECK_EQ_INT(problems, 2);
        CHECK(order);
        fx_csv_close(c);
    }
    close(fd);
    free(big);
}

static void csv_refused_files(void)
{
    int fd;
    /* an .xlsx is a zip archive */
    static const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    read_mem(xlsx, sizeof xlsx - 1, 0, &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, ".xlsx") && strstr(g.err, "CSV"));
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
    read_mem(xls, sizeof xls - 1, 0, &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, ".xls") != NULL);
    static const char utf16[] = "\xFF\xFEn\x00" "a\x00";
    read_mem(utf16, sizeof utf16 - 1, 0, &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, "UTF-16") != NULL);
    /* binary: NUL bytes, control characters, bytes that are neither UTF-8 nor GBK */
    unsigned char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7919 + 13);
    read_mem(bin, sizeof bin, 0, &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, "this is not a CSV text file (it looks like a binary file") == g.err);
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = i % 2 ? 0xFF : 0x80; /* no NUL, and invalid in both encodings */
    read_mem(bin, sizeof bin, 0, &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, "binary") != NULL);
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(1 + i % 8);
    read_mem(bin, sizeof bin, 0, &g);
    CHECK(!g.opened);
    read_str("%PDF-1.7\n", &g);
    CHECK(!g.opened);
    CHECK(strstr(g.err, "PDF") != NULL);
    /* err may be NULL; close accepts NULL */
    fd = temp_fd(xlsx, sizeof xlsx - 1);
    CHECK(fx_csv_open(fd, 0, NULL, 0) == NULL);
    close(fd);
    fx_csv_close(NULL);
    /* a directory cannot be read */
    fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    read_fd(fd, 0, &g);
    close(fd);
    CHECK(!g.opened);
    CHECK(strstr(g.err, "could not read the file") == g.err);
}

static void csv_small_files(void)
{
    read_mem("", 0, 0, &g); /* empty */
    CHECK(g.opened);
    CHECK_EQ_INT(g.rows, 0);
    CHECK_EQ_INT(g.end, 0);
    CHECK_STR(g.enc, "utf-8");
    read_str("\xEF\xBB\xBF", &g); /* only a BOM */
    CHECK(g.opened);
    CHECK_EQ_INT(g.rows, 0);
    CHECK_STR(g.enc, "utf-8-bom");
    read_str("姓名,身份证号", &g); /* only a header, no line end */
    CHECK_EQ_INT(g.rows, 1);
    CHECK_STR(g.text, "姓名|身份证号\n");
    read_str("name,id\r\n", &g);
    CHECK_EQ_INT(g.rows, 1);
    CHECK_STR(g.text, "name|id\n");
    read_str("\n\n\n", &g);
    CHECK_EQ_INT(g.rows, 0);
    read_str("x", &g);
    CHECK_STR(g.text, "x\n");
    read_str("\"\"", &g);
    CHECK_EQ_INT(g.nfields[0], 1);
    CHECK_STR(g.text, "\n");
}

/* ---- a file written through a pipe in odd-sized pieces, compared with the same file read whole */

typedef struct feed {
    int fd;
    const char *data;
    size_t n, piece;
} feed;

static void *feeder(void *arg)
{
    feed *f = arg;
    for (size_t i = 0; i < f->n;) {
        size_t k = f->n - i < f->piece ? f->n - i : f->piece;
        ssize_t w = write(f->fd, f->data + i, k);
        if (w <= 0)
            break;
        i += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

/* Record i of the generated file: its id, a quoted field with a line break
 * (CRLF or LF), "" escapes and a separator, and a Chinese name. */
static size_t gen_record(char *out, size_t cap, long i)
{
    static const char *names[] = {"张三", "李四", "王五", "赵六", "欧阳娜娜"};
    const char *eol = i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r";
    int pad = (int)(i * 37 % 61);
    return (size_t)snprintf(out, cap, "%ld,\"line one %.*s\r\nsays \"\"hi\"\", ok\",%s%s", i, pad,
                            "------------------------------------------------------------------", names[i % 5],
                            eol);
}

static bool check_record(const fx_csv_row *r, long i, long line)
{
    char id[32], mid[160];
    snprintf(id, sizeof id, "%ld", i);
    int pad = (int)(i * 37 % 61);
    snprintf(mid, sizeof mid, "line one %.*s\r\nsays \"hi\", ok", pad,
             "------------------------------------------------------------------");
    static const char *names[] = {"张三", "李四", "王五", "赵六", "欧阳娜娜"};
    return r->nfields == 3 && strcmp(r->fields[0], id) == 0 && strcmp(r->fields[1], mid) == 0 &&
           strcmp(r->fields[2], names[i % 5]) == 0 && !r->problem && !r->warning && r->record == i &&
           r->line == line;
}

static void csv_pipe_and_boundaries(void)
{
    size_t cap = 3 << 20, n = 0;
    char *data = malloc(cap);
    CHECK(data != NULL);
    if (!data)
        return;
    long recs = 0;
    while (n < (2u << 20))
        n += gen_record(data + n, cap - n, ++recs);
    size_t pieces[] = {1, 4093, 65537};
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        feed f = {.fd = fds[1], .data = data, .n = n, .piece = pieces[p]};
        long want = recs;
        if (pieces[p] == 1) { /* 1-byte writes are slow: a shorter prefix that still spans chunks */
            char tmp[256];
            for (f.n = 0, want = 0; f.n < 300 * 1024;)
                f.n += gen_record(tmp, sizeof tmp, ++want);
        }
        pthread_t t;
        pthread_create(&t, NULL, feeder, &f);
        char err[300];
        fx_csv *c = fx_csv_open(fds[0], 4096, err, sizeof err);
        CHECK(c != NULL);
        long got_rows = 0, bad = 0;
        if (c) {
            fx_csv_row r;
            while (fx_csv_next(c, &r) == 1) {
                got_rows++;
                if (!check_record(&r, got_rows, 2 * got_rows - 1) && bad++ < 3)
                    fprintf(stderr, "    record %ld (line %ld) differs: %s\n", got_rows, r.line,
                            r.nfields ? r.fields[0] : "-");
            }
            CHECK_EQ_INT(fx_csv_bytes_read(c), (long long)f.n);
            fx_csv_close(c);
        }
        pthread_join(t, NULL);
        close(fds[0]);
        CHECK_EQ_INT(got_rows, want);
        CHECK_EQ_INT(bad, 0);
    }
    free(data);
}

/* Every read boundary: a first read of exactly one chunk (64 KiB), then one
 * byte per read (a SOCK_SEQPACKET socket returns one message per read), so a
 * read ends between CR and LF, between the quotes of "", inside a UTF-8 or GBK
 * character, inside a BOM. The result must equal reading the file whole. */
static void *send_pieces(void *arg)
{
    feed *f = arg;
    size_t first = f->n < 65536 ? f->n : 65536;
    if (write(f->fd, f->data, first) != (ssize_t)first)
        fprintf(stderr, "    short first write\n");
    for (size_t i = first; i < f->n; i += f->piece) {
        size_t k = f->n - i < f->piece ? f->n - i : f->piece;
        if (write(f->fd, f->data + i, k) != (ssize_t)k)
            break;
    }
    close(f->fd);
    return NULL;
}

static void boundaries_for(const char *filler_row, const char *tail, size_t max, const char *what)
{
    size_t cap = 80 * 1024, tn = strlen(tail);
    char *data = malloc(cap);
    if (!data)
        return;
    static got whole, pieces;
    for (size_t offset = 0; offset <= 21; offset += 7) { /* the tail starts this far before the first read's end */
        size_t n = 0, target = 65536 - offset;
        while (target - n > 30)
            n += (size_t)snprintf(data + n, cap - n, "%d,%s", (int)n, filler_row);
        size_t pad = target - n;
        memcpy(data + n, "p,", 2);
        memset(data + n + 2, 'p', pad - 3);
        data[target - 1] = '\n';
        n = target;
        memcpy(data + n, tail, tn);
        n += tn;
        read_mem(data, n, max, &whole);
        for (size_t piece = 1; piece <= 3; piece++) {
            int sv[2];
            CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
            feed f = {.fd = sv[1], .data = data, .n = n, .piece = piece};
            pthread_t t;
            pthread_create(&t, NULL, send_pieces, &f);
            read_fd(sv[0], max, &pieces);
            pthread_join(t, NULL);
            close(sv[0]);
            CHECKF(whole.opened && pieces.opened, "%s: %s", what, pieces.err);
            CHECKF(whole.rows == pieces.rows && whole.hash == pieces.hash && strcmp(whole.notes, pieces.notes) == 0 &&
                       strcmp(whole.enc, pieces.enc) == 0 && whole.bytes == (long long)n &&
                       pieces.bytes == (long long)n,
                   "%s, offset %zu, %zu-byte reads: %d rows vs %d whole; notes:\n%s---\n%s", what, offset, piece,
                   pieces.rows, whole.rows, pieces.notes, whole.notes);
            CHECK(pieces.all_utf8);
        }
    }
    free(data);
}

static void csv_read_boundaries(void)
{
    boundaries_for("张三,plain\r\n",
                   "1,\"张三\",\"a\r\nb\"\r\n2,李四,\"q\"\"q\"\r3,王五,x\n\r\n\n4,\"\"\"\",\"\"\r\n"
                   "5,\"\xEF\xBB\xBF" "bom\",y\r\n6,\xd5\xc5\xc8\xfd,gbk row\r\n7,\"ab\"cd,\"\xF0\x9F\x98\x80\"\r"
                   "8,\xff,bad\n9,end,\"never closed\r\n10,after,x",
                   0, "utf-8");
    boundaries_for("\xd5\xc5\xc8\xfd,plain\r\n",
                   "1,\"\xd5\xc5\xc8\xfd\",\"a\r\nb\"\r\n2,\xc0\xee\xcb\xc4,\"q\"\"q\"\r\n"
                   "3,李四,utf-8 row\r\n4,\"\x81\x30\x81\x30\",four-byte\r\n5,\"oops\r\n6,x,y\r\n",
                   0, "gbk");
    /* a small max_record_bytes: records over the limit in the tail, quoted and not */
    boundaries_for("abc,plain\n",
                   "1,\"0123456789012345678901234567890123456789\"\n2,short\n"
                   "3,0123456789012345678901234567890123456789\r\n4,\"open\n5,x\n",
                   32, "max 32");
}

/* A line of /proc/self/status in KiB ("VmHWM", "VmRSS"), or -1. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return kb;
}

/* Resets the peak (VmHWM) to the current RSS, so that earlier tests' peaks do not hide this one's. */
static bool reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* 50 MB through the reader: every record comes back, memory stays flat. */
static void csv_streaming_50mb(void)
{
    char path[] = "/tmp/fx_unit_csv50_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    unlink(path);
    FILE *f = fdopen(dup(fd), "w");
    fputs("\xEF\xBB\xBF" "id,note,name\r\n", f);
    long recs = 0, bytes = 0;
    char rec[256];
    while (bytes < 50L * 1000 * 1000) {
        size_t k = gen_record(rec, sizeof rec, ++recs + 1);
        fwrite(rec, 1, k, f);
        bytes += (long)k;
    }
    fclose(f);
    lseek(fd, 0, SEEK_SET);
    bool peak_reset = reset_peak();
    long rss0 = status_kb("VmRSS");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[300];
    fx_csv *c = fx_csv_open(fd, 64 * 1024, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        close(fd);
        return;
    }
    fx_csv_row r;
    long rows = 0, bad = 0;
    CHECK_EQ_INT(fx_csv_next(c, &r), 1);
    CHECK_STR(r.fields[0], "id");
    while (fx_csv_next(c, &r) == 1) {
        rows++;
        if (!check_record(&r, rows + 1, 2 * rows))
            bad++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long grown = status_kb("VmHWM") - rss0;
    CHECK_EQ_INT(rows, recs);
    CHECK_EQ_INT(bad, 0);
    CHECK_STR(fx_csv_encoding(c), "utf-8-bom");
    CHECK(fx_csv_bytes_read(c) > 50L * 1000 * 1000);
    CHECKF(peak_reset && rss0 > 0, "cannot measure the peak memory here (/proc/self/clear_refs)");
    CHECKF(grown < 16 * 1024, "peak memory grew by %ld KiB reading 50 MB", grown);
    CHECKF(secs < 60, "%.1f s", secs);
    printf("    50 MB, %ld records in %.2f s, peak memory +%ld KiB\n", rows, secs, grown);
    fx_csv_close(c);
    close(fd);
}

int main(void)
{
    th_init();
    RUN(idcard_valid_numbers);
    RUN(idcard_check_digit);
    RUN(idcard_input_forms);
    RUN(idcard_fifteen_digits);
    RUN(idcard_dates_and_regions);
    RUN(idcard_messages_and_mask);
    RUN(utf8_strict);
    RUN(text_normalize);
    RUN(phones);
    RUN(csv_rfc4180);
    RUN(csv_encodings);
    RUN(csv_mixed_encodings);
    RUN(csv_separators);
    RUN(csv_broken_records);
    RUN(csv_unclosed_quote_resync);
    RUN(csv_refused_files);
    RUN(csv_small_files);
    RUN(csv_pipe_and_boundaries);
    RUN(csv_read_boundaries);
    RUN(csv_streaming_50mb);
    return th_done("unit_text");
}
