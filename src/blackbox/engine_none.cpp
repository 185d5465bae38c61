// Builds without nvcc: the CUDA engine of blackbox.es is absent and says so.
#include "blackbox/engine.hpp"

namespace klab::blackbox {

Status run_es_cuda(const EsConfig&, uint64_t, uint32_t, uint32_t, const std::function<void(const EsChunk&)>&, EsCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::blackbox
