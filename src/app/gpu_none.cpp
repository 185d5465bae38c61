#include "app/gpu.hpp"

namespace klab {
bool cuda_device_available(std::string* why_not) {
  *why_not = "this klab was built without CUDA (nvcc was not found when it was configured)";
  return false;
}
}  // namespace klab
