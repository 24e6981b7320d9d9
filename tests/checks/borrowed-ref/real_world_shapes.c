// Shapes from real extensions (psycopg2, python-ldap, simplejson, pyodbc,
// apsw, pycurl) that must not be reported, beside the ones that must.
#include <Python.h>
#include "pythoncapi_compat.h"

static PyObject *registry;   /* shared by every thread */
static long consume(PyObject *o) { return o != NULL; }
extern PyObject *helper_elsewhere(PyObject *o);   /* defined in another file */

/* Created on one path only, NULL otherwise (apsw, psycopg2). */
long conditional_fresh(int want, PyObject *item) {
    PyObject *list = NULL;
    long n = 0;
    if (want) {
        list = PyList_New(1);
        if (list == NULL)
            return -1;
        Py_INCREF(item);
        PyList_SET_ITEM(list, 0, item);
        n = consume(PyList_GET_ITEM(list, 0));
    }
    Py_XDECREF(list);
    return n;
}

/* Re-created at the top of each iteration, published at the bottom
 * (python-ldap). */
PyObject *per_iteration(PyObject *names, PyObject *out) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        PyObject *attrs = PyDict_New();
        if (attrs == NULL)
            return NULL;
        if (PyDict_GetItem(attrs, PyTuple_GET_ITEM(names, i)) == NULL)
            PyDict_SetItem(attrs, PyTuple_GET_ITEM(names, i), Py_None);
        PyObject *entry = Py_BuildValue("(O)", attrs);
        Py_DECREF(attrs);
        if (entry == NULL || PyList_Append(out, entry) < 0)
            return NULL;
        Py_DECREF(entry);
    }
    Py_RETURN_NONE;
}

/* Items of any mapping: a new list either way (simplejson). */
long mapping_items(PyObject *d) {
    PyObject *items = PyDict_CheckExact(d) ? PyDict_Items(d) : PyMapping_Items(d);
    if (items == NULL)
        return -1;
    long n = consume(PyList_GET_ITEM(items, 0));
    Py_DECREF(items);
    return n;
}

/* The thread-state dict is private to the calling thread (pyodbc, apsw). */
long thread_dict(PyObject *key) {
    PyObject *tdict = PyThreadState_GetDict();
    return consume(PyDict_GetItem(tdict, key)) +
           consume(PyDict_GetItemWithError(PyThreadState_GetDict(), key));
}

/* Compared by identity only: a note (pycurl). */
long is_owner(PyObject *self_owners, PyObject *obj) {
    return PyList_GET_ITEM(self_owners, 0) == obj; // expected-remark {{PyList_GET_ITEM returns a borrowed reference from list 'self_owners'}} expected-note {{the result is only compared, never used as an object}}
}

/* Dropping a key this function packed runs no code (psycopg2). */
long fresh_key(PyObject *type, PyObject *proto) {
    PyObject *key = PyTuple_Pack(2, type, proto);
    if (key == NULL)
        return -1;
    PyObject *adapter = PyDict_GetItem(registry, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'registry'}}
    Py_DECREF(key);
    return consume(adapter);
}

/* Strong reference taken only when non-NULL (python-ldap). */
PyObject *incref_if_present(PyObject *key, PyObject *label) {
    PyObject *v = PyDict_GetItem(registry, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'registry'}}
    if (v != NULL)
        Py_INCREF(v);
    PyObject *r = PyObject_Repr(label);
    Py_XDECREF(r);
    return v;
}

/* Py_INCREF after the freeing call is too late: an error. */
PyObject *incref_too_late(PyObject *key, PyObject *label) {
    PyObject *v = PyDict_GetItem(registry, key); // expected-note {{borrowed from dict 'registry' here}}
    PyObject *r = PyObject_Repr(label); // expected-note {{PyObject_Repr runs Python code of an object of unknown type}}
    Py_XDECREF(r);
    Py_XINCREF(v); // expected-warning {{borrowed reference 'v' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    return v;
}

/* A project function from another file may run Python code, or may not:
 * no summary of it here, so no error (an error must be right every time);
 * the shared dict still gets its warning. */
long other_file(PyObject *key) {
    PyObject *w = PyDict_GetItem(registry, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'registry'}}
    PyObject *q = helper_elsewhere(key);
    long n = consume(w);
    Py_XDECREF(q);
    return n;
}

/* Runs only while the module initialises: no other thread yet. */
static int fill_constants(PyObject *dict) {
    return PyDict_GetItemString(dict, "x") ? 0 : PyDict_SetItemString(dict, "x", Py_None);
}

static int module_exec(PyObject *m) {
    PyObject *d = PyModule_GetDict(m);
    if (PyDict_GetItemString(d, "version") == NULL && fill_constants(d) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, module_exec},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef def = {
    PyModuleDef_HEAD_INIT, "shapes", NULL, 0, NULL, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_shapes(void) {
    (void)compat_get;
    return PyModuleDef_Init(&def);
}

/* Private to this thread, yet freed by the call in between: still a
 * use-after-free (apsw's async runner). */
long thread_dict_freed(PyObject *key, PyObject *arg) {
    PyObject *runner = PyDict_GetItem(PyThreadState_GetDict(), key); // expected-note {{borrowed from dict 'PyThreadState_GetDict()' here}}
    PyObject *r = PyObject_CallOneArg(runner, arg); // expected-note {{PyObject_CallOneArg runs Python code of an object of unknown type}}
    long n = consume(runner); // expected-warning {{borrowed reference 'runner' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    Py_XDECREF(r);
    return n;
}

/* A fresh list released with Py_CLEAR, which takes its address inside the
 * macro (apsw's unicode offsets). */
long cleared_fresh(PyObject *item) {
    PyObject *offsets = PyList_New(0);
    if (offsets == NULL || PyList_Append(offsets, item) < 0)
        return -1;
    long n = consume(PyList_GET_ITEM(offsets, 0));
    Py_CLEAR(offsets);
    return n;
}
