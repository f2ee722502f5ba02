/* fuzz_field_csv.c — libFuzzer target for the field CSVs pushed from outside: the city
 * platform's work orders (core/workorder.c, wo_csv_read) and risk-area lists
 * (core/checkpoint.c, risk_csv_read); the input is the whole file, read from a memfd.
 * What must hold for both: either the file is refused as a whole with a code and a
 * message, or row numbers strictly increase and every row is either rejected with a
 * code and a message naming its row (valid UTF-8), or good: a work order passes
 * wo_check with a deadline after 1970; a risk area has a known level and ends after
 * it starts (or at it, for epoch seconds). */
#include "core/checkpoint.h"
#include "core/workorder.h"
#include "util/fx_text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(bool ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "fuzz_field_csv: line %d: %s\n", line, what);
        abort();
    }
}
#define MUST(cond) must((cond), #cond, __LINE__)

static int memfd(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", 0);
    MUST(fd >= 0);
    MUST(write(fd, data, size) == (ssize_t)size);
    MUST(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

static void rejected_ok(const fx_err *e, long row)
{
    char want[32];
    snprintf(want, sizeof want, "row %ld", row);
    MUST(e->code[0] && strstr(e->msg, want) && fx_utf8_valid(e->msg, strlen(e->msg)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd(data, size), n;
    wo_csv_row *orders;
    fx_err err = {0};
    int rc = wo_csv_read(fd, &orders, &n, &err);
    close(fd);
    if (rc)
        MUST(err.kind == rc && err.code[0] && err.msg[0] && orders == NULL && n == 0);
    long last = 1;
    for (int i = 0; !rc && i < n; i++) {
        const wo_csv_row *o = &orders[i];
        MUST(o->row > last);
        last = o->row;
        if (o->err.kind) {
            rejected_ok(&o->err, o->row);
        } else {
            fx_err again = {0};
            MUST(wo_check(&o->in, &again) == 0 && o->in.deadline > 0);
        }
    }
    if (!rc)
        wo_csv_free(orders, n);

    fd = memfd(data, size);
    risk_row *risks;
    fx_err rerr = {0};
    rc = risk_csv_read(fd, &risks, &n, &rerr);
    close(fd);
    if (rc) {
        MUST(rerr.kind == rc && rerr.code[0] && rerr.msg[0]);
        return 0;
    }
    last = 1;
    for (int i = 0; i < n; i++) {
        const risk_row *r = &risks[i];
        MUST(r->row > last);
        last = r->row;
        if (r->err.kind)
            rejected_ok(&r->err, r->row);
        else
            MUST((!strcmp(r->level, "high") || !strcmp(r->level, "medium") || !strcmp(r->level, "low")) && r->name[0] &&
                 r->valid_to >= r->valid_from);
    }
    free(risks);
    return 0;
}
