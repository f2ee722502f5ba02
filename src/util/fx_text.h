/* fx_text.h — text that people typed or pasted: UTF-8 checks, clean-up of
 * full-width forms and odd spaces, and mainland phone numbers. */
#ifndef FX_TEXT_H
#define FX_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is strict UTF-8: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence at the end.
 * NUL bytes are valid (U+0000). */
bool fx_utf8_valid(const char *s, size_t len);

/* Decodes the code point at the start of s[0..len) into *cp and returns the
 * length of its sequence (1-4), or 0 when s does not start with a strict UTF-8
 * sequence (or len is 0). */
size_t fx_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Cleans one line of typed or pasted text into out (cap bytes):
 *   - full-width ASCII forms U+FF01..U+FF5E become ASCII ("１２３" -> "123", "（" -> "(");
 *   - U+3000 ideographic space, NBSP, the other Unicode spaces, tabs, CR, LF and
 *     every other control character become a space;
 *   - zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are dropped;
 *   - bytes that are not UTF-8 become U+FFFD;
 *   - both ends are trimmed and runs of spaces collapse to one.
 * Always NUL-terminates when cap > 0; when out is too small the result is cut
 * at a character boundary (never inside a UTF-8 sequence, never ending in a
 * space). Returns the output length (without the NUL). in may be NULL ("");
 * in and out must not overlap (a bad byte grows into a 3-byte U+FFFD). */
size_t fx_text_normalize(const char *in, char *out, size_t cap);

/* Recognises a mainland phone number and writes its canonical form to out:
 *   mobile   11 digits 1[3-9]xxxxxxxxx, optionally after +86, 0086 or 86
 *            -> "13812345678";
 *   landline 0 + area code (010, 02x: 2 digits after the 0; 03xx-09xx: 3) +
 *            7 or 8 digits not starting with 0 -> "0371-12345678";
 *            "+86 371 12345678" (the international form without the 0) too.
 * Spaces and dashes may separate digit groups (full-width forms are accepted);
 * in a landline the first separator, if any, must follow the area code.
 * Returns false (and out = "") for anything else: wrong length, letters,
 * extensions, service numbers (400/800, 110), foreign numbers. */
bool fx_phone_normalize(const char *in, char out[24]);

/* Input quoted in a message: s cleaned as fx_text_normalize does and cut at a character
 * boundary to fit cap (a "%.24s" could end inside a UTF-8 sequence). Returns buf. */
const char *fx_text_quote(const char *s, char *buf, size_t cap);

#endif
