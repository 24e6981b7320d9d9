# The project's own C and C++ build warning-free with -Werror.
function(ftcheck_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
