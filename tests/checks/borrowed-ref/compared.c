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

/* The items of a fast sequence, only compared by identity: a note; used
 * as objects: a warning. */
int is_registered_type(PyObject *type) {
    PyObject **items = PySequence_Fast_ITEMS(registry); // expected-remark {{PySequence_Fast_ITEMS returns borrowed references from sequence 'registry'}} expected-note {{the items are only compared, never used as objects: a smaller risk; hold Py_BEGIN_CRITICAL_SECTION(registry)}}
    Py_ssize_t n = PySequence_Fast_GET_SIZE(registry);
    for (Py_ssize_t i = 0; i < n; i++)
        if (*(items + i) == type || items[i] == type)
            return 1;
    return 0;
}

long registered_refcounts(void) {
    PyObject **items = PySequence_Fast_ITEMS(registry); // expected-warning {{PySequence_Fast_ITEMS returns borrowed references from sequence 'registry'}} expected-note {{hold Py_BEGIN_CRITICAL_SECTION(registry)}}
    long n = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(registry); i++)
        n += (long)Py_REFCNT(items[i]);
    return n;
}
