// Exact policy evaluation, for discounted and finite-horizon problems (Puterman 1994, §6.1, §4.2).
//
// A stochastic stationary policy is a vector π (SA) of action probabilities per pair; a
// finite-horizon (non-stationary) policy stacks H of them, stage h at offset h·SA. Values are
// V (S) and Q (SA); finite-horizon values stack stages the same way, V_H = 0.
//
//   r^π(s) = Σ_a π(a|s) r(s, a),    P^π(s, s′) = Σ_a π(a|s) P(s′ | s, a)
//   discounted:      V^π = (I − γ P^π)⁻¹ r^π      (Resolvent below; the reference is the iteration)
//   finite horizon:  V_h = r^{π_h} + γ P^{π_h} V_{h+1},  V_H = 0
//   Q^π(s, a) = r(s, a) + γ Σ_{s′} P(s′ | s, a) V^π(s′)
// `signal` is any per-pair quantity evaluated like a reward: r for values, c for cost values.
#pragma once
#include <Eigen/Dense>
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <vector>

#include "mdp/mdp.hpp"

namespace klab::mdp {

using Policy = std::vector<double>;  // (SA) π(a|s) per pair, each state's entries sum to 1; finite horizon: (H·SA)

Policy uniform_policy(const Mdp& m);
// One-hot policy from an action index per state (S).
Policy deterministic_policy(const Mdp& m, const std::vector<int>& actions);
// (1 − w)·a + w·b, pair by pair.
Policy mix_policies(const Policy& a, const Policy& b, double w);

// P^π as a sparse S × S matrix (row-major) and r^π (S), from the stage of `pi` at `offset` pairs.
Eigen::SparseMatrix<double, Eigen::RowMajor> induced_transitions(const Mdp& m, const Policy& pi, size_t offset = 0);
Eigen::VectorXd induced_signal(const Mdp& m, const Policy& pi, const std::vector<double>& signal, size_t offset = 0);

// Solves (I − γ M) x = b for a (sub)stochastic S × S matrix M (or its transpose): a dense LU with
// partial pivoting up to kDirectSolveStates states, above that BiCGSTAB with a diagonal
// preconditioner to a relative residual of 1e-14 (I − γM is a nonsingular M-matrix, well
// conditioned for γ not too close to 1), finished by fixed-point sweeps x ← b + γMx if BiCGSTAB
// stops short (those converge at rate γ from any start).
constexpr int kDirectSolveStates = 600;
class Resolvent {
 public:
  Resolvent(const Eigen::SparseMatrix<double, Eigen::RowMajor>& m, double gamma, bool transpose = false);
  Resolvent(const Resolvent&) = delete;  // the iterative solver refers to a_
  Resolvent& operator=(const Resolvent&) = delete;
  Eigen::VectorXd solve(const Eigen::VectorXd& b) const;

 private:
  Eigen::SparseMatrix<double> m_;  // (S, S) M or Mᵀ
  Eigen::SparseMatrix<double> a_;  // (S, S) I − γ m_ (iterative path)
  double gamma_;
  bool direct_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
  Eigen::BiCGSTAB<Eigen::SparseMatrix<double>, Eigen::DiagonalPreconditioner<double>> bicg_;
};

// V^π of a discounted problem: (I − γ P^π) V = r^π solved by Resolvent.
Eigen::VectorXd evaluate(const Mdp& m, const Policy& pi, const std::vector<double>& signal);
// The same fixed point by iterating V ← r^π + γ P^π V from 0 until the change is below `tol`
// (the reference the linear solve is tested against).
Eigen::VectorXd evaluate_iterative(const Mdp& m, const Policy& pi, const std::vector<double>& signal, double tol);
// Q(s, a) = signal(s, a) + γ Σ P(s′|s, a) V(s′)  (SA).
Eigen::VectorXd q_from_v(const Mdp& m, const Eigen::VectorXd& v, const std::vector<double>& signal);
// ρᵀV.
double start_value(const Mdp& m, const Eigen::VectorXd& v);

// Finite horizon H = m.horizon: the stacked values V ((H+1)·S, V_H = 0) and Q (H·SA) of a
// non-stationary policy (H·SA), or of a stationary one (SA) used at every stage.
struct FiniteValues {
  std::vector<double> v;  // ((H+1)·S)
  std::vector<double> q;  // (H·SA)
};
FiniteValues evaluate_finite(const Mdp& m, const Policy& pi, const std::vector<double>& signal);

}  // namespace klab::mdp
