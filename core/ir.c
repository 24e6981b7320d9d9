/* ir.c - the TU container and the lookups checks share. */
#include "ftc_ir.h"

#include <stdlib.h>
#include <string.h>

ftc_tu *ftc_tu_new(void)
{
    ftc_tu *tu = calloc(1, sizeof(*tu));
    if (tu)
        ftc_arena_init(&tu->arena);
    return tu;
}

void ftc_tu_free(ftc_tu *tu)
{
    if (tu == NULL)
        return;
    ftc_vec_free(&tu->files);
    ftc_vec_free(&tu->library_dirs);
    ftc_vec_free(&tu->macro_defs);
    ftc_vec_free(&tu->macro_uses);
    ftc_vec_free(&tu->skipped);
    ftc_vec_free(&tu->branches);
    ftc_vec_free(&tu->globals);
    ftc_vec_free(&tu->functions);
    ftc_arena_release(&tu->arena);
    free(tu);
}

int32_t ftc_tu_add_file(ftc_tu *tu, const char *path, ftc_file_kind kind,
                        int is_main, int32_t includer)
{
    ftc_file *f = FTC_VEC_PUSH(&tu->files);
    if (f == NULL)
        return -1;
    f->path = ftc_arena_strdup(&tu->arena, path);
    f->kind = kind;
    f->is_main = is_main;
    f->includer = includer;
    return (int32_t)(tu->files.count - 1);
}

const ftc_macro_def *ftc_tu_macro(const ftc_tu *tu, const char *name)
{
    for (size_t i = 0; i < tu->macro_defs.count; i++)
        if (strcmp(tu->macro_defs.items[i].name, name) == 0)
            return &tu->macro_defs.items[i];
    return NULL;
}

const ftc_func *ftc_tu_function(const ftc_tu *tu, const char *name)
{
    for (size_t i = 0; i < tu->functions.count; i++)
        if (strcmp(tu->functions.items[i].name, name) == 0)
            return &tu->functions.items[i];
    return NULL;
}

int ftc_tu_is_project_file(const ftc_tu *tu, int32_t file)
{
    return file >= 0 && (size_t)file < tu->files.count &&
           tu->files.items[file].kind == FTC_FILE_PROJECT;
}

const char *ftc_tu_skipped_text(const ftc_tu *tu, const ftc_skipped *s,
                                size_t *len)
{
    *len = 0;
    int32_t fi = s->range.begin.file;
    if (fi < 0 || (size_t)fi >= tu->files.count)
        return NULL;
    const ftc_file *f = &tu->files.items[fi];
    size_t b = s->range.begin.offset, e = s->range.end.offset;
    if (f->content == NULL || b > e || e > f->content_len)
        return NULL;
    *len = e - b;
    return f->content + b;
}

/* A macro's value as a number, if it is one (0x030D00F0, 1, (1)). */
static int macro_number(const ftc_tu *tu, const char *name, long long *out)
{
    const ftc_macro_def *m = ftc_tu_macro(tu, name);
    if (m == NULL || !m->defined || m->value == NULL)
        return 0;
    const char *s = m->value;
    while (*s == '(' || *s == ' ')
        s++;
    char *end;
    long long v = strtoll(s, &end, 0);
    if (end == s)
        return 0;
    *out = v;
    return 1;
}

/* PY_RELEASE_LEVEL names another macro (PY_RELEASE_LEVEL_FINAL). */
static int release_level(const ftc_tu *tu, long long *out)
{
    static const struct { const char *name; long long value; } levels[] = {
        {"PY_RELEASE_LEVEL_ALPHA", 0xA}, {"PY_RELEASE_LEVEL_BETA", 0xB},
        {"PY_RELEASE_LEVEL_GAMMA", 0xC}, {"PY_RELEASE_LEVEL_FINAL", 0xF}};
    if (macro_number(tu, "PY_RELEASE_LEVEL", out))
        return 1;
    const ftc_macro_def *m = ftc_tu_macro(tu, "PY_RELEASE_LEVEL");
    if (m == NULL || !m->defined)
        return 0;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcmp(m->value, levels[i].name) == 0) {
            *out = levels[i].value;
            return 1;
        }
    return 0;
}

uint32_t ftc_tu_python_version(const ftc_tu *tu)
{
    long long v, major, minor, micro = 0, level = 0xF, serial = 0;
    if (macro_number(tu, "PY_VERSION_HEX", &v))
        return (uint32_t)v;
    /* Real headers spell PY_VERSION_HEX as an expression of its parts. */
    if (!macro_number(tu, "PY_MAJOR_VERSION", &major) ||
        !macro_number(tu, "PY_MINOR_VERSION", &minor))
        return 0;
    macro_number(tu, "PY_MICRO_VERSION", &micro);
    release_level(tu, &level);
    macro_number(tu, "PY_RELEASE_SERIAL", &serial);
    return (uint32_t)((major << 24) | (minor << 16) | (micro << 8) |
                      (level << 4) | serial);
}

int ftc_tu_gil_disabled(const ftc_tu *tu)
{
    const ftc_macro_def *m = ftc_tu_macro(tu, "Py_GIL_DISABLED");
    if (m == NULL || !m->defined)
        return 0;
    long long v;
    /* "#define Py_GIL_DISABLED" and "#define Py_GIL_DISABLED 1" both count. */
    return macro_number(tu, "Py_GIL_DISABLED", &v) ? v != 0 : 1;
}

const ftc_expr *ftc_expr_strip(const ftc_expr *e)
{
    while (e && e->kind == FTC_E_CAST && e->nkids == 1)
        e = e->kids[0];
    return e;
}

int ftc_expr_has_macro(const ftc_expr *e, const char *macro)
{
    for (; e; e = (e->kind == FTC_E_CAST && e->nkids == 1) ? e->kids[0] : NULL)
        for (uint32_t i = 0; i < e->nmacros; i++)
            if (strcmp(e->macros[i], macro) == 0)
                return 1;
    return 0;
}

const ftc_expr *ftc_expr_field(const ftc_expr *init, const char *field)
{
    init = ftc_expr_strip(init);
    if (init == NULL || init->kind != FTC_E_INIT_LIST)
        return NULL;
    for (uint32_t i = 0; i < init->nkids; i++) {
        const ftc_expr *k = init->kids[i];
        if (k && k->field && strcmp(k->field, field) == 0)
            return k;
    }
    return NULL;
}

int ftc_expr_walk(const ftc_expr *e,
                  int (*f)(const ftc_expr *e, void *ctx), void *ctx)
{
    if (e == NULL)
        return 0;
    int r = f(e, ctx);
    if (r)
        return r;
    for (uint32_t i = 0; i < e->nkids; i++)
        if ((r = ftc_expr_walk(e->kids[i], f, ctx)) != 0)
            return r;
    return 0;
}

/* Length of the C/C++ token at s (at most n bytes): identifiers and numbers,
 * string and character literals, else one punctuator (multi-character ones
 * do not matter: a range ending on '->' is still readable). */
static size_t token_length(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    size_t i = 1;
    if (c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c >= 0x80) {
        while (i < n) {
            unsigned char d = (unsigned char)s[i];
            if (d == '_' || d == '$' || d == '.' || (d >= 'a' && d <= 'z') ||
                (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9') || d >= 0x80)
                i++;
            else
                break;
        }
        return i;
    }
    if (c == '"' || c == '\'') {
        while (i < n && s[i] != (char)c && s[i] != '\n') {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            i++;
        }
        return i < n && s[i] == (char)c ? i + 1 : i;
    }
    return 1;
}

ftc_loc ftc_tu_token_end(const ftc_tu *tu, ftc_loc loc)
{
    if (loc.file < 0 || (size_t)loc.file >= tu->files.count)
        return loc;
    const ftc_file *f = &tu->files.items[loc.file];
    if (f->content == NULL || loc.offset >= f->content_len)
        return loc;
    size_t n = token_length(f->content + loc.offset, f->content_len - loc.offset);
    loc.offset += (uint32_t)n;
    loc.col += (uint32_t)n;
    return loc;
}

ftc_range ftc_tu_char_range(const ftc_tu *tu, ftc_range r)
{
    r.end = ftc_tu_token_end(tu, r.end);
    if (r.end.file != r.begin.file || r.end.line < r.begin.line ||
        (r.end.line == r.begin.line && r.end.col <= r.begin.col))
        r.end = ftc_tu_token_end(tu, r.begin);
    return r;
}

ftc_loc ftc_tu_loc_at(const ftc_tu *tu, int32_t file, uint32_t offset)
{
    ftc_loc loc = {file, 0, 0, offset};
    if (file < 0 || (size_t)file >= tu->files.count)
        return loc;
    const ftc_file *f = &tu->files.items[file];
    if (f->content == NULL || offset > f->content_len)
        return loc;
    uint32_t line = 1, col = 1;
    for (uint32_t i = 0; i < offset; i++) {
        if (f->content[i] == '\n')
            line++, col = 1;
        else
            col++;
    }
    loc.line = line;
    loc.col = col;
    return loc;
}

int ftc_func_walk(const ftc_func *fn,
                  int (*f)(const ftc_expr *e, void *ctx), void *ctx)
{
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
            int r = ftc_expr_walk(fn->blocks[b].stmts[k], f, ctx);
            if (r)
                return r;
        }
    return 0;
}
