/* Input for the output tests: one finding with related locations and a
 * fix-it, one suppressed finding, one note-level finding. */
#include <Python.h>

static PyModuleDef_Slot spam_slots[] = {
    {0, NULL}
};

static struct PyModuleDef spam_def = {
    PyModuleDef_HEAD_INIT, "spam", NULL, 0, NULL, spam_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_spam(void) { return PyModuleDef_Init(&spam_def); }

static PyModuleDef_Slot kept_slots[] = { // ftcheck: ignore[missing-mod-gil] waiting on #12
    {0, NULL}
};

static struct PyModuleDef kept_def = {
    PyModuleDef_HEAD_INIT, "kept", NULL, 0, NULL, kept_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_kept(void) { return PyModuleDef_Init(&kept_def); }

static PyModuleDef_Slot used_slots[] = {
    {Py_mod_gil, Py_MOD_GIL_USED},
    {0, NULL}
};

static struct PyModuleDef used_def = {
    PyModuleDef_HEAD_INIT, "used", NULL, 0, NULL, used_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_used(void) { return PyModuleDef_Init(&used_def); }
