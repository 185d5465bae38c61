// The bilevel toy, the penalty function and the AID / ITD hypergradients (equations in bilevel.hpp).
#include "optim/bilevel.hpp"

#include <algorithm>
#include <cmath>

namespace klab::optim {

double BilevelToy::upper(double x, const Vec2& y) const { return 0.5 * (x - y[1]) * (x - y[1]) + 0.5 * (y[0] - 1.0) * (y[0] - 1.0); }
double BilevelToy::lower(double x, const Vec2& y) const { return 0.5 * y[0] * y[0] - x * y[0] + 0.5 * rho * y[1] * y[1]; }

double BilevelToy::phi(double x) const { return 0.5 * (x - 1.0) * (x - 1.0) + (rho > 0 ? 0.5 * x * x : 0.0); }
double BilevelToy::phi_gradient(double x) const { return (x - 1.0) + (rho > 0 ? x : 0.0); }
double BilevelToy::phi_minimiser() const { return rho > 0 ? 0.5 : 1.0; }

double BilevelToy::penalty_exact(double x, double sigma) const {
  return (x - 1.0) * (x - 1.0) / (2.0 * (sigma + 1.0)) + rho * x * x / (2.0 * (sigma + rho));
}
double BilevelToy::penalty_gradient_exact(double x, double sigma) const { return (x - 1.0) / (sigma + 1.0) + rho * x / (sigma + rho); }

double penalty_value(const BilevelToy& t, double x, double sigma, int steps, PenaltyState* s, double* gradient) {
  // y: gradient descent on f + g/σ, whose Hessian in y is diag(1 + 1/σ, 1 + ρ/σ): step 1/(1 + max(1, ρ)/σ).
  // z: gradient descent on g, Hessian diag(1, ρ): step 1/max(1, ρ) (with ρ = 0, z₂ stays put: any z₂ minimises g).
  const double step_y = 1.0 / (1.0 + std::max(1.0, t.rho) / sigma), step_z = 1.0 / std::max(1.0, t.rho);
  for (int k = 0; k < steps; ++k) {
    Vec2& y = s->y;
    const double gy0 = (y[0] - 1.0) + (y[0] - x) / sigma, gy1 = (y[1] - x) + t.rho * y[1] / sigma;
    y = {y[0] - step_y * gy0, y[1] - step_y * gy1};
    Vec2& z = s->z;
    z = {z[0] - step_z * (z[0] - x), z[1] - step_z * t.rho * z[1]};
  }
  // Danskin: ∇ψ_σ = ∂_x f(x, y) + (∂_x g(x, y) − ∂_x g(x, z))/σ, with ∂_x f = x − y₂ and ∂_x g = −y₁.
  *gradient = (x - s->y[1]) + (-s->y[0] + s->z[0]) / sigma;
  return t.upper(x, s->y) + (t.lower(x, s->y) - t.lower(x, s->z)) / sigma;
}

namespace {

// K steps of gradient descent on g(x, ·) from y⁰: y₁ ← y₁ − α(y₁ − x), y₂ ← y₂ − αρ y₂.
Vec2 lower_solve(const BilevelToy& t, double x, const LowerLevel& l) {
  Vec2 y = l.init;
  for (int k = 0; k < l.steps; ++k) y = {y[0] - l.step * (y[0] - x), y[1] - l.step * t.rho * y[1]};
  return y;
}

}  // namespace

double aid_hypergradient(const BilevelToy& t, double x, const LowerLevel& l) {
  const Vec2 y = lower_solve(t, x, l);
  // ∇_x f − ∇²_{xy}g [∇²_{yy}g]⁻¹ ∇_y f with ∇²_{xy}g = (−1, 0), ∇²_{yy}g = diag(1, ρ), ∇_y f = (y₁ − 1, y₂ − x):
  // only the first block enters, 1⁻¹ (y₁ − 1).
  return (x - y[1]) + (y[0] - 1.0);
}

double itd_hypergradient(const BilevelToy& t, double x, const LowerLevel& l) {
  const Vec2 y = lower_solve(t, x, l);
  // dy₁,K/dx = 1 − (1 − α)^K, dy₂,K/dx = 0 (forward-mode through the unrolled steps).
  double contraction = 1.0;
  for (int k = 0; k < l.steps; ++k) contraction *= 1.0 - l.step;
  return (x - y[1]) + (1.0 - contraction) * (y[0] - 1.0);
}

}  // namespace klab::optim
