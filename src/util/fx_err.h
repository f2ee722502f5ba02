/* fx_err.h — errors that reach a user: a kind (how the caller answers), a stable
 * snake_case code and a message that says what went wrong and what to do. */
#ifndef FX_ERR_H
#define FX_ERR_H

enum fx_err_kind {
    FX_OK = 0,
    FX_EINVAL = -100,   /* bad input: 400 */
    FX_EAUTH = -101,    /* not logged in: 401 */
    FX_EPERM = -102,    /* not allowed, or outside one's area: 403 */
    FX_ENOTFOUND = -103,/* 404 */
    FX_ECONFLICT = -104,/* 409 */
    FX_ERULE = -105,    /* refused by a rule: 422 */
    FX_ETHROTTLE = -106,/* 429 */
    FX_EBUSY = -107,    /* overloaded: 503 */
    FX_EINTERNAL = -108 /* 500 */
};

typedef struct fx_err {
    int kind;
    char code[40];
    char msg[300];
} fx_err;

/* Fills e and returns kind, so that `return fx_fail(e, FX_EINVAL, "bad_code", "…")` reads well. */
int fx_fail(fx_err *e, int kind, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
