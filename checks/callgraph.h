/* callgraph.h - who calls whom in one translation unit. */
#ifndef FTC_CALLGRAPH_H
#define FTC_CALLGRAPH_H

#include "ftc_ir.h"

/* Mark the functions that run only while a module initialises or is torn
 * down: PyInit_* and PyModExport_* functions, the functions its
 * Py_mod_exec slots and its PyModuleDef's m_clear/m_free name, and static
 * functions called only from those (never through a pointer). No other
 * thread uses the module then. `out` has one entry per function. */
void ftc_init_only_functions(const ftc_tu *tu, unsigned char *out);

/* Mark the functions Python can call, directly or through other functions
 * of the TU: those named in method tables, getset tables, type slots and
 * static type objects (not module initialisation). */
void ftc_python_reachable_functions(const ftc_tu *tu, unsigned char *out);

/* Grow `marks` (one entry per function): a static function never named
 * but as a callee, whose every caller is marked, gets marked. */
void ftc_close_over_static_callees(const ftc_tu *tu, unsigned char *marks);

/* The same for functions of any linkage: what this TU says of them (other
 * files may call a non-static function too). */
void ftc_close_over_callees(const ftc_tu *tu, unsigned char *marks);

/* Mark the static functions of a C TU without errors that nothing live
 * names: no call, no address taken, in no table, from a function that can
 * run. They never run (Cython emits many such helpers). */
void ftc_unused_functions(const ftc_tu *tu, unsigned char *out);

/* Grow `marks` (one entry per function) with every function a marked one
 * calls or names, transitively, and (with_globals) every function a
 * global's initialiser names. -1 when out of memory. */
int ftc_close_over_named(const ftc_tu *tu, unsigned char *marks, int with_globals);

/* Mark the functions some function of the TU calls directly. */
void ftc_called_functions(const ftc_tu *tu, unsigned char *out);

#endif
