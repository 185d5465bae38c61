// The CUDA device probe: gathers what the runtime says and lets core/gpu_probe.cpp decide.
#include <cuda_runtime.h>

#include "app/gpu.hpp"

namespace klab {

static_assert(kCudaSuccess == cudaSuccess && kCudaErrorNoDevice == cudaErrorNoDevice,
              "core/gpu_probe.hpp's error codes must be CUDA's");

GpuProbe probe_cuda_device() {
  CudaProbeFacts facts;
  const cudaError_t e = cudaGetDeviceCount(&facts.device_count);
  facts.error = static_cast<int>(e);
  facts.error_name = cudaGetErrorName(e);
  facts.error_message = cudaGetErrorString(e);
  if (e != cudaSuccess) facts.device_count = 0;
  facts.driver_node = nvidia_driver_node_present();
  cudaDriverGetVersion(&facts.driver_version);
  cudaRuntimeGetVersion(&facts.runtime_version);
  return classify_cuda_probe(facts);
}

std::string cuda_device_description() {
  cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "";
  return std::string(prop.name) + ", " + std::to_string(prop.multiProcessorCount) + " SMs, compute capability " +
         std::to_string(prop.major) + "." + std::to_string(prop.minor);
}

}  // namespace klab
