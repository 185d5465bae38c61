// The CUDA device this process drives. One process drives one device: device 0 alone, or under
// MPI the one select_cuda_device (app/gpu.hpp) chose from the rank's node-local rank. CUDA binds a
// device per host thread, so every engine binds its calling thread before its first CUDA call
// (fit_kernel in cuda_job.hpp does it for the engines built on it).
#pragma once
#include <cuda_runtime.h>

#include "cuda/cuda_status.hpp"

namespace klab {

int cuda_selected_device();  // src/cuda/device.cu

inline Status cuda_bind_selected_device() {
  KLAB_CUDA_TRY(cudaSetDevice(cuda_selected_device()));
  return {};
}

}  // namespace klab
