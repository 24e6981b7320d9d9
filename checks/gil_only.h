/* gil_only.h - code that a free-threaded build never compiles. */
#ifndef FTC_GIL_ONLY_H
#define FTC_GIL_ONLY_H

#include "ftc_ir.h"

/* Is loc inside a preprocessor branch that no build with Py_GIL_DISABLED
 * compiles (#ifndef Py_GIL_DISABLED, the #else of #ifdef Py_GIL_DISABLED,
 * ...)? Such code never runs free-threaded. Needs FTC_NEED_CONDITIONS. */
int ftc_gil_only_at(const ftc_tu *tu, ftc_loc loc);

#endif
