// alignment.constrained: maximise the gold reward under a safety constraint,
//     max_π E_π[r*] - β KL(π‖π_ref)   subject to   E_π[g] ≥ b,
// with a safety utility g(x, y) = (ρ ŵ + √(1-ρ²) u)ᵀφ(x, y) negatively correlated (ρ < 0) with r*.
// Lagrangian L(π, λ) = E_π[r* + λ g] - β KL(π‖π_ref) - λ b; exact optimum by dual bisection
// (alignment/closed_form.hpp). Methods:
//   dual          "Alignment of Large Language Models with Constrained Learning" (2025): alternate
//                 π_t = argmax_π L(π, λ_t) (tabular: the closed form π_{λ_t}; log-linear: `inner_steps`
//                 gradient steps from the previous π) with the dual (sub)gradient step
//                 λ_{t+1} = [λ_t - η_λ (E_{π_t}[g] - b)]₊. A "reading of the abstract" (alternating Lagrangian
//                 maximisation and dual descent) on the KL-regularised Lagrangian; step sizes are ours.
//   primal_dual   simultaneous gradient steps: one ascent step on L in θ, one descent step in λ
//                 (Safe-RLHF-style Lagrangian RLHF).
//   fixed_lambda  gradient ascent on L(π, λ_fixed): a fixed weighted sum of reward and utility.
//   hc_rlhf       RLHF with High-Confidence Safety Constraints (Chittepu et al. 2025). Each run is a trial
//                 with noisy utility labels g + N(0, σ²) of responses sampled from the policy:
//                 (1) candidate: π_λ with the smallest λ whose pessimistic estimate from n_c samples
//                     mean - k·sd ≥ b,  k = c1·t_{1-δ,n_c-1}/√n_c + c2·t_{1-δ,n_s-1}/√n_s
//                     (the inflated bound of the authors' code);
//                 (2) safety test on n_s fresh samples: mean - t_{1-δ,n_s-1}·sd/√n_s ≥ b, else "no
//                     solution found". Guarantee: P(return an unsafe policy) ≤ δ.
//   plug_in       the same samples without pessimism or test: λ where the sample mean equals b.
// Metrics: reward, constraint slack E_π[g] - b, λ, λ's oscillation amplitude (standard deviation over
// the last half of the iterations), reward gap to the exact optimum, and for the trials: the returned
// policy violates the constraint (1/0), no solution found (1/0).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "alignment/closed_form.hpp"
#include "alignment/optimizer.hpp"
#include "alignment/policy.hpp"
#include "core/experiment.hpp"
#include "core/registry.hpp"

namespace klab::alignment {

enum class ConstrainedMethod { Dual, PrimalDual, FixedLambda, HcRlhf, PlugIn };

struct ConstrainedParams : WorldParams {
  std::vector<std::string> methods;
  PolicyClass policy = PolicyClass::Tabular;
  bool vary_world = true;
  double utility_correlation = -0.6;
  double threshold = 0.5;
  double beta = 0.5;
  long long iterations = 200;
  long long inner_steps = 20;
  double lr = 1.0;
  double dual_lr = 0.5;
  double fixed_lambda = 1.0;
  long long candidate_samples = 200;
  long long safety_samples = 100;
  double delta = 0.1;
  double noise = 1.0;
  double c1 = 1.0, c2 = 1.0;
};

// The constrained problem of one run: world, utility table and threshold b.
struct ConstrainedProblem {
  World world;
  MatrixXd utility;  // g, P × K
  double threshold;  // b
  ConstrainedOptimum optimum;
};
ConstrainedProblem make_constrained_problem(const ConstrainedParams& p, uint64_t seed, uint32_t run);

// ∂L/∂z for L(π, λ) = mean_x E_π[r + λg] - β KL(π‖π_ref) (the Lagrangian without the constant -λb).
MatrixXd lagrangian_logits_grad(const MatrixXd& logp, const MatrixXd& ref_logp, const MatrixXd& reward,
                                const MatrixXd& utility, double lambda, double beta);
double lagrangian(const MatrixXd& logp, const MatrixXd& ref_logp, const MatrixXd& reward, const MatrixXd& utility,
                  double lambda, double beta);

class ConstrainedTrainer {
 public:
  ConstrainedTrainer(const ConstrainedParams& p, uint64_t seed, uint32_t run);
  void step();
  long long steps_done() const { return t_; }
  const ConstrainedProblem& problem() const { return problem_; }
  size_t size() const { return runs_.size(); }
  ConstrainedMethod method(size_t i) const { return runs_[i].method; }
  const MatrixXd& logp(size_t i) const { return runs_[i].logp; }
  double lambda(size_t i) const { return runs_[i].lambda; }
  const std::vector<double>& lambda_history(size_t i) const { return runs_[i].lambdas; }
  // {reward, slack E[g] - b, λ}
  std::array<double, 3> state(size_t i) const;
  // λ's standard deviation over the last half of the iterations so far.
  double lambda_amplitude(size_t i) const;
  // Whether the returned policy violates the constraint (true E_π[g] < b); no solution found (HC-RLHF).
  bool violated(size_t i) const;
  bool no_solution(size_t i) const { return runs_[i].no_solution; }

 private:
  struct MethodRun {
    ConstrainedMethod method;
    VectorXd params;
    MatrixXd logp;
    double lambda = 0.0;
    std::vector<double> lambdas;
    bool violated = false, no_solution = false;
  };
  void run_trial(MethodRun& m, uint64_t seed, uint32_t run);
  void ascend(MethodRun& m, double lambda, long long steps);

  ConstrainedParams p_;
  ConstrainedProblem problem_;
  PolicySpace space_;
  std::vector<MethodRun> runs_;
  long long t_ = 0;
};

class ConstrainedExperiment final : public ExperimentOf<ConstrainedParams, ConstrainedExperiment> {
 public:
  ConstrainedExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo constrained_demo();

}  // namespace klab::alignment
