// The slot table comes from one of the project's own headers.
#include <Python.h>
#include "header_table.h"

static struct PyModuleDef hdr_def = { // expected-note {{module definition 'hdr_def' uses this slot table}}
    PyModuleDef_HEAD_INIT, "hdr", NULL, 0, NULL, hdr_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_hdr(void) { // expected-note {{module 'hdr' is initialised here}}
    return PyModuleDef_Init(&hdr_def);
}
