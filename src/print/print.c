/* print.c — cards and labels drawn with cairo (PDF), QR codes from libqrencode,
 * Code 128 from libzint, text through pango. Lengths are in millimetres until
 * they reach cairo, which works in PDF points. */
#include "print/print.h"

#include "util/fx_str.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <zint.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT_PER_MM (72.0 / 25.4)
#define A4_W 210.0
#define A4_H 297.0
/* ID-1, the size of a bank card: fits a wallet and card printers */
#define CARD_W 85.6
#define CARD_H 54.0
#define CARD_COLS 2
#define CARD_ROWS 5
#define CUT_GAP 2.0 /* cut marks stop this far from the card */
#define CUT_LEN 6.0
#define LABEL_MARGIN_X 8.0 /* office printers do not print to the paper's edge */
#define LABEL_MARGIN_Y 10.0
#define LABEL_INSET 2.5
/* Narrowest bar (X dimension) that common scanners read reliably: 7.5 mil */
#define BAR_X_MIN 0.19
#define QUIET_X 10 /* Code 128 quiet zone, in X on each side */

#define FONT_TEXT "Noto Sans CJK SC"
#define FONT_CODE "Noto Sans Mono CJK SC"

enum job_kind { JOB_CARDS, JOB_LABELS };

struct print_job {
    enum job_kind kind;
    cairo_surface_t *surface;
    cairo_t *cr;
    print_write_fn write;
    void *closure;
    bool write_failed;
    bool single;
    int cols, rows;        /* slots per page (1 × 1 when single) */
    double slot_w, slot_h; /* mm */
    double x0, y0;         /* the grid's top left on the page, mm */
    int slot;              /* next free slot on the current page */
    int pages;             /* pages finished */
    enum print_label_kind label_kind;
};

static cairo_status_t write_adapter(void *closure, const unsigned char *data, unsigned int len)
{
    print_job *j = closure;
    if (j->write_failed || !j->write(j->closure, data, len)) {
        j->write_failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static print_job *job_new(enum job_kind kind, double page_w, double page_h, print_write_fn write, void *closure,
                          const char *title, fx_err *err)
{
    print_job *j = calloc(1, sizeof *j);
    if (!j) {
        fx_fail(err, FX_EINTERNAL, "out_of_memory", "out of memory starting the PDF");
        return NULL;
    }
    j->kind = kind;
    j->write = write;
    j->closure = closure;
    j->surface = cairo_pdf_surface_create_for_stream(write_adapter, j, page_w * PT_PER_MM, page_h * PT_PER_MM);
    cairo_pdf_surface_set_metadata(j->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(j->surface, CAIRO_PDF_METADATA_CREATOR, "fangxian");
    j->cr = cairo_create(j->surface);
    if (cairo_status(j->cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(j->cr);
        cairo_surface_destroy(j->surface);
        free(j);
        fx_fail(err, FX_EINTERNAL, "pdf_failed", "the PDF could not be started");
        return NULL;
    }
    cairo_scale(j->cr, PT_PER_MM, PT_PER_MM); /* draw in mm from here on */
    return j;
}

/* ---- text ---- */

/* Draws text in a box of width w (mm) at (x, y), at size pt or smaller until it fits
 * on max_lines lines (then ellipsized). Returns the height used, mm. */
static double text(cairo_t *cr, double x, double y, double w, const char *family, bool bold, double pt,
                   double min_pt, int max_lines, bool centre, const char *s)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_text(l, s, -1);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, centre ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    for (;; pt -= 0.5) {
        /* the context is in mm: a point is 25.4 / 72 mm */
        pango_font_description_set_absolute_size(fd, pt * 25.4 / 72.0 * PANGO_SCALE);
        pango_layout_set_font_description(l, fd);
        if (pt - 0.5 < min_pt || pango_layout_get_line_count(l) <= max_lines)
            break;
    }
    if (pango_layout_get_line_count(l) > max_lines) {
        pango_layout_set_height(l, -max_lines);
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    int lw, lh;
    pango_layout_get_size(l, &lw, &lh);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
    return (double)lh / PANGO_SCALE;
}

/* ---- QR code ---- */

static int draw_qr(cairo_t *cr, const char *code, double x, double y, double size, fx_err *err)
{
    QRcode *qr = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return fx_fail(err, FX_EINVAL, "code_not_encodable", "personal code %.48s cannot be put in a QR code", code);
    int n = qr->width;
    double m = size / (n + 8); /* 4 modules of quiet zone on each side */
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n;) {
            if (!(qr->data[r * n + c] & 1)) {
                c++;
                continue;
            }
            int run = c; /* a run of dark modules is one rectangle: a smaller PDF */
            while (run < n && (qr->data[r * n + run] & 1))
                run++;
            cairo_rectangle(cr, x + (4 + c) * m, y + (4 + r) * m, (run - c) * m, m);
            c = run;
        }
    cairo_fill(cr);
    QRcode_free(qr);
    return 0;
}

/* ---- Code 128 ---- */

static int draw_code128(cairo_t *cr, const char *data, double x, double y, double w, double h, fx_err *err)
{
    struct zint_symbol *sym = ZBarcode_Create();
    if (!sym)
        return fx_fail(err, FX_EINTERNAL, "out_of_memory", "out of memory drawing a barcode");
    sym->symbology = BARCODE_CODE128;
    sym->input_mode = DATA_MODE;
    sym->show_hrt = 0; /* the text is set below with our own font */
    int rc = ZBarcode_Encode(sym, (const unsigned char *)data, (int)strlen(data));
    if (rc < ZINT_ERROR)
        rc = ZBarcode_Buffer_Vector(sym, 0);
    if (rc >= ZINT_ERROR || !sym->vector || sym->vector->width <= 0) {
        fx_fail(err, FX_EINVAL, "barcode_not_encodable", "barcode %.48s cannot be drawn as Code 128: %.120s", data,
                sym->errtxt);
        ZBarcode_Delete(sym);
        return FX_EINVAL;
    }
    double xdim = w / (sym->width + 2 * QUIET_X);
    if (xdim < BAR_X_MIN) {
        fx_fail(err, FX_EINVAL, "label_too_small",
                "barcode %.48s needs a label at least %.0f mm wide (its bars would be too thin to scan); "
                "use a wider label or a shorter code",
                data, (sym->width + 2 * QUIET_X) * BAR_X_MIN + 2 * LABEL_INSET + 1);
        ZBarcode_Delete(sym);
        return FX_EINVAL;
    }
    /* zint's vector units are its own; only the bars' horizontal positions are used */
    double k = sym->width * xdim / sym->vector->width, left = x + QUIET_X * xdim;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (struct zint_vector_rect *b = sym->vector->rectangles; b; b = b->next)
        cairo_rectangle(cr, left + b->x * k, y, b->width * k, h);
    cairo_fill(cr);
    ZBarcode_Delete(sym);
    return 0;
}

/* ---- pages and slots ---- */

static void cut_marks(print_job *j)
{
    cairo_t *cr = j->cr;
    double gw = j->cols * j->slot_w, gh = j->rows * j->slot_h;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.1);
    for (int c = 0; c <= j->cols; c++) {
        double x = j->x0 + c * j->slot_w;
        cairo_move_to(cr, x, j->y0 - CUT_GAP - CUT_LEN);
        cairo_rel_line_to(cr, 0, CUT_LEN);
        cairo_move_to(cr, x, j->y0 + gh + CUT_GAP);
        cairo_rel_line_to(cr, 0, CUT_LEN);
    }
    for (int r = 0; r <= j->rows; r++) {
        double y = j->y0 + r * j->slot_h;
        cairo_move_to(cr, j->x0 - CUT_GAP - CUT_LEN, y);
        cairo_rel_line_to(cr, CUT_LEN, 0);
        cairo_move_to(cr, j->x0 + gw + CUT_GAP, y);
        cairo_rel_line_to(cr, CUT_LEN, 0);
    }
    cairo_stroke(cr);
}

static int check(print_job *j, fx_err *err)
{
    if (j->write_failed)
        return fx_fail(err, FX_EINTERNAL, "write_failed", "the PDF could not be written (disk full?)");
    if (cairo_status(j->cr) != CAIRO_STATUS_SUCCESS)
        return fx_fail(err, FX_EINTERNAL, "pdf_failed", "drawing the PDF failed: %s",
                       cairo_status_to_string(cairo_status(j->cr)));
    return 0;
}

/* The top left (mm) of the next slot, starting a new page when this one is full. */
static void next_slot(print_job *j, double *x, double *y)
{
    if (j->slot == j->cols * j->rows) {
        cairo_show_page(j->cr);
        j->pages++;
        j->slot = 0;
    }
    if (j->slot == 0 && !j->single && j->kind == JOB_CARDS)
        cut_marks(j);
    *x = j->x0 + (j->slot % j->cols) * j->slot_w;
    *y = j->y0 + (j->slot / j->cols) * j->slot_h;
    j->slot++;
}

/* ---- cards ---- */

print_job *print_cards_open(const print_card_opts *o, print_write_fn write, void *closure, fx_err *err)
{
    print_job *j = o->single ? job_new(JOB_CARDS, CARD_W, CARD_H, write, closure, "个人码卡", err)
                             : job_new(JOB_CARDS, A4_W, A4_H, write, closure, "个人码卡", err);
    if (!j)
        return NULL;
    j->single = o->single;
    j->cols = o->single ? 1 : CARD_COLS;
    j->rows = o->single ? 1 : CARD_ROWS;
    j->slot_w = CARD_W;
    j->slot_h = CARD_H;
    j->x0 = o->single ? 0 : (A4_W - CARD_COLS * CARD_W) / 2;
    j->y0 = o->single ? 0 : (A4_H - CARD_ROWS * CARD_H) / 2;
    return j;
}

/* "ABCDEFGHJKLM" → "ABCD EFGH JKLM": groups of 4 are easier to read out and type */
static void group4(const char *code, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; code[i] && k + 2 < n; i++) {
        if (i && i % 4 == 0)
            out[k++] = ' ';
        out[k++] = code[i];
    }
    out[k] = '\0';
}

int print_card_add(print_job *j, const print_card *c, fx_err *err)
{
    if (!c->code || !*c->code || strlen(c->code) > PRINT_CODE_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_code", "a card needs a personal code of 1 to %d characters",
                       PRINT_CODE_MAX);
    double x, y;
    next_slot(j, &x, &y);
    cairo_t *cr = j->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    const double pad = 4, qr = 40, col = pad + qr + 2, colw = CARD_W - col - pad;
    int rc = draw_qr(cr, c->code, pad - 1.5, pad - 1.5, qr, err); /* the quiet zone may reach into the padding */
    if (rc == 0) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        double ty = pad;
        ty += text(cr, col, ty, colw, FONT_TEXT, false, 7, 7, 1, false, "个人核酸码 · 防线");
        ty += text(cr, col, ty + 0.5, colw, FONT_TEXT, true, 16, 10, 1, false, c->masked_name ? c->masked_name : "");
        char grouped[PRINT_CODE_MAX * 2];
        group4(c->code, grouped, sizeof grouped);
        ty += 1.5 + text(cr, col, ty + 1.5, colw, FONT_CODE, true, 13, 7, 2, false, grouped);
        text(cr, col, ty + 1.5, colw, FONT_TEXT, false, 8, 6.5, 3, false, c->address ? c->address : "");
        text(cr, pad, CARD_H - pad - 5, CARD_W - 2 * pad, FONT_TEXT, true, 10, 8, 1, true,
             "采样时请出示此码 · 请妥善保管");
        if (!j->single) { /* a faint outline shows where the card is, between the cut marks */
            cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
            cairo_set_line_width(cr, 0.1);
            cairo_rectangle(cr, 0, 0, CARD_W, CARD_H);
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
    return rc ? rc : check(j, err);
}

/* ---- labels ---- */

print_job *print_labels_open(const print_label_opts *o, print_write_fn write, void *closure, fx_err *err)
{
    int cols = o->cols ? o->cols : 3, rows = o->rows ? o->rows : 8;
    double w = o->width_mm ? o->width_mm : 50, h = o->height_mm ? o->height_mm : 30;
    if (o->single && (w < PRINT_MM_MIN || w > PRINT_MM_MAX || h < PRINT_MM_MIN || h > PRINT_MM_MAX)) {
        fx_fail(err, FX_EINVAL, "invalid_size", "a label is %.0f to %.0f mm on each side (e.g. 50x30)", PRINT_MM_MIN,
                PRINT_MM_MAX);
        return NULL;
    }
    if (!o->single && (cols < 1 || cols > PRINT_GRID_MAX || rows < 1 || rows > PRINT_GRID_MAX)) {
        fx_fail(err, FX_EINVAL, "invalid_grid", "a label sheet has 1 to %d columns and rows (e.g. 3x8)",
                PRINT_GRID_MAX);
        return NULL;
    }
    const char *title = o->kind == PRINT_BOX ? "转运箱标签" : "采样管标签";
    print_job *j = o->single ? job_new(JOB_LABELS, w, h, write, closure, title, err)
                             : job_new(JOB_LABELS, A4_W, A4_H, write, closure, title, err);
    if (!j)
        return NULL;
    j->single = o->single;
    j->label_kind = o->kind;
    j->cols = o->single ? 1 : cols;
    j->rows = o->single ? 1 : rows;
    j->slot_w = o->single ? w : (A4_W - 2 * LABEL_MARGIN_X) / cols;
    j->slot_h = o->single ? h : (A4_H - 2 * LABEL_MARGIN_Y) / rows;
    j->x0 = o->single ? 0 : LABEL_MARGIN_X;
    j->y0 = o->single ? 0 : LABEL_MARGIN_Y;
    return j;
}

int print_label_add(print_job *j, const char *barcode, fx_err *err)
{
    size_t n = strlen(barcode);
    if (n == 0 || n > PRINT_CODE_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_barcode", "a barcode has 1 to %d characters", PRINT_CODE_MAX);
    for (size_t i = 0; i < n; i++)
        if (barcode[i] < 0x21 || barcode[i] > 0x7e)
            return fx_fail(err, FX_EINVAL, "invalid_barcode",
                           "barcode %.48s: use letters, digits and ASCII punctuation only (no spaces)", barcode);
    double x, y;
    next_slot(j, &x, &y);
    cairo_t *cr = j->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    double w = j->slot_w - 2 * LABEL_INSET, h = j->slot_h - 2 * LABEL_INSET;
    if (!j->single) { /* plain paper: a faint outline to cut along; pre-cut label stock ignores it */
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_set_line_width(cr, 0.1);
        cairo_rectangle(cr, 0, 0, j->slot_w, j->slot_h);
        cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    double ty = LABEL_INSET;
    ty += text(cr, LABEL_INSET, ty, w, FONT_TEXT, false, 7, 5, 1, true,
               j->label_kind == PRINT_BOX ? "转运箱 BOX" : "采样管 TUBE");
    /* the text under the bars is about a fifth of the label; the bars take the rest */
    double text_h = h * 0.2 < 3.5 ? 3.5 : h * 0.2, bars_h = LABEL_INSET + h - ty - text_h - 1;
    int rc = bars_h < 5 ? fx_fail(err, FX_EINVAL, "label_too_small", "a label needs room for its bars: make it taller")
                        : draw_code128(cr, barcode, LABEL_INSET, ty + 0.5, w, bars_h, err);
    if (rc == 0)
        text(cr, LABEL_INSET, ty + 0.5 + bars_h + 0.5, w, FONT_CODE, true, text_h * 72 / 25.4 * 0.75, 5, 1, true,
             barcode);
    cairo_restore(cr);
    return rc ? rc : check(j, err);
}

/* ---- finishing ---- */

int print_close(print_job *j, int *pages, fx_err *err)
{
    if (j->slot > 0 || j->pages == 0) {
        cairo_show_page(j->cr);
        j->pages++;
    }
    cairo_destroy(j->cr);
    cairo_surface_finish(j->surface);
    cairo_status_t st = cairo_surface_status(j->surface);
    cairo_surface_destroy(j->surface);
    bool failed = j->write_failed || st != CAIRO_STATUS_SUCCESS;
    if (pages)
        *pages = j->pages;
    free(j);
    if (failed)
        return fx_fail(err, FX_EINTERNAL, "pdf_failed", "the PDF could not be written: %s",
                       cairo_status_to_string(st));
    return 0;
}

#ifdef __SANITIZE_ADDRESS__
/* Debian 12's cairo 1.16 leaks ~800 bytes per embedded font when a PDF surface finishes (inside
 * cairo_surface_finish, bounded per job), and fontconfig keeps its configuration for the life of
 * the process (once). Their frames have no symbols, so the test build's leak checker is told to
 * ignore leaks allocated inside those two libraries by name. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcairo.so.2\nleak:libfontconfig.so.1\n"; }
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }
#endif

void print_shutdown(void)
{
    /* this thread's font map holds cairo fonts. (cairo_debug_reset_static_data and FcFini
     * are debugging aids: with a font still cached they abort on an assertion.) */
    pango_cairo_font_map_set_default(NULL);
}

/* ---- options ---- */

int print_range_check(const print_range *r, fx_err *err)
{
    int digits = r->digits ? r->digits : 8;
    size_t plen = r->prefix ? strlen(r->prefix) : 0;
    if (plen + (size_t)digits > PRINT_CODE_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_prefix", "prefix and number together have at most %d characters",
                       PRINT_CODE_MAX);
    for (size_t i = 0; i < plen; i++)
        if (!isalnum((unsigned char)r->prefix[i]) && !strchr("-_./", r->prefix[i]))
            return fx_fail(err, FX_EINVAL, "invalid_prefix",
                           "prefix %.48s: use ASCII letters, digits and - _ . / only (e.g. T or BOX-)", r->prefix);
    if (digits < 1 || digits > PRINT_DIGITS_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_digits", "digits is 1 to %d", PRINT_DIGITS_MAX);
    if (r->from < 0 || r->count < 1)
        return fx_fail(err, FX_EINVAL, "invalid_range", "from is a number from 0 and count at least 1");
    long long limit = 1;
    for (int i = 0; i < digits; i++)
        limit *= 10;
    if (r->from > limit - r->count)
        return fx_fail(err, FX_EINVAL, "invalid_range",
                       "the range ends at %lld, which has more than %d digits: lower from or count, or raise digits",
                       r->from + r->count - 1, digits);
    return 0;
}

int print_labels_range(print_job *j, const print_range *r, fx_err *err)
{
    char code[PRINT_CODE_MAX + 1];
    int rc = 0;
    for (long i = 0; i < r->count && rc == 0; i++) {
        snprintf(code, sizeof code, "%s%0*lld", r->prefix ? r->prefix : "", r->digits ? r->digits : 8,
                 r->from + i);
        rc = print_label_add(j, code, err);
    }
    return rc;
}

static bool two_numbers(const char *s, double *a, double *b)
{
    char *end;
    *a = strtod(s, &end);
    if (end == s || (*end != 'x' && *end != 'X' && *end != '*'))
        return false;
    const char *rest = end + 1;
    *b = strtod(rest, &end);
    return end != rest && *end == '\0';
}

bool print_parse_size(const char *s, double *w, double *h)
{
    return two_numbers(s, w, h) && *w >= PRINT_MM_MIN && *w <= PRINT_MM_MAX && *h >= PRINT_MM_MIN &&
           *h <= PRINT_MM_MAX;
}

bool print_parse_grid(const char *s, int *cols, int *rows)
{
    double c, r;
    if (!two_numbers(s, &c, &r) || !(c >= 1 && c <= PRINT_GRID_MAX && r >= 1 && r <= PRINT_GRID_MAX) ||
        c != (int)c || r != (int)r)
        return false;
    *cols = (int)c;
    *rows = (int)r;
    return true;
}
