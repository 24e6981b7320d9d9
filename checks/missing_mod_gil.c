/* missing_mod_gil.c - modules that do not declare Py_MOD_GIL_NOT_USED.
 *
 * On free-threaded CPython, importing a module that does not declare that it
 * runs without the GIL turns the GIL back on for the whole process. A
 * multi-phase module declares it with a {Py_mod_gil, Py_MOD_GIL_NOT_USED}
 * entry in the slot table its PyModuleDef points to.
 *
 * A declaration compiled out in this configuration (under #ifdef
 * Py_GIL_DISABLED in a GIL build, or a version test) is still a
 * declaration: the skipped preprocessor regions show it.
 */
#include <stdlib.h>
#include <string.h>

#include "capi.h"
#include "docs.h"
#include "ftc_check.h"

#define RULE "missing-mod-gil"

/* Where a PyModuleDef global points its m_slots. */
typedef struct slots_ref {
    int present;          /* m_slots is set (not NULL / left out) */
    int32_t table;        /* global index of the slot table, -1 if unknown */
} slots_ref;

static slots_ref def_slots(const ftc_tu *tu, const ftc_var *def)
{
    slots_ref r = {0, -1};
    const ftc_expr *s = ftc_expr_strip(ftc_expr_field(def->init, "m_slots"));
    if (s == NULL || s->kind == FTC_E_IMPLICIT_ZERO ||
        (s->kind == FTC_E_INT && s->value == 0))
        return r;
    r.present = 1;
    if (s->kind == FTC_E_ADDR_OF && s->nkids == 1)
        s = ftc_expr_strip(s->kids[0]);
    if (s && s->kind == FTC_E_SUBSCRIPT && s->nkids == 2)
        s = ftc_expr_strip(s->kids[0]);      /* &slots[0] */
    if (s && s->kind == FTC_E_REF && s->ref == FTC_REF_GLOBAL &&
        s->ref_index >= 0 && (size_t)s->ref_index < tu->globals.count)
        r.table = s->ref_index;
    return r;
}

static const char *module_name(const ftc_var *def, const char *init_fn)
{
    const ftc_expr *n = ftc_expr_strip(ftc_expr_field(def->init, "m_name"));
    if (n && n->kind == FTC_E_STRING && n->name && n->name[0])
        return n->name;
    const char *from_init = ftc_capi_module_init_name(init_fn);
    return from_init ? from_init : def->name;
}

typedef enum gil_decl {
    GIL_MISSING = 0,
    GIL_NOT_USED,
    GIL_USED,
    GIL_OTHER,            /* a value we cannot read: trust the author */
    GIL_COMPILED_OUT      /* the entry exists under a false #if */
} gil_decl;

typedef struct slot_scan {
    gil_decl decl;
    const ftc_expr *entry;     /* the Py_mod_gil entry, when seen */
    const ftc_expr *sentinel;  /* the {0, NULL} entry, when seen */
} slot_scan;

static gil_decl gil_value(const ftc_expr *value)
{
    if (ftc_expr_has_macro(value, "Py_MOD_GIL_NOT_USED"))
        return GIL_NOT_USED;
    if (ftc_expr_has_macro(value, "Py_MOD_GIL_USED"))
        return GIL_USED;
    const ftc_expr *v = ftc_expr_strip(value);
    if (v && v->has_value)
        return v->value == 1 ? GIL_NOT_USED : v->value == 0 ? GIL_USED : GIL_OTHER;
    return GIL_OTHER;
}

/* Is `word` in a region the preprocessor skipped inside this range (a
 * declaration compiled out on purpose in this configuration)? */
static int compiled_out_word(const ftc_tu *tu, ftc_range where, const char *word)
{
    for (size_t i = 0; i < tu->skipped.count; i++) {
        const ftc_skipped *sk = &tu->skipped.items[i];
        if (sk->range.begin.file != where.begin.file ||
            sk->range.end.offset < where.begin.offset ||
            sk->range.begin.offset > where.end.offset)
            continue;
        size_t len;
        const char *text = ftc_tu_skipped_text(tu, sk, &len);
        if (ftc_text_has_word(text, len, word))
            return 1;
    }
    return 0;
}

static slot_scan scan_slots(const ftc_tu *tu, const ftc_var *table)
{
    slot_scan r = {GIL_MISSING, NULL, NULL};
    const ftc_expr *list = ftc_expr_strip(table->init);
    if (list && list->kind == FTC_E_INIT_LIST) {
        for (uint32_t i = 0; i < list->nkids; i++) {
            const ftc_expr *entry = ftc_expr_strip(list->kids[i]);
            if (entry == NULL || entry->kind != FTC_E_INIT_LIST)
                continue;
            const ftc_expr *slot = ftc_expr_field(entry, "slot");
            const ftc_expr *value = ftc_expr_field(entry, "value");
            const ftc_expr *s = ftc_expr_strip(slot);
            if (slot && !slot->nmacros && s && s->has_value && s->value == 0) {
                if (r.sentinel == NULL)
                    r.sentinel = entry;
                continue;
            }
            if (ftc_capi_is_mod_gil_slot(tu, slot)) {
                r.entry = entry;
                r.decl = gil_value(value);
                return r;
            }
        }
    }
    if (compiled_out_word(tu, table->range, "Py_mod_gil"))
        r.decl = GIL_COMPILED_OUT;
    return r;
}

/* The guarded entry, inserted on its own lines before the sentinel, when
 * the sentinel starts its line (else a directive cannot go there). */
static void add_slot_fixit(const ftc_tu *tu, ftc_report *rep, ftc_finding *f,
                           const ftc_expr *sentinel)
{
    if (sentinel == NULL)
        return;
    ftc_loc at = sentinel->range.begin;
    if (at.file < 0 || (size_t)at.file >= tu->files.count || at.col == 0)
        return;
    const ftc_file *file = &tu->files.items[at.file];
    if (file->content == NULL || at.offset > file->content_len ||
        at.col - 1 > at.offset)
        return;
    const char *line = file->content + at.offset - (at.col - 1);
    for (const char *p = line; p < file->content + at.offset; p++)
        if (*p != ' ' && *p != '\t')
            return;
    char indent[64];
    size_t n = at.col - 1 < sizeof(indent) - 1 ? at.col - 1 : sizeof(indent) - 1;
    memcpy(indent, line, n);
    indent[n] = '\0';
    ftc_loc start = ftc_tu_loc_at(tu, at.file, at.offset - (at.col - 1));
    ftc_range ins = {start, start};
    char *text = ftc_arena_printf(rep->arena,
                                  "#if PY_VERSION_HEX >= 0x030D0000\n"
                                  "%s{Py_mod_gil, Py_MOD_GIL_NOT_USED},\n"
                                  "#endif\n",
                                  indent);
    if (text)
        ftc_finding_fixit(rep, f, ins, text);
}

/* Headers older than 3.13 have neither Py_mod_gil nor
 * PyUnstable_Module_SetGIL: say so, and how to guard the declaration. */
static const char *version_advice(const ftc_tu *tu, ftc_report *rep, int single_phase)
{
    uint32_t v = ftc_tu_python_version(tu);
    if (v == 0 || v >= FTC_PY_3_13)
        return "";
    char ver[16];
    const char *s = ftc_arena_printf(
        rep->arena,
        single_phase
            ? " (these are Python %s headers: PyUnstable_Module_SetGIL exists from "
              "3.13 on, in free-threaded builds, so call it under #ifdef Py_GIL_DISABLED)"
            : " (these are Python %s headers: the Py_mod_gil slot exists from 3.13 "
              "on, so guard the entry with #if PY_VERSION_HEX >= 0x030D0000)",
        ftc_capi_version_text(v, ver, sizeof(ver)));
    return s ? s : "";
}

static void report_missing(const ftc_tu *tu, ftc_report *rep,
                           const ftc_var *def, const ftc_var *table,
                           const ftc_func *init, const slot_scan *scan)
{
    const char *name = module_name(def, init ? init->name : NULL);
    const char *advice = version_advice(tu, rep, 0);
    ftc_finding *f;
    if (table) {
        f = ftc_report_add(rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN,
                           (ftc_range){table->name_loc, table->name_loc},
                           "module '%s' does not declare Py_mod_gil in slot "
                           "table '%s': importing it re-enables the GIL on "
                           "free-threaded Python%s",
                           name, table->name, advice);
        add_slot_fixit(tu, rep, f, scan ? scan->sentinel : NULL);
        ftc_finding_relate(rep, f, (ftc_range){def->name_loc, def->name_loc},
                           "module definition '%s' uses this slot table",
                           def->name);
    } else {
        f = ftc_report_add(rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN,
                           (ftc_range){def->name_loc, def->name_loc},
                           "module '%s' has no slot table, so it does not "
                           "declare Py_mod_gil: importing it re-enables the "
                           "GIL on free-threaded Python%s",
                           name, advice);
    }
    if (f && init)
        ftc_finding_relate(rep, f, (ftc_range){init->name_loc, init->name_loc},
                           "module '%s' is initialised here", name);
    ftc_finding_suggest(rep, f,
                        "once the module is safe without the GIL, add "
                        "{Py_mod_gil, Py_MOD_GIL_NOT_USED} to its slot table");
}

static void report_used(ftc_report *rep, const ftc_var *def,
                        const slot_scan *scan, const char *init_fn)
{
    ftc_finding *f = ftc_report_add(
        rep, RULE, FTC_LEVEL_NOTE, FTC_CERTAIN, scan->entry->range,
        "module '%s' declares that it needs the GIL (Py_MOD_GIL_USED): "
        "importing it re-enables the GIL on free-threaded Python",
        module_name(def, init_fn));
    ftc_finding_suggest(rep, f,
                        "switch to Py_MOD_GIL_NOT_USED once the module is "
                        "safe without the GIL");
}

static void check_def(const ftc_tu *tu, ftc_report *rep, const ftc_var *def,
                      const ftc_func *init, int multi_phase)
{
    const char *name = module_name(def, init ? init->name : NULL);
    slots_ref s = def_slots(tu, def);
    if (!s.present) {
        /* No slots: single-phase unless PyModuleDef_Init receives it. */
        if (multi_phase) {
            ftc_report_module(rep, name, "missing", def->name_loc);
            report_missing(tu, rep, def, NULL, init, NULL);
        }
        return;
    }
    if (s.table < 0) {
        /* slots we cannot follow: say nothing rather than guess */
        ftc_report_module(rep, name, "unknown", def->name_loc);
        return;
    }
    const ftc_var *table = &tu->globals.items[s.table];
    slot_scan scan = scan_slots(tu, table);
    static const char *const gil_names[] = {
        [GIL_MISSING] = "missing", [GIL_NOT_USED] = "declared-not-used",
        [GIL_USED] = "declares-used", [GIL_OTHER] = "unknown",
        [GIL_COMPILED_OUT] = "declared-not-used"};
    ftc_report_module(rep, name, gil_names[scan.decl], def->name_loc);
    switch (scan.decl) {
    case GIL_MISSING:
        report_missing(tu, rep, def, table, init, &scan);
        break;
    case GIL_USED:
        report_used(rep, def, &scan, init ? init->name : NULL);
        break;
    default:
        break;
    }
}

/* ---- helpers over function bodies ------------------------------------------ */

typedef struct call_find {
    const char *const *names;
    const ftc_expr *found[8];
    int n;
} call_find;

static int find_calls(const ftc_expr *e, void *ctx)
{
    call_find *c = ctx;
    if (e->kind != FTC_E_CALL || e->name == NULL)
        return 0;
    for (const char *const *n = c->names; *n; n++)
        if (strcmp(e->name, *n) == 0 && c->n < 8)
            c->found[c->n++] = e;
    return 0;
}

static void calls_in(const ftc_func *fn, const char *const *names, call_find *out)
{
    out->names = names;
    out->n = 0;
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t s = 0; s < fn->blocks[b].nstmts; s++)
            ftc_expr_walk(fn->blocks[b].stmts[s], find_calls, out);
}

static int32_t global_of(const ftc_tu *tu, const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    if (e && e->kind == FTC_E_ADDR_OF && e->nkids == 1)
        e = ftc_expr_strip(e->kids[0]);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_GLOBAL && e->ref_index >= 0 &&
                   (size_t)e->ref_index < tu->globals.count
               ? e->ref_index
               : -1;
}

static int is_module_def(const ftc_var *v)
{
    return ftc_capi_type_is(v->type, "PyModuleDef") ||
           ftc_capi_type_is(v->canonical_type, "PyModuleDef");
}

/* ---- framework markers --------------------------------------------------------- */

typedef enum framework {
    FW_NONE = 0,
    FW_CYTHON,
    FW_SWIG
} framework;

static framework generated_by(const ftc_tu *tu)
{
    const ftc_macro_def *m;
    if (((m = ftc_tu_macro(tu, "CYTHON_HEX_VERSION")) && m->defined) ||
        ((m = ftc_tu_macro(tu, "__Pyx_FREETHREADING_COMPATIBLE")) && m->defined))
        return FW_CYTHON;
    if ((m = ftc_tu_macro(tu, "SWIGPYTHON")) && m->defined)
        return FW_SWIG;
    return FW_NONE;
}

/* The module a generated file initialises: its PyInit_ function's name. */
static const char *generated_module(const ftc_tu *tu, ftc_loc *at)
{
    for (size_t i = 0; i < tu->functions.count; i++) {
        const char *name = ftc_capi_module_init_name(tu->functions.items[i].name);
        if (name && ftc_tu_is_project_file(tu, tu->functions.items[i].name_loc.file)) {
            *at = tu->functions.items[i].name_loc;
            return name;
        }
    }
    return NULL;
}

/* The .pyx a Cython-generated file names in its metadata block. */
static const char *cython_source(const ftc_tu *tu, ftc_report *rep)
{
    for (size_t i = 0; i < tu->files.count; i++) {
        const ftc_file *f = &tu->files.items[i];
        if (!f->is_main || f->content == NULL)
            continue;
        size_t scan = f->content_len < 8192 ? f->content_len : 8192;
        const char *key = NULL;
        for (size_t k = 0; k + 11 < scan && !key; k++)
            if (memcmp(f->content + k, "\"sources\": [", 12) == 0)
                key = f->content + k + 12;
        if (key == NULL)
            return NULL;
        const char *q1 = memchr(key, '"', (size_t)(f->content + scan - key));
        const char *q2 = q1 ? memchr(q1 + 1, '"', (size_t)(f->content + scan - q1 - 1)) : NULL;
        return q1 && q2 ? ftc_arena_strndup(rep->arena, q1 + 1, (size_t)(q2 - q1 - 1)) : NULL;
    }
    return NULL;
}

/* Cython 3.1+: __Pyx_FREETHREADING_COMPATIBLE is Py_MOD_GIL_USED unless the
 * freethreading_compatible directive is set. */
static void check_cython(const ftc_tu *tu, ftc_report *rep)
{
    const ftc_macro_def *m = ftc_tu_macro(tu, "__Pyx_FREETHREADING_COMPATIBLE");
    const ftc_macro_def *forced = ftc_tu_macro(tu, "CYTHON_FREETHREADING_COMPATIBLE");
    const char *pyx = cython_source(tu, rep);
    /* -DCYTHON_FREETHREADING_COMPATIBLE=0 (Cython 3.2.3+) overrides the
     * directive on purpose: a deliberate statement, like Py_MOD_GIL_USED. */
    if (forced && forced->defined && strcmp(forced->value, "0") == 0 && m && m->defined &&
        !strstr(m->value, "Py_MOD_GIL_NOT_USED")) {
        ftc_loc init_at = forced->loc;
        const char *module = generated_module(tu, &init_at);
        if (module)
            ftc_report_module(rep, module, "declares-used", init_at);
        ftc_finding *f = ftc_report_add(
            rep, RULE, FTC_LEVEL_NOTE, FTC_CERTAIN, (ftc_range){forced->loc, forced->loc},
            "Cython module%s%s declares that it needs the GIL "
            "(CYTHON_FREETHREADING_COMPATIBLE=0)", pyx ? " from " : "", pyx ? pyx : "");
        ftc_finding_suggest(rep, f, "drop CYTHON_FREETHREADING_COMPATIBLE=0 once the "
                            "module is safe without the GIL");
        return;
    }
    ftc_range at = {{-1, 0, 0, 0}, {-1, 0, 0, 0}};
    for (size_t i = 0; i < tu->files.count; i++)
        if (tu->files.items[i].is_main)
            at.begin = at.end = ftc_tu_loc_at(tu, (int32_t)i, 0);
    ftc_loc init_at = at.begin;
    const char *module = generated_module(tu, &init_at);
    if (m && m->defined && strstr(m->value, "Py_MOD_GIL_NOT_USED")) {
        if (module)
            ftc_report_module(rep, module, "declared-not-used", init_at);
        return;
    }
    if (module)
        ftc_report_module(rep, module, "missing", init_at);
    if (m && m->defined)
        at.begin = at.end = m->loc;
    ftc_finding *f = ftc_report_add(
        rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, at,
        "Cython module%s%s does not declare freethreading_compatible: importing it "
        "re-enables the GIL on free-threaded Python",
        pyx ? " from " : "", pyx ? pyx : "");
    ftc_finding_suggest(rep, f,
                        m && m->defined
                            ? "add '# cython: freethreading_compatible=True' to %s once "
                              "it is safe"
                            : "regenerate with Cython 3.1 or later and add '# cython: "
                              "freethreading_compatible=True' to %s once it is safe",
                        pyx ? pyx : "the .pyx file");
}

/* SWIG 4.4+: `swig -python -nogil` defines SWIGPYTHON_NOGIL. */
static void check_swig(const ftc_tu *tu, ftc_report *rep)
{
    const ftc_macro_def *nogil = ftc_tu_macro(tu, "SWIGPYTHON_NOGIL");
    const ftc_macro_def *version = ftc_tu_macro(tu, "SWIG_VERSION");
    const ftc_macro_def *swig = ftc_tu_macro(tu, "SWIGPYTHON");
    long long v = version && version->defined ? strtoll(version->value, NULL, 0) : 0;
    ftc_loc init_at = swig->loc;
    const char *module = generated_module(tu, &init_at);
    int declared = nogil && nogil->defined && !(v > 0 && v < 0x040400);
    if (module)
        ftc_report_module(rep, module, declared ? "declared-not-used" : "missing", init_at);
    /* Output of SWIG before 4.4 has no code that honours SWIGPYTHON_NOGIL. */
    if (nogil && nogil->defined && v > 0 && v < 0x040400) {
        ftc_finding *f = ftc_report_add(
            rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, (ftc_range){swig->loc, swig->loc},
            "SWIGPYTHON_NOGIL is defined, but this wrapper comes from SWIG %s, whose "
            "output ignores it: the module still re-enables the GIL",
            version->value);
        ftc_finding_suggest(rep, f, "regenerate it with 'swig -python -nogil' from SWIG "
                            "4.4 or later");
        return;
    }
    if (nogil && nogil->defined)
        return;
    ftc_finding *f = ftc_report_add(
        rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, (ftc_range){swig->loc, swig->loc},
        "SWIG module generated without -nogil: it does not declare that it can run "
        "without the GIL, and importing it re-enables the GIL on free-threaded Python");
    ftc_finding_suggest(rep, f, "generate it with 'swig -python -nogil' (SWIG 4.4 or "
                        "later) once the wrapped code is thread-safe");
}

/* PYBIND11_MODULE(name, m, py::mod_gil_not_used()) and NB_MODULE with the
 * FREE_THREADED build option (NB_FREE_THREADED). */
static void check_binding_macros(const ftc_tu *tu, ftc_report *rep)
{
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        const char *name = u->nargs ? u->args[0] : "?";
        int embedded = strcmp(u->name, "PYBIND11_EMBEDDED_MODULE") == 0;
        if (strcmp(u->name, "PYBIND11_MODULE") == 0 || embedded) {
            int not_used = 0, used = 0;
            for (uint32_t a = 2; a < u->nargs; a++) {
                if (strstr(u->args[a], "mod_gil_not_used") &&
                    !strstr(u->args[a], "mod_gil_not_used(false)"))
                    not_used = 1;
                else if (strstr(u->args[a], "mod_gil_used") ||
                         strstr(u->args[a], "mod_gil_not_used(false)"))
                    used = 1;
            }
            ftc_report_module(rep, name,
                              not_used ? "declared-not-used" : used ? "declares-used" : "missing",
                              u->range.begin);
            if (not_used)
                continue;
            ftc_finding *f = ftc_report_add(
                rep, RULE, used ? FTC_LEVEL_NOTE : FTC_LEVEL_WARNING,
                embedded ? FTC_LIKELY : FTC_CERTAIN, u->range,
                used ? "pybind11 module '%s' declares that it needs the GIL"
                     : "pybind11 module '%s' does not pass py::mod_gil_not_used(): "
                       "importing it re-enables the GIL on free-threaded Python",
                name);
            if (!used && u->range.end.file >= 0) {
                /* before the invocation's closing parenthesis; spelled in
                 * full, since a `py` alias may not be in scope */
                ftc_range close = {u->range.end, u->range.end};
                ftc_finding_fixit(rep, f, close, ", pybind11::mod_gil_not_used()");
            }
            ftc_finding_suggest(rep, f, "pass py::mod_gil_not_used() (pybind11 2.13 or "
                                "later) once the module is safe without the GIL");
        } else if (strcmp(u->name, "NB_MODULE") == 0) {
            const ftc_macro_def *ft = ftc_tu_macro(tu, "NB_FREE_THREADED");
            if (ft && ft->defined) {
                ftc_report_module(rep, name, "declared-not-used", u->range.begin);
                continue;
            }
            /* nanobind_add_module(... FREE_THREADED) defines NB_FREE_THREADED
             * only for a free-threaded interpreter: in a GIL build its absence
             * says nothing. */
            int ft_build = ftc_tu_gil_disabled(tu);
            ftc_report_module(rep, name, ft_build ? "missing" : "unknown", u->range.begin);
            ftc_finding *f = ftc_report_add(
                rep, RULE, ft_build ? FTC_LEVEL_WARNING : FTC_LEVEL_NOTE,
                ft_build ? FTC_CERTAIN : FTC_LIKELY, u->range,
                ft_build ? "nanobind module '%s' is built without FREE_THREADED: it does "
                           "not declare that it can run without the GIL, and importing it "
                           "re-enables the GIL"
                         : "nanobind module '%s': whether it declares free-threading "
                           "support shows only in a free-threaded build (FREE_THREADED)",
                name);
            ftc_finding_suggest(rep, f, "build it with nanobind_add_module(%s FREE_THREADED "
                                "...) (nanobind 2.2 or later), which defines "
                                "NB_FREE_THREADED", name);
        }
    }
}

/* Declarations a framework macro writes at its invocation (pybind11 and
 * nanobind define PyInit_ and a module definition there): the framework
 * check speaks for them. */
static int written_by_binding_macro(const ftc_tu *tu, ftc_loc loc)
{
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        if ((strcmp(u->name, "PYBIND11_MODULE") == 0 ||
             strcmp(u->name, "PYBIND11_EMBEDDED_MODULE") == 0 ||
             strcmp(u->name, "NB_MODULE") == 0) &&
            u->range.begin.file == loc.file && loc.offset >= u->range.begin.offset &&
            loc.offset <= u->range.end.offset + 1)
            return 1;
    }
    return 0;
}

/* ---- single-phase init: PyModule_Create + PyUnstable_Module_SetGIL ------------- */

static const char *const creators[] = {"PyModule_Create", "PyModule_Create2",
                                       "PyModule_FromDefAndSpec", "PyModule_FromDefAndSpec2",
                                       NULL};
static const char *const set_gil[] = {"PyUnstable_Module_SetGIL", NULL};

/* The local a creation call's result goes to, found in its statement. */
typedef struct dest_find {
    const ftc_expr *call;
    int32_t local;
    const ftc_expr *stmt;
} dest_find;

static int find_dest(const ftc_expr *e, void *ctx)
{
    dest_find *d = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_expr_strip(e->kids[1]) == d->call) {
        const ftc_expr *lhs = ftc_expr_strip(e->kids[0]);
        if (lhs && lhs->kind == FTC_E_REF && lhs->ref == FTC_REF_LOCAL)
            d->local = lhs->ref_index;
    } else if (e->kind == FTC_E_DECL && e->nkids == 1 && ftc_expr_strip(e->kids[0]) == d->call &&
               e->ref == FTC_REF_LOCAL) {
        d->local = e->ref_index;
    }
    return 0;
}

static void module_local(const ftc_func *fn, const ftc_expr *create, dest_find *d)
{
    d->call = create;
    d->local = -1;
    d->stmt = NULL;
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t s = 0; s < fn->blocks[b].nstmts; s++) {
            int32_t before = d->local;
            ftc_expr_walk(fn->blocks[b].stmts[s], find_dest, d);
            if (d->local != before && d->stmt == NULL)
                d->stmt = fn->blocks[b].stmts[s];
        }
}

/* The guarded call on its own lines after the statement that creates the
 * module; NULL-safe wherever it lands. */
static void add_setgil_fixit(const ftc_tu *tu, ftc_report *rep, ftc_finding *f,
                             const dest_find *d, const char *var)
{
    if (d->stmt == NULL || var == NULL)
        return;
    ftc_range r = ftc_tu_char_range(tu, d->stmt->range);
    if (r.begin.file < 0 || (size_t)r.begin.file >= tu->files.count)
        return;
    const ftc_file *file = &tu->files.items[r.begin.file];
    if (file->content == NULL || r.end.offset >= file->content_len)
        return;
    size_t eol = r.end.offset;
    while (eol < file->content_len && file->content[eol] != '\n')
        eol++;
    if (eol >= file->content_len)
        return;
    const char *line = file->content + r.begin.offset - (r.begin.col - 1);
    size_t indent = 0;
    while (indent < r.begin.col - 1 && (line[indent] == ' ' || line[indent] == '\t'))
        indent++;
    ftc_loc at = ftc_tu_loc_at(tu, r.begin.file, (uint32_t)eol + 1);
    char *text = ftc_arena_printf(rep->arena,
                                  "#ifdef Py_GIL_DISABLED\n%.*sif (%s != NULL)\n"
                                  "%.*s    PyUnstable_Module_SetGIL(%s, Py_MOD_GIL_NOT_USED);\n"
                                  "#endif\n",
                                  (int)indent, line, var, (int)indent, line, var);
    if (text)
        ftc_finding_fixit(rep, f, (ftc_range){at, at}, text);
}

static void check_single_phase(const ftc_tu *tu, ftc_report *rep, const ftc_func *fn,
                               const ftc_expr *create)
{
    call_find sets;
    calls_in(fn, set_gil, &sets);
    dest_find d;
    module_local(fn, create, &d);
    int32_t def = create->nkids ? global_of(tu, create->kids[0]) : -1;
    const char *name = ftc_capi_module_init_name(fn->name);
    if (def >= 0)
        name = module_name(&tu->globals.items[def], fn->name);
    for (int i = 0; i < sets.n; i++) {
        const ftc_expr *c = sets.found[i];
        const ftc_expr *target = c->nkids ? ftc_expr_strip(c->kids[0]) : NULL;
        if (d.local >= 0 && !(target && target->kind == FTC_E_REF &&
                              target->ref == FTC_REF_LOCAL && target->ref_index == d.local)) {
            ftc_report_module(rep, name, "missing", fn->name_loc);
            ftc_finding *f = ftc_report_add(
                rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, c->range,
                "PyUnstable_Module_SetGIL is called on something other than the module "
                "'%s' creates: it does not declare module '%s'", fn->name, name);
            ftc_finding_suggest(rep, f, "pass the module PyModule_Create returned");
            return;
        }
        int used = c->nkids >= 2 && ftc_expr_has_macro(c->kids[1], "Py_MOD_GIL_USED");
        ftc_report_module(rep, name, used ? "declares-used" : "declared-not-used",
                          fn->name_loc);
        if (used) {
            ftc_finding *f = ftc_report_add(rep, RULE, FTC_LEVEL_NOTE, FTC_CERTAIN, c->range,
                                            "module '%s' declares that it needs the GIL "
                                            "(Py_MOD_GIL_USED)", name);
            ftc_finding_suggest(rep, f, "switch to Py_MOD_GIL_NOT_USED once the module is "
                                "safe without the GIL");
        }
        return;   /* declared */
    }
    if (compiled_out_word(tu, fn->range, "PyUnstable_Module_SetGIL")) {
        /* declared under #ifdef Py_GIL_DISABLED */
        ftc_report_module(rep, name, "declared-not-used", fn->name_loc);
        return;
    }
    ftc_report_module(rep, name, "missing", fn->name_loc);
    ftc_finding *f = ftc_report_add(
        rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, create->range,
        "single-phase module '%s' never calls PyUnstable_Module_SetGIL(m, "
        "Py_MOD_GIL_NOT_USED): importing it re-enables the GIL on free-threaded Python%s",
        name, version_advice(tu, rep, 1));
    ftc_finding_relate(rep, f, (ftc_range){fn->name_loc, fn->name_loc},
                       "module '%s' is initialised here", name);
    const char *var = NULL;
    if (d.local >= 0 && d.stmt) {
        const ftc_expr *st = d.stmt;
        if (st->kind == FTC_E_DECL)
            var = st->name;
        else if (st->kind == FTC_E_ASSIGN && st->nkids == 2 && st->kids[0]->name)
            var = ftc_expr_strip(st->kids[0])->name;
    }
    add_setgil_fixit(tu, rep, f, &d, var);
    ftc_finding_suggest(rep, f, "once the module is safe without the GIL, call "
                        "PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) under #ifdef "
                        "Py_GIL_DISABLED right after creating it");
}

/* SetGIL in a Py_mod_exec function: the import machinery decided before
 * exec functions run, so it has no effect. */
static void report_exec_setgil(const ftc_var *table, int32_t fn, void *ctx)
{
    const ftc_tu *tu = ((void **)ctx)[0];
    ftc_report *rep = ((void **)ctx)[1];
    const ftc_func *ex = &tu->functions.items[fn];
    call_find sets;
    calls_in(ex, set_gil, &sets);
    for (int c = 0; c < sets.n; c++) {
        ftc_finding *f = ftc_report_add(
            rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, sets.found[c]->range,
            "PyUnstable_Module_SetGIL in the Py_mod_exec function '%s' has no "
            "effect: the GIL was already re-enabled before exec functions run",
            ex->name);
        ftc_finding_suggest(rep, f, "declare it with {Py_mod_gil, Py_MOD_GIL_NOT_USED} "
                            "in the slot table '%s' instead", table->name);
    }
}

static void check_exec_functions(const ftc_tu *tu, ftc_report *rep)
{
    void *ctx[2] = {(void *)tu, rep};
    ftc_capi_for_each_exec_slot(tu, report_exec_setgil, ctx);
}

/* ---- 3.15: PyModExport_<name> returning a PySlot array ------------------------ */

static int has_mod_gil(const ftc_expr *e, void *ctx)
{
    (void)ctx;
    return ftc_expr_has_macro(e, "Py_mod_gil");
}

static int returns_global(const ftc_expr *e, void *ctx)
{
    int32_t *out = ((int32_t **)ctx)[0];
    const ftc_tu *tu = ((const ftc_tu **)ctx)[1];
    if (e->kind == FTC_E_RETURN && e->nkids == 1) {
        const ftc_expr *v = ftc_expr_strip(e->kids[0]);
        if (v && v->kind == FTC_E_REF && v->ref == FTC_REF_GLOBAL)
            *out = v->ref_index;
        else
            *out = global_of(tu, v);
    }
    return 0;
}

static void check_export_hook(const ftc_tu *tu, ftc_report *rep, const ftc_func *fn)
{
    int32_t table = -1;
    void *ctx[2] = {&table, (void *)tu};
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t s = 0; s < fn->blocks[b].nstmts; s++)
            ftc_expr_walk(fn->blocks[b].stmts[s], returns_global, ctx);
    if (table < 0 || (size_t)table >= tu->globals.count)
        return;
    const ftc_var *v = &tu->globals.items[table];
    const char *name = ftc_capi_module_init_name(fn->name);
    if (ftc_expr_walk(v->init, has_mod_gil, NULL) || compiled_out_word(tu, v->range, "Py_mod_gil")) {
        ftc_report_module(rep, name, "declared-not-used", fn->name_loc);
        return;
    }
    ftc_report_module(rep, name, "missing", fn->name_loc);
    ftc_finding *f = ftc_report_add(
        rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, (ftc_range){v->name_loc, v->name_loc},
        "module '%s' does not declare Py_mod_gil in the slots '%s' that %s returns: "
        "importing it re-enables the GIL on free-threaded Python",
        name, v->name, fn->name);
    ftc_finding_suggest(rep, f, "add PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED) to '%s' "
                        "once the module is safe without the GIL", v->name);
}

/* ---- the check ------------------------------------------------------------------ */

/* The module definitions PyModuleDef_Init receives in a function. */
typedef struct init_calls {
    const ftc_tu *tu;
    int32_t defs[16];
    int ndefs;
} init_calls;

static int find_def_init(const ftc_expr *e, void *ctx)
{
    init_calls *c = ctx;
    if (e->kind != FTC_E_CALL || e->name == NULL || e->nkids != 1 ||
        strcmp(e->name, "PyModuleDef_Init") != 0)
        return 0;
    int32_t g = global_of(c->tu, e->kids[0]);
    if (g >= 0 && c->ndefs < (int)(sizeof(c->defs) / sizeof(c->defs[0])))
        c->defs[c->ndefs++] = g;
    return 0;
}

static void run(const ftc_tu *tu, ftc_report *rep)
{
    /* Generated code speaks through its generator's switch. */
    framework fw = generated_by(tu);
    if (fw == FW_CYTHON) {
        check_cython(tu, rep);
        return;
    }
    if (fw == FW_SWIG) {
        check_swig(tu, rep);
        return;
    }
    check_binding_macros(tu, rep);
    check_exec_functions(tu, rep);

    unsigned char *checked = ftc_arena_alloc(rep->arena, tu->globals.count + 1);
    if (checked == NULL)
        return;
    /* Modules whose PyInit_<name> (or 3.15 PyModExport_<name>) is here. */
    for (size_t i = 0; i < tu->functions.count; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (!ftc_capi_module_init_name(fn->name) ||
            !ftc_tu_is_project_file(tu, fn->name_loc.file) ||
            written_by_binding_macro(tu, fn->name_loc))
            continue;
        if (strncmp(fn->name, "PyModExport_", 12) == 0) {
            check_export_hook(tu, rep, fn);
            continue;
        }
        init_calls c = {tu, {0}, 0};
        for (uint32_t b = 0; b < fn->nblocks; b++)
            for (uint32_t s = 0; s < fn->blocks[b].nstmts; s++)
                ftc_expr_walk(fn->blocks[b].stmts[s], find_def_init, &c);
        for (int d = 0; d < c.ndefs; d++) {
            const ftc_var *def = &tu->globals.items[c.defs[d]];
            if (checked[c.defs[d]] || !is_module_def(def) ||
                !ftc_tu_is_project_file(tu, def->name_loc.file))
                continue;
            checked[c.defs[d]] = 1;
            check_def(tu, rep, def, fn, 1);
        }
        if (c.ndefs == 0) {
            call_find creates;
            calls_in(fn, creators, &creates);
            if (creates.n > 0) {
                int32_t g = creates.found[0]->nkids ? global_of(tu, creates.found[0]->kids[0]) : -1;
                if (g >= 0)
                    checked[g] = 1;
                check_single_phase(tu, rep, fn, creates.found[0]);
            }
        }
    }
    /* Slot tables of module definitions initialised in another TU. */
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *def = &tu->globals.items[i];
        if (checked[i] || !is_module_def(def) || def->init == NULL ||
            !ftc_tu_is_project_file(tu, def->name_loc.file) ||
            written_by_binding_macro(tu, def->name_loc))
            continue;
        checked[i] = 1;
        check_def(tu, rep, def, NULL, 0);
    }
}

static const char *const watched[] = {
    "PYBIND11_MODULE", "PYBIND11_EMBEDDED_MODULE", "NB_MODULE", "NB_FREE_THREADED",
    "__Pyx_FREETHREADING_COMPATIBLE", "CYTHON_FREETHREADING_COMPATIBLE",
    "CYTHON_HEX_VERSION", "SWIGPYTHON", "SWIGPYTHON_NOGIL", "SWIG_VERSION", NULL};

static const char *const tags[] = {"free-threading", "module-declaration",
                                   "correctness", NULL};

const ftc_check ftc_check_missing_mod_gil = {
    .id = RULE,
    .name = "MissingModGil",
    .short_description =
        "Extension module does not declare that it can run without the GIL",
    .full_description =
        "On free-threaded CPython (3.13t and later), importing an extension "
        "module that does not declare Py_mod_gil = Py_MOD_GIL_NOT_USED (or "
        "call PyUnstable_Module_SetGIL for single-phase init) re-enables the "
        "GIL for the whole process and prints a RuntimeWarning.",
    .help_text =
        "Add {Py_mod_gil, Py_MOD_GIL_NOT_USED} to the module's "
        "PyModuleDef_Slot table (guarded by #if PY_VERSION_HEX >= 0x030D0000) "
        "once the module is safe to run without the GIL.",
    .help_markdown = ftc_doc_missing_mod_gil,
    .default_level = FTC_LEVEL_WARNING,
    .precision = FTC_PRECISION_VERY_HIGH,
    .tags = tags,
    .needs = FTC_NEED_GLOBALS | FTC_NEED_MODULE_INIT | FTC_NEED_SKIPPED | FTC_NEED_MACROS,
    .watched_macros = watched,
    .run = run,
};
