/* Includes Python's headers through -I and a system header; only the
 * project's own table below is reported. */
#include <Python.h>
#include <vendor_table.h>

static PyModuleDef_Slot own_slots[] = {
    {0, NULL}
};

static struct PyModuleDef own_def = {
    PyModuleDef_HEAD_INIT, "own", NULL, 0, NULL, own_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_own(void) { return PyModuleDef_Init(&own_def); }
PyObject *use_them(void) { (void)&internal_def; (void)&vendor_def; return NULL; }
