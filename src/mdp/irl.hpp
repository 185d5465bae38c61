// Entropy-regularised inverse RL by maximum likelihood, finite horizon, linear rewards — the
// estimator of Schlaginhaufen & Kamgarpour, "Fast Rates for Inverse Reinforcement Learning"
// (arXiv:2605.14599, 2026). From the abstract: entropy-regularised Min-Max-IRL with a linear reward
// class r_θ = θᵀφ is equivalent to maximum likelihood (at the population level, and empirically
// under deterministic dynamics), and both the trajectory-level KL divergence and the squared
// parameter error in the Hessian norm decay as O(1/n) in the number n of expert trajectories,
// also under misspecification. The full text was not reachable; the recursion and estimator below
// are the standard maximum-entropy IRL ones (Ziebart et al., AAAI 2008; Ziebart, Bagnell & Dey,
// ICML 2010), which the abstract's equivalence names:
//
//   soft-optimal policy of reward r, horizon H (γ = 1, temperature 1), V_H = 0:
//     Q_h(s,a) = r(s,a) + Σ_{s′} P(s′|s,a) V_{h+1}(s′),   V_h(s) = log Σ_a exp Q_h(s,a),
//     π_h(a|s) = exp(Q_h(s,a) − V_h(s))
//   parameter derivatives (the feature expectations), F_H = 0:
//     G_h(s,a) = ∂Q_h/∂θ = φ(s,a) + Σ P(s′|s,a) F_{h+1}(s′),   F_h(s) = ∂V_h/∂θ = Σ_a π_h(a|s) G_h(s,a)
//   loss with weights w_h(s,a) (empirical: visit counts / n; population: the expert's occupancy μ*_h):
//     L_w(θ) = −Σ_h Σ_{s,a} w_h(s,a) log π_{θ,h}(a|s),   ∇L_w = −Σ_h Σ w_h(s,a) (G_h(s,a) − F_h(s))
//   (the transition terms of log P_θ(τ) do not depend on θ, so this is the trajectory NLL).
//   trajectory KL:  KL(P* ‖ P_θ) = Σ_h Σ_s d*_h(s) KL(π*_h(·|s) ‖ π_{θ,h}(·|s))   (d*_h: the expert's state law)
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "core/rng.hpp"
#include "mdp/evaluation.hpp"

namespace klab::mdp {

// A finite-horizon MDP with features φ (SA × d), the true reward r* (SA) that the expert is
// soft-optimal for, and the parameter θ* of its linear part.
struct IrlProblem {
  Mdp mdp;                    // transitions, ρ, horizon H, γ = 1 (rewards unused)
  int features = 0;           // d
  Eigen::MatrixXd phi;        // (SA, d)
  std::vector<double> true_reward;  // (SA) θ*ᵀφ + the misspecified part
  Eigen::VectorXd theta_star; // (d)
  // For drawing: the feature group of each state's own cell (−1: none) and its misspecified part
  // (the reward for being in the cell that no θ expresses).
  std::vector<int> state_group;      // (S)
  std::vector<double> state_extra;   // (S)
};

// π_h (H·SA) soft-optimal for `reward` (SA) on m's horizon; with `phi`, also G_h (H·SA × d, stacked
// like π) in *g and F_h in *f ((H+1)·S × d).
std::vector<double> soft_optimal_policy(const Mdp& m, const std::vector<double>& reward, const Eigen::MatrixXd* phi = nullptr,
                                        Eigen::MatrixXd* g = nullptr);

// L_w(θ) and, if `grad`, its gradient (w: H·SA).
double irl_loss(const IrlProblem& p, const std::vector<double>& w, const Eigen::VectorXd& theta, Eigen::VectorXd* grad);
// ∇²L_w(θ) by central differences of the analytic gradient (step 1e-5 per coordinate), symmetrised.
Eigen::MatrixXd irl_hessian(const IrlProblem& p, const std::vector<double>& w, const Eigen::VectorXd& theta);
// argmin of L_w over the box ‖θ‖_∞ ≤ bound (a bounded linear reward class: with few trajectories the
// unconstrained MLE may not exist, e.g. when the expert never entered a region it could have),
// by projected Newton steps with Armijo backtracking (gradient steps where the Hessian is not
// positive definite), from `start`, until the decrease is below 1e-20 or 100 iterations.
Eigen::VectorXd fit_irl_mle(const IrlProblem& p, const std::vector<double>& w, Eigen::VectorXd start, double bound);

// The same fit one projected Newton iteration at a time (fit_irl_mle runs it, mdp.irl's runs and live
// view step it): iterate() makes one iteration and returns false once no step decreases the loss (θ
// then stays); callers stop after kIrlNewtonIterations successful iterations, as fit_irl_mle does.
constexpr int kIrlNewtonIterations = 100;
class IrlNewtonFit {
 public:
  // p and w must outlive the fit.
  IrlNewtonFit(const IrlProblem& p, const std::vector<double>& w, Eigen::VectorXd start, double bound);
  bool iterate();
  const Eigen::VectorXd& theta() const { return theta_; }

 private:
  Eigen::VectorXd clip(const Eigen::VectorXd& t) const;

  const IrlProblem& p_;
  const std::vector<double>& w_;
  double bound_;
  Eigen::VectorXd theta_, grad_;
  double loss_ = 0.0;
};

// KL(P_a ‖ P_b) of two non-stationary policies (H·SA) on m from ρ.
double trajectory_kl(const Mdp& m, const std::vector<double>& pa, const std::vector<double>& pb);

// n expert trajectories of `expert` (H·SA): visit counts per stage and pair (H·SA), accumulated into
// `counts` — trajectory i uses Rng(seed, run, stream, i·2³²) (common random numbers across n).
void sample_trajectories(const Mdp& m, const std::vector<double>& expert, uint64_t seed, uint32_t run, uint32_t stream, int first, int last,
                         std::vector<double>& counts);
// Behaviour cloning: π̂_h(a|s) = (N_h(s,a) + 1)/(N_h(s) + A) (add-one smoothing; uniform where unvisited).
std::vector<double> behaviour_cloning(const Mdp& m, const std::vector<double>& counts);

}  // namespace klab::mdp
