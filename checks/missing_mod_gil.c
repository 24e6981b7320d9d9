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

/* Is a Py_mod_gil entry inside the table's text but compiled out? */
static int compiled_out_in(const ftc_tu *tu, ftc_range where)
{
    for (size_t i = 0; i < tu->skipped.count; i++) {
        const ftc_skipped *s = &tu->skipped.items[i];
        if (s->range.begin.file != where.begin.file ||
            s->range.end.offset < where.begin.offset ||
            s->range.begin.offset > where.end.offset)
            continue;
        size_t len;
        const char *text = ftc_tu_skipped_text(tu, s, &len);
        if (ftc_text_has_word(text, len, "Py_mod_gil"))
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
    if (compiled_out_in(tu, table->range))
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

/* Headers older than 3.13 have no Py_mod_gil: say so, and how to guard. */
static const char *version_advice(const ftc_tu *tu, ftc_report *rep)
{
    uint32_t v = ftc_tu_python_version(tu);
    if (v == 0 || v >= FTC_PY_3_13)
        return "";
    char ver[16];
    const char *s = ftc_arena_printf(
        rep->arena,
        " (these are Python %s headers: the Py_mod_gil slot exists from 3.13 "
        "on, so guard the entry with #if PY_VERSION_HEX >= 0x030D0000)",
        ftc_capi_version_text(v, ver, sizeof(ver)));
    return s ? s : "";
}

static void report_missing(const ftc_tu *tu, ftc_report *rep,
                           const ftc_var *def, const ftc_var *table,
                           const ftc_func *init, const slot_scan *scan)
{
    const char *name = module_name(def, init ? init->name : NULL);
    const char *advice = version_advice(tu, rep);
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
    slots_ref s = def_slots(tu, def);
    if (!s.present) {
        /* No slots: single-phase unless PyModuleDef_Init receives it. */
        if (multi_phase)
            report_missing(tu, rep, def, NULL, init, NULL);
        return;
    }
    if (s.table < 0)
        return;   /* slots we cannot follow: say nothing rather than guess */
    const ftc_var *table = &tu->globals.items[s.table];
    slot_scan scan = scan_slots(tu, table);
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
    const ftc_expr *a = ftc_expr_strip(e->kids[0]);
    if (a && a->kind == FTC_E_ADDR_OF && a->nkids == 1)
        a = ftc_expr_strip(a->kids[0]);
    if (a && a->kind == FTC_E_REF && a->ref == FTC_REF_GLOBAL &&
        a->ref_index >= 0 && (size_t)a->ref_index < c->tu->globals.count &&
        c->ndefs < (int)(sizeof(c->defs) / sizeof(c->defs[0])))
        c->defs[c->ndefs++] = a->ref_index;
    return 0;
}

static int is_module_def(const ftc_var *v)
{
    return ftc_capi_type_is(v->type, "PyModuleDef") ||
           ftc_capi_type_is(v->canonical_type, "PyModuleDef");
}

static void run(const ftc_tu *tu, ftc_report *rep)
{
    unsigned char *checked = ftc_arena_alloc(rep->arena, tu->globals.count + 1);
    if (checked == NULL)
        return;
    /* Modules whose PyInit_<name> is in this TU. */
    for (size_t i = 0; i < tu->functions.count; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (!ftc_capi_module_init_name(fn->name) ||
            !ftc_tu_is_project_file(tu, fn->name_loc.file))
            continue;
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
    }
    /* Slot tables of module definitions initialised in another TU. */
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *def = &tu->globals.items[i];
        if (checked[i] || !is_module_def(def) || def->init == NULL ||
            !ftc_tu_is_project_file(tu, def->name_loc.file))
            continue;
        checked[i] = 1;
        check_def(tu, rep, def, NULL, 0);
    }
}

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
    .needs = FTC_NEED_GLOBALS | FTC_NEED_MODULE_INIT | FTC_NEED_SKIPPED,
    .watched_macros = NULL,
    .run = run,
};
