#!/usr/bin/env python3
"""Write a synthetic but realistic extension module for the benchmark:
N methods that parse arguments, touch lists and dicts, keep a cache, and a
multi-phase module definition. Usage: gen_module.py N OUT.c"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
parts = ['#include <Python.h>\n#include <string.h>\n\n',
         'typedef struct { PyObject *registry; long hits; } bench_state;\n',
         'static PyObject *cache = NULL;\nstatic long counter;\n\n']
for i in range(n):
    parts.append(f'''
static PyObject *
method_{i}(PyObject *module, PyObject *args)
{{
    PyObject *seq, *key;
    if (!PyArg_ParseTuple(args, "OO", &seq, &key))
        return NULL;
    bench_state *st = (bench_state *)PyModule_GetState(module);
    Py_ssize_t n = PyList_Check(seq) ? PyList_GET_SIZE(seq) : 0;
    long total = 0;
    for (Py_ssize_t j = 0; j < n; j++) {{
        PyObject *item = PyList_GET_ITEM(seq, j);
        if (PyLong_Check(item))
            total += PyLong_AsLong(item) * {i + 1};
    }}
    PyObject *hit = st && st->registry ? PyDict_GetItem(st->registry, key) : NULL;
    if (hit != NULL)
        st->hits++;
    if (cache == NULL)
        cache = PyUnicode_FromString("method_{i}");
    counter += total;
    return Py_BuildValue("(lO)", total, hit ? hit : Py_None);
}}
''')
parts.append('\nstatic PyMethodDef bench_methods[] = {\n')
for i in range(n):
    parts.append(f'    {{"method_{i}", method_{i}, METH_VARARGS, NULL}},\n')
parts.append('    {NULL, NULL, 0, NULL}\n};\n')
parts.append('''
static int bench_exec(PyObject *module)
{
    bench_state *st = (bench_state *)PyModule_GetState(module);
    st->registry = PyDict_New();
    return st->registry ? 0 : -1;
}

static PyModuleDef_Slot bench_slots[] = {
    {Py_mod_exec, bench_exec},
    {0, NULL}
};

static struct PyModuleDef bench_def = {
    PyModuleDef_HEAD_INIT, "bench", NULL, sizeof(bench_state), bench_methods,
    bench_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit_bench(void) { return PyModuleDef_Init(&bench_def); }
''')
with open(out, "w") as f:
    f.write("".join(parts))
