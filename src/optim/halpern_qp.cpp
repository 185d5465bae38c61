// The quadratic program of the paper's script for optim.halpern (equations in halpern_qp.hpp).
#include "optim/halpern_qp.hpp"

#include <algorithm>
#include <cmath>

#include "optim/vec2.hpp"

namespace klab::optim {
namespace {

double dot(const HardQuadratic::Sparse& u, const HardQuadratic::Sparse& v) {
  double s = 0.0;
  for (const auto& [i, ui] : u)
    for (const auto& [j, vj] : v)
      if (i == j) s += ui * vj;
  return s;
}

}  // namespace

HardQuadratic::HardQuadratic(long long n_) : n(n_), a_row(static_cast<size_t>(n)), a_column(a_row.size()), h_column(a_row.size()) {
  for (long long i = 0; i < n; ++i) {
    a_row[i].push_back({n - 1 - i, 0.25});
    if (i < n - 1) a_row[i].push_back({n - 2 - i, -0.25});
    for (const auto& [j, v] : a_row[i]) a_column[j].push_back({i, v});
  }
  // H_{·j} = 2 Σ_k A_kj A_{k·}ᵀ, equal indices merged.
  for (long long j = 0; j < n; ++j)
    for (const auto& [k, akj] : a_column[j])
      for (const auto& [l, akl] : a_row[k]) {
        const long long row = l;  // (a lambda may not capture a structured binding in C++17)
        auto at = std::find_if(h_column[j].begin(), h_column[j].end(), [row](const auto& e) { return e.first == row; });
        if (at == h_column[j].end()) h_column[j].push_back({l, 2.0 * akj * akl});
        else at->second += 2.0 * akj * akl;
      }
  // L_lip ≤ √(‖M‖₁‖M‖_∞) = ‖M‖_∞: M's rows (H_{j·}, −A_{·j}ᵀ) and (A_{j·}, 0) have the absolute sums of its columns
  // (H_{·j}; A_{·j}) and (−A_{j·}ᵀ; 0) (H is symmetric), so ‖M‖₁ = ‖M‖_∞.
  const auto l1 = [](const Sparse& s) {
    double t = 0.0;
    for (const auto& e : s) t += std::fabs(e.second);
    return t;
  };
  double rows = 0.0, largest = 0.0;
  for (long long j = 0; j < n; ++j) {
    rows = std::max({rows, l1(h_column[j]) + l1(a_column[j]), l1(a_row[j])});
    const double uu = dot(h_column[j], h_column[j]) + dot(a_column[j], a_column[j]), uv = -dot(h_column[j], a_row[j]);
    largest = std::max(largest, max_eigenvalue(uu, uv, dot(a_row[j], a_row[j])));
  }
  lipschitz_ = rows;
  average_lipschitz_ = std::sqrt(static_cast<double>(n) * largest);
  solution_ = VecZ(static_cast<size_t>(2 * n), -0.5);
  for (long long j = 0; j < n; ++j) solution_[j] = static_cast<double>(j + 1);
}

VecZ HardQuadratic::component(long long i, const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  for (long long j = 0; j < n; ++j) f[n + j] = -0.25;  // −b
  f[n - 1] = -0.25;                                     // −h
  const double nn = static_cast<double>(n), xi = nn * z[i], yi = nn * z[n + i];
  for (const auto& [j, v] : h_column[i]) f[j] += v * xi;
  for (const auto& [j, v] : a_row[i]) f[j] -= v * yi;
  for (const auto& [j, v] : a_column[i]) f[n + j] += v * xi;
  return f;
}

VecZ HardQuadratic::full(const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  for (long long j = 0; j < n; ++j) {
    for (const auto& [i, v] : h_column[j]) f[i] += v * z[j];     // Hx (H symmetric: column j scatters x_j)
    for (const auto& [i, v] : a_column[j]) f[j] -= v * z[n + i];  // −Aᵀy
    for (const auto& [k, v] : a_row[j]) f[n + j] += v * z[k];     // Ax
    f[n + j] -= 0.25;                                            // −b
  }
  f[n - 1] -= 0.25;  // −h
  return f;
}

VecZ HardQuadratic::start(double, double) const { return VecZ(static_cast<size_t>(2 * n), 1.0 / static_cast<double>(n)); }

}  // namespace klab::optim
