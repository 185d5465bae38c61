// The two bilevel toys, the penalty function and the AID / ITD hypergradients (equations in bilevel.hpp).
#include "optim/bilevel.hpp"

#include <algorithm>
#include <cmath>

namespace klab::optim {

// [SECTION] the toys

namespace {

double sign_left(double x) { return x > 0.0 ? 1.0 : -1.0; }  // the global well sgn x, −1 at the switch (optimistic)

// The double well's w(x, y₂) = ¼(y₂² − 1)² − (ax/2)(3y₂ − y₂³) and its derivatives in y₂.
double well(double x, double y) { return 0.25 * (y * y - 1.0) * (y * y - 1.0) - 0.5 * kWellTilt * x * (3.0 * y - y * y * y); }
double well_dy(double x, double y) { return (y * y - 1.0) * (y + 1.5 * kWellTilt * x); }
double well_dyy(double x, double y) { return 3.0 * y * y - 1.0 + 3.0 * kWellTilt * x * y; }
}  // namespace

double BilevelToy::upper(double x, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return 0.5 * (x + y[1]) * (x + y[1]) + kWellStep * y[1];
  return 0.5 * (x - y[1]) * (x - y[1]) + 0.5 * (y[0] - 1.0) * (y[0] - 1.0);
}
double BilevelToy::lower(double x, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return 0.5 * y[0] * y[0] + well(x, y[1]);
  return 0.5 * y[0] * y[0] - x * y[0] + 0.5 * rho * y[1] * y[1];
}
double BilevelToy::upper_dx(double x, const Vec2& y) const { return problem == BilevelProblem::DoubleWell ? x + y[1] : x - y[1]; }
Vec2 BilevelToy::upper_dy(double x, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return {0.0, x + y[1] + kWellStep};
  return {y[0] - 1.0, y[1] - x};
}
double BilevelToy::lower_dx(double, const Vec2& y) const {
  return problem == BilevelProblem::DoubleWell ? -0.5 * kWellTilt * (3.0 * y[1] - y[1] * y[1] * y[1]) : -y[0];
}
Vec2 BilevelToy::lower_dy(double x, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return {y[0], well_dy(x, y[1])};
  return {y[0] - x, rho * y[1]};
}
Vec2 BilevelToy::lower_dyy(double x, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return {1.0, well_dyy(x, y[1])};
  return {1.0, rho};
}
Vec2 BilevelToy::lower_dxy(double, const Vec2& y) const {
  if (problem == BilevelProblem::DoubleWell) return {0.0, -1.5 * kWellTilt * (1.0 - y[1] * y[1])};
  return {-1.0, 0.0};
}
double BilevelToy::lower_smoothness() const {
  if (problem == BilevelProblem::Liu) return std::max(1.0, rho);
  // sup of ∂²w/∂y₂² = 3y₂² − 1 + 3axy₂ over |y₂| ≤ m, |x| ≤ 5 (and ≥ 1, the y₁ block).
  const double m = std::max(1.0, y_bound);
  return 3.0 * m * m - 1.0 + 3.0 * kWellTilt * kWellXBound * m;
}

double BilevelToy::x_bound() const { return problem == BilevelProblem::DoubleWell ? kWellXBound : HUGE_VAL; }

double BilevelToy::phi(double x) const {
  if (problem == BilevelProblem::DoubleWell) return upper(x, {0.0, sign_left(x)});
  return 0.5 * (x - 1.0) * (x - 1.0) + (rho > 0 ? 0.5 * x * x : 0.0);
}
double BilevelToy::phi_gradient(double x) const {
  if (problem == BilevelProblem::DoubleWell) return x + sign_left(x);
  return (x - 1.0) + (rho > 0 ? x : 0.0);
}
double BilevelToy::phi_minimiser() const {
  if (problem == BilevelProblem::DoubleWell) return 0.0;
  return rho > 0 ? 0.5 : 1.0;
}

double BilevelToy::well_argmin(double x, double upper_weight, double lower_weight) const {
  // Every root of the cubic d/dy₂ (u·f + l·w) = u(x + y₂ + c) + l(y₂² − 1)(y₂ + 3ax/2): bracketed by sign changes on a grid
  // over [−8, 8] (for |x| ≤ 5 and u ≤ 10 l every minimiser has |y₂| < 4: the cubic term outgrows the linear one) and bisected
  // to the last bit; the lowest wins (tested against a grid over [−6, 6]).
  auto d = [&](double y) { return upper_weight * (x + y + kWellStep) + lower_weight * well_dy(x, y); };
  auto value = [&](double y) { return upper_weight * upper(x, {0.0, y}) + lower_weight * well(x, y); };
  constexpr int kGrid = 640;
  constexpr double kLo = -8.0, kHi = 8.0;
  double best = 0.0, best_value = 1e300, a = kLo, da = d(a);
  for (int i = 1; i <= kGrid; ++i) {
    const double b = kLo + (kHi - kLo) * i / kGrid, db = d(b);
    if (da < 0.0 && db >= 0.0) {  // a minimum (d goes from − to +)
      double lo = a, hi = b;
      for (int k = 0; k < 80; ++k) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        (d(mid) < 0.0 ? lo : hi) = mid;
      }
      const double y = 0.5 * (lo + hi), v = value(y);
      if (v < best_value) best = y, best_value = v;
    }
    a = b, da = db;
  }
  return best;
}

double BilevelToy::penalty_exact(double x, double sigma) const {
  if (problem == BilevelProblem::DoubleWell) {
    // min_y {f + (g − g*)/σ}: y₁ = 0 in both problems, y₂ by the global search; g* = w(x, z*) = −a|x|, z* = sgn x.
    const double y = well_argmin(x, sigma, 1.0), z = sign_left(x);
    return upper(x, {0.0, y}) + (well(x, y) - well(x, z)) / sigma;
  }
  return (x - 1.0) * (x - 1.0) / (2.0 * (sigma + 1.0)) + rho * x * x / (2.0 * (sigma + rho));
}
double BilevelToy::penalty_gradient_exact(double x, double sigma) const {
  if (problem == BilevelProblem::DoubleWell) {
    const Vec2 y{0.0, well_argmin(x, sigma, 1.0)}, z{0.0, sign_left(x)};
    return upper_dx(x, y) + (lower_dx(x, y) - lower_dx(x, z)) / sigma;
  }
  return (x - 1.0) / (sigma + 1.0) + rho * x / (sigma + rho);
}

double BilevelToy::penalty_minimiser(double sigma) const {
  const double a = 1.0 / (sigma + 1.0), b = rho / (sigma + rho);
  return a / (a + b);
}

// [SECTION] the methods

double penalty_value(const BilevelToy& t, double x, double sigma, int steps, PenaltyState* s, double* gradient, NoisyOracle* o) {
  // y: gradient descent on f + g/σ, whose Hessian in y is at most (1 + L_g/σ): step 1/(1 + L_g/σ) (f's curvature is 1).
  // z: gradient descent on g, step 1/L_g (on `liu` with ρ = 0, z₂ stays put: any z₂ minimises g).
  const double lg = t.lower_smoothness(), step_y = 1.0 / (1.0 + lg / sigma), step_z = 1.0 / lg;
  for (int k = 0; k < steps; ++k) {
    Vec2& y = s->y;
    // ∇_y f + ε and (∇_y g + ε')/σ, the draws in the order f₁, g₁, f₂, g₂.
    const Vec2 fy = t.upper_dy(x, y), gy = t.lower_dy(x, y);
    double g[2];
    for (int i = 0; i < 2; ++i) {
      const double ef = o->noise(), eg = o->noise();
      g[i] = (fy[i] + ef) + (gy[i] + eg) / sigma;
    }
    y = {y[0] - step_y * g[0], y[1] - step_y * g[1]};
    Vec2& z = s->z;
    const Vec2 gz = t.lower_dy(x, z);
    const double e0 = o->noise(), e1 = o->noise();
    z = {z[0] - step_z * (gz[0] + e0), z[1] - step_z * (gz[1] + e1)};
    o->charge(2);
  }
  // Danskin: ∇ψ_σ = ∂_x f(x, y) + (∂_x g(x, y) − ∂_x g(x, z))/σ, each partial from the oracle (two calls: at (x, y), (x, z)).
  const double fx = t.upper_dx(x, s->y) + o->noise();
  const double gxy = t.lower_dx(x, s->y) + o->noise();
  const double gxz = t.lower_dx(x, s->z) + o->noise();
  *gradient = fx + (gxy - gxz) / sigma;
  o->charge(2);
  return t.upper(x, s->y) + (t.lower(x, s->y) - t.lower(x, s->z)) / sigma;
}

namespace {

// K steps of (noisy) gradient descent on g(x, ·) from y⁰: y ← y − α(∇_y g + ε). With `jacobian`, also the forward-mode
// derivative dy_K/dx: J ← J − α(∇²_{yy}g J + ∇²_{yx}g) at each (noisy) iterate.
Vec2 lower_solve(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o, Vec2* jacobian = nullptr) {
  Vec2 y = l.init, j{0.0, 0.0};
  for (int k = 0; k < l.steps; ++k) {
    if (jacobian != nullptr) {
      const Vec2 h = t.lower_dyy(x, y), c = t.lower_dxy(x, y);
      j = {j[0] - l.step * (h[0] * j[0] + c[0]), j[1] - l.step * (h[1] * j[1] + c[1])};
    }
    const Vec2 gy = t.lower_dy(x, y);
    const double e0 = o->noise(), e1 = o->noise();
    y = {y[0] - l.step * (gy[0] + e0), y[1] - l.step * (gy[1] + e1)};
  }
  o->charge(l.steps);
  if (jacobian != nullptr) *jacobian = j;
  return y;
}

}  // namespace

double aid_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o) {
  const Vec2 y = lower_solve(t, x, l, o);
  // ∇_x f − ∇²_{xy}g [∇²_{yy}g]⁻¹ ∇_y f with a diagonal ∇²_{yy}g: v_i = ∂_{y_i} f / ∂²_{y_i} g, then one noisy product with
  // the sample −∇²_{xy}g + ε'' (one call for ∇f, one for the product). Blocks with ∂²_{x y_i} g = 0 (`liu`'s y₂, where
  // ∂²_{y₂} g = ρ may be 0; the double well's y₁) are left out: the product is known to vanish there.
  const Vec2 fy = t.upper_dy(x, y), h = t.lower_dyy(x, y), c = t.lower_dxy(x, y);
  double result = t.upper_dx(x, y) + o->noise();
  for (int i = 0; i < 2; ++i) {
    if (c[i] == 0.0 || h[i] == 0.0) continue;
    const double v = (fy[i] + o->noise()) / h[i], jac = -c[i] + o->noise();
    result += v * jac;
  }
  o->charge(2);
  return result;
}

double itd_hypergradient(const BilevelToy& t, double x, const LowerLevel& l, NoisyOracle* o) {
  Vec2 j;
  const Vec2 y = lower_solve(t, x, l, o, &j);
  // h = ∂_x f + ∇_y f · dy_K/dx, ∇f at y_K from the oracle (a coordinate whose dy_K/dx is 0 is not asked for).
  const Vec2 fy = t.upper_dy(x, y);
  const double fx = t.upper_dx(x, y) + o->noise();
  double result = fx;
  for (int i = 0; i < 2; ++i)
    if (j[i] != 0.0) result += (fy[i] + o->noise()) * j[i];
  o->charge(1 + l.steps);
  return result;
}

}  // namespace klab::optim
