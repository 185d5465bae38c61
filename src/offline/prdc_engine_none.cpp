// Builds without nvcc: offline.prdc's CUDA engine is absent and says so.
#include "offline/prdc_engine.hpp"

namespace klab::offline {

Status prdc_cuda_wave_runs(const PrdcBatchConfig&, uint32_t*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

Status run_prdc_cuda(const PrdcBatchConfig&, const PrdcPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const PrdcChunk&)>&, PrdcCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::offline
