// Builds without nvcc: the CUDA engine is absent and says so.
#include "bandits/engine.hpp"

namespace klab::bandits {

Status run_regret_cuda(const RegretConfig&, uint64_t, uint32_t, uint32_t, const std::function<void(const RegretChunk&)>&,
                       RegretCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::bandits
