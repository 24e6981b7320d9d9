// C++: atomics, thread_local, lock guards, and the deadlock-prone
// function-local static initialised by calling into Python.
#include <Python.h>
#include <atomic>
#include <mutex>

namespace demo {

std::atomic<long> hits{0};
thread_local int depth = 0;
std::mutex table_mutex;
long table_size = 0;
long unguarded = 0; // expected-note {{'unguarded' is declared here}}

struct Registry {
    static int instances;
};
int Registry::instances = 0; // expected-note {{'instances' is declared here}}

PyObject *json_module() {
    static PyObject *json = PyImport_ImportModule("json"); // expected-warning {{function-local static 'json' is initialised by calling into Python}} expected-note {{use pybind11's gil_safe_call_once_and_store}}
    return json;
}

long work() {
    hits++;
    depth++;
    {
        std::lock_guard<std::mutex> guard(table_mutex);
        table_size += 1;
    }
    unguarded += 1; // expected-warning {{counter 'unguarded' is updated in 'work' without synchronisation}} expected-note {{make it _Atomic}}
    Registry::instances++; // expected-warning {{counter 'instances' is updated in 'work' without synchronisation}} expected-note {{make it _Atomic}}
    return hits.load() + depth + table_size + unguarded;
}

}  // namespace demo

PyObject *entry(PyObject *, PyObject *) { return PyLong_FromLong(demo::work() + (demo::json_module() != nullptr)); }
