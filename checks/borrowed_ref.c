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
#include "gil_only.h"
#include "provenance.h"
#include "regions.h"

#define RULE "borrowed-ref"

/* ---- per-translation-unit facts ---------------------------------------- */

typedef struct tu_facts {
    const ftc_tu *tu;
    ftc_report *rep;
    ftc_prov prov;               /* where containers come from */
    /* Per function: parameters every call site holds a critical section
     * on, or passes a private container in (bit i = parameter i). */
    uint32_t *locked_params;
    unsigned char *danger;       /* calling it can free items of shared containers */
    unsigned char *init_only;    /* runs only while the module initialises */
} tu_facts;

typedef ftc_stmt_pos stmt_pos;

typedef struct func_ctx {
    tu_facts *facts;
    const ftc_func *fn;
    int32_t index;
    ftc_fn_view view;
    ftc_region regions[FTC_MAX_REGIONS];
    int nregions;
} func_ctx;

/* ---- small helpers ------------------------------------------------------- */

static const ftc_file *file_of(const ftc_tu *tu, ftc_loc loc)
{
    if (loc.file < 0 || (size_t)loc.file >= tu->files.count)
        return NULL;
    return &tu->files.items[loc.file];
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

static int find_use(const ftc_expr *e, use_search *s)
{
    if (e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_is_ref_to_local(e->kids[0], s->local))
        return e->kids[1] && find_use(e->kids[1], s);
    if (e->kind == FTC_E_COMPARE && e->nkids == 2 &&
        ((ftc_is_ref_to_local(e->kids[0], s->local) && ftc_is_null_literal(e->kids[1])) ||
         (ftc_is_ref_to_local(e->kids[1], s->local) && ftc_is_null_literal(e->kids[0]))))
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
    if ((e->kind == FTC_E_ASSIGN && e->nkids == 2 && ftc_is_ref_to_local(e->kids[0], s->local)) ||
        (e->kind == FTC_E_DECL && e->ref == FTC_REF_LOCAL && e->ref_index == s->local))
        return s->found = 1;
    return 0;
}

static int increfs_local(const ftc_expr *e, void *ctx)
{
    local_search *s = ctx;
    if (e->kind == FTC_E_CALL && ftc_capi_is_incref(e->name) && e->nkids >= 1 &&
        ftc_is_ref_to_local(e->kids[0], s->local))
        return s->found = 1;
    return 0;
}

static int tree_has(const ftc_expr *e, int (*f)(const ftc_expr *, void *), int32_t local)
{
    local_search s = {local, 0};
    ftc_expr_walk(e, f, &s);
    return s.found;
}

/* ---- events that can free a borrowed item ------------------------------------ */

/* What can drop a container's reference to an item between the borrow and
 * a use: a mutation of that container, or Python code that can reach it
 * (code an object of unknown type runs, the finaliser of an object of
 * unknown type that loses its last reference, a function of this file
 * that does either). A str or int this function built, a literal and the
 * immortal singletons run no code; C library calls and functions of other
 * files are not counted (errors must be right every time). */
typedef enum free_event {
    EVENT_NONE = 0,
    EVENT_MUTATES,
    EVENT_RUNS_CODE,
    EVENT_DECREF,
    EVENT_CALLEE
} free_event;

static int drops_reference(const char *name)
{
    return ftc_capi_is_decref(name) ||
           (name && (strcmp(name, "Py_SETREF") == 0 || strcmp(name, "Py_XSETREF") == 0));
}

static int is_tu_function(const ftc_tu *tu, const ftc_expr *call)
{
    return call->ref == FTC_REF_FUNCTION && call->ref_index >= 0 &&
           (size_t)call->ref_index < tu->functions.count &&
           tu->functions.items[call->ref_index].nblocks > 0;
}

/* A container other code can reach, as far as one expression tells:
 * anything but a local (whose origin needs the flow). */
static int names_shared_container(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    return e && !(e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL) &&
           e->kind != FTC_E_CALL && !ftc_is_null_literal(e);
}

/* The event a call is. With owner_text, for one borrowed item: mutations
 * count on that container only, code-running events only while the
 * container is reachable. Without (a function's summary): mutations of any
 * shared container count. */
static free_event call_event(const tu_facts *facts, ftc_fn_view *v, const ftc_expr *call,
                             const stmt_pos *at, const char *owner_text, int reachable)
{
    const ftc_tu *tu = facts->tu;
    const ftc_expr *target = call->nkids ? ftc_expr_strip(call->kids[0]) : NULL;
    if (call->name && ftc_capi_mutates_container(call->name) && target) {
        if (owner_text == NULL) {
            if (names_shared_container(target))
                return EVENT_MUTATES;
        } else {
            char *text = ftc_expr_text(facts->rep->arena, tu, target);
            if (text && strcmp(text, owner_text) == 0)
                return EVENT_MUTATES;
        }
    }
    if (!reachable)
        return EVENT_NONE;
    if (call->name && ftc_capi_runs_code_on(call->name) && target &&
        !ftc_prov_is_plain(v, target))
        return EVENT_RUNS_CODE;
    if (drops_reference(call->name) && target && !ftc_prov_is_plain(v, target) &&
        !ftc_prov_held_by_container(v, target, call->range.begin.offset) &&
        !(at && (ftc_prov_held_by_source(v, target, *at) || ftc_prov_null_at(v, target, *at))))
        return EVENT_DECREF;
    if (is_tu_function(tu, call) && facts->danger[call->ref_index])
        return EVENT_CALLEE;
    return EVENT_NONE;
}

typedef struct event_search {
    const tu_facts *facts;
    ftc_fn_view *view;
    const char *owner_text;      /* NULL: any shared container */
    int reachable;
    const ftc_expr *call;
    free_event event;
    const stmt_pos *at;          /* the statement searched, when known */
} event_search;

static int find_event(const ftc_expr *e, void *ctx)
{
    event_search *s = ctx;
    if (e->kind != FTC_E_CALL)
        return 0;
    free_event ev = call_event(s->facts, s->view, e, s->at, s->owner_text, s->reachable);
    if (ev == EVENT_NONE)
        return 0;
    s->call = e;
    s->event = ev;
    return 1;
}

/* Which functions of the TU can, when called, free items of containers
 * their caller shares: to a fixed point over the call graph. */
static void compute_danger(tu_facts *facts)
{
    const ftc_tu *tu = facts->tu;
    ftc_fn_view *view = malloc(sizeof(*view));
    if (view == NULL)
        return;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < tu->functions.count; i++) {
            const ftc_func *fn = &tu->functions.items[i];
            if (facts->danger[i] || fn->nblocks == 0)
                continue;
            ftc_fn_view_init(view, tu, (int32_t)i, NULL);
            event_search s = {facts, view, NULL, 1, NULL, EVENT_NONE, NULL};
            ftc_func_walk(fn, find_event, &s);
            if (s.event) {
                facts->danger[i] = 1;
                changed = 1;
            }
        }
    }
    free(view);
}

/* ---- critical sections ------------------------------------------------------ */

static const ftc_region *region_locking(const func_ctx *fc, uint32_t offset,
                                        const char *owner)
{
    return owner ? ftc_region_at(fc->regions, fc->nregions, offset, owner) : NULL;
}

/* A static function every caller calls while holding a critical section on
 * the object it passes (Argument Clinic's @critical_section wrappers) holds
 * it on that parameter. So does one whose callers pass, in that argument,
 * a private container or a parameter of their own that is guarded so
 * (greatest fixed point: a locking wrapper that also hands a fresh copy
 * to the same helper). */
typedef struct guard_site {
    int32_t caller, callee;
    uint32_t nargs;
    uint32_t guarded;         /* bit i: argument i is locked or private here */
    int8_t param_of[32];      /* argument i is the caller's parameter n, or -1 */
} guard_site;

typedef struct call_site_scan {
    tu_facts *facts;
    func_ctx *caller;
    ftc_arena *arena;
    stmt_pos pos;
    FTC_VEC(guard_site) sites;
} call_site_scan;

static int scan_call_site(const ftc_expr *e, void *ctx)
{
    call_site_scan *s = ctx;
    const ftc_tu *tu = s->facts->tu;
    /* Only functions whose every caller is in view can be guarded. */
    if (e->kind != FTC_E_CALL || e->ref != FTC_REF_FUNCTION || e->ref_index < 0 ||
        (size_t)e->ref_index >= tu->functions.count ||
        !s->facts->prov.known_callers[e->ref_index])
        return 0;
    guard_site *g = FTC_VEC_PUSH(&s->sites);
    if (g == NULL)
        return 0;
    memset(g, 0, sizeof(*g));
    g->caller = s->caller->index;
    g->callee = e->ref_index;
    g->nargs = e->nkids < 32 ? e->nkids : 32;
    for (uint32_t i = 0; i < g->nargs; i++) {
        const ftc_expr *arg = ftc_expr_strip(e->kids[i]);
        g->param_of[i] = -1;
        if (arg && arg->kind == FTC_E_REF && arg->ref == FTC_REF_PARAM && arg->ref_index >= 0 &&
            arg->ref_index < 32)
            g->param_of[i] = (int8_t)arg->ref_index;
        char *text = ftc_expr_text(s->arena, tu, e->kids[i]);
        if (region_locking(s->caller, e->range.begin.offset, text) ||
            (arg && ftc_prov_is_private(&s->facts->prov, &s->caller->view, arg, s->pos)))
            g->guarded |= 1u << i;
    }
    return 0;
}

/* ---- escalation: used after a call that can free it --------------------------- */

typedef struct escalation {
    const ftc_expr *use;
    const ftc_expr *freeing;
    free_event event;
} escalation;

/* For a branch condition that tests `local` against NULL: 1 when its true
 * edge means NULL, 0 when its true edge means non-NULL, -1 otherwise. */
static int null_test_polarity(const ftc_expr *cond, int32_t local)
{
    cond = ftc_expr_strip(cond);
    if (cond == NULL)
        return -1;
    if (ftc_is_ref_to_local(cond, local))
        return 0;                                        /* if (v) */
    if (cond->kind == FTC_E_LOGICAL && cond->nkids == 1 && cond->name &&
        strcmp(cond->name, "!") == 0 && ftc_is_ref_to_local(cond->kids[0], local))
        return 1;                                        /* if (!v) */
    if (cond->kind == FTC_E_COMPARE && cond->nkids == 2 && cond->name &&
        ((ftc_is_ref_to_local(cond->kids[0], local) && ftc_is_null_literal(cond->kids[1])) ||
         (ftc_is_ref_to_local(cond->kids[1], local) && ftc_is_null_literal(cond->kids[0]))))
        return strcmp(cond->name, "==") == 0 ? 1 : strcmp(cond->name, "!=") == 0 ? 0 : -1;
    return -1;
}

typedef struct walk_state {
    uint32_t block;
    const ftc_expr *freeing;
    free_event event;
} walk_state;

/* Walk forward from the borrowing statement: an event that can free the
 * item (see call_event), followed on some path by a use of the borrowed
 * local (Py_INCREF included: too late), with no strong reference taken
 * before the event and no reassignment. A NULL value cannot dangle:
 * branches where the local is NULL are not followed. */
static int find_escalation(func_ctx *fc, int32_t local, stmt_pos from,
                           const char *owner_text, int reachable, escalation *out)
{
    const ftc_func *fn = fc->fn;
    uint32_t n = fn->nblocks;
    /* one state per block and "an event was seen" */
    unsigned char *seen = calloc((size_t)n * 2 + 2, 1);
    walk_state *queue = malloc(sizeof(walk_state) * ((size_t)n * 2 + 2));
    int found = 0;
    if (!seen || !queue)
        goto done;
    uint32_t head = 0, tail = 0;
    walk_state st = {from.block, NULL, EVENT_NONE};
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
                out->event = st.event;
                found = 1;
                goto done;
            }
            if (tree_has(stmt, increfs_local, local) || tree_has(stmt, assigns_local, local)) {
                stop = 1;
                break;
            }
            if (st.freeing == NULL) {
                stmt_pos at = {st.block, k};
                event_search e = {fc->facts, &fc->view, owner_text, reachable, NULL,
                                  EVENT_NONE, &at};
                ftc_expr_walk(stmt, find_event, &e);
                st.freeing = e.call;
                st.event = e.event;
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
                    queue[tail++] = (walk_state){(uint32_t)t, st.freeing, st.event};
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
        f = ftc_report_add(rep, RULE, FTC_LEVEL_ERROR, FTC_CERTAIN, esc->use->range,
                           "borrowed reference '%s' from %s is used after a call "
                           "that can free it: a use-after-free even with the GIL",
                           esc->use->name, api->name);
        ftc_finding_relate(rep, f, site->call->range, "borrowed from %s here",
                           owner_desc);
        const char *callee = esc->freeing->name ? esc->freeing->name : "this call";
        switch (esc->event) {
        case EVENT_MUTATES:
            ftc_finding_relate(rep, f, esc->freeing->range,
                               "%s can replace or remove the item in %s", callee,
                               owner_desc);
            break;
        case EVENT_RUNS_CODE:
            ftc_finding_relate(rep, f, esc->freeing->range,
                               "%s runs Python code of an object of unknown type, "
                               "which can drop the last reference", callee);
            break;
        case EVENT_DECREF:
            ftc_finding_relate(rep, f, esc->freeing->range,
                               "%s of an object of unknown type can run its "
                               "finaliser, which can drop the last reference", callee);
            break;
        default:
            ftc_finding_relate(rep, f, esc->freeing->range,
                               "%s can run Python code or remove items of shared "
                               "containers", callee);
            break;
        }
        ftc_finding_suggest(rep, f, "take a strong reference (%s, or Py_NewRef "
                            "before the call) and release it when done",
                            api->replacement ? api->replacement : "Py_NewRef");
    } else if (api->advice == FTC_ADVICE_CRITICAL_SECTION) {
        f = ftc_report_add(rep, RULE, site->null_test_only ? FTC_LEVEL_NOTE : FTC_LEVEL_WARNING,
                           site->null_test_only ? FTC_LIKELY : confidence, site->call->range,
                           "%s returns borrowed references from %s, which another "
                           "thread can modify and free",
                           api->name, owner_desc);
        ftc_finding_suggest(rep, f, "%shold Py_BEGIN_CRITICAL_SECTION(%s) ... "
                            "Py_END_CRITICAL_SECTION() around the whole use, and "
                            "Py_NewRef what must outlive it",
                            site->null_test_only ? "the items are only compared, never "
                                                   "used as objects: a smaller risk; "
                                                 : "",
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

/* Does every caller hold a critical section on the parameter? */
static int owner_locked_by_callers(const func_ctx *fc, const ftc_expr *owner)
{
    return owner->kind == FTC_E_REF && owner->ref == FTC_REF_PARAM && owner->ref_index >= 0 &&
           owner->ref_index < 32 &&
           (fc->facts->locked_params[fc->index] & (1u << owner->ref_index));
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
    const ftc_prov *prov = &fc->facts->prov;
    int private_owner = owner && ftc_prov_is_private(prov, &fc->view, owner, site->pos);
    int reachable = !owner || ftc_prov_code_can_reach(prov, &fc->view, owner, site->pos);
    /* A use after an event that can free the object is a use-after-free
     * with or without other threads: checked before any exemption. */
    escalation esc = {NULL, NULL, EVENT_NONE};
    if (site->local >= 0 &&
        find_escalation(fc, site->local, site->pos, owner_text, reachable, &esc)) {
        report_site(fc, site, api, owner_text, FTC_CERTAIN, &esc);
        return;
    }
    /* Code no free-threaded build compiles never runs without the GIL. */
    if (ftc_gil_only_at(tu, site->call->range.begin))
        return;
    if (private_owner || (owner && owner_locked_by_callers(fc, owner)))
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

/* Is `local` used as an object anywhere in the function, rather than only
 * assigned, tested for NULL or compared by identity? */
/* An element of the array `local` holds (PySequence_Fast_ITEMS):
 * local[i] or *(local + i). */
static int is_element_of(const ftc_expr *e, int32_t local)
{
    if (e->kind == FTC_E_SUBSCRIPT && e->nkids == 2)
        return ftc_is_ref_to_local(e->kids[0], local);
    if (e->kind != FTC_E_DEREF || e->nkids != 1)
        return 0;
    const ftc_expr *sum = ftc_expr_strip(e->kids[0]);
    return sum && sum->kind == FTC_E_BINARY && sum->nkids == 2 && sum->name &&
           strcmp(sum->name, "+") == 0 &&
           (ftc_is_ref_to_local(sum->kids[0], local) || ftc_is_ref_to_local(sum->kids[1], local));
}

static int used_as_object(const ftc_expr *e, const ftc_expr *parent, int32_t local)
{
    if (e == NULL)
        return 0;
    if ((e->kind == FTC_E_REF && e->ref == FTC_REF_LOCAL && e->ref_index == local) ||
        is_element_of(e, local)) {
        if (parent == NULL)
            return 0;                   /* a branch condition: if (v) */
        if (parent->kind == FTC_E_COMPARE && parent->name &&
            (strcmp(parent->name, "==") == 0 || strcmp(parent->name, "!=") == 0))
            return 0;
        if (parent->kind == FTC_E_LOGICAL)
            return 0;                   /* !v, v && ..., v || ... */
        if ((parent->kind == FTC_E_CONDITIONAL || parent->kind == FTC_E_ASSIGN) &&
            parent->nkids && ftc_expr_strip(parent->kids[0]) == e)
            return 0;                   /* v ? a : b, v = ... */
        return 1;
    }
    for (uint32_t i = 0; i < e->nkids; i++)
        if (used_as_object(e->kids[i], e->kind == FTC_E_CAST ? parent : e, local))
            return 1;
    return 0;
}

static int local_only_compared(const ftc_func *fn, int32_t local)
{
    for (uint32_t b = 0; b < fn->nblocks; b++)
        for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++)
            if (used_as_object(fn->blocks[b].stmts[k], NULL, local))
                return 0;
    return 1;
}

static void walk_sites(site_walk *w, const ftc_expr *e, const ftc_expr *parent,
                       int top)
{
    if (e == NULL)
        return;
    if (e->kind == FTC_E_CALL && ftc_capi_borrowed(e->name)) {
        borrow_site site = {e, parent, w->pos, destination(parent, e), 0};
        /* Only tested for NULL (`if (PyDict_GetItem(d, k))`, `v == NULL`,
         * `!v`) or compared by identity (`PyList_GET_ITEM(l, i) == obj`),
         * directly or through the local it is stored in. PyDict_Next's
         * outputs are borrowed whatever its result is used for. */
        int compared =
            (top && w->is_cond) ||
            (parent && parent->kind == FTC_E_COMPARE && parent->nkids == 2 &&
             parent->name && (strcmp(parent->name, "==") == 0 ||
                              strcmp(parent->name, "!=") == 0)) ||
            (parent && parent->kind == FTC_E_LOGICAL && parent->nkids == 1) ||
            (site.local >= 0 && local_only_compared(w->fc->fn, site.local));
        site.null_test_only = compared && strcmp(e->name, "PyDict_Next") != 0;
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
    ftc_fn_view_init(&fc->view, facts->tu, index, facts->rep->arena);
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
    func_ctx *fc = calloc(1, sizeof(*fc));
    call_site_scan s = {facts, fc, facts->rep->arena, {0, 0}, {0}};
    if (fc == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        memset(fc, 0, sizeof(*fc));
        fc->facts = facts;
        fc->fn = fn;
        fc->index = (int32_t)i;
        fc->nregions = ftc_find_regions(tu, fn, facts->rep->arena, fc->regions, FTC_MAX_REGIONS);
        ftc_fn_view_init(&fc->view, tu, (int32_t)i, facts->rep->arena);
        for (uint32_t b = 0; b < fn->nblocks; b++)
            for (uint32_t k = 0; k < fn->blocks[b].nstmts; k++) {
                s.pos = (stmt_pos){b, k};
                ftc_expr_walk(fn->blocks[b].stmts[k], scan_call_site, &s);
            }
    }
    /* Only functions whose every caller is in view start guarded. */
    for (size_t i = 0; i < n; i++)
        facts->locked_params[i] = facts->prov.known_callers[i] ? 0xffffffffu : 0;
    for (int changed = 1, rounds = 0; changed && rounds < 64; rounds++) {
        changed = 0;
        for (size_t k = 0; k < s.sites.count; k++) {
            const guard_site *g = &s.sites.items[k];
            uint32_t pass = g->guarded;
            for (uint32_t i = 0; i < g->nargs; i++)
                if (g->param_of[i] >= 0 &&
                    (facts->locked_params[g->caller] & (1u << g->param_of[i])))
                    pass |= 1u << i;
            uint32_t given = g->nargs < 32 ? (1u << g->nargs) - 1 : 0xffffffffu;
            uint32_t now = facts->locked_params[g->callee] & pass & given;
            if (now != facts->locked_params[g->callee]) {
                facts->locked_params[g->callee] = now;
                changed = 1;
            }
        }
    }
    ftc_vec_free(&s.sites);
    free(fc);
}

static int is_borrowing_call(const ftc_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == FTC_E_CALL && ftc_capi_borrowed(e->name) != NULL;
}

/* Most translation units borrow nothing: they cost one walk. */
static int tu_borrows(const ftc_tu *tu)
{
    for (size_t i = 0; i < tu->functions.count; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        if (!ftc_tu_is_project_file(tu, fn->name_loc.file))
            continue;
        if (ftc_func_walk(fn, is_borrowing_call, NULL))
            return 1;
    }
    return 0;
}

static void run(const ftc_tu *tu, ftc_report *rep)
{
    if (!tu_borrows(tu))
        return;
    size_t n = tu->functions.count;
    tu_facts facts = {tu, rep, {0}, NULL, NULL, NULL};
    facts.locked_params = calloc(n + 1, sizeof(uint32_t));
    facts.danger = calloc(n + 1, 1);
    facts.init_only = calloc(n + 1, 1);
    if (facts.locked_params && facts.danger && facts.init_only &&
        ftc_prov_init(&facts.prov, tu, rep->arena) == 0) {
        ftc_init_only_functions(tu, facts.init_only);
        compute_danger(&facts);
        find_locked_params(&facts);
        /* A static function nothing names never runs. */
        unsigned char *unused = calloc(n + 1, 1);
        if (unused)
            ftc_unused_functions(tu, unused);
        for (size_t i = 0; i < n; i++) {
            const ftc_func *fn = &tu->functions.items[i];
            if (fn->nblocks && ftc_tu_is_project_file(tu, fn->name_loc.file) &&
                !(unused && unused[i]))
                check_function(&facts, (int32_t)i);
        }
        free(unused);
    } else {
        ftc_report_notify(rep, FTC_LEVEL_ERROR, "out-of-memory",
                          "borrowed-ref: out of memory");
    }
    ftc_prov_free(&facts.prov);
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
    .precision = FTC_PRECISION_LOW,
    .tags = tags,
    .needs = FTC_NEED_GLOBALS | FTC_NEED_FUNCTIONS | FTC_NEED_MACROS | FTC_NEED_CONDITIONS,
    .watched_macros = watched,
    .run = run,
};
