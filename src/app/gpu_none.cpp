#include "app/gpu.hpp"

namespace klab {

GpuProbe probe_cuda_device() {
  return {GpuState::Absent, "this klab was built without CUDA (nvcc was not found when it was configured)"};
}

std::string cuda_device_description() { return ""; }

}  // namespace klab
