// A project header with includes of its own: what follows a system or
// Python header is the project's again, and so are functions that a
// project macro defines.
#include <string.h>

static PyObject *registry;

static PyObject *first_registered(void)
{
    return PyList_GET_ITEM(registry, 0); // expected-warning {{PyList_GET_ITEM returns a borrowed reference from list 'registry', which another thread can free: use PyList_GetItemRef (Python 3.13)}}
}

#include <Python.h>

#define DEFINE_LOOKUP(name)                                    \
    static PyObject *lookup_##name(PyObject *unused)            \
    {                                                          \
        (void)unused;                                          \
        return PyDict_GetItemString(registry, #name);          \
    }

typedef struct { PyObject *cache; } holder;
static holder the_holder;
#define HOLDER(h) ((holder *)(h))
#define FIRST_CACHED() PyList_GetItem(the_holder \
                                      .cache, 0)
