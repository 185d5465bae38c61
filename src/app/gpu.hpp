// The CUDA device of this process, probed (core/gpu_probe.hpp says how the answer is decided).
// Built from src/cuda/device.cu when nvcc exists, otherwise from app/gpu_none.cpp, which says
// that this build has no CUDA engine.
#pragma once
#include "core/gpu_probe.hpp"
#include "core/status.hpp"

namespace klab {

// Asks the CUDA runtime (cudaGetDeviceCount and the versions) and classifies the answer.
GpuProbe probe_cuda_device();

// "NVIDIA H100 80GB HBM3, 132 SMs, compute capability 9.0" for this process's device (device 0
// unless select_cuda_device chose another), or "" when none answers.
std::string cuda_device_description();

// Makes device local_rank mod (the devices this process sees) the one every CUDA engine of this
// process drives: under MPI each rank its node-local GPU, ranks beyond the node's GPUs sharing them
// round-robin (under Slurm with --gpus-per-task each task sees one device: it is chosen). The
// process must have probed an available device first.
Status select_cuda_device(int local_rank);

}  // namespace klab
