/* provenance.c - where a container comes from: see provenance.h. */
#include "provenance.h"

#include <stdlib.h>
#include <string.h>

#include "capi.h"
#include "prov_internal.h"

/* ---- expression helpers ------------------------------------------------- */

int ftc_is_ref_to(const ftc_expr *e, ftc_ref_kind ref, int32_t index)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == ref && e->ref_index == index;
}

int ftc_is_ref_to_local(const ftc_expr *e, int32_t local)
{
    return ftc_is_ref_to(e, FTC_REF_LOCAL, local);
}

int ftc_is_null_literal(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    if (e && e->kind == FTC_E_IMPLICIT_ZERO)
        return 1;   /* a member `= {0}` leaves out */
    return e && e->has_value && e->value == 0 &&
           (e->kind == FTC_E_INT || ftc_expr_has_macro(e, "NULL"));
}

int ftc_prov_is_function(const ftc_tu *tu, int32_t index)
{
    return index >= 0 && (size_t)index < tu->functions.count;
}

/* ---- CFG predecessors ----------------------------------------------------- */

void ftc_fn_view_init(ftc_fn_view *v, const ftc_tu *tu, int32_t index, ftc_arena *a)
{
    v->fn = &tu->functions.items[index];
    v->index = index;
    v->arena = a;
    v->preds_tried = 0;
    v->pred_start = v->preds = NULL;
    v->local_types = NULL;
    v->nlocal_types = 0;
    v->types_tried = 0;
    v->params_classified = 0;
    v->params_made = 0;
    memset(v->plain, -1, sizeof(v->plain));
    memset(v->made, -1, sizeof(v->made));
}

/* The predecessors, on first use; 0 when they cannot be had. */
static int need_preds(ftc_fn_view *v)
{
    if (v->preds_tried)
        return v->pred_start != NULL;
    v->preds_tried = 1;
    if (v->arena == NULL)
        return 0;
    uint32_t n = v->fn->nblocks;
    uint32_t total = 0;
    for (uint32_t b = 0; b < n; b++)
        total += v->fn->blocks[b].nsuccs;
    int32_t *start = ftc_arena_alloc(v->arena, sizeof(int32_t) * (n + 1));
    int32_t *preds = ftc_arena_alloc(v->arena, sizeof(int32_t) * (total + 1));
    int32_t *fill = calloc(n + 1, sizeof(int32_t));
    if (start == NULL || preds == NULL || fill == NULL) {
        free(fill);
        return 0;     /* no predecessors: walks assume the worst */
    }
    memset(start, 0, sizeof(int32_t) * (n + 1));
    for (uint32_t b = 0; b < n; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nsuccs; k++) {
            int32_t t = v->fn->blocks[b].succs[k];
            if (t >= 0 && (uint32_t)t < n)
                start[t + 1]++;
        }
    for (uint32_t b = 0; b < n; b++)
        start[b + 1] += start[b];
    for (uint32_t b = 0; b < n; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nsuccs; k++) {
            int32_t t = v->fn->blocks[b].succs[k];
            if (t >= 0 && (uint32_t)t < n)
                preds[start[t] + fill[t]++] = (int32_t)b;
        }
    free(fill);
    v->pred_start = start;
    v->preds = preds;
    return 1;
}

/* ---- fresh containers ------------------------------------------------------ */

int ftc_prov_creates(const ftc_prov *p, const ftc_expr *value)
{
    value = ftc_expr_strip(value);
    if (value == NULL)
        return 0;
    if (value->kind == FTC_E_CONDITIONAL && value->nkids == 3)
        return ftc_prov_creates(p, value->kids[1]) && ftc_prov_creates(p, value->kids[2]);
    if (value->kind != FTC_E_CALL)
        return 0;
    if (ftc_capi_creates_container(value->name))
        return 1;
    switch (ftc_capi_fresh_if(value->name)) {
    case 0:
        return value->nkids >= 1 && ftc_prov_creates(p, value->kids[0]);
    case 1: {
        const ftc_expr *fmt = value->nkids ? ftc_expr_strip(value->kids[0]) : NULL;
        return fmt && fmt->kind == FTC_E_STRING &&
               ftc_capi_build_value_is_container(fmt->name);
    }
    default:
        break;
    }
    return p && p->fresh_return && value->ref == FTC_REF_FUNCTION &&
           ftc_prov_is_function(p->tu, value->ref_index) && p->fresh_return[value->ref_index];
}

typedef struct local_probe {
    const ftc_prov *p;
    int32_t local;
    int found;
    ftc_ref_kind ref;            /* FTC_REF_LOCAL, or FTC_REF_PARAM for summaries */
    int asked_summary;           /* the answer used a function's summary */
    const char *field;           /* probe local.field instead of local */
} local_probe;

/* Is e the probed variable, or its probed member (local.field)? */
static int is_probe_target(const local_probe *s, const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    if (s->field == NULL)
        return ftc_is_ref_to(e, s->ref, s->local);
    return e && e->kind == FTC_E_MEMBER && e->value == 0 && e->name &&
           strcmp(e->name, s->field) == 0 && e->nkids == 1 &&
           ftc_is_ref_to(e->kids[0], s->ref, s->local);
}

/* May the call keep its argument i: store it, return it, hand it on? */
static int call_keeps(const ftc_prov *p, const ftc_expr *call, uint32_t i, int *asked)
{
    if (p && p->keeps_params && call->ref == FTC_REF_FUNCTION &&
        ftc_prov_is_function(p->tu, call->ref_index) &&
        p->tu->functions.items[call->ref_index].nblocks > 0) {
        *asked = 1;
        return i >= 32 || (p->keeps_params[call->ref_index] & (1u << i));
    }
    return !ftc_capi_keeps_no_reference(call->name, i);
}

/* The operand node e hands to something that may keep it, one at a time
 * through f: the stored value of a store outside the locals (g = x,
 * g = Py_NewRef(x)), a returned value, an argument a call may keep.
 * Stops when f returns non-zero. *asked is set when the answer used a
 * function's summary. */
int ftc_prov_for_published(const ftc_prov *p, const ftc_expr *e, int *asked,
                           int (*f)(const ftc_expr *operand, void *ctx), void *ctx)
{
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2) {
        const ftc_expr *rhs = ftc_expr_strip(e->kids[1]);
        if (rhs && rhs->kind == FTC_E_CALL && ftc_capi_is_incref(rhs->name) && rhs->nkids == 1)
            rhs = rhs->kids[0];
        const ftc_expr *lhs = ftc_expr_strip(e->kids[0]);
        if (rhs && !(lhs && lhs->kind == FTC_E_REF && lhs->ref == FTC_REF_LOCAL) && f(rhs, ctx))
            return 1;
    }
    if (e->kind == FTC_E_RETURN && e->nkids == 1 && e->kids[0] && f(e->kids[0], ctx))
        return 1;
    if (e->kind == FTC_E_CALL)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (e->kids[i] && f(e->kids[i], ctx) && call_keeps(p, e, i, asked))
                return 1;
    return 0;
}

static int is_probed(const ftc_expr *operand, void *ctx)
{
    return is_probe_target(ctx, operand);
}

/* Does this tree hand `local` to something that may keep it? */
static int publishes(const ftc_expr *e, void *ctx)
{
    local_probe *s = ctx;
    if (ftc_prov_for_published(s->p, e, &s->asked_summary, is_probed, s))
        s->found = 1;
    return s->found;
}

/* Does this statement (re)create `local`? */
static int creates_local(const ftc_expr *e, void *ctx)
{
    local_probe *s = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_probe_target(s, e->kids[0]) &&
        ftc_prov_creates(s->p, e->kids[1]))
        return s->found = 1;
    if (e->kind == FTC_E_DECL && s->field == NULL && s->ref == FTC_REF_LOCAL &&
        e->ref == FTC_REF_LOCAL &&
        e->ref_index == s->local &&
        e->nkids == 1 && ftc_prov_creates(s->p, e->kids[0]))
        return s->found = 1;
    return 0;
}

static int probe(const ftc_prov *p, const ftc_expr *e, int (*f)(const ftc_expr *, void *),
                 ftc_ref_kind ref, int32_t local, const char *field)
{
    local_probe s = {p, local, 0, ref, 0, field};
    ftc_expr_walk(e, f, &s);
    return s.found;
}

/* What a backward walk makes of one statement. */
typedef enum back_step {
    BACK_ON,                     /* nothing here: keep walking this path */
    BACK_DONE,                   /* this path is settled, and fine */
    BACK_FAIL                    /* this path is not fine: stop */
} back_step;

/* Walk back from `use` over CFG predecessors, statement by statement
 * (latest first), asking `step` of each. 1 when some path fails: a step
 * says so, or the path reaches the function's entry and entry_fails. */
static int walk_back(ftc_fn_view *v, ftc_stmt_pos use,
                     back_step (*step)(const ftc_expr *stmt, void *ctx), void *ctx,
                     int entry_fails)
{
    const ftc_func *fn = v->fn;
    if (!need_preds(v))
        return 1;
    unsigned char *seen = calloc(fn->nblocks + 1, 1);
    int32_t *stack = malloc(sizeof(int32_t) * (fn->nblocks + 1));
    int failed = 0;
    if (seen == NULL || stack == NULL) {
        failed = 1;
        goto done;
    }
    uint32_t top = 0;
    int32_t b = (int32_t)use.block;
    int32_t from = (int32_t)use.index - 1;
    for (;;) {
        int settled = 0;
        for (int32_t k = from; k >= 0 && !settled; k--) {
            back_step r = step(fn->blocks[b].stmts[k], ctx);
            if (r == BACK_FAIL) {
                failed = 1;
                goto done;
            }
            settled = r == BACK_DONE;
        }
        if (!settled && entry_fails && v->pred_start[b] == v->pred_start[b + 1]) {
            failed = 1;
            goto done;
        }
        if (!settled)
            for (int32_t i = v->pred_start[b]; i < v->pred_start[b + 1]; i++)
                if (!seen[v->preds[i]]) {
                    seen[v->preds[i]] = 1;
                    stack[top++] = v->preds[i];
                }
        if (top == 0)
            break;
        b = stack[--top];
        from = (int32_t)fn->blocks[b].nstmts - 1;
    }
done:
    free(seen);
    free(stack);
    return failed;
}

typedef struct publish_walk {
    const ftc_prov *p;
    ftc_ref_kind ref;
    int32_t local;
    const char *field;
} publish_walk;

static back_step publish_step(const ftc_expr *stmt, void *ctx)
{
    publish_walk *w = ctx;
    /* `x = PySequence_List(x)` hands the old x on and makes the new one:
     * the new one is what reaches the use. */
    if (probe(w->p, stmt, creates_local, w->ref, w->local, w->field))
        return BACK_DONE;
    return probe(w->p, stmt, publishes, w->ref, w->local, w->field) ? BACK_FAIL : BACK_ON;
}

/* Walking back from the use: is the local (or the parameter, with ref
 * FTC_REF_PARAM; or the local struct's member `field`) published on some
 * path before it was last (re)created? A parameter that reaches the use
 * from the function's entry unchanged holds the caller's object: that
 * counts as published. */
static int published_before(const ftc_prov *p, ftc_fn_view *v, ftc_ref_kind ref,
                            int32_t local, const char *field, ftc_stmt_pos use)
{
    publish_walk w = {p, ref, local, field};
    return walk_back(v, use, publish_step, &w, ref == FTC_REF_PARAM);
}

/* ---- a local that is NULL on every path --------------------------------------- */

typedef struct null_walk {
    int32_t local;
    int result;                  /* of the statement at hand */
} null_walk;

static int null_probe(const ftc_expr *e, void *ctx)
{
    null_walk *w = ctx;
    const ftc_expr *value = NULL;
    int assigns = 0;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_is_ref_to_local(e->kids[0], w->local)) {
        assigns = 1;
        value = e->kids[1];
    } else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == w->local) {
        assigns = 1;
        value = e->nkids == 1 ? e->kids[0] : NULL;
    }
    if (assigns)
        w->result = value && ftc_is_null_literal(value) ? BACK_DONE : BACK_FAIL;
    return assigns;
}

static back_step null_step(const ftc_expr *stmt, void *ctx)
{
    null_walk *w = ctx;
    w->result = BACK_ON;
    ftc_expr_walk(stmt, null_probe, w);
    return (back_step)w->result;
}

static int address_taken(const ftc_expr *e, void *ctx)
{
    const int32_t *local = ctx;
    return e->kind == FTC_E_ADDR_OF && e->nkids == 1 && ftc_is_ref_to_local(e->kids[0], *local);
}

int ftc_prov_null_at(ftc_fn_view *v, const ftc_expr *e, ftc_stmt_pos at)
{
    e = ftc_expr_strip(e);
    if (e == NULL || e->kind != FTC_E_REF || e->ref != FTC_REF_LOCAL)
        return 0;
    int32_t local = e->ref_index;
    if (ftc_func_walk(v->fn, address_taken, &local))
        return 0;
    null_walk w = {local, BACK_ON};
    return !walk_back(v, at, null_step, &w, 1);
}

int ftc_prov_member_published_before(const ftc_prov *p, ftc_fn_view *v, int32_t local,
                                     const char *field, ftc_stmt_pos use)
{
    return published_before(p, v, FTC_REF_LOCAL, local, field, use);
}

/* Per local of one function: how many assignments make a new container,
 * how many bring anything else. One walk answers for every local. */
typedef struct creation_search {
    const ftc_prov *p;
    uint16_t creations[256];
    uint16_t others[256];
} creation_search;

static void count_assignment(creation_search *s, int32_t local, int created)
{
    if (local < 0 || local >= 256)
        return;
    uint16_t *n = created ? &s->creations[local] : &s->others[local];
    if (*n < UINT16_MAX)
        (*n)++;
}

int ftc_prov_inside_macro(const ftc_tu *tu, ftc_loc at, const char *const *names)
{
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        if (u->range.begin.file != at.file || at.offset < u->range.begin.offset ||
            at.offset > u->range.end.offset)
            continue;
        for (const char *const *n = names; *n; n++)
            if (strcmp(u->name, *n) == 0)
                return 1;
    }
    return 0;
}

/* Py_CLEAR(x), Py_SETREF(x, v), Py_XSETREF(x, v) take &x inside their own
 * expansion (3.12+ headers); that address does not escape. */
static int inside_setref_macro(const ftc_tu *tu, ftc_loc at)
{
    static const char *const setref[] = {"Py_CLEAR", "Py_SETREF", "Py_XSETREF", NULL};
    return ftc_prov_inside_macro(tu, at, setref);
}

static void note_assignment(creation_search *s, int32_t local, const ftc_expr *value)
{
    if (ftc_is_null_literal(value))
        return;     /* `PyObject *x = NULL;` holds no container */
    count_assignment(s, local, ftc_prov_creates(s->p, value));
}

static int local_of(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL ? e->ref_index : -1;
}

static int find_assignments(const ftc_expr *e, void *ctx)
{
    creation_search *s = ctx;
    int32_t local;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && (local = local_of(e->kids[0])) >= 0)
        note_assignment(s, local, e->kids[1]);
    else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->nkids == 1)
        note_assignment(s, e->ref_index, e->kids[0]);
    else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 && (local = local_of(e->kids[0])) >= 0 &&
             !inside_setref_macro(s->p->tu, e->range.begin))
        count_assignment(s, local, 0);   /* filled in through a pointer: origin unknown */
    return 0;
}

/* For every local: does each assignment make a new container? */
static void classify_locals(const ftc_prov *p, ftc_fn_view *v)
{
    creation_search *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        memset(v->made, 0, sizeof(v->made));
        return;
    }
    c->p = p;
    ftc_func_walk(v->fn, find_assignments, c);
    for (int i = 0; i < 256; i++)
        v->made[i] = (signed char)(c->creations[i] > 0 && c->others[i] == 0);
    free(c);
}

int ftc_prov_is_fresh(const ftc_prov *p, ftc_fn_view *v, int32_t local,
                      ftc_stmt_pos use)
{
    if (local < 0 || local >= (int32_t)sizeof(v->made))
        return 0;
    if (v->made[local] < 0)
        classify_locals(p, v);
    return v->made[local] && !published_before(p, v, FTC_REF_LOCAL, local, NULL, use);
}

/* A parameter the function itself sets to a new container on every path
 * before the use (`other = PySequence_List(other);`). */
/* For every parameter at once: is each assignment to it a new container
 * (and its address never taken)? One walk per function, on first need. */
typedef struct param_assignments {
    const ftc_prov *p;
    uint16_t creations[32], others[32];
} param_assignments;

static int param_of(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_PARAM && e->ref_index >= 0 &&
                   e->ref_index < 32
               ? e->ref_index
               : -1;
}

static int find_param_assignments(const ftc_expr *e, void *ctx)
{
    param_assignments *a = ctx;
    int param;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && (param = param_of(e->kids[0])) >= 0) {
        if (ftc_prov_creates(a->p, e->kids[1]))
            a->creations[param]++;
        else if (!ftc_is_null_literal(e->kids[1]))
            a->others[param]++;
    } else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 && (param = param_of(e->kids[0])) >= 0) {
        a->others[param]++;
    }
    return 0;
}

static int param_made_fresh(const ftc_prov *p, ftc_fn_view *v, int32_t param, ftc_stmt_pos use)
{
    if (param < 0 || param >= 32)
        return 0;
    if (!v->params_classified) {
        v->params_classified = 1;
        param_assignments a;
        memset(&a, 0, sizeof(a));
        a.p = p;
        ftc_func_walk(v->fn, find_param_assignments, &a);
        for (int i = 0; i < 32; i++)
            if (a.creations[i] > 0 && a.others[i] == 0)
                v->params_made |= 1u << i;
    }
    return (v->params_made & (1u << param)) &&
           !published_before(p, v, FTC_REF_PARAM, param, NULL, use);
}

static int param_is_private(const ftc_prov *p, int32_t fn, const ftc_expr *e)
{
    return e->kind == FTC_E_REF && e->ref == FTC_REF_PARAM && e->ref_index >= 0 &&
           e->ref_index < 32 && p->private_params &&
           (p->private_params[fn] & (1u << e->ref_index));
}

int ftc_prov_is_private(const ftc_prov *p, ftc_fn_view *v,
                        const ftc_expr *owner, ftc_stmt_pos use)
{
    owner = ftc_expr_strip(owner);
    if (owner == NULL)
        return 0;
    if (param_is_private(p, v->index, owner))
        return 1;
    if (ftc_prov_creates(p, owner))
        return 1;   /* PyDict_GetItem(PyDict_Copy(d), k) */
    if (owner->kind == FTC_E_MEMBER)
        return ftc_prov_member_is_private(p, v, owner, use);
    if (owner->kind == FTC_E_REF && owner->ref == FTC_REF_PARAM)
        return param_made_fresh(p, v, owner->ref_index, use);
    return owner->kind == FTC_E_REF && owner->ref == FTC_REF_LOCAL &&
           ftc_prov_is_fresh(p, v, owner->ref_index, use);
}

typedef struct thread_probe {
    int32_t local;
    int found;
} thread_probe;

static int assigns_thread_private(const ftc_expr *e, void *ctx)
{
    thread_probe *s = ctx;
    const ftc_expr *value = NULL;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_is_ref_to_local(e->kids[0], s->local))
        value = ftc_expr_strip(e->kids[1]);
    else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local &&
             e->nkids == 1)
        value = ftc_expr_strip(e->kids[0]);
    if (value && value->kind == FTC_E_CALL && ftc_capi_thread_private(value->name))
        s->found = 1;
    return s->found;
}

int ftc_prov_code_can_reach(const ftc_prov *p, ftc_fn_view *v,
                            const ftc_expr *owner, ftc_stmt_pos use)
{
    owner = ftc_expr_strip(owner);
    if (owner == NULL || !ftc_prov_is_private(p, v, owner, use))
        return 1;
    if (owner->kind == FTC_E_CALL)
        return ftc_capi_thread_private(owner->name);
    if (owner->kind != FTC_E_REF || owner->ref != FTC_REF_LOCAL)
        return 0;
    thread_probe t = {owner->ref_index, 0};
    ftc_func_walk(v->fn, assigns_thread_private, &t);
    return t.found;
}

/* ---- a second reference to what a member or global holds ------------------ */

typedef struct source_scan {
    int32_t local;
    int increfs;                 /* Py_INCREF(local) seen */
    int unsafe;                  /* a call that can run code, or a store to
                                    a member or global */
} source_scan;

static int scan_between(const ftc_expr *e, void *ctx)
{
    source_scan *s = ctx;
    if (e->kind == FTC_E_CALL) {
        if (ftc_capi_is_incref(e->name) && e->nkids >= 1 && ftc_is_ref_to_local(e->kids[0], s->local))
            s->increfs = 1;
        else if (!e->name || (!ftc_capi_borrowed(e->name) && !ftc_capi_is_incref(e->name) &&
                              ftc_capi_call_danger(e->name) != FTC_DANGER_NONE))
            s->unsafe = 1;
    }
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2) {
        const ftc_expr *lhs = ftc_expr_strip(e->kids[0]);
        if (lhs && !(lhs->kind == FTC_E_REF && lhs->ref == FTC_REF_LOCAL))
            s->unsafe = 1;
    }
    return s->unsafe;
}

int ftc_prov_held_by_source(ftc_fn_view *v, const ftc_expr *e, ftc_stmt_pos at)
{
    e = ftc_expr_strip(e);
    if (e == NULL || e->kind != FTC_E_REF || e->ref != FTC_REF_LOCAL || at.block >= v->fn->nblocks)
        return 0;
    const ftc_block *b = &v->fn->blocks[at.block];
    source_scan s = {e->ref_index, 0, 0};
    for (uint32_t k = at.index; k-- > 0;) {
        const ftc_expr *stmt = ftc_expr_strip(b->stmts[k]);
        const ftc_expr *value = NULL;
        if (stmt && stmt->kind == FTC_E_ASSIGN && stmt->nkids == 2 &&
            ftc_is_ref_to_local(stmt->kids[0], s.local))
            value = stmt->kids[1];
        else if (stmt && stmt->kind == FTC_E_DECL && stmt->ref == FTC_REF_LOCAL &&
                 stmt->ref_index == s.local && stmt->nkids == 1)
            value = stmt->kids[0];
        if (value) {
            value = ftc_expr_strip(value);
            return s.increfs && value &&
                   (value->kind == FTC_E_MEMBER ||
                    (value->kind == FTC_E_REF && value->ref == FTC_REF_GLOBAL));
        }
        ftc_expr_walk(stmt, scan_between, &s);
        if (s.unsafe)
            return 0;
    }
    return 0;
}

/* ---- objects a container holds ------------------------------------------------- */

typedef struct held_probe {
    ftc_ref_kind ref;
    int32_t index;
    uint32_t before;
    int found;
} held_probe;

static int stores_local(const ftc_expr *e, void *ctx)
{
    held_probe *h = ctx;
    if (e->kind == FTC_E_CALL && e->range.begin.offset < h->before)
        for (uint32_t i = 1; i < e->nkids; i++)
            if (ftc_is_ref_to(e->kids[i], h->ref, h->index) &&
                ftc_capi_stores_new_reference(e->name, i))
                return h->found = 1;
    return 0;
}

int ftc_prov_held_by_container(ftc_fn_view *v, const ftc_expr *e, uint32_t before)
{
    e = ftc_expr_strip(e);
    if (e == NULL || e->kind != FTC_E_REF ||
        (e->ref != FTC_REF_LOCAL && e->ref != FTC_REF_PARAM))
        return 0;
    held_probe h = {e->ref, e->ref_index, before, 0};
    ftc_func_walk(v->fn, stores_local, &h);
    return h.found;
}

/* ---- plain values ------------------------------------------------------------ */

typedef struct plain_search {
    int32_t local;
    int plain, other;
} plain_search;

/* Py_BuildValue("n", x) and the like: one number, string or bytes. */
static int builds_plain_value(const ftc_expr *call)
{
    if (ftc_capi_fresh_if(call->name) != 1 || call->nkids == 0)
        return 0;
    const ftc_expr *fmt = ftc_expr_strip(call->kids[0]);
    if (fmt == NULL || fmt->kind != FTC_E_STRING || fmt->name == NULL)
        return 0;
    const char *f = fmt->name;
    while (*f == ' ')
        f++;
    return f[0] && strchr("iInlkLKdfsyzuCcbBhHp", f[0]) &&
           (f[1] == '\0' || (f[1] == '#' && f[2] == '\0'));
}

static int makes_plain(const ftc_expr *v)
{
    v = ftc_expr_strip(v);
    return v && ((v->kind == FTC_E_CALL && (ftc_capi_makes_plain_value(v->name) ||
                                            builds_plain_value(v))) ||
                 v->kind == FTC_E_STRING || ftc_expr_has_macro(v, "Py_None") ||
                 ftc_expr_has_macro(v, "Py_True") || ftc_expr_has_macro(v, "Py_False") ||
                 ftc_expr_has_macro(v, "Py_Ellipsis") ||
                 ftc_expr_has_macro(v, "Py_NotImplemented"));
}

static int find_plain(const ftc_expr *e, void *ctx)
{
    plain_search *s = ctx;
    const ftc_expr *value = NULL;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_is_ref_to_local(e->kids[0], s->local))
        value = e->kids[1];
    else if (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local &&
             e->nkids == 1)
        value = e->kids[0];
    else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 && ftc_is_ref_to_local(e->kids[0], s->local))
        s->other++;
    if (value && !ftc_is_null_literal(value)) {
        if (makes_plain(value))
            s->plain++;
        else
            s->other++;
    }
    return 0;
}

int ftc_prov_is_plain(ftc_fn_view *v, const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    if (e == NULL)
        return 0;
    if (makes_plain(e))
        return 1;
    if (e->kind != FTC_E_REF || e->ref != FTC_REF_LOCAL || e->ref_index < 0 ||
        e->ref_index >= (int32_t)sizeof(v->plain))
        return 0;
    int32_t local = e->ref_index;
    if (v->plain[local] < 0) {
        plain_search s = {local, 0, 0};
        ftc_func_walk(v->fn, find_plain, &s);
        v->plain[local] = s.plain > 0 && s.other == 0;
    }
    return v->plain[local];
}
