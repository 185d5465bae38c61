#include "mdp/simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace klab::mdp {
namespace {

constexpr double kPivotTolerance = 1e-11;     // entries smaller than this never pivot
constexpr double kReducedCostTolerance = 1e-10;
constexpr double kFeasibilityTolerance = 1e-8;  // phase-1 optimum above this: infeasible
constexpr int kDegenerateRunForBland = 50;

// The tableau: rows 0..m-1 are constraints, row m the objective's reduced costs d_j = c_j − c_Bᵀ B⁻¹ a_j;
// the last column is the right-hand side (and, in the objective row, minus the objective value).
class Tableau {
 public:
  Tableau(int rows, int cols) : rows_(rows), cols_(cols), t_(static_cast<size_t>(rows + 1) * (cols + 1), 0.0) {}
  double& at(int i, int j) { return t_[static_cast<size_t>(i) * (cols_ + 1) + j]; }
  double& rhs(int i) { return at(i, cols_); }
  double& cost(int j) { return at(rows_, j); }

  void pivot(int r, int c) {
    const double inv = 1.0 / at(r, c);
    for (int j = 0; j <= cols_; ++j) at(r, j) *= inv;
    at(r, c) = 1.0;
    for (int i = 0; i <= rows_; ++i) {
      if (i == r) continue;
      const double f = at(i, c);
      if (f == 0.0) continue;
      double* row = &at(i, 0);
      const double* pr = &at(r, 0);
      for (int j = 0; j <= cols_; ++j) row[j] -= f * pr[j];
      row[c] = 0.0;
    }
  }

 private:
  int rows_, cols_;
  std::vector<double> t_;
};

struct Simplex {
  int m, n, cols;
  Tableau t;
  std::vector<int> basis;       // (m) basic column of each row
  std::vector<bool> barred;     // (cols) columns that may not enter (artificials in phase 2)
  int pivots = 0, max_pivots;

  // Runs pivots until optimal (true) or unbounded / pivot limit (false, with status).
  bool optimise(LpStatus* status) {
    int degenerate_run = 0;
    for (;;) {
      const bool bland = degenerate_run >= kDegenerateRunForBland;
      int enter = -1;
      double best = kReducedCostTolerance;
      for (int j = 0; j < cols; ++j) {
        if (barred[static_cast<size_t>(j)] || t.cost(j) <= kReducedCostTolerance) continue;
        if (bland) { enter = j; break; }
        if (t.cost(j) > best) best = t.cost(j), enter = j;
      }
      if (enter < 0) return true;
      int leave = -1;
      double ratio = std::numeric_limits<double>::infinity();
      for (int i = 0; i < m; ++i) {
        const double a = t.at(i, enter);
        if (a <= kPivotTolerance) continue;
        const double r = t.rhs(i) / a;
        if (r < ratio - 1e-12 || (r <= ratio + 1e-12 && leave >= 0 && basis[static_cast<size_t>(i)] < basis[static_cast<size_t>(leave)])) {
          if (r < ratio) ratio = r;
          leave = i;
        }
      }
      if (leave < 0) { *status = LpStatus::Unbounded; return false; }
      if (++pivots > max_pivots) { *status = LpStatus::PivotLimit; return false; }
      degenerate_run = ratio <= 1e-12 ? degenerate_run + 1 : 0;
      t.pivot(leave, enter);
      basis[static_cast<size_t>(leave)] = enter;
    }
  }

  // Reduced costs of objective c (over all columns) for the current basis.
  void set_objective(const std::vector<double>& c) {
    for (int j = 0; j <= cols; ++j) t.cost(j) = j < cols ? c[static_cast<size_t>(j)] : 0.0;
    for (int i = 0; i < m; ++i) {
      const double cb = c[static_cast<size_t>(basis[static_cast<size_t>(i)])];
      if (cb == 0.0) continue;
      for (int j = 0; j <= cols; ++j) t.cost(j) -= cb * t.at(i, j);
    }
  }
};

}  // namespace

const char* lp_status_name(LpStatus s) {
  switch (s) {
    case LpStatus::Optimal: return "optimal";
    case LpStatus::Infeasible: return "infeasible";
    case LpStatus::Unbounded: return "unbounded";
    case LpStatus::TooLarge: return "too large";
    case LpStatus::PivotLimit: return "pivot limit reached";
  }
  return "?";
}

LpSolution solve_lp(const LinearProgram& lp, int max_pivots) {
  LpSolution out;
  const int m = static_cast<int>(lp.a.rows()), n = static_cast<int>(lp.a.cols());
  // Rows with b < 0 are negated so that every right-hand side is ≥ 0.
  std::vector<double> sign(static_cast<size_t>(m));
  std::vector<Relation> rel(lp.relation);
  int slacks = 0, artificials = 0;
  for (int i = 0; i < m; ++i) {
    sign[static_cast<size_t>(i)] = lp.b[i] < 0 ? -1.0 : 1.0;
    if (lp.b[i] < 0 && rel[static_cast<size_t>(i)] != Relation::Equal)
      rel[static_cast<size_t>(i)] = rel[static_cast<size_t>(i)] == Relation::LessEqual ? Relation::GreaterEqual : Relation::LessEqual;
    if (rel[static_cast<size_t>(i)] != Relation::Equal) ++slacks;
    if (rel[static_cast<size_t>(i)] != Relation::LessEqual) ++artificials;
  }
  const int cols = n + slacks + artificials;
  if (static_cast<long long>(m + 1) * (cols + 1) > kMaxTableauEntries) {
    out.status = LpStatus::TooLarge;
    return out;
  }
  Simplex sx{m, n, cols, Tableau(m, cols), std::vector<int>(static_cast<size_t>(m)), std::vector<bool>(static_cast<size_t>(cols), false), 0, max_pivots};
  // Columns j ≥ n (slack +1, surplus −1, artificial +1) each have one entry: row unit_row[j − n], value unit_value[j − n].
  std::vector<int> unit_row(static_cast<size_t>(cols - n));
  std::vector<double> unit_value(static_cast<size_t>(cols - n));
  int next_slack = n, next_art = n + slacks;
  for (int i = 0; i < m; ++i) {
    const double sg = sign[static_cast<size_t>(i)];
    for (int j = 0; j < n; ++j) sx.t.at(i, j) = sg * lp.a(i, j);
    sx.t.rhs(i) = sg * lp.b[i];
    const Relation r = rel[static_cast<size_t>(i)];
    if (r != Relation::Equal) {
      const double v = r == Relation::LessEqual ? 1.0 : -1.0;
      sx.t.at(i, next_slack) = v;
      unit_row[static_cast<size_t>(next_slack - n)] = i, unit_value[static_cast<size_t>(next_slack - n)] = v;
      if (r == Relation::LessEqual) sx.basis[static_cast<size_t>(i)] = next_slack;
      ++next_slack;
    }
    if (r != Relation::LessEqual) {
      sx.t.at(i, next_art) = 1.0;
      unit_row[static_cast<size_t>(next_art - n)] = i, unit_value[static_cast<size_t>(next_art - n)] = 1.0;
      sx.basis[static_cast<size_t>(i)] = next_art++;
    }
  }
  // Phase 1: maximise −Σ artificials.
  LpStatus status = LpStatus::Optimal;
  if (artificials > 0) {
    std::vector<double> c1(static_cast<size_t>(cols), 0.0);
    for (int j = n + slacks; j < cols; ++j) c1[static_cast<size_t>(j)] = -1.0;
    sx.set_objective(c1);
    if (!sx.optimise(&status)) {
      out.status = status == LpStatus::Unbounded ? LpStatus::Infeasible : status;  // phase 1 is bounded by 0
      out.pivots = sx.pivots;
      return out;
    }
    if (sx.t.cost(cols) > kFeasibilityTolerance) {  // −(−Σ artificials) = Σ artificials > 0
      out.status = LpStatus::Infeasible;
      out.pivots = sx.pivots;
      return out;
    }
    // Artificials left in the basis at zero: pivot them out where a real column allows it (a row
    // with none is redundant and stays inert: its artificial is barred and its entries are zero).
    for (int i = 0; i < m; ++i) {
      if (sx.basis[static_cast<size_t>(i)] < n + slacks) continue;
      for (int j = 0; j < n + slacks; ++j)
        if (std::fabs(sx.t.at(i, j)) > 1e-9) {
          sx.t.pivot(i, j);
          sx.basis[static_cast<size_t>(i)] = j;
          break;
        }
    }
    for (int j = n + slacks; j < cols; ++j) sx.barred[static_cast<size_t>(j)] = true;
  }
  // Phase 2.
  std::vector<double> c2(static_cast<size_t>(cols), 0.0);
  for (int j = 0; j < n; ++j) c2[static_cast<size_t>(j)] = lp.objective[j];
  sx.set_objective(c2);
  if (!sx.optimise(&status)) {
    out.status = status;
    out.pivots = sx.pivots;
    return out;
  }
  // Polish: re-solve the final basis B (columns of the sign-normalised constraint matrix).
  Eigen::MatrixXd basis = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd cb(m), b(m);
  for (int i = 0; i < m; ++i) {
    const int col = sx.basis[static_cast<size_t>(i)];
    cb[i] = col < n ? lp.objective[col] : 0.0;
    if (col < n) {
      for (int k = 0; k < m; ++k) basis(k, i) = sign[static_cast<size_t>(k)] * lp.a(k, col);
    } else {
      basis(unit_row[static_cast<size_t>(col - n)], i) = unit_value[static_cast<size_t>(col - n)];
    }
    b[i] = sign[static_cast<size_t>(i)] * lp.b[i];
  }
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(basis);
  const Eigen::VectorXd xb = lu.solve(b);
  const Eigen::VectorXd y = lu.transpose().solve(cb);  // Bᵀ y = c_B
  out.x = Eigen::VectorXd::Zero(n);
  for (int i = 0; i < m; ++i)
    if (sx.basis[static_cast<size_t>(i)] < n) out.x[sx.basis[static_cast<size_t>(i)]] = std::max(0.0, xb[i]);
  out.duals.resize(m);
  for (int i = 0; i < m; ++i) out.duals[i] = sign[static_cast<size_t>(i)] * y[i];
  out.value = lp.objective.dot(out.x);
  out.status = LpStatus::Optimal;
  out.pivots = sx.pivots;
  return out;
}

}  // namespace klab::mdp
