// Clean: the slot table declares Py_MOD_GIL_NOT_USED. With headers older
// than 3.13 the guarded entry is compiled out, which is still a declaration.
#include <Python.h>

static int eggs_exec(PyObject *module) {
    return PyModule_AddIntConstant(module, "answer", 42);
}

static PyModuleDef_Slot eggs_slots[] = {
    {Py_mod_exec, eggs_exec},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}
};

static struct PyModuleDef eggs_def = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "eggs",
    .m_slots = eggs_slots,
};

PyMODINIT_FUNC PyInit_eggs(void) {
    return PyModuleDef_Init(&eggs_def);
}

// The Quansight guide's guard: compiled out in a GIL build, present in a
// free-threaded one. Either way the module has declared itself.
static PyModuleDef_Slot ham_slots[] = {
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL}
};

static struct PyModuleDef ham_def = {
    PyModuleDef_HEAD_INIT, "ham", NULL, 0, NULL, &ham_slots[0], NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_ham(void) {
    return PyModuleDef_Init(&ham_def);
}

// expected-no-diagnostics
