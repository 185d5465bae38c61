# klab_embed(<target> <symbol> <file> [TEXT])
# Embeds a file at build time as `extern const unsigned char <symbol>[]; extern const size_t
# <symbol>_size;` (TEXT: also NUL-terminated, for shader sources). Used for the TTF font and the
# GLSL shaders so the wasm and native programs need no files at run time.
function(klab_embed target symbol file)
  cmake_parse_arguments(EMBED "TEXT" "" "" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol} -DTEXT=${EMBED_TEXT}
            -P "${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake"
    DEPENDS "${file}" "${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake"
    COMMENT "Embedding ${file}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
