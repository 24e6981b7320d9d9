// Multi-phase init with no slot table at all: nothing declares Py_mod_gil.
#include <Python.h>

static PyMethodDef bare_methods[] = {
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef bare_def = { // expected-warning {{module 'bare' has no slot table, so it does not declare Py_mod_gil: importing it re-enables the GIL on free-threaded Python}} expected-note {{once the module is safe without the GIL}}
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "bare",
    .m_size = 0,
    .m_methods = bare_methods,
};

PyMODINIT_FUNC PyInit_bare(void) { // expected-note {{module 'bare' is initialised here}}
    return PyModuleDef_Init(&bare_def);
}

// Single-phase init passes its definition to PyModule_Create instead; this
// check's multi-phase rule does not apply to it.
static struct PyModuleDef single_def = {
    PyModuleDef_HEAD_INIT, "single", NULL, -1, bare_methods, NULL, NULL, NULL, NULL,
};

PyObject *make_single(void) {
    return PyModule_Create(&single_def);
}
