// ftcheck-test-flags: -I@FIXTURES@/nanobind/include
// nanobind: without the FREE_THREADED build option (NB_FREE_THREADED) the
// module declares that it needs the GIL.
#include <nanobind/nanobind.h>

static long twice(long x) { return 2 * x; }

// In a GIL build nanobind's CMake never defines NB_FREE_THREADED, so only a
// free-threaded build can tell: a warning there, a note otherwise.
NB_MODULE(racy, m) { // ft-warning {{nanobind module 'racy' is built without FREE_THREADED}} gil-remark {{nanobind module 'racy': whether it declares free-threading support shows only in a free-threaded build}} real-remark {{nanobind module 'racy': whether it declares}} expected-note {{build it with nanobind_add_module(racy FREE_THREADED ...)}}
    m.def("twice", &twice);
}
