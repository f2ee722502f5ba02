#include "util/fx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fx_fail(fx_err *e, int kind, const char *code, const char *fmt, ...)
{
    if (!e)
        return kind;
    e->kind = kind;
    snprintf(e->code, sizeof e->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return kind;
}
