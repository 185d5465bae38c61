// blackbox.bo: Bayesian optimisation with a Gaussian-process surrogate (gp.hpp) and the acquisition
// functions EI, PI, GP-UCB, Thompson sampling and the (discretised) knowledge gradient
// (acquisition.hpp), against random search, on 1-D, 2-D and 3-D test functions (test_functions.hpp):
// simple and cumulative regret against evaluations. Paper: Frazier, A Tutorial on Bayesian Optimization, 2018.
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "blackbox/gp.hpp"
#include "blackbox/test_functions.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "core/portable.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

enum class BoMethod { Ei, Pi, Ucb, Ts, Kg, Random };

struct BoParams {
  std::vector<std::string> methods;  // ids of BoMethod: ei, pi, ucb, ts, kg, random
  TestFunction function = TestFunction::Forrester;
  std::string drawn = kDefaultDrawnText;  // the curve of function = drawn (drawn_curve.hpp): x:y,x:y,...
  KernelKind kernel = KernelKind::Matern52;
  double length = 0.15;      // ℓ in units of the box's sides (inputs are scaled to [0, 1]^d)
  bool fit_length = false;   // ℓ by maximum marginal likelihood on a grid, refitted every evaluation
  double noise = 1e-6;       // τ² of the GP on the standardised outputs
  double obs_noise = 0.0;    // σ of Gaussian noise added to each evaluation (f's units)
  double beta = 4.0;         // GP-UCB's β
  int init_points = 3;       // uniform random evaluations before the acquisition takes over (shared by all methods)
  int evaluations = 15;      // evaluations per run, the initial ones included
  double threshold = 0.01;   // simple-regret threshold of the metric evaluations_to_threshold
};

const std::vector<std::string>& bo_method_ids();

// One method on one function, evaluation by evaluation (the experiment's runs and the live view).
class BoRun {
 public:
  BoRun(const BoParams& p, const std::string& method, uint64_t seed, uint32_t run);
  void step();  // evaluates the proposed point, then proposes the next
  bool done() const { return static_cast<int>(fx_.size()) >= evaluations_; }
  int evaluated() const { return static_cast<int>(fx_.size()); }
  double regret() const { return best_f_ - objective_.info().minimum; }  // min_i f(x_i) − f*
  double cumulative_regret() const { return cumulative_regret_; }         // Σ_i (f(x_i) − f*)
  const FunctionInfo& info() const { return objective_.info(); }
  const Objective& objective() const { return objective_; }
  BoMethod method() const { return method_; }

  // The state behind the current proposal (for the live view), in the function's units:
  int dim() const { return dim_; }
  const PointMatrix& candidates() const { return candidates_; }  // (m, dim) in [0, 1]^d; the first grid_size() form a grid (row i: digit c of i in base grid_side() is coordinate c's cell)
  int grid_size() const { return grid_size_; }
  int grid_side() const { return grid_side_; }
  const Eigen::VectorXd& posterior_mean() const { return mean_f_; }  // (m) μ of f (−μ of the maximised g)
  const Eigen::VectorXd& posterior_sd() const { return sd_f_; }      // (m)
  const Eigen::VectorXd& acquisition() const { return acquisition_; }  // (m) empty before the GP takes over
  bool has_model() const { return mean_f_.size() > 0; }
  const std::vector<double>& proposal() const { return proposal_; }  // next x, in [0, 1]^d
  const std::vector<std::vector<double>>& points() const { return xs_; }  // evaluated x, in [0, 1]^d
  const std::vector<double>& values() const { return fx_; }              // f(x_i) without noise
  double length_used() const { return length_used_; }
  std::vector<double> to_box(const std::vector<double>& u) const;  // [0, 1]^d → the function's box

 private:
  void propose();
  void propose_uniform();
  BoMethod method_;
  Objective objective_;
  int dim_, evaluations_, init_points_;
  GpHyper hyper_;
  bool fit_length_;
  double obs_noise_, beta_;
  uint64_t seed_;
  uint32_t run_;
  PointMatrix grid_;  // (grid_size, dim) fixed candidate grid
  int grid_size_ = 0, grid_side_ = 0;
  std::vector<std::vector<double>> xs_;
  std::vector<double> fx_, y_;  // true f(x_i), observed y_i = f(x_i) + noise
  double best_f_ = kInf;
  double cumulative_regret_ = 0.0;
  PointMatrix candidates_;
  Eigen::VectorXd mean_f_, sd_f_, acquisition_;
  std::vector<double> proposal_;
  double length_used_ = 0.0;
};

class BoExperiment final : public ExperimentOf<BoParams, BoExperiment> {
 public:
  BoExperiment();
  RunLayout layout() const override;
  void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo bo_demo();

}  // namespace klab::blackbox
