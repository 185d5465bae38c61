// A dense two-phase simplex method for small linear programs (Dantzig 1947; the tableau form of
// Chvátal, "Linear Programming", 1983, ch. 2–8):
//
//   maximise cᵀx   subject to   a_i x (≤ | = | ≥) b_i  (i = 1..m),   x ≥ 0.
//
// Phase 1 minimises the sum of artificial variables (infeasible when it stays above a tolerance);
// phase 2 maximises cᵀx from the feasible basis. Entering column: the largest reduced cost
// (Dantzig's rule), switching to Bland's smallest-index rule after a run of degenerate pivots, and
// leaving row by the minimum ratio with ties to the smallest basic index — Bland's rule cannot
// cycle (Bland 1977), so degenerate programs (Beale's cycling example is a test) terminate.
// At the optimum the basis is re-solved with a dense LU (x_B = B⁻¹b, yᵀ = c_Bᵀ B⁻¹), so the primal
// solution and the duals y (one per constraint, the shadow prices ∂ optimum/∂b_i) carry the
// precision of one factorisation rather than of the pivot sequence.
//
// Why our own solver: the LPs here are small (occupancy LPs of tabular MDPs, at most a few
// thousand variables) and must run identically in the wasm build. Debian's LP libraries (GLPK,
// lp_solve, CLP/COIN-OR, HiGHS) are native shared libraries with no Emscripten build in the
// archive; compiling one from its Debian source package for wasm would add far more code than this
// file for problems this size.
#pragma once
#include <Eigen/Dense>
#include <vector>

namespace klab::mdp {

enum class Relation { LessEqual, Equal, GreaterEqual };
enum class LpStatus { Optimal, Infeasible, Unbounded, TooLarge, PivotLimit };
const char* lp_status_name(LpStatus s);

struct LinearProgram {
  Eigen::VectorXd objective;       // c (n), maximised
  Eigen::MatrixXd a;               // (m, n)
  std::vector<Relation> relation;  // (m)
  Eigen::VectorXd b;               // (m)
};

struct LpSolution {
  LpStatus status = LpStatus::Infeasible;
  Eigen::VectorXd x;      // (n) at the optimum
  Eigen::VectorXd duals;  // (m) y_i ≥ 0 for ≤ rows, ≤ 0 for ≥ rows, free for = rows
  double value = 0.0;     // cᵀx
  int pivots = 0;
};

// The dense tableau holds (m + 1)·(n + slack + artificial + 1) doubles; larger programs are refused.
constexpr long long kMaxTableauEntries = 16LL * 1024 * 1024;

LpSolution solve_lp(const LinearProgram& lp, int max_pivots = 200000);

}  // namespace klab::mdp
