// A borrowed result used only in a NULL test or an identity comparison,
// directly or through the local it is stored in: no object is used, so
// at most a note at likely confidence.
#include <Python.h>

static PyObject *registry;

int has_key(PyObject *key) {
    PyObject *v = PyDict_GetItem(registry, key); // expected-remark {{PyDict_GetItem returns a borrowed reference from dict 'registry'}} expected-note {{the result is only compared}}
    if (v == NULL)
        return 0;
    return 1;
}

int is_first(PyObject *obj) {
    PyObject *first = PyList_GetItem(registry, 0); // expected-remark {{PyList_GetItem returns a borrowed reference from list 'registry'}} expected-note {{the result is only compared}}
    return first != NULL && first == obj;
}

/* Used as an object after the test: a warning. */
long refcount_of(PyObject *key) {
    PyObject *v = PyDict_GetItem(registry, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'registry'}}
    if (v == NULL)
        return -1;
    return (long)Py_REFCNT(v);
}
