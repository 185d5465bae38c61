// optim.halpern: variance-reduced Halpern iteration (the paper's Algorithms 1 and 2) against deterministic Halpern,
// extra-anchored gradient, extragradient and variance-reduced extragradient on a finite-sum regularised (μ > 0) or
// merely monotone (μ = 0) bilinear game in the plane or an ill-conditioned one in ℝ⁸, or on distributionally robust least
// squares (a constrained problem, halpern_dro.hpp) or Wasserstein DRO logistic regression (Yu et al.'s min-max form,
// halpern_wdro.hpp): operator
// residual ‖F(z_k)‖ against component-oracle calls, with Halpern's bound. Algorithms and equations:
// halpern.hpp. Paper: Cai, Alacaoglu, Diakonikolas, ICLR 2024.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/first_run_memo.hpp"
#include "core/registry.hpp"
#include "optim/halpern.hpp"

namespace klab::optim {

struct HalpernParams {
  std::vector<std::string> methods;  // "vr_halpern", "halpern", "eg", "vr_eg", "eag", "vr_halpern_inexact"
  HalpernProblem problem = HalpernProblem::Plane;  // "plane" (2-D game), "ill_conditioned" (ℝ⁸, condition number κ),
                                                   // "dro_least_squares" (x ∈ ℝ², weights on the n-simplex),
                                                   // "wdro_logistic" (β ∈ ℝ², λ ≥ ‖β‖, label flips γ ∈ [−1, 1]ⁿ)
  double condition = 100.0;          // κ (ill_conditioned)
  double penalty = 1.0;              // λ, the χ² penalty (dro_least_squares)
  double radius = 0.1;               // ρ, the Wasserstein radius (wdro_logistic)
  double flip_cost = 1.0;            // κ, the transport cost of a label flip (wdro_logistic)
  long long components = 400;        // n (every problem but the paper's two)
  long long size = 32;               // n of the paper's matrix_game and quadratic_program (n × n matrices; the paper: 500, 200)
  HalpernSteps steps = HalpernSteps::Lab;  // "lab" or "script": the authors' scripts' constants (the paper's two problems only)
  HalpernOracle oracle = HalpernOracle::Dense;  // "dense" or "sparse": O(1) components on the DRO problems (halpern_sparse.hpp)
  double mu = 0.2;                   // μ (0: merely monotone)
  double coupling = 1.0;             // ā
  double spread = 1.0;               // s
  double epsilon = 0.03;             // target ‖F(z_k)‖ ≤ ε‖F(z₀)‖
  double passes = 300;               // budget: oracle calls = passes · n
  double start_x = -2.0, start_y = 2.0;
};

const std::vector<std::string>& halpern_method_ids();
// The name plots give method `id`: its id, and "vr_halpern_inexact (Algorithm 2)" for the paper's Algorithm 2, the name the
// About text and the Look-for line use (summary.json and curves.csv keep the ids).
std::string halpern_series_name(const std::string& id);
std::string residual_axis(HalpernProblem problem);  // "‖F(z_k)‖", or the natural residual's formula when constrained
FiniteSumGame game_of(const HalpernParams& p, uint64_t seed);  // prepared; seed: the data (DRO problems, matrix_game)
long long component_count(const HalpernParams& p);             // n: `size` for the paper's two problems, else `components`

// One run of every method from z₀, each to its budget (the live view steps it; the Experiment's
// cursor records it).
class HalpernRun {
 public:
  HalpernRun(const HalpernParams& p, uint64_t seed, uint32_t run);
  // One iteration of every method still within the budget; false once all are done. O(1) per method with a lazy iterate
  // (oracle = sparse on wdro_logistic): only the head of state(s).z is current until settle(s).
  bool step();
  // Iterates every method until it has used at least `calls` oracle calls (or its budget), then settles each.
  void advance_to(double calls);
  // Brings method s's lazily held iterate up to date (state(s).z and .point; O(n)); call before reading them whole.
  void settle(size_t s);
  size_t methods() const { return states_.size(); }
  const HalpernState& state(size_t s) const { return states_[s]; }
  bool done(size_t s) const { return states_[s].calls >= budget_; }
  double residual(size_t s) const;  // ‖F(z_k)‖ at state(s).point, as last settled (constrained: the natural residual)
  const FiniteSumGame& game() const { return game_; }
  double budget() const { return budget_; }

 private:
  FiniteSumGame game_;
  double budget_;
  std::vector<HalpernState> states_;
  std::vector<Rng> rngs_;  // (methods) each method's own stream
};

// What the figure draws of run 1: each method's iterates on the picture's plane (HalpernRun's order; at every iteration
// up to 300, then about 300 per factor of 10 in iterations, from the start) and the start residual the target guide scales.
struct HalpernFirstRun {
  std::vector<std::vector<double>> x, y;  // (methods)
  double start_residual = 0.0;            // residual(0) before any step
};

// Collects HalpernFirstRun while a HalpernRun steps: record() after every step() that returned true. The batch's run 1
// and the figure's own rerun (where the batch's is not at hand: FirstRunMemo) both use it, so they keep the same points.
class HalpernPathRecorder {
 public:
  HalpernPathRecorder(const HalpernRun& run, const Vec2& start);  // start: the plane coordinates of z₀, every path's first point
  void record(const HalpernRun& run);
  HalpernFirstRun& paths() { return paths_; }

 private:
  HalpernFirstRun paths_;
  std::vector<long long> steps_;  // (methods) the iteration last seen
};

class HalpernExperiment final : public ExperimentOf<HalpernParams, HalpernExperiment> {
 public:
  HalpernExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // log₁₀ of the residual over the view around z*, and z*.
  plot::Plot picture(const FiniteSumGame& g) const;
  // The bounds of the selected Halpern methods against oracle calls: halpern's ‖F(z_k)‖ ≤ 2 L_F ‖z₀ − z*‖/(k + 1)
  // (k = calls/n); vr_halpern_inexact's exact-resolvent ‖F(J z_{k−1})‖ ≤ 2‖z₀ − z*‖/(ηk) at the expected calls of k outer steps.
  std::vector<plot::Line> bound_lines(const FiniteSumGame& g, const VecZ& z0, double max_calls) const;
  // What calls_to_eps waits for, ‖F(z_k)‖ ≤ ε‖F(z₀)‖: a horizontal guide at ε times the start's residual.
  plot::Guide target_guide(double start_residual) const;
  // Run 1's paths for `seed`: those a batch's run 1 kept (kept_first_run), else from running run 1 again (kept in turn).
  std::shared_ptr<const HalpernFirstRun> first_run(uint64_t seed) const;
  // What run 1 of a batch of these parameters and this seed kept (the memo is shared with this experiment's clones); null if none.
  std::shared_ptr<const HalpernFirstRun> kept_first_run(uint64_t seed) const;
  void keep_first_run(uint64_t seed, std::shared_ptr<const HalpernFirstRun> paths) const;

 private:
  std::shared_ptr<FirstRunMemo<HalpernFirstRun>> first_run_ = std::make_shared<FirstRunMemo<HalpernFirstRun>>();
};

DemoInfo halpern_demo();

}  // namespace klab::optim
