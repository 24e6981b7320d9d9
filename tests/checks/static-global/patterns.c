// Racy statics beside safe ones, in every shape the check knows.
#include <Python.h>
#include <pthread.h>
#include <string.h>

#ifndef Py_BEGIN_CRITICAL_SECTION
#  define Py_BEGIN_CRITICAL_SECTION(op) {
#  define Py_END_CRITICAL_SECTION() }
#endif

/* ---- racy ------------------------------------------------------------- */

static PyObject *cached_dumps; // expected-note {{'cached_dumps' is declared here}}
static int initialized; // expected-note {{'initialized' is declared here}}
static long calls; // expected-note {{'calls' is declared here}}
static int mode; // expected-note {{'mode' is declared here}}
static PyObject *callback; // expected-note {{'callback' is declared here}}
static PyObject *parsed; // expected-note {{'parsed' is declared here}}
static char scratch[64]; // expected-note {{'scratch' is declared here}}
static struct { int hits; int misses; } stats; // expected-note {{'stats' is declared here}}
static PyTypeObject LateType; // expected-note {{'LateType' is declared here}}

static PyObject *dumps(PyObject *self, PyObject *obj) {
    (void)self;
    if (cached_dumps == NULL)
        cached_dumps = PyUnicode_FromString("dumps"); // expected-warning {{lazily initialised cache 'cached_dumps' is tested and set in 'dumps' without synchronisation}} expected-note {{create it once in module initialisation}}
    return PyObject_CallOneArg(cached_dumps, obj);
}

static void setup_tables(void) {}

static PyObject *ensure(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    if (!initialized) {
        setup_tables();
        initialized = 1; // expected-warning {{check-then-act on flag 'initialized' in 'ensure'}} expected-note {{do the work once in module initialisation}}
    }
    Py_RETURN_NONE;
}

static PyObject *count(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    calls++; // expected-warning {{counter 'calls' is updated in 'count' without synchronisation}} expected-note {{make it _Atomic}}
    stats.hits += 1; // expected-warning {{counter 'stats' is updated in 'count' without synchronisation}} expected-note {{make it _Atomic}}
    return PyLong_FromLong(calls + mode); // expected-note {{read here, in 'count'}}
}

static PyObject *set_mode(PyObject *self, PyObject *arg) {
    (void)self;
    mode = (int)PyLong_AsLong(arg); // expected-warning {{runtime setting 'mode' is written in 'set_mode' without synchronisation}} expected-note {{keep it in module state}}
    Py_RETURN_NONE;
}

static PyObject *set_callback(PyObject *self, PyObject *arg) {
    (void)self;
    Py_XSETREF(callback, Py_NewRef(arg)); // expected-warning {{static object 'callback' is replaced in 'set_callback' without synchronisation}} expected-note {{keep it in module state and replace it under a PyMutex}}
    Py_RETURN_NONE;
}

static PyObject *parse(PyObject *self, PyObject *args) {
    (void)self;
    if (!PyArg_ParseTuple(args, "O", &parsed)) // expected-warning {{'PyArg_ParseTuple' writes static 'parsed' in 'parse' without synchronisation}} expected-note {{write into a local variable}}
        return NULL;
    memset(scratch, 0, sizeof(scratch)); // expected-warning {{'memset' writes static 'scratch' in 'parse'}} expected-note {{write into a local variable}}
    return Py_NewRef(parsed);
}

static PyObject *late_ready(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    if (PyType_Ready(&LateType) < 0) // expected-warning {{static type 'LateType' is readied in 'late_ready', outside module initialisation}} expected-note {{call PyType_Ready in the module's exec function}}
        return NULL;
    Py_RETURN_NONE;
}

/* ---- safe ------------------------------------------------------------- */

static const char *const names[] = {"a", "b"};
static _Atomic long atomic_calls;
static _Thread_local int per_thread_mode;
static PyObject *module_type;          /* written only while initialising */
static long table[4];                  /* filled by a helper only init calls */
static int configured;                 /* set under a lock */
static long guarded_calls;             /* updated in a critical section */
static int once_done;                  /* set by a pthread_once routine */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int read_only_limit = 10;       /* never written */
#if PY_VERSION_HEX >= 0x030D0000
static PyMutex config_lock;
#else
static PyThread_type_lock config_lock;
#endif

static void once_routine(void) { once_done = 1; }

static PyObject *safe_uses(PyObject *self, PyObject *arg) {
    (void)names;
    (void)self;
    atomic_calls++;
    per_thread_mode = 1;
#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Lock(&config_lock);
    configured = 1;
    PyMutex_Unlock(&config_lock);
#else
    PyThread_acquire_lock(config_lock, WAIT_LOCK);
    configured = 1;
    PyThread_release_lock(config_lock);
#endif
    Py_BEGIN_CRITICAL_SECTION(self);
    guarded_calls++;
    Py_END_CRITICAL_SECTION();
    pthread_once(&once, once_routine);
    return PyLong_FromLong(read_only_limit + once_done + (arg != NULL));
}

static void fill_table(void) {
    for (int i = 0; i < 4; i++)
        table[i] = i * i;
}

static int module_exec(PyObject *m) {
    fill_table();
    module_type = PyUnicode_FromString("type");
    if (PyType_Ready(&LateType) < 0)
        return -1;
    return PyModule_AddObjectRef(m, "T", module_type);
}

static PyMethodDef methods[] = {
    {"dumps", dumps, METH_O, NULL},
    {"ensure", ensure, METH_NOARGS, NULL},
    {"count", count, METH_NOARGS, NULL},
    {"set_mode", set_mode, METH_O, NULL},
    {"set_callback", set_callback, METH_O, NULL},
    {"parse", parse, METH_VARARGS, NULL},
    {"late_ready", late_ready, METH_NOARGS, NULL},
    {"safe_uses", safe_uses, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, module_exec},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef def = {
    PyModuleDef_HEAD_INIT, "patterns", NULL, 0, methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_patterns(void) { return PyModuleDef_Init(&def); }
