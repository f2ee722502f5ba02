/* fx_idcard.h — mainland resident identity numbers (GB 11643-1999).
 *
 * An 18-character number is 6 digits of region (the first 2 a province code),
 * 8 digits of birth date YYYYMMDD, 3 digits of sequence (the last odd for men,
 * even for women) and an ISO 7064 MOD 11-2 check character, 0-9 or X.
 * First-generation cards carry 15 digits (no century, no check character);
 * they are accepted and converted to 18. */
#ifndef FX_IDCARD_H
#define FX_IDCARD_H

typedef enum {
    FX_ID_OK = 0,
    FX_ID_EMPTY,        /* nothing but spaces */
    FX_ID_BAD_LENGTH,   /* not 15 or 18 characters */
    FX_ID_BAD_CHAR,     /* a letter, inner space or punctuation; X anywhere but last of 18 */
    FX_ID_BAD_REGION,   /* first two digits are no province code */
    FX_ID_BAD_DATE,     /* birth date not a real date in 1900..this_year */
    FX_ID_BAD_CHECKSUM  /* 18th character does not match the first 17 */
} fx_id_status;

typedef struct fx_idcard {
    char number[19]; /* canonical: 18 ASCII characters, upper-case X */
    int year, month, day;
    char sex;        /* 'M' or 'F' */
} fx_idcard;

/* Checks s and, on FX_ID_OK, fills *out (out may be NULL to only check).
 * Accepts spaces around the number (ASCII, U+3000, NBSP), full-width digits
 * ０-９ and full-width Ｘ/ｘ, lower-case x; a 15-digit number becomes 18
 * ("19" inserted before its 2-digit year, check character computed).
 * this_year is the current calendar year: a later birth year is refused; pass
 * 0 for no upper bound. Checks run in the order of the enum, so the first
 * problem found is reported. On failure *out is zeroed. */
fx_id_status fx_idcard_parse(const char *s, int this_year, fx_idcard *out);

/* An English sentence for a user: what is wrong and what to check. Never NULL. */
const char *fx_idcard_problem(fx_id_status st);

/* The check character ('0'-'9' or 'X') for the first 17 digits of an
 * 18-character number; '\0' when first17 does not start with 17 ASCII digits. */
char fx_idcard_check_char(const char *first17);

/* Masks a number for display: an 18-character one keeps its first 4 and last 4
 * characters ("4101**********1234"); any other keeps its first 2 and last 2
 * when it has at least 5 characters, else becomes all stars. Works on
 * characters (a non-ASCII character is one star); out is always
 * NUL-terminated and cut to fit. number may be NULL (""). */
void fx_idcard_mask(const char *number, char out[32]);

#endif
