// What mdp.planning records of one method in one run, given V*(ρ) − V^{π_k}(ρ) after each iteration
// k and the Bellman residual at the checkpoints: the curves (each value at least the floor
// 1e-13·(1 + max|V*|), a log axis), the final suboptimality and residual, and "iterations", the
// first k with V*(ρ) − V^{π_k}(ρ) ≤ ε(1 + max|V*|) (K + 1 when never). The CPU cursor
// (planning_experiment.cpp) and the batched VI engine's host side (planning_cuda.cpp) both fill
// their records through it.
#pragma once
#include <algorithm>
#include <vector>

#include "core/experiment.hpp"

namespace klab::mdp {

enum PlanCurve { kPlanCurveSuboptimality, kPlanCurveResidual };
enum PlanFinal { kPlanFinalSuboptimality, kPlanFinalResidual, kPlanFinalIterations };
// Values below this fraction of (1 + max|V*|) are machine-precision noise: drawn at the floor on
// the log axes (suboptimality and residual reach exactly 0 for policy iteration).
constexpr double kPlanRelativeFloor = 1e-13;

class PlanRecorder {
 public:
  // ks: the checkpoints (the layout's iteration axis); v_star_max = max_s |V*(s)|.
  PlanRecorder(RunRecord& out, const std::vector<double>& ks, size_t slot, double v_star_max, double tolerance, int iterations)
      : out_(out),
        ks_(ks),
        slot_(slot),
        floor_(kPlanRelativeFloor * (1.0 + v_star_max)),
        target_(tolerance * (1.0 + v_star_max)),
        iterations_(iterations) {}

  // After iteration k; residual() (‖T V̂_k − V̂_k‖∞) is called at checkpoints only.
  template <class Residual>
  void observe(int k, double gap, const Residual& residual) {
    if (reached_ < 0 && gap <= target_) reached_ = k;
    while (next_ < ks_.size() && static_cast<int>(ks_[next_]) == k) {
      out_.curve(slot_, kPlanCurveSuboptimality, next_, std::max(floor_, gap));
      out_.curve(slot_, kPlanCurveResidual, next_, std::max(floor_, residual()));
      ++next_;
    }
  }

  // After the last iteration.
  void finish(double gap, double residual) {
    out_.final(slot_, kPlanFinalSuboptimality, std::max(0.0, gap));
    out_.final(slot_, kPlanFinalResidual, residual);
    out_.final(slot_, kPlanFinalIterations, reached_ >= 0 ? reached_ : iterations_ + 1);
  }

 private:
  RunRecord& out_;
  const std::vector<double>& ks_;
  size_t slot_;
  double floor_, target_;
  int iterations_;
  size_t next_ = 0;
  int reached_ = -1;
};

}  // namespace klab::mdp
