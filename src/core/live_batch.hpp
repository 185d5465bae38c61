// A view's live batch: runs 0..R−1 of the demo's own experiment, one after another, so that the Live
// tab shows the statistic the paper's claim is about (an error rate, a mean regret over runs) growing
// as runs finish, not one run. Each run is the experiment's RunCursor (what the Runs tab and `klab
// run` step), advanced by a fixed amount of work per view step: a frame does bounded work, and the
// same steps always end at the same point (no clock in the stepping).
//
// Aggregation is BatchJob's, through the same BlockAccumulator (core/batch.hpp): a run's record is
// pushed into the open block, the block is merged every kBlockRuns runs and at the end, and result()
// merges the open block last. After n runs, result() is the Runs tab's result of a batch of n runs
// with the same seed, bit for bit (unit test "live batch equals the batch engine" in
// tests/unit/bandits_live_batch_test.cpp).
#pragma once
#include <cstdint>
#include <memory>

#include "core/batch.hpp"

namespace klab {

class LiveBatch {
 public:
  LiveBatch() = default;
  LiveBatch(const LiveBatch&) = delete;  // the record points into the layout
  LiveBatch& operator=(const LiveBatch&) = delete;

  // Runs 0 .. runs − 1 of a snapshot of `e` at `seed`; a view step asks the run's cursor for
  // layout().work_per_run / steps_per_run units of work (a cursor may do more per step: a run then
  // takes fewer steps).
  void reset(const Experiment& e, uint64_t seed, uint32_t runs, int steps_per_run);
  // Up to `steps` view steps (fewer when the batch ends).
  void advance(int steps);

  bool finished() const { return runs_done() >= runs_; }
  uint32_t runs() const { return runs_; }
  uint32_t runs_done() const { return result_.runs_done; }
  double steps_done() const { return static_cast<double>(steps_); }
  // Runs × the steps run 1 took (before it finishes: runs × steps_per_run). Exact where every run
  // takes as many steps as run 1 (cursors whose slices do not depend on the draws), an estimate
  // elsewhere.
  double steps_total() const { return static_cast<double>(runs_) * (first_run_steps_ > 0 ? first_run_steps_ : steps_per_run_); }
  // The aggregate of the runs finished so far (empty statistics before the first).
  const BatchResult& result() const { return result_; }

 private:
  struct Job {
    Job(std::unique_ptr<Experiment> snapshot, uint32_t runs)
        : experiment(std::move(snapshot)), layout(experiment->layout()), blocks(layout, runs) {}
    std::unique_ptr<Experiment> experiment;
    RunLayout layout;
    RunRecord record{layout};            // the run in progress
    std::unique_ptr<RunCursor> cursor;   // non-null while a run is part-way
    BlockAccumulator blocks;             // blocks.runs_done() is the run in progress
  };
  void push_run();

  std::unique_ptr<Job> job_;
  uint64_t seed_ = 0;
  uint32_t runs_ = 0;
  int steps_per_run_ = 1;
  long long steps_ = 0, first_run_steps_ = 0;
  double work_per_step_ = 1.0;
  BatchResult result_;
};

}  // namespace klab
