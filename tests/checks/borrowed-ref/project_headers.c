// Project code reached through project headers and project macros is
// analysed like the main file; Python's and the C library's are not.
#include <Python.h>
#include <math.h>
#include "project_headers.h"

DEFINE_LOOKUP(width) // expected-warning {{PyDict_GetItemString returns a borrowed reference from dict 'registry', which another thread can free: use PyDict_GetItemStringRef (Python 3.13)}}

PyObject *after_includes(PyObject *self, PyObject *args)
{
    (void)self;
    if (args == NULL)
        return first_registered();
    if (fabs(1.0) > 0.5)
        return PyList_GetItem(registry, 1); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'registry', which another thread can free: use PyList_GetItemRef (Python 3.13)}}
    return lookup_width(NULL);
}

// An expression that starts in a project macro and ends outside it is
// named by what is written at the use; one inside a definition, by the
// definition, continuation lines joined.
PyObject *through_macros(PyObject *key)
{
    if (key == NULL)
        return FIRST_CACHED(); // expected-warning {{PyList_GetItem returns a borrowed reference from list 'the_holder.cache', which another thread can free}}
    return PyDict_GetItem(HOLDER(&the_holder)->cache, key); // expected-warning {{PyDict_GetItem returns a borrowed reference from dict 'HOLDER(&the_holder)->cache', which another thread can free}}
}
