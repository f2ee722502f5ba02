/* fuzz_csv.c — libFuzzer target for the readers of outside text: the CSV
 * reader (fx_csv), ID numbers (fx_idcard), phone numbers and text clean-up
 * (fx_text).
 *
 * The first input byte picks the mode, the rest is the data:
 *   low bits not 11: the data is the whole file, read from a memfd: encoding
 *         detection, refusal of binary files, every record path with
 *         max_record 4096;
 *   low bits 11: the data follows 64 KiB of ASCII rows, so it arrives after the first
 *         chunk; it is read once from a memfd and once through a
 *         SOCK_SEQPACKET socket in pieces of 1-16 bytes (one piece per read),
 *         and both reads must return exactly the same rows, problems and
 *         warnings: no outcome may depend on where a read ends. (This mode
 *         scans 128 KiB per input, so it is the slow quarter.)
 * What must hold for every record: fields are valid UTF-8, fields[nfields] is
 * NULL, record numbers and start lines strictly increase, problems and
 * warnings are valid UTF-8, the reader ends (0, never -1 on a memfd) and has
 * read every byte.
 *
 * Then each line of the data (up to 64) goes through fx_idcard_parse,
 * fx_idcard_mask, fx_phone_normalize and fx_text_normalize, checking:
 * a parsed ID is 18 canonical characters whose check character and re-parse
 * agree; masks and normalised text are valid UTF-8 within their buffers,
 * trimmed, without double spaces, and normalising twice changes nothing; a
 * phone number's canonical form is a fixed point.
 *
 * Build (clang, from the repository root), linking the util objects:
 *   clang -std=c17 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=undefined fuzz/fuzz_csv.c src/util/fx_csv.c \
 *         src/util/fx_text.c src/util/fx_idcard.c -pthread -o build/fuzz/fuzz_csv
 * (or, in fuzz/fuzz.mk: $(B)/fuzz_csv: $(B)/fuzz/fuzz_csv.o $(LIB_OBJ)). */
#include "util/fx_csv.h"
#include "util/fx_idcard.h"
#include "util/fx_text.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_RECORD 4096
#define FILLER 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)                                                                                          \
    do {                                                                                                    \
        if (!(cond)) {                                                                                      \
            fprintf(stderr, "fuzz_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond);                           \
            abort();                                                                                        \
        }                                                                                                   \
    } while (0)

static bool valid_str(const char *s) { return s && fx_utf8_valid(s, strlen(s)); }

static void hash_add(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 1099511628211ULL;
}

static void hash_str(uint64_t *h, const char *s)
{
    if (!s)
        s = "(null)";
    hash_add(h, s, strlen(s) + 1);
}

/* Reads every record of fd, checking the invariants; returns a hash of all
 * that was returned (0 when the file was refused). */
static uint64_t read_all(int fd, size_t size)
{
    char err[300];
    fx_csv *c = fx_csv_open(fd, MAX_RECORD, err, sizeof err);
    if (!c) {
        MUST(err[0] != '\0' && valid_str(err));
        return 0;
    }
    uint64_t h = 14695981039346656037ULL;
    fx_csv_row r;
    long prev_record = 0, prev_line = 0, rows = 0;
    int rc;
    while ((rc = fx_csv_next(c, &r)) == 1) {
        rows++;
        MUST(rows <= (long)size + 1);
        MUST(r.record > prev_record && r.line > prev_line);
        prev_record = r.record, prev_line = r.line;
        MUST(r.nfields >= 0 && r.fields && r.fields[r.nfields] == NULL);
        long meta[3] = {r.record, r.line, r.nfields};
        hash_add(&h, meta, sizeof meta);
        for (int i = 0; i < r.nfields; i++) {
            MUST(valid_str(r.fields[i]));
            hash_str(&h, r.fields[i]);
        }
        MUST(!r.problem || (r.problem[0] && valid_str(r.problem)));
        MUST(!r.warning || (r.warning[0] && valid_str(r.warning)));
        hash_str(&h, r.problem);
        hash_str(&h, r.warning);
    }
    MUST(rc == 0);
    MUST(fx_csv_next(c, &r) == 0);
    MUST(fx_csv_bytes_read(c) == (long long)size);
    const char *enc = fx_csv_encoding(c);
    MUST(!strcmp(enc, "utf-8") || !strcmp(enc, "utf-8-bom") || !strcmp(enc, "gbk"));
    hash_str(&h, enc);
    fx_csv_close(c);
    return h;
}

static int memfd_with(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int fd = memfd_create("fuzz_csv", 0);
    MUST(fd >= 0);
    MUST(an == 0 || write(fd, a, an) == (ssize_t)an);
    MUST(bn == 0 || write(fd, b, bn) == (ssize_t)bn);
    MUST(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

typedef struct sender {
    int fd;
    const uint8_t *filler, *data;
    size_t size, piece;
} sender;

static void *send_pieces(void *arg)
{
    sender *s = arg;
    if (write(s->fd, s->filler, FILLER) == FILLER)
        for (size_t i = 0; i < s->size; i += s->piece) {
            size_t k = s->size - i < s->piece ? s->size - i : s->piece;
            if (write(s->fd, s->data + i, k) != (ssize_t)k)
                break;
        }
    close(s->fd);
    return NULL;
}

static uint8_t *filler(void)
{
    static uint8_t *f;
    if (!f) {
        f = malloc(FILLER);
        MUST(f);
        size_t n = 0;
        for (int i = 0; FILLER - n > 20; i++)
            n += (size_t)snprintf((char *)f + n, FILLER - n, "%d,abc,def\n", i);
        memset(f + n, 'x', FILLER - n - 1);
        f[FILLER - 1] = '\n';
    }
    return f;
}

static void fuzz_csv(const uint8_t *data, size_t size, uint8_t mode)
{
    if ((mode & 3) != 3) {
        int fd = memfd_with(data, size, NULL, 0);
        read_all(fd, size);
        close(fd);
        return;
    }
    const uint8_t *f = filler();
    int fd = memfd_with(f, FILLER, data, size);
    uint64_t whole = read_all(fd, FILLER + size);
    close(fd);
    MUST(whole != 0); /* the filler makes it a text file */
    int sv[2];
    MUST(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    sender s = {.fd = sv[1], .filler = f, .data = data, .size = size, .piece = 1 + (mode >> 2) % 16};
    pthread_t t;
    MUST(pthread_create(&t, NULL, send_pieces, &s) == 0);
    uint64_t pieces = read_all(sv[0], FILLER + size);
    pthread_join(t, NULL);
    close(sv[0]);
    MUST(pieces == whole);
}

static void check_text(const char *in)
{
    char out[64], again[64];
    size_t n = fx_text_normalize(in, out, sizeof out);
    MUST(n < sizeof out && n == strlen(out) && fx_utf8_valid(out, n));
    MUST(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
    MUST(!strstr(out, "  "));
    MUST(fx_text_normalize(out, again, sizeof again) == n && memcmp(out, again, n + 1) == 0);
    char tiny[5];
    size_t t = fx_text_normalize(in, tiny, sizeof tiny);
    MUST(t < sizeof tiny && fx_utf8_valid(tiny, t) && strncmp(out, tiny, t) == 0);
}

static void check_id(const char *in)
{
    fx_idcard c;
    fx_id_status st = fx_idcard_parse(in, 2030, &c);
    MUST(st >= FX_ID_OK && st <= FX_ID_BAD_CHECKSUM);
    MUST(fx_idcard_problem(st)[0] != '\0');
    if (st == FX_ID_OK) {
        MUST(strlen(c.number) == 18 && fx_idcard_check_char(c.number) == c.number[17]);
        MUST(c.sex == 'M' || c.sex == 'F');
        MUST(c.year >= 1900 && c.year <= 2030 && c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
        fx_idcard again;
        MUST(fx_idcard_parse(c.number, 2030, &again) == FX_ID_OK && !strcmp(again.number, c.number));
    }
    char m[32];
    fx_idcard_mask(in, m);
    MUST(strlen(m) < sizeof m);
    if (fx_utf8_valid(in, strlen(in)))
        MUST(fx_utf8_valid(m, strlen(m)));
}

static void check_phone(const char *in)
{
    char out[24], again[24];
    if (!fx_phone_normalize(in, out)) {
        MUST(out[0] == '\0');
        return;
    }
    size_t n = strlen(out);
    MUST(n == 11 || (n >= 11 && n <= 13 && out[0] == '0' && strchr(out, '-')));
    MUST(fx_phone_normalize(out, again) && !strcmp(out, again));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    fuzz_csv(data, size, mode);

    char line[300];
    int lines = 0;
    for (size_t i = 0; i <= size && lines < 64;) {
        size_t j = i;
        while (j < size && data[j] != '\n')
            j++;
        size_t n = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
        memcpy(line, data + i, n);
        line[n] = '\0'; /* an embedded NUL just ends the string early */
        check_text(line);
        check_id(line);
        check_phone(line);
        lines++;
        i = j + 1;
    }
    return 0;
}
