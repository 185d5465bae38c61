// Whether a CUDA device answers (cudaGetDeviceCount), with the driver's reason when not.
#include <cuda_runtime.h>

#include "app/gpu.hpp"

namespace klab {

bool cuda_device_available(std::string* why_not) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    *why_not = std::string("no CUDA device answers (") + cudaGetErrorString(e) + ")";
    return false;
  }
  if (count == 0) {
    *why_not = "no CUDA device found";
    return false;
  }
  return true;
}

}  // namespace klab
