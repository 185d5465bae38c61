// The finite-sum problems (plane, ill-conditioned ℝ⁸, DRO least squares, Wasserstein DRO logistic regression, the paper's matrix
// game and quadratic program) and the six methods (equations in halpern.hpp).
#include "optim/halpern.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/lab_math.hpp"

namespace klab::optim {
namespace {

constexpr double kSqrt2 = 1.4142135623730951;

double angle(const FiniteSumGame& g, long long i) { return 2.0 * kPi * (static_cast<double>(i) + 0.5) / static_cast<double>(g.n); }

VecZ axpy(double a, const VecZ& x, const VecZ& y) {  // a x + y
  VecZ r(x.size());
  const double *xp = x.data(), *yp = y.data();
  double* rp = r.data();
  for (size_t j = 0; j < r.size(); ++j) rp[j] = a * xp[j] + yp[j];
  return r;
}
VecZ plus_minus(const VecZ& a, const VecZ& b, const VecZ& c) {  // a + b − c
  VecZ r(a.size());
  const double *ap = a.data(), *bp = b.data(), *cp = c.data();
  double* rp = r.data();
  for (size_t j = 0; j < r.size(); ++j) rp[j] = ap[j] + bp[j] - cp[j];
  return r;
}

// ill_conditioned: z* (fixed; q̄ = −M̄z*) and the directions of the components' shifts b_i − b̄, c_i − c̄ (zero mean over i).
const VecZ& ill_solution() {
  static const VecZ z{0.5, -0.5, 0.5, 1.0, -0.5, 0.5, -0.5, -0.5};
  return z;
}
constexpr double kShiftCos[8] = {1.0, -0.5, 0.0, 1.0, 0.5, 1.0, -1.0, 0.0};
constexpr double kShiftSin[8] = {0.0, 1.0, 1.0, -0.5, -1.0, 0.0, 0.5, 1.0};

long long vr_batch(const FiniteSumGame& g) { return static_cast<long long>(std::ceil(std::sqrt(static_cast<double>(g.n)))); }

VecZ anchored(double lambda, const VecZ& z0, const VecZ& z) {  // λ z₀ + (1 − λ) z
  VecZ r(z.size());
  const double *z0p = z0.data(), *zp = z.data();
  double* rp = r.data();
  for (size_t j = 0; j < r.size(); ++j) rp[j] = lambda * z0p[j] + (1 - lambda) * zp[j];
  return r;
}

// G_i(v) = ηF_i(v) + v − u, the component of G = resolvent_operator (halpern.hpp).
VecZ resolvent_component(const FiniteSumGame& g, long long i, double eta, const VecZ& u, const VecZ& v) {
  return axpy(eta, g.component(i, v), difference(v, u));
}

// Ĵ(u) ≈ (I + ηF)⁻¹u: `iterations` steps of VR-FoRB on G from v₀ = w₀ = u (equations in halpern.hpp; η, p, τ from
// `rules`); adds its calls. No iteration (the scripts' M_k = 0): Ĵ(u) = u, no call. oracle = sparse: halpern_sparse.cpp.
VecZ vr_forb_resolvent(const FiniteSumGame& g, const StepRules& rules, const VecZ& u, long long iterations, Rng& rng, double* calls) {
  if (iterations == 0) return u;
  if (g.sparse()) return sparse_vr_forb_resolvent(g, rules, u, iterations, rng, calls);
  const double n = static_cast<double>(g.n), eta = rules.resolvent, p = rules.inner_refresh, alpha = 1.0 - p, tau = rules.inner;
  VecZ v = u, w = u, w_before = u;
  VecZ g_w = resolvent_operator(g, eta, u, w);  // G(w₀): n calls
  *calls += n;
  for (long long t = 0; t < iterations; ++t) {
    const long long i = draw_component(rng, g.n);
    const VecZ gi_v = resolvent_component(g, i, eta, u, v), gi_w = resolvent_component(g, i, eta, u, w_before);
    v = axpy(-tau, plus_minus(g_w, gi_v, gi_w), anchored(1 - alpha, w, v));  // v̄_t = αv_t + (1 − α)w_t, then the step
    g.constrain(&v);
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

// vr_halpern with steps = script, Algorithm 1 as the authors' scripts run it (halpern_steps.hpp):
// z_{k+1} = Π_C(λ_k z₀ + (1 − λ_k) z_k − η F̃_k), λ_k = 2/(k + 4), then F̃_{k+1} = F(z_{k+1}) with probability p_{k+1}, else the
// recursive update over ⌊√n⌋ distinct indices (drawn by rejection: b ≤ 31 here, and a partial shuffle would cost O(n) memory).
void script_vr_halpern_step(const FiniteSumGame& g, HalpernState* s, Rng& rng) {
  const StepRules& rules = s->rules;
  VecZ t = axpy(-rules.vr_halpern, s->estimate, anchored(script_anchor(s->k), s->z0, s->z));
  g.constrain(&t);
  const VecZ previous = s->z;
  s->z = t;
  const long long next = s->k + 1;
  if (next <= 1 || rng.uniform() < script_refresh_probability(g.n, next)) {
    s->estimate = g.full(s->z);
    s->calls += static_cast<double>(g.n);
    return;
  }
  const long long b = script_batch(g.n);
  std::vector<long long> batch;
  while (static_cast<long long>(batch.size()) < b) {
    const long long i = draw_component(rng, g.n);
    if (std::find(batch.begin(), batch.end(), i) == batch.end()) batch.push_back(i);
  }
  VecZ sum(s->z.size(), 0.0);
  for (long long i : batch) sum = plus_minus(sum, g.component(i, s->z), g.component(i, previous));
  s->estimate = axpy(1.0 / static_cast<double>(b), sum, s->estimate);
  s->calls += 2.0 * static_cast<double>(b);
}

}  // namespace

VecZ resolvent_operator(const FiniteSumGame& g, double eta, const VecZ& u, const VecZ& v) { return axpy(eta, g.full(v), difference(v, u)); }

long long draw_component(Rng& rng, long long n) {
  return std::min(n - 1, static_cast<long long>(rng.uniform() * static_cast<double>(n)));
}

double norm_z(const VecZ& v) {
  double s = 0.0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}
double distance(const VecZ& u, const VecZ& v) { return norm_z(difference(u, v)); }
double dot_z(const VecZ& u, const VecZ& v) {
  double s = 0.0;
  for (size_t j = 0; j < u.size(); ++j) s += u[j] * v[j];
  return s;
}
VecZ difference(const VecZ& u, const VecZ& v) { return axpy(-1.0, v, u); }

double FiniteSumGame::a(long long i) const { return coupling + spread * kSqrt2 * math::cos(angle(*this, i)); }

SparseComponent FiniteSumGame::sparse_component(long long i, const double* head, double own) const {
  if (problem == HalpernProblem::DroLeastSquares) return static_cast<const DroLeastSquares&>(*constrained_).sparse_component(i, head, own);
  return wdro().sparse_component(i, head, own);
}

VecZ FiniteSumGame::component(long long i, const VecZ& z) const {
  if (constrained_) return constrained_->component(i, z);
  const double phi = angle(*this, i);
  if (problem == HalpernProblem::Plane) {
    const double ai = a(i);
    const double bi = shift[0] + spread * kSqrt2 * math::cos(phi - 0.5 * kPi), ci = shift[1] + spread * kSqrt2 * math::cos(phi + 1.0);
    return {mu * z[0] + ai * z[1] + bi, mu * z[1] - ai * z[0] + ci};
  }
  // F_i = F + s (R_i y + cos φ_i u + sin φ_i v, −R_iᵀx + cos φ_i u' + sin φ_i v'), R_i = blockdiag(R(φ_i), R(2φ_i)).
  const double c1 = math::cos(phi), s1 = math::cos(phi - 0.5 * kPi), c2 = c1 * c1 - s1 * s1, s2 = 2.0 * s1 * c1;
  const double x0 = z[0], x1 = z[1], x2 = z[2], x3 = z[3], y0 = z[4], y1 = z[5], y2 = z[6], y3 = z[7];
  const VecZ rotated{c1 * y0 + s1 * y1, -s1 * y0 + c1 * y1, c2 * y2 + s2 * y3, -s2 * y2 + c2 * y3,    // R_i y
                     -(c1 * x0 - s1 * x1), -(s1 * x0 + c1 * x1), -(c2 * x2 - s2 * x3), -(s2 * x2 + c2 * x3)};  // −R_iᵀx
  VecZ f = full(z);
  for (size_t j = 0; j < f.size(); ++j) f[j] += spread * (rotated[j] + c1 * kShiftCos[j] + s1 * kShiftSin[j]);
  return f;
}

// Plane: M̄ = [[μ, ā], [−ā, μ]], q̄ = (b̄, c̄) (the cosines average to 0 over the n equally spaced angles, n ≥ 3).
// ℝ⁸: F(z) = (μ(x − x*) + Ā(y − y*), μ(y − y*) − Ā(x − x*)), i.e. q̄ = −M̄z*.
VecZ FiniteSumGame::full(const VecZ& z) const {
  if (problem == HalpernProblem::Plane) return {mu * z[0] + coupling * z[1] + shift[0], mu * z[1] - coupling * z[0] + shift[1]};
  if (constrained_) return constrained_->full(z);
  const VecZ d = difference(z, ill_solution());
  VecZ f(8);
  double sigma = coupling;  // σ_{j+1} = ā r^j, r = κ^{−1/3}
  for (int j = 0; j < 4; ++j, sigma *= ratio_) {
    f[j] = mu * d[j] + sigma * d[j + 4];
    f[j + 4] = mu * d[j + 4] - sigma * d[j];
  }
  return f;
}

VecZ FiniteSumGame::solution() const {
  if (problem == HalpernProblem::IllConditioned) return ill_solution();
  if (constrained_) return constrained_->solution();
  // M̄⁻¹ = [[μ, −ā], [ā, μ]]/(μ² + ā²).
  const double d = mu * mu + coupling * coupling;
  return {-(mu * shift[0] - coupling * shift[1]) / d, -(coupling * shift[0] + mu * shift[1]) / d};
}

double FiniteSumGame::solution_distance(const VecZ& z0) const {
  return constrained_ ? constrained_->solution_distance(z0) : distance(z0, solution());
}

Vec2 FiniteSumGame::project(const VecZ& z) const {
  if (problem == HalpernProblem::MatrixGame) {  // the mean houses Σ_j j x_j/(n − 1), Σ_i i y_i/(n − 1)
    double px = 0.0, py = 0.0;
    for (long long j = 0; j < n; ++j) px += static_cast<double>(j) * z[j], py += static_cast<double>(j) * z[n + j];
    return {px / static_cast<double>(n - 1), py / static_cast<double>(n - 1)};
  }
  if (problem == HalpernProblem::QuadraticProgram) {  // (‖x − x*‖, ‖y − y*‖)
    const VecZ d = difference(z, solution());
    double x2 = 0.0, y2 = 0.0;
    for (long long j = 0; j < n; ++j) x2 += d[j] * d[j], y2 += d[n + j] * d[n + j];
    return {std::sqrt(x2), std::sqrt(y2)};
  }
  return problem == HalpernProblem::IllConditioned ? Vec2{z[3], z[7]} : Vec2{z[0], z[1]};
}

VecZ FiniteSumGame::start(double x, double y) const {
  if (problem == HalpernProblem::Plane) return {x, y};
  if (problem == HalpernProblem::IllConditioned) return {x, x, x, x, y, y, y, y};
  return constrained_->start(x, y);
}

VecZ FiniteSumGame::on_plane(double x, double y) const {
  if (problem == HalpernProblem::Plane) return {x, y};
  VecZ z = solution();
  if (problem == HalpernProblem::IllConditioned) z[3] = x, z[7] = y;
  else z[0] = x, z[1] = y;
  return z;
}

// ā² + s² (n ≥ 3): the plane's (1/n) Σ a_i²; on ℝ⁸ the largest eigenvalue of (1/n) Σ A_iᵀA_i = Ā² + s²I (κ ≥ 1: σ₁ = ā).
double FiniteSumGame::mean_square_coupling() const { return coupling * coupling + spread * spread; }
// The constrained problems give their own constants (halpern_dro.hpp: L_lip²/m; halpern_wdro.hpp: +∞).
double FiniteSumGame::cocoercivity() const {
  if (constrained_) return constrained_->cocoercivity();
  return (mu * mu + coupling * coupling) / mu;
}
double FiniteSumGame::average_cocoercivity() const {
  if (constrained_) return constrained_->average_cocoercivity();
  return (mu * mu + mean_square_coupling()) / mu;
}
double FiniteSumGame::lipschitz() const {
  return constrained_ ? constrained_->lipschitz() : std::sqrt(mu * mu + coupling * coupling);
}
double FiniteSumGame::average_lipschitz() const {
  return constrained_ ? constrained_->average_lipschitz() : std::sqrt(mu * mu + mean_square_coupling());
}
double FiniteSumGame::resolvent_lipschitz(double eta) const {
  if (constrained_) return 1.0 + eta * average_lipschitz();
  return std::sqrt((1 + eta * mu) * (1 + eta * mu) + eta * eta * mean_square_coupling());
}

void FiniteSumGame::prepare(uint64_t data_seed) {
  ratio_ = math::pow(condition, -1.0 / 3.0);
  constrained_ = nullptr;
  if (problem == HalpernProblem::DroLeastSquares) constrained_ = std::make_shared<const DroLeastSquares>(n, mu, penalty, data_seed);
  if (problem == HalpernProblem::WdroLogistic) constrained_ = std::make_shared<const WdroLogistic>(n, radius, flip_cost, data_seed);
  if (problem == HalpernProblem::MatrixGame) constrained_ = std::make_shared<const PolicemanBurglar>(n, data_seed);
  if (problem == HalpernProblem::QuadraticProgram) constrained_ = std::make_shared<const HardQuadratic>(n);
}

size_t FiniteSumGame::dimension() const {
  switch (problem) {
    case HalpernProblem::Plane: return 2;
    case HalpernProblem::IllConditioned: return 8;
    case HalpernProblem::DroLeastSquares: return static_cast<size_t>(2 + n);
    case HalpernProblem::WdroLogistic: return static_cast<size_t>(3 + n);
    case HalpernProblem::MatrixGame:
    case HalpernProblem::QuadraticProgram: return static_cast<size_t>(2 * n);
  }
  return 0;
}

void FiniteSumGame::constrain(VecZ* z) const {
  if (constrained_) constrained_->project(z);
}

double FiniteSumGame::residual(const VecZ& z) const {
  if (!constrained()) return norm_z(full(z));
  VecZ step = difference(z, full(z));  // z − F(z), then Π_C
  constrain(&step);
  return distance(z, step);
}

double FiniteSumGame::residual_lower_bound(const VecZ& z) const {
  return constrained() ? constrained_->residual_lower_bound(z) : 0.0;
}

HalpernState make_halpern_state(const FiniteSumGame& g, HalpernMethod m, const VecZ& z0) {
  HalpernState s;
  s.method = m;
  s.rules = step_rules(g);
  s.z0 = s.z = s.snapshot = s.point = z0;
  if (m == HalpernMethod::VrHalpern || m == HalpernMethod::VrExtragradient) {
    s.estimate = g.full(z0);  // F̃₀ = F(z₀) (vr_eg: F(w₀)): n calls
    s.calls = static_cast<double>(g.n);
  }
  return s;
}

void settle(HalpernState* s, const FiniteSumGame& g) {
  if (!s->lazy.active()) return;
  s->lazy.settle_all(s->z.data() + g.head());
  s->point = s->z;
}

void halpern_step(const FiniteSumGame& g, HalpernState* s, Rng& rng) {
  const double n = static_cast<double>(g.n);
  const StepRules& rules = s->rules;
  switch (s->method) {
    case HalpernMethod::Halpern: {
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      VecZ t = axpy(-1.0 / g.cocoercivity(), g.full(s->z), s->z);  // T z_k = Π_C(z_k − F(z_k)/L_F)
      g.constrain(&t);
      s->z = anchored(lambda, s->z0, t);
      s->calls += n;
      break;
    }
    case HalpernMethod::VrHalpern: {
      if (g.steps == HalpernSteps::Script) {
        script_vr_halpern_step(g, s, rng);
        break;
      }
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      VecZ t = axpy(-rules.vr_halpern, s->estimate, s->z);
      g.constrain(&t);
      const VecZ previous = s->z;
      s->z = anchored(lambda, s->z0, t);
      if (rng.uniform() < 1.0 / std::sqrt(n)) {
        s->estimate = g.full(s->z);
        s->calls += n;
      } else if (g.sparse()) {  // the same draws, O(h) per component (halpern_sparse.cpp)
        std::vector<long long> batch(static_cast<size_t>(vr_batch(g)));
        for (long long& i : batch) i = draw_component(rng, g.n);
        sparse_estimate_update(g, batch, s->z, previous, &s->estimate);
        s->calls += 2.0 * static_cast<double>(batch.size());
      } else {
        const long long b = vr_batch(g);
        VecZ sum(s->z.size(), 0.0);
        for (long long j = 0; j < b; ++j) {
          const long long i = draw_component(rng, g.n);
          sum = plus_minus(sum, g.component(i, s->z), g.component(i, previous));
        }
        s->estimate = axpy(1.0 / static_cast<double>(b), sum, s->estimate);
        s->calls += 2.0 * static_cast<double>(b);
      }
      break;
    }
    case HalpernMethod::Extragradient: {
      const double tau = rules.eg;
      VecZ half = axpy(-tau, g.full(s->z), s->z);
      g.constrain(&half);
      s->z = axpy(-tau, g.full(half), s->z);
      g.constrain(&s->z);
      s->calls += 2.0 * n;
      break;
    }
    case HalpernMethod::AnchoredExtragradient: {
      const double beta = 1.0 / static_cast<double>(s->k + 2), alpha = rules.eag;
      const VecZ pulled = anchored(beta, s->z0, s->z);  // z_k + β_k(z₀ − z_k)
      VecZ half = axpy(-alpha, g.full(s->z), pulled);
      g.constrain(&half);
      s->z = axpy(-alpha, g.full(half), pulled);
      g.constrain(&s->z);
      s->calls += 2.0 * n;
      break;
    }
    case HalpernMethod::VrHalpernInexact: {
      const double lambda = 1.0 / static_cast<double>(s->k + 2);
      s->point = vr_forb_resolvent(g, rules, s->z, inexact_inner_iterations(g, s->k), rng, &s->calls);  // Ĵ(z_k)
      s->z = anchored(lambda, s->z0, s->point);
      ++s->k;
      return;
    }
    case HalpernMethod::VrExtragradient: {
      if (g.sparse()) {  // sets z and point itself (wdro_logistic: lazily, halpern_sparse.cpp)
        sparse_vr_eg_step(g, s, rng);
        ++s->k;
        return;
      }
      const double p = rules.vr_eg_refresh, alpha = 1.0 - p, tau = rules.vr_eg;
      const VecZ bar = anchored(1 - alpha, s->snapshot, s->z);  // αz_k + (1 − α)w_k (1 − (1 − α) = α exactly: α ≥ ½)
      VecZ half = axpy(-tau, s->estimate, bar);
      g.constrain(&half);
      const long long i = draw_component(rng, g.n);
      s->z = axpy(-tau, plus_minus(s->estimate, g.component(i, half), g.component(i, s->snapshot)), bar);
      g.constrain(&s->z);
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
