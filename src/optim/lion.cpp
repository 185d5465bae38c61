// Lion-κ, its Lyapunov function, the reference solver and the baselines (equations in lion.hpp).
#include "optim/lion.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"

namespace klab::optim {
namespace {

constexpr double kRotation = 0.5;  // radians: the quadratic's axes
constexpr double kRosenbrockScale = 0.01;

double sign(double v) { return static_cast<double>((v > 0) - (v < 0)); }

}  // namespace

double Problem::value(const Vec2& x) const {
  if (objective == Objective::Rosenbrock) {
    const double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
    return kRosenbrockScale * (a * a + 100.0 * b * b);
  }
  const double c = std::cos(kRotation), s = std::sin(kRotation);
  const double d0 = x[0] - centre[0], d1 = x[1] - centre[1];
  const double u = c * d0 + s * d1, v = -s * d0 + c * d1;
  return 0.5 * (u * u + condition * v * v);
}

Vec2 Problem::gradient(const Vec2& x) const {
  if (objective == Objective::Rosenbrock) {
    const double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
    return {kRosenbrockScale * (-2.0 * a - 400.0 * x[0] * b), kRosenbrockScale * 200.0 * b};
  }
  const double c = std::cos(kRotation), s = std::sin(kRotation);
  const double d0 = x[0] - centre[0], d1 = x[1] - centre[1];
  const double gu = c * d0 + s * d1, gv = condition * (-s * d0 + c * d1);
  return {c * gu - s * gv, s * gu + c * gv};
}

Vec2 Problem::unconstrained_minimiser() const { return objective == Objective::Rosenbrock ? Vec2{1.0, 1.0} : centre; }

Vec2 kappa_gradient(Kappa k, const Vec2& u, double delta) {
  switch (k) {
    case Kappa::L1: return {sign(u[0]), sign(u[1])};
    case Kappa::L2: {
      const double n = std::hypot(u[0], u[1]);
      return n > 0 ? Vec2{u[0] / n, u[1] / n} : Vec2{0.0, 0.0};
    }
    case Kappa::Huber: return {std::clamp(u[0] / delta, -1.0, 1.0), std::clamp(u[1] / delta, -1.0, 1.0)};
  }
  return {0.0, 0.0};
}

double kappa_value(Kappa k, const Vec2& m, double delta) {
  switch (k) {
    case Kappa::L1: return std::fabs(m[0]) + std::fabs(m[1]);
    case Kappa::L2: return std::hypot(m[0], m[1]);
    case Kappa::Huber: {
      double s = 0.0;
      for (double z : m) s += std::fabs(z) <= delta ? z * z / (2.0 * delta) : std::fabs(z) - 0.5 * delta;
      return s;
    }
  }
  return 0.0;
}

double kappa_conjugate(Kappa k, const Vec2& y, double delta) {
  constexpr double kSlack = 1e-12;  // rounding on the boundary (x = ±1/λ exactly after a projection)
  switch (k) {
    case Kappa::L1: return std::max(std::fabs(y[0]), std::fabs(y[1])) <= 1.0 + kSlack ? 0.0 : kInf;
    case Kappa::L2: return std::hypot(y[0], y[1]) <= 1.0 + kSlack ? 0.0 : kInf;
    case Kappa::Huber:
      return std::max(std::fabs(y[0]), std::fabs(y[1])) <= 1.0 + kSlack ? 0.5 * delta * (y[0] * y[0] + y[1] * y[1]) : kInf;
  }
  return kInf;
}

void lion_step(const Problem& p, Kappa k, const LionSettings& s, const Vec2& g, LionState* state) {
  Vec2 u;
  for (int i = 0; i < 2; ++i) u[i] = s.beta1 * state->m[i] - (1.0 - s.beta1) * g[i];
  const Vec2 d = kappa_gradient(k, u, p.huber_delta);
  for (int i = 0; i < 2; ++i) {
    state->x[i] += s.lr * (d[i] - p.lambda * state->x[i]);
    state->m[i] = s.beta2 * state->m[i] - (1.0 - s.beta2) * g[i];
  }
}

double lion_lyapunov(const Problem& p, Kappa k, const LionSettings& s, const LionState& state) {
  const Vec2 y{p.lambda * state.x[0], p.lambda * state.x[1]};
  const double conj = kappa_conjugate(k, y, p.huber_delta);
  if (!std::isfinite(conj)) return kInf;
  const double eps = s.lr * (1.0 - s.beta1) / (1.0 - s.beta2);
  const double c = s.lr * s.beta1 / ((1.0 - s.beta2) * (1.0 + eps * p.lambda));
  const double coupling = conj + kappa_value(k, state.m, p.huber_delta) - (state.m[0] * y[0] + state.m[1] * y[1]);
  return p.value(state.x) + conj / p.lambda + c * coupling;
}

Vec2 project_box(const Vec2& x, double radius) { return {std::clamp(x[0], -radius, radius), std::clamp(x[1], -radius, radius)}; }

Vec2 lion_target(const Problem& p, Kappa k, const Vec2& start) {
  // x ← prox_{s h}(x − s∇f(x)), h = κ*(λ·)/λ: clip to the box (l1), scale into the ball (l2),
  // shrink by 1/(1 + sδλ) then clip (huber). The step s stays below 1/L: L = condition for the
  // quadratic, L ≤ 13 for the scaled Rosenbrock on ‖x‖∞ ≤ 1 (its narrow valley needs many steps).
  const double radius = 1.0 / p.lambda;
  const double step = p.objective == Objective::Rosenbrock ? 2e-3 : 0.5 / std::max(1.0, p.condition);
  const int iterations = p.objective == Objective::Rosenbrock ? 400000 : 20000;
  Vec2 x = project_box(start, radius);
  for (int it = 0; it < iterations; ++it) {
    const Vec2 g = p.gradient(x);
    Vec2 y{x[0] - step * g[0], x[1] - step * g[1]};
    switch (k) {
      case Kappa::L1: x = project_box(y, radius); break;
      case Kappa::L2: {
        const double n = std::hypot(y[0], y[1]);
        x = n > radius ? Vec2{y[0] * radius / n, y[1] * radius / n} : y;
        break;
      }
      case Kappa::Huber: {
        const double shrink = 1.0 / (1.0 + step * p.huber_delta * p.lambda);
        x = project_box({y[0] * shrink, y[1] * shrink}, radius);
        break;
      }
    }
  }
  return x;
}

void adamw_step(const LionSettings& s, double lambda, const Vec2& g, AdamState* state) {
  ++state->t;
  const double c1 = 1.0 - math::pow(s.beta1, static_cast<double>(state->t)), c2 = 1.0 - math::pow(s.beta2, static_cast<double>(state->t));
  for (int i = 0; i < 2; ++i) {
    state->m[i] = s.beta1 * state->m[i] + (1.0 - s.beta1) * g[i];
    state->v[i] = s.beta2 * state->v[i] + (1.0 - s.beta2) * g[i] * g[i];
    const double m_hat = state->m[i] / c1, v_hat = state->v[i] / c2;
    state->x[i] -= s.lr * (m_hat / (std::sqrt(v_hat) + 1e-8) + lambda * state->x[i]);
  }
}

}  // namespace klab::optim
