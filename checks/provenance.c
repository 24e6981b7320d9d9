/* provenance.c - where a container comes from: see provenance.h. */
#include "provenance.h"

#include <stdlib.h>
#include <string.h>

#include "capi.h"

static int local_struct_type(ftc_fn_view *v, const ftc_expr *e);
static int member_is_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner);

#define ALL_PARAMS 0xffffffffu

/* ---- expression helpers ------------------------------------------------- */

int ftc_is_ref_to_local(const ftc_expr *e, int32_t local)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL && e->ref_index == local;
}

int ftc_is_null_literal(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    return e && e->has_value && e->value == 0 &&
           (e->kind == FTC_E_INT || ftc_expr_has_macro(e, "NULL"));
}

static int is_function(const ftc_tu *tu, int32_t index)
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
           is_function(p->tu, value->ref_index) && p->fresh_return[value->ref_index];
}

typedef struct local_probe {
    const ftc_prov *p;
    int32_t local;
    int found;
    ftc_ref_kind ref;            /* FTC_REF_LOCAL, or FTC_REF_PARAM for summaries */
    int asked_summary;           /* the answer used a function's summary */
} local_probe;

static int is_ref_to(const ftc_expr *e, ftc_ref_kind ref, int32_t index)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_REF && e->ref == ref && e->ref_index == index;
}

/* May the call keep its argument i: store it, return it, hand it on? */
static int call_keeps(const ftc_prov *p, const ftc_expr *call, uint32_t i, int *asked)
{
    if (p && p->keeps_params && call->ref == FTC_REF_FUNCTION &&
        is_function(p->tu, call->ref_index) &&
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
static int for_published(const ftc_prov *p, const ftc_expr *e, int *asked,
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
    local_probe *s = ctx;
    return is_ref_to(operand, s->ref, s->local);
}

/* Does this tree hand `local` to something that may keep it? */
static int publishes(const ftc_expr *e, void *ctx)
{
    local_probe *s = ctx;
    if (for_published(s->p, e, &s->asked_summary, is_probed, s))
        s->found = 1;
    return s->found;
}

/* Does this statement (re)create `local`? */
static int creates_local(const ftc_expr *e, void *ctx)
{
    local_probe *s = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to(e->kids[0], s->ref, s->local) &&
        ftc_prov_creates(s->p, e->kids[1]))
        return s->found = 1;
    if (e->kind == FTC_E_DECL && s->ref == FTC_REF_LOCAL && e->ref == FTC_REF_LOCAL &&
        e->ref_index == s->local &&
        e->nkids == 1 && ftc_prov_creates(s->p, e->kids[0]))
        return s->found = 1;
    return 0;
}

static int probe(const ftc_prov *p, const ftc_expr *e,
                 int (*f)(const ftc_expr *, void *), ftc_ref_kind ref, int32_t local)
{
    local_probe s = {p, local, 0, ref, 0};
    ftc_expr_walk(e, f, &s);
    return s.found;
}

/* Walking back from the use over CFG predecessors: is the local (or the
 * parameter, with ref FTC_REF_PARAM) published on some path before it was
 * last (re)created? A parameter that reaches the use from the function's
 * entry unchanged holds the caller's object: that counts as published. */
static int published_before(const ftc_prov *p, ftc_fn_view *v, ftc_ref_kind ref,
                            int32_t local, ftc_stmt_pos use)
{
    const ftc_func *fn = v->fn;
    if (!need_preds(v))
        return 1;
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
            /* `x = PySequence_List(x)` hands the old x on and makes the
             * new one: the new one is what reaches the use. */
            if (probe(p, stmt, creates_local, ref, local)) {
                stopped = 1;
                break;
            }
            if (probe(p, stmt, publishes, ref, local)) {
                found = 1;
                goto done;
            }
        }
        if (!stopped && ref == FTC_REF_PARAM &&
            v->pred_start[b] == v->pred_start[b + 1]) {
            found = 1;          /* from the entry: the caller's object */
            goto done;
        }
        if (!stopped)
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
    return found;
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
    for (uint32_t b = 0; b < v->fn->nblocks; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nstmts; k++)
            ftc_expr_walk(v->fn->blocks[b].stmts[k], find_assignments, c);
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
    return v->made[local] && !published_before(p, v, FTC_REF_LOCAL, local, use);
}

/* A parameter the function itself sets to a new container on every path
 * before the use (`other = PySequence_List(other);`). */
typedef struct param_assignments {
    const ftc_prov *p;
    int32_t param;
    int creations, others;
} param_assignments;

static int find_param_assignments(const ftc_expr *e, void *ctx)
{
    param_assignments *a = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && is_ref_to(e->kids[0], FTC_REF_PARAM, a->param)) {
        if (ftc_prov_creates(a->p, e->kids[1]))
            a->creations++;
        else if (!ftc_is_null_literal(e->kids[1]))
            a->others++;
    } else if (e->kind == FTC_E_ADDR_OF && e->nkids == 1 &&
               is_ref_to(e->kids[0], FTC_REF_PARAM, a->param)) {
        a->others++;
    }
    return 0;
}

static int param_made_fresh(const ftc_prov *p, ftc_fn_view *v, int32_t param, ftc_stmt_pos use)
{
    param_assignments a = {p, param, 0, 0};
    for (uint32_t b = 0; b < v->fn->nblocks; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nstmts; k++)
            ftc_expr_walk(v->fn->blocks[b].stmts[k], find_param_assignments, &a);
    return a.creations > 0 && a.others == 0 &&
           !published_before(p, v, FTC_REF_PARAM, param, use);
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
        return member_is_private(p, v, owner);
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
    for (uint32_t b = 0; b < v->fn->nblocks && !t.found; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nstmts && !t.found; k++)
            ftc_expr_walk(v->fn->blocks[b].stmts[k], assigns_thread_private, &t);
    return t.found;
}

/* ---- containers in a stack object's members ------------------------------------ */

/* "struct Info *const" -> "Info": the struct a type names, or its pointee. */
static const char *struct_name(ftc_arena *a, const char *type, int *pointer)
{
    if (type == NULL)
        return NULL;
    char buf[256];
    size_t n = 0;
    *pointer = 0;
    for (const char *t = type; *t && n + 1 < sizeof(buf); ) {
        if (strncmp(t, "struct ", 7) == 0) {
            t += 7;
        } else if (strncmp(t, "const", 5) == 0 && (t[5] == ' ' || t[5] == '*' || !t[5])) {
            t += 5;
        } else if (*t == '*') {
            (*pointer)++;
            t++;
        } else if (*t == ' ') {
            t++;
        } else {
            buf[n++] = *t++;
        }
    }
    buf[n] = '\0';
    return n ? ftc_arena_strdup(a, buf) : NULL;
}

/* The declared type of every local, from one walk of the function. */
typedef struct decl_scan {
    ftc_fn_view *v;
    int pass;                    /* 0: count, 1: fill */
} decl_scan;

static int find_decls(const ftc_expr *e, void *ctx)
{
    decl_scan *d = ctx;
    if (e->kind != FTC_E_DECL || e->ref != FTC_REF_LOCAL || e->ref_index < 0)
        return 0;
    if (d->pass == 0) {
        if ((uint32_t)e->ref_index >= d->v->nlocal_types)
            d->v->nlocal_types = (uint32_t)e->ref_index + 1;
    } else if ((uint32_t)e->ref_index < d->v->nlocal_types) {
        d->v->local_types[e->ref_index] = e->type;
    }
    return 0;
}

static const char *local_type(ftc_fn_view *v, int32_t local)
{
    if (!v->types_tried) {
        v->types_tried = 1;
        const ftc_func *fn = v->fn;
        for (int pass = 0; pass < 2; pass++) {
            decl_scan d = {v, pass};
            for (uint32_t b = 0; b < fn->nblocks; b++)
                for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++)
                    ftc_expr_walk(fn->blocks[b].stmts[k], find_decls, &d);
            if (pass == 0) {
                v->local_types = v->arena && v->nlocal_types
                                     ? ftc_arena_alloc(v->arena, sizeof(char *) * v->nlocal_types)
                                     : NULL;
                if (v->local_types == NULL) {
                    v->nlocal_types = 0;
                    break;
                }
                memset(v->local_types, 0, sizeof(char *) * v->nlocal_types);
            }
        }
    }
    return local >= 0 && (uint32_t)local < v->nlocal_types ? v->local_types[local] : NULL;
}

/* Is e a local variable of struct (not pointer, not array) type? */
static int local_struct_type(ftc_fn_view *v, const ftc_expr *e)
{
    if (e == NULL || e->kind != FTC_E_REF || e->ref != FTC_REF_LOCAL)
        return 0;
    const char *t = local_type(v, e->ref_index);
    return t && !strchr(t, '*') && !strchr(t, '[') && !strchr(t, '&') &&
           (strncmp(t, "struct ", 7) == 0 || strchr(t, ' ') == NULL);
}

/* The struct type of a member access's base when the base is a variable:
 * NULL when it is anything else (unknown). */
static const char *base_struct(ftc_arena *a, const ftc_tu *tu, ftc_fn_view *v,
                               const ftc_expr *member)
{
    const ftc_expr *base = member->nkids ? ftc_expr_strip(member->kids[0]) : NULL;
    if (base == NULL || base->kind != FTC_E_REF)
        return NULL;
    const ftc_func *fn = v->fn;
    const char *type = NULL;
    if (base->ref == FTC_REF_PARAM && base->ref_index >= 0 &&
        (uint32_t)base->ref_index < fn->nparams)
        type = fn->params[base->ref_index].type;
    else if (base->ref == FTC_REF_LOCAL)
        type = local_type(v, base->ref_index);
    else if (base->ref == FTC_REF_GLOBAL && base->ref_index >= 0 &&
             (size_t)base->ref_index < tu->globals.count)
        type = tu->globals.items[base->ref_index].type;
    int pointer;
    return struct_name(a, type, &pointer);
}

typedef struct field_fact {
    const char *type, *field;
    int ok;
} field_fact;

struct ftc_field_cache {
    FTC_VEC(field_fact) items;
};

typedef struct field_scan {
    const ftc_prov *p;
    ftc_fn_view *view;
    ftc_stmt_pos pos;
    const char *type, *field;
    int bad;
} field_scan;

/* A member access that may be T.f: the right field name, and a base of
 * type T or of a type we cannot tell. */
static int may_be_field(field_scan *s, const ftc_expr *e)
{
    if (e == NULL || e->kind != FTC_E_MEMBER || e->name == NULL ||
        strcmp(e->name, s->field) != 0)
        return 0;
    const char *t = base_struct(s->p->arena, s->p->tu, s->view, e);
    return t == NULL || strcmp(t, s->type) == 0;
}

static int value_is_fresh(field_scan *s, const ftc_expr *value)
{
    value = ftc_expr_strip(value);
    if (value == NULL || ftc_is_null_literal(value) || ftc_prov_creates(s->p, value))
        return 1;
    return value->kind == FTC_E_REF && value->ref == FTC_REF_LOCAL &&
           ftc_prov_is_fresh(s->p, s->view, value->ref_index, s->pos);
}

/* Every store to T.f must be fresh; every read must stay inside: the
 * container argument of a borrowing call, a container operation, a
 * reference-count operation, a comparison. */
static void scan_field_uses(field_scan *s, const ftc_expr *e, const ftc_expr *parent,
                            uint32_t kid)
{
    if (e == NULL || s->bad)
        return;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && may_be_field(s, ftc_expr_strip(e->kids[0]))) {
        if (!value_is_fresh(s, e->kids[1]))
            s->bad = 1;
        scan_field_uses(s, e->kids[1], e, 1);
        return;
    }
    if (e->kind == FTC_E_INIT_LIST)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (e->kids[i] && e->kids[i]->field && strcmp(e->kids[i]->field, s->field) == 0 &&
                !value_is_fresh(s, e->kids[i]))
                s->bad = 1;
    if (may_be_field(s, e)) {
        const ftc_borrowed_api *api = parent && parent->kind == FTC_E_CALL
                                          ? ftc_capi_borrowed(parent->name) : NULL;
        int inside = parent && ((parent->kind == FTC_E_CALL &&
                                 ((api && api->container_arg == (int)kid) ||
                                  ftc_capi_keeps_no_reference(parent->name, kid))) ||
                                parent->kind == FTC_E_COMPARE ||
                                parent->kind == FTC_E_LOGICAL ||
                                parent->kind == FTC_E_MEMBER);
        if (!inside)
            s->bad = 1;
        return;
    }
    for (uint32_t i = 0; i < e->nkids; i++)
        scan_field_uses(s, e->kids[i], e->kind == FTC_E_CAST ? parent : e,
                        e->kind == FTC_E_CAST ? kid : i);
}

static int field_holds_private(const ftc_prov *p, const char *type, const char *field)
{
    struct ftc_field_cache *c = p->fields;
    for (size_t i = 0; i < c->items.count; i++)
        if (strcmp(c->items.items[i].type, type) == 0 &&
            strcmp(c->items.items[i].field, field) == 0)
            return c->items.items[i].ok;
    const ftc_tu *tu = p->tu;
    field_scan s = {p, malloc(sizeof(ftc_fn_view)), {0, 0}, type, field, 0};
    if (s.view == NULL)
        return 0;
    for (size_t i = 0; i < tu->functions.count && !s.bad; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (fn->nblocks == 0)
            continue;
        ftc_fn_view_init(s.view, tu, (int32_t)i, p->arena);
        for (uint32_t b = 0; b < fn->nblocks && !s.bad; b++)
            for (uint32_t k = 0; k < fn->blocks[b].nstmts && !s.bad; k++) {
                s.pos = (ftc_stmt_pos){b, k};
                scan_field_uses(&s, fn->blocks[b].stmts[k], NULL, 0);
            }
    }
    free(s.view);
    field_fact *f = FTC_VEC_PUSH(&c->items);
    if (f)
        *f = (field_fact){type, field, !s.bad};
    return !s.bad;
}

/* owner is base.f or base->f: is base a stack object of this call (a
 * local struct, or a parameter every caller points at one of theirs), and
 * does f only ever hold fresh containers that stay inside? */
static int member_is_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner)
{
    const ftc_expr *base = owner->nkids ? ftc_expr_strip(owner->kids[0]) : NULL;
    if (base == NULL || base->kind != FTC_E_REF || owner->name == NULL)
        return 0;
    int on_stack = owner->value == 0 ? local_struct_type(v, base)
                                     : base->ref == FTC_REF_PARAM && base->ref_index >= 0 &&
                                           base->ref_index < 32 &&
                                           (p->stack_params[v->index] & (1u << base->ref_index));
    if (!on_stack)
        return 0;
    const char *type = base_struct(p->arena, p->tu, v, owner);
    return type && field_holds_private(p, type, owner->name);
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
            if (is_ref_to(e->kids[i], h->ref, h->index) &&
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
    for (uint32_t b = 0; b < v->fn->nblocks && !h.found; b++)
        for (uint32_t k = 0; k < v->fn->blocks[b].nstmts && !h.found; k++)
            ftc_expr_walk(v->fn->blocks[b].stmts[k], stores_local, &h);
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
        for (uint32_t b = 0; b < v->fn->nblocks; b++)
            for (uint32_t k = 0; k < v->fn->blocks[b].nstmts; k++)
                ftc_expr_walk(v->fn->blocks[b].stmts[k], find_plain, &s);
        v->plain[local] = s.plain > 0 && s.other == 0;
    }
    return v->plain[local];
}

/* ---- entry points: which parameters are the call's own ----------------------- */

#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_FASTCALL 0x0080
#define METH_METHOD 0x0200

static void mark_entry(ftc_prov *p, int32_t fn, uint32_t params)
{
    if (is_function(p->tu, fn))
        p->entry_params[fn] |= params;
}

static void scan_method_table(ftc_prov *p, const ftc_expr *list)
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
            mark_entry(p, fn, 1u << 4);                /* kwnames */
        else if ((f & METH_FASTCALL) && (f & METH_KEYWORDS))
            mark_entry(p, fn, 1u << 3);                /* kwnames */
        else if (f & METH_VARARGS)
            mark_entry(p, fn, (1u << 1) | ((f & METH_KEYWORDS) ? 1u << 2 : 0));
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
            scan_method_table(p, init);
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
        is_function(k->p->tu, e->ref_index) &&
        k->p->tu->functions.items[e->ref_index].nblocks > 0)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (is_pending_param(e->kids[i], k))
                k->asked |= k->current;
    /* every published operand, not just the first */
    for (;;) {
        int asked = 0;
        k->current = 0;
        if (!for_published(k->p, e, &asked, is_pending_param, k))
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
    if (e->kind == FTC_E_REF && e->ref == FTC_REF_FUNCTION && is_function(tu, e->ref_index))
        s->taken[e->ref_index] = 1;   /* a callback: callers unknown */
    if (e->kind != FTC_E_CALL || e->ref != FTC_REF_FUNCTION || !is_function(tu, e->ref_index) ||
        s->view == NULL)
        return 0;
    call_site *c = FTC_VEC_PUSH(&s->sites);
    if (c == NULL)
        return 0;
    memset(c, 0, sizeof(*c));
    c->caller = s->view->index;
    c->callee = e->ref_index;
    c->nargs = e->nkids < 32 ? e->nkids : 32;
    for (uint32_t i = 0; i < c->nargs; i++) {
        const ftc_expr *a = ftc_expr_strip(e->kids[i]);
        c->param_of[i] = -1;
        if (a == NULL)
            continue;
        if (a->kind == FTC_E_REF && a->ref == FTC_REF_PARAM && a->ref_index >= 0 &&
            a->ref_index < 32)
            c->param_of[i] = (int8_t)a->ref_index;
        else if (a->kind == FTC_E_ADDR_OF && a->nkids == 1 &&
                 local_struct_type(s->view, ftc_expr_strip(a->kids[0])))
            c->fixed_stack |= 1u << i;
        else if (ftc_is_null_literal(a) || ftc_prov_creates(s->p, a) ||
                 (a->kind == FTC_E_REF && a->ref == FTC_REF_LOCAL &&
                  ftc_prov_is_fresh(s->p, s->view, a->ref_index, s->pos)))
            c->fixed |= 1u << i;
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
    p->fields = calloc(1, sizeof(*p->fields));
    if (!p->fresh_return || !p->entry_params || !p->private_params || !p->stack_params ||
        !p->keeps_params || !p->fields) {
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
    if (p->fields)
        ftc_vec_free(&p->fields->items);
    free(p->fields);
    p->fresh_return = NULL;
    p->entry_params = p->private_params = p->stack_params = p->keeps_params = NULL;
    p->fields = NULL;
}
