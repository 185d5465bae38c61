// optim.online: optimistic online mirror descent against plain OMD, OGD and optimistic FTRL in the SEA
// model on a 2-D disc, with sliders for the stochastic noise σ and the adversarial variation Σ: regret against
// T next to the bound's √σ²_{1:T} + √Σ²_{1:T}. Algorithms and equations: online.hpp. Papers: Chen,
// Zhang, Tu, Zhao, Zhang, arXiv:2302.04552; Sachs, Hadiji, van Erven, Guzmán, arXiv:2202.07554.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "optim/online.hpp"

namespace klab::optim {

struct OnlineParams {
  std::vector<std::string> methods;  // "optimistic_omd", "plain_omd", "ogd", "oftrl"
  OnlineLoss loss = OnlineLoss::Huber;
  double noise = 0.05;     // σ
  double variation = 0.05; // Σ
  double delta = 1.0;      // Huber width δ
  double lambda = 1.0;     // quadratic curvature λ
  double start_x = -0.75, start_y = -0.55;
  long long horizon = 4000;  // T
};

const std::vector<std::string>& online_method_ids();

SeaProblem sea_problem_of(const OnlineParams& p);

// The order of the paper's bound at round t (constants 1; reading, see online.hpp):
//   convex      D(√σ²_{1:t} + √Σ²_{1:t}) + L D²
//   strongly    (σ² + Σ²)/λ · ln((σ²_{1:t} + Σ²_{1:t})/(σ² + Σ²)) + L D²
double sea_bound(const SeaProblem& p, long long t);

// One run of every method against the same losses and noise, round by round (the Experiment's runs
// and the live view).
class OnlineRun {
 public:
  OnlineRun(const OnlineParams& p, uint64_t seed, uint32_t run);
  void step();  // plays round t = rounds_done() + 1
  long long rounds_done() const { return t_; }
  size_t methods() const { return learners_.size(); }
  const Vec2& x(size_t s) const { return last_x_[s]; }  // the last point played (the start before round 1)
  double regret(size_t s) const;  // Σ_{u≤t} F_u(x_u) − min_x Σ_{u≤t} F_u(x)
  const SeaProblem& problem() const { return problem_; }

 private:
  SeaProblem problem_;
  OnlineSettings settings_;
  uint64_t seed_;
  uint32_t run_;
  std::vector<OnlineLearner> learners_;
  std::vector<Vec2> last_x_;
  std::vector<double> loss_;  // (methods) Σ_{u≤t} F_u(x_u)
  long long t_ = 0;
};

class OnlineExperiment final : public ExperimentOf<OnlineParams, OnlineExperiment> {
 public:
  OnlineExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // The average mean loss ½(F_1 + F_2) over the disc's square, the two centres, the comparator.
  plot::Plot contour(const SeaProblem& p) const;
  // The bound's order against t (reference line over `t_max` rounds).
  plot::Line bound_line(const SeaProblem& p, long long t_max) const;
};

DemoInfo online_demo();

}  // namespace klab::optim
