// C++ with extern "C" init and the same hazard; a clean module beside it.
#include <Python.h>

namespace {

int cpp_exec(PyObject *module) {
    return PyModule_AddIntConstant(module, "answer", 42);
}

PyModuleDef_Slot cpp_slots[] = { // expected-warning {{module 'cppmod' does not declare Py_mod_gil in slot table 'cpp_slots'}} expected-note {{once the module is safe}}
    {Py_mod_exec, reinterpret_cast<void *>(cpp_exec)},
    {0, nullptr}
};

PyModuleDef cpp_def = { // expected-note {{module definition 'cpp_def' uses this slot table}}
    PyModuleDef_HEAD_INIT, "cppmod", nullptr, 0, nullptr, cpp_slots,
    nullptr, nullptr, nullptr,
};

PyModuleDef_Slot clean_slots[] = {
    {Py_mod_exec, reinterpret_cast<void *>(cpp_exec)},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, nullptr}
};

PyModuleDef clean_def = {
    PyModuleDef_HEAD_INIT, "cleanmod", nullptr, 0, nullptr, clean_slots,
    nullptr, nullptr, nullptr,
};

} // namespace

PyMODINIT_FUNC PyInit_cppmod(void) { // expected-note {{module 'cppmod' is initialised here}}
    return PyModuleDef_Init(&cpp_def);
}

PyMODINIT_FUNC PyInit_cleanmod(void) {
    return PyModuleDef_Init(&clean_def);
}
