// mdp.irl on a painted grid (the `grid` parameter: the gridworld editor's klab.gridworld text,
// world_editor_panel.hpp). The painted world's own reward defines the features. Entering cell X pays
//   v(X) = step_reward + goal_reward·[X = G] + cliff_reward·[X = C] + X's extra reward
//          − hazard_cost·[X = H] − X's extra cost                 (gridworld.hpp; walls are never entered)
// (reward minus cost: a hazard is a penalty to a learner that sees one reward — our reading). The
// distinct non-zero values v_1 < … < v_d are the feature groups; the cells with v = 0 are the group
// without a feature (so, as in the default world, no combination of features is constant):
//   φ_j(s, a) = P(X ∈ group j | s, a),   θ*_j = v_j,   θ*ᵀφ(s, a) = E[v(X) | s, a] = r(s, a) − c(s, a)
// of the painted MDP (to rounding; its absorbing goal pays 0 and has φ = 0), so the expert, soft-optimal
// for θ*ᵀφ, is the soft-optimal policy of the painted world (test: mdp_irl_test.cpp).
#pragma once
#include <vector>

#include "core/status.hpp"
#include "mdp/gridworld.hpp"
#include "mdp/irl.hpp"

namespace klab::mdp {

constexpr int kMaxIrlGridStates = 100;  // open cells of a painted grid: the default world's largest (10 × 10)
constexpr int kMaxIrlGridFeatures = 8;  // distinct non-zero cell values: the `features` parameter's largest d

// v(X) of every cell (rows·cols, row-major; 0 on walls).
std::vector<double> cell_entry_values(const GridSpec& g);

// The IRL problem of painted grid `g` (its slip, wind, horizon and γ = 1 set by the caller): features,
// θ* and r* = θ*ᵀφ as above, state_group filled, state_extra 0. Refused, with the reason: more than
// kMaxIrlGridStates open cells, no non-zero value or more than kMaxIrlGridFeatures of them, no open
// cell of value 0, a value beyond the parameter bound B (θ* must lie in the class ‖θ‖_∞ ≤ B).
// Messages start with "parameter 'grid': ".
Expected<IrlProblem> irl_grid_problem(const GridSpec& g, double theta_bound, GridLayout* layout);

}  // namespace klab::mdp
