// The CUDA device of this process, probed (core/gpu_probe.hpp says how the answer is decided).
// Built from src/cuda/device.cu when nvcc exists, otherwise from app/gpu_none.cpp, which says
// that this build has no CUDA engine.
#pragma once
#include "core/gpu_probe.hpp"

namespace klab {

// Asks the CUDA runtime (cudaGetDeviceCount and the versions) and classifies the answer.
GpuProbe probe_cuda_device();

// "NVIDIA H100 80GB HBM3, 132 SMs, compute capability 9.0" for device 0, or "" when none answers.
std::string cuda_device_description();

}  // namespace klab
