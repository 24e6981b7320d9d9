# Embed docs/checks/<id>.md into the library as C strings, so the SARIF
# rule help and the documentation page are one text. Runs at configure
# time; editing a page re-runs it.
function(ftcheck_embed_docs target)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/check_docs.c")
  set(body "// Generated from the pages in docs/checks by cmake/EmbedDocs.cmake.\n")
  file(GLOB pages "${PROJECT_SOURCE_DIR}/docs/checks/*.md")
  foreach(page IN LISTS pages)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${page}")
    get_filename_component(id "${page}" NAME_WE)
    string(REPLACE "-" "_" sym "${id}")
    file(READ "${page}" hex HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    string(APPEND body "const char ftc_doc_${sym}[] = {${bytes}0};\n")
  endforeach()
  file(CONFIGURE OUTPUT "${out}" CONTENT "${body}" @ONLY)
  target_sources(${target} PRIVATE "${out}")
endfunction()
