# Helpers for tests that drive clang with the plugin.

# The machine's real Python headers (Debian's python3-dev), besides the
# project's own fixture. Tests against them are skipped when absent.
if(NOT DEFINED FTCHECK_PYTHON_INCLUDE_DIR)
  find_program(FTCHECK_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(FTCHECK_SYSTEM_PYTHON)
    execute_process(
      COMMAND ${FTCHECK_SYSTEM_PYTHON} -c "import sysconfig; print(sysconfig.get_path('include'))"
      OUTPUT_VARIABLE _inc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(_inc AND EXISTS "${_inc}/Python.h")
    set(FTCHECK_PYTHON_INCLUDE_DIR "${_inc}" CACHE PATH "real Python headers for tests")
  else()
    set(FTCHECK_PYTHON_INCLUDE_DIR "" CACHE PATH "real Python headers for tests")
  endif()
endif()

set(FTCHECK_FIXTURE_INCLUDE "${PROJECT_SOURCE_DIR}/tests/fixtures/python/include")
find_program(FTCHECK_PYTHON3 NAMES python3 REQUIRED)

# The header configurations every check test runs in, as
# NAME|verify prefixes|compiler flags (space-separated).
set(FTCHECK_HEADER_CONFIGS
  "gil|expected,fixture,gil|-I${FTCHECK_FIXTURE_INCLUDE}"
  "ft|expected,fixture,ft|-I${FTCHECK_FIXTURE_INCLUDE} -DPy_GIL_DISABLED=1")
if(FTCHECK_PYTHON_INCLUDE_DIR)
  list(APPEND FTCHECK_HEADER_CONFIGS
    "real|expected,real|-I${FTCHECK_PYTHON_INCLUDE_DIR}")
endif()

# ftcheck_verify_test(<check> <source> [ARGS plugin-args...] [FLAGS flags...])
# One test per header configuration; every diagnostic must be annotated
# (expected-warning, fixture-note, real-warning, ...), and no other may
# appear.
function(ftcheck_verify_test check source)
  cmake_parse_arguments(T "" "" "ARGS;FLAGS" ${ARGN})
  get_filename_component(stem "${source}" NAME)
  set(plugin_args "")
  foreach(a IN LISTS T_ARGS)
    list(APPEND plugin_args "-fplugin-arg-ftcheck-${a}")
  endforeach()
  foreach(cfg IN LISTS FTCHECK_HEADER_CONFIGS)
    string(REPLACE "|" ";" parts "${cfg}")
    list(GET parts 0 name)
    list(GET parts 1 prefixes)
    list(GET parts 2 flags)
    separate_arguments(flags UNIX_COMMAND "${flags}")
    add_test(NAME "check.${check}.${stem}.${name}"
      COMMAND ${FTCHECK_CLANG} -fsyntax-only -Wall -Wextra
        -fplugin=$<TARGET_FILE:ftcheck> ${plugin_args}
        -Xclang -verify=${prefixes} ${flags} ${T_FLAGS}
        "${CMAKE_CURRENT_SOURCE_DIR}/${source}"
      WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endforeach()
endfunction()
