// A resumable run (RunCursor) over any of the chapter's step-wise trainers: steps the trainer and
// records its metrics at the curve checkpoints, a slice at a time, so that long runs keep the
// browser at 60 FPS (core/batch.cpp advances cursors under a per-frame time budget).
#pragma once
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "core/experiment.hpp"

namespace klab::alignment {

template <class Trainer>
class TrainerCursor final : public RunCursor {
 public:
  // record(trainer, checkpoint index, is_last, out)
  using Record = std::function<void(const Trainer&, size_t, bool, RunRecord&)>;
  TrainerCursor(std::unique_ptr<Trainer> trainer, std::vector<long long> checkpoints, Record record, RunRecord& out,
                double work_per_step)
      : trainer_(std::move(trainer)),
        checkpoints_(std::move(checkpoints)),
        record_(std::move(record)),
        out_(out),
        work_per_step_(std::max(1.0, work_per_step)) {}

  bool step(double work) override {
    long long budget = std::max<long long>(1, static_cast<long long>(work / work_per_step_));
    while (next_ < checkpoints_.size()) {
      if (trainer_->steps_done() >= checkpoints_[next_]) {
        record_(*trainer_, next_, next_ + 1 == checkpoints_.size(), out_);
        ++next_;
      } else if (budget-- > 0) {
        trainer_->step();
      } else {
        break;
      }
    }
    return next_ >= checkpoints_.size();
  }

 private:
  std::unique_ptr<Trainer> trainer_;
  std::vector<long long> checkpoints_;
  Record record_;
  RunRecord& out_;
  double work_per_step_;
  size_t next_ = 0;
};

}  // namespace klab::alignment
