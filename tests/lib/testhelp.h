/* testhelp.h — a small test runner: TEST functions, CHECK assertions, and a
 * closing line "N passed, N failed" per test program. */
#ifndef TESTHELP_H
#define TESTHELP_H
#include <stdio.h>
#include <string.h>

extern int th_passed, th_failed, th_cur_failed;
extern const char *th_filter;

#define CHECK(cond)                                                                                         \
    do {                                                                                                    \
        if (!(cond)) {                                                                                      \
            fprintf(stderr, "    %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                   \
            th_cur_failed++;                                                                                \
        }                                                                                                   \
    } while (0)

/* CHECK with a message that explains what a user would have seen. */
#define CHECKF(cond, ...)                                                                                   \
    do {                                                                                                    \
        if (!(cond)) {                                                                                      \
            fprintf(stderr, "    %s:%d: CHECK failed: %s — ", __FILE__, __LINE__, #cond);                  \
            fprintf(stderr, __VA_ARGS__);                                                                   \
            fputc('\n', stderr);                                                                            \
            th_cur_failed++;                                                                                \
        }                                                                                                   \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                                  \
    CHECKF((long long)(a) == (long long)(b), "%s = %lld, expected %lld", #a, (long long)(a), (long long)(b))
#define CHECK_STR(a, b)                                                                                     \
    do {                                                                                                    \
        const char *th_a_ = (a), *th_b_ = (b);                                                              \
        CHECKF(th_a_ && strcmp(th_a_, th_b_) == 0, "%s = \"%s\", expected \"%s\"", #a,                   \
               th_a_ ? th_a_ : "(null)", th_b_);                                                            \
    } while (0)

/* Runs one test function and records whether all its CHECKs held. */
#define RUN(fn)                                                                                             \
    do {                                                                                                    \
        if (th_filter && !strstr(#fn, th_filter))                                                           \
            break;                                                                                          \
        th_cur_failed = 0;                                                                                  \
        fn();                                                                                               \
        if (th_cur_failed) {                                                                                \
            th_failed++;                                                                                    \
            printf("  FAIL %s\n", #fn);                                                                     \
        } else {                                                                                            \
            th_passed++;                                                                                    \
            printf("  ok   %s\n", #fn);                                                                     \
        }                                                                                                   \
        fflush(stdout);                                                                                     \
    } while (0)

/* Prints the closing line and returns the exit status. */
int th_done(const char *suite);
/* Reads TEST_FILTER from the environment (run only tests whose name contains it). */
void th_init(void);

#endif
