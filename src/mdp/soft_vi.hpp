// Soft (entropy-regularised) value iteration (Ziebart 2010; Haarnoja et al. 2017; Geist, Scherrer
// & Pietquin, "A theory of regularized MDPs", ICML 2019).
//
//   (T_τ V)(s) = τ log Σ_a exp(Q(s, a)/τ),   Q = r + γ P V,      π_τ(a|s) = exp((Q(s, a) − V(s))/τ)
// T_τ is a γ-contraction; its fixed point is the optimal value of r + τ·H(π(·|s)) (entropy bonus),
// and its softmax policy loses at most τ·ln A/(1 − γ) of the unregularised optimum. τ → 0 recovers
// value iteration. Computed with the log-sum-exp shift (max first) so large Q/τ never overflows.
#pragma once
#include <Eigen/Dense>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

Eigen::VectorXd soft_backup(const Mdp& m, const Eigen::VectorXd& v, double tau);
// π(a|s) ∝ exp(x(s, a)/τ) for any per-pair x (SA): Q for soft VI, logits with τ = 1 for policy gradient.
Policy softmax_policy(const Mdp& m, const Eigen::VectorXd& x, double tau);

}  // namespace klab::mdp
