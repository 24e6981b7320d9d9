// A multi-phase module whose slot table has no Py_mod_gil entry: importing
// it re-enables the GIL on free-threaded Python.
#include <Python.h>

static int spam_exec(PyObject *module) {
    return PyModule_AddIntConstant(module, "answer", 42);
}

// fixture-warning@+2 {{module 'spam' does not declare Py_mod_gil in slot table 'spam_slots': importing it re-enables the GIL on free-threaded Python}}
// real-warning-re@+1 {{module 'spam' does not declare Py_mod_gil in slot table 'spam_slots': importing it re-enables the GIL on free-threaded Python (these are Python 3.{{[0-9]+}} headers: the Py_mod_gil slot exists from 3.13 on, so guard the entry with #if PY_VERSION_HEX >= 0x030D0000)}}
static PyModuleDef_Slot spam_slots[] = { // expected-note {{once the module is safe without the GIL, add {Py_mod_gil, Py_MOD_GIL_NOT_USED} to its slot table}}
    {Py_mod_exec, spam_exec},
    {0, NULL}
};

static struct PyModuleDef spam_def = { // expected-note {{module definition 'spam_def' uses this slot table}}
    PyModuleDef_HEAD_INIT,
    "spam",
    "A module that still needs the GIL.",
    0,
    NULL,
    spam_slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit_spam(void) { // expected-note {{module 'spam' is initialised here}}
    return PyModuleDef_Init(&spam_def);
}
