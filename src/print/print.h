/* print.h — printed matter as PDF: personal code cards (QR) for people without
 * smartphones, and Code 128 labels for tubes and boxes.
 *
 * Pure drawing: the caller hands over what goes on each card or label, this
 * module lays it out and writes the PDF as it goes (cairo-pdf streams pages),
 * so a job of thousands of cards holds one page in memory. It reads no store
 * and masks nothing: callers pass the name already masked.
 *
 * Text goes through pango (pangocairo), not cairo's toy API: pango falls back to
 * any installed font for a character the CJK font lacks (rare characters in
 * names), and it wraps or ellipsizes a long address to the card's width.
 * Not reentrant per job; separate jobs may run on separate threads. */
#ifndef PRINT_H
#define PRINT_H
#include "util/fx_err.h"

#include <stdbool.h>
#include <stddef.h>

/* Bounds that keep one job's work and output sane (HTTP handlers apply their own, lower). */
#define PRINT_CODE_MAX 48   /* bytes of a personal code or barcode */
#define PRINT_MM_MIN 20.0   /* smallest single label side */
#define PRINT_MM_MAX 300.0  /* largest single label side */
#define PRINT_GRID_MAX 12   /* columns or rows of a label sheet */

/* Where the PDF bytes go; returns false to abort the job (a write error). */
typedef bool (*print_write_fn)(void *closure, const unsigned char *data, size_t len);

typedef struct print_job print_job;

/* Cards: A4 sheets of 10 ID-1 cards (85.6 × 54 mm, 2 × 5) with cut marks, or with
 * single, one card per page of card size (card printers). */
typedef struct print_card_opts {
    bool single;
} print_card_opts;

typedef struct print_card {
    const char *code;        /* personal code: the QR content and the large type */
    const char *masked_name; /* already masked (张**) */
    const char *address;     /* compound / building / unit / room */
} print_card;

enum print_label_kind { PRINT_TUBE, PRINT_BOX };

/* Labels: an A4 sheet of cols × rows labels, or with single, one label per page
 * of width_mm × height_mm (label printers). */
typedef struct print_label_opts {
    enum print_label_kind kind;
    bool single;
    int cols, rows;             /* sheet; 0: 3 × 8 */
    double width_mm, height_mm; /* single; 0: 50 × 30 */
} print_label_opts;

/* Starts a job writing to write(closure, …). NULL with err on bad options. */
print_job *print_cards_open(const print_card_opts *o, print_write_fn write, void *closure, fx_err *err);
print_job *print_labels_open(const print_label_opts *o, print_write_fn write, void *closure, fx_err *err);

/* Adds one card / label. 0, or FX_EINVAL (e.g. a code that cannot be encoded) /
 * FX_EINTERNAL (drawing or writing failed) with err; the job is then only fit to close. */
int print_card_add(print_job *j, const print_card *c, fx_err *err);
int print_label_add(print_job *j, const char *barcode, fx_err *err);

/* Finishes the PDF (an empty job is one blank page) and frees the job. *pages
 * (may be NULL) gets the page count. 0, or FX_EINTERNAL when the PDF could not be written. */
int print_close(print_job *j, int *pages, fx_err *err);

/* A range of barcodes: prefix followed by from, from + 1, … zero-padded to digits (T00000001). */
typedef struct print_range {
    const char *prefix;
    long long from;
    long count;
    int digits; /* 0: 8 */
} print_range;
#define PRINT_DIGITS_MAX 18

/* Checks a range: a prefix of ASCII letters, digits and - _ . /, from >= 0, count >= 1, every number
 * within digits. 0 or FX_EINVAL saying what to change. Callers bound count themselves. */
int print_range_check(const print_range *r, fx_err *err);
/* Adds a label for each barcode of a checked range. */
int print_labels_range(print_job *j, const print_range *r, fx_err *err);

/* Releases the fonts and caches that pango, cairo and fontconfig keep for the process's life, so a
 * leak checker sees only real leaks. At exit only, once no job is running on any thread. */
void print_shutdown(void);

/* "50x30" (millimetres) → w, h within PRINT_MM_MIN..PRINT_MM_MAX; "3x8" grids within 1..PRINT_GRID_MAX. */
bool print_parse_size(const char *s, double *w, double *h);
bool print_parse_grid(const char *s, int *cols, int *rows);

#endif
