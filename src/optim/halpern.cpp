// The finite-sum game and the four methods (equations in halpern.hpp).
#include "optim/halpern.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"

namespace klab::optim {
namespace {

constexpr double kSqrt2 = 1.4142135623730951;

double angle(const FiniteSumGame& g, long long i) { return 2.0 * kPi * (static_cast<double>(i) + 0.5) / static_cast<double>(g.n); }

Vec2 axpy(double a, const Vec2& x, const Vec2& y) { return {a * x[0] + y[0], a * x[1] + y[1]}; }  // a x + y

long long uniform_index(Rng& rng, long long n) {
  return std::min(n - 1, static_cast<long long>(rng.uniform() * static_cast<double>(n)));
}

long long vr_batch(const FiniteSumGame& g) { return static_cast<long long>(std::ceil(std::sqrt(static_cast<double>(g.n)))); }

Vec2 anchored(double lambda, const Vec2& z0, const Vec2& z) { return {lambda * z0[0] + (1 - lambda) * z[0], lambda * z0[1] + (1 - lambda) * z[1]}; }

// G(v) = ηF(v) + v − u (u = z_k, the point whose resolvent is sought) and its component G_i.
Vec2 resolvent_operator(const FiniteSumGame& g, double eta, const Vec2& u, const Vec2& v) { return axpy(eta, g.full(v), {v[0] - u[0], v[1] - u[1]}); }
Vec2 resolvent_component(const FiniteSumGame& g, long long i, double eta, const Vec2& u, const Vec2& v) {
  return axpy(eta, g.component(i, v), {v[0] - u[0], v[1] - u[1]});
}

// Ĵ(u) ≈ (I + ηF)⁻¹u: `iterations` steps of VR-FoRB on G from v₀ = w₀ = u (equations in halpern.hpp); adds its calls.
Vec2 vr_forb_resolvent(const FiniteSumGame& g, const Vec2& u, long long iterations, Rng& rng, double* calls) {
  const double n = static_cast<double>(g.n), eta = inexact_resolvent_step(g), p = 1.0 / n, alpha = 1.0 - p;
  const double lipschitz_g = std::sqrt((1 + eta * g.mu) * (1 + eta * g.mu) + eta * eta * g.mean_square_coupling());
  const double tau = 0.99 * std::sqrt(p * (1 - p)) / lipschitz_g;
  Vec2 v = u, w = u, w_before = u;
  Vec2 g_w = resolvent_operator(g, eta, u, w);  // G(w₀): n calls
  *calls += n;
  for (long long t = 0; t < iterations; ++t) {
    const long long i = uniform_index(rng, g.n);
    const Vec2 gi_v = resolvent_component(g, i, eta, u, v), gi_w = resolvent_component(g, i, eta, u, w_before);
    const Vec2 direction{g_w[0] + gi_v[0] - gi_w[0], g_w[1] + gi_v[1] - gi_w[1]};
    v = axpy(-tau, direction, anchored(1 - alpha, w, v));  // v̄_t = αv_t + (1 − α)w_t, then the step
    *calls += 2.0;
    w_before = w;
    if (rng.uniform() < p) {
      w = v;
      g_w = resolvent_operator(g, eta, u, w);
      *calls += n;
    }
  }
  return v;
}

}  // namespace

double FiniteSumGame::a(long long i) const { return coupling + spread * kSqrt2 * math::cos(angle(*this, i)); }

Vec2 FiniteSumGame::q(long long i) const {
  const double phi = angle(*this, i);
  return {shift[0] + spread * kSqrt2 * math::cos(phi - 0.5 * kPi), shift[1] + spread * kSqrt2 * math::cos(phi + 1.0)};
}

Vec2 FiniteSumGame::component(long long i, const Vec2& z) const {
  const double ai = a(i);
  const Vec2 qi = q(i);
  return {mu * z[0] + ai * z[1] + qi[0], mu * z[1] - ai * z[0] + qi[1]};
}

// M̄ = [[μ, ā], [−ā, μ]], q̄ = (b̄, c̄) (the cosines average to 0 over the n equally spaced angles, n ≥ 3).
Vec2 FiniteSumGame::full(const Vec2& z) const { return {mu * z[0] + coupling * z[1] + shift[0], mu * z[1] - coupling * z[0] + shift[1]}; }

Vec2 FiniteSumGame::solution() const {
  // M̄⁻¹ = [[μ, −ā], [ā, μ]]/(μ² + ā²).
  const double d = mu * mu + coupling * coupling;
  return {-(mu * shift[0] - coupling * shift[1]) / d, -(coupling * shift[0] + mu * shift[1]) / d};
}

double FiniteSumGame::mean_square_coupling() const { return coupling * coupling + spread * spread; }  // ā² + s² (n ≥ 3)
double FiniteSumGame::cocoercivity() const { return (mu * mu + coupling * coupling) / mu; }
double FiniteSumGame::average_cocoercivity() const { return (mu * mu + mean_square_coupling()) / mu; }
double FiniteSumGame::lipschitz() const { return std::sqrt(mu * mu + coupling * coupling); }
double FiniteSumGame::average_lipschitz() const { return std::sqrt(mu * mu + mean_square_coupling()); }

double inexact_resolvent_step(const FiniteSumGame& g) { return std::sqrt(static_cast<double>(g.n)) / g.average_lipschitz(); }

long long inexact_inner_iterations(const FiniteSumGame& g, long long k) {
  return static_cast<long long>(std::ceil(2.0 * static_cast<double>(g.n) * math::log(static_cast<double>(k + 2))));
}

double inexact_expected_calls(const FiniteSumGame& g, long long k) {
  return static_cast<double>(g.n) + 3.0 * static_cast<double>(inexact_inner_iterations(g, k));
}

HalpernState make_halpern_state(const FiniteSumGame& g, HalpernMethod m, const Vec2& z0) {
  HalpernState s;
  s.method = m;
  s.z0 = s.z = s.snapshot = s.point = z0;
  if (m == HalpernMethod::VrHalpern || m == HalpernMethod::VrExtragradient) {
    s.estimate = g.full(z0);  // F̃₀ = F(z₀) (vr_eg: F(w₀)): n calls
    s.calls = static_cast<double>(g.n);
  }
  return s;
}

void halpern_step(const FiniteSumGame& g, HalpernState* s, Rng& rng) {
  const double n = static_cast<double>(g.n);
  switch (s->method) {
    case HalpernMethod::Halpern: {
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      const Vec2 t = axpy(-1.0 / g.cocoercivity(), g.full(s->z), s->z);  // T z_k
      s->z = anchored(lambda, s->z0, t);
      s->calls += n;
      break;
    }
    case HalpernMethod::VrHalpern: {
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      const Vec2 t = axpy(-1.0 / g.average_cocoercivity(), s->estimate, s->z);
      const Vec2 previous = s->z;
      s->z = anchored(lambda, s->z0, t);
      if (rng.uniform() < 1.0 / std::sqrt(n)) {
        s->estimate = g.full(s->z);
        s->calls += n;
      } else {
        const long long b = vr_batch(g);
        Vec2 sum{0.0, 0.0};
        for (long long j = 0; j < b; ++j) {
          const long long i = uniform_index(rng, g.n);
          const Vec2 now = g.component(i, s->z), before = g.component(i, previous);
          sum = {sum[0] + now[0] - before[0], sum[1] + now[1] - before[1]};
        }
        s->estimate = axpy(1.0 / static_cast<double>(b), sum, s->estimate);
        s->calls += 2.0 * static_cast<double>(b);
      }
      break;
    }
    case HalpernMethod::Extragradient: {
      const double tau = 0.5 / g.lipschitz();
      const Vec2 half = axpy(-tau, g.full(s->z), s->z);
      s->z = axpy(-tau, g.full(half), s->z);
      s->calls += 2.0 * n;
      break;
    }
    case HalpernMethod::AnchoredExtragradient: {
      const double beta = 1.0 / static_cast<double>(s->k + 2), alpha = 1.0 / (8.0 * g.lipschitz());
      const Vec2 pulled = anchored(beta, s->z0, s->z);  // z_k + β_k(z₀ − z_k)
      const Vec2 half = axpy(-alpha, g.full(s->z), pulled);
      s->z = axpy(-alpha, g.full(half), pulled);
      s->calls += 2.0 * n;
      break;
    }
    case HalpernMethod::VrHalpernInexact: {
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      s->point = vr_forb_resolvent(g, s->z, inexact_inner_iterations(g, s->k), rng, &s->calls);  // Ĵ(z_k)
      s->z = anchored(lambda, s->z0, s->point);
      ++s->k;
      return;
    }
    case HalpernMethod::VrExtragradient: {
      const double p = std::min(1.0, 2.0 / n), alpha = 1.0 - p, tau = 0.99 * std::sqrt(p) / g.average_lipschitz();
      const Vec2 bar{alpha * s->z[0] + (1 - alpha) * s->snapshot[0], alpha * s->z[1] + (1 - alpha) * s->snapshot[1]};
      const Vec2 half = axpy(-tau, s->estimate, bar);
      const long long i = uniform_index(rng, g.n);
      const Vec2 fi_half = g.component(i, half), fi_w = g.component(i, s->snapshot);
      const Vec2 direction{s->estimate[0] + fi_half[0] - fi_w[0], s->estimate[1] + fi_half[1] - fi_w[1]};
      s->z = axpy(-tau, direction, bar);
      s->calls += 2.0;
      if (rng.uniform() < p) {
        s->snapshot = s->z;
        s->estimate = g.full(s->snapshot);
        s->calls += n;
      }
      break;
    }
  }
  s->point = s->z;
  ++s->k;
}

}  // namespace klab::optim
