// Single-phase init: PyModule_Create in PyInit_, declared (or not) with
// PyUnstable_Module_SetGIL, which exists only in free-threaded builds.
#include <Python.h>

static struct PyModuleDef plain_def = {
    PyModuleDef_HEAD_INIT, "plain", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_plain(void) { // expected-note {{module 'plain' is initialised here}}
    PyObject *m = PyModule_Create(&plain_def); // fixture-warning {{single-phase module 'plain' never calls PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED): importing it re-enables the GIL on free-threaded Python}} real-warning-re {{single-phase module 'plain' never calls PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED): importing it re-enables the GIL on free-threaded Python (these are Python 3.{{[0-9]+}} headers: PyUnstable_Module_SetGIL exists from 3.13 on, in free-threaded builds, so call it under #ifdef Py_GIL_DISABLED)}} expected-note {{call PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) under #ifdef Py_GIL_DISABLED}}
    if (m == NULL)
        return NULL;
    return m;
}

static struct PyModuleDef declared_def = {
    PyModuleDef_HEAD_INIT, "declared", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

/* Declared under #ifdef Py_GIL_DISABLED: compiled out in a GIL build, which
 * still counts (pycurl, ultrajson). */
PyMODINIT_FUNC PyInit_declared(void) {
    PyObject *m = PyModule_Create(&declared_def);
    if (m == NULL)
        return NULL;
#ifdef Py_GIL_DISABLED
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
#endif
    return m;
}

static struct PyModuleDef used_def = {
    PyModuleDef_HEAD_INIT, "needs_gil", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_needs_gil(void) {
    PyObject *m = PyModule_Create(&used_def);
#ifdef Py_GIL_DISABLED
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_USED); // ft-remark {{module 'needs_gil' declares that it needs the GIL (Py_MOD_GIL_USED)}} ft-note {{switch to Py_MOD_GIL_NOT_USED}}
#endif
    return m;
}

static struct PyModuleDef wrong_def = {
    PyModuleDef_HEAD_INIT, "wrong", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_wrong(void) {
    PyObject *m = PyModule_Create(&wrong_def);
    PyObject *other = PyDict_New();
#ifdef Py_GIL_DISABLED
    PyUnstable_Module_SetGIL(other, Py_MOD_GIL_NOT_USED); // ft-warning {{PyUnstable_Module_SetGIL is called on something other than the module 'PyInit_wrong' creates}} ft-note {{pass the module PyModule_Create returned}}
#endif
    Py_XDECREF(other);
    return m;
}

/* Multi-phase, but declared from the exec function: too late. */
static int late_exec(PyObject *m) {
#ifdef Py_GIL_DISABLED
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED); // ft-warning {{PyUnstable_Module_SetGIL in the Py_mod_exec function 'late_exec' has no effect}} ft-note {{declare it with {Py_mod_gil, Py_MOD_GIL_NOT_USED} in the slot table 'late_slots' instead}}
#endif
    (void)m;
    return 0;
}

static PyModuleDef_Slot late_slots[] = { // expected-warning {{module 'late' does not declare Py_mod_gil in slot table 'late_slots'}} expected-note {{once the module is safe}}
    {Py_mod_exec, late_exec},
    {0, NULL},
};

static struct PyModuleDef late_def = { // expected-note {{module definition 'late_def' uses this slot table}}
    PyModuleDef_HEAD_INIT, "late", NULL, 0, NULL, late_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_late(void) { return PyModuleDef_Init(&late_def); } // expected-note {{module 'late' is initialised here}}
