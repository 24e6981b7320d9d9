// The 3.15 form (PEP 793/820): PyModExport_<name> returns an array of
// PySlot. Spelled here as the 3.15 headers spell it, for older headers.
#include <Python.h>

#ifndef PySlot_DATA
typedef struct { int sl_id; void *sl_data; } PySlot;
#  define PySlot_DATA(ID, VALUE) {(ID), (void *)(VALUE)}
#  define PySlot_END {0, NULL}
#endif

#ifdef Py_mod_gil
static PySlot ported_slots[] = {
    PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED),
    PySlot_END,
};

PySlot *PyModExport_ported(void) { return ported_slots; }
#endif

static PySlot racy_slots[] = { // expected-warning {{module 'racy' does not declare Py_mod_gil in the slots 'racy_slots' that PyModExport_racy returns}} expected-note {{add PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED) to 'racy_slots'}}
    PySlot_END,
};

PySlot *PyModExport_racy(void) { return racy_slots; }
