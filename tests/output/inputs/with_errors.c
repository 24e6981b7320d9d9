/* A TU with a compile error: still analysed as far as Clang recovered. */
#include <Python.h>

static PyModuleDef_Slot broken_slots[] = {
    {0, NULL}
};

static struct PyModuleDef broken_def = {
    PyModuleDef_HEAD_INIT, "broken", NULL, 0, NULL, broken_slots, NULL, NULL, NULL,
};

static int oops(void) { return undeclared_name; }

PyMODINIT_FUNC PyInit_broken(void) { return PyModuleDef_Init(&broken_def); }
