#include "core/export.h"

#include "core/round.h"
#include "util/fx_str.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define PAGE 1000
#define NCOLS 13

static const char *const head_zh[NCOLS] = {"姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号", "类别",
                                           "工作单位", "地址", "区域代码", "特殊人群", "党员", "个人码"};
static const char *const head_en[NCOLS] = {"name", "id_type", "id_number", "sex", "birth_date", "phone", "category",
                                           "employer", "address", "area", "flags", "party_member", "personal_code"};

static const char *zh(const char *code)
{
    static const char *const map[][2] = {
        {"id_card", "居民身份证"}, {"passport", "护照"}, {"hk_macau", "港澳居民来往内地通行证"},
        {"taiwan", "台湾居民来往大陆通行证"}, {"other", "其他"}, {"resident", "居民"}, {"floating", "流动人口"},
        {"employee", "企业员工"}, {"merchant_staff", "商户从业人员"}, {"M", "男"}, {"F", "女"},
        {"elderly", "高龄"}, {"alone", "独居"}, {"no_smartphone", "无智能手机"}, {"chronic", "慢性病"},
        {"pregnant", "孕妇"}, {"disabled", "残疾"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(code, map[i][0]) == 0)
            return map[i][1];
    return code;
}

/* The cells of one person, as text. */
static void cells(const person *p, const export_opts *o, char v[NCOLS][512])
{
    char id[40], phone[24];
    if (o->mask) {
        person_mask_id(p->id_number, id);
        person_mask_phone(p->phone, phone);
    } else {
        fx_copy(id, sizeof id, p->id_number);
        fx_copy(phone, sizeof phone, p->phone);
    }
    const char *(*label)(const char *) = o->english ? NULL : zh;
    fx_copy(v[0], 512, p->name);
    fx_copy(v[1], 512, label ? label(p->id_type) : p->id_type);
    fx_copy(v[2], 512, id);
    fx_copy(v[3], 512, label ? label(p->sex) : p->sex);
    if (p->birth_date)
        snprintf(v[4], 512, "%04d-%02d-%02d", p->birth_date / 10000, p->birth_date / 100 % 100, p->birth_date % 100);
    else
        v[4][0] = '\0';
    fx_copy(v[5], 512, phone);
    fx_copy(v[6], 512, label ? label(p->category) : p->category);
    fx_copy(v[7], 512, p->employer);
    fx_copy(v[8], 512, p->address);
    fx_copy(v[9], 512, p->area_code);
    size_t n = 0;
    v[10][0] = '\0';
    for (int i = 0; i < 6; i++)
        if (p->flags & (1u << i))
            n += (size_t)snprintf(v[10] + n, 512 - n, "%s%s", n ? (label ? "、" : ",") : "",
                                  label ? label(person_flag_names[i]) : person_flag_names[i]);
    fx_copy(v[11], 512, p->party_member ? (label ? "是" : "yes") : "");
    fx_copy(v[12], 512, o->mask ? "" : p->personal_code);
}

static void csv_cell(FILE *f, const char *s, bool last)
{
    /* quote everything that could confuse a spreadsheet; a leading = + - @ would be
     * read as a formula, so such text is quoted and prefixed with a quote mark */
    bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
    fputs(last ? "\r\n" : ",", f);
}

struct sink {
    const export_opts *o;
    int ncols;
    FILE *csv;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *text;
    long row;
};

static int sink_row(struct sink *k, const char *const *v)
{
    int ncols = k->ncols;
    if (k->csv) {
        for (int i = 0; i < ncols; i++)
            csv_cell(k->csv, v[i], i == ncols - 1);
        return ferror(k->csv) ? -1 : 0;
    }
    if (k->row >= 1048575) /* Excel's last row */
        return -2;
    for (int i = 0; i < ncols; i++)
        if (worksheet_write_string(k->ws, (lxw_row_t)k->row, (lxw_col_t)i, v[i], k->text) != LXW_NO_ERROR)
            return -1;
    k->row++;
    return 0;
}

static int sink_open(struct sink *k, FILE *csv, const char *xlsx_path, const char *sheet)
{
    if (k->o->xlsx) {
        lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
        k->wb = workbook_new_opt(xlsx_path, &wo);
        if (!k->wb)
            return -1;
        k->ws = workbook_add_worksheet(k->wb, sheet);
        k->text = workbook_add_format(k->wb);
        format_set_num_format(k->text, "@"); /* text: Excel must not turn ID numbers into 4.1E+17 */
    } else {
        k->csv = csv;
        fputs("\xef\xbb\xbf", csv); /* BOM: Excel then reads UTF-8 */
    }
    return 0;
}

/* Closes the workbook; rc: the rows' outcome (0, -1 write error, -2 too many, -3 err filled). */
static int sink_close(struct sink *k, int rc, fx_err *err)
{
    if (k->wb && workbook_close(k->wb) != LXW_NO_ERROR && rc == 0)
        rc = -1;
    if (rc == -2)
        return fx_fail(err, FX_EINVAL, "too_many_rows", "more than 1,048,575 rows: Excel cannot hold them; "
                                                         "export a smaller area, or as CSV");
    if (rc == -3)
        return err->kind;
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "export_failed", "the export could not be written");
    return 0;
}

int export_table(const export_opts *o, int ncols, const char *const *head, export_next_fn next, void *src, FILE *csv,
                 const char *xlsx_path, const char *sheet, long *rows, fx_err *err)
{
    struct sink k = {.o = o, .ncols = ncols};
    *rows = 0;
    if (sink_open(&k, csv, xlsx_path, sheet) != 0)
        return fx_fail(err, FX_EINTERNAL, "export_failed", "could not create the spreadsheet");
    int rc = sink_row(&k, head), got;
    const char *cells[EXPORT_COLS_MAX];
    while (rc == 0 && (got = next(src, cells, err)) != 0) {
        if (got < 0) {
            rc = -3;
            break;
        }
        if ((rc = sink_row(&k, cells)) == 0)
            (*rows)++;
    }
    return sink_close(&k, rc, err);
}

/* A page of people after after_id: the source an export reads. Count or < 0 (err filled). */
typedef int (*page_fn)(db_conn *c, const void *src, int64_t after_id, person *out, int max, fx_err *err);

static int export_run(db_conn *c, page_fn fetch, const void *src, bool paging, const export_opts *o, FILE *csv,
                      const char *xlsx_path, const char *sheet, long *rows, fx_err *err)
{
    struct sink k = {.o = o, .ncols = o->mask ? NCOLS - 1 : NCOLS};
    *rows = 0;
    if (sink_open(&k, csv, xlsx_path, sheet) != 0)
        return fx_fail(err, FX_EINTERNAL, "export_failed", "could not create the spreadsheet");
    const char *const *head = o->english ? head_en : head_zh;
    int rc = sink_row(&k, head);
    person *page = malloc(sizeof *page * PAGE);
    if (!page)
        rc = -1;
    int64_t after = 0;
    while (rc == 0) {
        int n = fetch(c, src, after, page, PAGE, err);
        if (n < 0) {
            rc = -3;
            break;
        }
        for (int i = 0; i < n && rc == 0; i++) {
            char v[NCOLS][512];
            cells(&page[i], o, v);
            const char *ptrs[NCOLS];
            for (int j = 0; j < NCOLS; j++)
                ptrs[j] = v[j];
            rc = sink_row(&k, ptrs);
            if (rc == 0)
                (*rows)++;
        }
        if (!paging || n < PAGE)
            break;
        after = page[n - 1].id;
    }
    free(page);
    return sink_close(&k, rc, err);
}

static int persons_page(db_conn *c, const void *src, int64_t after_id, person *out, int max, fx_err *err)
{
    person_query q = *(const person_query *)src;
    if (after_id)
        q.after_id = after_id;
    return person_search(c, &q, out, max, err);
}

int export_persons(db_conn *c, const person_query *q, const export_opts *o, FILE *csv, const char *xlsx_path,
                   long *rows, fx_err *err)
{
    bool paging = q->area_path || q->household_id || q->merchant_id;
    return export_run(c, persons_page, q, paging, o, csv, xlsx_path, o->english ? "persons" : "人员", rows, err);
}

struct untested_src {
    int64_t round_id;
    const char *area_path;
};

static int untested_page(db_conn *c, const void *src, int64_t after_id, person *out, int max, fx_err *err)
{
    const struct untested_src *u = src;
    int n = round_untested(c, u->round_id, u->area_path, after_id, out, max);
    if (n < 0)
        fx_fail(err, FX_EINTERNAL, "db_error", "could not read the untested list");
    return n;
}

int export_untested(db_conn *c, int64_t round_id, const char *area_path, const export_opts *o, FILE *csv,
                    const char *xlsx_path, long *rows, fx_err *err)
{
    struct untested_src u = {round_id, area_path};
    return export_run(c, untested_page, &u, true, o, csv, xlsx_path, o->english ? "untested" : "未检人员", rows, err);
}
