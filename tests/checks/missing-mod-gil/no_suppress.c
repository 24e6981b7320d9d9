// ftcheck-test-args: no-suppress
// With no-suppress, a suppressed finding is reported like any other.
#include <Python.h>

// ftcheck: ignore[missing-mod-gil] still needs the GIL
static PyModuleDef_Slot kept_slots[] = { // expected-warning {{module 'kept' does not declare Py_mod_gil}} expected-note {{once the module is safe}}
    {0, NULL}
};

static struct PyModuleDef kept_def = { // expected-note {{uses this slot table}}
    PyModuleDef_HEAD_INIT, "kept", NULL, 0, NULL, kept_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_kept(void) { return PyModuleDef_Init(&kept_def); } // expected-note {{module 'kept' is initialised here}}
