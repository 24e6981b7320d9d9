/*
 * eggs -- keeps track of eggs by name in one process-wide dict.
 *
 * One of ftcheck's bundled examples (see ../README.md).  Functions marked
 * HAZARD race once the GIL is gone; the ones marked OK are the safe way to
 * do the same kind of thing and must not be reported.
 *
 * Single-phase initialisation (PyModule_Create in PyInit_eggs) with global
 * state, C99.  Builds against CPython 3.10+ headers, GIL or free-threaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Critical sections are new in 3.13.  Before that there is no free-threaded
   build and the GIL serialises everything, so no-op braces are correct
   (this is what pythoncapi_compat.h provides). */
#if PY_VERSION_HEX < 0x030D0000
#  define Py_BEGIN_CRITICAL_SECTION(op) {
#  define Py_END_CRITICAL_SECTION() }
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define EGGS_IGNORE_DEPRECATED_BEGIN \
      _Pragma("GCC diagnostic push") \
      _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#  define EGGS_IGNORE_DEPRECATED_END _Pragma("GCC diagnostic pop")
#else
#  define EGGS_IGNORE_DEPRECATED_BEGIN
#  define EGGS_IGNORE_DEPRECATED_END
#endif

/* OK: both are set once in PyInit_eggs (the import machinery runs it once,
   in one thread) and never reassigned; the dict's contents change only
   through the dict API, which locks the dict. */
static PyObject *eggs_registry = NULL;  /* dict: name -> hatched (bool) */
static PyObject *EggsError = NULL;

/* ---- eggs.lay(name), eggs.hatch(name) ------------------------------------ */

/* OK: a single PyDict_SetItem call locks the dict itself. */
static PyObject *
eggs_lay(PyObject *Py_UNUSED(module), PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(EggsError, "egg names must be str");
        return NULL;
    }
    if (PyDict_SetItem(eggs_registry, name, Py_False) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
eggs_hatch(PyObject *Py_UNUSED(module), PyObject *name)
{
    if (PyDict_SetItem(eggs_registry, name, Py_True) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ---- eggs.names() -------------------------------------------------------- */

/* HAZARD [borrowed-ref]: PyDict_Next over a dict that other threads mutate
   (lay, hatch, or Python code through eggs.registry) with no critical
   section.  PyDict_Next does not lock the dict, `key` is borrowed, and
   PyList_Append can run the GC between iterations. */
static PyObject *
eggs_names(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    PyObject *names = PyList_New(0);
    PyObject *key;
    Py_ssize_t pos = 0;

    if (names == NULL) {
        return NULL;
    }
    while (PyDict_Next(eggs_registry, &pos, &key, NULL)) {
        if (PyList_Append(names, key) < 0) {
            Py_DECREF(names);
            return NULL;
        }
    }
    return names;
}

/* ---- eggs.count_hatched() ------------------------------------------------ */

/* OK: the whole iteration holds the dict's critical section, and the loop
   body only compares pointers -- nothing that can block or call back into
   Python -- so the borrowed `value` never outlives the lock. */
static PyObject *
eggs_count_hatched(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    PyObject *value;
    Py_ssize_t pos = 0, hatched = 0;

    Py_BEGIN_CRITICAL_SECTION(eggs_registry);
    while (PyDict_Next(eggs_registry, &pos, NULL, &value)) {
        if (value == Py_True) {
            hatched++;
        }
    }
    Py_END_CRITICAL_SECTION();
    return PyLong_FromSsize_t(hatched);
}

/* ---- eggs.peek(ref) ------------------------------------------------------ */

/* HAZARD [borrowed-ref]: PyWeakref_GetObject returns a borrowed reference.
   Another thread can drop the last strong reference to the referent right
   after the call, and PyObject_Repr then reads freed memory.  The API is
   deprecated since 3.13 and removed in 3.15: silencing the compiler's
   deprecation warning does not remove the race. */
static PyObject *
eggs_peek(PyObject *Py_UNUSED(module), PyObject *ref)
{
    PyObject *obj;

    if (!PyWeakref_Check(ref)) {
        PyErr_SetString(PyExc_TypeError, "peek() expects a weak reference");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030F0000
    EGGS_IGNORE_DEPRECATED_BEGIN
    obj = PyWeakref_GetObject(ref);
    EGGS_IGNORE_DEPRECATED_END
    if (obj == NULL) {
        return NULL;
    }
    if (obj == Py_None) {
        return PyUnicode_FromString("<dead>");
    }
    return PyObject_Repr(obj);
#else
    /* 3.15+: PyWeakref_GetRef gives a strong reference. */
    PyObject *repr;
    if (PyWeakref_GetRef(ref, &obj) < 0) {
        return NULL;
    }
    if (obj == NULL) {
        return PyUnicode_FromString("<dead>");
    }
    repr = PyObject_Repr(obj);
    Py_DECREF(obj);
    return repr;
#endif
}

/* ---- module definition --------------------------------------------------- */

static PyMethodDef eggs_methods[] = {
    {"lay", eggs_lay, METH_O, "lay(name): add an unhatched egg."},
    {"hatch", eggs_hatch, METH_O, "hatch(name): mark an egg as hatched."},
    {"names", eggs_names, METH_NOARGS, "names() -> list of egg names"},
    {"count_hatched", eggs_count_hatched, METH_NOARGS,
     "count_hatched() -> number of hatched eggs"},
    {"peek", eggs_peek, METH_O, "peek(weakref) -> repr of the referent"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef eggs_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "eggs",
    .m_doc = "Keeps track of eggs (an ftcheck example).",
    .m_size = -1,               /* single-phase, global state */
    .m_methods = eggs_methods,
};

PyMODINIT_FUNC
PyInit_eggs(void)
{
    PyObject *m = PyModule_Create(&eggs_module);
    if (m == NULL) {
        return NULL;
    }
#ifdef Py_GIL_DISABLED
    /* OK [missing-mod-gil]: declare that eggs runs safely without the GIL. */
    if (PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
#endif

    eggs_registry = PyDict_New();
    if (eggs_registry == NULL ||
        PyModule_AddObjectRef(m, "registry", eggs_registry) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    EggsError = PyErr_NewException("eggs.EggsError", NULL, NULL);
    if (EggsError == NULL ||
        PyModule_AddObjectRef(m, "EggsError", EggsError) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
