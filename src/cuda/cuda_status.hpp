// CUDA runtime errors as the lab's Status, for the host side of every CUDA engine (.cu files):
// KLAB_CUDA_TRY(call) returns "CUDA: <call>: <error name>: <description>" from the enclosing
// function when the call fails.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "core/status.hpp"

namespace klab {

inline Status cuda_error(cudaError_t e, const char* what) {
  return Status::error(std::string("CUDA: ") + what + ": " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

}  // namespace klab

#define KLAB_CUDA_TRY(call)                                             \
  do {                                                                  \
    const cudaError_t klab_e = (call);                                  \
    if (klab_e != cudaSuccess) return ::klab::cuda_error(klab_e, #call); \
  } while (0)
