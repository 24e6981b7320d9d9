/* callgraph.h - who calls whom in one translation unit. */
#ifndef FTC_CALLGRAPH_H
#define FTC_CALLGRAPH_H

#include "ftc_ir.h"

/* Mark the functions that run only while a module initialises: PyInit_*
 * and PyModExport_* functions, the functions its Py_mod_exec slots name,
 * and static functions called only from those (never through a pointer).
 * No other thread can reach the module's objects yet. `out` has one entry
 * per function of the TU. */
void ftc_init_only_functions(const ftc_tu *tu, unsigned char *out);

/* Mark the functions Python can call, directly or through other functions
 * of the TU: those named in method tables, getset tables, type slots and
 * static type objects (not module initialisation). */
void ftc_python_reachable_functions(const ftc_tu *tu, unsigned char *out);

#endif
