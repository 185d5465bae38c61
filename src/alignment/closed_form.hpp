// Closed forms of KL-regularised alignment in the toy world (every demo draws them).
//
// KL-regularised optimum (Ziebart 2010; Rafailov et al. 2023, eq. 4):
//     π*_β = argmax_π E_π[r] - β KL(π‖π_ref)  =>  π*_β(y|x) = π_ref(y|x) exp(r(x,y)/β) / Z_β(x).
// Constrained alignment (Alignment of LLMs with Constrained Learning): maximise
// E_π[r] - β KL(π‖π_ref) subject to E_π[g] ≥ b. The Lagrangian L(π, λ) = E_π[r + λ g] - β KL - λ b
// is maximised by π_λ ∝ π_ref exp((r + λ g)/β); the dual function D(λ) = max_π L(π, λ) is convex
// with D'(λ) = b - E_{π_λ}[g], and E_{π_λ}[g] increases with λ (its derivative is Var_{π_λ}(g)/β),
// so the exact optimum is λ* = 0 if E_{π_0}[g] ≥ b, else the root of E_{π_λ}[g] = b (bisection).
#pragma once
#include "alignment/world.hpp"

namespace klab::alignment {

// ln π ∝ ln π_ref + r/β (rows normalised).
MatrixXd tilted_logp(const MatrixXd& ref_logp, const MatrixXd& reward, double beta);

// Summary of a policy in the world.
struct PolicyStats {
  double gold_reward;  // mean over x of E_π[r*]
  double kl_ref;       // mean over x of KL(π‖π_ref)
  double kl_opt;       // mean over x of KL(π‖π*_β)
};
PolicyStats policy_stats(const World& world, const MatrixXd& logp, const MatrixXd& opt_logp);

struct ConstrainedOptimum {
  double lambda;    // λ*
  MatrixXd logp;    // π_{λ*}
  double utility;   // mean over x of E_π[g]
  double reward;    // mean over x of E_π[r]
  bool feasible;    // E_{π_λ}[g] ≥ b reachable with λ ≤ lambda_max
};
ConstrainedOptimum constrained_optimum(const MatrixXd& ref_logp, const MatrixXd& reward, const MatrixXd& utility,
                                       double beta, double threshold, double lambda_max = 1e3);

}  // namespace klab::alignment
