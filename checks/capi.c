/* capi.c - CPython C-API facts shared by the checks, and the answers the
 * front end asks the C side for: which headers are Python's, which
 * function bodies the checks need. */
#include "capi.h"

#include <stdio.h>
#include <string.h>

#include "ftc_check.h"
#include "ftc_config.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A path component such as "python3.13t" or "python3.11": the directory
 * Python installs its headers in, e.g. for a pyconfig.h kept apart. */
static int in_python_include_dir(const char *path)
{
    const char *p = strstr(path, "/python");
    for (; p; p = strstr(p + 1, "/python")) {
        const char *q = p + strlen("/python");
        if (*q < '0' || *q > '9')
            continue;
        while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 't' ||
               *q == 'd' || *q == 'm' || *q == 'u')
            q++;
        if (*q == '/')
            return 1;
    }
    return 0;
}

/* Headers of libraries that wrap the C API: findings there are the
 * library's business, not the project's. */
static int in_binding_library(const char *path)
{
    return strstr(path, "/pybind11/") || strstr(path, "/nanobind/") ||
           strstr(path, "/numpy/_core/include/") ||
           strstr(path, "/numpy/core/include/");
}

static int under_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

ftc_file_kind ftc_tu_classify_file(ftc_tu *tu, const char *path, int is_system)
{
    if (path == NULL || path[0] == '\0' || path[0] == '<')
        return FTC_FILE_SYSTEM;   /* <built-in>, <command line>, ... */
    if (strcmp(base_name(path), "Python.h") == 0) {
        tu->includes_python = 1;
        const char **slot = FTC_VEC_PUSH(&tu->library_dirs);
        if (slot)
            *slot = ftc_arena_strndup(&tu->arena, path,
                                      (size_t)(base_name(path) - path - 1));
        return FTC_FILE_PYTHON_ENTRY;
    }
    for (size_t i = 0; i < tu->library_dirs.count; i++)
        if (under_dir(path, tu->library_dirs.items[i]))
            return FTC_FILE_PYTHON;
    if (in_python_include_dir(path))
        return FTC_FILE_PYTHON;
    if (is_system || in_binding_library(path))
        return FTC_FILE_SYSTEM;
    return FTC_FILE_PROJECT;
}

const char *ftc_capi_module_init_name(const char *function)
{
    if (function == NULL)
        return NULL;
    if (has_prefix(function, "PyInit_") && function[7])
        return function + 7;
    if (has_prefix(function, "PyModExport_") && function[12])
        return function + 12;
    return NULL;
}

int ftc_config_wants_function(const ftc_config *cfg, const char *name)
{
    unsigned needs = ftc_config_needs(cfg);
    if (needs & FTC_NEED_FUNCTIONS)
        return 1;
    return (needs & FTC_NEED_MODULE_INIT) && ftc_capi_module_init_name(name);
}

int ftc_capi_type_is(const char *type, const char *name)
{
    if (type == NULL)
        return 0;
    for (;;) {
        if (has_prefix(type, "const "))
            type += 6;
        else if (has_prefix(type, "volatile "))
            type += 9;
        else if (has_prefix(type, "struct "))
            type += 7;
        else
            break;
    }
    size_t n = strlen(name);
    return strncmp(type, name, n) == 0 &&
           (type[n] == '\0' || strcmp(type + n, " const") == 0);
}

int ftc_capi_is_mod_gil_slot(const ftc_tu *tu, const ftc_expr *slot)
{
    if (slot == NULL)
        return 0;
    if (ftc_expr_has_macro(slot, "Py_mod_gil"))
        return 1;
    const ftc_expr *s = ftc_expr_strip(slot);
    if (s == NULL || !s->has_value)
        return 0;
    /* No macro name: a number written out, or headers we did not see. */
    uint32_t v = ftc_tu_python_version(tu);
    if (v >= FTC_PY_3_15)
        return s->value == 87 || s->value == 4;
    return v >= FTC_PY_3_13 && s->value == 4;
}

static int is_word_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

int ftc_text_has_word(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (text == NULL || n == 0 || len < n)
        return 0;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(text + i, word, n) != 0)
            continue;
        if ((i == 0 || !is_word_char(text[i - 1])) &&
            (i + n == len || !is_word_char(text[i + n])))
            return 1;
    }
    return 0;
}

const char *ftc_capi_version_text(uint32_t hex, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u", (hex >> 24) & 0xff, (hex >> 16) & 0xff);
    return buf;
}
