// ftcheck-test-flags: -I@FIXTURES@/nanobind/include
// nanobind: without the FREE_THREADED build option (NB_FREE_THREADED) the
// module declares that it needs the GIL.
#include <nanobind/nanobind.h>

static long twice(long x) { return 2 * x; }

NB_MODULE(racy, m) { // expected-warning {{nanobind module 'racy' is built without FREE_THREADED}} expected-note {{build it with nanobind_add_module(racy FREE_THREADED ...)}}
    m.def("twice", &twice);
}
