// Builds without nvcc: the CUDA engine of offline.edge_of_reach is absent and says so.
#include "offline/engine.hpp"

namespace klab::offline {

Status run_edge_cuda(const EdgeBatchConfig&, const EdgeWorldPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const EdgeChunk&)>&,
                     EdgeCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::offline
