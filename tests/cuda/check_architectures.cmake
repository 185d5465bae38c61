# The configure test of the CUDA architectures (ctest `cuda_architectures`, cmake -P):
#   1. a fresh configure of KL Lab (CUDAARCHS unset) gives CMAKE_CUDA_ARCHITECTURES = 90;
#   2. reconfiguring it with -DCMAKE_CUDA_ARCHITECTURES=80 gives 80: the default can be overridden;
#   3. each CUDA library of the build under test holds machine code for exactly that build's
#      architectures (a per-target override would show here): cuobjdump --list-elf where it
#      exists, else the ptxas options nvcc embeds with each cubin.
# Arguments (-D): SOURCE_DIR WORK_DIR GENERATOR CUDA_COMPILER PREFIX_PATH ARCHITECTURES CUOBJDUMP LIBRARIES.
cmake_minimum_required(VERSION 3.25)

function(cache_value dir name out)
  file(STRINGS "${dir}/CMakeCache.txt" line REGEX "^${name}:")
  string(REGEX REPLACE "^[^=]*=" "" value "${line}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(configure_probe extra expected)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=CUDAARCHS
                          ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -G ${GENERATOR} -DCMAKE_CUDA_COMPILER=${CUDA_COMPILER}
                          "-DCMAKE_PREFIX_PATH=${PREFIX_PATH}" -DKLAB_CUDA=ON -DKLAB_BUILD_GUI=OFF -DKLAB_BUILD_TESTS=OFF ${extra}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configure ${extra} failed:\n${out}\n${err}")
  endif()
  cache_value(${WORK_DIR} CMAKE_CUDA_ARCHITECTURES got)
  if(NOT got STREQUAL expected)
    message(FATAL_ERROR "configure ${extra}: CMAKE_CUDA_ARCHITECTURES is '${got}', expected '${expected}'")
  endif()
  message(STATUS "configure ${extra}: CMAKE_CUDA_ARCHITECTURES = ${got}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
configure_probe("" "90")
configure_probe("-DCMAKE_CUDA_ARCHITECTURES=80" "80")
file(REMOVE_RECURSE "${WORK_DIR}")

# Expected ELF architectures: "90" and "90-real" give sm_90; "-virtual" entries give PTX only.
set(expected "")
foreach(arch IN LISTS ARCHITECTURES)
  if(arch MATCHES "^([0-9]+a?)(-real)?$")
    list(APPEND expected "sm_${CMAKE_MATCH_1}")
  elseif(NOT arch MATCHES "^[0-9]+a?-virtual$")
    message(STATUS "CMAKE_CUDA_ARCHITECTURES=${ARCHITECTURES}: not a list of numbers, the ELF check is skipped")
    return()
  endif()
endforeach()
list(SORT expected)
foreach(lib IN LISTS LIBRARIES)
  if(CUOBJDUMP)
    execute_process(COMMAND ${CUOBJDUMP} --list-elf ${lib} RESULT_VARIABLE rc OUTPUT_VARIABLE listing ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "cuobjdump --list-elf ${lib} failed: ${err}")
    endif()
    set(how "cuobjdump --list-elf")
  else()
    # Minimal CUDA installs have no cuobjdump: read the ptxas options nvcc embeds with each cubin
    # of the fat binary ("-arch sm_90 -m 64").
    file(STRINGS ${lib} listing REGEX "-arch sm_[0-9]+a?")
    set(how "the ptxas options embedded in the fat binary (no cuobjdump here)")
  endif()
  string(REGEX MATCHALL "sm_[0-9]+a?" found "${listing}")
  list(REMOVE_DUPLICATES found)
  list(SORT found)
  if(NOT found STREQUAL expected)
    message(FATAL_ERROR "${lib}: machine code for '${found}', expected '${expected}' (read with ${how})\n${listing}")
  endif()
  message(STATUS "${lib}: ${found} (read with ${how})")
endforeach()
