# The CUDA architectures to compile for, set before enable_language(CUDA): 90 (H100/H200) unless
# the configure names others with -DCMAKE_CUDA_ARCHITECTURES=... or CMake's CUDAARCHS environment
# variable. A value that CMake cached by itself in an older build tree (nvcc's own default: 75 for
# nvcc 13) is replaced; one given by the user is kept. tests/cuda/check_architectures.cmake (the
# ctest `cuda_architectures`) checks the default, the override and the compiled objects.
set(KLAB_CUDA_ARCHITECTURES_DEFAULT 90)
get_property(_klab_arch_doc CACHE CMAKE_CUDA_ARCHITECTURES PROPERTY HELPSTRING)
if("$ENV{CUDAARCHS}" STREQUAL "" AND (NOT DEFINED CACHE{CMAKE_CUDA_ARCHITECTURES} OR _klab_arch_doc STREQUAL "CUDA architectures"))
  set(CMAKE_CUDA_ARCHITECTURES ${KLAB_CUDA_ARCHITECTURES_DEFAULT} CACHE STRING
      "CUDA architectures to compile for (KL Lab's default: 90, H100/H200)" FORCE)
endif()
