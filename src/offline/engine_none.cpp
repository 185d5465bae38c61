// Builds without nvcc: the CUDA engines of offline.edge_of_reach, offline.dice, offline.weighting and offline.robust are absent and say so.
#include "offline/dice_engine.hpp"
#include "offline/engine.hpp"
#include "offline/robust_engine.hpp"
#include "offline/weighting_engine.hpp"

namespace klab::offline {

Status run_edge_cuda(const EdgeBatchConfig&, const EdgeWorldPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const EdgeChunk&)>&,
                     EdgeCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

Status run_dice_cuda(const DiceBatchConfig&, const DiceWorldPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const DiceChunk&)>&,
                     DiceCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

Status run_weighting_cuda(const WeightingBatchConfig&, const WeightingPool&, uint64_t, uint32_t, uint32_t, const std::function<void(const WeightingChunk&)>&,
                          WeightingCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

Status run_robust_cuda(const RobustBatchConfig&, const std::vector<int>&, const std::vector<double>&, uint64_t, uint32_t, uint32_t,
                       const std::function<void(const RobustChunk&)>&, RobustCudaStats*) {
  return Status::error("this klab was built without CUDA (nvcc was not found when it was configured)");
}

}  // namespace klab::offline
