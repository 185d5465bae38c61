#include "diffusion/solvers.hpp"

#include <algorithm>
#include <cmath>

#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

const std::vector<std::string>& solver_ids() {
  static const std::vector<std::string> ids{"ddpm", "ddim", "euler", "heun", "dpm_solver_1", "dpm_solver_2", "dpm_solver_3", "dpmpp_2m", "dpmpp_3m"};
  return ids;
}

const std::vector<std::string>& solver_labels() {
  static const std::vector<std::string> labels{"DDPM (ancestral)", "DDIM", "Euler (PF-ODE)", "Heun (PF-ODE)", "DPM-Solver-1",
                                               "DPM-Solver-2",     "DPM-Solver-3", "DPM-Solver++ 2M", "DPM-Solver++ 3M"};
  return labels;
}

Solver solver_of(const std::string& id) {
  const auto& ids = solver_ids();
  return static_cast<Solver>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

bool solver_is_ode(Solver s) { return s != Solver::Ddpm; }

std::vector<double> time_grid(const NoiseSchedule& s, StepSchedule schedule, int steps) {
  std::vector<double> t(static_cast<size_t>(steps) + 1);
  const double t0 = 1.0, t1 = s.t_end, l0 = s.lambda(t0), l1 = s.lambda(t1);
  for (int i = 0; i <= steps; ++i) {
    const double u = static_cast<double>(i) / steps;
    t[static_cast<size_t>(i)] = schedule == StepSchedule::Time ? t0 + u * (t1 - t0) : s.t_of_lambda(l0 + u * (l1 - l0));
  }
  t.front() = t0;
  t.back() = t1;
  return t;
}

Particles prior_particles(const NoiseSchedule& s, size_t n, uint64_t seed, uint32_t run, uint32_t stream) {
  Rng rng(seed, run, stream);
  const double sd = s.sigma(1.0);
  Particles p;
  p.x.resize(n);
  p.y.resize(n);
  for (size_t i = 0; i < n; ++i) {
    p.x[i] = sd * sample_normal(rng);
    p.y[i] = sd * sample_normal(rng);
  }
  return p;
}

namespace {

// The exact model at one time t: noise prediction ε̂ = −σ ∇log p_t, data prediction x̂₀ = (x − σ ε̂)/α.
struct Model {
  const Mixture& mixture;
  const NoiseSchedule& schedule;

  void eps(double t, const Particles& in, Particles& out) const {
    const Marginal p = marginal_at(mixture, schedule, t);
    out.x.resize(in.size());
    out.y.resize(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      double gx, gy;
      score(p, in.x[i], in.y[i], &gx, &gy);
      out.x[i] = -p.sigma * gx;
      out.y[i] = -p.sigma * gy;
    }
  }
  void data(double t, const Particles& in, Particles& out) const {
    const Marginal p = marginal_at(mixture, schedule, t);
    const double v = p.sigma * p.sigma;
    out.x.resize(in.size());
    out.y.resize(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      double gx, gy;
      score(p, in.x[i], in.y[i], &gx, &gy);
      out.x[i] = (in.x[i] + v * gx) / p.alpha;
      out.y[i] = (in.y[i] + v * gy) / p.alpha;
    }
  }
  // The PF-ODE velocity dx/dt = f x − ½ g² ∇log p_t.
  void velocity(double t, const Particles& in, Particles& out) const {
    const Marginal p = marginal_at(mixture, schedule, t);
    const double f = schedule.drift(t), g = 0.5 * schedule.g2(t);
    out.x.resize(in.size());
    out.y.resize(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      double gx, gy;
      score(p, in.x[i], in.y[i], &gx, &gy);
      out.x[i] = f * in.x[i] - g * gx;
      out.y[i] = f * in.y[i] - g * gy;
    }
  }
};

// out = a·x + b·u (+ c·v): the linear combinations every update is made of.
void combine(Particles& out, double a, const Particles& x, double b, const Particles& u) {
  for (size_t i = 0; i < x.size(); ++i) {
    out.x[i] = a * x.x[i] + b * u.x[i];
    out.y[i] = a * x.y[i] + b * u.y[i];
  }
}
void add(Particles& out, double c, const Particles& v) {
  for (size_t i = 0; i < out.size(); ++i) {
    out.x[i] += c * v.x[i];
    out.y[i] += c * v.y[i];
  }
}
void difference(Particles& out, const Particles& a, const Particles& b) {
  out.x.resize(a.size());
  out.y.resize(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    out.x[i] = a.x[i] - b.x[i];
    out.y[i] = a.y[i] - b.y[i];
  }
}

// Singlestep DPM-Solver (noise prediction) of order 1, 2 or 3 from t to s (Lu et al. 2022, Alg. 4–5).
void dpm_singlestep(const Model& model, int order, double t, double s, Particles& x, Particles& e0, Particles& e1, Particles& u) {
  const NoiseSchedule& ns = model.schedule;
  const double lt = ns.lambda(t), ls = ns.lambda(s), h = ls - lt;
  const double at = ns.alpha(t), as = ns.alpha(s), ss = ns.sigma(s);
  const double phi = std::expm1(h);  // e^h − 1
  model.eps(t, x, e0);
  u.x.resize(x.size());
  u.y.resize(x.size());
  if (order == 1) {
    combine(x, as / at, x, -ss * phi, e0);
    return;
  }
  if (order == 2) {
    const double r1 = 0.5, s1 = ns.t_of_lambda(lt + r1 * h);
    combine(u, ns.alpha(s1) / at, x, -ns.sigma(s1) * std::expm1(r1 * h), e0);
    model.eps(s1, u, e1);
    difference(e1, e1, e0);  // ε̂(u, s₁) − ε̂_t
    combine(x, as / at, x, -ss * phi, e0);
    add(x, -ss / (2.0 * r1) * phi, e1);
    return;
  }
  const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
  const double s1 = ns.t_of_lambda(lt + r1 * h), s2 = ns.t_of_lambda(lt + r2 * h);
  combine(u, ns.alpha(s1) / at, x, -ns.sigma(s1) * std::expm1(r1 * h), e0);
  model.eps(s1, u, e1);
  difference(e1, e1, e0);  // D₁
  const double phi2 = std::expm1(r2 * h);
  combine(u, ns.alpha(s2) / at, x, -ns.sigma(s2) * phi2, e0);
  add(u, -(ns.sigma(s2) * r2 / r1) * (phi2 / (r2 * h) - 1.0), e1);
  model.eps(s2, u, e1);
  difference(e1, e1, e0);  // D₂
  combine(x, as / at, x, -ss * phi, e0);
  add(x, -(ss / r2) * (phi / h - 1.0), e1);
}

// Heun (order 2) or Euler (order 1) on the PF-ODE from t to s.
void ode_step(const Model& model, int order, double t, double s, Particles& x, Particles& d1, Particles& d2, Particles& u) {
  const double dt = s - t;
  model.velocity(t, x, d1);
  if (order == 1) {
    add(x, dt, d1);
    return;
  }
  u.x.resize(x.size());
  u.y.resize(x.size());
  combine(u, 1.0, x, dt, d1);
  model.velocity(s, u, d2);
  add(x, 0.5 * dt, d1);
  add(x, 0.5 * dt, d2);
}

// Order k solvers spend ⌈nfe/k⌉ steps; the last one takes the remainder's order.
std::vector<int> step_orders(int nfe, int k) {
  std::vector<int> orders(static_cast<size_t>(nfe / k), k);
  if (nfe % k != 0) orders.push_back(nfe % k);
  return orders;
}

void solve_multistep(const Model& model, int max_order, const std::vector<double>& t, Particles& x) {
  const NoiseSchedule& ns = model.schedule;
  std::vector<Particles> m(3);  // data predictions at t_{i−1}, t_{i−2}, t_{i−3}
  std::vector<double> lam(3);
  Particles d1, d2, tmp;
  for (size_t i = 1; i < t.size(); ++i) {
    std::rotate(m.rbegin(), m.rbegin() + 1, m.rend());  // m[0] is the oldest: make it the newest slot
    std::rotate(lam.rbegin(), lam.rbegin() + 1, lam.rend());
    model.data(t[i - 1], x, m[0]);
    lam[0] = ns.lambda(t[i - 1]);
    const double ls = ns.lambda(t[i]), h = ls - lam[0];
    const double as = ns.alpha(t[i]), ratio = ns.sigma(t[i]) / ns.sigma(t[i - 1]);
    const double phi1 = std::expm1(-h);  // e^{−h} − 1
    const int order = std::min<int>(max_order, static_cast<int>(i));
    combine(x, ratio, x, -as * phi1, m[0]);
    if (order == 2) {
      const double r0 = (lam[0] - lam[1]) / h;
      difference(d1, m[0], m[1]);
      add(x, -0.5 * as * phi1 / r0, d1);  // −½ α_s (e^{−h} − 1) D1, D1 = (m₀ − m₁)/r₀
    } else if (order == 3) {
      const double r0 = (lam[0] - lam[1]) / h, r1 = (lam[1] - lam[2]) / h;
      difference(d1, m[0], m[1]);  // r₀ D1₀
      difference(d2, m[1], m[2]);  // r₁ D1₁
      tmp.x.resize(x.size());
      tmp.y.resize(x.size());
      // D1₀ − D1₁ and D1 = D1₀ + r₀/(r₀+r₁)(D1₀ − D1₁), D2 = (D1₀ − D1₁)/(r₀+r₁)
      const double c2 = (phi1 / h + 1.0), c3 = ((phi1 + h) / (h * h) - 0.5);
      for (size_t j = 0; j < x.size(); ++j) {
        const double ax = d1.x[j] / r0, bx = d2.x[j] / r1, ay = d1.y[j] / r0, by = d2.y[j] / r1;
        const double D1x = ax + r0 / (r0 + r1) * (ax - bx), D1y = ay + r0 / (r0 + r1) * (ay - by);
        const double D2x = (ax - bx) / (r0 + r1), D2y = (ay - by) / (r0 + r1);
        x.x[j] += as * c2 * D1x - as * c3 * D2x;
        x.y[j] += as * c2 * D1y - as * c3 * D2y;
      }
    }
  }
}

}  // namespace

void solve(Solver solver, const Mixture& m, const NoiseSchedule& s, StepSchedule schedule, int nfe, Particles& p, uint64_t seed,
           uint32_t run, uint32_t noise_stream) {
  const Model model{m, s};
  Particles a, b, c;
  switch (solver) {
    case Solver::Ddpm: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      Rng rng(seed, run, noise_stream);
      for (size_t i = 1; i < t.size(); ++i) {
        model.data(t[i - 1], p, a);
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        const double ats = at / as, v_ts = st * st - ats * ats * ss * ss;
        const double cx = ats * ss * ss / (st * st), c0 = as * v_ts / (st * st), sd = std::sqrt(v_ts * ss * ss / (st * st));
        for (size_t j = 0; j < p.size(); ++j) {
          p.x[j] = cx * p.x[j] + c0 * a.x[j] + sd * sample_normal(rng);
          p.y[j] = cx * p.y[j] + c0 * a.y[j] + sd * sample_normal(rng);
        }
      }
      return;
    }
    case Solver::Ddim: {
      const std::vector<double> t = time_grid(s, schedule, nfe);
      for (size_t i = 1; i < t.size(); ++i) {
        model.data(t[i - 1], p, a);
        // ε̂ = (x_t − α_t x̂₀)/σ_t;  x_s = α_s x̂₀ + σ_s ε̂
        const double at = s.alpha(t[i - 1]), st = s.sigma(t[i - 1]), as = s.alpha(t[i]), ss = s.sigma(t[i]);
        combine(p, ss / st, p, as - ss * at / st, a);
      }
      return;
    }
    case Solver::Euler:
    case Solver::Heun: {
      const std::vector<int> orders = step_orders(nfe, solver == Solver::Heun ? 2 : 1);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) ode_step(model, orders[i - 1], t[i - 1], t[i], p, a, b, c);
      return;
    }
    case Solver::DpmSolver1:
    case Solver::DpmSolver2:
    case Solver::DpmSolver3: {
      const int k = solver == Solver::DpmSolver1 ? 1 : solver == Solver::DpmSolver2 ? 2 : 3;
      const std::vector<int> orders = step_orders(nfe, k);
      const std::vector<double> t = time_grid(s, schedule, static_cast<int>(orders.size()));
      for (size_t i = 1; i < t.size(); ++i) dpm_singlestep(model, orders[i - 1], t[i - 1], t[i], p, a, b, c);
      return;
    }
    case Solver::DpmppTwoM:
    case Solver::DpmppThreeM:
      solve_multistep(model, solver == Solver::DpmppTwoM ? 2 : 3, time_grid(s, schedule, nfe), p);
      return;
  }
}

void solve_reference(const Mixture& m, const NoiseSchedule& s, Particles& p, int nfe) {
  solve(Solver::DpmSolver3, m, s, StepSchedule::LogSnr, nfe, p, 0, 0, 0);
}

}  // namespace klab::diffusion
