// The batch engine: R independent runs of an experiment, aggregated into per-checkpoint means
// with standard errors and 95% confidence intervals.
//
// Determinism: runs are grouped into fixed blocks of kBlockRuns; a block accumulates its runs in
// order and blocks are merged in order (Chan et al. pairwise merge). The result is therefore
// bit-identical whatever the number of threads, and the browser (one thread, advancing a few
// runs per frame) computes exactly what `klab run` computes natively.
//
// The block size is part of the arithmetic (a push per run inside a block, a pairwise merge
// between blocks), so it never changes. What changes with the job is only how work is handed
// out: whole blocks to threads when there are many, single runs when there are few (fewer than
// four blocks per thread), their records then pushed in run order by whichever thread completes
// the next one: the same pushes and merges in the same order, on more threads.
//
// Progress is measured in work (RunLayout::work_unit): a resumable run (RunCursor) is stepped in
// slices of about 20 ms and reports the work it has done, so one long run moves the bar too.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/experiment.hpp"
#include "core/stats.hpp"

namespace klab {

constexpr uint32_t kBlockRuns = 16;

struct SlotStats {
  std::vector<RunningStat> curves, finals;
  explicit SlotStats(const RunLayout& layout = {}) : curves(layout.curve_slots()), finals(layout.final_slots()) {}
  void add(const RunRecord& record);
  void merge(const SlotStats& other);
};

class BatchResult {
 public:
  RunLayout layout;
  uint64_t seed = 0;
  uint32_t runs_requested = 0;
  uint32_t runs_done = 0;
  double seconds = 0.0;
  SlotStats stats;

  const RunningStat& final_stat(size_t series, size_t metric) const { return stats.finals[layout.final_index(series, metric)]; }
  const RunningStat& curve_stat(size_t series, size_t metric, size_t point) const {
    return stats.curves[layout.curve_index(series, metric, point)];
  }
  // Mean curve and its 95% confidence band (NaN where no run reported a value).
  void curve(size_t series, size_t metric, std::vector<double>* mean, std::vector<double>* lo, std::vector<double>* hi) const;
  double work_per_second() const { return seconds > 0 ? layout.work_per_run * runs_done / seconds : 0.0; }
};

class BatchJob {
 public:
  BatchJob(std::unique_ptr<Experiment> snapshot, uint64_t seed, uint32_t runs);
  BatchJob(const BatchJob&) = delete;  // record_ points into layout_
  BatchJob& operator=(const BatchJob&) = delete;

  // One thread, until `budget_seconds` of work has been spent. Resumable runs (RunCursor) pause
  // part-way at the budget; others always complete the run they start.
  void advance(double budget_seconds);
  // Everything, on `threads` threads (0: all cores; 1 in wasm). `progress` is called from the
  // calling thread with the fraction done, about ten times a second.
  void run_all(int threads, const std::function<void(double)>& progress = {});

  bool done() const { return next_run_ >= runs_; }
  // Runs completed plus the part of a paused run already done, over the runs requested.
  double fraction() const;
  // The aggregate so far (complete blocks plus the open one).
  BatchResult result() const;
  const Experiment& experiment() const { return *experiment_; }

 private:
  std::unique_ptr<Experiment> experiment_;
  RunLayout layout_;
  uint64_t seed_;
  uint32_t runs_;
  uint32_t next_run_ = 0;
  double seconds_ = 0.0;
  SlotStats merged_, open_block_;
  RunRecord record_;                   // the run in progress (advance() may pause inside a run)
  std::unique_ptr<RunCursor> cursor_;  // non-null while a resumable run is paused
  double cursor_work_ = 0.0;           // work done so far in that run
};

int default_thread_count();

}  // namespace klab
