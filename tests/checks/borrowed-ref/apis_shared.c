// Every borrowed-reference API on containers other threads can reach:
// module state, a global, an object's field.
#define FTC_FIXTURE_NO_DEPRECATIONS 1
#include <Python.h>
#pragma clang diagnostic ignored "-Wdeprecated-declarations"

typedef struct {
    PyObject_HEAD
    PyObject *items;   /* a list */
    PyObject *cache;   /* a dict */
    PyObject *ref;     /* a weak reference */
    PyObject *cell;
} Holder;

static PyObject *registry;   /* a dict shared by every thread */

static long use(PyObject *o) { return o != NULL; }

static PyObject *all_getters(Holder *self, PyObject *key) {
    long n = 0;
    n += use(PyList_GetItem(self->items, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'self->items', which another thread can free: use PyList_GetItemRef (Python 3.13)}}
    n += use(PyList_GET_ITEM(self->items, 1)); // expected-warning {{PyList_GET_ITEM returns a borrowed reference from list 'self->items', which another thread can free: use PyList_GetItemRef (Python 3.13)}}
    n += use(PyDict_GetItem(self->cache, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'self->cache', which another thread can free: use PyDict_GetItemRef (Python 3.13)}}
    n += use(PyDict_GetItemWithError(registry, key)); // expected-warning {{PyDict_GetItemWithError returns a borrowed reference from dict 'registry', which another thread can free: use PyDict_GetItemRef (Python 3.13)}}
    n += use(PyDict_GetItemString(registry, "name")); // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'registry', which another thread can free: use PyDict_GetItemStringRef (Python 3.13)}}
    n += use(PyDict_SetDefault(self->cache, key, Py_None)); // expected-warning {{PyDict_SetDefault returns a borrowed reference from dict 'self->cache', which another thread can free: use PyDict_SetDefaultRef (Python 3.13)}}
    n += use(PyWeakref_GetObject(self->ref)); // expected-warning {{PyWeakref_GetObject returns a borrowed reference from weak reference 'self->ref', which another thread can free: use PyWeakref_GetRef (Python 3.13)}}
    n += use(PyWeakref_GET_OBJECT(self->ref)); // expected-warning {{PyWeakref_GET_OBJECT returns a borrowed reference from weak reference 'self->ref', which another thread can free: use PyWeakref_GetRef (Python 3.13)}}
    n += use(PyImport_AddModule("spam")); // expected-warning {{PyImport_AddModule returns a borrowed reference from sys.modules, which another thread can free: use PyImport_AddModuleRef (Python 3.13)}}
    n += use(PyImport_AddModuleObject(key)); // expected-warning {{PyImport_AddModuleObject returns a borrowed reference from sys.modules, which another thread can free: use PyImport_AddModuleRef (Python 3.13)}}
    n += use(PyCell_GET(self->cell)); // expected-warning {{PyCell_GET returns a borrowed reference from cell 'self->cell', which another thread can free: use PyCell_Get}}
    n += use(PySys_GetObject("path")); // expected-warning {{PySys_GetObject returns a borrowed reference from the sys module, which another thread can free: use PySys_GetOptionalAttrString (Python 3.15); pythoncapi_compat.h provides it for older versions}}
    n += use(_PyDict_GetItemStringWithError(registry, "x")); // expected-warning {{_PyDict_GetItemStringWithError returns a borrowed reference from dict 'registry'}}
    n += use(PyEval_GetGlobals()); // expected-remark {{PyEval_GetGlobals returns a borrowed reference to a dict of the current frame; PyEval_GetFrameGlobals (Python 3.13) returns a strong one}}
    return PyLong_FromLong(n);
}

static PyObject *sequence_fast(PyObject *module, PyObject *seq) {
    (void)module;
    PyObject *fast = PySequence_Fast(seq, "expected a sequence");
    if (fast == NULL)
        return NULL;
    long n = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++)
        n += use(PySequence_Fast_GET_ITEM(fast, i)); // expected-warning {{PySequence_Fast_GET_ITEM returns borrowed references from sequence 'fast', which another thread can modify and free}} expected-note {{hold Py_BEGIN_CRITICAL_SECTION(fast) ... Py_END_CRITICAL_SECTION() around the whole use}}
    PyObject **items = PySequence_Fast_ITEMS(fast); // expected-warning {{PySequence_Fast_ITEMS returns borrowed references from sequence 'fast'}} expected-note {{hold Py_BEGIN_CRITICAL_SECTION(fast)}}
    n += use(items[0]);
    Py_DECREF(fast);
    return PyLong_FromLong(n);
}

static PyObject *iterate_shared(PyObject *module, PyObject *unused) {
    (void)module; (void)unused;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    long n = 0;
    while (PyDict_Next(registry, &pos, &key, &value)) // expected-warning {{PyDict_Next returns borrowed references from dict 'registry', which another thread can modify and free}} expected-note {{hold Py_BEGIN_CRITICAL_SECTION(registry) ... Py_END_CRITICAL_SECTION() around the whole use}}
        n += use(value);
    return PyLong_FromLong(n);
}

static PyMethodDef methods[] = {
    {"sequence_fast", sequence_fast, METH_O, NULL},
    {"iterate_shared", iterate_shared, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *entry(Holder *h, PyObject *k) { (void)methods; return all_getters(h, k); }
