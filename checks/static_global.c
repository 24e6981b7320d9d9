/* static_global.c - mutable static state written where threads can race.
 *
 * Extensions keep caches, flags and settings in C statics that the GIL
 * used to serialise. Without it `if (cache == NULL) cache = make();` races,
 * an `initialized` flag is check-then-act, and a setting written from a
 * method tears. Reported: each unsynchronised write, one finding per
 * variable and writing function. Not reported: const, atomic and
 * thread-local variables, lock objects, writes during module
 * initialisation, writes under a lock or critical section, and variables
 * nobody writes after their initializer.
 */
#include <stdlib.h>
#include <string.h>

#include "callgraph.h"
#include "capi.h"
#include "gil_only.h"
#include "docs.h"
#include "ftc_check.h"
#include "regions.h"

#define RULE "static-global"

typedef enum write_kind {
    WRITE_ASSIGN,        /* g = v, g.f = v, g[i] = v */
    WRITE_UPDATE,        /* g += v, g++ */
    WRITE_THROUGH_CALL,  /* PyArg_ParseTuple(..., &g), memset(&g, ...) */
    WRITE_TYPE_READY     /* PyType_Ready(&StaticType) */
} write_kind;

typedef struct write_site {
    const ftc_expr *node;
    write_kind kind;
    const char *callee;        /* for WRITE_THROUGH_CALL */
    int through_pointer;       /* g->f = v: the pointee, reached from g */
} write_site;

typedef struct sg_ctx {
    const ftc_tu *tu;
    ftc_report *rep;
    unsigned char *demoted;    /* per function: probably init code of another
                                  file; its writes are notes */
    unsigned char *skip_var;   /* never reported (const, atomic, locks, ...) */
    unsigned char *init_only;  /* per function */
    unsigned char *reachable;  /* per function: Python can call it */
    unsigned char *once;       /* per function: run through pthread_once */
} sg_ctx;

/* ---- which variables can race at all ------------------------------------- */

static int var_can_race(const ftc_tu *tu, const ftc_var *v)
{
    if (!ftc_tu_is_project_file(tu, v->name_loc.file))
        return 0;
    if (v->flags & (FTC_VAR_CONST | FTC_VAR_ATOMIC | FTC_VAR_THREAD_LOCAL | FTC_VAR_GUARDED))
        return 0;    /* guarded_by: Clang's -Wthread-safety checks its writes */
    /* Declared so only in GIL builds: the free-threaded build declares it
     * another way (thread_local, atomic) or not at all. */
    if (ftc_gil_only_at(tu, v->name_loc))
        return 0;
    return !ftc_capi_is_lock_type(v->canonical_type) && !ftc_capi_is_lock_type(v->type);
}

/* The global an lvalue belongs to: g, g.f, g[i] (array), and through a
 * pointer kept in a global (g->f, *g, g[i] on a pointer). */
static int32_t lvalue_global(const ftc_tu *tu, const ftc_expr *e, int *through)
{
    *through = 0;
    for (e = ftc_expr_strip(e); e; ) {
        if (e->kind == FTC_E_REF)
            return e->ref == FTC_REF_GLOBAL && e->ref_index >= 0 &&
                   (size_t)e->ref_index < tu->globals.count ? e->ref_index : -1;
        if (e->kind == FTC_E_MEMBER && e->nkids == 1) {
            if (e->value)          /* '->' */
                *through = 1;
            e = ftc_expr_strip(e->kids[0]);
        } else if (e->kind == FTC_E_SUBSCRIPT && e->nkids == 2) {
            const ftc_expr *base = ftc_expr_strip(e->kids[0]);
            if (base && base->kind == FTC_E_REF && base->ref == FTC_REF_GLOBAL &&
                base->ref_index >= 0 && (size_t)base->ref_index < tu->globals.count &&
                !(tu->globals.items[base->ref_index].flags & FTC_VAR_ARRAY))
                *through = 1;
            e = base;
        } else if (e->kind == FTC_E_DEREF && e->nkids == 1) {
            *through = 1;
            e = ftc_expr_strip(e->kids[0]);
        } else {
            return -1;
        }
    }
    return -1;
}

/* &g (or an array g decaying to a pointer) passed as an argument. */
static int32_t address_of_global(const ftc_tu *tu, const ftc_expr *arg)
{
    arg = ftc_expr_strip(arg);
    if (arg && arg->kind == FTC_E_ADDR_OF && arg->nkids == 1) {
        int through;
        int32_t g = lvalue_global(tu, arg->kids[0], &through);
        return through ? -1 : g;
    }
    if (arg && arg->kind == FTC_E_REF && arg->ref == FTC_REF_GLOBAL && arg->ref_index >= 0 &&
        (size_t)arg->ref_index < tu->globals.count &&
        (tu->globals.items[arg->ref_index].flags & FTC_VAR_ARRAY))
        return arg->ref_index;
    return -1;
}

/* ---- finding writes in one function ---------------------------------------- */

typedef struct fn_writes {
    sg_ctx *sg;
    const ftc_region *regions;
    int nregions;
    write_site *first;         /* per global: the first write, node NULL if none */
} fn_writes;

static void note_write(fn_writes *w, int32_t g, const ftc_expr *node, write_kind kind,
                       const char *callee, int through)
{
    if (g < 0 || w->sg->skip_var[g] || w->first[g].node)
        return;
    if (ftc_region_at(w->regions, w->nregions, node->range.begin.offset, NULL))
        return;    /* under a lock or a critical section */
    if (ftc_gil_only_at(w->sg->tu, node->range.begin))
        return;    /* never compiled without the GIL */
    w->first[g] = (write_site){node, kind, callee, through};
}

/* PyArg_ParseTuple(args, "O!O", &Type, &obj, &other): the format string is
 * the last string literal before the outputs (the keyword list comes
 * between them in PyArg_ParseTupleAndKeywords). */
static int parse_format_outputs(const ftc_expr *call, unsigned first, unsigned char *out,
                                unsigned n)
{
    const ftc_expr *fmt = NULL;
    for (unsigned i = first; i-- > 0 && fmt == NULL;) {
        const ftc_expr *k = i < call->nkids ? ftc_expr_strip(call->kids[i]) : NULL;
        if (k && k->kind == FTC_E_STRING)
            fmt = k;
    }
    if (fmt == NULL || fmt->name == NULL)
        return 0;
    memset(out, 0, n);
    return ftc_capi_parse_outputs(fmt->name, first, out, n);
}

static int find_writes(const ftc_expr *e, void *ctx)
{
    fn_writes *w = ctx;
    const ftc_tu *tu = w->sg->tu;
    int through;
    if ((e->kind == FTC_E_ASSIGN || e->kind == FTC_E_COMPOUND_ASSIGN ||
         e->kind == FTC_E_INCDEC) && e->nkids >= 1) {
        int32_t g = lvalue_global(tu, e->kids[0], &through);
        note_write(w, g, e, e->kind == FTC_E_ASSIGN ? WRITE_ASSIGN : WRITE_UPDATE, NULL,
                   through);
    } else if (e->kind == FTC_E_CALL && e->name) {
        int first_out = ftc_capi_writes_through_args(e->name);
        unsigned char outputs[64];
        int by_format = first_out >= 2 && parse_format_outputs(e, (unsigned)first_out,
                                                                outputs, sizeof(outputs));
        for (uint32_t i = 0; first_out >= 0 && i < e->nkids; i++) {
            if ((int)i < first_out || (by_format && (i >= sizeof(outputs) || !outputs[i])))
                continue;
            int32_t g = address_of_global(tu, e->kids[i]);
            /* A type object is an input ("O!"), never a parse output. */
            if (g >= 0 && first_out >= 2 &&
                ftc_capi_type_is(tu->globals.items[g].canonical_type, "PyTypeObject"))
                continue;
            if (g >= 0)
                note_write(w, g, e,
                           strcmp(e->name, "PyType_Ready") == 0 ? WRITE_TYPE_READY
                                                                : WRITE_THROUGH_CALL,
                           e->name, 0);
        }
    }
    return 0;
}

/* ---- patterns -------------------------------------------------------------------- */

typedef struct test_search {
    int32_t global;
    uint32_t before;           /* offset of the write */
    int tested;                /* compared, negated or used as a condition */
} test_search;

static int is_ref_to_global(const ftc_expr *e, int32_t g)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_GLOBAL && e->ref_index == g;
}

static int find_test(const ftc_expr *e, void *ctx)
{
    test_search *s = ctx;
    if (e->range.begin.offset >= s->before)
        return 0;
    if ((e->kind == FTC_E_COMPARE || e->kind == FTC_E_LOGICAL) && e->nkids >= 1)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (is_ref_to_global(e->kids[i], s->global))
                return s->tested = 1;
    return 0;
}

/* Is the variable tested (compared, negated, a condition) before the
 * write in this function? The read-test-write of lazy caches and flags. */
static int tested_before(const ftc_func *fn, int32_t g, uint32_t offset)
{
    test_search s = {g, offset, 0};
    for (uint32_t b = 0; b < fn->nblocks && !s.tested; b++) {
        const ftc_block *blk = &fn->blocks[b];
        for (uint32_t k = 0; k < blk->nstmts && !s.tested; k++) {
            const ftc_expr *st = blk->stmts[k];
            if (blk->last_is_condition && k + 1 == blk->nstmts &&
                is_ref_to_global(st, g) && st->range.begin.offset < offset)
                s.tested = 1;            /* if (cache) ... */
            else
                ftc_expr_walk(st, find_test, &s);
        }
    }
    return s.tested;
}

/* For each global, the first reads in two different functions run after
 * initialisation: one pass over the TU, so a finding can show a read in
 * another function than the writer's. */
typedef struct reader {
    int32_t fn;
    const ftc_expr *node;
} reader;

typedef struct read_scan {
    const ftc_tu *tu;
    int32_t fn;
    reader (*readers)[2];
} read_scan;

static int note_read(const ftc_expr *e, void *ctx)
{
    read_scan *s = ctx;
    if (e->kind != FTC_E_REF || e->ref != FTC_REF_GLOBAL || e->ref_index < 0 ||
        (size_t)e->ref_index >= s->tu->globals.count)
        return 0;
    reader *r = s->readers[e->ref_index];
    for (int k = 0; k < 2; k++) {
        if (r[k].node && r[k].fn == s->fn)
            return 0;
        if (r[k].node == NULL) {
            r[k] = (reader){s->fn, e};
            return 0;
        }
    }
    return 0;
}

static void find_readers(const sg_ctx *sg, reader (*readers)[2])
{
    read_scan s = {sg->tu, -1, readers};
    for (size_t i = 0; i < sg->tu->functions.count; i++) {
        const ftc_func *fn = &sg->tu->functions.items[i];
        if (sg->init_only[i] || !ftc_tu_is_project_file(sg->tu, fn->name_loc.file))
            continue;
        s.fn = (int32_t)i;
        ftc_func_walk(fn, note_read, &s);
    }
}

static int is_pyobject_pointer(const ftc_var *v)
{
    return (v->flags & FTC_VAR_POINTER) && v->canonical_type &&
           (strstr(v->canonical_type, "PyObject") || strstr(v->canonical_type, "_object"));
}

static void report_write(sg_ctx *sg, size_t fi, int32_t g, const write_site *w,
                         const reader *readers)
{
    const ftc_tu *tu = sg->tu;
    const ftc_func *fn = &tu->functions.items[fi];
    const ftc_var *v = &tu->globals.items[g];
    ftc_confidence conf = sg->reachable[fi] && !w->through_pointer ? FTC_CERTAIN : FTC_LIKELY;
    /* Probably init code of another file (Constraint::Ready,
     * InitializeDecimal, typecast_init): counted by audits at note level,
     * quiet in builds. */
    ftc_level level = sg->demoted[fi] ? FTC_LEVEL_NOTE : FTC_LEVEL_WARNING;
    ftc_report *rep = sg->rep;
    ftc_finding *f;
    int tested = tested_before(fn, g, w->node->range.begin.offset);
    const char *name = v->name;
    if (w->kind == WRITE_TYPE_READY) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "static type '%s' is readied in '%s', outside module "
                           "initialisation: two threads can run PyType_Ready on it at once",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "call PyType_Ready in the module's exec function "
                            "(Py_mod_exec), or make it a heap type with PyType_FromModuleAndSpec");
    } else if (w->kind == WRITE_THROUGH_CALL) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "'%s' writes static '%s' in '%s' without synchronisation: "
                           "threads calling it at once race on it",
                           w->callee, name, fn->name);
        ftc_finding_suggest(rep, f, "write into a local variable (or module state) "
                            "instead, or hold a PyMutex around the call");
    } else if (is_pyobject_pointer(v) && tested && w->kind == WRITE_ASSIGN &&
               !w->through_pointer) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "lazily initialised cache '%s' is tested and set in '%s' "
                           "without synchronisation: two threads can both see it unset "
                           "and both store, leaking or freeing an object another reads",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "create it once in module initialisation "
                            "(Py_mod_exec) and keep it in module state; or guard the "
                            "test and the store with one PyMutex");
    } else if (!(v->flags & FTC_VAR_POINTER) && tested && w->kind == WRITE_ASSIGN &&
               !w->through_pointer) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "check-then-act on flag '%s' in '%s': two threads can both "
                           "see the old value and both act before either sets it",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "do the work once in module initialisation; or hold "
                            "a PyMutex across the test and the set (pthread_once / "
                            "std::call_once for pure C work)");
    } else if (w->kind == WRITE_UPDATE) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "counter '%s' is updated in '%s' without synchronisation: "
                           "concurrent updates are lost",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "make it _Atomic (C11) or std::atomic and update "
                            "it with atomic_fetch_add; or keep it in module state "
                            "behind a PyMutex");
    } else if (is_pyobject_pointer(v) && !w->through_pointer) {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "static object '%s' is replaced in '%s' without "
                           "synchronisation: a reader can hold a borrowed copy this "
                           "write frees",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "keep it in module state and replace it under a "
                            "PyMutex (readers take a strong reference under the same lock)");
    } else {
        f = ftc_report_add(rep, RULE, level, conf, w->node->range,
                           "runtime setting '%s' is written in '%s' without "
                           "synchronisation: threads reading it can see a torn or stale value",
                           name, fn->name);
        ftc_finding_suggest(rep, f, "keep it in module state, make it _Atomic, or "
                            "thread_local if each thread has its own");
    }
    if (f == NULL)
        return;
    f->function = fn->name;
    ftc_finding_relate(rep, f, (ftc_range){v->name_loc, v->name_loc},
                       "'%s' is declared here", name);
    for (int k = 0; k < 2; k++)
        if (readers[k].node && (size_t)readers[k].fn != fi) {
            ftc_finding_relate(rep, f, readers[k].node->range, "read here, in '%s'",
                               tu->functions.items[readers[k].fn].name);
            break;
        }
}

/* C++: a function-local static initialised by calling into Python. The
 * thread that waits on its guard keeps its thread state attached:
 * deadlock with the GIL or the stop-the-world GC (pybind11's warning). */
static int calls_python(const ftc_expr *e, void *ctx)
{
    const ftc_tu *tu = ctx;
    if (e->kind != FTC_E_CALL || e->decl_file < 0 || (size_t)e->decl_file >= tu->files.count)
        return 0;
    const ftc_file *f = &tu->files.items[e->decl_file];
    return f->kind == FTC_FILE_PYTHON || f->kind == FTC_FILE_PYTHON_ENTRY ||
           strstr(f->path, "/pybind11/") != NULL || strstr(f->path, "/nanobind/") != NULL;
}

static void check_local_static_init(sg_ctx *sg, const ftc_var *v)
{
    if (!sg->tu->is_cplusplus || !(v->flags & FTC_VAR_LOCAL_STATIC) || v->init == NULL ||
        !ftc_expr_walk(v->init, calls_python, (void *)sg->tu))
        return;
    ftc_finding *f = ftc_report_add(
        sg->rep, RULE, FTC_LEVEL_WARNING, FTC_CERTAIN, (ftc_range){v->name_loc, v->name_loc},
        "function-local static '%s' is initialised by calling into Python: a thread "
        "waiting for that initialisation keeps its thread state attached and can "
        "deadlock with the GIL or the garbage collector",
        v->name);
    ftc_finding_suggest(sg->rep, f, "use pybind11's gil_safe_call_once_and_store, or "
                        "create the object in module initialisation");
}

/* Functions run through pthread_once/std::call_once are one-time work. */
static int find_once(const ftc_expr *e, void *ctx)
{
    sg_ctx *sg = ctx;
    if (e->kind != FTC_E_CALL || e->name == NULL ||
        (strcmp(e->name, "pthread_once") != 0 && strcmp(e->name, "call_once") != 0))
        return 0;
    for (uint32_t i = 1; i < e->nkids; i++) {
        int32_t f = ftc_capi_function_named_by(e->kids[i]);
        if (f >= 0 && (size_t)f < sg->tu->functions.count)
            sg->once[f] = 1;
    }
    return 0;
}

/* Py_SETREF(g, v), Py_XSETREF(g, v), Py_CLEAR(g): in 3.12+ headers they
 * write through a temporary pointer, so their macro records say it. */
static void find_setref_writes(fn_writes *w, const ftc_func *fn)
{
    const ftc_tu *tu = w->sg->tu;
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        if (u->nargs < 1 || u->range.begin.file != fn->range.begin.file ||
            u->range.begin.offset < fn->range.begin.offset ||
            u->range.begin.offset > fn->range.end.offset ||
            (strcmp(u->name, "Py_SETREF") != 0 && strcmp(u->name, "Py_XSETREF") != 0 &&
             strcmp(u->name, "Py_CLEAR") != 0))
            continue;
        char *target = ftc_normalised_text(w->sg->rep->arena, u->args[0], strlen(u->args[0]));
        for (size_t g = 0; target && g < tu->globals.count; g++) {
            if (strcmp(tu->globals.items[g].name, target) != 0)
                continue;
            ftc_expr *node = ftc_arena_alloc(w->sg->rep->arena, sizeof(ftc_expr));
            if (node) {
                node->kind = FTC_E_CALL;
                node->name = u->name;
                node->range = u->range;
                note_write(w, (int32_t)g, node, WRITE_ASSIGN, NULL, 0);
            }
        }
    }
}

static void run(const ftc_tu *tu, ftc_report *rep)
{
    size_t nf = tu->functions.count, ng = tu->globals.count;
    sg_ctx sg = {tu, rep, calloc(nf + 1, 1), calloc(ng + 1, 1), calloc(nf + 1, 1),
                 calloc(nf + 1, 1), calloc(nf + 1, 1)};
    write_site *first = calloc(ng + 1, sizeof(write_site));
    reader (*readers)[2] = calloc(ng + 1, sizeof(*readers));
    ftc_region *regions = malloc(sizeof(ftc_region) * FTC_MAX_REGIONS);
    unsigned char *unused = NULL;
    if (!sg.demoted || !sg.skip_var || !sg.init_only || !sg.reachable || !sg.once || !first ||
        !regions || !readers) {
        ftc_report_notify(rep, FTC_LEVEL_ERROR, "out-of-memory", "static-global: out of memory");
        goto done;
    }
    for (size_t g = 0; g < ng; g++) {
        sg.skip_var[g] = !var_can_race(tu, &tu->globals.items[g]);
        if (!sg.skip_var[g])
            check_local_static_init(&sg, &tu->globals.items[g]);
    }
    ftc_init_only_functions(tu, sg.init_only);
    ftc_python_reachable_functions(tu, sg.reachable);
    /* Not static, called by nothing here, not reachable from Python here:
     * another file calls it, most often its module init. So are the
     * static helpers only it calls. */
    ftc_called_functions(tu, sg.demoted);
    for (size_t i = 0; i < nf; i++)
        sg.demoted[i] = !sg.demoted[i] && !sg.reachable[i] &&
                        !tu->functions.items[i].is_static;
    ftc_close_over_static_callees(tu, sg.demoted);
    /* Likewise a non-static function that this TU calls only from module
     * initialisation (zstd's bufferutil_module_init from zstd_module_init,
     * in a unity build): initialisation as far as this file tells; other
     * files may call it too, so a note, not silence. */
    unsigned char *init_called = calloc(nf + 1, 1);
    if (init_called) {
        memcpy(init_called, sg.init_only, nf);
        ftc_close_over_callees(tu, init_called);
        for (size_t i = 0; i < nf; i++)
            if (init_called[i] && !sg.init_only[i] && !sg.reachable[i])
                sg.demoted[i] = 1;
        free(init_called);
    }
    find_readers(&sg, readers);
    /* A static function nothing names never runs. */
    unused = calloc(nf + 1, 1);
    if (unused)
        ftc_unused_functions(tu, unused);
    for (size_t i = 0; i < nf; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        ftc_func_walk(fn, find_once, &sg);
    }
    for (size_t i = 0; i < nf; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (!fn->nblocks || sg.init_only[i] || sg.once[i] || (unused && unused[i]) ||
            !ftc_tu_is_project_file(tu, fn->name_loc.file))
            continue;
        memset(first, 0, sizeof(write_site) * ng);
        fn_writes w = {&sg, regions, 0, first};
        w.nregions = ftc_find_regions(tu, fn, rep->arena, regions, FTC_MAX_REGIONS);
        find_setref_writes(&w, fn);
        ftc_func_walk(fn, find_writes, &w);
        for (size_t g = 0; g < ng; g++)
            if (first[g].node)
                report_write(&sg, i, (int32_t)g, &first[g], readers[g]);
    }
done:
    free(unused);
    free(sg.demoted);
    free(sg.skip_var);
    free(sg.init_only);
    free(sg.reachable);
    free(sg.once);
    free(first);
    free(readers);
    free(regions);
}

static const char *const tags[] = {"free-threading", "global-state", "data-race", NULL};

static const char *const watched[] = {
    "Py_SETREF", "Py_XSETREF", "Py_CLEAR",
    "Py_BEGIN_CRITICAL_SECTION", "Py_END_CRITICAL_SECTION",
    "Py_BEGIN_CRITICAL_SECTION2", "Py_END_CRITICAL_SECTION2",
    "Py_BEGIN_CRITICAL_SECTION_MUTEX", "Py_BEGIN_CRITICAL_SECTION2_MUTEX", NULL};

const ftc_check ftc_check_static_global = {
    .id = RULE,
    .name = "StaticGlobal",
    .short_description = "Mutable static state written where threads can race",
    .full_description =
        "C statics that the GIL used to serialise (lazily created caches, "
        "initialised flags, counters, runtime settings) race without it. A write "
        "from code that threads can run at once needs module state, a PyMutex, "
        "C11 atomics, thread_local, or moving the work into module "
        "initialisation.",
    .help_text =
        "Move the state into module state, protect the read-test-write with a "
        "PyMutex, make it _Atomic or thread_local, or do the work once in module "
        "initialisation.",
    .help_markdown = ftc_doc_static_global,
    .default_level = FTC_LEVEL_WARNING,
    .precision = FTC_PRECISION_LOW,
    .tags = tags,
    .needs = FTC_NEED_GLOBALS | FTC_NEED_FUNCTIONS | FTC_NEED_MACROS | FTC_NEED_CONDITIONS,
    .watched_macros = watched,
    .run = run,
};
