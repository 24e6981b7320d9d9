// C++: the same APIs and safe cases through a C++ extension's usual shapes.
#include <Python.h>

namespace demo {

struct Cache {
    PyObject *dict = nullptr;   // shared by every thread using the module

    long lookup(PyObject *key) const {
        PyObject *hit = PyDict_GetItem(dict, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'dict', which another thread can free: use PyDict_GetItemRef (Python 3.13)}}
        return hit != nullptr ? (long)Py_REFCNT(hit) : 0;
    }
};

long first_of(PyObject *tuple) {
    return PyTuple_GET_ITEM(tuple, 0) != nullptr;  // tuples are immutable
}

long fresh_list(PyObject *item) {
    PyObject *list = PyList_New(0);
    if (list == nullptr || PyList_Append(list, item) < 0)
        return -1;
    long n = PyList_GET_ITEM(list, 0) != nullptr;
    Py_DECREF(list);
    return n;
}

PyObject *escalated(Cache &c, PyObject *key) {
    PyObject *hit = PyDict_GetItem(c.dict, key); // expected-note {{borrowed from dict 'c.dict' here}}
    Py_XDECREF(key); // expected-note {{Py_XDECREF of an object of unknown type can run its finaliser}}
    return PyLong_FromLong(hit == nullptr ? 0 : Py_REFCNT(hit)); // expected-warning {{borrowed reference 'hit' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
}

}  // namespace demo

long entry(demo::Cache &c, PyObject *k, PyObject *t, PyObject *i) {
    return c.lookup(k) + demo::first_of(t) + demo::fresh_list(i) + (demo::escalated(c, k) != nullptr);
}
