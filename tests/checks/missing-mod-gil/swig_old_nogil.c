/* SWIG 4.1 output compiled with -DSWIGPYTHON_NOGIL: 4.1 never reads it. */
#define SWIG_VERSION 0x040100
#define SWIGPYTHON // expected-warning {{SWIGPYTHON_NOGIL is defined, but this wrapper comes from SWIG 0x040100, whose output ignores it}} expected-note {{regenerate it with 'swig -python -nogil' from SWIG 4.4 or later}}
#define SWIGPYTHON_NOGIL
#include <Python.h>

static struct PyModuleDef SWIG_module = {
    PyModuleDef_HEAD_INIT, "_example", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__example(void) { return PyModule_Create(&SWIG_module); }
