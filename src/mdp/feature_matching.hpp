// Apprenticeship learning by feature matching — the projection algorithm of Abbeel & Ng,
// "Apprenticeship Learning via Inverse Reinforcement Learning" (ICML 2004, §3.1), on a finite-horizon
// MDP with features φ (SA × d): mdp.irl's baseline. With μ(π) = E_π[Σ_h γ^h φ(s_h, a_h)] the feature
// expectations (γ = 1 in mdp.irl: the finite horizon takes the place of the paper's discounting) and
// μ_E the expert's (estimated from its n trajectories):
//
//   π^(0) arbitrary (here: always the first action), μ̄^(0) = μ(π^(0));  for i = 1, 2, ...:
//     w^(i) = μ_E − μ̄^(i−1),  t^(i) = ‖w^(i)‖₂  (stop when t^(i) ≤ ε),
//     π^(i) = the optimal deterministic policy of the reward w^(i)ᵀφ (backward induction),
//     μ̄^(i) = μ̄^(i−1) + c (μ(π^(i)) − μ̄^(i−1)),  c = (μ(π^(i)) − μ̄^(i−1))ᵀ w^(i) / ‖μ(π^(i)) − μ̄^(i−1)‖²,
//   the orthogonal projection of μ_E onto the line through μ̄^(i−1) and μ(π^(i)).
// Readings: c is clipped to [0, 1] (the projection onto the segment), so μ̄^(i) stays a convex
// combination Σ_j λ_j μ(π^(j)) whose weights we track; the output is that mixture (draw j ~ λ once,
// then follow π^(j)), whose feature expectations are exactly μ̄ — in place of the paper's quadratic
// programme over the iterates (which can only get closer to μ_E). ‖μ_E − μ̄^(i)‖ never increases (the
// segment holds μ̄^(i−1)); the paper's theorem bounds the iterations to reach ε by
// O(k/((1 − γ)² ε²) · log(k/((1 − γ) ε))) for k features.
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

// μ = Σ_h γ^h Σ_{s,a} occupancy_h(s, a) φ(s, a)  (occupancy: H·SA, as occupancy_finite returns).
Eigen::VectorXd feature_expectations(const Mdp& m, const Eigen::MatrixXd& phi, const std::vector<double>& occupancy);

// The projection has stalled when an iteration lowers the margin t = ‖μ_E − μ̄‖₂ by at most
// kProjectionStall·t. Out of reach (μ_E outside the achievable set) μ̄ crawls towards the nearest
// achievable point, its steps shrinking like 1/i while t barely moves (a relative 3·10⁻⁷ an iteration
// after 2,000; test "feature matching: out of reach"); within reach every iteration of mdp.irl's
// default and slip = 0.2 runs lowered t by at least 1.3·10⁻³ of itself (src/mdp/README.md).
constexpr double kProjectionStall = 1e-4;

class ProjectionFeatureMatching {
 public:
  // m: finite horizon (m.horizon ≥ 1); m, phi must outlive the object.
  ProjectionFeatureMatching(const Mdp& m, const Eigen::MatrixXd& phi, Eigen::VectorXd mu_expert);
  // One iteration i (does nothing once ‖μ_E − μ̄‖ is 0 or the projection has stalled).
  void iterate();
  int iterations() const { return static_cast<int>(weights_.size()) - 1; }
  // Whether the last iteration lowered ‖μ_E − μ̄‖ by at most kProjectionStall of it: further
  // iterations are wasted (μ_E is out of reach and μ̄ is near its nearest achievable point).
  bool stalled() const { return stalled_; }
  double distance() const { return (mu_expert_ - mu_bar_).norm(); }  // ‖μ_E − μ̄^(i)‖
  const Eigen::VectorXd& mu_bar() const { return mu_bar_; }
  const std::vector<double>& weights() const { return weights_; }   // λ_j of π^(j), j = 0..i
  const std::vector<double>& occupancy() const { return occupancy_; }  // the mixture's Σ_j λ_j μ_h^{π^(j)} (H·SA)

 private:
  void add(const std::vector<double>& occupancy, double c);

  const Mdp& m_;
  const Eigen::MatrixXd& phi_;
  Eigen::VectorXd mu_expert_, mu_bar_;
  std::vector<double> weights_, occupancy_;
  bool stalled_ = false;
};

}  // namespace klab::mdp
