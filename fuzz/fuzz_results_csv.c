/* fuzz_results_csv.c — libFuzzer target for the lab's results CSV (core/result.c):
 * the input is the whole file, read from a memfd by result_csv_read().
 * What must hold: either the file is refused as a whole with a code and a message, or
 * every row is an item that is either rejected (with a code, a message naming its
 * row, and that row number) or has a known result, a barcode of 1-40 bytes, a time
 * after 1970, a ct of 0-60 when present; row numbers strictly increase; messages
 * are valid UTF-8. And result_parse_time() on each line never accepts a time <= 0. */
#include "core/result.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)                                                                                          \
    do {                                                                                                    \
        if (!(cond)) {                                                                                      \
            fprintf(stderr, "fuzz_results_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                                        \
        }                                                                                                   \
    } while (0)

static bool utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return false;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", 0);
    MUST(fd >= 0);
    MUST(write(fd, data, size) == (ssize_t)size);
    MUST(lseek(fd, 0, SEEK_SET) == 0);
    result_item *items;
    int n;
    fx_err err = {0};
    int rc = result_csv_read(fd, &items, &n, &err);
    close(fd);
    if (rc) {
        MUST(err.kind == rc && err.code[0] && err.msg[0] && items == NULL && n == 0);
        return 0;
    }
    long last = 1;
    for (int i = 0; i < n; i++) {
        const result_item *it = &items[i];
        MUST(it->row > last);
        last = it->row;
        if (it->status) {
            char want[32];
            snprintf(want, sizeof want, "row %ld", it->row);
            MUST(strcmp(it->status, "rejected") == 0 && it->err.code[0] && strstr(it->err.msg, want));
            MUST(utf8_ok(it->err.msg));
        } else {
            MUST(strlen(it->tube) >= 1 && strlen(it->tube) <= BARCODE_MAX);
            MUST(!strcmp(it->result, "negative") || !strcmp(it->result, "positive") || !strcmp(it->result, "invalid"));
            MUST(it->at > 0);
            MUST(!it->has_ct || (it->ct >= 0 && it->ct <= 60));
        }
    }
    free(items);
    /* each line as a time */
    char line[80];
    for (size_t i = 0, start = 0; i <= size; i++)
        if (i == size || data[i] == '\n') {
            size_t len = i - start < sizeof line - 1 ? i - start : sizeof line - 1;
            memcpy(line, data + start, len);
            line[len] = '\0';
            int64_t t;
            if (result_parse_time(line, &t))
                MUST(t > 0);
            start = i + 1;
        }
    return 0;
}
