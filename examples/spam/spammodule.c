/*
 * spam -- a small key/value registry, written the way many extension modules
 * were written before free-threaded Python existed.
 *
 * One of ftcheck's bundled examples (see ../README.md).  It is deliberately
 * a mix: the functions marked HAZARD race once the GIL is gone, the ones
 * marked OK are the free-threading-safe way to do the same kind of thing and
 * must not be reported.
 *
 * Multi-phase initialisation (PEP 489), per-module state, C99.
 * Builds against CPython 3.10+ headers, GIL or free-threaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* ---- module state -------------------------------------------------------- */

typedef struct {
    PyObject *registry;     /* dict: key -> value, shared by all threads */
} spam_state;

static inline spam_state *
get_spam_state(PyObject *module)
{
    return (spam_state *)PyModule_GetState(module);
}

/* OK: read-only tables. */
static const char *const spam_kinds[] = {"ham", "eggs", "beans", NULL};

static const struct {
    const char *name;
    long value;
} spam_constants[] = {
    {"MAX_KEYS", 1024},
    {"FORMAT_VERSION", 2},
};

/* ---- spam.ping() --------------------------------------------------------- */

/* HAZARD [static-global]: a plain static counter, incremented from any
   thread.  Without the GIL, ping_count++ is a data race and loses updates. */
static int ping_count = 0;

static PyObject *
spam_ping(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    ping_count++;
    return PyLong_FromLong(ping_count);
}

/* ---- spam.dumps(obj) ----------------------------------------------------- */

/* HAZARD [static-global]: a lazily initialised cache shared by every thread
   (and every module instance).  Two threads can both see NULL and both
   store; a reader can see the pointer before the object is published. */
static PyObject *json_dumps = NULL;

static PyObject *
spam_dumps(PyObject *Py_UNUSED(module), PyObject *obj)
{
    if (json_dumps == NULL) {
        PyObject *json = PyImport_ImportModule("json");
        if (json == NULL) {
            return NULL;
        }
        json_dumps = PyObject_GetAttrString(json, "dumps");
        Py_DECREF(json);
        if (json_dumps == NULL) {
            return NULL;
        }
    }
    return PyObject_CallOneArg(json_dumps, obj);
}

/* ---- spam.set(key, value) and spam.stores() ------------------------------ */

/* OK: a static counter, but every access holds a PyMutex (3.13+; before
   3.13 there is no free-threaded build and the GIL serialises it). */
static Py_ssize_t total_stores = 0;
#if PY_VERSION_HEX >= 0x030D0000
static PyMutex stores_lock;     /* zero-initialised == unlocked */
#endif

static PyObject *
spam_set(PyObject *module, PyObject *args)
{
    spam_state *st = get_spam_state(module);
    PyObject *key, *value;

    if (!PyArg_ParseTuple(args, "OO:set", &key, &value)) {
        return NULL;
    }
    /* OK: PyDict_SetItem locks the dict itself. */
    if (PyDict_SetItem(st->registry, key, value) < 0) {
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Lock(&stores_lock);
#endif
    total_stores++;
#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Unlock(&stores_lock);
#endif
    Py_RETURN_NONE;
}

static PyObject *
spam_stores(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t n;

#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Lock(&stores_lock);
#endif
    n = total_stores;
#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Unlock(&stores_lock);
#endif
    return PyLong_FromSsize_t(n);
}

/* ---- spam.get(key) ------------------------------------------------------- */

/* OK: the lookup itself returns a strong reference. */
static PyObject *
spam_get(PyObject *module, PyObject *key)
{
    spam_state *st = get_spam_state(module);
    PyObject *value;

#if PY_VERSION_HEX >= 0x030D0000
    int rc = PyDict_GetItemRef(st->registry, key, &value);
    if (rc < 0) {
        return NULL;
    }
    if (rc == 0) {
        Py_RETURN_NONE;
    }
    return value;
#else
    /* Before 3.13: PyObject_GetItem also returns a new reference. */
    value = PyObject_GetItem(st->registry, key);
    if (value == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return value;
#endif
}

/* ---- spam.describe(key, label) ------------------------------------------- */

/* HAZARD [borrowed-ref]: `value` is borrowed from the shared registry.
   PyObject_Repr(label) can run arbitrary Python code, and without the GIL
   other threads run anyway: if they replace or delete the entry, `value`
   may already be freed when it is formatted below. */
static PyObject *
spam_describe(PyObject *module, PyObject *args)
{
    spam_state *st = get_spam_state(module);
    PyObject *key, *label, *value, *label_repr, *result;

    if (!PyArg_ParseTuple(args, "OO:describe", &key, &label)) {
        return NULL;
    }
    value = PyDict_GetItem(st->registry, key);
    if (value == NULL) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    label_repr = PyObject_Repr(label);
    if (label_repr == NULL) {
        return NULL;
    }
    result = PyUnicode_FromFormat("%U: %R", label_repr, value);
    Py_DECREF(label_repr);
    return result;
}

/* ---- spam.total(list) ---------------------------------------------------- */

/* HAZARD [borrowed-ref]: `items` belongs to the caller and other threads may
   be appending to it or clearing it.  PyList_GET_ITEM reads ob_item with no
   lock and no bounds check (n may be stale), and the borrowed item can be
   freed while PyLong_AsLong runs (it may call __index__). */
static PyObject *
spam_total(PyObject *Py_UNUSED(module), PyObject *items)
{
    long total = 0;
    Py_ssize_t i, n;

    if (!PyList_Check(items)) {
        PyErr_SetString(PyExc_TypeError, "total() expects a list");
        return NULL;
    }
    n = PyList_GET_SIZE(items);
    for (i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        long v = PyLong_AsLong(item);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        total += v;
    }
    return PyLong_FromLong(total);
}

/* ---- spam.first(*args) --------------------------------------------------- */

/* OK: the argument tuple is immutable and private to this call. */
static PyObject *
spam_first(PyObject *Py_UNUSED(module), PyObject *args)
{
    if (PyTuple_GET_SIZE(args) == 0) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(PyTuple_GET_ITEM(args, 0));
}

/* ---- spam.kinds() -------------------------------------------------------- */

/* OK: only reads the const table. */
static PyObject *
spam_kinds_list(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    PyObject *result = PyList_New(0);
    const char *const *kind;

    if (result == NULL) {
        return NULL;
    }
    for (kind = spam_kinds; *kind != NULL; kind++) {
        PyObject *s = PyUnicode_FromString(*kind);
        if (s == NULL || PyList_Append(result, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(s);
    }
    return result;
}

/* ---- module definition --------------------------------------------------- */

static PyMethodDef spam_methods[] = {
    {"ping", spam_ping, METH_NOARGS, "Count calls."},
    {"dumps", spam_dumps, METH_O, "json.dumps(obj), importing json lazily."},
    {"set", spam_set, METH_VARARGS, "set(key, value): store a value."},
    {"stores", spam_stores, METH_NOARGS, "Number of set() calls so far."},
    {"get", spam_get, METH_O, "get(key): the stored value, or None."},
    {"describe", spam_describe, METH_VARARGS, "describe(key, label) -> str"},
    {"total", spam_total, METH_O, "total(list_of_ints) -> int"},
    {"first", spam_first, METH_VARARGS, "first(*args): the first argument."},
    {"kinds", spam_kinds_list, METH_NOARGS, "The known kinds of spam."},
    {NULL, NULL, 0, NULL}
};

static int
spam_exec(PyObject *module)
{
    spam_state *st = get_spam_state(module);
    size_t i;

    st->registry = PyDict_New();
    if (st->registry == NULL) {
        return -1;
    }
    for (i = 0; i < Py_ARRAY_LENGTH(spam_constants); i++) {
        if (PyModule_AddIntConstant(module, spam_constants[i].name,
                                    spam_constants[i].value) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
spam_traverse(PyObject *module, visitproc visit, void *arg)
{
    spam_state *st = get_spam_state(module);
    Py_VISIT(st->registry);
    return 0;
}

static int
spam_clear(PyObject *module)
{
    spam_state *st = get_spam_state(module);
    Py_CLEAR(st->registry);
    return 0;
}

static void
spam_free(void *module)
{
    (void)spam_clear((PyObject *)module);
}

/* HAZARD [missing-mod-gil]: no {Py_mod_gil, Py_MOD_GIL_NOT_USED} entry, so
   a free-threaded interpreter re-enables the GIL for the whole process when
   it imports spam (with a RuntimeWarning). */
static PyModuleDef_Slot spam_slots[] = {
    {Py_mod_exec, spam_exec},
    {0, NULL}
};

static struct PyModuleDef spam_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "spam",
    .m_doc = "A small key/value registry (an ftcheck example).",
    .m_size = sizeof(spam_state),
    .m_methods = spam_methods,
    .m_slots = spam_slots,
    .m_traverse = spam_traverse,
    .m_clear = spam_clear,
    .m_free = spam_free,
};

PyMODINIT_FUNC
PyInit_spam(void)
{
    return PyModuleDef_Init(&spam_module);
}
