// Stands in for the vendored pythoncapi_compat.h: its fallbacks are built
// on the borrowed APIs on purpose and are never reported.
static inline PyObject *compat_get(PyObject *d, PyObject *k) {
    return Py_XNewRef(PyDict_GetItem(d, k));
}
