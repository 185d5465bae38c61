// The exact side of an episodic learning problem (episodic.hpp): the world with rewards rescaled
// to [0, 1], horizon H and discount γ; its optimal stage values Q*_h and V*_0(ρ) (backward
// induction, value_iteration.hpp); the stage-states reachable from ρ; and error measures of a
// learner's stage-indexed Q against a reference. Held behind a pointer: `task` points into `scaled`.
#pragma once
#include <vector>

#include "mdp/episodic.hpp"
#include "mdp/evaluation.hpp"

namespace klab::mdp {

struct EpisodicProblem {
  EpisodicProblem(const Mdp& world, int horizon, double gamma);
  EpisodicProblem(const EpisodicProblem&) = delete;
  EpisodicProblem& operator=(const EpisodicProblem&) = delete;

  Mdp scaled;                  // the world: r̃ = (r − min r)/(max r − min r), horizon H, discount γ
  EpisodicTask task;           // view of `scaled`
  FiniteValues optimum;        // V*_h ((H+1)·S), Q*_h (H·SA) for r̃
  std::vector<int> greedy;     // (H·S) an optimal action per stage and state
  double v_star = 0.0;         // V*_0(ρ)
  std::vector<char> reachable; // (H·S) 1 if s can be the state at stage h (from ρ, any policy)

  // max over reachable (h, s) and all a of |q − reference|, both (H·SA).
  double max_error(const double* q, const std::vector<double>& reference) const;
  // Σ_s ρ(s) Σ_a π_0(a|s) q_0(s, a): the start value a stage-indexed estimate q (H·SA) implies for π (H·SA).
  double start_estimate(const double* q, const Policy& pi) const;
  // The ε-greedy policy of stage values q (H·SA), ties sharing the greedy mass.
  Policy epsilon_greedy_policy(const std::vector<double>& q, double eps) const;
  // (1 − u)·π*_h + u·uniform (H·SA): a safe but mediocre baseline for u in (0, 1).
  Policy noisy_optimal_policy(double u) const;
  // ρᵀ V_0 of a (H·SA) policy, exactly.
  double value(const Policy& pi) const;
};

}  // namespace klab::mdp
