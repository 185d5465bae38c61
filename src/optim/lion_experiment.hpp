// optim.lion: Lion and Lion-κ (ℓ₁ = Lion, ℓ₂, Huber) against projected GD, AdamW and signSGD on a
// 2-D quadratic or Rosenbrock function whose unconstrained minimiser lies outside the box
// ‖x‖∞ ≤ 1/λ: distance to each method's target, box violation and the Lyapunov function against
// the step. Algorithms and equations: lion.hpp. Paper: Chen, Liu, Liang, Liu, ICLR 2024.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "optim/lion.hpp"

namespace klab::optim {

struct LionParams {
  std::vector<std::string> methods;  // "lion", "lion_l2", "lion_huber", "projected_gd", "adamw", "signsgd"
  Objective objective = Objective::Quadratic;
  double lambda = 1.0;
  double condition = 8.0;
  double centre_x = 2.0, centre_y = 0.8;
  double huber_delta = 0.1;
  double lr = 0.01;
  double beta1 = 0.9, beta2 = 0.99;
  double gd_step = 0.05;
  double noise = 0.0;        // σ of the gradient noise
  double start_x = -2.5, start_y = 2.0;
  double jitter = 0.3;       // runs start uniformly in a disc of this radius around the start
  int steps = 2000;
};

const std::vector<std::string>& lion_method_ids();

// One run of every method from the same start, step by step (the Experiment's runs and the live view).
class LionRun {
 public:
  LionRun(const LionParams& p, uint64_t seed, uint32_t run);
  void step();
  int steps_done() const { return t_; }
  size_t methods() const { return x_.size(); }
  const Vec2& x(size_t s) const { return x_[s]; }
  const Vec2& target(size_t s) const { return target_[s]; }
  const Vec2& start() const { return start_; }
  // Ĥ of a Lion-κ method (∞ outside its constraint set); NaN for the baselines.
  double lyapunov(size_t s) const;
  const Problem& problem() const { return problem_; }

 private:
  enum class Kind { Lion, ProjectedGd, AdamW, SignSgd };
  Problem problem_;
  LionSettings settings_;
  double gd_step_, noise_;
  uint64_t seed_;
  uint32_t run_;
  Vec2 start_;
  std::vector<Kind> kinds_;
  std::vector<Kappa> kappas_;
  std::vector<LionState> lion_;   // (methods) Lion-κ states (x unused for the others)
  std::vector<AdamState> adam_;   // (methods)
  std::vector<Vec2> x_, target_;  // (methods) current iterate, the solution of the problem it solves
  int t_ = 0;
};

class LionExperiment final : public ExperimentOf<LionParams, LionExperiment> {
 public:
  LionExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // f on a grid over the view [−3, 3]² (log₁₀(1 + f − min f)), the box, and the targets.
  plot::Plot contour(const LionRun& run) const;
};

DemoInfo lion_demo();

}  // namespace klab::optim
