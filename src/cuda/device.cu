// The CUDA device probe: gathers what the runtime says and lets core/gpu_probe.cpp decide.
#include <cuda_runtime.h>

#include <atomic>

#include "app/gpu.hpp"
#include "cuda/selected_device.hpp"

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

namespace {
std::atomic<int> selected_device{0};
}  // namespace

int cuda_selected_device() { return selected_device.load(std::memory_order_relaxed); }

Status select_cuda_device(int local_rank) {
  int count = 0;
  KLAB_CUDA_TRY(cudaGetDeviceCount(&count));
  if (count < 1) return Status::error("no CUDA device");
  selected_device.store(local_rank % count, std::memory_order_relaxed);
  return cuda_bind_selected_device();
}

std::string cuda_device_description() {
  cudaDeviceProp prop;
  const int device = cuda_selected_device();
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) return "";
  return "device " + std::to_string(device) + ": " + std::string(prop.name) + ", " + std::to_string(prop.multiProcessorCount) +
         " SMs, compute capability " + std::to_string(prop.major) + "." + std::to_string(prop.minor);
}

}  // namespace klab
