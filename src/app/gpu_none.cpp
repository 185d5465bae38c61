#include "app/gpu.hpp"

namespace klab {

GpuProbe probe_cuda_device() {
  return {GpuState::Absent, "this klab was built without CUDA (nvcc was not found when it was configured)"};
}

std::string cuda_device_description() { return ""; }

Status select_cuda_device(int) { return Status::error(probe_cuda_device().message); }

}  // namespace klab
