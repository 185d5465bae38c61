// Builds without nvcc: the CUDA engine of optim.mixture is absent and says so.
#include "optim/mixture_engine.hpp"

namespace klab::optim {

Status run_mixture_cuda(const MixtureBatchConfig&, const MixtureTables&, uint64_t, uint32_t, uint32_t, const std::function<void(const MixtureChunk&)>&,
                        MixtureCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::optim
