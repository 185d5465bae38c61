// Builds without nvcc: the batched value iteration engine of mdp.planning is absent and says so.
#include "mdp/vi_engine.hpp"

namespace klab::mdp {

Status run_vi_cuda(const ViBatchConfig&, const ViWorldPool&, uint32_t, uint32_t, const std::function<void(const ViChunk&)>&, ViCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::mdp
