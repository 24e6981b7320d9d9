// An explicit Py_MOD_GIL_USED is a deliberate statement: a note-level
// finding (a remark in the build), so audits count it and builds stay quiet.
#include <Python.h>

static PyModuleDef_Slot f2py_slots[] = {
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_USED}, // fixture-remark {{module 'f2pymod' declares that it needs the GIL (Py_MOD_GIL_USED)}} fixture-note {{switch to Py_MOD_GIL_NOT_USED once the module is safe without the GIL}}
#endif
    {0, NULL}
};

static struct PyModuleDef f2py_def = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "f2pymod",
    .m_slots = f2py_slots,
};

PyMODINIT_FUNC PyInit_f2pymod(void) {
    return PyModuleDef_Init(&f2py_def);
}
// real-no-diagnostics
