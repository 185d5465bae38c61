// BatchJob's aggregation for engines that hand over whole runs in run order (the CUDA engines'
// run_cuda): records added in run order within blocks of kBlockRuns, blocks merged in order, so
// the statistics are BatchJob's bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/batch.hpp"
#include "core/status.hpp"

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

// run_cuda of an engine that hands over chunks of whole runs in run order (chunk.first_run,
// chunk.runs, chunk.outcome: per_run outcomes a run): engine(consume, &stats) runs the job and gives
// each chunk to consume; fill(the outcomes of one run, its record) is the function the CPU engine
// fills its records with (src/blackbox/es_experiment.cpp, nsga2_experiment.cpp).
template <class Stats, class Engine, class Fill>
Status run_cuda_in_order(const RunLayout& layout, uint64_t seed, uint32_t runs, size_t per_run, const Engine& engine, const Fill& fill,
                         BatchResult* result) {
  OrderedBatch batch(layout, runs);  // aggregated exactly like BatchJob
  Stats stats;
  const Status s = engine(
      [&](const auto& chunk) {
        for (uint32_t i = 0; i < chunk.runs; ++i) {
          fill(chunk.outcome + i * per_run, batch.next());
          batch.add();
        }
      },
      &stats);
  if (!s.ok()) return s;
  batch.finish(seed, stats.seconds, result);  // the whole job: GPU, transfers and the aggregation
  return {};
}

}  // namespace klab
