/* Stands in for Python's own include directory (found through -I, as
 * python3-config --includes gives it): nothing under it is reported. */
#include_next <Python.h>
#include "python_internal_table.h"
