// A static type's tp_init and tp_call receive their own kwargs dict.
#include <Python.h>

typedef struct { PyObject_HEAD PyObject *options; } Widget;

static int widget_init(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)args;
    if (kwds != NULL && PyDict_GetItemString(kwds, "options") != NULL)
        ((Widget *)self)->options = Py_NewRef(Py_None);
    return 0;
}

static PyObject *widget_call(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)args; (void)kwds;
    Widget *w = (Widget *)self;
    return Py_XNewRef(PyDict_GetItemString(w->options, "mode")); // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'w->options'}}
}

PyTypeObject WidgetType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "m.Widget",
    .tp_basicsize = sizeof(Widget),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_call = widget_call,
    .tp_init = widget_init,
};
