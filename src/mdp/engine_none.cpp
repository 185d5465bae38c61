// Builds without nvcc: the CUDA engine of mdp.learning is absent and says so.
#include "mdp/engine.hpp"

namespace klab::mdp {

Status run_td_cuda(const TdBatchConfig&, const TdWorldPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const TdChunk&)>&, TdCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::mdp
