// Py_NewRef around a borrowing call is still racy; where the rewrite is
// exact ftcheck offers a fix-it to the strong-reference API.
#include <Python.h>

typedef struct { PyObject *items; PyObject *cell; } State;

PyObject *first(State *st) {
    return Py_NewRef(PyList_GetItem(st->items, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'st->items', which another thread can free: use PyList_GetItemRef}}
}

PyObject *cell_value(State *st) {
    return Py_XNewRef(PyCell_GET(st->cell)); // expected-warning {{PyCell_GET returns a borrowed reference from cell 'st->cell', which another thread can free: use PyCell_Get}}
}

PyObject *module(void) {
    return Py_XNewRef(PyImport_AddModule("spam")); // expected-warning {{PyImport_AddModule returns a borrowed reference from sys.modules}}
}
