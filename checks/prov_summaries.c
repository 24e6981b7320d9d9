/* prov_summaries.c - what each function of the TU says of its containers,
 * computed once per TU to fixed points over the call graph: which
 * parameters are the call's own args/kwargs (method tables, type slots),
 * which parameters a function keeps, which functions return only fresh
 * containers, which parameters every caller passes privately or points at
 * a stack object. */
#include <stdlib.h>
#include <string.h>

#include "capi.h"
#include "prov_internal.h"
#include "provenance.h"

#define ALL_PARAMS 0xffffffffu

/* ---- entry points: which parameters are the call's own ----------------------- */

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_FASTCALL 0x0080
#define METH_METHOD 0x0200

static void mark_entry(ftc_prov *p, int32_t fn, uint32_t params)
{
    if (ftc_prov_is_function(p->tu, fn))
        p->entry_params[fn] |= params;
}

/* One {name, function, flags, doc} entry: which parameters the calling
 * convention makes the call's own. */
static void scan_method_entry(ftc_prov *p, const ftc_expr *entry)
{
    int32_t fn = ftc_capi_function_named_by(ftc_expr_field(entry, "ml_meth"));
    const ftc_expr *flags = ftc_expr_strip(ftc_expr_field(entry, "ml_flags"));
    if (fn < 0 || flags == NULL || !flags->has_value)
        return;
    int64_t f = flags->value;
    if ((f & METH_METHOD) && (f & METH_FASTCALL))
        mark_entry(p, fn, 1u << 4);                /* kwnames */
    else if ((f & METH_FASTCALL) && (f & METH_KEYWORDS))
        mark_entry(p, fn, 1u << 3);                /* kwnames */
    else if (f & METH_VARARGS)
        mark_entry(p, fn, (1u << 1) | ((f & METH_KEYWORDS) ? 1u << 2 : 0));
}

/* A method table, or one PyMethodDef on its own (Cython's __pyx_mdef_*,
 * handed to PyCFunction_NewEx or a CyFunction). */
static void scan_method_table(ftc_prov *p, const ftc_var *v, const ftc_expr *init)
{
    if (v->canonical_type && strchr(v->canonical_type, '[') == NULL) {
        scan_method_entry(p, init);
        return;
    }
    for (uint32_t i = 0; i < init->nkids; i++) {
        const ftc_expr *entry = ftc_expr_strip(init->kids[i]);
        if (entry && entry->kind == FTC_E_INIT_LIST)
            scan_method_entry(p, entry);
    }
}

/* tp_new(type, args, kwds), tp_init(self, args, kwds), tp_call(self, args, kwds) */
static void scan_type(ftc_prov *p, const ftc_expr *init)
{
    static const char *const slots[] = {"tp_new", "tp_init", "tp_call"};
    for (size_t i = 0; i < 3; i++)
        mark_entry(p, ftc_capi_function_named_by(ftc_expr_field(init, slots[i])), 6u);
}

static void scan_type_slots(ftc_prov *p, const ftc_expr *list)
{
    for (uint32_t i = 0; i < list->nkids; i++) {
        const ftc_expr *entry = ftc_expr_strip(list->kids[i]);
        if (entry == NULL || entry->kind != FTC_E_INIT_LIST)
            continue;
        const ftc_expr *slot = ftc_expr_field(entry, "slot");
        if (ftc_expr_has_macro(slot, "Py_tp_new") || ftc_expr_has_macro(slot, "Py_tp_init") ||
            ftc_expr_has_macro(slot, "Py_tp_call"))
            mark_entry(p, ftc_capi_function_named_by(ftc_expr_field(entry, "pfunc")), 6u);
    }
}

static void find_entry_params(ftc_prov *p)
{
    const ftc_tu *tu = p->tu;
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        const ftc_expr *init = ftc_expr_strip(v->init);
        if (init == NULL || init->kind != FTC_E_INIT_LIST)
            continue;
        if (ftc_capi_element_type_is(v->canonical_type, "PyMethodDef"))
            scan_method_table(p, v, init);
        else if (ftc_capi_element_type_is(v->canonical_type, "PyType_Slot"))
            scan_type_slots(p, init);
        else if (ftc_capi_type_is(v->canonical_type, "PyTypeObject") ||
                 ftc_capi_type_is(v->canonical_type, "_typeobject"))
            scan_type(p, init);
    }
}

/* ---- what functions keep of their parameters ------------------------------------ */

/* Least fixed point: parameter i of a function is kept when its body
 * stores it outside its locals, returns it, or passes it to a call that
 * keeps it (a C-API call that stores its argument, a function of another
 * file, a function of this file that keeps that parameter). A helper that
 * only fills a container it is given keeps nothing. Only pointer
 * parameters are asked about. */
/* One walk of a function for all its pending parameters at once. */
typedef struct kept_scan {
    const ftc_prov *p;
    uint32_t pending;            /* parameters asked about */
    uint32_t kept;               /* found kept */
    uint32_t asked;              /* their answer used a summary */
    uint32_t current;            /* the parameter of the operand at hand */
} kept_scan;

static int is_pending_param(const ftc_expr *operand, void *ctx)
{
    kept_scan *k = ctx;
    operand = ftc_expr_strip(operand);
    if (operand == NULL || operand->kind != FTC_E_REF || operand->ref != FTC_REF_PARAM ||
        operand->ref_index < 0 || operand->ref_index >= 32 ||
        !(k->pending & ~k->kept & (1u << operand->ref_index)))
        return 0;
    k->current = 1u << operand->ref_index;
    return 1;
}

static int find_kept(const ftc_expr *e, void *ctx)
{
    kept_scan *k = ctx;
    /* Handed to a function of this file: the answer follows its summary,
     * so it is asked again when summaries change. */
    if (e->kind == FTC_E_CALL && e->ref == FTC_REF_FUNCTION &&
        ftc_prov_is_function(k->p->tu, e->ref_index) &&
        k->p->tu->functions.items[e->ref_index].nblocks > 0)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (is_pending_param(e->kids[i], k))
                k->asked |= k->current;
    /* every published operand, not just the first */
    for (;;) {
        int asked = 0;
        k->current = 0;
        if (!ftc_prov_for_published(k->p, e, &asked, is_pending_param, k))
            return 0;
        k->kept |= k->current;
    }
}

static void find_kept_params(ftc_prov *p)
{
    const ftc_tu *tu = p->tu;
    size_t n = tu->functions.count;
    /* Per function: parameters whose answer may change when a callee's
     * does (they are handed to functions of this file). */
    uint32_t *pending = calloc(n + 1, sizeof(uint32_t));
    if (pending == NULL) {
        for (size_t f = 0; f < n; f++)
            p->keeps_params[f] = ALL_PARAMS;
        return;
    }
    for (size_t f = 0; f < n; f++) {
        const ftc_func *fn = &tu->functions.items[f];
        for (uint32_t i = 0; i < fn->nparams && i < 32 && fn->nblocks; i++)
            if (fn->params[i].type && strchr(fn->params[i].type, '*'))
                pending[f] |= 1u << i;
    }
    for (int changed = 1, rounds = 0; changed && rounds < 16; rounds++) {
        changed = 0;
        for (size_t f = 0; f < n; f++) {
            if (pending[f] == 0)
                continue;
            const ftc_func *fn = &tu->functions.items[f];
            kept_scan k = {p, pending[f], 0, 0, 0};
            for (uint32_t b = 0; b < fn->nblocks && k.kept != k.pending; b++)
                for (uint32_t s = 0; s < fn->blocks[b].nstmts && k.kept != k.pending; s++)
                    ftc_expr_walk(fn->blocks[b].stmts[s], find_kept, &k);
            if (k.kept) {
                p->keeps_params[f] |= k.kept;
                changed = 1;
            }
            /* Settled: found kept, or not kept whatever the summaries say. */
            pending[f] &= ~(k.kept | (k.pending & ~k.asked));
        }
    }
    free(pending);
}

/* ---- return summaries ---------------------------------------------------------- */

/* Is every non-NULL return of the function a fresh container? */
static int returns_fresh(ftc_prov *p, int32_t index)
{
    const ftc_func *fn = &p->tu->functions.items[index];
    ftc_fn_view *v = NULL;
    int returns = 0, ok = 1;
    for (uint32_t b = 0; b < fn->nblocks && ok; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts && ok; k++) {
            const ftc_expr *s = fn->blocks[b].stmts[k];
            if (s->kind != FTC_E_RETURN)
                continue;
            const ftc_expr *value = s->nkids ? ftc_expr_strip(s->kids[0]) : NULL;
            if (value == NULL) {
                ok = 0;
                break;
            }
            if (ftc_is_null_literal(value))
                continue;
            returns++;
            if (ftc_prov_creates(p, value))
                continue;
            if (value->kind != FTC_E_REF || value->ref != FTC_REF_LOCAL) {
                ok = 0;
                break;
            }
            if (v == NULL) {
                v = malloc(sizeof(*v));
                if (v == NULL) {
                    ok = 0;
                    break;
                }
                ftc_fn_view_init(v, p->tu, index, p->arena);
            }
            ftc_stmt_pos at = {b, k};
            ok = ftc_prov_is_fresh(p, v, value->ref_index, at);
        }
    free(v);
    return ok && returns > 0;
}

/* Could a return be fresh at all? Cheap test before the real one. */
static int may_return_fresh(const ftc_func *fn)
{
    if (fn->nblocks == 0 || fn->return_type == NULL || strchr(fn->return_type, '*') == NULL)
        return 0;
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
            const ftc_expr *s = fn->blocks[b].stmts[k];
            if (s->kind == FTC_E_RETURN && s->nkids == 1 && !ftc_is_null_literal(s->kids[0]))
                return 1;
        }
    return 0;
}

/* Least fixed point: a function is fresh-returning once all its returns
 * are proven fresh, possibly through other fresh-returning functions. */
static void find_fresh_returns(ftc_prov *p)
{
    size_t n = p->tu->functions.count;
    unsigned char *candidate = calloc(n + 1, 1);
    if (candidate == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        candidate[i] = (unsigned char)may_return_fresh(&p->tu->functions.items[i]);
    for (int changed = 1, rounds = 0; changed && rounds < 16; rounds++) {
        changed = 0;
        for (size_t i = 0; i < n; i++)
            if (candidate[i] && !p->fresh_return[i] && returns_fresh(p, (int32_t)i)) {
                p->fresh_return[i] = 1;
                changed = 1;
            }
    }
    free(candidate);
}

/* ---- parameter summaries --------------------------------------------------------- */

/* One direct call of a TU function: for each argument, whether it is
 * private whatever the caller's parameters are (a fresh container, NULL),
 * or which of the caller's parameters it is. */
typedef struct call_site {
    int32_t caller, callee;
    uint32_t nargs;
    uint32_t fixed;           /* bit i: argument i is fresh or NULL */
    uint32_t fixed_stack;     /* bit i: argument i is &a_local_struct */
    int8_t param_of[32];      /* argument i is the caller's parameter n, or -1 */
    int8_t member_of[32];     /* argument i is n->f, a member that holds only
                                 private containers when parameter n points
                                 to a stack object; or -1 */
} call_site;

typedef struct site_scan {
    ftc_prov *p;
    ftc_fn_view *view;
    ftc_stmt_pos pos;
    FTC_VEC(call_site) sites;
    unsigned char *taken;     /* per function: its address escapes in code */
} site_scan;

static int scan_sites(const ftc_expr *e, void *ctx)
{
    site_scan *s = ctx;
    const ftc_tu *tu = s->p->tu;
    if (e->kind == FTC_E_REF && e->ref == FTC_REF_FUNCTION && ftc_prov_is_function(tu, e->ref_index))
        s->taken[e->ref_index] = 1;   /* a callback: callers unknown */
    if (e->kind != FTC_E_CALL || e->ref != FTC_REF_FUNCTION || !ftc_prov_is_function(tu, e->ref_index) ||
        s->view == NULL)
        return 0;
    call_site *c = FTC_VEC_PUSH(&s->sites);
    if (c == NULL)
        return 0;
    memset(c, 0, sizeof(*c));
    c->caller = s->view->index;
    c->callee = e->ref_index;
    c->nargs = e->nkids < 32 ? e->nkids : 32;
    /* Only a static function's parameters can be private (a member
     * argument costs a look at the member across the file). */
    const ftc_func *callee = &tu->functions.items[e->ref_index];
    int callee_static = callee->is_static && callee->nblocks > 0;
    for (uint32_t i = 0; i < c->nargs; i++) {
        const ftc_expr *a = ftc_expr_strip(e->kids[i]);
        c->param_of[i] = c->member_of[i] = -1;
        if (a == NULL)
            continue;
        int base = -1;
        if (a->kind == FTC_E_REF && a->ref == FTC_REF_PARAM && a->ref_index >= 0 &&
            a->ref_index < 32)
            c->param_of[i] = (int8_t)a->ref_index;
        else if (a->kind == FTC_E_ADDR_OF && a->nkids == 1 &&
                 ftc_prov_local_struct(s->view, ftc_expr_strip(a->kids[0])))
            c->fixed_stack |= 1u << i;
        else if (ftc_is_null_literal(a) || ftc_prov_creates(s->p, a) ||
                 (a->kind == FTC_E_REF && a->ref == FTC_REF_LOCAL &&
                  ftc_prov_is_fresh(s->p, s->view, a->ref_index, s->pos)))
            c->fixed |= 1u << i;
        else if (a->kind == FTC_E_MEMBER && callee_static &&
                 ftc_prov_member_field_private(s->p, s->view, a, s->pos, &base)) {
            if (base < 0)
                c->fixed |= 1u << i;            /* local_struct.f */
            else
                c->member_of[i] = (int8_t)base; /* param->f */
        }
    }
    return 0;
}

/* Greatest fixed point: a parameter of a static function is private when
 * every call passes a private container in it (and, for a method or slot,
 * when the calling convention makes it the call's own). */
static void find_private_params(ftc_prov *p)
{
    const ftc_tu *tu = p->tu;
    size_t n = tu->functions.count;
    site_scan s = {p, NULL, {0, 0}, {0}, calloc(n + 1, 1)};
    unsigned char *in_globals = calloc(n + 1, 1);
    uint32_t *ncalls = calloc(n + 1, sizeof(uint32_t));
    ftc_fn_view *view = malloc(sizeof(*view));
    if (s.taken == NULL || in_globals == NULL || ncalls == NULL || view == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (fn->nblocks == 0)
            continue;
        ftc_fn_view_init(view, tu, (int32_t)i, p->arena);
        s.view = view;
        for (uint32_t b = 0; b < fn->nblocks; b++)
            for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
                s.pos = (ftc_stmt_pos){b, k};
                ftc_expr_walk(fn->blocks[b].stmts[k], scan_sites, &s);
            }
    }
    for (size_t g = 0; g < tu->globals.count; g++) {
        site_scan t = {p, NULL, {0, 0}, {0}, in_globals};
        if (tu->globals.items[g].init)
            ftc_expr_walk(tu->globals.items[g].init, scan_sites, &t);
        ftc_vec_free(&t.sites);
    }
    for (size_t k = 0; k < s.sites.count; k++)
        ncalls[s.sites.items[k].callee]++;
    /* Start from "all private" where every caller is known, and let each
     * call site take away what it does not pass privately. */
    for (size_t i = 0; i < n; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        int known_callers = fn->is_static && fn->nblocks && !s.taken[i] && ncalls[i] > 0;
        p->private_params[i] = known_callers
                                   ? (in_globals[i] ? p->entry_params[i] : ALL_PARAMS)
                                   : p->entry_params[i];
        p->stack_params[i] = known_callers && !in_globals[i] ? ALL_PARAMS : 0;
        p->known_callers[i] = (unsigned char)(known_callers && !in_globals[i]);
        if (!known_callers)
            ncalls[i] = 0;    /* marks "not propagated" */
    }
    for (int changed = 1, rounds = 0; changed && rounds < 64; rounds++) {
        changed = 0;
        for (size_t k = 0; k < s.sites.count; k++) {
            const call_site *c = &s.sites.items[k];
            if (ncalls[c->callee] == 0)
                continue;
            uint32_t pass = c->fixed, stack = c->fixed_stack;
            for (uint32_t i = 0; i < c->nargs; i++) {
                if (c->member_of[i] >= 0 &&
                    (p->stack_params[c->caller] & (1u << c->member_of[i])))
                    pass |= 1u << i;
                if (c->param_of[i] < 0)
                    continue;
                if (p->private_params[c->caller] & (1u << c->param_of[i]))
                    pass |= 1u << i;
                if (p->stack_params[c->caller] & (1u << c->param_of[i]))
                    stack |= 1u << i;
            }
            /* Parameters beyond the arguments given: none (variadic). */
            uint32_t given = c->nargs < 32 ? (1u << c->nargs) - 1 : ALL_PARAMS;
            uint32_t now = p->private_params[c->callee] & pass & given;
            uint32_t now_stack = p->stack_params[c->callee] & stack & given;
            if (now != p->private_params[c->callee] ||
                now_stack != p->stack_params[c->callee]) {
                p->private_params[c->callee] = now;
                p->stack_params[c->callee] = now_stack;
                changed = 1;
            }
        }
    }
done:
    ftc_vec_free(&s.sites);
    free(s.taken);
    free(in_globals);
    free(ncalls);
    free(view);
}

/* ---- the TU's facts ------------------------------------------------------------------ */

int ftc_prov_init(ftc_prov *p, const ftc_tu *tu, ftc_arena *a)
{
    size_t n = tu->functions.count;
    memset(p, 0, sizeof(*p));
    p->tu = tu;
    p->arena = a;
    p->fresh_return = calloc(n + 1, 1);
    p->entry_params = calloc(n + 1, sizeof(uint32_t));
    p->private_params = calloc(n + 1, sizeof(uint32_t));
    p->stack_params = calloc(n + 1, sizeof(uint32_t));
    p->keeps_params = calloc(n + 1, sizeof(uint32_t));
    p->known_callers = calloc(n + 1, 1);
    p->fields = ftc_prov_fields_new();
    if (!p->fresh_return || !p->entry_params || !p->private_params || !p->stack_params ||
        !p->keeps_params || !p->known_callers || !p->fields) {
        ftc_prov_free(p);
        return -1;
    }
    find_entry_params(p);
    find_kept_params(p);
    find_fresh_returns(p);
    find_private_params(p);
    return 0;
}

void ftc_prov_free(ftc_prov *p)
{
    free(p->fresh_return);
    free(p->entry_params);
    free(p->private_params);
    free(p->stack_params);
    free(p->keeps_params);
    free(p->known_callers);
    p->known_callers = NULL;
    ftc_prov_fields_free(p->fields);
    p->fresh_return = NULL;
    p->entry_params = p->private_params = p->stack_params = p->keeps_params = NULL;
    p->fields = NULL;
}
