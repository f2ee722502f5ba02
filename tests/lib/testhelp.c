#include "lib/testhelp.h"

#include <stdlib.h>

int th_passed, th_failed, th_cur_failed;
const char *th_filter;

void th_init(void)
{
    th_filter = getenv("TEST_FILTER");
    setvbuf(stdout, NULL, _IOLBF, 0);
}

int th_done(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, th_passed, th_failed);
    return th_failed ? 1 : 0;
}
