# tenure_embed(TARGET NAMESPACE BASE_DIR FILES...) compiles files into the binary as
# byte arrays, so `tenure` runs from any directory without its source tree.
function(tenure_embed target name base_dir)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}_embedded.cpp)
  set(files ${ARGN})
  string(REPLACE ";" "|" files_arg "${files}")  # a ';' would split the command line
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${name} -DBASE=${base_dir}
            "-DFILES=${files_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
