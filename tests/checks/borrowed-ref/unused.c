// A static function that nothing names (no call, no address, no table)
// never runs: Cython emits many such helpers (CYTHON_UNUSED). Not reported.
// One that is named is.
#include <Python.h>

static PyObject *registry;

static PyObject *first_item(PyObject *o) {
    return Py_XNewRef(PyList_GET_ITEM(o, 0));
}

static PyObject *first_used(PyObject *o) {
    return Py_XNewRef(PyList_GET_ITEM(o, 0)); // expected-warning {{PyList_GET_ITEM returns a borrowed reference from list 'o'}}
}

PyObject *lookup(void) { return first_used(registry); }

/* Named only by another function that never runs: never runs either. */
__attribute__((unused)) static PyObject *first_of_first(PyObject *o) {
    return first_item(PyList_GET_ITEM(o, 0));
}
