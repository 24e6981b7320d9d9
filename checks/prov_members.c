/* prov_members.c - containers kept in a stack object's members.
 *
 * `info.dict` of a local struct, or `info->dict` where every caller passes
 * `&local_struct` (a parameter summary), holds a private container when
 * every store to that member anywhere in the file is a fresh container (or
 * NULL) and no read lets it out: borrowing calls, container operations,
 * reference counting (Py_CLEAR too), comparisons and helpers of this
 * file that keep nothing of their argument are the only reads allowed,
 * but for the owner of a local struct handing the member on once its
 * helpers are done with it. A struct member is told apart by the base variable's declared type; a base whose
 * type is unknown counts as every struct's. */
#include <stdlib.h>
#include <string.h>

#include "callgraph.h"
#include "capi.h"
#include "prov_internal.h"
#include "provenance.h"

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
            ftc_func_walk(fn, find_decls, &d);
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
int ftc_prov_local_struct(ftc_fn_view *v, const ftc_expr *e)
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

/* One place a member name appears: a member access, or an initialiser
 * list's element for that field. */
typedef struct member_use {
    const char *name;
    int32_t fn;
    ftc_stmt_pos pos;
    const ftc_expr *node;
    const ftc_expr *parent;      /* through casts; NULL: the whole statement */
    uint32_t kid;                /* node's index in parent */
    int init;                    /* node is an initialiser list's element */
} member_use;

struct ftc_field_cache {
    FTC_VEC(field_fact) items;
    int indexed;
    FTC_VEC(member_use) uses;    /* every member use in the file, by name */
    int names_made;
    FTC_VEC(const char *) filled;  /* names of members some store gives a
                                      new container or a local, sorted */
};

struct ftc_field_cache *ftc_prov_fields_new(void)
{
    return calloc(1, sizeof(struct ftc_field_cache));
}

void ftc_prov_fields_free(struct ftc_field_cache *c)
{
    if (c) {
        ftc_vec_free(&c->items);
        ftc_vec_free(&c->uses);
        ftc_vec_free(&c->filled);
    }
    free(c);
}

/* ---- which member names can hold a new container at all --------------- */

typedef struct filled_scan {
    const ftc_prov *p;
    struct ftc_field_cache *c;
} filled_scan;

static int may_fill(const ftc_prov *p, const ftc_expr *value)
{
    value = ftc_expr_strip(value);
    return value && ((value->kind == FTC_E_REF && value->ref == FTC_REF_LOCAL) ||
                     ftc_prov_creates(p, value));
}

static void add_filled(filled_scan *f, const char *name)
{
    const char **slot = name ? FTC_VEC_PUSH(&f->c->filled) : NULL;
    if (slot)
        *slot = name;
}

static int find_filled(const ftc_expr *e, void *ctx)
{
    filled_scan *f = ctx;
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && may_fill(f->p, e->kids[1])) {
        const ftc_expr *lhs = ftc_expr_strip(e->kids[0]);
        if (lhs && lhs->kind == FTC_E_MEMBER)
            add_filled(f, lhs->name);
    }
    if (e->kind == FTC_E_INIT_LIST)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (e->kids[i] && e->kids[i]->field && may_fill(f->p, e->kids[i]))
                add_filled(f, e->kids[i]->field);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Most members never hold a container this file makes: one walk of the
 * TU lists those that may, so the rest cost a lookup. */
static int may_hold_fresh(const ftc_prov *p, const char *field)
{
    struct ftc_field_cache *c = p->fields;
    if (!c->names_made) {
        c->names_made = 1;
        filled_scan f = {p, c};
        for (size_t i = 0; i < p->tu->functions.count; i++)
            ftc_func_walk(&p->tu->functions.items[i], find_filled, &f);
        if (c->filled.count)
            qsort(c->filled.items, c->filled.count, sizeof(char *), cmp_name);
    }
    return c->filled.count &&
           bsearch(&field, c->filled.items, c->filled.count, sizeof(char *), cmp_name) != NULL;
}

typedef struct index_walk {
    struct ftc_field_cache *c;
    int32_t fn;
    ftc_stmt_pos pos;
} index_walk;

static void add_use(index_walk *w, const char *name, const ftc_expr *node,
                    const ftc_expr *parent, uint32_t kid, int init)
{
    member_use *u = name ? FTC_VEC_PUSH(&w->c->uses) : NULL;
    if (u)
        *u = (member_use){name, w->fn, w->pos, node, parent, kid, init};
}

static void index_uses(index_walk *w, const ftc_expr *e, const ftc_expr *parent, uint32_t kid)
{
    if (e == NULL)
        return;
    if (e->kind == FTC_E_MEMBER)
        add_use(w, e->name, e, parent, kid, 0);
    if (e->kind == FTC_E_INIT_LIST)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (e->kids[i] && e->kids[i]->field)
                add_use(w, e->kids[i]->field, e->kids[i], e, i, 1);
    for (uint32_t i = 0; i < e->nkids; i++)
        index_uses(w, e->kids[i], e->kind == FTC_E_CAST ? parent : e,
                   e->kind == FTC_E_CAST ? kid : i);
}

static int cmp_use(const void *a, const void *b)
{
    const member_use *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->fn < y->fn ? -1 : x->fn > y->fn;
}

/* Every member use of the file, by name: a member's facts then cost its
 * own uses, not a walk of the file. */
static void index_members(const ftc_prov *p)
{
    struct ftc_field_cache *c = p->fields;
    if (c->indexed)
        return;
    c->indexed = 1;
    const ftc_tu *tu = p->tu;
    for (size_t i = 0; i < tu->functions.count; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        index_walk w = {c, (int32_t)i, {0, 0}};
        for (uint32_t b = 0; b < fn->nblocks; b++)
            for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
                w.pos = (ftc_stmt_pos){b, k};
                index_uses(&w, fn->blocks[b].stmts[k], NULL, 0);
            }
    }
    if (c->uses.count)
        qsort(c->uses.items, c->uses.count, sizeof(member_use), cmp_use);
}

/* The uses of member `name`: [*first, *first + n). */
static size_t uses_of(const ftc_prov *p, const char *name, const member_use **first)
{
    struct ftc_field_cache *c = p->fields;
    index_members(p);
    size_t lo = 0, hi = c->uses.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->uses.items[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < c->uses.count && strcmp(c->uses.items[end].name, name) == 0)
        end++;
    *first = c->uses.items + lo;
    return end - lo;
}

typedef struct field_scan {
    const ftc_prov *p;
    ftc_fn_view *view;
    ftc_stmt_pos pos;
    const char *type, *field;
    int bad;
    unsigned char *touches;      /* per function: may read or write T.f
                                    (made when first needed) */
    int touches_tried;
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

/* A function of this file that keeps nothing of its argument `kid`. */
static int helper_keeps_nothing(const ftc_prov *p, const ftc_expr *call, uint32_t kid)
{
    return call->ref == FTC_REF_FUNCTION && ftc_prov_is_function(p->tu, call->ref_index) &&
           p->tu->functions.items[call->ref_index].nblocks > 0 && kid < 32 &&
           !(p->keeps_params[call->ref_index] & (1u << kid));
}

/* The function that owns the stack object may publish the member itself
 * (local.f handed on when the object is done with): fine when no path goes
 * from there to a place that hands &local to code that may touch f, so
 * helpers only ever see the member before it is published. Uses in the owner after it
 * are checked at the use (ftc_prov_member_is_private). */
typedef struct handoff_scan {
    field_scan *s;
    ftc_stmt_pos pos;
    int32_t local;
    const ftc_expr *seen[8];     /* &local handed to callees that never touch f */
    int nseen;
    int late;                    /* &local handed out after a publication */
} handoff_scan;

/* Which functions may touch T.f (from the index, on first need). */
static const unsigned char *touching_functions(field_scan *s)
{
    if (s->touches_tried)
        return s->touches;
    s->touches_tried = 1;
    const ftc_tu *tu = s->p->tu;
    field_scan t = *s;
    t.view = malloc(sizeof(ftc_fn_view));
    s->touches = calloc(tu->functions.count + 1, 1);
    const member_use *uses;
    size_t n = uses_of(s->p, s->field, &uses);
    if (t.view && s->touches)
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || uses[i].fn != uses[i - 1].fn)
                ftc_fn_view_init(t.view, tu, uses[i].fn, s->p->arena);
            if (uses[i].init || may_be_field(&t, uses[i].node))
                s->touches[uses[i].fn] = 1;
        }
    free(t.view);
    return s->touches;
}

/* Can function `from`, or anything it calls or names, touch T.f? */
static int may_reach_touch(field_scan *s, int32_t from)
{
    const unsigned char *touches = touching_functions(s);
    size_t n = s->p->tu->functions.count;
    unsigned char *reach = calloc(n + 1, 1);
    int found = 1;
    if (touches && reach) {
        reach[from] = 1;
        if (ftc_close_over_named(s->p->tu, reach, 0) == 0) {
            found = 0;
            for (size_t i = 0; i < n && !found; i++)
                found = reach[i] && touches[i];
        }
    }
    free(reach);
    return found;
}

static int is_addr_of_local(const ftc_expr *e, int32_t local)
{
    e = ftc_expr_strip(e);
    return e && e->kind == FTC_E_ADDR_OF && e->nkids == 1 && ftc_is_ref_to_local(e->kids[0], local);
}

static int find_late_handoff(const ftc_expr *e, void *ctx)
{
    handoff_scan *h = ctx;
    field_scan *s = h->s;
    if (e->kind == FTC_E_CALL && e->ref == FTC_REF_FUNCTION && ftc_prov_is_function(s->p->tu, e->ref_index) &&
        s->p->tu->functions.items[e->ref_index].nblocks > 0)
        for (uint32_t i = 0; i < e->nkids; i++)
            if (is_addr_of_local(e->kids[i], h->local) && h->nseen < 8 &&
                !may_reach_touch(s, e->ref_index))
                h->seen[h->nseen++] = ftc_expr_strip(e->kids[i]);
    if (e->kind == FTC_E_ADDR_OF && is_addr_of_local(e, h->local)) {
        for (int i = 0; i < h->nseen; i++)
            if (h->seen[i] == e)
                return 0;
        if (ftc_prov_member_published_before(s->p, s->view, h->local, s->field, h->pos))
            h->late = 1;
    }
    return h->late;
}

static int owner_escape_after_handoffs(field_scan *s, const ftc_expr *member)
{
    const ftc_expr *base = member->nkids ? ftc_expr_strip(member->kids[0]) : NULL;
    if (member->value != 0 || !ftc_prov_local_struct(s->view, base))
        return 0;
    const ftc_func *fn = s->view->fn;
    handoff_scan h;
    memset(&h, 0, sizeof(h));
    h.s = s;
    h.local = base->ref_index;
    for (uint32_t b = 0; b < fn->nblocks && !h.late; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts && !h.late; k++) {
            h.pos = (ftc_stmt_pos){b, k};
            h.nseen = 0;
            ftc_expr_walk(fn->blocks[b].stmts[k], find_late_handoff, &h);
        }
    return !h.late;
}

/* Every store to T.f must be fresh; every read must stay inside: the
 * container argument of a borrowing call, a container operation, a
 * reference-count operation, a comparison. */
/* One use of T.f: a store must bring a fresh container, a read must stay
 * inside (the container argument of a borrowing call, a container
 * operation, a helper that keeps nothing, reference counting, a
 * comparison), or be the owner handing it on once its helpers are done. */
static void check_field_use(field_scan *s, const member_use *u)
{
    const ftc_expr *e = u->node, *parent = u->parent;
    uint32_t kid = u->kid;
    if (u->init) {
        if (!value_is_fresh(s, e))
            s->bad = 1;
        return;
    }
    if (!may_be_field(s, e))
        return;
    if (parent && parent->kind == FTC_E_ASSIGN && parent->nkids == 2 && kid == 0) {
        if (!value_is_fresh(s, parent->kids[1]))
            s->bad = 1;
        return;
    }
    /* Py_CLEAR(x->f) reads f to release it. (Py_SETREF's store is a memcpy
     * in 3.13 headers, which this scan cannot see: not here.) */
    static const char *const release[] = {"Py_CLEAR", NULL};
    if (ftc_prov_inside_macro(s->p->tu, e->range.begin, release))
        return;
    const ftc_borrowed_api *api = parent && parent->kind == FTC_E_CALL
                                      ? ftc_capi_borrowed(parent->name) : NULL;
    /* parent NULL: the whole statement, a branch condition `if (x->f)` */
    int inside = parent == NULL ||
                 (parent->kind == FTC_E_CALL &&
                  ((api && api->container_arg == (int)kid) ||
                   ftc_capi_keeps_no_reference(parent->name, kid) ||
                   helper_keeps_nothing(s->p, parent, kid))) ||
                 parent->kind == FTC_E_COMPARE || parent->kind == FTC_E_LOGICAL ||
                 parent->kind == FTC_E_MEMBER;
    if (!inside && !owner_escape_after_handoffs(s, e))
        s->bad = 1;
}

static int field_holds_private(const ftc_prov *p, const char *type, const char *field)
{
    struct ftc_field_cache *c = p->fields;
    for (size_t i = 0; i < c->items.count; i++)
        if (strcmp(c->items.items[i].type, type) == 0 &&
            strcmp(c->items.items[i].field, field) == 0)
            return c->items.items[i].ok;
    if (!may_hold_fresh(p, field))
        return 0;
    const ftc_tu *tu = p->tu;
    field_scan s = {p, malloc(sizeof(ftc_fn_view)), {0, 0}, type, field, 0, NULL, 0};
    if (s.view == NULL)
        return 0;
    const member_use *uses;
    size_t n = uses_of(p, field, &uses);
    for (size_t i = 0; i < n && !s.bad; i++) {
        if (i == 0 || uses[i].fn != uses[i - 1].fn)
            ftc_fn_view_init(s.view, tu, uses[i].fn, p->arena);
        s.pos = uses[i].pos;
        check_field_use(&s, &uses[i]);
    }
    free(s.view);
    free(s.touches);
    field_fact *f = FTC_VEC_PUSH(&c->items);
    if (f)
        *f = (field_fact){type, field, !s.bad};
    return !s.bad;
}

/* owner is base.f or base->f: does f only ever hold fresh containers that
 * stay inside, and is base a local struct whose member is not yet
 * published at `use` (*param = -1), or a pointer parameter (*param = its
 * index), which callers may point at a stack object? */
int ftc_prov_member_field_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner,
                                  ftc_stmt_pos use, int *param)
{
    const ftc_expr *base = owner->nkids ? ftc_expr_strip(owner->kids[0]) : NULL;
    if (base == NULL || base->kind != FTC_E_REF || owner->name == NULL)
        return 0;
    if (owner->value == 0 && ftc_prov_local_struct(v, base))
        *param = -1;
    else if (owner->value != 0 && base->ref == FTC_REF_PARAM && base->ref_index >= 0 &&
             base->ref_index < 32)
        *param = base->ref_index;
    else
        return 0;
    const char *type = base_struct(p->arena, p->tu, v, owner);
    if (type == NULL || !field_holds_private(p, type, owner->name))
        return 0;
    return *param >= 0 ||
           !ftc_prov_member_published_before(p, v, base->ref_index, owner->name, use);
}

/* owner is base.f or base->f: is base a stack object of this call (a
 * local struct, or a parameter every caller points at one of theirs), and
 * does f only ever hold fresh containers that stay inside? */
int ftc_prov_member_is_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner,
                               ftc_stmt_pos use)
{
    int param;
    return ftc_prov_member_field_private(p, v, owner, use, &param) &&
           (param < 0 || (p->stack_params[v->index] & (1u << param)));
}
