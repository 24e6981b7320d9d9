// ftcheck-test-flags: -I@FIXTURES@/nanobind/include -DNB_FREE_THREADED
// nanobind built with FREE_THREADED: declared.
#include <nanobind/nanobind.h>

static long twice(long x) { return 2 * x; }

NB_MODULE(ported, m) {
    m.def("twice", &twice);
}
// expected-no-diagnostics
