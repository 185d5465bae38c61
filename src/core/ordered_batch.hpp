// BatchJob's aggregation for engines that hand over whole runs in run order (the CUDA engines'
// run_cuda_blocks): blocks [first_block, end_block) of a job of `runs` runs, each block's records
// added in run order and its statistics appended to *out when the block is complete. Those are the
// statistics run_block computes for the same blocks on the CPU, bit for bit (in the strict build).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/batch.hpp"

namespace klab {

class OrderedBatch {
 public:
  // `layout` must outlive this object; end_block ≤ block_count(runs).
  OrderedBatch(const RunLayout& layout, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* out)
      : layout_(layout),
        first_run_(first_block * kBlockRuns),
        end_run_(std::min(runs, end_block * kBlockRuns)),
        next_run_(first_run_),
        block_(layout),
        record_(layout),
        out_(out) {}
  // The runs the engine must hand over, in order: first_run() .. first_run() + run_count() - 1.
  uint32_t first_run() const { return first_run_; }
  uint32_t run_count() const { return end_run_ - first_run_; }
  // The next run's record, cleared: fill it, then call add().
  RunRecord& next() {
    record_.clear();
    return record_;
  }
  void add() {
    block_.add(record_);
    if (++next_run_ % kBlockRuns == 0 || next_run_ == end_run_) {
      out_->push_back(std::move(block_));
      block_ = SlotStats(layout_);
    }
  }

 private:
  const RunLayout& layout_;
  uint32_t first_run_, end_run_, next_run_;
  SlotStats block_;
  RunRecord record_;
  std::vector<SlotStats>* out_;
};

// run_cuda_blocks of an engine that hands over chunks of whole runs in run order (chunk.runs,
// chunk.outcome: per_run outcomes a run): engine(first_run, runs, consume) runs those runs and gives
// each chunk to consume; fill(the outcomes of one run, its record) is the function the CPU engine
// fills its records with (src/blackbox/es_experiment.cpp, nsga2_experiment.cpp, src/mdp/learning_cuda.cpp).
template <class Engine, class Fill>
Status run_cuda_in_order(const RunLayout& layout, uint32_t runs, uint32_t first_block, uint32_t end_block, std::vector<SlotStats>* blocks,
                         size_t per_run, const Engine& engine, const Fill& fill) {
  OrderedBatch batch(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  return engine(batch.first_run(), batch.run_count(), [&](const auto& chunk) {
    for (uint32_t i = 0; i < chunk.runs; ++i) {
      fill(chunk.outcome + i * per_run, batch.next());
      batch.add();
    }
  });
}

}  // namespace klab
