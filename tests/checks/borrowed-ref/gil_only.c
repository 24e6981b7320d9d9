// Code that no free-threaded build compiles never runs without the GIL:
// not reported, whichever headers the file is compiled with.
#include <Python.h>

static PyObject *cache;

long gil_only_lookup(PyObject *key) {
    long n = 0;
#ifndef Py_GIL_DISABLED
    n += (long)Py_REFCNT(PyDict_GetItem(cache, key));
#endif
#if !defined(Py_GIL_DISABLED) && PY_VERSION_HEX >= 0x030D0000
    n += (long)Py_REFCNT(PyDict_GetItem(cache, key));
#endif
#ifdef Py_GIL_DISABLED
    PyObject *v = NULL;
    if (PyDict_GetItemRef(cache, key, &v) > 0) {
        n += (long)Py_REFCNT(v);
        Py_DECREF(v);
    }
#else
    n += (long)Py_REFCNT(PyList_GetItem(cache, 0));
#endif
#if defined(Py_GIL_DISABLED)
#elif PY_VERSION_HEX >= 0x030D0000
    n += (long)Py_REFCNT(PyList_GetItem(cache, 1));
#endif
    return n;
}

/* Free-threaded builds start at 3.13: a fallback for older versions is
 * GIL-only too (pythoncapi_compat-style shims). */
static int get_item_ref(PyObject *d, PyObject *k, PyObject **out) {
#if PY_VERSION_HEX < 0x030D0000 || !defined(Py_GIL_DISABLED)
    *out = Py_XNewRef(PyDict_GetItem(d, k));
    return *out != NULL;
#else
    return PyDict_GetItemRef(d, k, out);
#endif
}

/* Compiled in every build, or in some free-threaded ones: reported. */
long every_build(PyObject *key) {
    PyObject *v = NULL;
    long n = (long)Py_REFCNT(PyDict_GetItem(cache, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'cache'}}
#if PY_VERSION_HEX >= 0x030E0000 || !defined(Py_GIL_DISABLED)
    n += (long)Py_REFCNT(PyDict_GetItem(cache, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'cache'}}
#endif
    if (get_item_ref(cache, key, &v) > 0)
        Py_DECREF(v);
    return n;
}
