/* SWIG-generated wrapper generated with -nogil: declared. */
#define SWIGPYTHON
#define SWIGPYTHON_NOGIL
#include <Python.h>

static PyModuleDef_Slot SwigSlots[] = {
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}
};

static struct PyModuleDef SWIG_module = {
    PyModuleDef_HEAD_INIT, "_example", NULL, 0, NULL, SwigSlots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__example(void) { return PyModuleDef_Init(&SWIG_module); }
// expected-no-diagnostics
