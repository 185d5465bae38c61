// Value iteration (Bellman 1957; Puterman 1994, §6.3) and backward induction for finite horizons.
//
//   (T V)(s) = max_a [ r(s, a) + γ Σ_{s′} P(s′|s, a) V(s′) ],      V_{k+1} = T V_k
// T is a γ-contraction in ‖·‖∞, so after any iteration (Puterman, Thm 6.3.1 and Prop. 6.3.2)
//   ‖V_{k+1} − V*‖∞ ≤ γ/(1−γ) ‖V_{k+1} − V_k‖∞   and   ‖V* − V^{π_{k+1}}‖∞ ≤ 2γ/(1−γ) ‖V_{k+1} − V_k‖∞
// for the greedy policy π_{k+1} of V_{k+1} (the "Bellman residual bounds", tested at every step).
//
// Two implementations of one backup (STYLE habit 1): bellman_backup_reference() is the literal
// formula on the Mdp, through q_from_v (Σ_{s′} in storage order); bellman_sweep() is the fused
// raw-pointer loop the benchmark times and KLAB_HD code can run. The sweep sums each row in four
// interleaved partial sums (four independent additions per cycle instead of one chain), so it
// equals the reference to rounding: within 1e-14 relative (test "Bellman sweep equals the reference
// backup" in tests/unit/mdp_solvers_test.cpp), with the same greedy actions away from exact ties.
#pragma once
#include <Eigen/Dense>
#include <functional>
#include <vector>

#include "mdp/backup.hpp"
#include "mdp/evaluation.hpp"

namespace klab::mdp {

// T V, literally: Q = r + γ P V, then the maximum over each state's actions.
Eigen::VectorXd bellman_backup_reference(const Mdp& m, const Eigen::VectorXd& v);

// One sweep v_next = T v (Jacobi: reads only v), the first maximising action of each state into
// greedy (S) when non-null; returns ‖v_next − v‖∞. Equals bellman_backup_reference to rounding.
KLAB_INLINE double bellman_sweep(const MdpView& m, const double* v, double* v_next, int* greedy) {
  double change = 0.0;
  for (int s = 0; s < m.states; ++s) {
    const double best = bellman_state(m, v, s, greedy ? greedy + s : nullptr);
    v_next[s] = best;
    const double d = best > v[s] ? best - v[s] : v[s] - best;
    if (d > change) change = d;
  }
  return change;
}

// The first maximising action of each state (S) for action values q (SA).
std::vector<int> greedy_actions(const Mdp& m, const Eigen::VectorXd& q);
// ‖T V − V‖∞.
double bellman_residual(const Mdp& m, const Eigen::VectorXd& v);

// V_{k+1} = T V_k from V_0 = 0 until ‖V_{k+1} − V_k‖∞ ≤ tol or max_iter sweeps; `each` (optional)
// sees (k + 1, V_{k+1}, ‖V_{k+1} − V_k‖∞) after every sweep. Returns the last iterate.
Eigen::VectorXd value_iteration(const Mdp& m, double tol, int max_iter,
                                const std::function<void(int, const Eigen::VectorXd&, double)>& each = {});

// Finite horizon H = m.horizon, backward induction for `signal` (maximised):
//   Q*_h(s, a) = signal(s, a) + γ Σ P(s′|s, a) V*_{h+1}(s′),  V*_h(s) = max_a Q*_h(s, a),  V*_H = 0;
// greedy (H·S, optional) receives the first maximising action of each stage and state.
FiniteValues solve_finite(const Mdp& m, const std::vector<double>& signal, std::vector<int>* greedy = nullptr);

}  // namespace klab::mdp
