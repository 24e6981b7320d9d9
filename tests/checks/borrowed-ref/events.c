// What can really free a borrowed item between the borrow and a use: a
// mutation of the same container, Python code that can reach it, the
// finaliser of an object of unknown type. Racy and clean side by side.
#include <Python.h>

static long consume(PyObject *o) { return o != NULL; }

/* The caller's dict, set through the generic protocol, then used: the
 * SetItem can replace the very item (an error, with or without the GIL). */
PyObject *set_same_dict(PyObject *d, PyObject *k, PyObject *x) {
    PyObject *v = PyDict_GetItemWithError(d, k); // expected-note {{borrowed from dict 'd' here}}
    if (v == NULL)
        return NULL;
    if (PyObject_SetItem(d, k, x) < 0) // expected-note {{PyObject_SetItem can replace or remove the item in dict 'd'}}
        return NULL;
    return PyObject_Repr(v); // expected-warning {{borrowed reference 'v' from PyDict_GetItemWithError is used after a call that can free it}} expected-note {{take a strong reference}}
}

/* A fresh PyLong dropped in between runs no Python code: no error. */
PyObject *decref_fresh_long(PyObject *d, PyObject *k) {
    PyObject *v = PyDict_GetItemWithError(d, k); // expected-warning {{PyDict_GetItemWithError returns a borrowed reference from dict 'd'}}
    if (v == NULL)
        return NULL;
    PyObject *n = PyLong_FromLong(42);
    Py_XDECREF(n);
    return Py_NewRef(v);
}

/* Neither does an interned string, a literal or None. */
PyObject *decref_plain(PyObject *d) {
    PyObject *key = PyUnicode_InternFromString("name");
    PyObject *v = PyDict_GetItem(d, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'd'}}
    Py_XDECREF(key);
    Py_DECREF(Py_None);
    return Py_XNewRef(v);
}

/* Another dict's SetItem mutates that dict, not this one: no error. */
PyObject *set_other_dict(PyObject *d, PyObject *other, PyObject *k) {
    PyObject *v = PyDict_GetItem(d, k); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'd'}}
    if (v == NULL || PyDict_SetItem(other, k, Py_None) < 0)
        return NULL;
    return Py_NewRef(v);
}

/* A fresh dict no other code can reach: only its own mutation counts. */
PyObject *fresh_then_call(PyObject *callable, PyObject *k) {
    PyObject *d = PyDict_New();
    if (d == NULL || PyDict_SetItem(d, k, k) < 0)
        return NULL;
    PyObject *v = PyDict_GetItem(d, k);
    PyObject *r = PyObject_CallNoArgs(callable);   /* cannot reach d */
    long n = consume(v);
    Py_XDECREF(r);
    Py_DECREF(d);
    return PyLong_FromLong(n);
}

PyObject *fresh_then_delete(PyObject *k) {
    PyObject *d = PyDict_New();
    if (d == NULL || PyDict_SetItem(d, k, PyLong_FromLong(1)) < 0)
        return NULL;
    PyObject *v = PyDict_GetItem(d, k); // expected-note {{borrowed from dict 'd' here}}
    PyDict_DelItem(d, k); // expected-note {{PyDict_DelItem can replace or remove the item in dict 'd'}}
    long n = consume(v); // expected-warning {{borrowed reference 'v' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    Py_DECREF(d);
    return PyLong_FromLong(n);
}

/* Calling back into an object of unknown type while the shared dict is
 * reachable: an error. */
PyObject *callback_between(PyObject *d, PyObject *k, PyObject *cb) {
    PyObject *v = PyDict_GetItem(d, k); // expected-note {{borrowed from dict 'd' here}}
    PyObject *r = PyObject_CallOneArg(cb, k); // expected-note {{PyObject_CallOneArg runs Python code of an object of unknown type}}
    Py_XDECREF(r);
    return Py_XNewRef(v); // expected-warning {{borrowed reference 'v' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
}

/* An int built by Py_BuildValue("n") runs no code when dropped. */
PyObject *decref_built_int(PyObject *d, PyObject *k, Py_ssize_t i) {
    PyObject *v = PyDict_GetItem(d, k); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'd'}}
    PyObject *index = Py_BuildValue("n", i);
    Py_XDECREF(index);
    return Py_XNewRef(v);
}

/* An object just stored into a container is held by it: dropping the
 * local reference frees nothing (cffi's types_dict cache). */
PyObject *decref_after_store(PyObject *d, PyObject *k, PyObject *made) {
    PyObject *v = PyDict_SetDefault(d, k, made); // expected-warning {{PyDict_SetDefault returns a borrowed reference from dict 'd'}}
    if (v == NULL)
        return NULL;
    Py_DECREF(made);
    return Py_NewRef(v);
}

/* Cython's temporaries: a second reference to what a field still holds,
 * dropped right after the lookup, cannot free it; dropped after the field
 * was given another object, it can be the last one. */
typedef struct {
    PyObject_HEAD
    PyObject *name;
} Prop;

#define Tmp_INCREF(r) Py_INCREF(r)
#define Tmp_DECREF(r) Py_DECREF(r)

PyObject *field_temporary(Prop *self, PyObject *cache) {
    PyObject *t = self->name;
    Tmp_INCREF(t);
    PyObject *val = PyDict_GetItem(cache, t); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'cache'}}
    Tmp_DECREF(t);
    return Py_XNewRef(val);
}

PyObject *field_temporary_replaced(Prop *self, PyObject *cache, PyObject *other) {
    PyObject *t = self->name;
    Tmp_INCREF(t);
    PyObject *val = PyDict_GetItem(cache, t); // expected-note {{borrowed from dict 'cache' here}}
    self->name = other;
    Tmp_DECREF(t); // expected-note {{Py_DECREF of an object of unknown type can run its finaliser}}
    return Py_XNewRef(val); // expected-warning {{borrowed reference 'val' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
}

/* Cython's return value: Py_XDECREF of a local that is NULL on every path
 * there does nothing; where it may hold an object, it can free. */
PyObject *xdecref_null(PyObject *cache, PyObject *key, int early, PyObject *obj) {
    PyObject *r = NULL;
    if (early) {
        Py_XDECREF(r);
        r = Py_NewRef(obj);
        goto done;
    }
    PyObject *val = PyDict_GetItem(cache, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'cache'}}
    Py_XDECREF(r);
    r = Py_XNewRef(val);
done:
    return r;
}

PyObject *xdecref_maybe(PyObject *cache, PyObject *key, int early, PyObject *obj) {
    PyObject *r = NULL;
    if (early)
        r = PyObject_Repr(obj);
    PyObject *val = PyDict_GetItem(cache, key); // expected-note {{borrowed from dict 'cache' here}}
    Py_XDECREF(r); // expected-note {{Py_XDECREF of an object of unknown type can run its finaliser}}
    r = Py_XNewRef(val); // expected-warning {{borrowed reference 'val' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    return r;
}
