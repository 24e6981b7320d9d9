// ftcheck-test-flags: -I@FIXTURES@/pybind11/include
// pybind11: PYBIND11_MODULE without py::mod_gil_not_used() re-enables the GIL.
#include <pybind11/pybind11.h>

static long twice(long x) { return 2 * x; }

PYBIND11_MODULE(racy, m) { // expected-warning {{pybind11 module 'racy' does not pass py::mod_gil_not_used()}} expected-note {{pass py::mod_gil_not_used() (pybind11 2.13 or later)}}
    m.def("twice", &twice);
}

PYBIND11_MODULE(ported, m, py::mod_gil_not_used()) {
    m.def("twice", &twice);
}

PYBIND11_MODULE(deliberate, m, py::mod_gil_used()) { // expected-remark {{pybind11 module 'deliberate' declares that it needs the GIL}} expected-note {{pass py::mod_gil_not_used()}}
    m.def("twice", &twice);
}
