// offline.robust on the CUDA engine (robust_engine.hpp, the fourth kernel of engine.cu): every
// learner of every run on the GPU, one thread per (run, learner); the host builds the batch (the
// world, the evaluation models, the planner's worst cases: batch(), once per parameter version) and fills
// each run's record from its outcomes in run order, as the CPU engine fills it (fill_robust_record).
#include "core/ordered_batch.hpp"
#include "offline/robust_experiment.hpp"

namespace klab::offline {

Status RobustExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const std::shared_ptr<const RobustBatch> shared = batch();
  const RobustBatch& b = *shared;
  const size_t per_run = static_cast<size_t>(b.cfg.n_series) * b.cfg.outcome_stride();
  return run_cuda_in_order(
      layout, runs, first_block, end_block, blocks, per_run,
      [&](uint32_t first_run, uint32_t n, const auto& consume) {
        return run_robust_cuda(b.cfg, b.ints, b.reals, seed, first_run, n, consume);
      },
      [&](const double* outcomes, RunRecord& out) { fill_robust_record(b, outcomes, out); });
}

}  // namespace klab::offline
