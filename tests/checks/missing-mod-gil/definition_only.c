// The module definition lives here; PyInit_ is in another translation
// unit. Its slot table is still checked.
#include <Python.h>

extern int parts_exec(PyObject *module);

static PyModuleDef_Slot parts_slots[] = { // expected-warning {{module 'parts' does not declare Py_mod_gil in slot table 'parts_slots'}} expected-note {{once the module is safe without the GIL}}
    {Py_mod_exec, (void *)parts_exec},
    {0, NULL},
};

struct PyModuleDef parts_def = { // expected-note {{module definition 'parts_def' uses this slot table}}
    PyModuleDef_HEAD_INIT, "parts", NULL, 0, NULL, parts_slots, NULL, NULL, NULL,
};
