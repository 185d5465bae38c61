// Wasserstein DRO logistic regression for optim.halpern (equations in halpern_wdro.hpp).
#include "optim/halpern_wdro.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/rng.hpp"
#include "core/samplers.hpp"
#include "optim/vec2.hpp"

namespace klab::optim {
namespace {

constexpr int kBetaDim = WdroLogistic::kDim;  // (names distinct from halpern_dro.cpp's: one unity unit may hold both)
constexpr size_t kL = WdroLogistic::kLambda;
constexpr uint32_t kWdroDataStream = 1001;        // the data's stream (dro_least_squares uses 1000, the methods 0 … 5)
constexpr double kTheta[kBetaDim] = {1.0, -1.0};  // θ: y_i = sign(x_iᵀθ + σξ_i)
constexpr double kFlipNoise = 0.5;                // σ

double logistic_slope(double t) { return -1.0 / (1.0 + math::exp(t)); }  // ℓ'(t), ℓ(t) = log(1 + e^{−t})
double logistic_loss(double t) { return t > 0 ? math::log1p(math::exp(-t)) : math::log1p(math::exp(t)) - t; }

}  // namespace

void project_second_order_cone(double* beta, int d, double* lambda) {
  double r2 = 0.0;
  for (int j = 0; j < d; ++j) r2 += beta[j] * beta[j];
  const double r = std::sqrt(r2), l = *lambda;
  if (r <= l) return;
  if (r <= -l) {
    for (int j = 0; j < d; ++j) beta[j] = 0.0;
    *lambda = 0.0;
    return;
  }
  const double s = 0.5 * (r + l);  // r > |l| ≥ 0
  for (int j = 0; j < d; ++j) beta[j] *= s / r;
  *lambda = s;
}

WdroLogistic::WdroLogistic(long long n_, double radius_, double flip_cost_, uint64_t seed)
    : n(n_), radius(radius_), flip_cost(flip_cost_) {
  Rng rng(seed, 0, kWdroDataStream);
  x.resize(static_cast<size_t>(n * kBetaDim));
  y.resize(static_cast<size_t>(n));
  for (long long i = 0; i < n; ++i) {
    double fit = 0.0;
    for (int j = 0; j < kBetaDim; ++j) x[i * kBetaDim + j] = sample_normal(rng), fit += x[i * kBetaDim + j] * kTheta[j];
    y[i] = fit + kFlipNoise * sample_normal(rng) >= 0.0 ? 1.0 : -1.0;
  }
  // The constants of halpern_wdro.hpp.
  double s00 = 0, s01 = 0, s11 = 0, avg2 = 0;
  const double k2 = flip_cost * flip_cost;
  for (long long i = 0; i < n; ++i) {
    const double a0 = x[i * kBetaDim], a1 = x[i * kBetaDim + 1], a2 = a0 * a0 + a1 * a1;
    s00 += a0 * a0, s01 += a0 * a1, s11 += a1 * a1;
    coupling2_ += a2 + k2;
    const double li = 0.25 * a2 + 0.5 * std::sqrt(a2 + k2);
    avg2 += li * li;
  }
  const double nn = static_cast<double>(n);
  s00 /= nn, s01 /= nn, s11 /= nn;
  moment_max_ = max_eigenvalue(s00, s01, s11);
  lipschitz_ = 0.25 * moment_max_ + std::sqrt(coupling2_) / (2.0 * nn);
  average_lipschitz_ = std::sqrt(avg2 / nn);
  solution_ = solve();
}

double WdroLogistic::margin(long long i, const double* beta) const {
  double t = 0.0;
  for (int j = 0; j < kBetaDim; ++j) t += x[i * kBetaDim + j] * beta[j];
  return y[i] * t;
}

SparseComponent WdroLogistic::sparse_component(long long i, const double* head, double gi) const {
  SparseComponent f;
  const double t = margin(i, head), s = logistic_slope(t) + 0.5 * (1.0 + gi);
  for (int j = 0; j < kBetaDim; ++j) f.head[j] = s * y[i] * x[i * kBetaDim + j];
  f.head[kL] = radius - 0.5 * flip_cost * (1.0 + gi);
  f.own = -0.5 * (t - head[kL] * flip_cost);
  return f;
}

VecZ WdroLogistic::component(long long i, const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  const SparseComponent c = sparse_component(i, z.data(), z[kL + 1 + i]);
  std::copy(c.head, c.head + kL + 1, f.begin());
  f[kL + 1 + i] = c.own;
  return f;
}

VecZ WdroLogistic::full(const VecZ& z) const {
  VecZ f(z.size(), 0.0);
  const double nn = static_cast<double>(n);
  double gamma_sum = 0.0;
  for (long long i = 0; i < n; ++i) {
    const double t = margin(i, z.data()), gi = z[kL + 1 + i], s = logistic_slope(t) + 0.5 * (1.0 + gi);
    for (int j = 0; j < kBetaDim; ++j) f[j] += s * y[i] * x[i * kBetaDim + j];
    gamma_sum += gi;
    f[kL + 1 + i] = -0.5 * (t - z[kL] * flip_cost) / nn;
  }
  for (int j = 0; j < kBetaDim; ++j) f[j] /= nn;
  f[kL] = radius - 0.5 * flip_cost * (1.0 + gamma_sum / nn);
  return f;
}

void WdroLogistic::project(VecZ* z) const {
  VecZ& v = *z;
  project_second_order_cone(v.data(), kBetaDim, &v[kL]);
  for (size_t j = kL + 1; j < v.size(); ++j) v[j] = std::clamp(v[j], -1.0, 1.0);
}

VecZ WdroLogistic::start(double beta1, double beta2) const {
  VecZ z(static_cast<size_t>(kBetaDim + 1 + n), -1.0);
  z[0] = beta1, z[1] = beta2;
  z[kL] = 1.0 + std::hypot(beta1, beta2);
  return z;
}

double WdroLogistic::objective(const double* beta, double lambda) const {
  double sum = 0.0;
  for (long long i = 0; i < n; ++i) {
    const double t = margin(i, beta);
    sum += logistic_loss(t) + std::max(0.0, t - lambda * flip_cost);
  }
  return lambda * radius + sum / static_cast<double>(n);
}

// Projected extragradient in the metric diag(I, I/n) (halpern_wdro.hpp): h = Π_C(z − τPF(z)), z ← Π_C(z − τPF(h)),
// P = diag(I_{d+1}, n I_n), τ = 1/(2L_P) with L_P = λ_max(XᵀX/n)/4 + ((1/n) Σ_i (‖x_i‖² + κ²))^{1/2}/2 the Lipschitz constant
// of PF in that metric; from z = (0, 1, −𝟙) until the natural residual ‖z − Π_C(z − F(z))‖ is below 10⁻¹³.
VecZ WdroLogistic::solve() const {
  const double nn = static_cast<double>(n);
  const double tau = 0.5 / (0.25 * moment_max_ + 0.5 * std::sqrt(coupling2_ / nn));
  const auto step = [&](const VecZ& from, const VecZ& f) {
    VecZ to(from.size());
    for (size_t j = 0; j < to.size(); ++j) to[j] = from[j] - tau * (j > kL ? nn : 1.0) * f[j];
    project(&to);
    return to;
  };
  VecZ z = start(0.0, 0.0);
  for (long long it = 0; it < 1000000; ++it) {
    const VecZ f = full(z);
    if (it % 64 == 0) {  // the natural residual ‖z − Π_C(z − F(z))‖
      VecZ r(z.size());
      for (size_t j = 0; j < r.size(); ++j) r[j] = z[j] - f[j];
      project(&r);
      double d2 = 0.0;
      for (size_t j = 0; j < r.size(); ++j) d2 += (z[j] - r[j]) * (z[j] - r[j]);
      if (d2 < 1e-26) break;
    }
    z = step(z, full(step(z, f)));
  }
  return z;
}

}  // namespace klab::optim
