// The module definition declared before it is defined (C tentative
// definition, as code that uses PyType_GetModuleByDef early does): the
// initialised definition is the one that counts.
#include <Python.h>

static struct PyModuleDef declared_def;

static int declared_exec(PyObject *m) { return PyModule_AddIntConstant(m, "x", 1); }

static PyModuleDef_Slot declared_slots[] = {
    {Py_mod_exec, declared_exec},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}
};

static struct PyModuleDef declared_def = {
    PyModuleDef_HEAD_INIT, "declared", NULL, 0, NULL, declared_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_declared(void) { return PyModuleDef_Init(&declared_def); }

/* Same shape, missing the entry: reported at the table, as usual. */
PyMODINIT_FUNC PyInit_later(void);
static struct PyModuleDef later_def;
PyMODINIT_FUNC PyInit_later(void) { return PyModuleDef_Init(&later_def); } // expected-note {{module 'later' is initialised here}}

static PyModuleDef_Slot later_slots[] = { // expected-warning {{module 'later' does not declare Py_mod_gil in slot table 'later_slots'}} expected-note {{once the module is safe}}
    {0, NULL}
};

static struct PyModuleDef later_def = { // expected-note {{module definition 'later_def' uses this slot table}}
    PyModuleDef_HEAD_INIT, "later", NULL, 0, NULL, later_slots, NULL, NULL, NULL,
};
