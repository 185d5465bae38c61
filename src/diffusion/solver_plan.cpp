#include "diffusion/solver_plan.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace klab::diffusion {

std::vector<double> time_grid(const NoiseSchedule& s, StepSchedule schedule, int steps) {
  // blend 1 · t_λ(…) + 0 · (…) and 0 · t_λ(…) + 1 · (…) are the pure terms exactly (test "diffusion USF: time grids").
  return usf_time_grid(s, schedule == StepSchedule::LogSnr ? 1.0 : 0.0, 1.0, steps);
}

std::vector<double> usf_time_grid(const NoiseSchedule& s, double blend, double power, int steps) {
  std::vector<double> t(static_cast<size_t>(steps) + 1);
  const double t0 = 1.0, t1 = s.t_end, l0 = s.lambda(t0), l1 = s.lambda(t1);
  for (int i = 0; i <= steps; ++i) {
    const double v = static_cast<double>(i) / steps, u = power == 1.0 ? v : math::pow(v, power);
    t[static_cast<size_t>(i)] = (1.0 - blend) * (t0 + u * (t1 - t0)) + blend * s.t_of_lambda(l0 + u * (l1 - l0));
  }
  t.front() = t0;
  t.back() = t1;
  return t;
}

UsfPlan usf_start_plan(StepSchedule schedule, int nfe) {
  UsfPlan u;
  u.blend = schedule == StepSchedule::LogSnr ? 1.0 : 0.0;
  for (int i = 1; i <= nfe; ++i) {
    UsfStep st;
    st.order = std::min(2, i), st.noise = false, st.deriv = UsfDeriv::Dpm, st.corrector = false;  // x̂₀ at order 2 (1 first), DPM-Solver's rule
    u.steps.push_back(st);
  }
  return u;
}

UsfStep usf_normalised(UsfStep st, int i, int n) {
  st.order = std::max(1, std::min(st.order, std::min(3, i)));
  if (st.order == 1) st.deriv = UsfDeriv::Dpm;
  if (st.order == 2 && st.deriv == UsfDeriv::LowOrder) st.deriv = UsfDeriv::Taylor;
  if (st.deriv == UsfDeriv::Dpm) st.relax = 0.0;
  if (i == n) st.corrector = false;
  return st;
}

bool operator==(const UsfStep& a, const UsfStep& b) {
  return a.order == b.order && a.noise == b.noise && a.deriv == b.deriv && a.corrector == b.corrector && a.relax == b.relax;
}

bool same_usf_steps(const UsfPlan& a, const UsfPlan& b) {
  if (a.steps.size() != b.steps.size()) return false;
  const int n = static_cast<int>(a.steps.size());
  for (int i = 1; i <= n; ++i) {
    if (!(usf_normalised(a.steps[static_cast<size_t>(i - 1)], i, n) == usf_normalised(b.steps[static_cast<size_t>(i - 1)], i, n))) return false;
  }
  return true;
}

namespace {

// Builds a plan: model points (p_t's terms at each evaluation time) and steps.
struct PlanBuilder {
  const Mixture& mixture;
  const NoiseSchedule& ns;
  SolverPlan plan;

  int point(double t) {
    const Marginal p = marginal_at(mixture, ns, t);
    ModelPoint q;
    q.first_term = static_cast<int>(plan.terms.size());
    q.alpha = p.alpha;
    q.sigma = p.sigma;
    q.drift = ns.drift(t);
    q.half_g2 = 0.5 * ns.g2(t);
    plan.terms.insert(plan.terms.end(), p.terms.begin(), p.terms.end());
    plan.points.push_back(q);
    return static_cast<int>(plan.points.size()) - 1;
  }
};

// Order k solvers spend ⌈nfe/k⌉ steps; the last one takes the remainder's order.
std::vector<int> step_orders(int nfe, int k) {
  std::vector<int> orders(static_cast<size_t>(nfe / k), k);
  if (nfe % k != 0) orders.push_back(nfe % k);
  return orders;
}

// Singlestep DPM-Solver (noise prediction) of order 1, 2 or 3 from t to s (Lu et al. 2022, Alg. 4–5).
PlanStep dpm_singlestep(PlanBuilder& b, int order, double t, double s) {
  const NoiseSchedule& ns = b.ns;
  const double lt = ns.lambda(t), ls = ns.lambda(s), h = ls - lt;
  const double at = ns.alpha(t), as = ns.alpha(s), ss = ns.sigma(s);
  const double phi = std::expm1(h);  // e^h − 1
  PlanStep st;
  st.order = order;
  st.point[0] = b.point(t);
  st.c[0] = as / at;
  st.c[1] = -ss * phi;
  if (order == 2) {
    const double r1 = 0.5, s1 = ns.t_of_lambda(lt + r1 * h);
    st.point[1] = b.point(s1);
    st.c[2] = ns.alpha(s1) / at;
    st.c[3] = -ns.sigma(s1) * std::expm1(r1 * h);
    st.c[4] = -ss / (2.0 * r1) * phi;
  } else if (order == 3) {
    const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
    const double s1 = ns.t_of_lambda(lt + r1 * h), s2 = ns.t_of_lambda(lt + r2 * h);
    const double phi2 = std::expm1(r2 * h);
    st.point[1] = b.point(s1);
    st.point[2] = b.point(s2);
    st.c[2] = ns.alpha(s1) / at;
    st.c[3] = -ns.sigma(s1) * std::expm1(r1 * h);
    st.c[4] = ns.alpha(s2) / at;
    st.c[5] = -ns.sigma(s2) * phi2;
    st.c[6] = -(ns.sigma(s2) * r2 / r1) * (phi2 / (r2 * h) - 1.0);
    st.c[7] = -(ss / r2) * (phi / h - 1.0);
  }
  return st;
}

// Step i (1-based) of a multistep exponential integrator on the grid t, from t_{i−1} to t_i, of
// order 1, 2 or 3 (order ≤ i: the history is the previous steps' evaluations), on the data
// prediction x̂₀ (DPM-Solver++, Lu et al. 2022, Alg. 2 and the released code's third-order update)
// or the noise prediction ε̂ (multistep DPM-Solver, the same code's 'dpmsolver' branch). With
// h = λ_{t_i} − λ_{t_{i−1}}, r₀ = (λ_{i−1} − λ_{i−2})/h, r₁ = (λ_{i−2} − λ_{i−3})/h:
//   x̂₀:  x_s = (σ_s/σ_t) x_t − α_s φ₁ m₀ + α_s φ₂ D1 − α_s φ₃ D2,  φ₁ = e^{−h} − 1, φ₂ = φ₁/h + 1, φ₃ = φ₂/h − ½
//   ε̂:   x_s = (α_s/α_t) x_t − σ_s φ₁ m₀ − σ_s φ₂ D1 − σ_s φ₃ D2,  φ₁ = e^{h} − 1,  φ₂ = φ₁/h − 1, φ₃ = φ₂/h − ½
// where order 2 uses D1 = (m₀ − m₁)/r₀ with coefficient ½ of m₀'s (D2 = 0), order 3 D1 and D2 as in solvers.hpp.
PlanStep multistep_step(PlanBuilder& b, const std::vector<double>& t, int i, int order, bool noise) {
  const NoiseSchedule& ns = b.ns;
  auto lam = [&](int j) { return ns.lambda(t[static_cast<size_t>(j)]); };
  const double ts = t[static_cast<size_t>(i)], tt = t[static_cast<size_t>(i - 1)];
  const double h = lam(i) - lam(i - 1);
  const double as = ns.alpha(ts), ss = ns.sigma(ts);
  PlanStep p;
  p.order = order;
  p.noise = noise ? 1 : 0;
  p.point[0] = b.point(tt);
  const double phi1 = noise ? std::expm1(h) : std::expm1(-h);
  p.c[0] = noise ? as / ns.alpha(tt) : ss / ns.sigma(tt);
  p.c[1] = noise ? -ss * phi1 : -as * phi1;
  if (order == 2) {
    const double r0 = (lam(i - 1) - lam(i - 2)) / h;
    p.c[2] = 0.5 * p.c[1] / r0;  // ½ (m₀'s coefficient) D1, D1 = (m₀ − m₁)/r₀
  } else if (order == 3) {
    const double r0 = (lam(i - 1) - lam(i - 2)) / h, r1 = (lam(i - 2) - lam(i - 3)) / h;
    const double phi2 = noise ? phi1 / h - 1.0 : phi1 / h + 1.0;
    const double phi3 = noise ? (phi1 - h) / (h * h) - 0.5 : (phi1 + h) / (h * h) - 0.5;
    p.c[3] = r0;
    p.c[4] = r1;
    p.c[5] = r0 / (r0 + r1);
    p.c[6] = r0 + r1;
    p.c[7] = noise ? -ss * phi2 : as * phi2;  // x += c₇ D1 − c₈ D2
    p.c[8] = noise ? ss * phi3 : as * phi3;
  }
  return p;
}

// Derivative k (1 ≤ k ≤ E) of m in λ at the start point from E active points at offsets δ_j = λ_j − λ_s:
// the weights a_j of m^{(k)} ≈ Σ_j a_j (m_j − m_s), the solution of Σ_j (δ_j^l / l!) a_j = [l = k],
// l = 1..E (the truncated Taylor expansions of the m_j about λ_s; the authors' get_diff_derivative).
// Gaussian elimination with partial pivoting (E ≤ 3).
std::vector<double> taylor_derivative_weights(const std::vector<double>& delta, int k) {
  const size_t e = delta.size();
  std::vector<std::vector<double>> a(e, std::vector<double>(e + 1, 0.0));  // (E, E + 1): rows l = 1..E, then the right-hand side
  for (size_t l = 0; l < e; ++l) {
    for (size_t j = 0; j < e; ++j) {
      double term = 1.0;
      for (size_t q = 1; q <= l + 1; ++q) term *= delta[j] / static_cast<double>(q);
      a[l][j] = term;
    }
    a[l][e] = static_cast<int>(l) + 1 == k ? 1.0 : 0.0;
  }
  for (size_t col = 0; col < e; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < e; ++r)
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    std::swap(a[col], a[pivot]);
    for (size_t r = col + 1; r < e; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t q = col; q <= e; ++q) a[r][q] -= f * a[col][q];
    }
  }
  std::vector<double> w(e);
  for (size_t r = e; r-- > 0;) {
    double v = a[r][e];
    for (size_t q = r + 1; q < e; ++q) v -= a[r][q] * w[q];
    w[r] = v / a[r][r];
  }
  return w;
}

// The Taylor update of order active.size() + 1 from grid point `from` to grid point `to` on the
// prediction (ε̂ when noise) with derivative k estimated from the grid points active[k − 1]
// (solver_plan.hpp gives the expansion), m′ relaxed by (1 + relax·h) when relax ≠ 0:
// x_to = w₀ x_from + w₁ m(t_to) + w₂ m(t_from) + w₃ m(t_{from−1}) + w₄ m(t_{from−2}).
std::array<double, 5> usf_taylor_update(const NoiseSchedule& ns, const std::vector<double>& t, int from, int to, bool noise,
                                        const std::vector<std::vector<int>>& active, double relax) {
  auto lam = [&](int j) { return ns.lambda(t[static_cast<size_t>(j)]); };
  const double h = lam(to) - lam(from), ts = t[static_cast<size_t>(to)], tf = t[static_cast<size_t>(from)];
  std::array<double, 5> w{};
  auto slot = [&](int j) -> double& { return w[static_cast<size_t>(j == to ? 1 : 2 + (from - j))]; };
  w[0] = noise ? ns.alpha(ts) / ns.alpha(tf) : ns.sigma(ts) / ns.sigma(tf);
  const double scale = noise ? -ns.sigma(ts) : ns.alpha(ts);
  double g = noise ? std::expm1(h) : -std::expm1(-h), hk = 1.0;  // g_k, h^k/k!
  slot(from) += scale * g;
  for (size_t k = 1; k <= active.size(); ++k) {
    hk *= h / static_cast<double>(k);
    g = noise ? g - hk : hk - g;
    const std::vector<int>& pts = active[k - 1];
    std::vector<double> delta;
    for (int j : pts) delta.push_back(lam(j) - lam(from));
    std::vector<double> a = taylor_derivative_weights(delta, static_cast<int>(k));
    if (k == 1 && relax != 0.0)  // only then: a plan without relaxation keeps its bits
      for (double& w1 : a) w1 *= 1.0 + relax * h;
    for (size_t q = 0; q < pts.size(); ++q) {
      slot(pts[q]) += scale * g * a[q];
      slot(from) -= scale * g * a[q];
    }
  }
  return w;
}

// The active points of USF step i's derivatives k = 1..order − 1 (grid indices; the step starts at
// i − 1): the order − 1 previous evaluations, or for LowOrder m′ from the nearest one only.
std::vector<std::vector<int>> usf_active_points(int i, const UsfStep& st) {
  std::vector<std::vector<int>> active;
  for (int k = 1; k < st.order; ++k) {
    const int count = st.deriv == UsfDeriv::LowOrder && k == 1 ? 1 : st.order - 1;
    std::vector<int> pts;
    for (int q = 1; q <= count; ++q) pts.push_back(i - 1 - q);
    active.push_back(pts);
  }
  return active;
}

// USF step i with Taylor or LowOrder derivatives (UsfDeriv): the weights of usf_taylor_update.
PlanStep usf_taylor_step(PlanBuilder& b, const std::vector<double>& t, int i, const UsfStep& st) {
  PlanStep p;
  p.order = st.order;
  p.noise = st.noise ? 1 : 0;
  p.weights = 1;
  p.point[0] = b.point(t[static_cast<size_t>(i - 1)]);
  const std::array<double, 5> w = usf_taylor_update(b.ns, t, i - 1, i, st.noise, usf_active_points(i, st), st.relax);
  p.c[0] = w[0];
  p.c[1] = w[2];
  p.c[2] = w[3];
  p.c[3] = w[4];
  return p;
}

// The pseudo corrector of USF step i (st), run by step i + 1 (p): order st.order + 1 from t_{i−1} to
// t_i, every derivative's active points those of the predictor's same derivative (the last one's for
// the new top derivative) plus t_i (the authors' get_corrector_mutate).
void add_usf_corrector(PlanStep& p, const NoiseSchedule& ns, const std::vector<double>& t, int i, const UsfStep& st) {
  std::vector<std::vector<int>> active = usf_active_points(i, st);
  active.push_back(active.empty() ? std::vector<int>{} : active.back());
  for (std::vector<int>& pts : active) pts.push_back(i);
  const std::array<double, 5> w = usf_taylor_update(ns, t, i - 1, i, st.noise, active, 0.0);  // no relaxation (the code's None)
  p.correct = 1;
  p.correct_noise = st.noise ? 1 : 0;
  for (size_t q = 0; q < 5; ++q) p.k[q] = w[q];
}

}  // namespace

SolverPlan make_usf_plan(const Mixture& m, const NoiseSchedule& s, const UsfPlan& u) {
  PlanBuilder b{m, s, {}};
  b.plan.solver = Solver::Usf;
  b.plan.k = static_cast<int>(m.components.size());
  b.plan.prior_sd = s.sigma(1.0);
  const int n = static_cast<int>(u.steps.size());
  b.plan.times = usf_time_grid(s, u.blend, u.power, n);
  for (int i = 1; i <= n; ++i) {
    const UsfStep st = usf_normalised(u.steps[static_cast<size_t>(i - 1)], i, n);
    PlanStep p = st.deriv == UsfDeriv::Dpm ? multistep_step(b, b.plan.times, i, st.order, st.noise) : usf_taylor_step(b, b.plan.times, i, st);
    if (i > 1) {
      const UsfStep prev = usf_normalised(u.steps[static_cast<size_t>(i - 2)], i - 1, n);
      if (prev.corrector) add_usf_corrector(p, s, b.plan.times, i - 1, prev);
    }
    b.plan.steps.push_back(p);
  }
  return b.plan;
}

SolverPlan make_solver_plan(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe) {
  PlanBuilder b{m, s, {}};
  b.plan.solver = solver;
  b.plan.k = static_cast<int>(m.components.size());
  b.plan.prior_sd = s.sigma(1.0);
  std::vector<PlanStep>& steps = b.plan.steps;
  switch (solver) {
    case Solver::Ddpm: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (size_t i = 1; i < t.size(); ++i) {
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        const double ats = at / as, v_ts = st * st - ats * ats * ss * ss;
        PlanStep p;
        p.point[0] = b.point(t[i - 1]);
        p.c[0] = ats * ss * ss / (st * st);
        p.c[1] = as * v_ts / (st * st);
        p.c[2] = std::sqrt(v_ts * ss * ss / (st * st));
        steps.push_back(p);
      }
      break;
    }
    case Solver::Ddim: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (size_t i = 1; i < t.size(); ++i) {
        // ε̂ = (x_t − α_t x̂₀)/σ_t;  x_s = α_s x̂₀ + σ_s ε̂
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        PlanStep p;
        p.point[0] = b.point(t[i - 1]);
        p.c[0] = ss / st;
        p.c[1] = as - ss * at / st;
        steps.push_back(p);
      }
      break;
    }
    case Solver::Euler:
    case Solver::Heun: {
      // Heun (order 2) or Euler (order 1) on the PF-ODE from t to s.
      const std::vector<int> orders = step_orders(nfe, solver == Solver::Heun ? 2 : 1);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) {
        const double dt = t[i] - t[i - 1];
        PlanStep p;
        p.order = orders[i - 1];
        p.point[0] = b.point(t[i - 1]);
        if (p.order == 2) p.point[1] = b.point(t[i]);
        p.c[0] = dt;
        p.c[1] = 0.5 * dt;
        steps.push_back(p);
      }
      break;
    }
    case Solver::DpmSolver1:
    case Solver::DpmSolver2:
    case Solver::DpmSolver3: {
      const int k = solver == Solver::DpmSolver1 ? 1 : solver == Solver::DpmSolver2 ? 2 : 3;
      const std::vector<int> orders = step_orders(nfe, k);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) steps.push_back(dpm_singlestep(b, orders[i - 1], t[i - 1], t[i]));
      break;
    }
    case Solver::DpmppTwoM:
    case Solver::DpmppThreeM:
    case Solver::Usf: {
      // DPM-Solver++ 2M / 3M: data prediction, order min(max order, step); USF without a searched
      // plan is its search's starting point, DPM-Solver++ 2M (usf_start_plan).
      const int max_order = solver == Solver::DpmppThreeM ? 3 : 2;
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (int i = 1; i <= nfe; ++i) steps.push_back(multistep_step(b, t, i, std::min(max_order, i), false));
      break;
    }
  }
  // Every solver above steps on time_grid(s, schedule, its number of steps).
  b.plan.times = time_grid(s, schedule, static_cast<int>(steps.size()));
  return b.plan;
}

}  // namespace klab::diffusion
