// General (possibly intransitive) preferences and their KL-regularised Nash equilibrium.
//
// For each prompt, A(a, b) = P(a ≻ b) with A + Aᵀ = 1. The preference game (Munos et al. 2024;
// Swamy et al. 2024 for τ = 0) is the symmetric zero-sum game with payoff
//     J(π, π') = P(π ≻ π') - τ KL(π‖π_ref) + τ KL(π'‖π_ref),   P(π ≻ π') = πᵀAπ'.
// Its value is ½; its unique symmetric equilibrium π_N (the minimax winner when τ = 0) satisfies
//     π_N ∝ π_ref·exp(Aπ_N/τ)   (τ > 0),      (Aπ_N)_y ≤ ½ for every y   (τ = 0).
// Duality gap of π (zero exactly at π_N):
//     gap(π) = max_{π'} J(π', π) - min_{π'} J(π, π') = 2[M(π) + τ KL(π‖π_ref)] - 1,
//     M(π) = max_{π'} π'ᵀAπ - τ KL(π'‖π_ref) = τ ln Σ_y π_ref(y) exp((Aπ)_y/τ)   (τ > 0; max_y (Aπ)_y if τ = 0).
#pragma once
#include "alignment/world.hpp"

namespace klab::alignment {

// A(a, b) = σ(r*(x, a) - r*(x, b) + c·sin(2π(a - b)/K)): Bradley–Terry on the gold reward plus a cyclic
// (rock–paper–scissors) component of strength c; c = 0 is transitive.
MatrixXd preference_matrix(const World& world, int x, double cycle);

double duality_gap(const MatrixXd& A, const VectorXd& ref_logp, double tau, const VectorXd& pi);

// The exact equilibrium: support enumeration for τ = 0 (K ≤ 10), mirror-prox then Newton on
// π = softmax(ln π_ref + Aπ/τ) for τ > 0. `gap` (optional) receives duality_gap of the result.
VectorXd regularized_nash(const MatrixXd& A, const VectorXd& ref_logp, double tau, double* gap = nullptr);

}  // namespace klab::alignment
