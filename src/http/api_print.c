/* api_print.c — PDFs to print: an area's personal code cards and tube/box labels.
 * The PDF is drawn into an unnamed temporary file on the request thread and sent
 * from it, so memory stays small whatever the job. Each request is bounded (a
 * sheet of cards costs ~10 ms to draw); larger jobs are split by area or range,
 * or run with `fangxian print`. */
#include "http/api.h"

#include "core/cards.h"
#include "print/print.h"
#include "util/fx_str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CARDS_MAX 1000  /* 100 A4 sheets */
#define LABELS_MAX 2400 /* 100 A4 sheets of 3 × 8 */

static bool fd_write(void *closure, const unsigned char *data, size_t len)
{
    int fd = *(int *)closure;
    while (len) {
        ssize_t k = write(fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        data += k;
        len -= (size_t)k;
    }
    return true;
}

static int temp_fd(void)
{
    char path[512];
    int fd = http_temp_file("print", path, sizeof path);
    if (fd >= 0)
        unlink(path); /* gone from the directory; the open file lives until it is sent */
    return fd;
}

/* Sends the finished PDF in fd (taking it). */
static int send_pdf(http_req *r, int fd, const char *name, const char *name_arg)
{
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return http_error(r, 500, "internal", "could not prepare the PDF; try again");
    }
    r->status = 200;
    r->resp_fd = fd;
    r->resp_fd_len = (size_t)size;
    r->content_type_out = "application/pdf";
    http_header(r, "Content-Disposition", "attachment; filename=\"%s-%s.pdf\"", name, name_arg);
    return HTTP_DONE;
}

/* ---- cards ---- */

struct cards_op {
    http_req *r;
    area a;
    bool all;
    long n;
    int pages;
    int fd;
};

static void cards_op_free(void *p)
{
    struct cards_op *op = p;
    if (op->fd >= 0)
        close(op->fd);
    free(op);
}

static int cards_audit_job(db_conn *c, void *arg)
{
    struct cards_op *op = arg;
    return cards_audit(c, &op->r->act, &op->a, op->all, op->n);
}

/* The audit entry is committed: only now does the PDF go out. */
static int cards_audited(http_req *r, int rc)
{
    struct cards_op *op = r->ctx;
    if (rc < 0)
        return http_error(r, 500, "audit_failed", "the print job could not be recorded in the audit log; try again");
    int fd = op->fd;
    op->fd = -1;
    http_header(r, "X-Cards", "%ld", op->n);
    http_header(r, "X-Pages", "%d", op->pages);
    return send_pdf(r, fd, "cards", op->a.code);
}

/* GET /api/v1/print/cards?area=CODE[&all=1][&layout=sheet|single] */
static int print_cards(http_req *r)
{
    const char *code = http_query(r, "area"), *all = http_query(r, "all"), *layout = http_query(r, "layout");
    if (!code || !*code)
        return http_error(r, 400, "missing_area", "give area=CODE: the area whose people get cards");
    if (all && strcmp(all, "0") != 0 && strcmp(all, "1") != 0)
        return http_error(r, 400, "invalid_all", "all is 1 (everyone) or 0 (only people without a smartphone)");
    if (layout && strcmp(layout, "sheet") != 0 && strcmp(layout, "single") != 0)
        return http_error(r, 400, "invalid_layout", "layout is sheet (A4, 10 cards with cut marks) or single");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    struct cards_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->fd = -1;
    op->all = all && strcmp(all, "1") == 0;
    long need = 0;
    if (area_get(c, code, &op->a) != DB_ROW || !perm_in_scope(&r->who, op->a.path)) {
        free(op);
        return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
    }
    if (cards_count(c, &op->a, op->all, &need) != 0) {
        free(op);
        return http_error(r, 500, "internal", "could not read the area's people; try again");
    }
    if (need > CARDS_MAX) {
        free(op);
        return http_error(r, 413, "too_many_cards",
                          "%ld cards in %.64s, at most %d per request: print its compounds or buildings one at a "
                          "time, or use `fangxian print cards`",
                          need, code, CARDS_MAX);
    }
    fx_err err = {0};
    print_card_opts o = {.single = layout && strcmp(layout, "single") == 0};
    if ((op->fd = temp_fd()) < 0) {
        free(op);
        return http_error(r, 500, "internal", "could not prepare the PDF; try again");
    }
    print_job *j = print_cards_open(&o, fd_write, &op->fd, &err);
    int rc = j ? cards_render(c, &op->a, op->all, j, &op->n, &err) : err.kind;
    fx_err close_err = {0};
    if (j && print_close(j, &op->pages, &close_err) != 0 && rc == 0) {
        err = close_err;
        rc = err.kind;
    }
    if (rc != 0) {
        cards_op_free(op);
        return http_fail(r, &err);
    }
    return http_defer(r, cards_audit_job, op, cards_op_free, cards_audited);
}

/* ---- labels ---- */

static bool query_number(http_req *r, const char *name, long long *out)
{
    const char *v = http_query(r, name);
    return v && fx_parse_i64(v, out);
}

/* GET /api/v1/print/labels?prefix=T&from=N&count=N[&digits=8][&kind=tube|box][&layout=sheet|single]
 *     [&grid=3x8][&size=50x30] */
static int print_labels(http_req *r)
{
    const char *kind = http_query(r, "kind"), *layout = http_query(r, "layout"), *grid = http_query(r, "grid"),
               *size = http_query(r, "size"), *prefix = http_query(r, "prefix");
    long long from, count, digits = 8;
    if (!query_number(r, "from", &from) || !query_number(r, "count", &count) ||
        (http_query(r, "digits") && !query_number(r, "digits", &digits)))
        return http_error(r, 400, "invalid_range",
                          "give from=N and count=N (whole numbers), with prefix=P and digits=N if needed");
    if (count > LABELS_MAX)
        return http_error(r, 413, "too_many_labels",
                          "%lld labels asked, at most %d per request: split the range, or use `fangxian print labels`",
                          count, LABELS_MAX);
    if (kind && strcmp(kind, "tube") != 0 && strcmp(kind, "box") != 0)
        return http_error(r, 400, "invalid_kind", "kind is tube or box");
    if (layout && strcmp(layout, "sheet") != 0 && strcmp(layout, "single") != 0)
        return http_error(r, 400, "invalid_layout", "layout is sheet (A4 grid) or single (one label per page)");
    print_label_opts o = {.kind = kind && strcmp(kind, "box") == 0 ? PRINT_BOX : PRINT_TUBE,
                          .single = layout && strcmp(layout, "single") == 0};
    if (grid && (o.single || !print_parse_grid(grid, &o.cols, &o.rows)))
        return http_error(r, 400, "invalid_grid", "grid is columns x rows, each 1 to %d (e.g. 3x8), with layout=sheet",
                          PRINT_GRID_MAX);
    if (size && (!o.single || !print_parse_size(size, &o.width_mm, &o.height_mm)))
        return http_error(r, 400, "invalid_size",
                          "size is width x height in mm, each %.0f to %.0f (e.g. 50x30), with layout=single",
                          PRINT_MM_MIN, PRINT_MM_MAX);
    fx_err err = {0};
    print_range range = {.prefix = prefix ? prefix : "", .from = from, .count = (long)count,
                         .digits = digits >= 1 && digits <= PRINT_DIGITS_MAX ? (int)digits : -1};
    if (print_range_check(&range, &err) != 0)
        return http_fail(r, &err);
    int fd = temp_fd();
    if (fd < 0)
        return http_error(r, 500, "internal", "could not prepare the PDF; try again");
    int pages = 0;
    print_job *j = print_labels_open(&o, fd_write, &fd, &err);
    int rc = j ? print_labels_range(j, &range, &err) : err.kind;
    fx_err close_err = {0};
    if (j && print_close(j, &pages, &close_err) != 0 && rc == 0) {
        err = close_err;
        rc = err.kind;
    }
    if (rc != 0) {
        close(fd);
        return http_fail(r, &err);
    }
    char name[PRINT_CODE_MAX + 24];
    snprintf(name, sizeof name, "%s%0*lld", range.prefix, range.digits, from);
    for (char *p = name; *p; p++)
        if (*p == '/')
            *p = '-';
    http_header(r, "X-Pages", "%d", pages);
    return send_pdf(r, fd, "labels", name);
}

const route api_print_routes[] = {
    {"GET", "/api/v1/print/cards", ACT_PRINT, print_cards, 0, 0},
    {"GET", "/api/v1/print/labels", ACT_PRINT, print_labels, 0, 0},
    {0},
};
