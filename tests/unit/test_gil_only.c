/* test_gil_only.c - which #if branches no free-threaded build compiles,
 * on hand-built IR: one chain per case, a location inside each branch. */
#include "ftc_test.h"
#include "gil_only.h"

/* A chain of branches with these conditions (NULL: #else), each 10 bytes
 * long, in file 0; returns the index of the first. */
static int32_t chain(ftc_tu *tu, const char *const *conds, int n, uint32_t at)
{
    int32_t first = (int32_t)tu->branches.count;
    for (int i = 0; i < n; i++) {
        ftc_cond_branch *b = FTC_VEC_PUSH(&tu->branches);
        b->range.begin = (ftc_loc){0, 1, 1, at + 10u * (uint32_t)i};
        b->range.end = (ftc_loc){0, 1, 1, at + 10u * (uint32_t)i + 10u};
        b->condition = conds[i];
        b->previous = i ? first + i - 1 : -1;
    }
    return first;
}

static int gil_only(ftc_tu *tu, uint32_t offset)
{
    return ftc_gil_only_at(tu, (ftc_loc){0, 1, 1, offset});
}

static void test_conditions(void)
{
    ftc_tu *tu = ftc_tu_new();
    const char *ifndef[] = {"!defined(Py_GIL_DISABLED)", NULL};
    chain(tu, ifndef, 2, 0);                 /* #ifndef ... #else */
    FTC_CHECK(gil_only(tu, 5));
    FTC_CHECK(!gil_only(tu, 15));

    const char *ifdef[] = {"defined(Py_GIL_DISABLED)", NULL};
    chain(tu, ifdef, 2, 100);                /* #ifdef ... #else */
    FTC_CHECK(!gil_only(tu, 105));
    FTC_CHECK(gil_only(tu, 115));

    const char *mixed[] = {"!defined Py_GIL_DISABLED && PY_VERSION_HEX >= 0x030D0000",
                           "defined(Py_LIMITED_API)", NULL};
    chain(tu, mixed, 3, 200);
    FTC_CHECK(gil_only(tu, 205));            /* false when free-threaded */
    FTC_CHECK(!gil_only(tu, 215));           /* unknown */
    FTC_CHECK(!gil_only(tu, 225));           /* #else: depends on Py_LIMITED_API */

    const char *either[] = {"PY_VERSION_HEX < 0x030D0000 || !Py_GIL_DISABLED"};
    chain(tu, either, 1, 300);
    FTC_CHECK(gil_only(tu, 305));

    const char *versions[] = {"PY_VERSION_HEX < 0x030d00a1", "0x030E0000 <= PY_VERSION_HEX",
                              "PY_VERSION_HEX >= 0x030D00F0", NULL};
    chain(tu, versions, 4, 400);
    FTC_CHECK(gil_only(tu, 405));            /* before 3.13.0 */
    FTC_CHECK(!gil_only(tu, 415));           /* 3.14+: some builds */
    FTC_CHECK(!gil_only(tu, 425));           /* 3.13.0+: every build left */
    FTC_CHECK(gil_only(tu, 435));            /* #else of that: none */

    const char *unknown[] = {"SOME_MACRO(Py_GIL_DISABLED)", "Py_GIL_DISABLED +", NULL};
    chain(tu, unknown, 3, 500);              /* not understood: never GIL-only */
    FTC_CHECK(!gil_only(tu, 505));
    FTC_CHECK(!gil_only(tu, 515));
    FTC_CHECK(!gil_only(tu, 525));

    const char *commented[] = {"!defined(Py_GIL_DISABLED) /* GIL builds */"};
    chain(tu, commented, 1, 600);
    FTC_CHECK(gil_only(tu, 605));
    FTC_CHECK(!gil_only(tu, 700));           /* outside every branch */
    ftc_tu_free(tu);
}

static void test_nesting(void)
{
    ftc_tu *tu = ftc_tu_new();
    const char *outer[] = {"defined(Py_GIL_DISABLED)", NULL};
    chain(tu, outer, 2, 0);                  /* [0,10) [10,20) */
    const char *inner[] = {"X > 1"};
    chain(tu, inner, 1, 12);                 /* nested in the #else */
    FTC_CHECK(gil_only(tu, 14));             /* the enclosing #else decides */
    ftc_tu_free(tu);
}

int main(void)
{
    test_conditions();
    test_nesting();
    FTC_TEST_EXIT();
}
