/* borrowed_ref.c - borrowed references another thread can free.
 *
 * Without the GIL, an item borrowed from a list, dict, weakref, cell or
 * sys.modules can be freed by another thread before the caller uses it,
 * even before a Py_INCREF right after the call. The documented safe cases
 * are not reported: tuples (not in the API table at all), the args tuple
 * and kwargs dict a method receives, containers this function created and
 * has not published yet, and uses inside a critical section on the owner.
 *
 * A borrowed value used after a call that can run Python code or drop
 * references is a use-after-free even with the GIL: that is escalated to
 * an error, with the borrowing call and the freeing call as related
 * locations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgraph.h"
#include "capi.h"
#include "docs.h"
#include "ftc_check.h"
#include "regions.h"

#define RULE "borrowed-ref"

/* ---- per-translation-unit facts ---------------------------------------- */

typedef struct tu_facts {
    const ftc_tu *tu;
    ftc_report *rep;
    /* Per function: parameters that are the call's private args tuple or
     * kwargs dict (bit i = parameter i), and parameters a critical section
     * is held on at every call site. */
    uint32_t *private_params;
    uint32_t *locked_params;
    ftc_danger *danger;          /* what calling the function may do */
    unsigned char *init_only;    /* runs only while the module initialises */
} tu_facts;

/* A statement's place in its function's CFG. */
typedef struct stmt_pos {
    uint32_t block;
    uint32_t index;
} stmt_pos;

typedef struct func_ctx {
    tu_facts *facts;
    const ftc_func *fn;
    int32_t index;
    ftc_region regions[FTC_MAX_REGIONS];
    int nregions;
    int32_t *pred_start;         /* predecessors of block b: */
    int32_t *preds;              /* preds[pred_start[b] .. pred_start[b+1]) */
    signed char plain[256];      /* per local: -1 unknown, 0/1 plain value */
} func_ctx;

/* ---- small helpers ------------------------------------------------------- */

static const ftc_file *file_of(const ftc_tu *tu, ftc_loc loc)
{
    if (loc.file < 0 || (size_t)loc.file >= tu->files.count)
        return NULL;
    return &tu->files.items[loc.file];
}

static int is_ref_to_local(const ftc_expr *e, int32_t local)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL &&
           e->ref_index == local;
}

/* Does the tree reference local `local` other than as an assignment
 * target or in a NULL test? */
typedef struct use_search {
    int32_t local;
    const ftc_expr *found;
} use_search;

static int find_use(const ftc_expr *e, use_search *s);

static int find_use_kids(const ftc_expr *e, use_search *s, uint32_t from)
{
    for (uint32_t i = from; i < e->nkids; i++)
        if (e->kids[i] && find_use(e->kids[i], s))
            return 1;
    return 0;
}

static int is_null_literal(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    return e && e->has_value && e->value == 0 &&
           (e->kind == FTC_E_INT || ftc_expr_has_macro(e, "NULL"));
}

static int find_use(const ftc_expr *e, use_search *s)
{
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to_local(e->kids[0], s->local))
        return e->kids[1] && find_use(e->kids[1], s);
    if (e->kind == FTC_E_COMPARE && e->nkids == 2 &&
        ((is_ref_to_local(e->kids[0], s->local) && is_null_literal(e->kids[1])) ||
         (is_ref_to_local(e->kids[1], s->local) && is_null_literal(e->kids[0]))))
        return 0;
    if (e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL && e->ref_index == s->local) {
        s->found = e;
        return 1;
    }
    return find_use_kids(e, s, 0);
}

/* A question about one local, answered by a tree walk. */
typedef struct local_search {
    int32_t local;
    int found;
} local_search;

static int assigns_local(const ftc_expr *e, void *ctx)
{
    local_search *s = ctx;
    if ((e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to_local(e->kids[0], s->local)) ||
        (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local))
        return s->found = 1;
    return 0;
}

static int increfs_local(const ftc_expr *e, void *ctx)
{
    local_search *s = ctx;
    if (e->kind == FTC_E_CALL && ftc_capi_is_incref(e->name) && e->nkids >= 1 &&
        is_ref_to_local(e->kids[0], s->local))
        return s->found = 1;
    return 0;
}

static int tree_has(const ftc_expr *e, int (*f)(const ftc_expr *, void *), int32_t local)
{
    local_search s = {local, 0};
    ftc_expr_walk(e, f, &s);
    return s.found;
}

/* ---- what calls may do ----------------------------------------------------- */

static ftc_danger call_danger(const tu_facts *facts, const ftc_expr *call)
{
    const ftc_tu *tu = facts->tu;
    if (call->name == NULL)
        return FTC_DANGER_LIKELY;            /* through a function pointer */
    if (call->ref == FTC_REF_FUNCTION && call->ref_index >= 0 &&
        (size_t)call->ref_index < tu->functions.count &&
        tu->functions.items[call->ref_index].nblocks > 0)
        return facts->danger[call->ref_index];
    const ftc_file *f = call->decl_file >= 0 &&
                                (size_t)call->decl_file < tu->files.count
                            ? &tu->files.items[call->decl_file]
                            : NULL;
    if (f && f->kind == FTC_FILE_SYSTEM)
        return FTC_DANGER_NONE;              /* libc and friends */
    if (f && f->kind == FTC_FILE_PROJECT && call->nmacros == 0)
        return FTC_DANGER_LIKELY;            /* defined in another TU */
    return ftc_capi_call_danger(call->name);
}

typedef struct danger_search {
    const tu_facts *facts;
    ftc_danger worst;
    const ftc_expr *call;
} danger_search;

static int find_danger(const ftc_expr *e, void *ctx)
{
    danger_search *s = ctx;
    if (e->kind != FTC_E_CALL)
        return 0;
    ftc_danger d = call_danger(s->facts, e);
    if (d > s->worst) {
        s->worst = d;
        s->call = e;
    }
    return d == FTC_DANGER_CERTAIN;
}

/* What each function of the TU may do when called: the worst of its
 * calls, to a fixed point over the call graph. */
static void compute_danger(tu_facts *facts)
{
    const ftc_tu *tu = facts->tu;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < tu->functions.count; i++) {
            const ftc_func *fn = &tu->functions.items[i];
            if (facts->danger[i] == FTC_DANGER_CERTAIN)
                continue;
            danger_search s = {facts, FTC_DANGER_NONE, NULL};
            for (uint32_t b = 0; b < fn->nblocks && s.worst != FTC_DANGER_CERTAIN; b++)
                for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++)
                    ftc_expr_walk(fn->blocks[b].stmts[k], find_danger, &s);
            if (s.worst > facts->danger[i]) {
                facts->danger[i] = s.worst;
                changed = 1;
            }
        }
    }
}

/* ---- method tables: which parameters are the call's own -------------------- */

static void mark_private(tu_facts *facts, int32_t fn, uint32_t params)
{
    if (fn >= 0 && (size_t)fn < facts->tu->functions.count)
        facts->private_params[fn] |= params;
}

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_FASTCALL 0x0080
#define METH_METHOD 0x0200

static void scan_method_table(tu_facts *facts, const ftc_expr *list)
{
    for (uint32_t i = 0; i < list->nkids; i++) {
        const ftc_expr *entry = ftc_expr_strip(list->kids[i]);
        if (entry == NULL || entry->kind != FTC_E_INIT_LIST)
            continue;
        int32_t fn = ftc_capi_function_named_by(ftc_expr_field(entry, "ml_meth"));
        const ftc_expr *flags = ftc_expr_strip(ftc_expr_field(entry, "ml_flags"));
        if (fn < 0 || flags == NULL || !flags->has_value)
            continue;
        int64_t f = flags->value;
        if ((f & METH_METHOD) && (f & METH_FASTCALL))
            mark_private(facts, fn, 1u << 4);                /* kwnames */
        else if ((f & METH_FASTCALL) && (f & METH_KEYWORDS))
            mark_private(facts, fn, 1u << 3);                /* kwnames */
        else if (f & METH_VARARGS)
            mark_private(facts, fn, (1u << 1) | ((f & METH_KEYWORDS) ? 1u << 2 : 0));
    }
}

/* tp_new(type, args, kwds), tp_init(self, args, kwds), tp_call(self, args, kwds) */
static void scan_type(tu_facts *facts, const ftc_expr *init)
{
    static const char *const slots[] = {"tp_new", "tp_init", "tp_call"};
    for (size_t i = 0; i < 3; i++)
        mark_private(facts, ftc_capi_function_named_by(ftc_expr_field(init, slots[i])), 6u);
}

static void scan_type_slots(tu_facts *facts, const ftc_expr *list)
{
    for (uint32_t i = 0; i < list->nkids; i++) {
        const ftc_expr *entry = ftc_expr_strip(list->kids[i]);
        if (entry == NULL || entry->kind != FTC_E_INIT_LIST)
            continue;
        const ftc_expr *slot = ftc_expr_field(entry, "slot");
        if (ftc_expr_has_macro(slot, "Py_tp_new") || ftc_expr_has_macro(slot, "Py_tp_init") ||
            ftc_expr_has_macro(slot, "Py_tp_call"))
            mark_private(facts, ftc_capi_function_named_by(ftc_expr_field(entry, "pfunc")), 6u);
    }
}

static void find_private_params(tu_facts *facts)
{
    const ftc_tu *tu = facts->tu;
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        const ftc_expr *init = ftc_expr_strip(v->init);
        if (init == NULL || init->kind != FTC_E_INIT_LIST)
            continue;
        if (ftc_capi_element_type_is(v->canonical_type, "PyMethodDef"))
            scan_method_table(facts, init);
        else if (ftc_capi_element_type_is(v->canonical_type, "PyType_Slot"))
            scan_type_slots(facts, init);
        else if (ftc_capi_type_is(v->canonical_type, "PyTypeObject") ||
                 ftc_capi_type_is(v->canonical_type, "_typeobject"))
            scan_type(facts, init);
    }
}

/* ---- critical sections ------------------------------------------------------ */

static const ftc_region *region_locking(const func_ctx *fc, uint32_t offset,
                                        const char *owner)
{
    return owner ? ftc_region_at(fc->regions, fc->nregions, offset, owner) : NULL;
}

/* A static function every caller calls while holding a critical section on
 * the object it passes (Argument Clinic's @critical_section wrappers) holds
 * it on that parameter. */
typedef struct call_site_scan {
    tu_facts *facts;
    func_ctx *caller;
    ftc_arena *arena;
    uint32_t *calls;     /* per function: call sites seen */
    uint32_t *locked;    /* per function: bit i set while every site locks arg i */
} call_site_scan;

static int scan_call_site(const ftc_expr *e, void *ctx)
{
    call_site_scan *s = ctx;
    const ftc_tu *tu = s->facts->tu;
    if (e->kind != FTC_E_CALL || e->ref != FTC_REF_FUNCTION || e->ref_index < 0 ||
        (size_t)e->ref_index >= tu->functions.count)
        return 0;
    int32_t g = e->ref_index;
    uint32_t locked = 0;
    for (uint32_t i = 0; i < e->nkids && i < 32; i++) {
        char *text = ftc_expr_text(s->arena, tu, e->kids[i]);
        if (region_locking(s->caller, e->range.begin.offset, text))
            locked |= 1u << i;
    }
    s->locked[g] = s->calls[g] ? (s->locked[g] & locked) : locked;
    s->calls[g]++;
    return 0;
}

/* ---- predecessors in one function's CFG ------------------------------------- */

static void compute_preds(func_ctx *fc, ftc_arena *a)
{
    uint32_t n = fc->fn->nblocks;
    fc->pred_start = ftc_arena_alloc(a, sizeof(int32_t) * (n + 1));
    uint32_t total = 0;
    for (uint32_t b = 0; b < n; b++)
        total += fc->fn->blocks[b].nsuccs;
    fc->preds = ftc_arena_alloc(a, sizeof(int32_t) * (total + 1));
    if (fc->pred_start == NULL || fc->preds == NULL) {
        fc->pred_start = NULL;
        return;
    }
    for (uint32_t b = 0; b < n; b++)
        for (uint32_t k = 0; k < fc->fn->blocks[b].nsuccs; k++) {
            int32_t t = fc->fn->blocks[b].succs[k];
            if (t >= 0 && (uint32_t)t < n)
                fc->pred_start[t + 1]++;
        }
    for (uint32_t b = 0; b < n; b++)
        fc->pred_start[b + 1] += fc->pred_start[b];
    int32_t *fill = calloc(n + 1, sizeof(int32_t));
    if (fill == NULL) {
        fc->pred_start = NULL;
        return;
    }
    for (uint32_t b = 0; b < n; b++)
        for (uint32_t k = 0; k < fc->fn->blocks[b].nsuccs; k++) {
            int32_t t = fc->fn->blocks[b].succs[k];
            if (t >= 0 && (uint32_t)t < n)
                fc->preds[fc->pred_start[t] + fill[t]++] = (int32_t)b;
        }
    free(fill);
}

/* ---- fresh containers --------------------------------------------------------- */

/* Does this tree hand `local` to something that may keep it? */
static int publishes(const ftc_expr *e, void *ctx)
{
    local_search *s = ctx;
    const ftc_expr *rhs = e->kind == FTC_E_ASSIGN && e->nkids == 2 ? ftc_expr_strip(e->kids[1]) : NULL;
    /* g = Py_NewRef(list) stores it as surely as g = list. */
    if (rhs && rhs->kind == FTC_E_CALL && ftc_capi_is_incref(rhs->name) && rhs->nkids == 1)
        rhs = rhs->kids[0];
    if (rhs && is_ref_to_local(rhs, s->local)) {
        const ftc_expr *lhs = ftc_expr_strip(e->kids[0]);
        if (!(lhs && lhs->kind == FTC_E_REF && lhs->ref == FTC_REF_LOCAL))
            return s->found = 1;
    }
    if (e->kind == FTC_E_RETURN && e->nkids == 1 && is_ref_to_local(e->kids[0], s->local))
        return s->found = 1;
    if (e->kind == FTC_E_CALL)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (is_ref_to_local(e->kids[i], s->local) &&
                !ftc_capi_keeps_no_reference(e->name, i))
                return s->found = 1;
    return 0;
}

typedef struct creation_search {
    const ftc_tu *tu;
    int32_t local;
    int creations;
    int others;
} creation_search;

/* Py_CLEAR(x), Py_SETREF(x, v), Py_XSETREF(x, v) take &x inside their own
 * expansion (3.12+ headers); that address does not escape. */
static int inside_setref_macro(const ftc_tu *tu, ftc_loc at)
{
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        if (u->range.begin.file == at.file && at.offset >= u->range.begin.offset &&
            at.offset <= u->range.end.offset &&
            (strcmp(u->name, "Py_CLEAR") == 0 || strcmp(u->name, "Py_SETREF") == 0 ||
             strcmp(u->name, "Py_XSETREF") == 0))
            return 1;
    }
    return 0;
}

static int creates(const ftc_expr *value)
{
    value = ftc_expr_strip(value);
    if (value && value->kind == FTC_E_CONDITIONAL && value->nkids == 3)
        return creates(value->kids[1]) && creates(value->kids[2]);
    return value && value->kind == FTC_E_CALL && ftc_capi_creates_container(value->name);
}

static void note_assignment(creation_search *s, const ftc_expr *value)
{
    if (is_null_literal(value))
        return;     /* `PyObject *x = NULL;` holds no container */
    if (creates(value))
        s->creations++;
    else
        s->others++;
}

/* Does this statement (re)create `local`? */
static int creates_local(const ftc_expr *e, void *ctx)
{
    local_search *s = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to_local(e->kids[0], s->local) &&
        creates(e->kids[1]))
        return s->found = 1;
    if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local &&
        e->nkids == 1 && creates(e->kids[0]))
        return s->found = 1;
    return 0;
}

/* Walking back from the use over CFG predecessors: is `local` published
 * on some path before it was last (re)created? */
static int published_before(const func_ctx *fc, int32_t local, stmt_pos use)
{
    const ftc_func *fn = fc->fn;
    if (fc->pred_start == NULL)
        return 1;   /* no CFG facts: assume the worst */
    unsigned char *seen = calloc(fn->nblocks + 1, 1);
    int32_t *stack = malloc(sizeof(int32_t) * (fn->nblocks + 1));
    int found = 0;
    if (seen == NULL || stack == NULL) {
        found = 1;
        goto done;
    }
    uint32_t top = 0;
    int32_t b = (int32_t)use.block;
    int32_t from = (int32_t)use.index - 1;
    for (;;) {
        int stopped = 0;
        for (int32_t k = from; k >= 0; k--) {
            const ftc_expr *stmt = fn->blocks[b].stmts[k];
            local_search p = {local, 0};
            ftc_expr_walk(stmt, publishes, &p);
            if (p.found) {
                found = 1;
                goto done;
            }
            if (tree_has(stmt, creates_local, local)) {
                stopped = 1;
                break;
            }
        }
        if (!stopped)
            for (int32_t i = fc->pred_start[b]; i < fc->pred_start[b + 1]; i++)
                if (!seen[fc->preds[i]]) {
                    seen[fc->preds[i]] = 1;
                    stack[top++] = fc->preds[i];
                }
        if (top == 0)
            break;
        b = stack[--top];
        from = (int32_t)fn->blocks[b].nstmts - 1;
    }
done:
    free(seen);
    free(stack);
    return found;
}

static int find_assignments(const ftc_expr *e, void *ctx)
{
    creation_search *s = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to_local(e->kids[0], s->local))
        note_assignment(s, e->kids[1]);
    else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL &&
             e->ref_index == s->local && e->nkids == 1)
        note_assignment(s, e->kids[0]);
    else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 && is_ref_to_local(e->kids[0], s->local) &&
             !inside_setref_macro(s->tu, e->range.begin))
        s->others++;   /* filled in through a pointer: origin unknown */
    return 0;
}

/* Was `local` made by this function (every assignment creates a new
 * container) and not published on any path before `use`? */
static int is_fresh(const func_ctx *fc, int32_t local, stmt_pos use)
{
    const ftc_func *fn = fc->fn;
    creation_search c = {fc->facts->tu, local, 0, 0};
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++)
            ftc_expr_walk(fn->blocks[b].stmts[k], find_assignments, &c);
    if (c.creations == 0 || c.others > 0)
        return 0;
    return !published_before(fc, local, use);
}

/* ---- escalation: used after a call that can free it --------------------------- */

typedef struct escalation {
    const ftc_expr *use;
    const ftc_expr *freeing;
    int likely;                  /* the freeing call is a project function
                                    defined in another file */
} escalation;

/* Is every value `local` holds a plain object (str, int, a tuple of
 * objects alive elsewhere) that this function built? Dropping it runs no
 * Python code. Cached per local. */
typedef struct plain_search {
    int32_t local;
    int plain, other;
} plain_search;

static int find_plain(const ftc_expr *e, void *ctx)
{
    plain_search *s = ctx;
    const ftc_expr *value = NULL;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to_local(e->kids[0], s->local))
        value = e->kids[1];
    else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local &&
             e->nkids == 1)
        value = e->kids[0];
    else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 && is_ref_to_local(e->kids[0], s->local))
        s->other++;
    if (value && !is_null_literal(value)) {
        const ftc_expr *v = ftc_expr_strip(value);
        if (v && v->kind == FTC_E_CALL && ftc_capi_makes_plain_value(v->name))
            s->plain++;
        else
            s->other++;
    }
    return 0;
}

static int is_plain_local(func_ctx *fc, int32_t local)
{
    if (local < 0 || local >= (int32_t)sizeof(fc->plain))
        return 0;
    if (fc->plain[local] < 0) {
        plain_search p = {local, 0, 0};
        for (uint32_t b = 0; b < fc->fn->nblocks; b++)
            for (uint32_t k = 0; k < fc->fn->blocks[b].nstmts; k++)
                ftc_expr_walk(fc->fn->blocks[b].stmts[k], find_plain, &p);
        fc->plain[local] = p.plain > 0 && p.other == 0;
    }
    return fc->plain[local];
}

/* The first call in a statement that can free a borrowed object: 2 for
 * certainly, 1 for a project function defined in another file. */
typedef struct freeing_search {
    func_ctx *fc;
    const ftc_expr *call;
    int kind;
} freeing_search;

static int find_freeing(const ftc_expr *e, void *ctx)
{
    freeing_search *s = ctx;
    if (e->kind != FTC_E_CALL)
        return 0;
    const tu_facts *facts = s->fc->facts;
    ftc_danger d = call_danger(facts, e);
    int kind = 0;
    if (d == FTC_DANGER_CERTAIN) {
        /* Dropping a str or int this function built runs no code. */
        const ftc_expr *arg = e->nkids ? ftc_expr_strip(e->kids[0]) : NULL;
        if (ftc_capi_is_decref(e->name) && arg && arg->kind == FTC_E_REF &&
            arg->ref == FTC_REF_LOCAL && is_plain_local(s->fc, arg->ref_index))
            return 0;
        kind = 2;
    } else if (d == FTC_DANGER_LIKELY && e->decl_file >= 0 &&
               (size_t)e->decl_file < facts->tu->files.count && e->nmacros == 0 &&
               facts->tu->files.items[e->decl_file].kind == FTC_FILE_PROJECT) {
        kind = 1;
    }
    if (kind > s->kind) {
        s->kind = kind;
        s->call = e;
    }
    return kind == 2;
}

/* For a branch condition that tests `local` against NULL: 1 when its true
 * edge means NULL, 0 when its true edge means non-NULL, -1 otherwise. */
static int null_test_polarity(const ftc_expr *cond, int32_t local)
{
    cond = ftc_expr_strip(cond);
    if (cond == NULL)
        return -1;
    if (is_ref_to_local(cond, local))
        return 0;                                        /* if (v) */
    if (cond->kind == FTC_E_LOGICAL && cond->nkids == 1 && cond->name &&
        strcmp(cond->name, "!") == 0 && is_ref_to_local(cond->kids[0], local))
        return 1;                                        /* if (!v) */
    if (cond->kind == FTC_E_COMPARE && cond->nkids == 2 && cond->name &&
        ((is_ref_to_local(cond->kids[0], local) && is_null_literal(cond->kids[1])) ||
         (is_ref_to_local(cond->kids[1], local) && is_null_literal(cond->kids[0]))))
        return strcmp(cond->name, "==") == 0 ? 1 : strcmp(cond->name, "!=") == 0 ? 0 : -1;
    return -1;
}

typedef struct walk_state {
    uint32_t block;
    const ftc_expr *freeing;
    int likely;
} walk_state;

/* Walk forward from the borrowing statement: a call that can free the
 * object, followed on some path by a use of the borrowed local (Py_INCREF
 * included: too late), with no strong reference taken before the call and
 * no reassignment. A NULL value cannot dangle: branches where the local is
 * NULL are not followed. */
static int find_escalation(func_ctx *fc, int32_t local, stmt_pos from,
                           escalation *out)
{
    const ftc_func *fn = fc->fn;
    uint32_t n = fn->nblocks;
    /* one state per block and "a freeing call was seen" */
    unsigned char *seen = calloc((size_t)n * 2 + 2, 1);
    walk_state *queue = malloc(sizeof(walk_state) * ((size_t)n * 2 + 2));
    int found = 0;
    if (!seen || !queue)
        goto done;
    uint32_t head = 0, tail = 0;
    walk_state st = {from.block, NULL, 0};
    uint32_t first = from.index + 1;
    for (;;) {
        const ftc_block *b = &fn->blocks[st.block];
        int stop = 0;
        for (uint32_t k = first; k < b->nstmts && !stop; k++) {
            const ftc_expr *stmt = b->stmts[k];
            use_search u = {local, NULL};
            if (st.freeing && find_use(stmt, &u)) {
                out->use = u.found;
                out->freeing = st.freeing;
                out->likely = st.likely;
                found = 1;
                goto done;
            }
            if (tree_has(stmt, increfs_local, local) || tree_has(stmt, assigns_local, local)) {
                stop = 1;
                break;
            }
            if (st.freeing == NULL) {
                freeing_search f = {fc, NULL, 0};
                ftc_expr_walk(stmt, find_freeing, &f);
                if (f.kind) {
                    st.freeing = f.call;
                    st.likely = f.kind == 1;
                }
            }
        }
        if (!stop) {
            int polarity = b->last_is_condition && b->nstmts
                               ? null_test_polarity(b->stmts[b->nstmts - 1], local)
                               : -1;
            for (uint32_t i = 0; i < b->nsuccs; i++) {
                int32_t t = b->succs[i];
                /* succs[0] is the true edge, succs[1] the false one */
                if (t < 0 || (uint32_t)t >= n || (polarity == 1 && i == 0) ||
                    (polarity == 0 && i == 1))
                    continue;
                uint32_t key = (uint32_t)t * 2 + (st.freeing != NULL);
                if (!seen[key]) {
                    seen[key] = 1;
                    queue[tail++] = (walk_state){(uint32_t)t, st.freeing, st.likely};
                }
            }
        }
        if (head == tail)
            break;
        st = queue[head++];
        first = 0;
    }
done:
    free(seen);
    free(queue);
    return found;
}

/* ---- reporting ------------------------------------------------------------ */

typedef struct borrow_site {
    const ftc_expr *call;
    const ftc_expr *parent;      /* the node holding the call, if any */
    stmt_pos pos;
    int32_t local;               /* where the borrowed value goes, -1 */
    int null_test_only;
} borrow_site;

/* " (Python 3.13)", plus the compat header when these headers are older. */
static const char *since_text(const ftc_tu *tu, ftc_report *rep,
                              const ftc_borrowed_api *api)
{
    char ver[16];
    if (api->since == 0)
        return "";
    uint32_t v = ftc_tu_python_version(tu);
    return ftc_arena_printf(
        rep->arena, " (Python %s)%s",
        ftc_capi_version_text(api->since, ver, sizeof(ver)),
        api->compat && v && v < api->since
            ? "; pythoncapi_compat.h provides it for older versions"
            : "");
}

/* Py_NewRef(PyList_GetItem(l, i)) -> PyList_GetItemRef(l, i) */
static void add_newref_fixit(const ftc_tu *tu, ftc_report *rep, ftc_finding *f,
                             const borrow_site *site, const ftc_borrowed_api *api)
{
    const ftc_expr *p = site->parent;
    if (!api->newref_fixit || p == NULL || p->kind != FTC_E_CALL || p->name == NULL ||
        (strcmp(p->name, "Py_NewRef") != 0 && strcmp(p->name, "Py_XNewRef") != 0 &&
         strcmp(p->name, "_Py_NewRef") != 0 && strcmp(p->name, "_Py_XNewRef") != 0))
        return;
    ftc_range call = ftc_tu_char_range(tu, site->call->range);
    const ftc_file *file = file_of(tu, call.begin);
    if (file == NULL || file->content == NULL || call.end.offset > file->content_len)
        return;
    const char *text = file->content + call.begin.offset;
    const char *paren = memchr(text, '(', call.end.offset - call.begin.offset);
    if (paren == NULL)
        return;
    size_t args_len = (size_t)(file->content + call.end.offset - paren);
    char *repl = ftc_arena_printf(rep->arena, "%s%.*s", api->replacement,
                                  (int)args_len, paren);
    if (repl)
        ftc_finding_fixit(rep, f, ftc_tu_char_range(tu, p->range), repl);
}

static void report_site(func_ctx *fc, const borrow_site *site,
                        const ftc_borrowed_api *api, const char *owner_text,
                        ftc_confidence confidence, const escalation *esc)
{
    const ftc_tu *tu = fc->facts->tu;
    ftc_report *rep = fc->facts->rep;
    char owner_desc[256];
    if (owner_text && *owner_text)
        snprintf(owner_desc, sizeof(owner_desc), "%s '%s'", api->owner, owner_text);
    else
        snprintf(owner_desc, sizeof(owner_desc), "%s", api->owner);
    ftc_finding *f;
    if (esc) {
        f = ftc_report_add(rep, RULE, FTC_LEVEL_ERROR,
                           esc->likely ? FTC_LIKELY : FTC_CERTAIN, esc->use->range,
                           "borrowed reference '%s' from %s is used after a call "
                           "that can free it: a use-after-free even with the GIL",
                           esc->use->name, api->name);
        ftc_finding_relate(rep, f, site->call->range, "borrowed from %s here",
                           owner_desc);
        ftc_finding_relate(rep, f, esc->freeing->range,
                           esc->likely ? "%s is defined in another file and may run "
                                         "arbitrary code or drop references"
                                       : "%s can run arbitrary code or drop references",
                           esc->freeing->name ? esc->freeing->name : "this call");
        ftc_finding_suggest(rep, f, "take a strong reference (%s, or Py_NewRef "
                            "before the call) and release it when done",
                            api->replacement ? api->replacement : "Py_NewRef");
    } else if (api->advice == FTC_ADVICE_CRITICAL_SECTION) {
        f = ftc_report_add(rep, RULE, FTC_LEVEL_WARNING, confidence, site->call->range,
                           "%s returns borrowed references from %s, which another "
                           "thread can modify and free",
                           api->name, owner_desc);
        ftc_finding_suggest(rep, f, "hold Py_BEGIN_CRITICAL_SECTION(%s) ... "
                            "Py_END_CRITICAL_SECTION() around the whole use, and "
                            "Py_NewRef what must outlive it",
                            owner_text && *owner_text ? owner_text : "obj");
    } else if (api->advice == FTC_ADVICE_NOTE) {
        f = ftc_report_add(rep, RULE, FTC_LEVEL_NOTE, FTC_LIKELY, site->call->range,
                           "%s returns a borrowed reference to a dict of %s; "
                           "%s%s returns a strong one",
                           api->name, api->owner, api->replacement,
                           since_text(tu, rep, api));
    } else {
        ftc_level level = site->null_test_only
                              ? FTC_LEVEL_NOTE
                              : FTC_LEVEL_WARNING;
        if (site->null_test_only)
            confidence = FTC_LIKELY;
        f = ftc_report_add(rep, RULE, level, confidence, site->call->range,
                           "%s returns a borrowed reference from %s, which another "
                           "thread can free: use %s%s",
                           api->name, owner_desc, api->replacement,
                           since_text(tu, rep, api));
        if (f && site->null_test_only)
            ftc_finding_suggest(rep, f, "the result is only compared, never used "
                                "as an object: a smaller risk; PyDict_Contains or the "
                                "...Ref function avoids the borrowed reference");
        add_newref_fixit(tu, rep, f, site, api);
    }
    if (f)
        f->function = fc->fn->name;
}

static ftc_confidence owner_confidence(const ftc_expr *owner)
{
    /* A global or a field of a struct (module state, self) is shared; a
     * local or a parameter may be private to this call. */
    for (const ftc_expr *e = ftc_expr_strip(owner); e; ) {
        if (e->kind == FTC_E_MEMBER)
            return FTC_CERTAIN;
        if (e->kind == FTC_E_REF)
            return e->ref == FTC_REF_GLOBAL ? FTC_CERTAIN : FTC_LIKELY;
        if ((e->kind == FTC_E_DEREF || e->kind == FTC_E_SUBSCRIPT) && e->nkids)
            e = ftc_expr_strip(e->kids[0]);
        else
            break;
    }
    return FTC_LIKELY;
}

/* Is the owner out of other threads' reach here: the call's own args or
 * kwargs, a container made inline or by this function and not published,
 * or one every caller holds a critical section on? */
static int owner_is_private(func_ctx *fc, const borrow_site *site, const ftc_expr *owner)
{
    uint32_t params = fc->facts->private_params[fc->index] | fc->facts->locked_params[fc->index];
    if (owner->kind == FTC_E_REF && owner->ref == FTC_REF_PARAM && owner->ref_index >= 0 &&
        owner->ref_index < 32 && (params & (1u << owner->ref_index)))
        return 1;
    if (owner->kind == FTC_E_CALL && ftc_capi_creates_container(owner->name))
        return 1;   /* PyDict_GetItem(PyThreadState_GetDict(), k) */
    return owner->kind == FTC_E_REF && owner->ref == FTC_REF_LOCAL &&
           is_fresh(fc, owner->ref_index, site->pos);
}

static void check_site(func_ctx *fc, const borrow_site *site)
{
    const ftc_tu *tu = fc->facts->tu;
    ftc_arena *a = fc->facts->rep->arena;
    const ftc_borrowed_api *api = ftc_capi_borrowed(site->call->name);
    if (api == NULL)
        return;
    const ftc_expr *owner = NULL;
    if (api->container_arg >= 0) {
        if ((uint32_t)api->container_arg >= site->call->nkids)
            return;
        owner = ftc_expr_strip(site->call->kids[api->container_arg]);
        if (owner == NULL)
            return;
    }
    char *owner_text = owner ? ftc_expr_text(a, tu, owner) : NULL;
    /* A use after a call that can free the object is a use-after-free
     * with or without other threads: checked before any exemption. */
    escalation esc = {NULL, NULL, 0};
    if (site->local >= 0 && find_escalation(fc, site->local, site->pos, &esc)) {
        report_site(fc, site, api, owner_text, FTC_CERTAIN, &esc);
        return;
    }
    if (owner && owner_is_private(fc, site, owner))
        return;
    /* While the module initialises no other thread can reach its objects. */
    if (fc->facts->init_only[fc->index])
        return;
    if (owner && region_locking(fc, site->call->range.begin.offset, owner_text))
        return;
    report_site(fc, site, api, owner_text, owner_confidence(owner), NULL);
}

/* Find borrowing calls in a statement, remembering each one's parent. */
typedef struct site_walk {
    func_ctx *fc;
    stmt_pos pos;
    int is_cond;
} site_walk;

static int32_t destination(const ftc_expr *parent, const ftc_expr *call)
{
    if (parent == NULL)
        return -1;
    if (parent->kind == FTC_E_ASSIGN && parent->nkids == 2 &&
        ftc_expr_strip(parent->kids[1]) == call) {
        const ftc_expr *lhs = ftc_expr_strip(parent->kids[0]);
        if (lhs && lhs->kind == FTC_E_REF && lhs->ref == FTC_REF_LOCAL)
            return lhs->ref_index;
    }
    if (parent->kind == FTC_E_DECL && parent->ref == FTC_REF_LOCAL && parent->nkids == 1 &&
        ftc_expr_strip(parent->kids[0]) == call)
        return parent->ref_index;
    return -1;
}

static void walk_sites(site_walk *w, const ftc_expr *e, const ftc_expr *parent,
                       int top)
{
    if (e == NULL)
        return;
    if (e->kind == FTC_E_CALL && ftc_capi_borrowed(e->name)) {
        borrow_site site = {e, parent, w->pos, destination(parent, e), 0};
        /* Only tested for NULL: `if (PyDict_GetItem(d, k))`,
         * `PyDict_GetItem(d, k) == NULL`, `!PyDict_GetItem(d, k)`. */
        /* ... or compared by identity: `PyList_GET_ITEM(l, i) == obj`. */
        if ((top && w->is_cond) ||
            (parent && parent->kind == FTC_E_COMPARE && parent->nkids == 2 &&
             parent->name && (strcmp(parent->name, "==") == 0 ||
                              strcmp(parent->name, "!=") == 0)) ||
            (parent && parent->kind == FTC_E_LOGICAL && parent->nkids == 1))
            site.null_test_only = strcmp(e->name, "PyDict_Next") != 0;
        /* PyDict_Next(d, &pos, &key, &value): the outputs are borrowed. */
        check_site(w->fc, &site);
    }
    for (uint32_t i = 0; i < e->nkids; i++) {
        const ftc_expr *k = e->kids[i];
        /* Look through casts so the parent is the meaningful node. */
        const ftc_expr *via = e;
        while (k && k->kind == FTC_E_CAST && k->nkids == 1) {
            k = k->kids[0];
        }
        walk_sites(w, k, via, 0);
    }
}

static int is_cond_stmt(const ftc_block *b, uint32_t k)
{
    return b->last_is_condition && k + 1 == b->nstmts;
}

static void check_function(tu_facts *facts, int32_t index)
{
    const ftc_func *fn = &facts->tu->functions.items[index];
    func_ctx *fc = calloc(1, sizeof(*fc));
    if (fc == NULL)
        return;
    fc->facts = facts;
    fc->fn = fn;
    fc->index = index;
    fc->nregions = ftc_find_regions(facts->tu, fn, facts->rep->arena, fc->regions, FTC_MAX_REGIONS);
    compute_preds(fc, facts->rep->arena);
    memset(fc->plain, -1, sizeof(fc->plain));
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
            site_walk w = {fc, {b, k}, is_cond_stmt(&fn->blocks[b], k)};
            walk_sites(&w, fn->blocks[b].stmts[k], NULL, 1);
        }
    free(fc);
}

static void find_locked_params(tu_facts *facts)
{
    const ftc_tu *tu = facts->tu;
    size_t n = tu->functions.count;
    uint32_t *calls = calloc(n + 1, sizeof(uint32_t));
    func_ctx *fc = calloc(1, sizeof(*fc));
    if (calls && fc) {
        for (size_t i = 0; i < n; i++) {
            const ftc_func *fn = &tu->functions.items[i];
            memset(fc, 0, sizeof(*fc));
            fc->facts = facts;
            fc->fn = fn;
            fc->nregions = ftc_find_regions(facts->tu, fn, facts->rep->arena, fc->regions, FTC_MAX_REGIONS);
            call_site_scan s = {facts, fc, facts->rep->arena, calls, facts->locked_params};
            for (uint32_t b = 0; b < fn->nblocks; b++)
                for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++)
                    ftc_expr_walk(fn->blocks[b].stmts[k], scan_call_site, &s);
        }
        /* Only static functions: others may have callers elsewhere. */
        for (size_t i = 0; i < n; i++)
            if (!tu->functions.items[i].is_static || calls[i] == 0)
                facts->locked_params[i] = 0;
    }
    free(calls);
    free(fc);
}

static void run(const ftc_tu *tu, ftc_report *rep)
{
    size_t n = tu->functions.count;
    tu_facts facts = {tu, rep, NULL, NULL, NULL, NULL};
    facts.private_params = calloc(n + 1, sizeof(uint32_t));
    facts.locked_params = calloc(n + 1, sizeof(uint32_t));
    facts.danger = calloc(n + 1, sizeof(ftc_danger));
    facts.init_only = calloc(n + 1, 1);
    if (facts.private_params && facts.locked_params && facts.danger && facts.init_only) {
        find_private_params(&facts);
        ftc_init_only_functions(tu, facts.init_only);
        compute_danger(&facts);
        find_locked_params(&facts);
        for (size_t i = 0; i < n; i++) {
            const ftc_func *fn = &tu->functions.items[i];
            if (fn->nblocks && ftc_tu_is_project_file(tu, fn->name_loc.file))
                check_function(&facts, (int32_t)i);
        }
    } else {
        ftc_report_notify(rep, FTC_LEVEL_ERROR, "out-of-memory",
                          "borrowed-ref: out of memory");
    }
    free(facts.private_params);
    free(facts.locked_params);
    free(facts.danger);
    free(facts.init_only);
}

static const char *const tags[] = {"free-threading", "borrowed-reference",
                                   "correctness", NULL};

/* Macros the check must see as calls (they expand to subscripts or member
 * reads), and the critical-section markers (bare braces in a GIL build).
 * Reference-count macros are not here: every supported header version
 * expands them to calls of inline functions (Py_DECREF, _Py_NewRef, ...),
 * and watching them would make every Py_DECREF cost a macro lookup. */
static const char *const watched[] = {
    "PyList_GET_ITEM", "PyWeakref_GET_OBJECT", "PyCell_GET",
    "PySequence_Fast_GET_ITEM", "PySequence_Fast_ITEMS",
    "Py_CLEAR", "Py_SETREF", "Py_XSETREF",
    "Py_BEGIN_CRITICAL_SECTION", "Py_END_CRITICAL_SECTION",
    "Py_BEGIN_CRITICAL_SECTION2", "Py_END_CRITICAL_SECTION2",
    "Py_BEGIN_CRITICAL_SECTION_MUTEX", "Py_BEGIN_CRITICAL_SECTION2_MUTEX",
    "Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST", "Py_END_CRITICAL_SECTION_SEQUENCE_FAST",
    NULL};

const ftc_check ftc_check_borrowed_ref = {
    .id = RULE,
    .name = "BorrowedRef",
    .short_description =
        "Borrowed reference from a container another thread can modify",
    .full_description =
        "Without the GIL, an object borrowed from a list, dict, weak reference, "
        "cell or sys.modules can be freed by another thread before the caller "
        "uses it, even before a Py_INCREF right after the call. Use the "
        "strong-reference replacement (PyList_GetItemRef, PyDict_GetItemRef, "
        "PyWeakref_GetRef, ...) or hold a critical section on the container.",
    .help_text =
        "Replace the borrowed-reference API with its strong-reference "
        "replacement (Python 3.13, or pythoncapi_compat.h for older "
        "versions), or hold Py_BEGIN_CRITICAL_SECTION on the container while "
        "the borrowed reference is used.",
    .help_markdown = ftc_doc_borrowed_ref,
    .default_level = FTC_LEVEL_WARNING,
    .precision = FTC_PRECISION_HIGH,
    .tags = tags,
    .needs = FTC_NEED_GLOBALS | FTC_NEED_FUNCTIONS | FTC_NEED_MACROS,
    .watched_macros = watched,
    .run = run,
};
