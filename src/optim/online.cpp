// The SEA toy and the online learners (equations in online.hpp).
#include "optim/online.hpp"

#include <algorithm>
#include <cmath>

namespace klab::optim {
namespace {


// ∇ℓ(z): huber ∇h_δ(‖z‖) = z/δ inside radius δ, z/‖z‖ beyond; quadratic λz.
Vec2 loss_gradient(const SeaProblem& p, const Vec2& z) {
  if (p.loss == OnlineLoss::Quadratic) return {p.lambda * z[0], p.lambda * z[1]};
  const double n = norm(z);
  const double scale = n <= p.delta ? 1.0 / p.delta : 1.0 / n;
  return {scale * z[0], scale * z[1]};
}

double loss_value(const SeaProblem& p, const Vec2& z) {
  const double n2 = z[0] * z[0] + z[1] * z[1];
  if (p.loss == OnlineLoss::Quadratic) return 0.5 * p.lambda * n2;
  const double n = std::sqrt(n2);
  return n <= p.delta ? n2 / (2.0 * p.delta) : n - 0.5 * p.delta;
}

}  // namespace

Vec2 project_disc(const Vec2& x) {
  const double n = norm(x);
  return n <= kDiscRadius ? x : Vec2{x[0] * kDiscRadius / n, x[1] * kDiscRadius / n};
}

double SeaProblem::amplitude() const { return loss == OnlineLoss::Huber ? 0.5 * variation * delta : variation / (2.0 * lambda); }

Vec2 SeaProblem::theta(long long t) const {
  const double s = (t % 2 == 1) ? amplitude() : -amplitude();  // θ_t = c + (−1)^(t+1) Δ u: t = 1 starts at c + Δu
  return {centre[0] + s * direction[0], centre[1] + s * direction[1]};
}

double SeaProblem::value(const Vec2& x, long long t) const {
  const Vec2 th = theta(t);
  return loss_value(*this, {x[0] - th[0], x[1] - th[1]});
}

Vec2 SeaProblem::gradient(const Vec2& x, long long t) const {
  const Vec2 th = theta(t);
  return loss_gradient(*this, {x[0] - th[0], x[1] - th[1]});
}

double SeaProblem::gradient_bound() const {
  if (loss == OnlineLoss::Huber) return 1.0;
  return lambda * (kDiscRadius + norm(centre) + amplitude());  // λ max ‖x − θ_t‖ over the disc
}

Vec2 SeaProblem::comparator(long long n) const {
  const double odd = static_cast<double>((n + 1) / 2), even = static_cast<double>(n / 2);
  const Vec2 a = theta(1), b = theta(2);
  // Quadratic: Σ_t (λ/2)‖x − θ_t‖² is (λn/2)‖x − θ̄‖² + const, minimised over the disc at Π_X(θ̄).
  const Vec2 mean{(odd * a[0] + even * b[0]) / (odd + even), (odd * a[1] + even * b[1]) / (odd + even)};
  if (loss == OnlineLoss::Quadratic) return project_disc(mean);
  // Huber: projected gradient descent on (odd·F_1 + even·F_2)/n with step 1/L from the weighted mean
  // (the sum is convex and L-smooth, and quadratic near its minimiser when Δ is small).
  Vec2 x = project_disc(mean);
  const double step = delta, wa = odd / (odd + even), wb = even / (odd + even);
  for (int k = 0; k < 20000; ++k) {
    const Vec2 ga = loss_gradient(*this, {x[0] - a[0], x[1] - a[1]}), gb = loss_gradient(*this, {x[0] - b[0], x[1] - b[1]});
    const Vec2 next = project_disc({x[0] - step * (wa * ga[0] + wb * gb[0]), x[1] - step * (wa * ga[1] + wb * gb[1])});
    const double moved = std::fabs(next[0] - x[0]) + std::fabs(next[1] - x[1]);
    x = next;
    if (moved < 1e-14) break;
  }
  return x;
}

Vec2 ftrl_argmin(const Vec2& a, const Vec2& c, double eta) { return project_disc({c[0] - 0.5 * eta * a[0], c[1] - 0.5 * eta * a[1]}); }

SeaSums sea_sums(const SeaProblem& p, long long t) {
  const double n = static_cast<double>(t);
  SeaSums s;
  s.noise2 = n * p.noise * p.noise;
  s.variation2 = std::max(0.0, n - 1.0) * p.variation * p.variation;
  return s;
}

double gradient_scale(const SeaProblem& p) { return std::sqrt(p.gradient_bound() * p.gradient_bound() + p.noise * p.noise); }

double ftrl_nu(const SeaProblem& p) {
  const double D = kDiscDiameter;
  return p.smoothness() * D * D + D * gradient_scale(p);
}

double ftrl_regret_bound(const SeaProblem& p, long long t) {
  const double D = kDiscDiameter, L = p.smoothness(), G = gradient_scale(p), nu = ftrl_nu(p);
  const SeaSums sums = sea_sums(p, t);
  return 6.0 * D * std::sqrt(sums.noise2) + 3.0 * std::sqrt(2.0) * D * std::sqrt(sums.variation2) + 1.5 * std::sqrt(2.0) * D * G + nu +
         (4.0 * D * D * G * G + 9.0 * L * L * D * D * D * D) / nu;
}

OnlineLearner make_learner(OnlineMethod m, const Vec2& start) {
  OnlineLearner l;
  l.method = m;
  l.x_hat = project_disc(start);
  return l;
}

double learner_step(const SeaProblem& p, const OnlineSettings& s, const OnlineLearner& l) {
  const double L = p.smoothness(), t = static_cast<double>(l.t);
  if (l.method == OnlineMethod::Ogd) {
    if (p.loss == OnlineLoss::Quadratic) return 1.0 / (p.lambda * t);
    return kDiscDiameter / (gradient_scale(p) * std::sqrt(static_cast<double>(s.horizon)));
  }
  if (l.method == OnlineMethod::OptimisticFtrl) {
    if (p.loss == OnlineLoss::Quadratic) return l.t > 1 ? 2.0 / (p.lambda * (t - 1.0)) : 0.0;  // round 1 plays the start
    return kDiscDiameter * kDiscDiameter / (ftrl_nu(p) + l.weighted_error);
  }
  if (p.loss == OnlineLoss::Quadratic) return 1.0 / (p.lambda * t + 4.0 * L);
  const double cap = 1.0 / (4.0 * L);
  return l.hint_error > 0.0 ? std::min(cap, kDiscDiameter / std::sqrt(l.hint_error)) : cap;
}

Vec2 learner_play(const SeaProblem& p, const OnlineSettings& s, const OnlineLearner& l) {
  if (l.method == OnlineMethod::OptimisticFtrl) {
    const Vec2 a{l.grad_sum[0] + l.hint[0], l.grad_sum[1] + l.hint[1]};  // Σ_{s<t} g_s + M_t
    if (p.loss == OnlineLoss::Huber) return ftrl_argmin(a, l.x_hat, learner_step(p, s, l));
    if (l.t == 1) return l.x_hat;
    const double n = static_cast<double>(l.t - 1);
    return ftrl_argmin(a, {l.x_sum[0] / n, l.x_sum[1] / n}, learner_step(p, s, l));
  }
  if (l.method != OnlineMethod::OptimisticOmd) return l.x_hat;
  const double eta = learner_step(p, s, l);
  return project_disc({l.x_hat[0] - eta * l.hint[0], l.x_hat[1] - eta * l.hint[1]});
}

namespace {

// Optimistic FTRL keeps sums, not an iterate: Σ g_s, the hint M_{t+1} = g_t, and what its step needs:
// Σ x_s for the quadratic loss's surrogates, Σ η_s‖g_s − M_s‖² for the convex loss's step.
void ftrl_observe(const SeaProblem& p, const OnlineSettings& s, const Vec2& g, OnlineLearner* l) {
  if (p.loss == OnlineLoss::Quadratic) {
    const Vec2 x = learner_play(p, s, *l);
    l->x_sum = {l->x_sum[0] + x[0], l->x_sum[1] + x[1]};
  } else {
    const double e0 = g[0] - l->hint[0], e1 = g[1] - l->hint[1];
    l->weighted_error += learner_step(p, s, *l) * (e0 * e0 + e1 * e1);
  }
  l->grad_sum = {l->grad_sum[0] + g[0], l->grad_sum[1] + g[1]};
  l->hint = g;
  ++l->t;
}

}  // namespace

void learner_observe(const SeaProblem& p, const OnlineSettings& s, const Vec2& g, OnlineLearner* l) {
  if (l->method == OnlineMethod::OptimisticFtrl) return ftrl_observe(p, s, g, l);
  const double eta = learner_step(p, s, *l);
  l->x_hat = project_disc({l->x_hat[0] - eta * g[0], l->x_hat[1] - eta * g[1]});
  const double e0 = g[0] - l->hint[0], e1 = g[1] - l->hint[1];
  l->hint_error += e0 * e0 + e1 * e1;  // plain OMD: M = 0, so this is Σ‖g_s‖² (AdaGrad-norm)
  if (l->method == OnlineMethod::OptimisticOmd) l->hint = g;
  ++l->t;
}

}  // namespace klab::optim
