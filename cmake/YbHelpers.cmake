# Helpers shared by every folder's CMakeLists.txt.

# yb_target_flags(TARGET): the project's warning set and sanitizer flags for our own code.
function(yb_target_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
                                           -Wstrict-prototypes -Wmissing-prototypes)
  if(YB_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${YB_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${YB_SANITIZE})
  endif()
endfunction()

# yb_test(NAME SOURCES... [LIBS libs...] [TIMEOUT seconds] [LABELS labels...])
# One cmocka program per module, registered with ctest (nng's nng_test()).
function(yb_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name} ${T_UNPARSED_ARGUMENTS})
  yb_target_flags(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
                                          ENVIRONMENT "YB_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# yb_fuzz(NAME SOURCES... [LIBS libs...]): a libFuzzer target, built only with YB_FUZZ=ON.
# deploy/test.sh runs every target named fuzz_* briefly as a smoke test.
function(yb_fuzz name)
  if(NOT YB_FUZZ)
    return()
  endif()
  cmake_parse_arguments(F "" "" "LIBS" ${ARGN})
  add_executable(${name} ${F_UNPARSED_ARGUMENTS})
  yb_target_flags(${name})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set_property(GLOBAL APPEND PROPERTY YB_FUZZ_TARGETS ${name})
  add_dependencies(fuzz_all ${name})
endfunction()

# yb_wasm(OUTPUT SOURCES... [FLAGS flags...] [EXPORTS names...] [DEPENDS files...])
# Compiles C to a wasm32 module with clang + wasm-ld: no libc, imports from `env` only, MVP
# instructions only (-mcpu=mvp: no sign-ext, bulk-memory, multi-value or reference types), so the
# module loads on every NEAR protocol version and in our own engine. Methods are exported either
# with EXPORTS or in the source with __attribute__((export_name(...))). The stack is placed first
# (--stack-first, as Rust's wasm32 target does): it grows down towards address 0, so an overflow
# traps instead of silently overwriting static data. The project's warning set applies, as errors.
function(yb_wasm output)
  cmake_parse_arguments(W "" "" "FLAGS;EXPORTS;DEPENDS" ${ARGN})
  set(srcs "")
  foreach(s ${W_UNPARSED_ARGUMENTS})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  set(exports "")
  foreach(e ${W_EXPORTS})
    list(APPEND exports -Wl,--export=${e})
  endforeach()
  get_filename_component(outdir ${output} DIRECTORY)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${YB_WASM_CC} --target=wasm32 -mcpu=mvp -O2 -std=c17 -nostdlib -fno-builtin
            -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes
            -Wmissing-prototypes
            -Wl,--no-entry -Wl,--allow-undefined -Wl,--strip-all -Wl,--stack-first
            ${W_FLAGS} ${exports}
            -o ${output} ${srcs}
    DEPENDS ${srcs} ${W_DEPENDS}
    COMMENT "wasm32: ${output}"
    VERBATIM)
endfunction()
