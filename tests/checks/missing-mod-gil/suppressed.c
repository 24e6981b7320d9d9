// An in-source suppression silences the diagnostic (it stays in SARIF).
#include <Python.h>

// ftcheck: ignore[missing-mod-gil] still needs the GIL, see issue 12
static PyModuleDef_Slot kept_slots[] = {
    {0, NULL}
};

static PyModuleDef_Slot other_slots[] = { /* ftcheck: ignore */
    {0, NULL}
};

static struct PyModuleDef kept_def = {
    PyModuleDef_HEAD_INIT, "kept", NULL, 0, NULL, kept_slots, NULL, NULL, NULL,
};

static struct PyModuleDef other_def = {
    PyModuleDef_HEAD_INIT, "other", NULL, 0, NULL, other_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_kept(void) { return PyModuleDef_Init(&kept_def); }
PyMODINIT_FUNC PyInit_other(void) { return PyModuleDef_Init(&other_def); }

// expected-no-diagnostics
