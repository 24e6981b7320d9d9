/* capi.h - facts about CPython's C API that more than one check uses. */
#ifndef FTC_CAPI_H
#define FTC_CAPI_H

#include "ftc_ir.h"

/* Python 3.13: Py_mod_gil, PyUnstable_Module_SetGIL, the ...Ref getters. */
#define FTC_PY_3_13 0x030D0000u
/* Python 3.15: PEP 820 renumbers slots (Py_mod_gil becomes 87). */
#define FTC_PY_3_15 0x030F0000u

/* Does a type spelling name this C-API struct, with or without `struct`,
 * qualifiers or a typedef's own name? ("struct PyModuleDef", "PyModuleDef") */
int ftc_capi_type_is(const char *type, const char *name);

/* Likewise for the element type of an array type ("struct PyMethodDef[4]"),
 * or the type itself when it is not an array. */
int ftc_capi_element_type_is(const char *type, const char *name);

/* The function an expression names (through casts and &), as an index
 * into tu->functions, or -1. */
int32_t ftc_capi_function_named_by(const ftc_expr *e);

/* Call f for every {Py_mod_exec, function} entry of every slot table in
 * the TU: the table and the function's index. */
void ftc_capi_for_each_exec_slot(const ftc_tu *tu,
                                 void (*f)(const ftc_var *table, int32_t fn, void *ctx),
                                 void *ctx);

/* The same for any slot naming a function (Py_mod_create, ...). */
void ftc_capi_for_each_slot(const ftc_tu *tu, const char *slot,
                            void (*f)(const ftc_var *table, int32_t fn, void *ctx),
                            void *ctx);

/* The module name in "PyInit_spam" / "PyModExport_spam", or NULL. */
const char *ftc_capi_module_init_name(const char *function);

/* Is this slot-id expression Py_mod_gil, by macro name or, failing that,
 * by the number the TU's headers give it? */
int ftc_capi_is_mod_gil_slot(const ftc_tu *tu, const ftc_expr *slot);

/* Does text (a skipped region) contain identifier as a whole word? */
int ftc_text_has_word(const char *text, size_t len, const char *word);

/* "3.13" for 0x030D00F0, into buf. */
const char *ftc_capi_version_text(uint32_t hex, char *buf, size_t len);

#endif

/* ---- borrowed references (free-threading-capi.md, section 1) ---------- */

typedef enum ftc_borrow_advice {
    FTC_ADVICE_REPLACE,          /* use the strong-reference replacement */
    FTC_ADVICE_CRITICAL_SECTION, /* no replacement: lock the container */
    FTC_ADVICE_NOTE              /* low risk: report at note level */
} ftc_borrow_advice;

typedef struct ftc_borrowed_api {
    const char *name;            /* function or macro */
    int container_arg;           /* argument that owns the result, -1: none */
    const char *owner;           /* what owns it when there is no argument */
    const char *replacement;     /* NULL for critical-section advice */
    uint32_t since;              /* version that added the replacement */
    int compat;                  /* pythoncapi_compat.h backports it */
    ftc_borrow_advice advice;
    int newref_fixit;            /* Py_XNewRef(api(args)) == replacement(args) */
} ftc_borrowed_api;

/* The API that returns (or yields) a borrowed reference, or NULL. */
const ftc_borrowed_api *ftc_capi_borrowed(const char *name);

/* How likely a call is to run arbitrary Python code or drop references
 * (so to free what a borrowed reference points to). */
typedef enum ftc_danger {
    FTC_DANGER_NONE = 0,
    FTC_DANGER_LIKELY,           /* may: conversions, unknown functions */
    FTC_DANGER_CERTAIN           /* does: Py_DECREF, calls, attribute access */
} ftc_danger;

/* For a call to a C-API function or macro by name; unknown names (not
 * the C API) get FTC_DANGER_LIKELY. */
ftc_danger ftc_capi_call_danger(const char *name);
/* Calls that make a new, private container (not yet visible elsewhere). */
int ftc_capi_creates_container(const char *name);
/* Of those, the ones that return the calling thread's own container:
 * other threads cannot reach it, code this thread runs can. */
int ftc_capi_thread_private(const char *name);
/* Calls whose result is new depending on their arguments: 0 when the
 * result is fresh if argument 0 is (PySequence_Fast), 1 when it is fresh
 * if the format string builds a container (Py_BuildValue), -1 otherwise. */
int ftc_capi_fresh_if(const char *name);
/* Does this Py_BuildValue format make a new container? */
int ftc_capi_build_value_is_container(const char *format);
/* Calls that run Python code chosen by the type of their first argument. */
int ftc_capi_runs_code_on(const char *name);
/* Calls that replace or remove items of their first argument. */
int ftc_capi_mutates_container(const char *name);
/* Calls that store a new reference to argument `arg` in their first
 * argument (a dict, list, set, object) and leave the caller's alone. */
int ftc_capi_stores_new_reference(const char *name, uint32_t arg);
/* Calls that operate on their first argument without keeping it. */
int ftc_capi_keeps_no_reference(const char *name, uint32_t arg);
/* Take a strong reference to their argument. */
int ftc_capi_is_incref(const char *name);
/* Drop a reference to their argument. */
int ftc_capi_is_decref(const char *name);
/* Make an object whose deallocation cannot run Python code. */
int ftc_capi_makes_plain_value(const char *name);

/* Critical-section macros: begin (with the locked objects as arguments)
 * and end. */
int ftc_capi_is_cs_begin(const char *macro);
int ftc_capi_is_cs_end(const char *macro);

/* Lock calls: 1 acquires (PyMutex_Lock, pthread_mutex_lock, ...), -1
 * releases, 0 neither. The headers rename PyMutex_Lock to _PyMutex_Lock:
 * both spellings count. */
int ftc_capi_lock_call(const char *name);
/* C++ scoped lock types (std::lock_guard, unique_lock, scoped_lock). */
int ftc_capi_is_scoped_guard(const char *type);
/* Lock objects themselves, which are meant to be shared. */
int ftc_capi_is_lock_type(const char *type);

/* For a call that writes through pointer arguments (PyArg_ParseTuple's
 * outputs, memset's target, PyType_Ready's type): the index of the first
 * such argument; -1 when it writes through none. */
int ftc_capi_writes_through_args(const char *name);
/* Which arguments of a PyArg_Parse* call its format string makes outputs:
 * sets out[i] for argument i (counting from the call's first argument),
 * reading "O!" (type in, object out), "O&" (converter in, target out),
 * "es#" and the like. Returns 0 when the format is not understood. */
int ftc_capi_parse_outputs(const char *format, unsigned first, unsigned char *out,
                           unsigned nargs);
