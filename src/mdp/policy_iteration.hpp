// Policy iteration (Howard 1960; Puterman 1994, §6.4) and the exact optimum every demo compares to.
//
//   evaluate:  V^{π_k} = (I − γ P^{π_k})⁻¹ r^{π_k}            (evaluation.hpp)
//   improve:   π_{k+1}(s) = argmax_a Q^{π_k}(s, a), keeping π_k(s) among ties
// Each improvement is monotone (V^{π_{k+1}} ≥ V^{π_k}); with ties kept the sequence stops at an
// optimal policy after finitely many steps (at most A^S, in practice a handful).
#pragma once
#include <Eigen/Dense>
#include <functional>
#include <vector>

#include "mdp/evaluation.hpp"

namespace klab::mdp {

// Greedy improvement of `current` (S actions) for Q (SA): a state changes action only when another
// action is better by more than 1e-12·(1 + |Q|) (so rounding never makes the iteration cycle).
std::vector<int> improve(const Mdp& m, const Eigen::VectorXd& q, const std::vector<int>& current);

// Runs policy iteration from `actions` (S) for at most max_iter improvements; `each` (optional)
// sees (k, π_k's actions, V^{π_k}) after the k-th evaluation (k = 0 is the initial policy).
// Returns the final actions.
std::vector<int> policy_iteration(const Mdp& m, std::vector<int> actions, int max_iter,
                                  const std::function<void(int, const std::vector<int>&, const Eigen::VectorXd&)>& each = {});

// The optimum of a discounted problem: V* (S), Q* (SA) and a deterministic optimal policy, by
// policy iteration from the greedy policy of r (exact to the linear solver's precision).
struct Optimum {
  Eigen::VectorXd v, q;
  std::vector<int> actions;
};
Optimum solve_optimal(const Mdp& m);

}  // namespace klab::mdp
