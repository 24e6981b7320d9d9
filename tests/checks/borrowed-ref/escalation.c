// A borrowed value used after a call that can run Python code or drop
// references is a use-after-free even with the GIL: an error-level finding
// (printed as a warning so builds go on), with the borrowing and the
// freeing call as notes.
#include <Python.h>

typedef struct {
    PyObject *table;   /* a dict in module state */
    PyObject *other;
} State;

static long consume(PyObject *o) { return o != NULL; }

/* Can drop a reference: calling it may free anything. */
static void forget(State *st) {
    Py_CLEAR(st->other);
}

/* Plain C: cannot free Python objects. */
static long pure(long x) { return x * 2; }

PyObject *decref_between(State *st, PyObject *key) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-note {{borrowed from dict 'st->table' here}}
    if (value == NULL)
        return NULL;
    Py_DECREF(key); // expected-note {{Py_DECREF of an object of unknown type can run its finaliser}}
    return PyLong_FromLong(consume(value)); // expected-warning {{borrowed reference 'value' from PyDict_GetItem is used after a call that can free it: a use-after-free even with the GIL}} expected-note {{take a strong reference (PyDict_GetItemRef, or Py_NewRef before the call) and release it when done}}
}

PyObject *repr_between(State *st, PyObject *key, PyObject *label) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-note {{borrowed from dict 'st->table' here}}
    PyObject *text = PyObject_Repr(label); // expected-note {{PyObject_Repr runs Python code of an object of unknown type}}
    if (text == NULL)
        return NULL;
    long n = consume(value); // expected-warning {{borrowed reference 'value' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    Py_DECREF(text);
    return PyLong_FromLong(n);
}

PyObject *own_function_between(State *st, PyObject *key) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-note {{borrowed from dict 'st->table' here}}
    forget(st); // expected-note {{forget can run Python code or remove items of shared containers}}
    return PyLong_FromLong(consume(value)); // expected-warning {{borrowed reference 'value' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
}

PyObject *on_one_path(State *st, PyObject *key, int flag) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-note {{borrowed from dict 'st->table' here}}
    if (flag)
        Py_XDECREF(st->other); // expected-note {{Py_XDECREF of an object of unknown type can run its finaliser}}
    return PyLong_FromLong(consume(value)); // expected-warning {{borrowed reference 'value' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
}

/* Clean for escalation (still a plain borrowed-ref warning each): */

PyObject *strong_before(State *st, PyObject *key) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'st->table'}}
    if (value == NULL)
        return NULL;
    Py_INCREF(value);
    Py_DECREF(key);
    long n = consume(value);
    Py_DECREF(value);
    return PyLong_FromLong(n);
}

PyObject *pure_between(State *st, PyObject *key) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'st->table'}}
    long n = pure(42);
    return PyLong_FromLong(n + consume(value));
}

PyObject *reassigned(State *st, PyObject *key) {
    PyObject *value = PyDict_GetItem(st->table, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'st->table'}}
    long n = consume(value);
    Py_DECREF(key);
    value = Py_None;
    return PyLong_FromLong(n + consume(value));
}

PyObject *used_before(State *st, PyObject *key) {
    PyObject *value = PyList_GetItem(st->other, 0); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'st->other'}}
    long n = consume(value);
    Py_DECREF(key);
    return PyLong_FromLong(n);
}
