/* fx_csv.h — a streaming CSV reader for the files offices in China actually
 * send: saved by Excel as UTF-8 with a BOM, as plain UTF-8 or as GBK, sometimes
 * with rows pasted in from another file in the other encoding.
 *
 * RFC 4180: fields separated by commas (or by ';' or tabs when the header line
 * uses those and no comma), double-quoted fields with "" escapes, commas and
 * line breaks inside them; CRLF, LF or a lone CR ends a record; the last line
 * needs no line break. A quote inside an unquoted field is kept literally, and
 * so is text after a closing quote ("ab"cd -> abcd, with a warning).
 *
 * Memory is bounded: input is read in 64 KiB chunks and at most one record
 * (max_record_bytes) is held, whatever the size of the file.
 *
 * A broken record is still returned, with `problem` saying why, and reading
 * goes on with the next one, so an import of a million rows reports the three
 * bad ones and takes the rest. */
#ifndef FX_CSV_H
#define FX_CSV_H
#include <stddef.h>

typedef struct fx_csv fx_csv;

typedef struct fx_csv_row {
    int nfields;
    char **fields;       /* UTF-8, NUL-terminated, fields[nfields] == NULL; owned by the
                            reader until the next fx_csv_next() or fx_csv_close() */
    long record;         /* 1-based record number, the header being record 1; blank lines
                            are skipped but counted, so it is the row number Excel shows */
    long line;           /* physical line (1-based) where the record starts */
    const char *problem; /* NULL, or why this record is broken ("row 7 …"); the fields may then
                            be partial (nfields 0 for a record that was skipped) */
    const char *warning; /* NULL, or what was repaired ("row 7 was in GBK, not UTF-8: converted") */
} fx_csv_row;

/* Starts reading fd (a file, pipe or socket in blocking mode; not closed by
 * the reader). Reads the first chunk to detect the encoding (UTF-8 with BOM,
 * UTF-8, or GBK/GB18030 through glibc iconv) and the separator.
 * max_record_bytes bounds one record (0: 1 MiB, at most 1 GiB). Returns NULL,
 * with a sentence for the user in err, when fd cannot be read or is not a CSV
 * text file (an Excel .xlsx or .xls workbook, UTF-16 text, a PDF, NUL bytes,
 * control characters, mostly bytes that are neither UTF-8 nor GBK). An empty
 * file is fine: it has no records.
 *
 * Broken records, each reported in row->problem with its row number:
 *   - a quote that never closes (by the end of the file, or within
 *     max_record_bytes): the record ends at the end of the quote's line, the
 *     quote is kept as text, and reading resumes on the next line;
 *   - a record longer than max_record_bytes: skipped (nfields 0) to its end;
 *   - bytes that are neither UTF-8 nor GBK: shown as U+FFFD;
 *   - NUL bytes after the first chunk: removed.
 * Repaired records, reported in row->warning: a GBK row in a UTF-8 file (or a
 * UTF-8 row in a GBK file) converted, a UTF-8 BOM inside the file removed,
 * text after a closing quote kept.
 * Every outcome depends on the bytes only, never on how reads split them. */
fx_csv *fx_csv_open(int fd, size_t max_record_bytes, char *err, size_t errlen);

/* Reads the next record into *row: 1 for a record, 0 at the end of the file,
 * -1 when the file cannot be read any more (row->problem then says why; later
 * calls return -1 too). */
int fx_csv_next(fx_csv *c, fx_csv_row *row);

/* "utf-8", "utf-8-bom" or "gbk". A file that was all ASCII so far reads as
 * "utf-8" until a record decides otherwise. */
const char *fx_csv_encoding(const fx_csv *c);
/* ',', ';' or '\t'. */
char fx_csv_separator(const fx_csv *c);
/* Bytes read from fd so far, for a progress bar. */
long long fx_csv_bytes_read(const fx_csv *c);
/* Frees the reader (NULL is fine); does not close fd. */
void fx_csv_close(fx_csv *c);

#endif
