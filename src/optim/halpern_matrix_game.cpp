// The policeman-and-burglar matrix game for optim.halpern (equations in halpern_matrix_game.hpp).
#include "optim/halpern_matrix_game.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/mixture.hpp"  // project_truncated_simplex

namespace klab::optim {
namespace {

constexpr uint32_t kDataStream = 1002;  // the data's stream (dro_least_squares 1000, wdro_logistic 1001, the methods 0 … 5)

// ‖A‖₂ by power iteration on AᵀA from 𝟙 (A ≥ 0, so 𝟙 is not orthogonal to the top singular vector), until the estimate
// changes by less than 10⁻¹³ relative.
double spectral_norm(const std::vector<double>& a, long long n) {
  std::vector<double> v(static_cast<size_t>(n), 1.0 / std::sqrt(static_cast<double>(n))), av(v.size()), atav(v.size());
  double sigma = 0.0;
  for (int it = 0; it < 1000; ++it) {
    for (long long i = 0; i < n; ++i) {
      double s = 0.0;
      for (long long j = 0; j < n; ++j) s += a[i * n + j] * v[j];
      av[i] = s;
    }
    for (double& t : atav) t = 0.0;
    for (long long i = 0; i < n; ++i)
      for (long long j = 0; j < n; ++j) atav[j] += a[i * n + j] * av[i];
    double norm2 = 0.0;
    for (double t : atav) norm2 += t * t;
    const double norm = std::sqrt(norm2), next = std::sqrt(norm);  // ‖AᵀAv‖ → σ² for the unit top singular vector v
    for (size_t j = 0; j < v.size(); ++j) v[j] = atav[j] / norm;
    const bool settled = std::fabs(next - sigma) <= 1e-13 * next;
    sigma = next;
    if (settled) break;
  }
  return sigma;
}

}  // namespace

PolicemanBurglar::PolicemanBurglar(long long n_, uint64_t seed) : n(n_) {
  Rng rng(seed, 0, kDataStream);
  wealth.resize(static_cast<size_t>(n));
  for (double& w : wealth) w = std::fabs(sample_normal(rng));
  a.resize(static_cast<size_t>(n * n));
  for (long long i = 0; i < n; ++i)
    for (long long j = 0; j < n; ++j) a[i * n + j] = wealth[j] * (1.0 - math::exp(-kTheta * static_cast<double>(i > j ? i - j : j - i)));
  lipschitz_ = spectral_norm(a, n);
  double largest2 = 0.0, frobenius2 = 0.0;  // max_i max(‖A_{i·}‖², ‖A_{·i}‖²), Σ_i ‖A_{i·}‖²
  for (long long i = 0; i < n; ++i) {
    double row = 0.0, column = 0.0;
    for (long long j = 0; j < n; ++j) row += a[i * n + j] * a[i * n + j], column += a[j * n + i] * a[j * n + i];
    largest2 = std::max(largest2, std::max(row, column));
    frobenius2 += row;
  }
  average_lipschitz_ = std::sqrt(static_cast<double>(n) * largest2);
  frobenius_ = std::sqrt(frobenius2);
}

VecZ PolicemanBurglar::component(long long i, const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  const double nn = static_cast<double>(n), yi = nn * z[n + i], xi = nn * z[i];
  const double* row = a.data() + i * n;
  for (long long j = 0; j < n; ++j) f[j] = yi * row[j], f[n + j] = -xi * a[j * n + i];
  return f;
}

VecZ PolicemanBurglar::full(const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  for (long long i = 0; i < n; ++i) {
    const double* row = a.data() + i * n;
    const double yi = z[n + i];
    double ax = 0.0;
    for (long long j = 0; j < n; ++j) f[j] += yi * row[j], ax += row[j] * z[j];
    f[n + i] = -ax;
  }
  return f;
}

void PolicemanBurglar::project(VecZ* z) const {
  project_truncated_simplex(z->data(), static_cast<int>(n), 0.0);  // Δ_0 = the probability simplex
  project_truncated_simplex(z->data() + n, static_cast<int>(n), 0.0);
}

VecZ PolicemanBurglar::start(double, double) const { return VecZ(static_cast<size_t>(2 * n), 1.0 / static_cast<double>(n)); }

double PolicemanBurglar::solution_distance(const VecZ& z0) const {
  double total = 0.0;
  for (long long block = 0; block < 2; ++block) {  // max_j ‖v − e_j‖² = ‖v‖² − 2 min_j v_j + 1 for each block v
    const double* v = z0.data() + block * n;
    double norm2 = 0.0, smallest = v[0];
    for (long long j = 0; j < n; ++j) norm2 += v[j] * v[j], smallest = std::min(smallest, v[j]);
    total += norm2 - 2.0 * smallest + 1.0;
  }
  return std::sqrt(total);
}

}  // namespace klab::optim
