// Shapes from real extensions (Pillow, psycopg2, pycurl, kiwisolver,
// pyodbc) that must not warn, beside ones that must.
#include <Python.h>

static PyTypeObject Imaging_Type;
static PyObject *parsed_shared; // expected-note {{'parsed_shared' is declared here}}
static PyObject *useragent;
static PyObject *exported_error; // expected-note {{'exported_error' is declared here}}

/* "O!": the type object is an input, only the object is written. */
static PyObject *two_images(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "O!O!", &Imaging_Type, &a, &Imaging_Type, &b))
        return NULL;
    static char *kwlist[] = {"image", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, NULL, "O!|O", kwlist, &Imaging_Type, &a, &parsed_shared)) // expected-warning {{'PyArg_ParseTupleAndKeywords' writes static 'parsed_shared' in 'two_images'}} expected-note {{write into a local variable}}
        return NULL;
    return Py_NewRef(a == b ? Py_True : Py_False);
}

/* m_free: teardown, like initialisation, runs when no thread uses the
 * module (pycurl). */
static void module_free(void *unused) {
    (void)unused;
    Py_CLEAR(useragent);
}

/* Not static, called by nothing here, not reachable from Python here:
 * another file's module init calls it (kiwisolver's Ready, pyodbc's
 * InitializeDecimal). A note, not a warning. */
int init_exceptions(void) {
    exported_error = PyErr_NewException("m.Error", NULL, NULL); // expected-remark {{static object 'exported_error' is replaced in 'init_exceptions' without synchronisation}} expected-note {{keep it in module state}}
    return exported_error ? 0 : -1;
}

static PyMethodDef methods[] = {
    {"two_images", two_images, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef def = {
    PyModuleDef_HEAD_INIT, "shapes", NULL, 0, methods, slots, NULL, NULL, module_free,
};

PyMODINIT_FUNC PyInit_shapes(void) { return PyModuleDef_Init(&def); }

/* A static helper only that routine calls is demoted with it (Pillow's
 * _func_loader under load_tkinter_funcs). */
static void *loaded_symbol; // expected-note {{'loaded_symbol' is declared here}}
static void load_symbol(void) {
    loaded_symbol = (void *)&init_exceptions; // expected-remark {{runtime setting 'loaded_symbol' is written in 'load_symbol' without synchronisation}} expected-note {{keep it in module state}}
}
int load_all(void) { load_symbol(); return 0; }

/* Not static, and this file calls it only from module initialisation
 * (zstandard's bufferutil_module_init under zstd_module_init, in a unity
 * build): initialisation as far as this file tells; other files may call
 * it too. A note. */
static PyObject *segment_type; // expected-note {{'segment_type' is declared here}}
int segments_module_init(PyObject *m) {
    segment_type = PyObject_GetAttrString(m, "Segment"); // expected-remark {{static object 'segment_type' is replaced in 'segments_module_init' without synchronisation}} expected-note {{keep it in module state}}
    return segment_type ? 0 : -1;
}

PyMODINIT_FUNC PyInit_segments(void) {
    PyObject *m = PyModule_Create(&def);
    if (m == NULL || segments_module_init(m) < 0)
        return NULL;
    return m;
}

/* A Py_mod_create function runs while the module is imported (Cython's
 * __Pyx_check_single_interpreter under __pyx_pymod_create). */
static long created_in;
static PyObject *create_module(PyObject *spec, PyModuleDef *d) {
    (void)d;
    created_in = 1;
    return PyModule_NewObject(PyObject_GetAttrString(spec, "name"));
}

static PyModuleDef_Slot create_slots[] = {
    {Py_mod_create, create_module},
    {0, NULL},
};

static struct PyModuleDef create_def = {
    PyModuleDef_HEAD_INIT, "created", NULL, 0, NULL, create_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_created(void) { return PyModuleDef_Init(&create_def); }
