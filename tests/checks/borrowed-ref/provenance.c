// Where the container comes from: fresh (made here, by a constructor, a
// copy or snapshot, or a project function that returns a fresh one),
// private by ownership (the call's own args and kwargs, also handed down
// to static helpers), or shared. Only shared containers are reported.
#include <Python.h>

static PyObject *registry;   /* module-wide, shared */

static long consume(PyObject *o) { return o != NULL ? (long)Py_REFCNT(o) : 0; }

/* Snapshots documented to return a new list. */
long from_snapshots(PyObject *mapping) {
    PyObject *keys = PyMapping_Keys(mapping);
    PyObject *names = PyObject_Dir(mapping);
    PyObject *parts = PyUnicode_Split(mapping, NULL, -1);
    long n = 0;
    if (keys && names && parts)
        n = consume(PyList_GetItem(keys, 0)) + consume(PyList_GET_ITEM(names, 0)) +
            consume(PyList_GetItem(parts, 0));
    Py_XDECREF(keys);
    Py_XDECREF(names);
    Py_XDECREF(parts);
    return n;
}

/* Py_BuildValue makes a new list for "[...]", but returns its argument
 * for a lone "O". */
long build_value(PyObject *a) {
    PyObject *fresh = Py_BuildValue("[OO]", a, a);
    PyObject *same = Py_BuildValue("O", registry);
    long n = consume(PyList_GetItem(fresh, 0));
    n += consume(PyList_GetItem(same, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'same'}}
    Py_XDECREF(fresh);
    Py_XDECREF(same);
    return n;
}

/* PySequence_Fast of a fresh list is fresh; of an argument it may be the
 * argument itself. */
long fast_of(PyObject *arg) {
    PyObject *own = PySequence_Fast(PySequence_List(arg), "x");
    PyObject *theirs = PySequence_Fast(arg, "x");
    long n = 0;
    if (own && theirs)
        n = consume(PySequence_Fast_GET_ITEM(own, 0)) +
            consume(PySequence_Fast_GET_ITEM(theirs, 0)); // expected-warning {{PySequence_Fast_GET_ITEM returns borrowed references from sequence 'theirs'}} expected-note {{hold Py_BEGIN_CRITICAL_SECTION(theirs)}}
    Py_XDECREF(own);
    Py_XDECREF(theirs);
    return n;
}

/* A project function whose every return is fresh (a return summary, to a
 * fixed point through make_pair). */
static PyObject *make_pair(PyObject *a) {
    PyObject *list = PyList_New(2);
    if (list == NULL)
        return NULL;
    PyList_SET_ITEM(list, 0, Py_NewRef(a));
    PyList_SET_ITEM(list, 1, Py_NewRef(a));
    return list;
}

static PyObject *make_pair_or_empty(PyObject *a, int empty) {
    return empty ? PyList_New(0) : make_pair(a);
}

/* Returns the shared registry on one path: not fresh. */
static PyObject *pair_or_registry(PyObject *a, int shared) {
    if (shared)
        return Py_NewRef(registry);
    return make_pair(a);
}

long use_helpers(PyObject *a) {
    PyObject *p = make_pair_or_empty(a, 0);
    PyObject *q = pair_or_registry(a, 1);
    long n = consume(PyList_GetItem(p, 0));
    n += consume(PyList_GetItem(q, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'q'}}
    Py_XDECREF(p);
    Py_XDECREF(q);
    return n;
}

/* The call's own kwargs, handed down to a static helper: private there
 * too, as long as every caller passes a private or fresh dict. */
static long option(PyObject *kwargs, const char *name) {
    return kwargs ? consume(PyDict_GetItemString(kwargs, name)) : 0;
}

static long option_shared(PyObject *dict, const char *name) {
    return consume(PyDict_GetItemString(dict, name)); // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'dict'}}
}

static PyObject *configure(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    (void)args;
    long n = option(kwargs, "size") + option(kwargs, "mode");
    PyObject *fresh = PyDict_New();
    n += option(fresh, "size");
    n += option_shared(kwargs, "size") + option_shared(registry, "size");
    Py_XDECREF(fresh);
    return PyLong_FromLong(n);
}

/* The args tuple handed down, then looked at as a list by mistake: still
 * the call's own. */
static long first_arg(PyObject *args) {
    return consume(PySequence_Fast_GET_ITEM(args, 0));
}

static PyObject *call_first(PyObject *self, PyObject *args) {
    (void)self;
    return PyLong_FromLong(first_arg(args));
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS, NULL},
    {"call_first", call_first, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* A parameter of a non-static function may come from anywhere. */
long exported(PyObject *dict) {
    return consume(PyDict_GetItemString(dict, "x")); // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'dict'}}
}

PyObject *methods_table(void) { return PyCFunction_New(methods, NULL); }

/* Containers kept in a stack object's members: private when every store
 * to the member is a fresh container and no read lets it out; the stack
 * object reaches helpers through a pointer every caller takes of a local. */
typedef struct {
    PyObject *seen;      /* always a fresh dict */
    PyObject *source;    /* the shared registry */
    PyObject *result;    /* fresh, handed out once the helper is done */
} Collect;

static long collect_one(Collect *st, PyObject *k) {
    long n = consume(PyDict_GetItem(st->seen, k));
    n += consume(PyDict_GetItem(st->source, k)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'st->source'}}
    n += consume(PyList_GetItem(st->result, 0));
    return n;
}

PyObject *collect(PyObject *k) {
    Collect st = {NULL, NULL, NULL};
    st.seen = PyDict_New();
    st.source = registry;
    st.result = PyList_New(0);
    long n = collect_one(&st, k) + consume(PyDict_GetItem(st.seen, k));
    Py_XDECREF(st.seen);
    (void)n;
    return st.result;
}

/* The same with `= {0}`, Py_CLEAR to release the member, and the member
 * handed to helpers: one that only reads it keeps the list private; a
 * member handed to one that keeps it is published. */
typedef struct {
    PyObject *parts;     /* fresh, read by a helper that keeps nothing */
    PyObject *given;     /* fresh, but handed to a helper that keeps it */
} Join;

static PyObject *last_given;

static long join_parts(PyObject *list) {
    PyObject *sep = PyUnicode_FromString("");
    PyObject *text = sep ? PyUnicode_Join(sep, list) : NULL;   /* reads, keeps nothing */
    long n = consume(PyList_GetItem(list, 0)) + consume(text);
    Py_XDECREF(sep);
    Py_XDECREF(text);
    return n;
}

static long keep_given(PyObject *list) {
    Py_XSETREF(last_given, Py_NewRef(list));
    return consume(PyList_GetItem(list, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'list'}}
}

static int join_add(Join *j, PyObject *item) {
    if (j->parts == NULL && (j->parts = PyList_New(0)) == NULL)
        return -1;
    if (j->given == NULL && (j->given = PyList_New(0)) == NULL)
        return -1;
    return PyList_Append(j->parts, item) | PyList_Append(j->given, item);
}

static long join_finish(Join *j) {
    return join_parts(j->parts) + keep_given(j->given) +
           consume(PyList_GET_ITEM(j->parts, 0)) +
           consume(PyList_GET_ITEM(j->given, 0)); // expected-warning {{PyList_GET_ITEM returns a borrowed reference from list 'j->given'}}
}

static void join_clear(Join *j) {
    Py_CLEAR(j->parts);
    Py_CLEAR(j->given);
}

long join(PyObject *item) {
    Join j = {0};
    long n = join_add(&j, item) == 0 ? join_finish(&j) : -1;
    join_clear(&j);
    return n;
}

/* The owner of the stack object hands the member on when its helpers are
 * done with it (a class namespace that becomes the new type's): before
 * that the member is private, after it is not. Handing it on before a
 * helper runs publishes it for that helper. */
typedef struct {
    PyObject *namespace;     /* a fresh copy, published at the end */
    PyObject *early;         /* a fresh copy, published before a helper */
    long size;
} ClassInfo;

/* Called after the namespace is handed on, but never touches it. */
static void finish_class(ClassInfo *info) {
    info->size = 1;
}

static long read_namespace(ClassInfo *info, PyObject *k) {
    return consume(PyDict_GetItem(info->namespace, k));
}

static long read_early(ClassInfo *info, PyObject *k) {
    return consume(PyDict_GetItem(info->early, k)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'info->early'}}
}

PyObject *make_class(PyObject *ns, PyObject *k) {
    ClassInfo info = {NULL, NULL, 0};
    PyObject *out = NULL;
    info.namespace = PyDict_Copy(ns);
    info.early = PyDict_Copy(ns);
    if (info.namespace == NULL || info.early == NULL)
        goto done;
    PyObject *first = Py_BuildValue("(O)", info.early);
    long n = read_namespace(&info, k) + read_early(&info, k) +
             consume(PyDict_GetItem(info.namespace, k));
    out = Py_BuildValue("(Ol)", info.namespace, n);
    finish_class(&info);
    n += consume(PyDict_GetItem(info.namespace, k)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'info.namespace'}}
    Py_XDECREF(first);
done:
    Py_XDECREF(info.namespace);
    Py_XDECREF(info.early);
    return out;
}

/* A helper that reads the member through another one, called once more
 * after the owner handed it on: not private in that helper. */
typedef struct {
    PyObject *ns;
} LateInfo;

static long late_read(LateInfo *info, PyObject *k) {
    return consume(PyDict_GetItem(info->ns, k)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'info->ns'}}
}

static long late_again(LateInfo *info, PyObject *k) { return late_read(info, k); }

PyObject *make_late(PyObject *ns, PyObject *k) {
    LateInfo info = {NULL};
    info.ns = PyDict_Copy(ns);
    if (info.ns == NULL)
        return NULL;
    long n = late_read(&info, k);
    PyObject *out = Py_BuildValue("(Ol)", info.ns, n);
    n += late_again(&info, k);
    Py_XDECREF(info.ns);
    return out;
}

/* A fresh dict handed to a helper that only fills it stays fresh; one
 * handed to a helper that keeps it is published. */
static PyObject *kept;

static int fill(PyObject *into, PyObject *k) {
    return PyDict_SetItem(into, k, k);
}

static int fill_and_keep(PyObject *into, PyObject *k) {
    Py_XSETREF(kept, Py_NewRef(into));
    return PyDict_SetItem(into, k, k);
}

long filled_by_helpers(PyObject *k) {
    PyObject *mine = PyDict_New(), *theirs = PyDict_New();
    long n = 0;
    if (mine && theirs && fill(mine, k) == 0 && fill_and_keep(theirs, k) == 0)
        n = consume(PyDict_GetItem(mine, k)) +
            consume(PyDict_GetItem(theirs, k)); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'theirs'}}
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    return n;
}

/* A parameter the function sets to a new list on every path before the
 * use is fresh there; on a path that keeps the caller's object it is not. */
long reassigned_param(PyObject *other) {
    other = PySequence_List(other);
    if (other == NULL)
        return -1;
    long n = consume(PyList_GetItem(other, 0));
    Py_DECREF(other);
    return n;
}

long maybe_reassigned(PyObject *other, int copy) {
    if (copy)
        other = PySequence_List(other);
    return consume(PyList_GetItem(other, 0)); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'other'}}
}

/* One PyMethodDef on its own (Cython's __pyx_mdef_*): its function's
 * kwargs are the call's own too. */
static PyObject *single(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    (void)args;
    return PyLong_FromLong(kwds ? consume(PyDict_GetItemString(kwds, "x")) : 0);
}

static PyMethodDef single_def = {"single", (PyCFunction)(void (*)(void))single,
                                 METH_VARARGS | METH_KEYWORDS, NULL};

PyObject *make_single(void) { return PyCFunction_New(&single_def, NULL); }
