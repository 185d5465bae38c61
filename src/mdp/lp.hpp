// The linear programs of a discounted MDP over occupancy measures (Manne 1960; d'Epenoux 1963;
// Altman, "Constrained Markov Decision Processes", 1999, ch. 3), solved with simplex.hpp:
//
//   maximise   Σ_{s,a} μ(s, a) r(s, a)
//   subject to Σ_a μ(s′, a) − γ Σ_{s,a} P(s′|s, a) μ(s, a) = ρ(s′)   for every s′   (flow, occupancy.hpp)
//              Σ_{s,a} μ(s, a) c(s, a) ≤ b                                  (only for a CMDP)
//              μ ≥ 0.
// Without the cost row the optimum is ρᵀV* and the duals of the flow rows are V* (the dual LP is
// min ρᵀV s.t. V(s) ≥ r(s, a) + γ Σ P V — unique where ρ > 0 or the state is reachable).
// With it, the dual of the cost row is the optimal Lagrange multiplier λ* ≥ 0, and the optimal
// policy π(a|s) = μ(s, a)/Σ_b μ(s, b) may randomise: a basic optimum has at most S + 1 positive
// entries, so at most one state randomises (between two actions) when the budget binds.
#pragma once
#include <Eigen/Dense>

#include "mdp/evaluation.hpp"
#include "mdp/simplex.hpp"

namespace klab::mdp {

struct OccupancySolution {
  LpStatus status = LpStatus::Infeasible;
  Eigen::VectorXd mu;        // (SA) optimal occupancy
  Policy policy;             // (SA) π from μ
  Eigen::VectorXd v;         // (S) duals of the flow rows
  double reward = 0.0;       // Σ μ r = ρᵀV^π
  double cost = 0.0;         // Σ μ c = ρᵀV_c^π
  double lambda = 0.0;       // dual of the cost row (0 without one)
  int randomised_states = 0; // visited states where π puts mass > 1e-9 on two or more actions
  int pivots = 0;
};

// The unconstrained LP (budget null) or the CMDP LP with Σ μ c ≤ *budget.
OccupancySolution solve_occupancy_lp(const Mdp& m, const double* budget);

}  // namespace klab::mdp
