/* callgraph.c - see callgraph.h. */
#include "callgraph.h"

#include <stdlib.h>
#include <string.h>

#include "capi.h"

typedef struct edge_scan {
    const ftc_tu *tu;
    int32_t caller;
    int32_t *edges;          /* pairs caller, callee */
    size_t nedges, cap;
    unsigned char *address_taken;
    const ftc_expr *callee_ref; /* the REF that names a direct call's callee */
} edge_scan;

static void add_edge(edge_scan *s, int32_t callee)
{
    if (s->nedges + 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        int32_t *e = realloc(s->edges, cap * sizeof(int32_t));
        if (e == NULL)
            return;
        s->edges = e;
        s->cap = cap;
    }
    s->edges[s->nedges++] = s->caller;
    s->edges[s->nedges++] = callee;
}

static int scan(const ftc_expr *e, void *ctx)
{
    edge_scan *s = ctx;
    int32_t n = (int32_t)s->tu->functions.count;
    if (e->kind == FTC_E_CALL && e->ref == FTC_REF_FUNCTION && e->ref_index >= 0 &&
        e->ref_index < n)
        add_edge(s, e->ref_index);
    /* A function named other than as a direct callee escapes: a method
     * table or a callback can run it from anywhere. */
    if (e->kind == FTC_E_REF && e->ref == FTC_REF_FUNCTION && e->ref_index >= 0 &&
        e->ref_index < n)
        s->address_taken[e->ref_index] = 1;
    return 0;
}

/* Every direct call of the TU as a (caller, callee) edge, and which
 * functions are named other than as a callee. */
static int collect_edges(const ftc_tu *tu, edge_scan *s)
{
    size_t n = tu->functions.count;
    *s = (edge_scan){tu, -1, NULL, 0, 0, calloc(n + 1, 1), NULL};
    if (s->address_taken == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        s->caller = (int32_t)i;
        ftc_func_walk(fn, scan, s);
    }
    return 1;
}

static void mark_exec(const ftc_var *table, int32_t fn, void *ctx)
{
    (void)table;
    ((unsigned char *)ctx)[fn] = 1;
}

/* Functions a Py_mod_create or Py_mod_exec slot, or a PyModuleDef's
 * m_clear or m_free, names: they run while the module is imported or torn
 * down. */
static void mark_exec_slots(const ftc_tu *tu, unsigned char *out)
{
    ftc_capi_for_each_slot(tu, "Py_mod_create", mark_exec, out);
    ftc_capi_for_each_exec_slot(tu, mark_exec, out);
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        const ftc_expr *def = ftc_expr_strip(v->init);
        if (def == NULL || !ftc_capi_type_is(v->canonical_type, "PyModuleDef"))
            continue;
        static const char *const teardown[] = {"m_clear", "m_free"};
        for (size_t t = 0; t < 2; t++) {
            int32_t f = ftc_capi_function_named_by(ftc_expr_field(def, teardown[t]));
            if (f >= 0 && (size_t)f < tu->functions.count)
                out[f] = 1;
        }
    }
}

/* Grow `marks`: a function (static ones only, unless `any_linkage`) whose
 * address is never taken and whose every caller is marked gets marked. */
static void close_over_callees(const ftc_tu *tu, unsigned char *marks, int any_linkage)
{
    size_t n = tu->functions.count;
    edge_scan s;
    if (!collect_edges(tu, &s))
        return;
    /* Callers of each function: callers[start[g] .. start[g+1]). */
    size_t *start = calloc(n + 2, sizeof(size_t));
    int32_t *callers = malloc(sizeof(int32_t) * (s.nedges / 2 + 1));
    if (start && callers) {
        for (size_t e = 0; e < s.nedges; e += 2)
            start[s.edges[e + 1] + 1]++;
        for (size_t g = 0; g < n; g++)
            start[g + 1] += start[g];
        size_t *fill = calloc(n + 1, sizeof(size_t));
        for (size_t e = 0; fill && e < s.nedges; e += 2) {
            int32_t g = s.edges[e + 1];
            callers[start[g] + fill[g]++] = s.edges[e];
        }
        for (int changed = fill != NULL; changed;) {
            changed = 0;
            for (size_t g = 0; g < n; g++) {
                if (marks[g] || (!any_linkage && !tu->functions.items[g].is_static) ||
                    s.address_taken[g] || start[g] == start[g + 1])
                    continue;
                int all = 1;
                for (size_t c = start[g]; c < start[g + 1] && all; c++)
                    all = marks[callers[c]] != 0;
                if (all) {
                    marks[g] = 1;
                    changed = 1;
                }
            }
        }
        free(fill);
    }
    free(start);
    free(callers);
    free(s.edges);
    free(s.address_taken);
}

void ftc_close_over_static_callees(const ftc_tu *tu, unsigned char *marks)
{
    close_over_callees(tu, marks, 0);
}

void ftc_close_over_callees(const ftc_tu *tu, unsigned char *marks)
{
    close_over_callees(tu, marks, 1);
}

void ftc_init_only_functions(const ftc_tu *tu, unsigned char *out)
{
    for (size_t i = 0; i < tu->functions.count; i++)
        out[i] = ftc_capi_module_init_name(tu->functions.items[i].name) != NULL;
    mark_exec_slots(tu, out);
    ftc_close_over_static_callees(tu, out);
}

/* Every function a table entry names: walk the initializer. */
static int mark_named_functions(const ftc_expr *e, void *ctx)
{
    unsigned char *out = ((void **)ctx)[0];
    const ftc_tu *tu = ((void **)ctx)[1];
    if (e->kind == FTC_E_REF && e->ref == FTC_REF_FUNCTION && e->ref_index >= 0 &&
        (size_t)e->ref_index < tu->functions.count &&
        !ftc_capi_module_init_name(tu->functions.items[e->ref_index].name))
        out[e->ref_index] = 1;
    return 0;
}

static int is_python_table(const ftc_var *v)
{
    static const char *const tables[] = {
        "PyMethodDef", "PyGetSetDef", "PyType_Slot", "PyTypeObject",
        "_typeobject", "PyNumberMethods", "PySequenceMethods",
        "PyMappingMethods", "PyAsyncMethods", "PyBufferProcs", NULL};
    for (const char *const *t = tables; *t; t++)
        if (ftc_capi_element_type_is(v->canonical_type, *t))
            return 1;
    return 0;
}

void ftc_python_reachable_functions(const ftc_tu *tu, unsigned char *out)
{
    void *ctx[2] = {out, (void *)tu};
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        if (v->init && is_python_table(v))
            ftc_expr_walk(v->init, mark_named_functions, ctx);
    }
    /* Then everything they call, to a fixed point. */
    edge_scan s;
    if (!collect_edges(tu, &s))
        return;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t e = 0; e < s.nedges; e += 2)
            if (out[s.edges[e]] && !out[s.edges[e + 1]]) {
                out[s.edges[e + 1]] = 1;
                changed = 1;
            }
    }
    free(s.edges);
    free(s.address_taken);
}
void ftc_called_functions(const ftc_tu *tu, unsigned char *out)
{
    edge_scan s;
    if (!collect_edges(tu, &s))
        return;
    for (size_t e = 0; e < s.nedges; e += 2)
        out[s.edges[e + 1]] = 1;
    free(s.edges);
    free(s.address_taken);
}

typedef struct live_scan {
    const ftc_tu *tu;
    unsigned char *live;
    int32_t *stack;
    size_t top;
} live_scan;

static int mark_live(const ftc_expr *e, void *ctx)
{
    live_scan *l = ctx;
    if ((e->kind == FTC_E_CALL || e->kind == FTC_E_REF) && e->ref == FTC_REF_FUNCTION &&
        e->ref_index >= 0 && (size_t)e->ref_index < l->tu->functions.count &&
        !l->live[e->ref_index]) {
        l->live[e->ref_index] = 1;
        l->stack[l->top++] = e->ref_index;
    }
    return 0;
}

int ftc_close_over_named(const ftc_tu *tu, unsigned char *marks, int with_globals)
{
    size_t n = tu->functions.count;
    live_scan l = {tu, marks, malloc(sizeof(int32_t) * (n + 1)), 0};
    if (l.stack == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (marks[i])
            l.stack[l.top++] = (int32_t)i;
    for (size_t g = 0; with_globals && g < tu->globals.count; g++)
        if (tu->globals.items[g].init)
            ftc_expr_walk(tu->globals.items[g].init, mark_live, &l);
    while (l.top > 0)
        ftc_func_walk(&tu->functions.items[l.stack[--l.top]], mark_live, &l);
    free(l.stack);
    return 0;
}

/* Live: what other files can call (not static), what a table or another
 * global names, and what live functions name, transitively. */
void ftc_unused_functions(const ftc_tu *tu, unsigned char *out)
{
    size_t n = tu->functions.count;
    memset(out, 0, n);
    /* C++ calls through vtables and templates the IR does not show; a TU
     * with errors may have lost the table or call that names a function. */
    if (tu->is_cplusplus || tu->has_errors)
        return;
    unsigned char *live = calloc(n + 1, 1);
    if (live == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        live[i] = !tu->functions.items[i].is_static || tu->functions.items[i].nblocks == 0;
    if (ftc_close_over_named(tu, live, 1) == 0)
        for (size_t i = 0; i < n; i++)
            out[i] = !live[i];
    free(live);
}
