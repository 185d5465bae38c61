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

double BilevelToy::penalty_minimiser(double sigma) const {
  const double a = 1.0 / (sigma + 1.0), b = rho / (sigma + rho);
  return a / (a + b);
}

double penalty_value(const BilevelToy& t, double x, double sigma, int steps, PenaltyState* s, double* gradient, NoisyOracle* o) {
  // y: gradient descent on f + g/σ, whose Hessian in y is diag(1 + 1/σ, 1 + ρ/σ): step 1/(1 + max(1, ρ)/σ).
  // z: gradient descent on g, Hessian diag(1, ρ): step 1/max(1, ρ) (with ρ = 0, z₂ stays put: any z₂ minimises g).
  const double step_y = 1.0 / (1.0 + std::max(1.0, t.rho) / sigma), step_z = 1.0 / std::max(1.0, t.rho);
  for (int k = 0; k < steps; ++k) {
    Vec2& y = s->y;
    // ∇_y f + ε and (∇_y g + ε')/σ, with ∇_y f = (y₁ − 1, y₂ − x) and ∇_y g = (y₁ − x, ρy₂).
    const double gy0 = (y[0] - 1.0 + o->noise()) + (y[0] - x + o->noise()) / sigma;
    const double gy1 = (y[1] - x + o->noise()) + (t.rho * y[1] + o->noise()) / sigma;
    y = {y[0] - step_y * gy0, y[1] - step_y * gy1};
    Vec2& z = s->z;
    const double e0 = o->noise(), e1 = o->noise();
    z = {z[0] - step_z * (z[0] - x + e0), z[1] - step_z * t.rho * z[1] - step_z * e1};
    o->charge(2);
  }
  // Danskin: ∇ψ_σ = ∂_x f(x, y) + (∂_x g(x, y) − ∂_x g(x, z))/σ, with ∂_x f = x − y₂ and ∂_x g = −y₁; each
  // partial from the oracle (two calls: at (x, y) and at (x, z)).
  const double fx = x - s->y[1] + o->noise(), gxy = -s->y[0] + o->noise(), gxz = o->noise() - s->z[0];
  *gradient = fx + (gxy - gxz) / sigma;
  o->charge(2);
  return t.upper(x, s->y) + (t.lower(x, s->y) - t.lower(x, s->z)) / sigma;
}

namespace {

// K steps of (noisy) gradient descent on g(x, ·) from y⁰: y₁ ← y₁ − α(y₁ − x + ε), y₂ ← y₂ − αρ y₂ − αε'.
Vec2 lower_solve(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o) {
  Vec2 y = l.init;
  for (int k = 0; k < l.steps; ++k) {
    const double e0 = o->noise(), e1 = o->noise();
    y = {y[0] - l.step * (y[0] - x + e0), y[1] - l.step * t.rho * y[1] - l.step * e1};
  }
  o->charge(l.steps);
  return y;
}

}  // namespace

double aid_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o) {
  const Vec2 y = lower_solve(t, x, l, o);
  // ∇_x f − ∇²_{xy}g [∇²_{yy}g]⁻¹ ∇_y f with ∇²_{xy}g = (−1, 0), ∇²_{yy}g = diag(1, ρ), ∇_y f = (y₁ − 1, y₂ − x):
  // only the first block enters, v = 1⁻¹ (y₁ − 1). Noisy: ∇f + ε, and the product with a sample −1 + ε'' of ∇²_{x y₁}g.
  const double fx = x - y[1] + o->noise(), v = y[0] - 1.0 + o->noise(), jac = 1.0 + o->noise();
  o->charge(2);
  return fx + v * jac;
}

double itd_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o) {
  const Vec2 y = lower_solve(t, x, l, o);
  // dy₁,K/dx = 1 − (1 − α)^K, dy₂,K/dx = 0 (forward-mode through the unrolled steps; the noise is additive, so
  // the noisy steps have the same Jacobian). ∇f at y_K from the oracle.
  double contraction = 1.0;
  for (int k = 0; k < l.steps; ++k) contraction *= 1.0 - l.step;
  const double fx = x - y[1] + o->noise(), fy = y[0] - 1.0 + o->noise();
  o->charge(1 + l.steps);
  return fx + (1.0 - contraction) * fy;
}

}  // namespace klab::optim
