/* gil_only.h - code that a free-threaded build never compiles. */
#ifndef FTC_GIL_ONLY_H
#define FTC_GIL_ONLY_H

#include "ftc_ir.h"

/* Is loc inside a preprocessor branch that no free-threaded build compiles
 * (#ifndef Py_GIL_DISABLED, the #else of #ifdef Py_GIL_DISABLED,
 * #if PY_VERSION_HEX < 0x030D0000, ...)? Such code never runs without the
 * GIL. Needs FTC_NEED_CONDITIONS. */
int ftc_gil_only_at(const ftc_tu *tu, ftc_loc loc);

#endif
