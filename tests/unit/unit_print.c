/* Unit tests of the print module without a store: option parsing, ranges and
 * their messages, codes that cannot be printed, and a PDF whose writing fails. */
#include "lib/testhelp.h"
#include "print/print.h"

#include <stdlib.h>
#include <string.h>

struct buf {
    size_t len, fail_after; /* fail_after 0: never */
};

static bool count_bytes(void *closure, const unsigned char *data, size_t len)
{
    struct buf *b = closure;
    (void)data;
    b->len += len;
    return !b->fail_after || b->len < b->fail_after;
}

static void sizes_and_grids(void)
{
    double w, h;
    int c, r;
    CHECK(print_parse_size("50x30", &w, &h) && w == 50 && h == 30);
    CHECK(print_parse_size("62.5X40", &w, &h) && w == 62.5);
    CHECK(!print_parse_size("10x30", &w, &h)); /* below 20 mm */
    CHECK(!print_parse_size("50x", &w, &h));
    CHECK(!print_parse_size("50x30mm", &w, &h));
    CHECK(print_parse_grid("3x8", &c, &r) && c == 3 && r == 8);
    CHECK(!print_parse_grid("2.5x8", &c, &r));
    CHECK(!print_parse_grid("0x8", &c, &r));
    CHECK(!print_parse_grid("13x1", &c, &r));
    CHECK(!print_parse_grid("1e300x1", &c, &r));
}

static void ranges(void)
{
    fx_err e = {0};
    print_range ok = {.prefix = "BOX-", .from = 0, .count = 10, .digits = 4};
    CHECK_EQ_INT(print_range_check(&ok, &e), 0);
    print_range past = {.prefix = "T", .from = 99999999, .count = 2};
    CHECK_EQ_INT(print_range_check(&past, &e), FX_EINVAL);
    CHECK(strstr(e.msg, "100000000") && strstr(e.msg, "8 digits")); /* says where it ends and why */
    print_range space = {.prefix = "T 1", .from = 1, .count = 1};
    CHECK_EQ_INT(print_range_check(&space, &e), FX_EINVAL);
    CHECK_STR(e.code, "invalid_prefix");
    print_range neg = {.prefix = "T", .from = -1, .count = 1};
    CHECK_EQ_INT(print_range_check(&neg, &e), FX_EINVAL);
    print_range digits = {.prefix = "T", .from = 1, .count = 1, .digits = 19};
    CHECK_EQ_INT(print_range_check(&digits, &e), FX_EINVAL);
    CHECK_STR(e.code, "invalid_digits");
}

static void refused_codes_and_sizes(void)
{
    fx_err e = {0};
    struct buf b = {0};
    print_label_opts tiny = {.single = true, .width_mm = 20, .height_mm = 20};
    print_job *j = print_labels_open(&tiny, count_bytes, &b, &e);
    CHECK(j != NULL);
    CHECK_EQ_INT(print_label_add(j, "T00000001", &e), FX_EINVAL);
    CHECK_STR(e.code, "label_too_small");
    CHECK(strstr(e.msg, "mm wide"));
    CHECK_EQ_INT(print_label_add(j, "T 1", &e), FX_EINVAL);
    CHECK_EQ_INT(print_label_add(j, "条码", &e), FX_EINVAL);
    int pages = 0;
    CHECK_EQ_INT(print_close(j, &pages, &e), 0);
    CHECK(b.len > 0);

    print_label_opts grid = {.cols = 13, .rows = 1};
    CHECK(print_labels_open(&grid, count_bytes, &b, &e) == NULL);
    CHECK_STR(e.code, "invalid_grid");

    print_card_opts co = {0};
    j = print_cards_open(&co, count_bytes, &b, &e);
    print_card empty = {.code = "", .masked_name = "张*"};
    CHECK_EQ_INT(print_card_add(j, &empty, &e), FX_EINVAL);
    CHECK_EQ_INT(print_close(j, &pages, &e), 0);
    CHECK_EQ_INT(pages, 1); /* an empty job is one blank page */
}

static void sheets_fill_then_turn(void)
{
    fx_err e = {0};
    struct buf b = {0};
    print_card_opts co = {0};
    print_job *j = print_cards_open(&co, count_bytes, &b, &e);
    print_card c = {.code = "ABCD23456789", .masked_name = "张**", .address = "幸福小区1号楼1单元101"};
    for (int i = 0; i < 21; i++)
        CHECK_EQ_INT(print_card_add(j, &c, &e), 0);
    int pages = 0;
    CHECK_EQ_INT(print_close(j, &pages, &e), 0);
    CHECK_EQ_INT(pages, 3); /* 10 a sheet */

    print_label_opts lo = {.kind = PRINT_BOX, .cols = 2, .rows = 2};
    j = print_labels_open(&lo, count_bytes, &b, &e);
    print_range r = {.prefix = "B", .from = 1, .count = 8};
    CHECK_EQ_INT(print_labels_range(j, &r, &e), 0);
    CHECK_EQ_INT(print_close(j, &pages, &e), 0);
    CHECK_EQ_INT(pages, 2);
}

static void a_failed_write_is_an_error(void)
{
    fx_err e = {0};
    struct buf b = {.fail_after = 512};
    print_label_opts lo = {0};
    print_job *j = print_labels_open(&lo, count_bytes, &b, &e);
    print_range r = {.prefix = "T", .from = 1, .count = 48};
    int rc = j ? print_labels_range(j, &r, &e) : -1;
    int closed = j ? print_close(j, NULL, &e) : -1;
    CHECK(rc != 0 || closed != 0);
    CHECK_EQ_INT(e.kind, FX_EINTERNAL);
}

int main(void)
{
    th_init();
    RUN(sizes_and_grids);
    RUN(ranges);
    RUN(refused_codes_and_sizes);
    RUN(sheets_fill_then_turn);
    RUN(a_failed_write_is_an_error);
    print_shutdown();
    return th_done("unit_print");
}
