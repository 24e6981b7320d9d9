/* ftc_test.h - the few assertion macros the unit tests need.
 *
 * A failed check prints where and what, counts, and lets the test go on so
 * one run shows every failure; FTC_TEST_EXIT() turns the count into the
 * exit status ctest reads. */
#ifndef FTC_TEST_H
#define FTC_TEST_H

#include <stdio.h>
#include <string.h>

static int ftc_test_failures;

#define FTC_CHECK(expr)                                                   \
    do {                                                                  \
        if (!(expr)) {                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,        \
                    __LINE__, #expr);                                     \
            ftc_test_failures++;                                          \
        }                                                                 \
    } while (0)

/* Strings compared with strcmp; NULL is shown, never dereferenced. */
#define FTC_CHECK_STR(got, want)                                          \
    do {                                                                  \
        const char *ftc_g_ = (got), *ftc_w_ = (want);                     \
        if (ftc_g_ == NULL || ftc_w_ == NULL ? ftc_g_ != ftc_w_           \
                                             : strcmp(ftc_g_, ftc_w_)) {  \
            fprintf(stderr, "%s:%d: check failed: %s == %s\n"             \
                    "  got:  \"%s\"\n  want: \"%s\"\n", __FILE__,         \
                    __LINE__, #got, #want, ftc_g_ ? ftc_g_ : "(null)",    \
                    ftc_w_ ? ftc_w_ : "(null)");                          \
            ftc_test_failures++;                                          \
        }                                                                 \
    } while (0)

#define FTC_CHECK_INT(got, want)                                          \
    do {                                                                  \
        long long ftc_g_ = (long long)(got), ftc_w_ = (long long)(want);  \
        if (ftc_g_ != ftc_w_) {                                           \
            fprintf(stderr, "%s:%d: check failed: %s == %s (got %lld, "   \
                    "want %lld)\n", __FILE__, __LINE__, #got, #want,      \
                    ftc_g_, ftc_w_);                                      \
            ftc_test_failures++;                                          \
        }                                                                 \
    } while (0)

#define FTC_TEST_EXIT()                                                   \
    do {                                                                  \
        if (ftc_test_failures)                                            \
            fprintf(stderr, "%d check(s) failed\n", ftc_test_failures);   \
        return ftc_test_failures ? 1 : 0;                                 \
    } while (0)

#endif
