/* SWIG-generated wrapper (shape, much abridged), generated without -nogil. */
#define SWIGPYTHON // expected-warning {{SWIG module generated without -nogil}} expected-note {{generate it with 'swig -python -nogil'}}
#define SWIG_PYTHON_DIRECTOR_NO_VTABLE
#include <Python.h>

static PyModuleDef_Slot SwigSlots[] = {
    {0, NULL}
};

static struct PyModuleDef SWIG_module = {
    PyModuleDef_HEAD_INIT, "_example", NULL, 0, NULL, SwigSlots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__example(void) { return PyModuleDef_Init(&SWIG_module); }
