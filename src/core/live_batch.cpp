#include "core/live_batch.hpp"

#include <algorithm>

namespace klab {

void LiveBatch::reset(const Experiment& e, uint64_t seed, uint32_t runs, int steps_per_run) {
  job_ = std::make_unique<Job>(e.clone(), runs);
  seed_ = seed;
  runs_ = runs;
  steps_per_run_ = std::max(1, steps_per_run);
  steps_ = 0;
  first_run_steps_ = 0;
  work_per_step_ = std::max(1.0, job_->layout.work_per_run / steps_per_run_);
  result_ = BatchResult();
  result_.layout = job_->layout;
  result_.seed = seed;
  result_.runs_requested = runs;
  result_.stats = SlotStats(job_->layout);
}

void LiveBatch::advance(int steps) {
  for (int i = 0; i < steps && job_ && !finished(); ++i) {
    ++steps_;
    Job& j = *job_;
    if (!j.cursor) {
      j.record.clear();
      j.cursor = j.experiment->start_run(seed_, j.blocks.runs_done(), j.layout, j.record);
      if (!j.cursor) {  // no cursor: the whole run in this step
        j.experiment->run(seed_, j.blocks.runs_done(), j.layout, j.record);
        push_run();
        continue;
      }
    }
    if (j.cursor->step(work_per_step_)) push_run();
  }
}

void LiveBatch::push_run() {
  Job& j = *job_;
  j.cursor.reset();
  j.blocks.push(j.record);
  if (j.blocks.runs_done() == 1) first_run_steps_ = steps_;
  result_.runs_done = j.blocks.runs_done();
  result_.stats = j.blocks.total();
}

}  // namespace klab
