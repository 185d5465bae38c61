// BatchJob's aggregation for engines that hand over whole runs in run order (the CUDA engines'
// run_cuda): records added in run order within blocks of kBlockRuns, blocks merged in order, so
// the statistics are BatchJob's bit for bit.
#pragma once
#include <cstdint>

#include "core/batch.hpp"

namespace klab {

class OrderedBatch {
 public:
  // `layout` must outlive this object.
  OrderedBatch(const RunLayout& layout, uint32_t runs) : layout_(layout), runs_(runs), merged_(layout), block_(layout), record_(layout) {}
  // The next run's record, cleared: fill it, then call add().
  RunRecord& next() {
    record_.clear();
    return record_;
  }
  void add() {
    block_.add(record_);
    if (++done_ % kBlockRuns == 0 || done_ == runs_) {
      merged_.merge(block_);
      block_ = SlotStats(layout_);
    }
  }
  // The result of the whole job (all runs added); `seconds`: its wall time.
  void finish(uint64_t seed, double seconds, BatchResult* result) const {
    result->layout = layout_;
    result->seed = seed;
    result->runs_requested = runs_;
    result->runs_done = done_;
    result->seconds = seconds;
    result->stats = merged_;
  }

 private:
  const RunLayout& layout_;
  uint32_t runs_, done_ = 0;
  SlotStats merged_, block_;
  RunRecord record_;
};

}  // namespace klab
