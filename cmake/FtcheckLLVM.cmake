# Find Clang and LLVM through their CMake packages.
#
# FTCHECK_LLVM_VERSION picks one of Debian's side-by-side installs
# (/usr/lib/llvm-N); Clang_DIR overrides it for any other layout.
set(FTCHECK_LLVM_VERSION "19" CACHE STRING "LLVM major version to build against")

if(NOT Clang_DIR)
  set(Clang_DIR "/usr/lib/llvm-${FTCHECK_LLVM_VERSION}/lib/cmake/clang")
endif()
find_package(Clang REQUIRED CONFIG)
if(NOT LLVM_VERSION_MAJOR VERSION_EQUAL FTCHECK_LLVM_VERSION
   AND NOT FTCHECK_LLVM_VERSION STREQUAL "")
  message(STATUS "ftcheck: found LLVM ${LLVM_PACKAGE_VERSION} "
                 "(FTCHECK_LLVM_VERSION=${FTCHECK_LLVM_VERSION})")
endif()
message(STATUS "ftcheck: building against Clang ${LLVM_PACKAGE_VERSION} in ${LLVM_TOOLS_BINARY_DIR}")

# The compiler the tests drive with the plugin: the one the plugin is built for.
set(FTCHECK_CLANG "${LLVM_TOOLS_BINARY_DIR}/clang" CACHE FILEPATH
    "clang that loads the plugin in tests")
