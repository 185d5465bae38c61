// Distributionally robust least squares for optim.halpern (equations in halpern_dro.hpp).
#include "optim/halpern_dro.hpp"

#include <algorithm>
#include <cmath>

#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {
namespace {

constexpr int kD = DroLeastSquares::kDim;
constexpr uint32_t kDataStream = 1000;   // the data's stream (the methods use streams 0 … 5)
constexpr double kBeta[kD] = {1.0, -1.0};  // β: b_i = a_iᵀβ + σξ_i
constexpr double kNoise = 0.5;             // σ

}  // namespace

DroLeastSquares::DroLeastSquares(long long n_, double mu_, double lambda_, uint64_t seed) : n(n_), mu(mu_), lambda(lambda_) {
  Rng rng(seed, 0, kDataStream);
  a.resize(static_cast<size_t>(n * kD));
  b.resize(static_cast<size_t>(n));
  for (long long i = 0; i < n; ++i) {
    double fit = 0.0;
    for (int j = 0; j < kD; ++j) a[i * kD + j] = sample_normal(rng), fit += a[i * kD + j] * kBeta[j];
    b[i] = fit + kNoise * sample_normal(rng);
  }
  // The constants of halpern_dro.hpp.
  double s00 = 0, s01 = 0, s11 = 0, max_a2 = 0, b_frobenius2 = 0, avg2 = 0;
  for (long long i = 0; i < n; ++i) {
    const double a0 = a[i * kD], a1 = a[i * kD + 1], a2 = a0 * a0 + a1 * a1, norm_a = std::sqrt(a2);
    s00 += a0 * a0, s01 += a0 * a1, s11 += a1 * a1;
    max_a2 = std::max(max_a2, a2);
    const double rho = norm_a * kRadius + std::fabs(b[i]);
    b_frobenius2 += rho * rho * a2;
    const double li = std::max(kCap * a2 + mu, lambda) + rho * norm_a;
    avg2 += li * li;
  }
  const double nn = static_cast<double>(n);
  s00 /= nn, s01 /= nn, s11 /= nn;
  const double lambda_max = max_eigenvalue(s00, s01, s11);  // of AᵀA/n
  lipschitz_ = std::max(std::min(kCap * lambda_max, max_a2) + mu, lambda / nn) + std::sqrt(b_frobenius2) / nn;
  average_lipschitz_ = std::sqrt(avg2 / nn);
  solution_ = solve();
}

double DroLeastSquares::residual_of(long long i, const double* x) const {
  double r = -b[i];
  for (int j = 0; j < kD; ++j) r += a[i * kD + j] * x[j];
  return r;
}

SparseComponent DroLeastSquares::sparse_component(long long i, const double* x, double qi) const {
  SparseComponent f;
  const double r = residual_of(i, x);
  for (int j = 0; j < kD; ++j) f.head[j] = qi * a[i * kD + j] * r + mu * x[j];
  f.own = lambda * (qi - 1.0) - 0.5 * r * r;
  return f;
}

VecZ DroLeastSquares::component(long long i, const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  const SparseComponent c = sparse_component(i, z.data(), z[kD + i]);
  std::copy(c.head, c.head + kD, f.begin());
  f[kD + i] = c.own;
  return f;
}

void DroLeastSquares::evaluate(const VecZ& z, double* fx, double* block) const {
  const double nn = static_cast<double>(n);
  double sum[kD] = {};
  for (long long i = 0; i < n; ++i) {
    const double r = residual_of(i, z.data()), qi = z[kD + i];
    for (int j = 0; j < kD; ++j) sum[j] += qi * a[i * kD + j] * r;
    if (block) block[i] = (lambda * (qi - 1.0) - 0.5 * r * r) / nn;
  }
  for (int j = 0; j < kD; ++j) fx[j] = sum[j] / nn + mu * z[j];
}

VecZ DroLeastSquares::full(const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  evaluate(z, f.data(), f.data() + kD);
  return f;
}

double DroLeastSquares::residual_lower_bound(const VecZ& z) const {
  double fx[kD], v[kD], norm2 = 0.0;
  evaluate(z, fx, nullptr);
  for (int j = 0; j < kD; ++j) v[j] = z[j] - fx[j], norm2 += v[j] * v[j];  // x − F_x, then Π_B as project() does
  if (norm2 > kRadius * kRadius) {
    const double scale = kRadius / std::sqrt(norm2);
    for (int j = 0; j < kD; ++j) v[j] *= scale;
  }
  double d2 = 0.0;
  for (int j = 0; j < kD; ++j) d2 += (z[j] - v[j]) * (z[j] - v[j]);
  return std::sqrt(d2);
}

void DroLeastSquares::project(VecZ* z) const {
  VecZ& v = *z;
  double norm2 = 0.0;
  for (int j = 0; j < kD; ++j) norm2 += v[j] * v[j];
  if (norm2 > kRadius * kRadius) {
    const double scale = kRadius / std::sqrt(norm2);
    for (int j = 0; j < kD; ++j) v[j] *= scale;
  }
  project_capped_simplex(v.data() + kD, static_cast<size_t>(n), kCap, static_cast<double>(n));
}

std::vector<double> DroLeastSquares::best_weights(const double* x) const {
  std::vector<double> y(static_cast<size_t>(n));
  for (long long i = 0; i < n; ++i) {
    const double r = residual_of(i, x);
    y[i] = 1.0 + 0.5 * r * r / lambda;
  }
  return project_capped_simplex(y, kCap, static_cast<double>(n));
}

VecZ DroLeastSquares::start(double x1, double x2) const {
  VecZ z(static_cast<size_t>(kDim + n), 1.0);
  z[0] = x1, z[1] = x2;
  return z;
}

double DroLeastSquares::strong_monotonicity() const { return std::min(mu, lambda / static_cast<double>(n)); }

// x* = argmin φ, φ(x) = L(x, q(x)), by gradient descent with Armijo backtracking (φ is smooth and convex for λ > 0), then
// damped Newton steps (accepted while ‖∇φ‖ falls: φ's values no longer resolve the last digits of x*) with φ's Hessian
//     ∇²φ = (1/n) Σ_i q_i a_i a_iᵀ + μI + (1/(nλ)) [Σ_{i∈F} g_i g_iᵀ − (1/|F|)(Σ_{i∈F} g_i)(Σ_{i∈F} g_i)ᵀ],  g_i = a_i r_i,
// F = {i : 0 < q_i < c} (q_i = 1 + ℓ_i/λ − τ there, τ keeping Σq = n); then z* = (x*, q(x*)).
// The test checks z* = Π_C(z* − F(z*)).
VecZ DroLeastSquares::solve() const {
  const double nn = static_cast<double>(n);
  // φ(x), ∇φ(x) and (if hessian) ∇²φ(x) as (h00, h01, h11).
  auto evaluate = [&](const double* x, double* grad, double* hessian) {
    const std::vector<double> q = best_weights(x);
    double value = 0.0, h[3] = {0, 0, 0}, free_sum[kD] = {0, 0}, free_outer[3] = {0, 0, 0};
    long long free = 0;
    for (int j = 0; j < kD; ++j) grad[j] = 0.0;
    for (long long i = 0; i < n; ++i) {
      const double r = residual_of(i, x), a0 = a[i * kD], a1 = a[i * kD + 1];
      value += q[i] * 0.5 * r * r - 0.5 * lambda * (q[i] - 1.0) * (q[i] - 1.0);
      grad[0] += q[i] * a0 * r, grad[1] += q[i] * a1 * r;
      h[0] += q[i] * a0 * a0, h[1] += q[i] * a0 * a1, h[2] += q[i] * a1 * a1;
      if (q[i] > 0.0 && q[i] < kCap) {
        const double g0 = a0 * r, g1 = a1 * r;
        ++free, free_sum[0] += g0, free_sum[1] += g1;
        free_outer[0] += g0 * g0, free_outer[1] += g0 * g1, free_outer[2] += g1 * g1;
      }
    }
    double x2 = 0.0;
    for (int j = 0; j < kD; ++j) grad[j] = grad[j] / nn + mu * x[j], x2 += x[j] * x[j];
    if (hessian) {
      const double f = free > 0 ? 1.0 / static_cast<double>(free) : 0.0;
      const double outer[3] = {free_sum[0] * free_sum[0], free_sum[0] * free_sum[1], free_sum[1] * free_sum[1]};
      for (int k = 0; k < 3; ++k) hessian[k] = h[k] / nn + (free_outer[k] - f * outer[k]) / (nn * lambda);
      hessian[0] += mu, hessian[2] += mu;
    }
    return value / nn + 0.5 * mu * x2;
  };
  double x[kD] = {0.0, 0.0}, grad[kD], trial[kD], trial_grad[kD], hessian[3];
  double value = evaluate(x, grad, nullptr), step = 1.0;
  for (int it = 0; it < 200; ++it) {
    const double g2 = grad[0] * grad[0] + grad[1] * grad[1];
    if (g2 < 1e-30) break;
    double trial_value = 0.0;
    int halvings = 0;
    for (; halvings < 60; ++halvings, step *= 0.5) {
      for (int j = 0; j < kD; ++j) trial[j] = x[j] - step * grad[j];
      trial_value = evaluate(trial, trial_grad, nullptr);
      if (trial_value <= value - 0.5 * step * g2) break;
    }
    if (halvings == 60) break;  // no decrease left in floating point
    std::copy(trial, trial + kD, x), std::copy(trial_grad, trial_grad + kD, grad);
    value = trial_value;
    step *= 2.0;
  }
  for (int it = 0; it < 100; ++it) {
    evaluate(x, grad, hessian);
    const double g2 = grad[0] * grad[0] + grad[1] * grad[1];
    if (g2 < 1e-32) break;
    const double det = hessian[0] * hessian[2] - hessian[1] * hessian[1];
    const double d0 = (hessian[2] * grad[0] - hessian[1] * grad[1]) / det, d1 = (hessian[0] * grad[1] - hessian[1] * grad[0]) / det;
    bool accepted = false;
    for (double t = 1.0; t > 1e-6 && !accepted; t *= 0.5) {
      trial[0] = x[0] - t * d0, trial[1] = x[1] - t * d1;
      evaluate(trial, trial_grad, nullptr);
      if (trial_grad[0] * trial_grad[0] + trial_grad[1] * trial_grad[1] < g2) std::copy(trial, trial + kD, x), accepted = true;
    }
    if (!accepted) break;
  }
  const std::vector<double> q = best_weights(x);
  VecZ z(kD + q.size());
  std::copy(x, x + kD, z.begin());
  std::copy(q.begin(), q.end(), z.begin() + kD);
  return z;
}

}  // namespace klab::optim
