// mdp.irl: maximum-likelihood (entropy-regularised) IRL from n expert trajectories in a
// finite-horizon gridworld with linear reward features (irl.hpp), after Schlaginhaufen & Kamgarpour,
// "Fast Rates for Inverse Reinforcement Learning" (2026): the trajectory-level KL between the
// expert's and the fitted model's trajectory laws, and the parameter error in the Hessian norm,
// against n on log-log axes, with the O(1/n) rate and an O(1/√n) reference drawn; behaviour
// cloning as the baseline; a misspecification knob adds a reward the features cannot express.
#pragma once
#include <string>
#include <vector>

#include "core/experiment.hpp"
#include "core/registry.hpp"
#include "mdp/irl.hpp"

namespace klab::mdp {

struct IrlParams {
  std::vector<std::string> methods;
  int size = 5, horizon = 10, features = 4;
  double slip = 0.0, theta_scale = 0.5, misspecification = 0.0, theta_bound = 5.0;
  long long world_seed = 2;
  int n_min = 20, n_max = 2000, points = 10;
};

const std::vector<std::string>& irl_method_ids();  // mle, bc

// The gridworld IRL problem of these parameters: an open size × size grid (start bottom-left,
// moves with slip), horizon H; the cells shuffled by world_seed and dealt round-robin into
// features + 1 groups, φ_j(s, a) = 1[s in group j] for j < d (the last group has no feature, so no
// feature combination is constant); θ*_j = theta_scale·N(0, 1); r*(s, a) = θ*ᵀφ(s, a) +
// misspecification·ψ(s) with ψ(s) ~ N(0, 1) per cell (not in the span of φ).
Expected<IrlProblem> irl_problem(const IrlParams& p);

class IrlExperiment final : public ExperimentOf<IrlParams, IrlExperiment> {
 public:
  IrlExperiment();
  RunLayout layout() const override;
  std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const override;
  plot::Figure figure(const BatchResult& result) const override;
};

DemoInfo irl_demo();

}  // namespace klab::mdp
