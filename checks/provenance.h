/* provenance.h - where a container comes from, and whether other threads
 * (or other code) can reach it.
 *
 * A borrowed reference is only at risk when its container is shared. A
 * container is not shared when it is:
 *   - fresh: made by this function (a constructor, a copy, a snapshot, a
 *     project function whose every return is fresh) and not yet published;
 *   - private by ownership: the args tuple or kwargs dict a call receives,
 *     in every calling convention, also when handed down to static helpers
 *     whose every caller passes a fresh or private container (and a fresh
 *     container handed to a helper that keeps nothing of it stays fresh);
 *   - kept in a member of a stack object (a local struct, or a pointer
 *     parameter every caller gives &local_struct) when every store to that
 *     member is a fresh container and no read of it lets it escape.
 * Everything else (globals, module state, fields, a caller's argument) is
 * shared. The facts are computed once per translation unit. */
#ifndef FTC_PROVENANCE_H
#define FTC_PROVENANCE_H

#include "ftc_ir.h"

/* A statement's place in its function's CFG. */
typedef struct ftc_stmt_pos {
    uint32_t block;
    uint32_t index;
} ftc_stmt_pos;

/* One function with the facts its walks need: CFG predecessors and a
 * cache of which locals only ever hold plain values. */
typedef struct ftc_fn_view {
    const ftc_func *fn;
    int32_t index;
    ftc_arena *arena;            /* for the predecessors, made on first use */
    int preds_tried;
    int32_t *pred_start;         /* predecessors of block b: */
    int32_t *preds;              /* preds[pred_start[b] .. pred_start[b+1]) */
    signed char plain[256];      /* per local: -1 unknown, 0/1 plain value */
    signed char made[256];       /* per local: -1 unknown, 1 every assignment
                                    makes a new container, 0 not */
    int params_classified;
    uint32_t params_made;        /* bit i: every assignment to parameter i
                                    makes a new container */
    const char **local_types;    /* declared type per local, made on first use */
    uint32_t nlocal_types;
    int types_tried;
} ftc_fn_view;

/* Per-TU ownership facts. */
typedef struct ftc_prov {
    const ftc_tu *tu;
    ftc_arena *arena;
    unsigned char *fresh_return;  /* per function: every return is fresh */
    uint32_t *entry_params;       /* per function: args/kwargs as an entry point */
    uint32_t *private_params;     /* per function: bit i, parameter i is only
                                     ever a fresh or private container */
    uint32_t *stack_params;       /* per function: bit i, parameter i only ever
                                     points to a caller's stack object */
    uint32_t *keeps_params;       /* per function: bit i, the body may keep
                                     parameter i (store, return, hand on) */
    unsigned char *known_callers; /* per function: every call is a direct
                                     call in this file (static, address
                                     never taken, called at least once) */
    struct ftc_field_cache *fields; /* which struct members hold only fresh
                                       containers that never escape */
} ftc_prov;

/* Compute the TU's facts (0 on success, -1 out of memory). */
int ftc_prov_init(ftc_prov *p, const ftc_tu *tu, ftc_arena *a);
void ftc_prov_free(ftc_prov *p);

/* Set up a view of function `index`; its predecessors, when a walk needs
 * them, go in arena a (none when a is NULL: enough for ftc_prov_is_plain). */
void ftc_fn_view_init(ftc_fn_view *v, const ftc_tu *tu, int32_t index, ftc_arena *a);

/* Does this expression make a new container (a creating call, or either
 * arm of a ?: that both create)? */
int ftc_prov_creates(const ftc_prov *p, const ftc_expr *value);

/* Was `local` made by this function (every assignment creates a new
 * container) and not published on any path before `use`? */
int ftc_prov_is_fresh(const ftc_prov *p, ftc_fn_view *v, int32_t local,
                      ftc_stmt_pos use);

/* Is the container expression `owner`, at `use`, out of other code's
 * reach: a private parameter, a creating call, or a fresh local? */
int ftc_prov_is_private(const ftc_prov *p, ftc_fn_view *v,
                        const ftc_expr *owner, ftc_stmt_pos use);

/* Can Python code that this thread runs reach the container? Only a
 * fresh container and the call's own args and kwargs are out of its
 * reach; the thread-state dict is private to the thread, not to the code. */
int ftc_prov_code_can_reach(const ftc_prov *p, ftc_fn_view *v,
                            const ftc_expr *owner, ftc_stmt_pos use);

/* Is this an object whose deallocation runs no Python code: a str, int,
 * float or bytes this function built, an immortal singleton, a literal? */
int ftc_prov_is_plain(ftc_fn_view *v, const ftc_expr *e);

/* Was the local or parameter e stored into a container (PyDict_SetItem, PyList_Append,
 * PyDict_SetDefault, ...) by a call written before offset `before`? Then
 * the container holds a reference of its own: dropping the local's cannot
 * free it. */
int ftc_prov_held_by_container(ftc_fn_view *v, const ftc_expr *e, uint32_t before);

/* Does local e, where a statement at `at` drops a reference to it, hold
 * a second reference to what a member or global still holds: `t = x->f;
 * Py_INCREF(t); ...; Py_DECREF(t)` in one block (Cython's temporaries),
 * with nothing between that can run code or store to a member or global?
 * (Borrowing calls between are allowed: a lookup's hash of a key.) Then
 * the drop cannot free it. */
int ftc_prov_held_by_source(ftc_fn_view *v, const ftc_expr *e, ftc_stmt_pos at);

/* Is local e NULL on every path to the statement at `at` (its last
 * assignment on each is NULL, and its address is never taken)? Then
 * Py_XDECREF(e) or Py_CLEAR(e) there does nothing. */
int ftc_prov_null_at(ftc_fn_view *v, const ftc_expr *e, ftc_stmt_pos at);

/* Expression helpers the walks share. */
int ftc_is_ref_to_local(const ftc_expr *e, int32_t local);
int ftc_is_null_literal(const ftc_expr *e);

#endif
