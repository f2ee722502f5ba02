/* fx_csv.c — the CSV reader. Two passes per record: scan() finds where the
 * record ends (tracking quotes across reads), build() splits and unquotes the
 * raw bytes and converts them to UTF-8. The input buffer holds one record at
 * most plus a chunk, so a damaged 2 GB file costs no more memory than a good
 * 2 KB one. */
#include "util/fx_csv.h"

#include "util/fx_text.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CSV_CHUNK (64 * 1024)
#define CSV_DEFAULT_MAX ((size_t)1 << 20)
#define CSV_MAX_MAX ((size_t)1 << 30)
#define NONE SIZE_MAX

enum csv_enc { ENC_UTF8, ENC_UTF8_BOM, ENC_GBK };
/* where the scanner stands within a field: at its start, in unquoted text,
 * inside quotes, or just after a quote inside quotes (an escape or the end) */
enum csv_state { ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE };

struct fx_csv {
    int fd;
    size_t max_rec;
    char sep;
    enum csv_enc enc;
    bool enc_known; /* false while every record so far was ASCII */
    iconv_t gb;     /* GB18030 -> UTF-8, opened when first needed */
    bool gb_tried;

    char *buf; /* input: buf[rs..len) is the record being scanned and what follows */
    size_t cap, cap_max, len, rs, sp;
    bool eof, failed, in_record, skipping;
    long long nread;

    /* scanner state for the record being read */
    enum csv_state st;
    unsigned char prev; /* the byte before sp, for CRLF */
    long line, rec_line, record;
    int field;
    size_t qpos; /* the quote that opened the current quoted field, relative to rs */
    long qline;
    int qfield;

    char *rec; /* unquoted fields, each followed by a NUL */
    size_t rec_cap;
    char *out; /* the same converted to UTF-8 */
    size_t out_cap;
    char **ptr;
    size_t ptr_cap;
    char problem[400], warning[400], ioerr[200];
};

static size_t grown(size_t cap, size_t need)
{
    size_t n = cap ? cap : 256;
    while (n < need)
        n *= 2;
    return n;
}

static bool reserve(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = grown(*cap, need);
    char *q = realloc(*p, n);
    if (!q)
        return false;
    *p = q, *cap = n;
    return true;
}

static bool reserve_ptr(char ***p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = grown(*cap, need);
    char **q = realloc(*p, n * sizeof *q);
    if (!q)
        return false;
    *p = q, *cap = n;
    return true;
}

/* Appends a sentence to a problem or warning, joined by "; ". */
__attribute__((format(printf, 3, 4))) static void note(char *dst, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(dst);
    if (used && used + 2 < cap) {
        memcpy(dst + used, "; ", 3);
        used += 2;
    }
    if (used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + used, cap - used, fmt, ap);
    va_end(ap);
}

/* ---- reading ---- */

static int fill(fx_csv *c, size_t want)
{
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->len, want);
        if (n > 0) {
            c->len += (size_t)n;
            c->nread += n;
            return 1;
        }
        if (n == 0) {
            c->eof = true;
            return 0;
        }
        if (errno != EINTR) {
            char tmp[120];
            snprintf(c->ioerr, sizeof c->ioerr, "could not read the file: %s", strerror_r(errno, tmp, sizeof tmp));
            return -1;
        }
    }
}

/* Moves the unfinished record to the front of the buffer and reads more. */
static int refill(fx_csv *c)
{
    if (c->rs > 0) {
        memmove(c->buf, c->buf + c->rs, c->len - c->rs);
        c->len -= c->rs;
        c->sp = c->sp > c->rs ? c->sp - c->rs : 0;
        c->rs = 0;
    }
    if (c->cap - c->len < CSV_CHUNK && c->cap < c->cap_max) {
        size_t n = c->cap * 2 < c->cap_max ? c->cap * 2 : c->cap_max;
        char *p = realloc(c->buf, n);
        if (!p) {
            snprintf(c->ioerr, sizeof c->ioerr, "out of memory while reading the file");
            return -1;
        }
        c->buf = p, c->cap = n;
    }
    size_t room = c->cap - c->len;
    return fill(c, room < CSV_CHUNK ? room : CSV_CHUNK);
}

/* ---- encodings ---- */

static bool gb_open(fx_csv *c)
{
    if (!c->gb_tried) {
        c->gb_tried = true;
        c->gb = iconv_open("UTF-8", "GB18030");
    }
    return c->gb != (iconv_t)-1;
}

/* GB18030 in[0..n) -> UTF-8 out (cap >= 2n + 16); false when in is not GB18030. */
static bool gb_convert(fx_csv *c, const char *in, size_t n, char *out, size_t cap, size_t *outlen)
{
    if (!gb_open(c))
        return false;
    iconv(c->gb, NULL, NULL, NULL, NULL);
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    if (iconv(c->gb, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
        return false;
    if (iconv(c->gb, NULL, NULL, &op, &ol) == (size_t)-1)
        return false;
    *outlen = cap - ol;
    return true;
}

static bool gb_valid(fx_csv *c, const char *s, size_t n)
{
    size_t len;
    return reserve(&c->out, &c->out_cap, 2 * n + 16) && gb_convert(c, s, n, c->out, c->out_cap, &len);
}

/* Copies s as UTF-8, each byte that is not part of a valid sequence becoming U+FFFD. */
static size_t utf8_repair(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = fx_utf8_decode(s + i, n - i, &cp);
        if (l) {
            memcpy(out + o, s + i, l);
            o += l, i += l;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3, i++;
        }
    }
    return o;
}

/* True when valid UTF-8 s has only code points of U+0800 and above besides
 * ASCII: Chinese text, as opposed to GBK bytes that happen to decode. */
static bool utf8_wide(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = fx_utf8_decode(s + i, n - i, &cp);
        if (!l || (cp >= 0x80 && cp < 0x800))
            return false;
        i += l;
    }
    return true;
}

static size_t strip_bom(char *s, size_t n, int *found)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\xEF' && i + 2 < n && s[i + 1] == '\xBB' && s[i + 2] == '\xBF') {
            i += 3, (*found)++;
            continue;
        }
        s[o++] = s[i++];
    }
    return o;
}

/* ---- opening: what kind of file is this? ---- */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static char detect_sep(const unsigned char *b, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0, i = 0;
    bool quoted = false;
    while (i < n && (b[i] == '\r' || b[i] == '\n'))
        i++; /* blank lines before the header */
    for (; i < n; i++) {
        if (b[i] == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (b[i] == '\r' || b[i] == '\n')
            break;
        else
            comma += b[i] == ',', semi += b[i] == ';', tab += b[i] == '\t';
    }
    if (comma)
        return ',';
    if (tab > semi)
        return '\t';
    return semi ? ';' : ',';
}

static bool detect(fx_csv *c, char *err, size_t errlen)
{
    const unsigned char *b = (const unsigned char *)c->buf;
    size_t n = c->len;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
        set_err(err, errlen, "this is not a CSV text file but an Excel workbook (.xlsx) or another zip archive: "
                             "open it in Excel and save it as \"CSV UTF-8\" or \"CSV\"");
        return false;
    }
    if (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        set_err(err, errlen, "this is not a CSV text file but an old Excel workbook (.xls): "
                             "open it in Excel and save it as \"CSV UTF-8\" or \"CSV\"");
        return false;
    }
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        set_err(err, errlen, "this file is UTF-16 text (Excel's \"Unicode Text\"), which is not read here: "
                             "save it from Excel as \"CSV UTF-8\" or \"CSV\"");
        return false;
    }
    if (n >= 5 && memcmp(b, "%PDF-", 5) == 0) {
        set_err(err, errlen, "this is not a CSV text file but a PDF: export the table as CSV instead");
        return false;
    }
    static const char binary[] = "this is not a CSV text file (it looks like a binary file, e.g. an .xlsx: "
                                 "save it as CSV)";
    size_t ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0) {
            set_err(err, errlen, binary);
            return false;
        }
        ctrl += (b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != '\f') || b[i] == 0x7F;
    }
    if (ctrl * 20 > n) {
        set_err(err, errlen, binary);
        return false;
    }
    size_t start = 0;
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
        start = 3;
        c->enc = ENC_UTF8_BOM, c->enc_known = true;
    }
    c->rs = c->sp = start;
    c->sep = detect_sep(b + start, n - start);

    /* Classify the sample's lines; a line cut by the end of the chunk is left out. */
    size_t end = n;
    if (!c->eof) {
        size_t k = n;
        while (k > start && b[k - 1] != '\n')
            k--;
        if (k == start) /* no line end at all: cut before the last ASCII punctuation */
            for (k = n; k > start && b[k - 1] >= 0x30;)
                k--;
        if (k > start)
            end = k;
    }
    /* Votes are weighted by non-ASCII bytes: a short GBK name can pass for
     * UTF-8 by chance, a long line practically never does. */
    size_t nu8 = 0, ngb = 0, bad = 0;
    for (size_t i = start; i < end;) {
        size_t j = i, high = 0;
        while (j < end && b[j] != '\n')
            high += b[j++] >= 0x80;
        if (high) {
            if (fx_utf8_valid((const char *)b + i, j - i))
                nu8 += high;
            else if (gb_valid(c, (const char *)b + i, j - i))
                ngb += high;
            else
                bad += j - i;
        }
        i = j + 1;
    }
    if (bad * 2 > end - start) {
        set_err(err, errlen, gb_open(c) ? binary
                                        : "this file is neither UTF-8 nor readable as GBK here "
                                          "(this system's iconv has no GB18030): save it as \"CSV UTF-8\"");
        return false;
    }
    if (c->enc == ENC_UTF8 && ngb > nu8)
        c->enc = ENC_GBK;
    if (nu8 + ngb > 0)
        c->enc_known = true;
    return true;
}

fx_csv *fx_csv_open(int fd, size_t max_record_bytes, char *err, size_t errlen)
{
    set_err(err, errlen, "");
    fx_csv *c = calloc(1, sizeof *c);
    if (!c) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    c->fd = fd;
    c->gb = (iconv_t)-1;
    c->max_rec = max_record_bytes == 0 ? CSV_DEFAULT_MAX
                 : max_record_bytes > CSV_MAX_MAX ? CSV_MAX_MAX
                                                  : max_record_bytes;
    c->cap = 2 * CSV_CHUNK;
    c->cap_max = c->max_rec + 2 * CSV_CHUNK;
    c->sep = ',';
    c->line = 1;
    c->prev = '\n';
    c->buf = malloc(c->cap);
    if (!c->buf || !reserve_ptr(&c->ptr, &c->ptr_cap, 16) || !reserve(&c->rec, &c->rec_cap, 256)) {
        set_err(err, errlen, "out of memory");
        goto fail;
    }
    while (c->len < CSV_CHUNK && !c->eof)
        if (fill(c, CSV_CHUNK - c->len) < 0) {
            set_err(err, errlen, c->ioerr);
            goto fail;
        }
    if (!detect(c, err, errlen))
        goto fail;
    return c;
fail:
    fx_csv_close(c);
    return NULL;
}

/* ---- records ---- */

/* Scans buf[sp..len) for the end of the record; true with *end at its line
 * break (sp then past it), false when more input is needed or max_rec bytes
 * have been scanned. Stopping at the limit, rather than wherever a read
 * happened to end, makes every outcome independent of how fd delivers bytes. */
static bool scan(fx_csv *c, size_t *end)
{
    const unsigned char *b = (const unsigned char *)c->buf;
    const unsigned char sep = (unsigned char)c->sep;
    enum csv_state st = c->st;
    unsigned char prev = c->prev;
    long line = c->line;
    bool found = false;
    size_t i, stop = c->len;
    if (!c->skipping && stop - c->rs > c->max_rec + 1)
        stop = c->rs + c->max_rec + 1;
    for (i = c->sp; i < stop && !found; i++) {
        unsigned char ch = b[i];
        if (ch == '\r' || (ch == '\n' && prev != '\r'))
            line++;
        prev = ch;
        switch (st) {
        case ST_START:
            if (ch == '"') {
                st = ST_QUOTED;
                c->qpos = i - c->rs, c->qline = line, c->qfield = c->field;
                break;
            }
            /* fall through */
        case ST_PLAIN:
        case ST_QUOTE:
            if (ch == '"' && st == ST_QUOTE)
                st = ST_QUOTED; /* "" inside quotes */
            else if (ch == sep)
                c->field++, st = ST_START;
            else if (ch == '\r' || ch == '\n')
                found = true, *end = i;
            else
                st = ST_PLAIN;
            break;
        case ST_QUOTED:
            if (ch == '"')
                st = ST_QUOTE;
            break;
        }
    }
    c->st = st, c->prev = prev, c->line = line, c->sp = i;
    return found;
}

static void add_byte(char *rec, size_t *o, char ch, bool *nul)
{
    if (ch)
        rec[(*o)++] = ch;
    else
        *nul = true;
}

/* Splits raw[0..n) into fields (the quote at lit_quote, if any, taken as text),
 * converts them to UTF-8 and points row at them. */
static void build(fx_csv *c, fx_csv_row *row, const char *raw, size_t n, size_t lit_quote)
{
    if (!reserve(&c->rec, &c->rec_cap, n + 1)) {
        note(c->problem, sizeof c->problem, "row %ld could not be read: out of memory", c->record);
        return;
    }
    char *rec = c->rec;
    size_t o = 0;
    int nf = 1, after_quote = 0;
    bool nul = false;
    enum csv_state st = ST_START;
    for (size_t i = 0; i < n; i++) {
        char ch = raw[i];
        if (st == ST_QUOTED) {
            if (ch == '"')
                st = ST_QUOTE;
            else
                add_byte(rec, &o, ch, &nul);
        } else if (ch == c->sep) {
            rec[o++] = '\0', nf++, st = ST_START;
        } else if (st == ST_START && ch == '"' && i != lit_quote) {
            st = ST_QUOTED;
        } else if (st == ST_QUOTE && ch == '"') {
            rec[o++] = '"', st = ST_QUOTED;
        } else {
            if (st == ST_QUOTE && !after_quote)
                after_quote = nf;
            add_byte(rec, &o, ch, &nul);
            st = ST_PLAIN;
        }
    }
    rec[o++] = '\0';
    if (nul)
        note(c->problem, sizeof c->problem,
             "row %ld contains NUL bytes, which were removed: the file is damaged or not all text", c->record);
    if (after_quote)
        note(c->warning, sizeof c->warning,
             "row %ld has text after the closing quote of field %d: it was kept as written", c->record, after_quote);

    const char *text = rec;
    size_t tlen = o;
    bool ascii = true;
    for (size_t i = 0; i < o && ascii; i++)
        ascii = (unsigned char)rec[i] < 0x80;
    if (!ascii) {
        if (!reserve(&c->out, &c->out_cap, 3 * o + 16)) {
            note(c->problem, sizeof c->problem, "row %ld could not be read: out of memory", c->record);
            return;
        }
        bool u8 = fx_utf8_valid(rec, o), done = false;
        if (c->enc == ENC_GBK && u8 && utf8_wide(rec, o)) {
            note(c->warning, sizeof c->warning, "row %ld was in UTF-8, not GBK: kept as UTF-8", c->record);
            memcpy(c->out, rec, o), tlen = o, done = true;
        } else if (u8 && c->enc != ENC_GBK) {
            c->enc_known = true;
            memcpy(c->out, rec, o), tlen = o, done = true;
        } else if (gb_convert(c, rec, o, c->out, c->out_cap, &tlen)) {
            if (!c->enc_known)
                c->enc = ENC_GBK, c->enc_known = true; /* the first non-ASCII row decides */
            else if (c->enc != ENC_GBK)
                note(c->warning, sizeof c->warning, "row %ld was in GBK, not UTF-8: converted", c->record);
            done = true;
        } else if (u8) {
            note(c->warning, sizeof c->warning, "row %ld was in UTF-8, not GBK: kept as UTF-8", c->record);
            memcpy(c->out, rec, o), tlen = o, done = true;
        }
        if (!done) {
            note(c->problem, sizeof c->problem,
                 "row %ld is not valid text in UTF-8 or GBK (the unreadable bytes are shown as \xEF\xBF\xBD): "
                 "the file may be damaged",
                 c->record);
            tlen = utf8_repair(rec, o, c->out);
        }
        int boms = 0;
        tlen = strip_bom(c->out, tlen, &boms);
        if (boms)
            note(c->warning, sizeof c->warning,
                 "row %ld contained a UTF-8 byte-order mark, as if another file had been pasted in here: "
                 "removed (check for a second header row)",
                 c->record);
        text = c->out;
    }
    if (!reserve_ptr(&c->ptr, &c->ptr_cap, (size_t)nf + 1)) {
        note(c->problem, sizeof c->problem, "row %ld could not be read: out of memory", c->record);
        return;
    }
    int k = 0;
    for (size_t i = 0, s = 0; i < tlen && k < nf; i++)
        if (text[i] == '\0')
            c->ptr[k++] = (char *)text + s, s = i + 1;
    c->ptr[k] = NULL;
    row->nfields = k;
    row->fields = c->ptr;
}

/* Ends the record at buf[end], the next one starting at buf[next]. Returns 0
 * for a blank line (skipped, though counted), 1 for a row to hand out. */
static int finish(fx_csv *c, fx_csv_row *row, size_t end, size_t next, size_t lit_quote)
{
    size_t rs = c->rs;
    bool skipped = c->skipping;
    c->rs = c->sp = next;
    c->in_record = c->skipping = false;
    if (!skipped && end == rs && lit_quote == NONE)
        return 0;
    row->record = c->record;
    row->line = c->rec_line;
    if (!skipped && end - rs > c->max_rec)
        note(c->problem, sizeof c->problem,
             "row %ld is longer than %zu bytes and was skipped: check for a missing closing quote or a cell "
             "with a very long text",
             c->record, c->max_rec);
    else if (!skipped)
        build(c, row, c->buf + rs, end - rs, lit_quote);
    if (c->problem[0])
        row->problem = c->problem;
    if (c->warning[0])
        row->warning = c->warning;
    return 1;
}

static size_t find_eol(const char *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (b[i] == '\r' || b[i] == '\n')
            return i;
    return NONE;
}

/* A quote that never closes (by the end of the file, or within max_rec): the
 * record ends at the first line break after the quote, the quote is read as
 * text, and reading resumes on the next line, so one stray quote costs one
 * row, not the rest of the file. When no line break follows within max_rec
 * bytes, the record is skipped up to the end of its line instead (false). */
static bool unclosed(fx_csv *c, fx_csv_row *row, bool at_end)
{
    size_t x = find_eol(c->buf, c->rs + c->qpos + 1, c->sp);
    char why[80];
    if (at_end)
        snprintf(why, sizeof why, "is never closed");
    else
        snprintf(why, sizeof why, "is not closed within %zu bytes", c->max_rec);
    if (x == NONE && !at_end) {
        note(c->problem, sizeof c->problem,
             "row %ld is longer than %zu bytes and was skipped to the end of its line: the quote that opens "
             "field %d on line %ld is not closed within that (check for a missing closing quote or a cell with a "
             "very long text)",
             c->record, c->max_rec, c->qfield + 1, c->qline);
        c->st = ST_PLAIN; /* no quote any more: skip to the end of the line */
        c->skipping = true;
        return false;
    }
    note(c->problem, sizeof c->problem,
         "row %ld: the quote that opens field %d on line %ld %s, so the record was cut at the end of that "
         "line and the quote read as text (a quote inside a field must be doubled: \"\")",
         c->record, c->qfield + 1, c->qline, why);
    long qline = c->qline;
    if (x == NONE) {
        finish(c, row, c->len, c->len, c->qpos);
        return true;
    }
    finish(c, row, x, x + 1, c->qpos);
    c->line = qline + 1;
    c->prev = (unsigned char)c->buf[x];
    return true;
}

int fx_csv_next(fx_csv *c, fx_csv_row *row)
{
    memset(row, 0, sizeof *row);
    c->problem[0] = c->warning[0] = '\0';
    if (c->failed) {
        row->problem = c->ioerr;
        return -1;
    }
    c->ptr[0] = NULL;
    row->fields = c->ptr;
    for (;;) {
        if (!c->in_record) {
            if (c->rs < c->len && c->prev == '\r' && c->buf[c->rs] == '\n')
                c->rs++, c->prev = '\n'; /* the LF of a CRLF split from its CR */
            c->sp = c->rs;
            if (c->rs < c->len) {
                c->in_record = true;
                c->st = ST_START;
                c->field = 0;
                c->rec_line = c->line;
                c->record++;
            }
        }
        if (c->in_record) {
            size_t end;
            if (scan(c, &end)) {
                if (finish(c, row, end, end + 1, NONE))
                    return 1;
                continue;
            }
            if (!c->skipping && c->sp - c->rs > c->max_rec) {
                if (c->st != ST_QUOTED) {
                    note(c->problem, sizeof c->problem,
                         "row %ld is longer than %zu bytes and was skipped: check for a missing closing quote or "
                         "a cell with a very long text",
                         c->record, c->max_rec);
                    c->skipping = true;
                } else if (unclosed(c, row, false)) {
                    return 1;
                }
                continue; /* skip through what is already read */
            }
            if (c->eof) {
                if (!c->skipping && c->st == ST_QUOTED)
                    unclosed(c, row, true);
                else
                    finish(c, row, c->len, c->len, NONE);
                return 1;
            }
            if (c->skipping)
                c->rs = c->sp = c->len; /* nothing of a skipped record is kept */
        } else if (c->eof) {
            return 0;
        }
        if (refill(c) < 0) {
            c->failed = true;
            row->problem = c->ioerr;
            return -1;
        }
    }
}

const char *fx_csv_encoding(const fx_csv *c)
{
    return c->enc == ENC_GBK ? "gbk" : c->enc == ENC_UTF8_BOM ? "utf-8-bom" : "utf-8";
}

char fx_csv_separator(const fx_csv *c) { return c->sep; }

long long fx_csv_bytes_read(const fx_csv *c) { return c->nread; }

void fx_csv_close(fx_csv *c)
{
    if (!c)
        return;
    if (c->gb != (iconv_t)-1)
        iconv_close(c->gb);
    free(c->buf);
    free(c->rec);
    free(c->out);
    free(c->ptr);
    free(c);
}
