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
