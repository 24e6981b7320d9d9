// The documented safe cases beside their racy twins.
#include <Python.h>

#ifndef Py_BEGIN_CRITICAL_SECTION
/* As pythoncapi_compat.h spells them for Pythons before 3.13. */
#  define Py_BEGIN_CRITICAL_SECTION(op) {
#  define Py_END_CRITICAL_SECTION() }
#  define Py_BEGIN_CRITICAL_SECTION2(a, b) {
#  define Py_END_CRITICAL_SECTION2() }
#endif

static PyObject *shared_list;
static long consume(PyObject *o) { return o != NULL; }

/* Tuples are immutable: never reported. */
static PyObject *tuples(PyObject *module, PyObject *tup) {
    (void)module;
    return PyLong_FromLong(consume(PyTuple_GetItem(tup, 0)) + consume(PyTuple_GET_ITEM(tup, 1)));
}

/* A container this function made and has not published. */
static PyObject *fresh(PyObject *module, PyObject *item) {
    (void)module;
    PyObject *list = PyList_New(0);
    if (list == NULL || PyList_Append(list, item) < 0)
        return NULL;
    long n = consume(PyList_GetItem(list, 0));
    n += consume(PyList_GET_ITEM(list, 0));
    Py_DECREF(list);
    return PyLong_FromLong(n);
}

/* Published before the use: stored in a global on a path that reaches it. */
static PyObject *published(PyObject *module, PyObject *item) {
    (void)module;
    PyObject *list = PyList_New(0);
    if (list == NULL || PyList_Append(list, item) < 0)
        return NULL;
    Py_XSETREF(shared_list, list);
    Py_INCREF(list);
    long n = consume(PyList_GetItem(list, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'list'}}
    Py_DECREF(list);
    return PyLong_FromLong(n);
}

/* Handed to a function that may keep it. */
extern void keep_somewhere(PyObject *o);
static PyObject *passed_on(PyObject *module, PyObject *key) {
    (void)module;
    PyObject *d = PyDict_New();
    if (d == NULL)
        return NULL;
    keep_somewhere(d);
    long n = consume(PyDict_GetItem(d, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'd'}}
    Py_DECREF(d);
    return PyLong_FromLong(n);
}

/* The args tuple and kwargs dict of a METH_VARARGS | METH_KEYWORDS method. */
static PyObject *with_kwargs(PyObject *module, PyObject *args, PyObject *kwargs) {
    (void)module; (void)args;
    if (kwargs == NULL)
        return PyLong_FromLong(0);
    return PyLong_FromLong(consume(PyDict_GetItemString(kwargs, "flag")));
}

/* Same shape, but not a method: its dict comes from anywhere. */
PyObject *not_a_method(PyObject *module, PyObject *args, PyObject *kwargs) {
    (void)module; (void)args;
    return PyLong_FromLong(consume(PyDict_GetItemString(kwargs, "flag"))); // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'kwargs'}}
}

typedef struct { PyObject_HEAD PyObject *dict; } Obj;

/* tp_init receives its own kwargs. */
static int obj_init(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self; (void)args;
    return kwds && PyDict_GetItemString(kwds, "x") ? 0 : -1;
}

/* Critical sections on the owner: safe in both builds. */
static PyObject *locked(Obj *self, PyObject *key) {
    long n;
    Py_BEGIN_CRITICAL_SECTION(self->dict);
    n = consume(PyDict_GetItem(self->dict, key));
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n);
}

static PyObject *locked_other(Obj *self, PyObject *other, PyObject *key) {
    long n;
    (void)other;
    Py_BEGIN_CRITICAL_SECTION(other);
    n = consume(PyDict_GetItem(self->dict, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'self->dict'}}
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n);
}

static PyObject *locked_two(Obj *self, PyObject *list) {
    long n = 0;
    Py_BEGIN_CRITICAL_SECTION2(self->dict, list);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(self->dict, &pos, &key, &value))
        n += consume(PyList_GetItem(list, 0));
    Py_END_CRITICAL_SECTION2();
    return PyLong_FromLong(n);
}

/* Inside the section, but used after a call that can suspend it. */
static PyObject *locked_then_call(Obj *self, PyObject *key, PyObject *label) {
    long n;
    Py_BEGIN_CRITICAL_SECTION(self->dict);
    PyObject *v = PyDict_GetItem(self->dict, key); // expected-note {{borrowed from dict 'self->dict' here}}
    PyObject *r = PyObject_Str(label); // expected-note {{PyObject_Str runs Python code of an object of unknown type}}
    n = consume(v) + consume(r); // expected-warning {{borrowed reference 'v' from PyDict_GetItem is used after a call that can free it}} expected-note {{take a strong reference}}
    Py_XDECREF(r);
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n);
}

/* Every caller holds a critical section on what it passes (the shape
 * Argument Clinic generates for @critical_section). */
static long lookup_impl(PyObject *dict, PyObject *key) {
    return consume(PyDict_GetItem(dict, key));
}

static PyObject *lookup(Obj *self, PyObject *key) {
    long n;
    Py_BEGIN_CRITICAL_SECTION(self->dict);
    n = lookup_impl(self->dict, key);
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n);
}

/* The same through a second helper, and with callers that pass a fresh
 * copy instead: each call passes a locked or a private dict. One caller
 * passing the shared dict unlocked is enough to report. */
static long convert_items(PyObject *dict, PyObject *key) {
    return consume(PyDict_GetItem(dict, key));
}

static long convert_union(PyObject *dict, PyObject *key) {
    return convert_items(dict, key);
}

static PyObject *convert(Obj *self, PyObject *key) {
    long n;
    Py_BEGIN_CRITICAL_SECTION(self->dict);
    n = convert_union(self->dict, key);
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n);
}

static PyObject *convert_mapping(Obj *self, PyObject *key) {
    PyObject *copy = PyDict_Copy(self->dict);
    long n = copy ? convert_items(copy, key) : -1;
    Py_XDECREF(copy);
    return PyLong_FromLong(n);
}

static long peek_items(PyObject *dict, PyObject *key) {
    return consume(PyDict_GetItem(dict, key)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'dict'}}
}

static PyObject *peek(Obj *self, PyObject *key) {
    long n;
    Py_BEGIN_CRITICAL_SECTION(self->dict);
    n = peek_items(self->dict, key);
    Py_END_CRITICAL_SECTION();
    return PyLong_FromLong(n + peek_items(self->dict, key));
}

/* Only tested for NULL: a smaller risk, a note. */
static PyObject *contains(Obj *self, PyObject *key) {
    if (PyDict_GetItem(self->dict, key) == NULL) // expected-remark {{PyDict_GetItem returns a borrowed reference from dict 'self->dict'}} expected-note {{the result is only compared, never used as an object}}
        Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"tuples", tuples, METH_O, NULL},
    {"fresh", fresh, METH_O, NULL},
    {"published", published, METH_O, NULL},
    {"passed_on", passed_on, METH_O, NULL},
    {"with_kwargs", (PyCFunction)(void (*)(void))with_kwargs, METH_VARARGS | METH_KEYWORDS, NULL},
    {"locked", (PyCFunction)(void (*)(void))locked, METH_O, NULL},
    {"locked_other", (PyCFunction)(void (*)(void))locked_other, METH_VARARGS, NULL},
    {"locked_two", (PyCFunction)(void (*)(void))locked_two, METH_O, NULL},
    {"locked_then_call", (PyCFunction)(void (*)(void))locked_then_call, METH_VARARGS, NULL},
    {"lookup", (PyCFunction)(void (*)(void))lookup, METH_O, NULL},
    {"convert", (PyCFunction)(void (*)(void))convert, METH_O, NULL},
    {"convert_mapping", (PyCFunction)(void (*)(void))convert_mapping, METH_O, NULL},
    {"peek", (PyCFunction)(void (*)(void))peek, METH_O, NULL},
    {"contains", (PyCFunction)(void (*)(void))contains, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot obj_slots[] = {
    {Py_tp_init, (void *)obj_init},
    {Py_tp_methods, methods},
    {0, NULL},
};

PyType_Spec obj_spec = {"m.Obj", sizeof(Obj), 0, Py_TPFLAGS_DEFAULT, obj_slots};
