// Suppression comments, ftcheck's own and NumPy's linter's.
#include <Python.h>

static PyObject *registry;

long quiet(PyObject *key) {
    long n = 0;
    n += PyDict_GetItem(registry, key) != NULL ? 1 : 0; // ftcheck: ignore[borrowed-ref] registry is frozen after import
    // noqa: borrowed-ref OK
    n += PyDict_GetItemString(registry, "x") != NULL ? 1 : 0;
    /* ftcheck: ignore */
    n += PyList_GetItem(registry, 0) != NULL;
    PyObject *last = PyList_GetItem(registry, 1); // ftcheck: ignore[static-global] wrong rule: still reported
    return n + (long)Py_REFCNT(last);
}
// expected-warning@-3 {{PyList_GetItem returns a borrowed reference from list 'registry'}}
