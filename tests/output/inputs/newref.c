/* Input for the fix-it scenario: three exact rewrites. */
#include <Python.h>

typedef struct { PyObject *items; PyObject *cell; } State;

PyObject *first(State *st) {
    return Py_NewRef(PyList_GetItem(st->items, 0));
}

PyObject *cell_value(State *st) {
    return Py_XNewRef(PyCell_GET(st->cell));
}

PyObject *module(void) {
    return Py_XNewRef(PyImport_AddModule("spam"));
}
