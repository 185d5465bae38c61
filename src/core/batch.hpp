// The batch engine: R independent runs of an experiment, aggregated into per-checkpoint means
// with standard errors and 95% confidence intervals.
//
// Determinism: runs are grouped into fixed blocks of kBlockRuns; a block accumulates its runs in
// order and blocks are merged in order (Chan et al. pairwise merge). The result is therefore
// bit-identical whatever the number of threads, and the browser (one thread, advancing a few
// runs per frame) computes exactly what `klab run` computes natively. That arithmetic lives in one
// class, BlockAccumulator, which BatchJob (its one-thread path and both threaded hand-outs) and the
// Live tabs' LiveBatch (core/live_batch.hpp) push their runs into.
//
// The block size is part of the arithmetic (a push per run inside a block, a pairwise merge
// between blocks), so it never changes. What changes with the job is only how work is handed
// out: whole blocks to threads when there are many, single runs when there are few (fewer than
// four blocks per thread), their records then pushed in run order by whichever thread completes
// the next one: the same pushes and merges in the same order, on more threads.
//
// Stopping and resuming (a checkpoint, `klab run --resume`, the MPI ranks of src/dist/): the state
// after b complete blocks is the merge of blocks 0..b-1 (a BlockPrefix). A job started from a
// prefix and run to the end computes exactly what an uninterrupted job computes, and any block can
// be computed on its own (run_block) and merged in order elsewhere.
//
// Progress is measured in work (RunLayout::work_unit): a resumable run (RunCursor) is stepped in
// slices of about 20 ms and reports the work it has done, so one long run moves the bar too.
#pragma once
#include <atomic>
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
  void clear();  // every statistic back to no values
};

// The merged statistics of blocks 0..blocks-1 and the seconds spent computing them.
struct BlockPrefix {
  uint32_t blocks = 0;
  SlotStats stats;
  double seconds = 0.0;
};

inline uint32_t block_count(uint32_t runs) { return (runs + kBlockRuns - 1) / kBlockRuns; }

// The block arithmetic of a job of `runs` runs, in the one place every aggregation of whole runs uses it
// (BatchJob on one thread or many, LiveBatch): run r's record is pushed into the open block
// (SlotStats::add) in run order; the open block is merged into the prefix (SlotStats::merge) when it
// holds kBlockRuns runs and after the job's last run; a block computed on its own (run_block, a worker
// thread's block) is merged in its turn; and the aggregate so far is the prefix with the open block
// merged last.
class BlockAccumulator {
 public:
  explicit BlockAccumulator(const RunLayout& layout = {}, uint32_t runs = 0);
  // Continuing after the first `start_blocks` blocks of the job, merged into `start` (a resumed checkpoint).
  BlockAccumulator(const RunLayout& layout, uint32_t runs, SlotStats start, uint32_t start_blocks);

  // The next run's record (run runs_done()).
  void push(const RunRecord& record);
  // The next block whole, its runs pushed in order into a fresh SlotStats (run_block); only at a block boundary.
  void push_block(const SlotStats& block);
  // Back to the last block boundary: the open block's runs are forgotten (a stopped job redoes them).
  void drop_open_block();

  uint32_t runs() const { return runs_; }
  uint32_t runs_done() const { return runs_done_; }
  bool done() const { return runs_done_ >= runs_; }
  // The blocks merged into prefix(): all of them once the job is done.
  uint32_t complete_blocks() const { return done() ? block_count(runs_) : runs_done_ / kBlockRuns; }
  const SlotStats& prefix() const { return prefix_; }
  // The aggregate of runs 0 .. runs_done() − 1: the prefix, then the open block.
  SlotStats total() const;

 private:
  uint32_t runs_, runs_done_ = 0;
  SlotStats prefix_, open_block_;
};

// Block `block` of a job of `runs` runs on its own: runs [block·kBlockRuns, min(runs, (block+1)·kBlockRuns))
// pushed in order into *out, exactly as BatchJob does. `keep_going` is asked between runs and between
// the slices (about 20 ms) of a resumable run; when it answers false the block is abandoned and
// run_block returns false.
bool run_block(const Experiment& experiment, const RunLayout& layout, uint64_t seed, uint32_t runs, uint32_t block,
               SlotStats* out, const std::function<bool()>& keep_going = {});

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
  // A job that continues after the prefix's blocks (a resumed checkpoint).
  BatchJob(std::unique_ptr<Experiment> snapshot, uint64_t seed, uint32_t runs, BlockPrefix start);
  BatchJob(const BatchJob&) = delete;  // record_ points into layout_
  BatchJob& operator=(const BatchJob&) = delete;

  // One thread, until `budget_seconds` of work has been spent. Resumable runs (RunCursor) pause
  // part-way at the budget; others always complete the run they start.
  void advance(double budget_seconds);
  // Everything, on `threads` threads (0: all cores; 1 in wasm). `progress` is called from the
  // calling thread with the fraction done, about ten times a second. When `*stop` becomes true the
  // workers abandon their blocks at the next run or slice, and the job returns holding the blocks
  // merged so far (completed_prefix(); done() is then false).
  void run_all(int threads, const std::function<void(double)>& progress = {}, const std::atomic<bool>* stop = nullptr);

  bool done() const { return blocks_.done(); }
  // Runs completed plus the part of a paused run already done, over the runs requested.
  double fraction() const;
  // The aggregate so far (complete blocks plus the open one).
  BatchResult result() const;
  const Experiment& experiment() const { return *experiment_; }
  // The complete blocks merged so far (what a checkpoint saves).
  BlockPrefix completed_prefix() const;

 private:
  void drop_open_block();  // back to the last block boundary (a stopped job)

  std::unique_ptr<Experiment> experiment_;
  RunLayout layout_;
  uint64_t seed_;
  uint32_t runs_;
  double seconds_ = 0.0;
  BlockAccumulator blocks_;            // runs_done() is the next run to start
  RunRecord record_;                   // the run in progress (advance() may pause inside a run)
  std::unique_ptr<RunCursor> cursor_;  // non-null while a resumable run is paused
  double cursor_work_ = 0.0;           // work done so far in that run
};

// Threads a job uses when it is not told (BatchJob with threads <= 0, and the host side of the CUDA
// engines): every core, or at most n while a ScopedThreadLimit(n) lives — `klab run/sweep --threads n`
// holds one for the job, so that --threads also bounds the CUDA path's host work.
int default_thread_count();
class ScopedThreadLimit {
 public:
  explicit ScopedThreadLimit(int threads);  // <= 0: no limit
  ~ScopedThreadLimit();
  ScopedThreadLimit(const ScopedThreadLimit&) = delete;
  ScopedThreadLimit& operator=(const ScopedThreadLimit&) = delete;

 private:
  int previous_;
};

// A whole job on the experiment's CUDA engine in one call (tests and benchmarks; `klab run
// --backend cuda` goes through src/dist in chunks of blocks): blocks 0..block_count(runs) − 1 of
// run_cuda_blocks merged in order, and the wall time.
Status run_cuda_job(const Experiment& experiment, uint64_t seed, uint32_t runs, BatchResult* result);

}  // namespace klab
