#include "diffusion/privacy_accountant.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"

namespace klab::diffusion {

double gaussian_rdp_rho(double sensitivity, double sigma) { return sensitivity * sensitivity / (2.0 * sigma * sigma); }

double rdp_to_dp_simple(double rho, double delta) {
  // αρ + ln(1/δ)/(α − 1) is smallest at α − 1 = √(ln(1/δ)/ρ): ε = ρ + 2√(ρ ln(1/δ)).
  const double l = -math::log(delta);
  return rho + 2.0 * std::sqrt(rho * l);
}

namespace {

// The improved conversion at order α = 1 + a.
double improved_at(double rho, double log_delta, double a) {
  const double alpha = 1.0 + a;
  return alpha * rho + math::log1p(-1.0 / alpha) - (log_delta + math::log(alpha)) / a;
}

}  // namespace

double rdp_to_dp(double rho, double delta) {
  // Minimise over u = ln(α − 1) on [−30, 28] (α − 1 from 10⁻¹³ to 10¹²): a grid of 401 points, then golden-section search
  // around the best one (the function of u is unimodal there; the grid makes the result robust).
  const double log_delta = math::log(delta);
  const double lo = -30.0, hi = 28.0;
  const int grid = 400;
  auto f = [&](double u) { return improved_at(rho, log_delta, math::exp(u)); };
  int best = 0;
  double best_f = f(lo);
  for (int i = 1; i <= grid; ++i) {
    const double v = f(lo + (hi - lo) * i / grid);
    if (v < best_f) best_f = v, best = i;
  }
  const double h = (hi - lo) / grid;
  double a = lo + h * std::max(best - 1, 0), b = lo + h * std::min(best + 1, grid);
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a), fc = f(c), fd = f(d);
  for (int it = 0; it < 80; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a), fd = f(d);
    }
  }
  return std::max(0.0, std::min({best_f, fc, fd}));
}

PrivacyAccount account_gaussian(double messages, double sensitivity, double sigma, double delta) {
  PrivacyAccount r;
  r.messages = messages;
  r.delta = delta;
  const double rho1 = gaussian_rdp_rho(sensitivity, sigma);
  r.rho = messages * rho1;
  r.epsilon = rdp_to_dp(r.rho, delta);
  r.epsilon_simple = rdp_to_dp_simple(r.rho, delta);
  // Basic: k messages, each (ε₁, δ/k).
  r.epsilon_basic = messages * rdp_to_dp(rho1, delta / messages);
  // Advanced: each (ε₁, δ/(2k)), slack δ' = δ/2.
  const double e1 = rdp_to_dp(rho1, delta / (2.0 * messages));
  r.epsilon_advanced = std::sqrt(2.0 * messages * -math::log(delta / 2.0)) * e1 + messages * e1 * (math::exp(e1) - 1.0);
  return r;
}

}  // namespace klab::diffusion
