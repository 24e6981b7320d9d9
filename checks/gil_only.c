/* gil_only.c - code that a free-threaded build never compiles.
 *
 * `#ifndef Py_GIL_DISABLED`, `#if !defined(Py_GIL_DISABLED)`, the `#else`
 * of `#ifdef Py_GIL_DISABLED` and their combinations hold code that only
 * GIL builds compile: it never runs without the GIL, whichever headers this
 * translation unit was compiled with. Each #if condition is evaluated with
 * Py_GIL_DISABLED defined to 1 and every other name unknown (three-valued:
 * `0 && x` is false, `1 || x` is true, anything else about x is unknown);
 * a branch is GIL-only when its condition is false there, or an earlier
 * branch of its chain is true there. Free-threaded builds exist from
 * Python 3.13.0 on (earlier alphas are not supported by anyone), so
 * PY_VERSION_HEX is at least 0x030D00F0 there: the
 * `#if PY_VERSION_HEX < 0x030D0000` fallbacks (pythoncapi_compat-style
 * PyDict_GetItemRef shims) are GIL-only too.
 */
#include "gil_only.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define GIL_MACRO "Py_GIL_DISABLED"
#define VERSION_MACRO "PY_VERSION_HEX"
#define FIRST_FREE_THREADED 0x030D00F0LL   /* Python 3.13.0 */

/* A value: known integer, PY_VERSION_HEX (at least FIRST_FREE_THREADED),
 * or unknown. */
typedef struct pp_value {
    int known;
    long long v;
    int version;
} pp_value;

static const pp_value unknown = {0, 0, 0};

static pp_value known(long long v)
{
    pp_value r = {1, v, 0};
    return r;
}

/* PY_VERSION_HEX op c, for PY_VERSION_HEX >= FIRST_FREE_THREADED. */
static pp_value compare_version(int op, long long c)
{
    switch (op) {
    case 0:                                   /* == */
        return c < FIRST_FREE_THREADED ? known(0) : unknown;
    case 1:                                   /* != */
        return c < FIRST_FREE_THREADED ? known(1) : unknown;
    case 2:                                   /* <= */
        return c < FIRST_FREE_THREADED ? known(0) : unknown;
    case 3:                                   /* >= */
        return c <= FIRST_FREE_THREADED ? known(1) : unknown;
    case 4:                                   /* < */
        return c <= FIRST_FREE_THREADED ? known(0) : unknown;
    default:                                  /* > */
        return c < FIRST_FREE_THREADED ? known(1) : unknown;
    }
}

typedef struct pp_parser {
    const char *p;
    int failed;
} pp_parser;

static void skip_space(pp_parser *ps)
{
    for (;;) {
        while (isspace((unsigned char)*ps->p) || *ps->p == '\\')
            ps->p++;
        if (ps->p[0] == '/' && ps->p[1] == '*') {
            const char *end = strstr(ps->p + 2, "*/");
            ps->p = end ? end + 2 : ps->p + strlen(ps->p);
        } else if (ps->p[0] == '/' && ps->p[1] == '/') {
            ps->p += strlen(ps->p);
        } else {
            return;
        }
    }
}

static int accept(pp_parser *ps, const char *tok)
{
    skip_space(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n) != 0)
        return 0;
    /* "&" must not match "&&", "<" not "<=", ... */
    if (n == 1 && strchr("&|<>=!", tok[0]) && ps->p[1] &&
        (ps->p[1] == '=' || ps->p[1] == tok[0]))
        return 0;
    ps->p += n;
    return 1;
}

static size_t ident_len(const char *p)
{
    size_t n = 0;
    if (!(isalpha((unsigned char)p[0]) || p[0] == '_'))
        return 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    return n;
}

static int is_gil_macro(const char *p, size_t n)
{
    return n == strlen(GIL_MACRO) && strncmp(p, GIL_MACRO, n) == 0;
}

static pp_value parse_or(pp_parser *ps);

static pp_value parse_primary(pp_parser *ps)
{
    skip_space(ps);
    if (accept(ps, "(")) {
        pp_value v = parse_or(ps);
        if (!accept(ps, ")"))
            ps->failed = 1;
        return v;
    }
    if (accept(ps, "!")) {
        pp_value v = parse_primary(ps);
        return v.known ? known(!v.v) : unknown;
    }
    if (accept(ps, "-")) {
        pp_value v = parse_primary(ps);
        return v.known ? known(-v.v) : unknown;
    }
    if (isdigit((unsigned char)*ps->p)) {
        char *end;
        long long v = strtoll(ps->p, &end, 0);
        while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
            end++;
        ps->p = end;
        return known(v);
    }
    size_t n = ident_len(ps->p);
    if (n == 0) {
        ps->failed = 1;
        return unknown;
    }
    const char *name = ps->p;
    ps->p += n;
    if (n == 7 && strncmp(name, "defined", 7) == 0) {
        int paren = accept(ps, "(");
        skip_space(ps);
        size_t m = ident_len(ps->p);
        if (m == 0) {
            ps->failed = 1;
            return unknown;
        }
        const char *macro = ps->p;
        ps->p += m;
        if (paren && !accept(ps, ")"))
            ps->failed = 1;
        return is_gil_macro(macro, m) ? known(1) : unknown;
    }
    skip_space(ps);
    if (*ps->p == '(') {             /* a function-like macro: unknown */
        int depth = 0;
        do {
            if (*ps->p == '(')
                depth++;
            else if (*ps->p == ')')
                depth--;
            ps->p++;
        } while (*ps->p && depth > 0);
        return unknown;
    }
    if (n == strlen(VERSION_MACRO) && strncmp(name, VERSION_MACRO, n) == 0) {
        pp_value v = unknown;
        v.version = 1;
        return v;
    }
    return is_gil_macro(name, n) ? known(1) : unknown;
}

static pp_value parse_compare(pp_parser *ps)
{
    pp_value a = parse_primary(ps);
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (;;) {
        int op = -1;
        for (int i = 0; i < 6 && op < 0; i++)
            if (accept(ps, ops[i]))
                op = i;
        if (op < 0)
            return a;
        pp_value b = parse_primary(ps);
        if (a.version && b.known) {
            a = compare_version(op, b.v);
            continue;
        }
        if (b.version && a.known) {             /* c op V is V op' c */
            static const int mirror[] = {0, 1, 3, 2, 5, 4};
            a = compare_version(mirror[op], a.v);
            continue;
        }
        if (!a.known || !b.known) {
            a = unknown;
            continue;
        }
        long long r = op == 0 ? a.v == b.v : op == 1 ? a.v != b.v
                    : op == 2 ? a.v <= b.v : op == 3 ? a.v >= b.v
                    : op == 4 ? a.v < b.v : a.v > b.v;
        a = known(r);
    }
}

static pp_value parse_and(pp_parser *ps)
{
    pp_value a = parse_compare(ps);
    while (accept(ps, "&&")) {
        pp_value b = parse_compare(ps);
        if ((a.known && !a.v) || (b.known && !b.v))
            a = known(0);
        else if (a.known && b.known)
            a = known(1);
        else
            a = unknown;
    }
    return a;
}

static pp_value parse_or(pp_parser *ps)
{
    pp_value a = parse_and(ps);
    while (accept(ps, "||")) {
        pp_value b = parse_and(ps);
        if ((a.known && a.v) || (b.known && b.v))
            a = known(1);
        else if (a.known && b.known)
            a = known(0);
        else
            a = unknown;
    }
    return a;
}

/* 1: true in every free-threaded build, 0: false in every one, -1: either. */
static int value_when_free_threaded(const char *condition)
{
    if (condition == NULL ||
        (strstr(condition, GIL_MACRO) == NULL && strstr(condition, VERSION_MACRO) == NULL))
        return -1;
    pp_parser ps = {condition, 0};
    pp_value v = parse_or(&ps);
    skip_space(&ps);
    if (ps.failed || *ps.p != '\0' || !v.known)
        return -1;
    return v.v != 0;
}

static int branch_is_gil_only(const ftc_tu *tu, const ftc_cond_branch *b)
{
    if (b->condition && value_when_free_threaded(b->condition) == 0)
        return 1;
    for (int32_t i = b->previous; i >= 0 && (size_t)i < tu->branches.count;
         i = tu->branches.items[i].previous)
        if (value_when_free_threaded(tu->branches.items[i].condition) == 1)
            return 1;
    return 0;
}

int ftc_gil_only_at(const ftc_tu *tu, ftc_loc loc)
{
    for (size_t i = 0; i < tu->branches.count; i++) {
        const ftc_cond_branch *b = &tu->branches.items[i];
        if (b->range.begin.file == loc.file && loc.offset >= b->range.begin.offset &&
            loc.offset < b->range.end.offset && branch_is_gil_only(tu, b))
            return 1;
    }
    return 0;
}
