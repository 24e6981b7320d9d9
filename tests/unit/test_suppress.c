/* test_suppress.c - suppression comments: forms, placement, odd input. */
#include <string.h>

#include "ftc_suppress.h"
#include "ftc_test.h"

static ftc_arena arena;

/* Does line `line` of text suppress rule? Returns the justification, or
 * NULL when it does not. */
static const char *sup(const char *text, unsigned line, const char *rule)
{
    const char *just = "unset";
    if (!ftc_line_suppresses(&arena, text, strlen(text), line, rule, &just))
        return NULL;
    return just;
}

static void test_forms(void)
{
    FTC_CHECK_STR(sup("x(); // ftcheck: ignore[borrowed-ref] safe here", 1,
                      "borrowed-ref"), "safe here");
    FTC_CHECK(sup("x(); // ftcheck: ignore[borrowed-ref] safe", 1,
                  "static-global") == NULL);
    FTC_CHECK_STR(sup("x(); // ftcheck: ignore[a,b, static-global ] why", 1,
                      "static-global"), "why");
    FTC_CHECK_STR(sup("x(); // ftcheck:ignore[ borrowed-ref ]", 1,
                      "borrowed-ref"), "");
    FTC_CHECK_STR(sup("x(); //ftcheck :  ignore  [borrowed-ref]  two  words ",
                      1, "borrowed-ref"), "two  words");
    /* No list: every rule. */
    FTC_CHECK_STR(sup("int g; // ftcheck: ignore module is single-phase", 1,
                      "static-global"), "module is single-phase");
    FTC_CHECK_STR(sup("int g; // ftcheck: ignore", 1, "anything"), "");
    /* Block comments: the reason stops before the closing delimiter. */
    FTC_CHECK_STR(sup("int g; /* ftcheck: ignore[static-global] read-only */",
                      1, "static-global"), "read-only");
    FTC_CHECK_STR(sup("/* other */ int g; /* ftcheck: ignore */ int h;", 1,
                      "static-global"), "");
    /* Malformed or different words do nothing. */
    FTC_CHECK(sup("x(); // ftcheck: ignore[borrowed-ref", 1,
                  "borrowed-ref") == NULL);
    FTC_CHECK(sup("x(); // ftcheck: ignored", 1, "borrowed-ref") == NULL);
    FTC_CHECK(sup("x(); // ftcheck ignore", 1, "borrowed-ref") == NULL);
    FTC_CHECK(sup("x(); // myftcheck: ignore", 1, "borrowed-ref") == NULL);
    FTC_CHECK(sup("x(); // ftcheck: ignore[]", 1, "borrowed-ref") == NULL);
}

static void test_noqa(void)
{
    FTC_CHECK_STR(sup("p = PyDict_GetItem(d, k); // noqa: borrowed-ref OK", 1,
                      "borrowed-ref"), "OK");
    FTC_CHECK_STR(sup("s = PySequence_Fast(o, \"m\"); "
                      "// noqa: borrowed-ref - manual fix needed", 1,
                      "borrowed-ref"), "- manual fix needed");
    FTC_CHECK_STR(sup("x(); // noqa: borrowed-ref", 1, "borrowed-ref"), "");
    FTC_CHECK_STR(sup("x(); // noqa: E501, borrowed-ref why", 1,
                      "borrowed-ref"), "why");
    /* noqa speaks for borrowed-ref only. */
    FTC_CHECK(sup("int g; // noqa: borrowed-ref OK", 1, "static-global") ==
              NULL);
    FTC_CHECK(sup("x(); // noqa: borrowed-refs", 1, "borrowed-ref") == NULL);
    FTC_CHECK(sup("x(); // noqa", 1, "borrowed-ref") == NULL);
}

static void test_only_comments(void)
{
    FTC_CHECK(sup("puts(\"// ftcheck: ignore\");", 1, "x") == NULL);
    FTC_CHECK(sup("puts(\"/* ftcheck: ignore */\");", 1, "x") == NULL);
    FTC_CHECK(sup("ftcheck: ignore", 1, "x") == NULL);
    FTC_CHECK(sup("char c = '\"'; // ftcheck: ignore ok", 1, "x") != NULL);
    FTC_CHECK(sup("puts(\"a\\\"b\"); // ftcheck: ignore ok", 1, "x") != NULL);
    /* A line inside a block comment opened above is not read. */
    FTC_CHECK(sup("/*\n ftcheck: ignore\n */", 2, "x") == NULL);
}

static void test_lines(void)
{
    const char *text = "a();\r\nb(); // ftcheck: ignore[r] two\rc();\n"
                       "// ftcheck: ignore[r] four\n";
    FTC_CHECK(sup(text, 1, "r") == NULL);
    FTC_CHECK_STR(sup(text, 2, "r"), "two");
    FTC_CHECK(sup(text, 3, "r") == NULL);
    FTC_CHECK_STR(sup(text, 4, "r"), "four");
    FTC_CHECK(sup(text, 5, "r") == NULL);    /* empty last line */
    FTC_CHECK(sup(text, 6, "r") == NULL);    /* past the end */
    FTC_CHECK(sup(text, 0, "r") == NULL);
    FTC_CHECK(sup(text, 100000, "r") == NULL);

    const char *just = NULL;
    FTC_CHECK(!ftc_line_suppresses(&arena, NULL, 10, 1, "r", &just));
    FTC_CHECK(!ftc_line_suppresses(&arena, "", 0, 1, "r", &just));
    FTC_CHECK(!ftc_line_suppresses(&arena, "// ftcheck: ignore", 18, 1, NULL,
                                   &just));
    /* Non-ASCII and a NUL inside the line. */
    static const char odd[] = "\xff\xfe\0 x(); // \xc3\xa9 ftcheck: ignore[r] caf\xc3\xa9";
    FTC_CHECK_STR(sup(odd, 1, "r"), NULL);  /* strlen stops at the NUL */
    FTC_CHECK(ftc_line_suppresses(&arena, odd, sizeof(odd) - 1, 1, "r",
                                  &just));
    FTC_CHECK_STR(just, "caf\xc3\xa9");
}

/* The finding's line or the line above, through the report. */
static void test_apply(void)
{
    ftc_tu *tu = ftc_tu_new();
    FTC_CHECK(tu != NULL);
    if (tu == NULL)
        return;
    static const char src[] =
        "// ftcheck: ignore[static-global] per-interpreter later\n" /* 1 */
        "static int counter;\n"                                     /* 2 */
        "x = PyList_GetItem(l, 0); // noqa: borrowed-ref OK\n"      /* 3 */
        "y = PyList_GetItem(l, 1);\n"                               /* 4 */
        "z = PyList_GetItem(l, 2);\n"                               /* 5 */
        "    /* ftcheck: ignore[borrowed-ref] */\n"                 /* 6 */
        "w = PyList_GetItem(l, 3);\n";                              /* 7 */
    int32_t f0 = ftc_tu_add_file(tu, "/src/m.c", FTC_FILE_PROJECT, 1, -1);
    int32_t f1 = ftc_tu_add_file(tu, "/src/nocontent.h", FTC_FILE_PROJECT, 0,
                                 f0);
    tu->files.items[f0].content = src;
    tu->files.items[f0].content_len = sizeof(src) - 1;

    ftc_report r;
    ftc_report_init(&r, &tu->arena);
    struct {
        const char *rule;
        int32_t file;
        uint32_t line;
        int suppressed;
        const char *justification;
    } cases[] = {
        {"static-global", f0, 2, 1, "per-interpreter later"},
        {"borrowed-ref", f0, 2, 0, NULL},   /* list names another rule */
        {"borrowed-ref", f0, 3, 1, "OK"},
        {"borrowed-ref", f0, 4, 0, NULL},   /* line above has code */
        {"borrowed-ref", f0, 5, 0, NULL},
        {"borrowed-ref", f0, 7, 1, ""},
        {"borrowed-ref", f0, 1, 0, NULL},
        {"borrowed-ref", f0, 99, 0, NULL},  /* past the end */
        {"borrowed-ref", f0, 0, 0, NULL},   /* unknown line */
        {"borrowed-ref", f1, 3, 0, NULL},   /* no content */
        {"borrowed-ref", 7, 3, 0, NULL},    /* no such file */
        {"borrowed-ref", -1, 3, 0, NULL},
    };
    size_t n = sizeof(cases) / sizeof(cases[0]);
    for (size_t i = 0; i < n; i++) {
        ftc_range range = {{cases[i].file, cases[i].line, 1, 0},
                           {cases[i].file, cases[i].line, 2, 0}};
        FTC_CHECK(ftc_report_add(&r, cases[i].rule, FTC_LEVEL_WARNING,
                                 FTC_CERTAIN, range, "finding %zu", i) !=
                  NULL);
    }
    ftc_apply_suppressions(tu, &r);
    FTC_CHECK_INT(r.findings.count, n);
    for (size_t i = 0; i < n && i < r.findings.count; i++) {
        const ftc_finding *f = &r.findings.items[i];
        if (f->suppressed != cases[i].suppressed)
            fprintf(stderr, "  case %zu\n", i);
        FTC_CHECK_INT(f->suppressed, cases[i].suppressed);
        if (cases[i].suppressed)
            FTC_CHECK_STR(f->justification, cases[i].justification);
    }
    ftc_apply_suppressions(tu, NULL);
    ftc_report_release(&r);
    ftc_tu_free(tu);
}

int main(void)
{
    ftc_arena_init(&arena);
    test_forms();
    test_noqa();
    test_only_comments();
    test_lines();
    test_apply();
    ftc_arena_release(&arena);
    FTC_TEST_EXIT();
}
