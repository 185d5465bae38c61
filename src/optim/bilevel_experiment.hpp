// optim.bilevel: the penalty method against AID and ITD hypergradients on two bilevel toys: Liu et al.'s, whose lower
// level has a line of solutions (ρ = 0) or a unique one (ρ > 0), and a tilted double well whose two separated
// minimisers swap roles at x = 0 (φ jumps there): the penalty function ψ_σ next to the
// hyper-objective φ with a σ slider, and gradient descent on x with each hypergradient. Algorithms and
// equations: bilevel.hpp. Paper: Kwon, Kwon, Wright, Nowak, ICLR 2024.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "optim/bilevel.hpp"

namespace klab::optim {

struct BilevelParams {
  std::vector<std::string> methods;  // "penalty", "penalty_single", "aid", "itd"
  BilevelProblem problem = BilevelProblem::Liu;  // "liu", "double_well" (bilevel.hpp)
  double rho = 0.0;                  // ρ (`liu` only)
  double sigma = 0.1;                // σ
  double start = -2.0;               // x₀
  double jitter = 0.5;               // runs start uniformly in [x₀ − jitter, x₀ + jitter]
  double y2_init = 2.0;              // y₂⁰: the lower level's (and the penalty's inner) start in y₂
  double lr = 0.2;                   // outer step β
  int steps = 200;                   // outer steps
  int inner_steps = 50;              // K: lower-level (and penalty inner) gradient steps per outer step
  double inner_lr = 0.5;             // α: AID / ITD lower-level step, in units of 1/L_g (L_g = max(1, ρ))
  double noise = 0.0;                // s: std of the Gaussian noise on every oracle coordinate (0: exact oracles)
  int batch = 1;                     // M: samples averaged per oracle call
};

const std::vector<std::string>& bilevel_method_ids();
BilevelToy bilevel_toy(const BilevelParams& p);  // the toy the parameters pick (problem, ρ, the bound |y₂⁰|)

// One run: every method's outer iterate x_k, step by step.
class BilevelRun {
 public:
  BilevelRun(const BilevelParams& p, uint64_t seed, uint32_t run);
  void step();
  int steps_done() const { return k_; }
  size_t methods() const { return x_.size(); }
  double x(size_t s) const { return x_[s]; }
  double start() const { return start_; }
  const BilevelToy& toy() const { return toy_; }
  // |h − ∇φ| of the hypergradient h the last step used (at x_{k−1}), and the penalty method's ψ_σ
  // there (NaN for AID and ITD).
  double last_error(size_t s) const { return error_[s]; }
  double last_penalty(size_t s) const { return value_[s]; }
  double calls(size_t s) const { return oracle_[s].calls(); }  // oracle calls so far (bilevel.hpp)
  double calls_per_step(size_t s) const;

 private:
  enum class Kind { Penalty, PenaltySingle, Aid, Itd };  // in bilevel_method_ids() order
  BilevelToy toy_;
  double sigma_, lr_, start_;
  int inner_steps_;
  LowerLevel lower_;
  std::vector<Kind> kinds_;
  std::vector<double> x_, value_, error_;
  std::vector<PenaltyState> penalty_;
  std::vector<NoisyOracle> oracle_;
  int k_ = 0;
};

class BilevelExperiment final : public ExperimentOf<BilevelParams, BilevelExperiment> {
 public:
  BilevelExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
  // φ and ψ_σ over x ∈ [−3, 3] (ψ_σ at the global inner minimisers: closed form or global 1-D search; the method
  // computes it by warm-started inner gradient descent, tested equal where that finds the global minimisers).
  plot::Plot landscape() const;
};

DemoInfo bilevel_demo();

}  // namespace klab::optim
