// A write in code that no free-threaded build compiles never races:
// GIL builds serialise it. Reported only where every build compiles it.
#include <Python.h>

static PyObject *cache;
static long calls;

static PyObject *lookup(PyObject *self, PyObject *arg) {
    (void)self;
#ifndef Py_GIL_DISABLED
    if (cache == NULL)
        cache = PyDict_New();    /* the free-threaded build uses module state */
    calls++;
#else
    (void)cache;
#endif
    calls += 2; // expected-warning {{counter 'calls' is updated in 'lookup' without synchronisation}} expected-note@6 {{'calls' is declared here}} expected-note {{make it _Atomic}}
    return Py_NewRef(arg);
}

static PyMethodDef methods[] = {
    {"lookup", lookup, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *make(void) { return PyCFunction_New(methods, NULL); }

/* A variable the free-threaded build declares thread-local: the GIL
 * build's plain declaration races with nothing (greenlet, cffi). */
#ifdef Py_GIL_DISABLED
static _Thread_local int depth;
#else
static int depth;
#endif

static PyObject *recurse(PyObject *self, PyObject *arg) {
    (void)self;
    depth++;
    PyObject *r = Py_NewRef(arg);
    depth--;
    return r;
}

static PyMethodDef more_methods[] = {
    {"recurse", recurse, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *make_more(void) { return PyCFunction_New(more_methods, NULL); }
