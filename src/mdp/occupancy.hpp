// Occupancy measures (Puterman 1994, §6.9; Altman, "Constrained Markov Decision Processes", 1999).
//
// Discounted, unnormalised: μ^π(s, a) = Σ_t γ^t Pr(s_t = s, a_t = a | s₀ ~ ρ, π), i.e.
//   d^π = (I − γ P^πᵀ)⁻¹ ρ   (S),   μ^π(s, a) = d^π(s) π(a|s)   (SA)
// It satisfies the flow constraints   Σ_a μ(s′, a) = ρ(s′) + γ Σ_{s,a} P(s′|s, a) μ(s, a),
// totals Σ μ = 1/(1 − γ), and ρᵀV^π = Σ_{s,a} μ^π(s, a) r(s, a) (the LP of lp.hpp rests on these).
// Conversely a feasible μ ≥ 0 defines π(a|s) = μ(s, a)/Σ_b μ(s, b) with μ^π = μ.
// Finite horizon: μ_h(s, a) = Pr(s_h = s, a_h = a), and V_0(ρ) = Σ_h γ^h Σ μ_h r.
#pragma once
#include <Eigen/Dense>
#include <vector>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

// μ^π (SA) of a discounted problem.
Eigen::VectorXd occupancy(const Mdp& m, const Policy& pi);
// (1 − γ) d^π (S): the normalised discounted state distribution d^π_ρ.
Eigen::VectorXd state_distribution(const Mdp& m, const Policy& pi);
// μ_h (H·SA) of a finite-horizon policy (H·SA, or SA used at every stage).
std::vector<double> occupancy_finite(const Mdp& m, const Policy& pi);
// π(a|s) = μ(s, a)/Σ_b μ(s, b); uniform in states μ never visits.
Policy policy_from_occupancy(const Mdp& m, const Eigen::VectorXd& mu);
// max over states of |Σ_a μ(s′, a) − ρ(s′) − γ Σ P(s′|s, a) μ(s, a)|.
double flow_violation(const Mdp& m, const Eigen::VectorXd& mu);

}  // namespace klab::mdp
